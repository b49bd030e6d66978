import Machine

/// The virtio PCI transport (virtio 1.2 section 4.1), laid out as QEMU
/// 7.2's virtio-*-pci. Three modes, as its disable-legacy/disable-modern:
/// modern (device 0x1040 + the virtio device ID, revision 1, subsystem
/// 1af4:1100), transitional (the legacy device ID, e.g. 0x1001 for a block
/// device, revision 0, subsystem 1af4:<virtio device ID>: both interfaces)
/// and legacy (the legacy interface alone):
///
/// | BAR | size   | what                                                  |
/// |-----|--------|-------------------------------------------------------|
/// | 0   | I/O    | the legacy registers (4.1.4.10; VirtioPCILegacy.swift)|
/// | 1   | 4 KiB  | MSI-X table (0x000) and PBA (0x800)                   |
/// | 4   | 16 KiB | 64-bit prefetchable: common configuration (0x0000),   |
/// |     |        | ISR (0x1000), device configuration (0x2000),          |
/// |     |        | notifications (0x3000, 4 bytes per queue)             |
///
/// The vendor capabilities (4.1.4) point at BAR 4's regions; the PCI
/// configuration access capability (4.1.4.9) reaches any BAR through
/// configuration space. Behind a PCI Express port (`express`) the function
/// is a PCI Express endpoint with power management, as QEMU's (its
/// capabilities first; Function Level Reset resets it). Capabilities are
/// linked at the head of the list as QEMU adds them. Interrupts: a queue's
/// or the configuration's MSI-X vector when MSI-X is on, else INTx (pin A)
/// while the ISR is non-zero.
public final class VirtioPCI: PCIFunction {
    /// Vendor capability types (4.1.4).
    public enum CapType {
        public static let common: UInt8 = 1, notify: UInt8 = 2, isr: UInt8 = 3, device: UInt8 = 4, pciConfig: UInt8 = 5
    }
    /// Common configuration offsets (4.1.4.3).
    public enum Common {
        public static let deviceFeatureSelect: UInt64 = 0x00, deviceFeature: UInt64 = 0x04
        public static let driverFeatureSelect: UInt64 = 0x08, driverFeature: UInt64 = 0x0C
        public static let msixConfig: UInt64 = 0x10, numQueues: UInt64 = 0x12
        public static let deviceStatus: UInt64 = 0x14, configGeneration: UInt64 = 0x15
        public static let queueSelect: UInt64 = 0x16, queueSize: UInt64 = 0x18
        public static let queueMSIXVector: UInt64 = 0x1A, queueEnable: UInt64 = 0x1C
        public static let queueNotifyOff: UInt64 = 0x1E, queueDesc: UInt64 = 0x20
        public static let queueDriver: UInt64 = 0x28, queueDevice: UInt64 = 0x30
    }
    public static let noVector: UInt16 = 0xFFFF
    /// BAR 4's regions and the notification stride.
    public static let commonOffset: UInt64 = 0x0000, isrOffset: UInt64 = 0x1000
    public static let deviceOffset: UInt64 = 0x2000, notifyOffset: UInt64 = 0x3000
    public static let notifyMultiplier: UInt32 = 4
    static let legacyBAR = 0, msixBAR = 1, modernBAR = 4

    /// Which interfaces the function offers (QEMU's disable-legacy, disable-modern).
    public enum Mode: Sendable, Equatable { case modern, transitional, legacy }

    public let core: VirtioCore
    public let mode: Mode
    public private(set) var msix: MSIX!
    private var deviceFeatureSelect: UInt32 = 0
    private var driverFeatureSelect: UInt32 = 0
    /// The queue both interfaces' queue registers address.
    var queueSelect: UInt16 = 0
    var configVector = VirtioPCI.noVector
    var queueVectors: [UInt16]
    /// The PCI configuration access capability's offset (0: none).
    private var pciConfigCap = 0
    /// The PCI Express capability's offset (0: a conventional function).
    private var expressCap = 0

