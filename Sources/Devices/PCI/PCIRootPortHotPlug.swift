/// The root port's native PCI Express hot-plug slot (PCIe Base 4.0, 6.7),
/// as QEMU 7.2's pcie-root-port with `hotplug=on` behaves:
///
/// - a card plugged at run time (`hotPlugged`): Presence Detect State and
///   Data Link Layer Link Active set, then Presence Detect Changed and
///   Attention Button Pressed (Linux's pciehp, which enables the button's
///   event rather than presence's, powers the slot on and scans it);
/// - an unplug request (`requestUnplug`, QMP's device_del): the attention
///   button is pressed; the OS powers the slot off (power controller off,
///   power indicator off) and the card is then removed (`unplugAll`); a
///   slot already off loses its card at once;
/// - every Slot Control write is a command that completes at once (Command
///   Completed); Electromechanical Interlock Control toggles the interlock;
/// - the hot-plug interrupt: asserted while Hot-Plug Interrupt Enable is
///   set and an event (button, presence, command completed) is both set and
///   enabled; MSI-X vector 0 on its rising edge, else INTx at its level;
/// - the power controller: a slot powered off hides its functions (their
///   configuration reads all ones, their BARs decode nothing) and resets
///   them.
extension PCIRootPort {
    typealias E = Express

    private var slotControlAt: Int { expressCapability + E.slotControl }
    private var slotStatusAt: Int { expressCapability + E.slotStatus }
    var slotControl: UInt16 { get16(slotControlAt) }
    var slotStatus: UInt16 { get16(slotStatusAt) }

    /// Whether the slot's functions have power: a port without hot plug has
    /// no power controller, so always.
    public var slotPowered: Bool { !hotplug || slotControl & E.powerOff == 0 }

    /// Power controller off and power indicator off: what the OS writes
    /// when it is done with the card (QEMU's pcie_sltctl_powered_off).
    private static func poweredOff(_ control: UInt16) -> Bool {
        control & E.powerOff != 0 && control & E.powerIndicator == E.powerIndicatorOff
    }

    /// The slot as a reset leaves it: commands and event enables off,
    /// both indicators off, and a card present powered with its power
    /// indicator on, an empty slot powered off.
    func setSlotAtReset() {
        let populated = devices.contains { $0 != nil }
        var control = slotControl & ~(E.interlockControl | E.powerIndicator | 0x00C0 | E.hotPlugInterruptEnable
                                      | E.commandCompletedEnable | E.presenceChangedEnable | E.attentionButtonEnable)
        control |= E.attentionIndicatorOff | (populated ? E.powerIndicatorOn : E.powerIndicatorOff)
        control = populated ? control & ~E.powerOff : control | E.powerOff
        set16(slotControlAt, control)
        set16(slotStatusAt, slotStatus & ~(E.interlockStatus | E.commandCompleted | E.presenceChanged | E.attentionButtonPressed))
        powered = slotPowered
    }

    // MARK: Hot plug and unplug

    /// A card was plugged at run time (`attach(_:slot:hot:)`).
    func hotPlugged() {
        presenceChanged()
        slotEvent(E.presenceChanged | E.attentionButtonPressed)
    }

    /// QMP's device_del of a card behind this port: nil, or why it cannot
    /// start (QEMU's messages). The card goes when the OS powers the slot off.
    public func requestUnplug() -> String? {
        guard hotplug else { return "Hot-unplug failed: unsupported by the port device '\(name)'" }
        if slotControl & E.powerIndicator == E.powerIndicatorBlink {
            return "Hot-unplug failed: guest is busy (power indicator blinking)"
        }
        if PCIRootPort.poweredOff(slotControl) {
            // Nobody is using the slot: no round trip to the guest.
            unplugAll()
            notifyHotPlug()
            set16(slotStatusAt, slotStatus & ~E.attentionButtonPressed)
            return nil
        }
        slotEvent(E.attentionButtonPressed)
        return nil
    }

    /// Removes every card: presence and link down, Presence Detect Changed.
    func unplugAll() {
        for (s, f) in devices.enumerated() {
            guard let f else { continue }
            f.setINTx(false)
            devices[s] = nil
            f.upstream = nil
            removed?(f)
        }
        presenceChanged()
        set16(slotStatusAt, slotStatus | E.presenceChanged)
    }

    // MARK: Events and the interrupt

    /// Sets event bits of Slot Status; the interrupt follows unless they were all set already.
    func slotEvent(_ bits: UInt16) {
        let status = slotStatus
        set16(slotStatusAt, status | bits)
        if status & bits != bits { notifyHotPlug() }
    }

    private var hotPlugEventPending: Bool {
        slotControl & E.hotPlugInterruptEnable != 0 && slotStatus & slotControl & E.interruptingEvents != 0
    }

    /// The interrupt after a change: MSI-X vector 0 when it rises, or INTx
    /// at its level. (QEMU 7.2 also sends the MSI-X message when it falls.)
    func notifyHotPlug() {
        let was = hotPlugNotified
        hotPlugNotified = hotPlugEventPending
        guard was != hotPlugNotified else { return }
        if msix.enabled {
            if hotPlugNotified { msix.notify(0) }
        } else {
            setINTx(hotPlugNotified)
        }
    }

    /// Software cleared events: INTx drops with the last one.
    private func clearHotPlugEvent() {
        hotPlugNotified = hotPlugEventPending
        if !msix.enabled && !hotPlugNotified { setINTx(false) }
    }

    // MARK: Slot registers

    /// After a configuration write (`writeConfig`): the slot's registers as
    /// they were before it, and what was written.
    func slotWritten(offset: Int, size: Int, value: UInt32, oldControl: UInt16, oldStatus: UInt16) {
        guard hotplug else { return }
        func written(_ at: Int) -> UInt16? {
            guard offset < at + 2 && offset + size > at else { return nil }
            var v: UInt16 = 0
            for i in 0..<2 where at + i >= offset && at + i < offset + size {
                v |= UInt16(truncatingIfNeeded: value >> (8 * UInt32(at + i - offset))) << (8 * UInt16(i))
            }
            return v
        }
        if let w = written(slotStatusAt) {
            // As QEMU: a write that clears events that were not set (a
            // driver clearing everything at start-up) keeps the events as
            // they were, so none is lost.
            if w & ~oldStatus & E.slotEvents != 0 {
                set16(slotStatusAt, slotStatus & ~E.slotEvents | oldStatus & E.slotEvents)
            }
            clearHotPlugEvent()
        }
        guard written(slotControlAt) != nil else { return }
        if slotControl & E.interlockControl != 0 {
            // The interlock command toggles the interlock's state; it reads as 0.
            set16(slotStatusAt, slotStatus ^ E.interlockStatus)
            set16(slotControlAt, slotControl & ~E.interlockControl)
        }
        // The OS powered a populated slot off: the card can go (once: not
        // again when it rewrites the control of a slot already off).
        if slotStatus & E.presenceDetect != 0 && PCIRootPort.poweredOff(slotControl) && !PCIRootPort.poweredOff(oldControl) {
            unplugAll()
        }
        updatePower()
        notifyHotPlug()
        slotEvent(E.commandCompleted)
    }

    /// The power controller's effect on the functions behind: off resets them and hides them.
    private func updatePower() {
        let now = slotPowered
        guard now != powered else { return }
        powered = now
        if !now { for case let f? in devices { f.reset() } }
        mappingChanged?()
    }
}
