/// QEMU's pcie-root-port (Red Hat 1b36:000c, class 0604): a PCI Express root
/// port on bus 0, a PCI-to-PCI bridge (type 1 header, PCI-to-PCI Bridge
/// Architecture 1.2, chapter 3) whose secondary bus holds the functions
/// plugged behind it. Software numbers the buses (primary, secondary,
/// subordinate) and opens the windows (I/O, memory, prefetchable memory);
/// the host bridge sends configuration cycles for the secondary bus to the
/// functions behind the port, and window accesses to their BARs only while
/// the address is inside one of the port's windows and the port's command
/// register enables that space.
///
/// Capabilities as QEMU 7.2 lays them out: the subsystem IDs (0x40), MSI-X
/// with one vector in BAR 0 (0x48), the PCI Express capability (0x54: a
/// root port with a slot, `chassis`/`slot` as QEMU's properties; hot-plug
/// capable with `hotplug`: PCIRootPortHotPlug.swift);
/// in the extended space Advanced Error Reporting (0x100) and Access
/// Control Services (0x148). No error is ever detected, so AER's status
/// registers stay clear and only its enables and masks take writes.
public final class PCIRootPort: PCIFunction {
    /// Type 1 header offsets (PCI-to-PCI Bridge Architecture 1.2, 3.2).
    public enum Bridge {
        public static let primaryBus = 0x18, secondaryBus = 0x19, subordinateBus = 0x1A
        public static let ioBase = 0x1C, ioLimit = 0x1D, secondaryStatus = 0x1E
        public static let memoryBase = 0x20, memoryLimit = 0x22
        public static let prefetchableBase = 0x24, prefetchableLimit = 0x26
        public static let prefetchableBaseUpper = 0x28, prefetchableLimitUpper = 0x2C
        public static let bridgeControl = 0x3E
        /// Bridge Control: Secondary Bus Reset.
        public static let secondaryBusReset: UInt16 = 1 << 6
    }

    /// PCI Express capability registers, from the capability's offset (PCIe Base 4.0, 7.5.3).
    public enum Express {
        public static let capabilities = 0x02, deviceCapabilities = 0x04, deviceControl = 0x08
        public static let deviceStatus = 0x0A, linkCapabilities = 0x0C, linkControl = 0x10
        public static let linkStatus = 0x12, slotCapabilities = 0x14, slotControl = 0x18, slotStatus = 0x1A
        public static let rootControl = 0x1C, rootStatus = 0x20, deviceCapabilities2 = 0x24
        public static let deviceControl2 = 0x28, linkCapabilities2 = 0x2C, linkControl2 = 0x30
        public static let length = 0x3C
        /// Slot Control (7.5.3.10): the event enables (attention button,
        /// presence detect changed, command completed), the hot-plug
        /// interrupt enable, the indicators, the power controller (set:
        /// off), the electromechanical interlock command.
        public static let attentionButtonEnable: UInt16 = 1 << 0, presenceChangedEnable: UInt16 = 1 << 3
        public static let commandCompletedEnable: UInt16 = 1 << 4, hotPlugInterruptEnable: UInt16 = 1 << 5
        public static let attentionIndicatorOff: UInt16 = 0x00C0, powerIndicator: UInt16 = 0x0300
        public static let powerIndicatorOn: UInt16 = 0x0100, powerIndicatorBlink: UInt16 = 0x0200
        public static let powerIndicatorOff: UInt16 = 0x0300
        public static let powerOff: UInt16 = 1 << 10, interlockControl: UInt16 = 1 << 11
        /// Slot Status (7.5.3.11): the events (attention button pressed, power
        /// fault, MRL changed, presence detect changed, command completed),
        /// Presence Detect State, Electromechanical Interlock Status.
        public static let attentionButtonPressed: UInt16 = 1 << 0, presenceChanged: UInt16 = 1 << 3
        public static let commandCompleted: UInt16 = 1 << 4, presenceDetect: UInt16 = 1 << 6
        public static let interlockStatus: UInt16 = 1 << 7
        public static let slotEvents: UInt16 = 0x1F
        /// The events that interrupt (with their enables at the same bits of Slot Control).
        public static let interruptingEvents: UInt16 = 0x19
        /// Link Status: Data Link Layer Link Active.
        public static let linkActive: UInt16 = 1 << 13
    }

    public let chassis: UInt8
    public let slot: UInt16
    public let port: UInt8
    public let hotplug: Bool
    /// The functions on the secondary bus, by device number (function 0 only).
    public internal(set) var devices: [PCIFunction?] = Array(repeating: nil, count: 32)
    /// Whether the hot-plug interrupt is asserted (PCIRootPortHotPlug.swift).
    var hotPlugNotified = false
    /// Whether the slot's power is on (PCIRootPortHotPlug.swift).
    var powered = true
    /// Told when a function left the secondary bus (the host bridge sets it).
    var removed: ((PCIFunction) -> Void)?
    public private(set) var msix: MSIX!
    /// The PCI Express capability's offset.
    public private(set) var expressCapability = 0

