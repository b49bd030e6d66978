/// One PCI function: its configuration space (the type 0 header of the PCI
/// Local Bus Specification 3.0, chapter 6, with the capability list; a
/// bridge's type 1 header is `PCIRootPort`'s; a PCI Express function's
/// extended space, 0x100-0xFFF, with its extended capability list) and its
/// Base Address Registers. Devices subclass it and implement their BARs'
/// registers (`readBAR`, `writeBAR`); the host bridge (`PCIExpressHost`)
/// routes configuration cycles and the accesses of the windows to them.
///
/// Registers have a write mask (bits software may write), a write-1-to-clear
/// mask (status bits) and a read-only rest, as QEMU keeps them, so every
/// register of every device follows the same rules.
open class PCIFunction {
    /// Header offsets (PCI 3.0, 6.1).
    public enum Reg {
        public static let vendorID = 0x00, deviceID = 0x02, command = 0x04, status = 0x06
        public static let revision = 0x08, classCode = 0x09, cacheLineSize = 0x0C
        public static let latencyTimer = 0x0D, headerType = 0x0E, bar0 = 0x10
        public static let subsystemVendorID = 0x2C, subsystemID = 0x2E
        public static let capabilityPointer = 0x34, interruptLine = 0x3C, interruptPin = 0x3D
    }

    /// Command register bits.
    public enum Command {
        public static let io: UInt16 = 1 << 0, memory: UInt16 = 1 << 1, busMaster: UInt16 = 1 << 2
        public static let serr: UInt16 = 1 << 8, intxDisable: UInt16 = 1 << 10
    }

    /// Status register bits.
    public enum Status {
        public static let interrupt: UInt16 = 1 << 3, capabilityList: UInt16 = 1 << 4
        /// The error bits software clears by writing 1 (parity, target and master aborts, SERR).
        public static let writeOneToClear: UInt16 = 0xF900
    }