    /// The transitional PCI device ID of a virtio device type (4.1.2.3), nil
    /// for the types that were never legacy devices.
    public static func legacyDeviceID(_ deviceID: UInt32) -> UInt16? {
        switch deviceID {
        case Virtio.deviceNet: return 0x1000
        case Virtio.deviceBlock: return 0x1001
        case 3: return 0x1003                          // console
        case Virtio.deviceEntropy: return 0x1005
        case 5: return 0x1002                          // memory balloon
        case 8: return 0x1004                          // SCSI host
        case Virtio.device9P: return 0x1009
        default: return nil
        }
    }

    /// QEMU 7.2's class code (base class, subclass, programming interface)
    /// of each virtio-*-pci device type.
    public static func classCode(deviceID: UInt32) -> UInt32 {
        switch deviceID {
        case Virtio.deviceBlock: return 0x01_00_00     // mass storage, SCSI
        case Virtio.deviceNet: return 0x02_00_00       // network, Ethernet
        case Virtio.device9P: return 0x00_02_00        // as QEMU's virtio-9p-pci
        default: return 0x00_FF_00                     // virtio-rng-pci and the rest: "other"
        }
    }

    /// `mode`: the interfaces offered (a type with no legacy device ID is
    /// always modern); `express`: a PCI Express endpoint (behind a port).
    public init(name: String, core: VirtioCore, classCode: UInt32? = nil, mode: Mode = .modern, express: Bool = false) {
        let classCode = classCode ?? VirtioPCI.classCode(deviceID: core.device.deviceID)
        let legacyID = VirtioPCI.legacyDeviceID(core.device.deviceID)
        let mode = legacyID == nil ? .modern : mode
        self.core = core
        self.mode = mode
        queueVectors = Array(repeating: VirtioPCI.noVector, count: core.queues.count)
        if mode == .modern {
            super.init(name: name, vendorID: 0x1AF4, deviceID: UInt16(0x1040 + core.device.deviceID),
                       classCode: classCode, revision: 1, interruptPin: 1)
        } else {
            super.init(name: name, vendorID: 0x1AF4, deviceID: legacyID!, classCode: classCode, revision: 0,
                       subsystemID: UInt16(core.device.deviceID), interruptPin: 1)
            addBAR(VirtioPCI.legacyBAR, BAR(kind: .io, size: VirtioPCI.legacyBARSize(configSize: core.device.configSize)))
        }
        addBAR(VirtioPCI.msixBAR, BAR(kind: .memory32, size: 0x1000))
        if express { addExpressCapabilities() }
        if mode != .legacy { addModernCapabilities() }
        msix = MSIX(function: self, vectors: core.queues.count + 1, bar: VirtioPCI.msixBAR, pbaOffset: 0x800, first: true)
        core.onInterrupt = { [unowned self] event in self.interrupt(event) }
    }

    /// The PCI Express endpoint (PCIe Base 4.0, 7.5.3; version 2, Function
    /// Level Reset) and power management (PCI PM 1.2, version 3) capabilities.
    private func addExpressCapabilities() {
        let e = addCapability(id: 0x10, length: 0x3C, first: true)
        expressCap = e
        set16(e + 0x02, 0x0002)                  // version 2, endpoint
        set32(e + 0x04, 0x1000_8000)             // FLR, role-based error reporting
        setWriteMask(e + 0x08, [0x0F, 0x80])     // error reporting enables, initiate FLR
        setClearMask(e + 0x0A, [0x0F, 0x00])
        set32(e + 0x0C, 0x0000_0411)             // 2.5 GT/s x1, L0s
        set16(e + 0x12, 0x0011)
        set32(e + 0x24, 0x0030_0000)             // extended fmt, TLP prefixes
        let pm = addCapability(id: 0x01, length: 8, first: true)
        set16(pm + 2, 0x0003)
        setWriteMask(pm + 4, [0x03, 0x00])       // power state
    }