    public init(name: String, chassis: UInt8, slot: UInt16, port: UInt8, hotplug: Bool = true) {
        self.chassis = chassis
        self.slot = slot
        self.port = port
        self.hotplug = hotplug
        super.init(name: name, vendorID: 0x1B36, deviceID: 0x000C, classCode: 0x06_04_00, interruptPin: 1, headerType: 1)
        addBAR(0, BAR(kind: .memory32, size: 0x1000))
        setWriteMask(Bridge.primaryBus, [0xFF, 0xFF, 0xFF, 0xFF])        // bus numbers, secondary latency
        setWriteMask(Bridge.ioBase, [0xF0, 0xF0])                        // 16-bit I/O decode (4 KiB units)
        setClearMask(Bridge.secondaryStatus + 1, [UInt8(Status.writeOneToClear >> 8)])
        setWriteMask(Bridge.memoryBase, [0xF0, 0xFF, 0xF0, 0xFF])        // 1 MiB units
        setWriteMask(Bridge.prefetchableBase, [0xF0, 0xFF, 0xF0, 0xFF])
        set16(Bridge.prefetchableBase, 1)                                // 64-bit prefetchable window
        set16(Bridge.prefetchableLimit, 1)
        setWriteMask(Bridge.prefetchableBaseUpper, [UInt8](repeating: 0xFF, count: 8))
        setWriteMask(Bridge.bridgeControl, [0x7F, 0x00])                 // parity, SERR, ISA, VGA, VGA16, master abort, reset

        let ssvid = addCapability(id: 0x0D, length: 8, first: true)
        set16(ssvid + 4, 0x1B36)
        msix = MSIX(function: self, vectors: 1, bar: 0, pbaOffset: 0x800, first: true)
        let e = addCapability(id: 0x10, length: Express.length, first: true)
        expressCapability = e
        set16(e + Express.capabilities, 0x0142)                          // version 2, root port, slot implemented
        set32(e + Express.deviceCapabilities, 0x0000_8000)               // role-based error reporting
        setWriteMask(e + Express.deviceControl, [0x0F, 0x00])            // error reporting enables
        setClearMask(e + Express.deviceStatus, [0x0F, 0x00])
        // 16 GT/s x32 as QEMU 7.2's defaults, link active reporting, the port number.
        set32(e + Express.linkCapabilities, 0x0030_0604 | UInt32(port) << 24)
        setWriteMask(e + Express.linkControl, [0xF3, 0x00])              // ASPM, link disable, retrain, common clock, ext sync
        set16(e + Express.linkStatus, 0x0011)                            // 2.5 GT/s x1
        if hotplug {
            // Attention button, power controller, attention and power indicators,
            // surprise removal, hot-plug capable, electromechanical interlock.
            set32(e + Express.slotCapabilities, 0x0002_007B | UInt32(slot) << 19)
            // Indicators, power controller, interlock control, the enables of
            // attention button, presence detect, command completed, hot-plug.
            setWriteMask(e + Express.slotControl, [0xF9, 0x0F])
            setClearMask(e + Express.slotStatus, [0x1F, 0x01])
        } else {
            set32(e + Express.slotCapabilities, UInt32(slot) << 19)
        }
        set16(e + Express.slotControl, 0x03C0)                           // both indicators off
        if hotplug { setSlotAtReset() }                                  // an empty slot: power off
        setWriteMask(e + Express.rootControl, [0x07, 0x00])              // system error enables
        setClearMask(e + Express.rootStatus + 2, [0x01])                 // PME Status
        set32(e + Express.deviceCapabilities2, 0x0030_0020)              // ARI forwarding, extended fmt, TLP prefixes
        setWriteMask(e + Express.deviceControl2, [0x20, 0x00])
        set32(e + Express.linkCapabilities2, 0x1E)                       // 2.5 to 16 GT/s
        set16(e + Express.linkControl2, 0x0004)
        setWriteMask(e + Express.linkControl2, [0x0F, 0x00])
        addAdvancedErrorReporting()
        addAccessControlServices()
    }

    // MARK: The secondary bus

    public var secondaryBus: Int { Int(config[Bridge.secondaryBus]) }
    public var subordinateBus: Int { Int(config[Bridge.subordinateBus]) }

    /// Whether configuration cycles for `bus` go through this port (type 0
    /// on its secondary bus; a bus number of 0 is not one it was given).
    public func claims(bus: Int) -> Bool { secondaryBus != 0 && bus >= secondaryBus && bus <= subordinateBus }