    /// A Base Address Register: what it decodes and how big it is (a power of two).
    public struct BAR: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case io, memory32, memory64 }
        public var kind: Kind
        public var size: UInt64
        public var prefetchable: Bool
        public init(kind: Kind, size: UInt64, prefetchable: Bool = false) {
            precondition(size.nonzeroBitCount == 1 && size >= (kind == .io ? 4 : 16), "BAR size must be a power of two")
            self.kind = kind
            self.size = size
            self.prefetchable = prefetchable
        }
        /// The low bits the BAR reports (PCI 3.0, 6.2.5.1).
        var typeBits: UInt32 {
            switch kind {
            case .io: return 1
            case .memory32: return prefetchable ? 0x8 : 0
            case .memory64: return 0x4 | (prefetchable ? 0x8 : 0)
            }
        }
    }

    public let name: String
    /// The configuration space (4 KiB kept; `configSize` of it is there).
    public private(set) var config: [UInt8]
    /// 256 bytes for a conventional function; 4 KiB once it has a PCI
    /// Express capability (PCIe Base 4.0, 7.2.2: the extended space, read
    /// as 0 where nothing is implemented).
    public private(set) var configSize = 256
    /// The extended capabilities' offsets, in list order (the first at 0x100).
    private var extendedCapabilities: [Int] = []
    private var writeMask: [UInt8]
    private var clearMask: [UInt8]
    /// The BARs by index (a 64-bit BAR takes its index and the next).
    public private(set) var bars: [BAR?] = Array(repeating: nil, count: 6)
    /// The next free byte for a capability (after the header).
    private var nextCapability = 0x40
    /// The function's INTx level (before the command register's disable bit).
    public private(set) var intxLevel = false
    /// Where the function's INTx goes (set by the host bridge when plugged).
    var intxSink: ((Bool) -> Void)?
    /// Told when a write may have changed which BARs decode (command or a BAR).
    var mappingChanged: (() -> Void)?
    /// Delivers an MSI write (address, data) from this function (set by the host).
    var msiSink: ((UInt64, UInt32) -> Void)?
    /// The device and function numbers on its bus, set when plugged.
    public internal(set) var devfn: UInt8 = 0
    /// The root port the function is behind (nil: on bus 0), set when plugged.
    public internal(set) weak var upstream: PCIRootPort?
    /// The bus, device and function numbers (the requester ID): the bus is
    /// the secondary bus number software gave the root port it is behind.
    public var requesterID: UInt16 { UInt16(upstream?.secondaryBus ?? 0) << 8 | UInt16(devfn) }
    /// The configuration space as built (a reset returns to it; taken when plugged).
    private var resetConfig: [UInt8] = []

    /// `headerType` 1 is a bridge's header (no subsystem IDs at 0x2C: the
    /// bridge's own registers are there).
    public init(name: String, vendorID: UInt16, deviceID: UInt16, classCode: UInt32, revision: UInt8 = 0,
                subsystemVendorID: UInt16 = 0x1AF4, subsystemID: UInt16 = 0x1100, interruptPin: UInt8 = 0,
                headerType: UInt8 = 0) {
        self.name = name
        config = Array(repeating: 0, count: 4096)
        writeMask = Array(repeating: 0, count: 4096)
        clearMask = Array(repeating: 0, count: 4096)
        set16(Reg.vendorID, vendorID)
        set16(Reg.deviceID, deviceID)
        config[Reg.revision] = revision
        config[Reg.classCode] = UInt8(truncatingIfNeeded: classCode)
        config[Reg.classCode + 1] = UInt8(truncatingIfNeeded: classCode >> 8)
        config[Reg.classCode + 2] = UInt8(truncatingIfNeeded: classCode >> 16)
        config[Reg.headerType] = headerType
        if headerType == 0 {
            set16(Reg.subsystemVendorID, subsystemVendorID)
            set16(Reg.subsystemID, subsystemID)
        }
        config[Reg.interruptPin] = interruptPin
        let cmd = Command.io | Command.memory | Command.busMaster | Command.serr | Command.intxDisable
        writeMask[Reg.command] = UInt8(truncatingIfNeeded: cmd)
        writeMask[Reg.command + 1] = UInt8(truncatingIfNeeded: cmd >> 8)
        clearMask[Reg.status + 1] = UInt8(Status.writeOneToClear >> 8)
        writeMask[Reg.cacheLineSize] = 0xFF
        writeMask[Reg.interruptLine] = 0xFF
    }

    // MARK: Building the function (before it is plugged)

    /// Declares BAR `index` (a 64-bit BAR also takes `index + 1`; a bridge has BARs 0 and 1).
    public func addBAR(_ index: Int, _ bar: BAR) {
        let count = config[Reg.headerType] & 0x7F == 1 ? 2 : 6
        precondition(index >= 0 && index < (bar.kind == .memory64 ? count - 1 : count) && bars[index] == nil)
        bars[index] = bar
        let off = Reg.bar0 + 4 * index
        set32(off, bar.typeBits)
        let mask = ~UInt64(bar.size - 1)
        let low = UInt32(truncatingIfNeeded: mask) & (bar.kind == .io ? ~0x3 : ~0xF)
        setMask32(off, low)
        if bar.kind == .memory64 { setMask32(off + 4, UInt32(truncatingIfNeeded: mask >> 32)) }
    }

    /// Adds a capability of `length` bytes with ID `id` at the next free
    /// offset and returns the offset; its body is read-only until
    /// `setWriteMask`. It is linked at the end of the list, or at its head
    /// (`first`: how QEMU links each capability it adds).
    @discardableResult
    public func addCapability(id: UInt8, length: Int, first: Bool = false) -> Int {
        let off = nextCapability
        precondition(length >= 2 && off + length <= 256, "capabilities overflow the configuration space")
        nextCapability = (off + length + 3) & ~3
        config[off] = id
        config[off + 1] = 0
        if first {
            config[off + 1] = config[Reg.capabilityPointer]
            config[Reg.capabilityPointer] = UInt8(off)
        } else if config[Reg.capabilityPointer] == 0 {
            config[Reg.capabilityPointer] = UInt8(off)
        } else {
            var p = Int(config[Reg.capabilityPointer])
            while config[p + 1] != 0 { p = Int(config[p + 1]) }
            config[p + 1] = UInt8(off)
        }
        set16(Reg.status, get16(Reg.status) | Status.capabilityList)
        if id == 0x10 { configSize = 4096 }   // PCI Express: the extended space
        return off
    }

    /// Adds an extended capability (PCIe Base 4.0, 7.6.3: a 32-bit header of
    /// ID, version and next offset) of `length` bytes at `offset` (0x100 for
    /// the first, as the list starts there; QEMU places each at a fixed
    /// offset), linked at the end of the list; returns the offset. Only a
    /// PCI Express function (one with the PCI Express capability) has them.
    @discardableResult
    public func addExtendedCapability(id: UInt16, version: UInt8, offset: Int, length: Int) -> Int {
        precondition(configSize == 4096, "extended capabilities need the PCI Express capability first")
        precondition(offset & 3 == 0 && offset + length <= 4096 && length >= 4, "extended capability outside the space")
        precondition(extendedCapabilities.isEmpty ? offset == 0x100 : offset >= extendedCapabilities.last! + 4)
        set32(offset, UInt32(id) | UInt32(version & 0xF) << 16)
        if let last = extendedCapabilities.last { set32(last, get32(last) | UInt32(offset) << 20) }
        extendedCapabilities.append(offset)
        return offset
    }

    /// The offset of the first extended capability with ID `id`, if any.
    public func findExtendedCapability(id: UInt16) -> Int? {
        extendedCapabilities.first { get16($0) == id }
    }

    /// The offset of the first capability with ID `id`, if any.
    public func findCapability(id: UInt8) -> Int? {
        var p = Int(config[Reg.capabilityPointer])
        var hops = 0
        while p != 0 && hops < 48 {
            if config[p] == id { return p }
            p = Int(config[p + 1])
            hops += 1
        }
        return nil
    }

    /// Bits of registers software may write (from `offset`, byte by byte).
    public func setWriteMask(_ offset: Int, _ bytes: [UInt8]) {
        for (i, b) in bytes.enumerated() { writeMask[offset + i] = b }
    }

    /// Bits of a register that software clears by writing 1.
    public func setClearMask(_ offset: Int, _ bytes: [UInt8]) {
        for (i, b) in bytes.enumerated() { clearMask[offset + i] = b }
    }

    // MARK: Reset

    /// Remembers the configuration space as built: what `reset` returns to.
    func captureResetState() { resetConfig = config }

    /// A conventional reset (the machine's): the configuration space as
    /// built (BARs unassigned, decoding, bus mastering and INTx disable off,
    /// capabilities disabled), INTx low. Subclasses reset their own state too.
    open func reset() {
        if !resetConfig.isEmpty { config = resetConfig }
        intxLevel = false
        intxSink?(false)
        mappingChanged?()
    }

    // MARK: Configuration space access

    /// A configuration read of `size` (1, 2 or 4) bytes; offsets past the
    /// space read as all ones (a conventional function's 0x100-0xFFF behind ECAM).
    open func readConfig(offset: Int, size: Int) -> UInt32 {
        guard offset >= 0, offset + size <= configSize else { return size == 4 ? ~0 : (1 << (8 * size)) - 1 }
        var v: UInt32 = 0
        for i in 0..<size { v |= UInt32(config[offset + i]) << (8 * i) }
        return v
    }

    open func writeConfig(offset: Int, size: Int, value: UInt32) {
        guard offset >= 0, offset + size <= configSize else { return }
        let before = get16(Reg.command)
        for i in 0..<size {
            let b = UInt8(truncatingIfNeeded: value >> (8 * i)), o = offset + i
            config[o] = (config[o] & ~writeMask[o]) | (b & writeMask[o])
            config[o] &= ~(b & clearMask[o])
        }
        let barBytes = config[Reg.headerType] & 0x7F == 1 ? 8 : 24
        let touchesBARs = offset < Reg.bar0 + barBytes && offset + size > Reg.bar0
        let after = get16(Reg.command)
        if touchesBARs || (before ^ after) & (Command.io | Command.memory) != 0 { mappingChanged?() }
        if (before ^ after) & Command.intxDisable != 0 { updateINTx() }
        configWritten(offset: offset, size: size)
    }

    /// A configuration write landed (after the masks); subclasses react to
    /// their capabilities' registers here.
    open func configWritten(offset: Int, size: Int) {}

    // MARK: BARs

    public var command: UInt16 { get16(Reg.command) }

    /// Where BAR `index` decodes now: nil when its space is disabled in the
    /// command register or its address is not a usable one (all ones while
    /// being sized, past the 32-bit range for a 32-bit BAR, wrapping).
    public func barAddress(_ index: Int) -> UInt64? {
        guard let bar = bars[index] else { return nil }
        let off = Reg.bar0 + 4 * index
        var addr = UInt64(get32(off))
        switch bar.kind {
        case .io:
            guard command & Command.io != 0 else { return nil }
            addr &= ~UInt64(3)
        case .memory32, .memory64:
            guard command & Command.memory != 0 else { return nil }
            if bar.kind == .memory64 { addr |= UInt64(get32(off + 4)) << 32 }
            addr &= ~UInt64(0xF)
        }
        let last = addr &+ bar.size &- 1
        if last <= addr { return nil }
        if bar.kind != .memory64 && last >= 0xFFFF_FFFF { return nil }
        if bar.kind == .memory64 && last == ~UInt64(0) { return nil }
        return addr
    }

    /// A read of `size` bytes at `offset` in BAR `index` (only while it decodes).
    open func readBAR(_ index: Int, offset: UInt64, size: Int) -> UInt64 { 0 }
    open func writeBAR(_ index: Int, offset: UInt64, size: Int, value: UInt64) {}

    // MARK: Interrupts

    /// Sets the function's INTx level (shown in the status register; sent to
    /// the host bridge unless the command register disables INTx).
    public func setINTx(_ level: Bool) {
        intxLevel = level
        updateINTx()
    }

    private func updateINTx() {
        var s = get16(Reg.status) & ~Status.interrupt
        if intxLevel { s |= Status.interrupt }
        set16(Reg.status, s)
        intxSink?(intxLevel && command & Command.intxDisable == 0 && config[Reg.interruptPin] != 0)
    }

    /// Sends an MSI (a memory write of `data` at `address`) if bus mastering
    /// is on, here and in the root port it goes up through (a port forwards
    /// upstream memory writes only while its Bus Master Enable is set: PCIe
    /// Base 4.0, 7.5.1.1.3).
    public func sendMSI(address: UInt64, data: UInt32) {
        guard command & Command.busMaster != 0, upstream.map({ $0.command & Command.busMaster != 0 }) ?? true else { return }
        msiSink?(address, data)
    }

    // MARK: Raw register helpers

    public func get16(_ o: Int) -> UInt16 { UInt16(config[o]) | UInt16(config[o + 1]) << 8 }
    public func get32(_ o: Int) -> UInt32 { UInt32(get16(o)) | UInt32(get16(o + 2)) << 16 }
    public func set16(_ o: Int, _ v: UInt16) {
        config[o] = UInt8(truncatingIfNeeded: v)
        config[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
    }
    public func set32(_ o: Int, _ v: UInt32) {
        set16(o, UInt16(truncatingIfNeeded: v))
        set16(o + 2, UInt16(truncatingIfNeeded: v >> 16))
    }
    private func setMask32(_ o: Int, _ v: UInt32) {
        for i in 0..<4 { writeMask[o + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
    }
}