    private func addModernCapabilities() {
        addBAR(VirtioPCI.modernBAR, BAR(kind: .memory64, size: 0x4000, prefetchable: true))
        func vendorCap(_ type: UInt8, _ offset: UInt64, _ length: UInt32, extra: Int = 0) -> Int {
            let c = addCapability(id: 0x09, length: 16 + extra, first: true)
            setByte(c + 2, UInt8(16 + extra))
            setByte(c + 3, type)
            setByte(c + 4, UInt8(VirtioPCI.modernBAR))
            set32(c + 8, UInt32(offset))
            set32(c + 12, length)
            return c
        }
        _ = vendorCap(CapType.common, VirtioPCI.commonOffset, 0x1000)
        _ = vendorCap(CapType.isr, VirtioPCI.isrOffset, 0x1000)
        _ = vendorCap(CapType.device, VirtioPCI.deviceOffset, 0x1000)
        let n = vendorCap(CapType.notify, VirtioPCI.notifyOffset, 0x1000, extra: 4)
        set32(n + 16, VirtioPCI.notifyMultiplier)
        // The configuration access window: bar, offset and length are the driver's.
        pciConfigCap = vendorCap(CapType.pciConfig, 0, 0, extra: 4)
        setByte(pciConfigCap + 4, 0)
        setWriteMask(pciConfigCap + 4, [0xFF])
        setWriteMask(pciConfigCap + 8, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    private func setByte(_ offset: Int, _ value: UInt8) { set16(offset, get16(offset) & 0xFF00 | UInt16(value)) }

    // MARK: Interrupts

    func interrupt(_ event: VirtioInterrupt) {
        switch event {
        case .queue(let n):
            if msix.enabled { msix.notify(Int(n < queueVectors.count ? queueVectors[n] : VirtioPCI.noVector)); return }
        case .config:
            if msix.enabled { msix.notify(Int(configVector)); return }
        case .acknowledged:
            break
        }
        setINTx(!msix.enabled && core.interruptStatus != 0)
    }

    public override func configWritten(offset: Int, size: Int) {
        // Function Level Reset (PCIe Base 4.0, 6.6.2): the function and its device to reset.
        if expressCap != 0 && get16(expressCap + 0x08) & 0x8000 != 0 {
            reset()
            return
        }
        msix.configWritten(offset: offset, size: size)
        // While MSI-X is on the function does not use INTx (PCI 3.0, 6.8.2).
        if msix.enabled && intxLevel { setINTx(false) }
        if pciConfigCap != 0 && offset < pciConfigCap + 20 && offset + size > pciConfigCap + 16 {
            accessThroughConfig(write: true, written: get32(pciConfigCap + 16))
        }
    }

    public override func readConfig(offset: Int, size: Int) -> UInt32 {
        if pciConfigCap != 0 && offset >= pciConfigCap + 16 && offset + size <= pciConfigCap + 20 {
            accessThroughConfig(write: false, written: 0)
        }
        return super.readConfig(offset: offset, size: size)
    }

    /// The PCI configuration access capability (4.1.4.9): an access of
    /// cap.length (1, 2 or 4) bytes at cap.offset of cap.bar, through pci_cfg_data.
    private func accessThroughConfig(write: Bool, written: UInt32) {
        let bar = Int(config[pciConfigCap + 4]), off = UInt64(get32(pciConfigCap + 8))
        let length = Int(get32(pciConfigCap + 12))
        guard bar < 6, bars[bar] != nil, [1, 2, 4].contains(length), off % UInt64(length) == 0,
              off + UInt64(length) <= bars[bar]!.size else { return }
        if write {
            writeBAR(bar, offset: off, size: length, value: UInt64(written) & (length == 4 ? 0xFFFF_FFFF : (1 << (8 * length)) - 1))
        } else {
            set32(pciConfigCap + 16, UInt32(truncatingIfNeeded: readBAR(bar, offset: off, size: length)))
        }
    }

    // MARK: BARs

    public override func readBAR(_ index: Int, offset: UInt64, size: Int) -> UInt64 {
        if index == VirtioPCI.msixBAR { return msix.readBAR(offset: offset, size: size) }
        if index == VirtioPCI.legacyBAR { return readLegacy(offset, size) }
        switch offset {
        case ..<VirtioPCI.isrOffset: return readCommon(offset, size)
        case ..<VirtioPCI.deviceOffset:
            return offset == VirtioPCI.isrOffset ? UInt64(readISR()) : 0
        case ..<VirtioPCI.notifyOffset:
            let o = Int(offset - VirtioPCI.deviceOffset)
            guard o + size <= core.device.configSize else { return 0 }
            return core.device.readConfig(offset: o, size: size)
        default:
            return 0
        }
    }

    public override func writeBAR(_ index: Int, offset: UInt64, size: Int, value: UInt64) {
        if index == VirtioPCI.msixBAR { msix.writeBAR(offset: offset, size: size, value: value); return }
        if index == VirtioPCI.legacyBAR { writeLegacy(offset, size, value); return }
        switch offset {
        case ..<VirtioPCI.isrOffset: writeCommon(offset, size, value)
        case ..<VirtioPCI.deviceOffset: break   // the ISR is read-only
        case ..<VirtioPCI.notifyOffset:
            let o = Int(offset - VirtioPCI.deviceOffset)
            guard o + size <= core.device.configSize else { return }
            core.device.writeConfig(offset: o, size: size, value: value)
        default:
            let o = offset - VirtioPCI.notifyOffset
            // The queue is the one whose notification address this is.
            if o % UInt64(VirtioPCI.notifyMultiplier) == 0 { core.notify(queue: Int(o / UInt64(VirtioPCI.notifyMultiplier))) }
        }
    }

    /// Reading the ISR clears it and lowers INTx (4.1.4.5).
    func readISR() -> UInt32 {
        let v = core.takeInterruptStatus()
        if !msix.enabled { setINTx(false) }
        return v
    }

    var selected: Virtqueue? { Int(queueSelect) < core.queues.count ? core.queues[Int(queueSelect)] : nil }

    private func readCommon(_ offset: UInt64, _ size: Int) -> UInt64 {
        if size == 8 { return readCommon(offset, 4) | readCommon(offset + 4, 4) << 32 }
        let q = selected
        let v: UInt64
        switch offset {
        case Common.deviceFeatureSelect: v = UInt64(deviceFeatureSelect)
        case Common.deviceFeature: v = UInt64(core.offeredFeatureWord(deviceFeatureSelect))
        case Common.driverFeatureSelect: v = UInt64(driverFeatureSelect)
        case Common.driverFeature:
            v = driverFeatureSelect < 2 ? (core.driverFeatures >> (32 * UInt64(driverFeatureSelect))) & 0xFFFF_FFFF : 0
        case Common.msixConfig: v = UInt64(configVector)
        case Common.numQueues: v = UInt64(core.queues.count)
        case Common.deviceStatus: v = UInt64(core.status)
        case Common.configGeneration: v = UInt64(core.configGeneration & 0xFF)
        case Common.queueSelect: v = UInt64(queueSelect)
        case Common.queueSize: v = UInt64(q?.size ?? 0)
        case Common.queueMSIXVector: v = UInt64(q.map { queueVectors[$0.index] } ?? VirtioPCI.noVector)
        case Common.queueEnable: v = q?.ready == true ? 1 : 0
        case Common.queueNotifyOff: v = UInt64(q?.index ?? 0)
        case Common.queueDesc: v = (q?.descAddress ?? 0) & 0xFFFF_FFFF
        case Common.queueDesc + 4: v = (q?.descAddress ?? 0) >> 32
        case Common.queueDriver: v = (q?.driverAddress ?? 0) & 0xFFFF_FFFF
        case Common.queueDriver + 4: v = (q?.driverAddress ?? 0) >> 32
        case Common.queueDevice: v = (q?.deviceAddress ?? 0) & 0xFFFF_FFFF
        case Common.queueDevice + 4: v = (q?.deviceAddress ?? 0) >> 32
        default: v = 0
        }
        return size == 4 ? v : v & ((1 << (8 * UInt64(size))) - 1)
    }

    private func writeCommon(_ offset: UInt64, _ size: Int, _ value: UInt64) {
        if size == 8 {
            writeCommon(offset, 4, value & 0xFFFF_FFFF)
            writeCommon(offset + 4, 4, value >> 32)
            return
        }
        let q = selected
        let v32 = UInt32(truncatingIfNeeded: value)
        // A queue's addresses and size are fixed once it is enabled (4.1.4.3.2).
        let queueOpen = q.map { !$0.ready } ?? false
        func low(_ a: UInt64) -> UInt64 { a & ~0xFFFF_FFFF | UInt64(v32) }
        func high(_ a: UInt64) -> UInt64 { a & 0xFFFF_FFFF | UInt64(v32) << 32 }
        switch offset {
        case Common.deviceFeatureSelect: deviceFeatureSelect = v32
        case Common.driverFeatureSelect: driverFeatureSelect = v32
        case Common.driverFeature: core.setDriverFeatures(word: driverFeatureSelect, v32)
        case Common.msixConfig: configVector = vector(UInt16(truncatingIfNeeded: value))
        case Common.deviceStatus:
            core.writeStatus(UInt8(truncatingIfNeeded: value))
            if value & 0xFF == 0 { resetTransport() }
        case Common.queueSelect: queueSelect = UInt16(truncatingIfNeeded: value)
        case Common.queueSize: if let q, queueOpen { q.size = UInt16(truncatingIfNeeded: value) }
        case Common.queueMSIXVector: if let q { queueVectors[q.index] = vector(UInt16(truncatingIfNeeded: value)) }
        case Common.queueEnable:
            // Only 1 may be written (4.1.4.3.2); a queue is disabled by a reset.
            if let q, queueOpen, value & 0xFFFF == 1 { core.queueReadyChanged(q, ready: true) }
        case Common.queueDesc: if let q, queueOpen { q.descAddress = low(q.descAddress) }
        case Common.queueDesc + 4: if let q, queueOpen { q.descAddress = high(q.descAddress) }
        case Common.queueDriver: if let q, queueOpen { q.driverAddress = low(q.driverAddress) }
        case Common.queueDriver + 4: if let q, queueOpen { q.driverAddress = high(q.driverAddress) }
        case Common.queueDevice: if let q, queueOpen { q.deviceAddress = low(q.deviceAddress) }
        case Common.queueDevice + 4: if let q, queueOpen { q.deviceAddress = high(q.deviceAddress) }
        default: core.onGuestError?("virtio-pci: write to read-only or unknown common register \(hex(offset))")
        }
    }

    /// A vector the driver asks for: NO_VECTOR when the table has no such entry
    /// (the driver reads it back to learn, 4.1.5.1.2).
    func vector(_ v: UInt16) -> UInt16 { Int(v) < msix.vectorCount ? v : VirtioPCI.noVector }

    /// The machine's reset: the configuration space (MSI-X off), the table,
    /// the device and the transport's registers.
    public override func reset() {
        core.reset()
        msix.reset()
        resetTransport()
        deviceFeatureSelect = 0
        driverFeatureSelect = 0
        queueSelect = 0
        super.reset()
    }

    func resetTransport() {
        configVector = VirtioPCI.noVector
        for i in queueVectors.indices { queueVectors[i] = VirtioPCI.noVector }
        setINTx(false)
    }
}