    /// Plugs `function` at device `slot` (the next free one when nil) of the
    /// secondary bus; returns the slot. Done by the host bridge
    /// (`plug(_:slot:behind:)`): before the machine starts (`hot` false: the
    /// slot as a reset finds it, powered with its power indicator on) or at
    /// run time (`hotPlugged`).
    func attach(_ function: PCIFunction, slot: Int?, hot: Bool = false) -> Int? {
        guard let s = slot ?? devices.firstIndex(where: { $0 == nil }), s < 32, devices[s] == nil else { return nil }
        devices[s] = function
        function.upstream = self
        function.devfn = UInt8(s << 3)
        if hot { hotPlugged() } else { presenceChanged(); if hotplug { setSlotAtReset() } }
        return s
    }

    /// Presence Detect State and the link's Data Link Layer Link Active
    /// follow whether the slot holds a card.
    func presenceChanged() {
        let e = expressCapability
        let present = devices.contains { $0 != nil }
        let status = get16(e + Express.slotStatus) & ~Express.presenceDetect
        set16(e + Express.slotStatus, status | (present ? Express.presenceDetect : 0))
        let link = get16(e + Express.linkStatus) & ~Express.linkActive
        set16(e + Express.linkStatus, link | (present ? Express.linkActive : 0))
    }

    // MARK: Windows

    /// The memory window [base, limit] (PCI-to-PCI Bridge 1.2, 3.2.5.8), nil while closed.
    public var memoryWindow: ClosedRange<UInt64>? {
        window(base: UInt64(get16(Bridge.memoryBase) & 0xFFF0) << 16,
               limit: UInt64(get16(Bridge.memoryLimit) & 0xFFF0) << 16 | 0xF_FFFF)
    }

    /// The prefetchable memory window (64-bit: the upper registers too), nil while closed.
    public var prefetchableWindow: ClosedRange<UInt64>? {
        window(base: UInt64(get16(Bridge.prefetchableBase) & 0xFFF0) << 16 | UInt64(get32(Bridge.prefetchableBaseUpper)) << 32,
               limit: UInt64(get16(Bridge.prefetchableLimit) & 0xFFF0) << 16 | 0xF_FFFF
                   | UInt64(get32(Bridge.prefetchableLimitUpper)) << 32)
    }

    /// The I/O window (16-bit decode, 4 KiB granules), nil while closed.
    public var ioWindow: ClosedRange<UInt64>? {
        window(base: UInt64(config[Bridge.ioBase] & 0xF0) << 8, limit: UInt64(config[Bridge.ioLimit] & 0xF0) << 8 | 0xFFF)
    }

    private func window(base: UInt64, limit: UInt64) -> ClosedRange<UInt64>? { base <= limit ? base...limit : nil }

    /// The parts of `range` the port forwards downstream now (its command
    /// register's space enable, then its windows).
    func forwarded(_ range: ClosedRange<UInt64>, io: Bool) -> [ClosedRange<UInt64>] {
        guard command & (io ? Command.io : Command.memory) != 0 else { return [] }
        let windows = io ? [ioWindow] : [memoryWindow, prefetchableWindow]
        return windows.compactMap { w in
            guard let w, w.overlaps(range) else { return nil }
            return max(w.lowerBound, range.lowerBound)...min(w.upperBound, range.upperBound)
        }
    }

    // MARK: Registers

    public override func configWritten(offset: Int, size: Int) {
        msix.configWritten(offset: offset, size: size)
        let end = offset + size
        // Bus numbers and windows decide what reaches the functions behind.
        if offset < 0x34 && end > Bridge.primaryBus { mappingChanged?() }
        if offset <= Bridge.bridgeControl && end > Bridge.bridgeControl {
            if get16(Bridge.bridgeControl) & Bridge.secondaryBusReset != 0 {
                for case let f? in devices { f.reset() }
            }
        }
        let e = expressCapability
        // Retrain Link is a command: it reads as 0.
        set16(e + Express.linkControl, get16(e + Express.linkControl) & ~0x0020)
    }

    public override func writeConfig(offset: Int, size: Int, value: UInt32) {
        let oldControl = slotControl, oldStatus = slotStatus
        super.writeConfig(offset: offset, size: size, value: value)
        // While MSI-X is on the port does not use INTx (PCI 3.0, 6.8.2).
        if msix.enabled && intxLevel { setINTx(false) }
        slotWritten(offset: offset, size: size, value: value, oldControl: oldControl, oldStatus: oldStatus)
    }

    public override func readBAR(_ index: Int, offset: UInt64, size: Int) -> UInt64 { msix.readBAR(offset: offset, size: size) }
    public override func writeBAR(_ index: Int, offset: UInt64, size: Int, value: UInt64) {
        msix.writeBAR(offset: offset, size: size, value: value)
    }

    public override func reset() {
        msix.reset()
        super.reset()
        presenceChanged()
        hotPlugNotified = false
        if hotplug { setSlotAtReset() }
        for case let f? in devices { f.reset() }
    }
}
