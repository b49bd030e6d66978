import Machine

/// The offsets of the per-interrupt registers, the same in the GICv2
/// distributor (IHI 0048B table 4-1), the GICv3 distributor (IHI 0069 table
/// 12-25) and the GICv3 redistributor's SGI_base frame (table 12-29, INTIDs
/// 0-31). IGRPMODR is GICv3's (IMPLEMENTATION DEFINED space in GICv2).
public protocol GICInterruptRegisterMap {}

extension GICInterruptRegisterMap {
    public static var igroupr: UInt64 { 0x080 }
    public static var isenabler: UInt64 { 0x100 }
    public static var icenabler: UInt64 { 0x180 }
    public static var ispendr: UInt64 { 0x200 }
    public static var icpendr: UInt64 { 0x280 }
    public static var isactiver: UInt64 { 0x300 }
    public static var icactiver: UInt64 { 0x380 }
    public static var ipriorityr: UInt64 { 0x400 }
    public static var icfgr: UInt64 { 0xC00 }
    public static var igrpmodr: UInt64 { 0xD00 }
    public static var nsacr: UInt64 { 0xE00 }
}

/// The registers both distributors have at the same offsets, besides the
/// per-interrupt ones: GICD_CTLR, GICD_TYPER, GICD_IIDR, GICD_ITARGETSR
/// (GICv3: legacy, RAZ/WI with affinity routing) and GICD_SGIR.
public protocol GICDistributorRegisterMap: GICInterruptRegisterMap {}

extension GICDistributorRegisterMap {
    public static var ctlr: UInt64 { 0x000 }
    public static var typer: UInt64 { 0x004 }
    public static var iidr: UInt64 { 0x008 }
    public static var itargetsr: UInt64 { 0x800 }
    public static var sgir: UInt64 { 0xF00 }
}

/// The distributor registers GICv2 and GICv3 share (IHI 0048 4.3, IHI 0069
/// 12.9): one bit per interrupt (IGROUPR, I[SC]ENABLER, I[SC]PENDR,
/// I[SC]ACTIVER, IGRPMODR), two bits (ICFGR) and a byte (IPRIORITYR). The
/// GICv3 redistributor's SGI_base frame has the same layout for INTIDs 0-31.
enum GICBitRegister {
    case group, setEnable, clearEnable, setPending, clearPending, setActive, clearActive, groupModifier

    private typealias R = GICv3DistributorRegs
    /// The banks' offsets.
    private static let banks: [(base: UInt64, reg: GICBitRegister)] = [
        (R.igroupr, .group), (R.isenabler, .setEnable), (R.icenabler, .clearEnable), (R.ispendr, .setPending),
        (R.icpendr, .clearPending), (R.isactiver, .setActive), (R.icactiver, .clearActive), (R.igrpmodr, .groupModifier),
    ]

    /// The one-bit register a distributor offset falls in, and the INTID of its
    /// bit 0; nil elsewhere. IGRPMODR (0xD00) exists only with `groupModifier`
    /// (GICv3; the range is IMPLEMENTATION DEFINED in GICv2).
    static func decode(_ offset: UInt64, groupModifier: Bool) -> (reg: GICBitRegister, first: Int)? {
        for b in banks where (b.base..<b.base + 0x80).contains(offset) {
            if b.reg == .groupModifier && !groupModifier { return nil }
            return (b.reg, Int(offset - b.base) * 8)
        }
        return nil
    }
}

extension GIC {
    /// A Non-secure access may see the interrupt (it is in Non-secure Group 1,
    /// or the GIC has one Security state). A Secure interrupt's bits are RAZ/WI
    /// to Non-secure accesses (IHI 0069 12.1.2, IHI 0048 4.1.2).
    func visible(_ i: IRQ, secure: Bool) -> Bool {
        secure || singleSecurityState || i.group1
    }

    /// Reads 32 interrupts' bits starting at `first` as `cpu` sees them (lock held).
    func readBits(_ reg: GICBitRegister, cpu: Int, first: Int, secure: Bool) -> UInt32 {
        var v: UInt32 = 0
        for n in 0..<32 {
            let intid = first + n
            guard intid < irqCount else { break }
            let i = irq(cpu, intid)
            if reg != .group && reg != .groupModifier && !visible(i, secure: secure) { continue }
            let bit: Bool
            switch reg {
            case .group:
                if !secure && !singleSecurityState { continue }   // IGROUPR: Secure only
                bit = i.group1
            case .groupModifier:
                if singleSecurityState || !secure { continue }
                bit = i.grpmod
            case .setEnable, .clearEnable: bit = i.enabled
            case .setPending, .clearPending: bit = i.pending
            case .setActive, .clearActive: bit = i.active
            }
            if bit { v |= 1 << UInt32(n) }
        }
        return v
    }

    /// Writes 32 interrupts' bits starting at `first` (lock held); re-evaluates the CPUs.
    func writeBits(_ reg: GICBitRegister, cpu: Int, first: Int, value: UInt32, secure: Bool) {
        for n in 0..<32 where value & (1 << UInt32(n)) != 0 || reg == .group || reg == .groupModifier {
            let intid = first + n
            guard intid < irqCount else { break }
            let set = value & (1 << UInt32(n)) != 0
            let i = irq(cpu, intid)
            if reg != .group && reg != .groupModifier && !visible(i, secure: secure) { continue }
            modify(cpu, intid) { i in
                switch reg {
                case .group:
                    if secure || singleSecurityState { i.group1 = set }
                case .groupModifier:
                    if secure && !singleSecurityState { i.grpmod = set }
                case .setEnable:
                    // GICv2 SGIs are always enabled (ISENABLER0[15:0] RAO/WI in QEMU's GICv2).
                    i.enabled = true
                case .clearEnable:
                    if !(version == .v2 && intid < 16) { i.enabled = false }
                case .setPending:
                    if version == .v2 && intid < 16 { break }   // GICD_SPENDSGIR sets SGIs
                    i.latch = true
                case .clearPending:
                    if version == .v2 && intid < 16 { break }
                    i.latch = false
                case .setActive: i.active = true
                case .clearActive: i.active = false
                }
            }
        }
        updateAll()
    }

    /// IPRIORITYR byte for `intid`. A Non-secure access to a Non-secure
    /// interrupt sees the Non-secure view (IHI 0069 4.8.6: value << 1) when
    /// there are two Security states.
    func readPriority(cpu: Int, intid: Int, secure: Bool) -> UInt8 {
        guard intid < irqCount else { return 0 }
        let i = irq(cpu, intid)
        guard visible(i, secure: secure) else { return 0 }
        let p = i.priority & priorityMaskForStorage
        return secure || singleSecurityState ? p : p << 1
    }

    func writePriority(cpu: Int, intid: Int, value: UInt8, secure: Bool) {
        guard intid < irqCount else { return }
        let i = irq(cpu, intid)
        guard visible(i, secure: secure) else { return }
        let v = secure || singleSecurityState ? value : 0x80 | value >> 1
        modify(cpu, intid) { $0.priority = v & priorityMaskForStorage }
    }

    /// The priority bits the distributor keeps: QEMU's GICv3 keeps all 8 (the
    /// CPU interface compares with its 5-bit masks); GICv2 keeps 8.
    var priorityMaskForStorage: UInt8 { 0xFF }

    /// ICFGR: 2 bits per interrupt, bit 1 of each = edge-triggered. SGIs are
    /// always edge (read as 0b10); PPIs are configurable on GICv3, fixed
    /// (level) on GICv2 as QEMU's.
    func readConfig(cpu: Int, first: Int, secure: Bool) -> UInt32 {
        var v: UInt32 = 0
        for n in 0..<16 {
            let intid = first + n
            guard intid < irqCount else { break }
            let i = irq(cpu, intid)
            guard visible(i, secure: secure) else { continue }
            if i.edge { v |= 2 << UInt32(2 * n) }
        }
        return v
    }

    func writeConfig(cpu: Int, first: Int, value: UInt32, secure: Bool) {
        for n in 0..<16 {
            let intid = first + n
            guard intid < irqCount, intid >= 16 else { continue }
            if version == .v2 && intid < 32 { continue }
            guard visible(irq(cpu, intid), secure: secure) else { continue }
            let edge = value & (2 << UInt32(2 * n)) != 0
            modify(cpu, intid) { $0.edge = edge }
        }
        updateAll()
    }
}

/// What every GIC register frame (distributor, CPU interface, redistributor)
/// has: its GIC, and the reporter of `-d guest_errors`.
public class GICFrame {
    public let gic: GIC
    /// Called with a one-line message for `-d guest_errors`.
    public var onGuestError: ((String) -> Void)?

    init(gic: GIC, version: GIC.Version) {
        precondition(gic.version == version)
        self.gic = gic
    }
}

extension GICFrame {
    /// A distributor access (both versions), in the requesting CPU's
    /// Security state: the IPRIORITYR and ITARGETSR bytes, then the version's
    /// own byte or doubleword registers (`wide`: nil for other offsets), then
    /// the word registers (`word`), which other sizes do not reach (a guest
    /// error named after `frame`).
    func distributorRead(_ frame: String, offset: UInt64, size: Int, attributes: MMIOAttributes,
                         wide: (_ cpu: Int, _ secure: Bool) -> UInt64?,
                         word: (_ cpu: Int, _ secure: Bool) -> UInt32) -> UInt64 {
        gic.access(attributes) { cpu, secure in
            if GIC.isPriorityOrTargets(offset) {
                return gic.readPriorityOrTargets(offset: offset, size: size, cpu: cpu, secure: secure)
            }
            if let v = wide(cpu, secure) { return v }
            guard size == 4 else {
                onGuestError?("\(frame): \(size)-byte read at \(hex(offset)) (word register)")
                return 0
            }
            return UInt64(word(cpu, secure))
        }
    }

    /// The write of `distributorRead`: `wide` returns false for offsets that
    /// are not the version's byte or doubleword registers.
    func distributorWrite(_ frame: String, offset: UInt64, size: Int, value: UInt64, attributes: MMIOAttributes,
                          wide: (_ cpu: Int, _ secure: Bool) -> Bool,
                          word: (_ value: UInt32, _ cpu: Int, _ secure: Bool) -> Void) {
        gic.access(attributes) { cpu, secure in
            if GIC.isPriorityOrTargets(offset) {
                return gic.writePriorityOrTargets(offset: offset, size: size, value: value, cpu: cpu, secure: secure)
            }
            if wide(cpu, secure) { return }
            guard size == 4 else {
                onGuestError?("\(frame): \(size)-byte write at \(hex(offset)) (word register) ignored")
                return
            }
            word(UInt32(truncatingIfNeeded: value), cpu, secure)
        }
    }
}

/// The byte-accessible registers (IPRIORITYR, ITARGETSR, C/SPENDSGIR): byte
/// `b` of a `size`-byte access is the register byte at the access's offset + `b`.
enum GICByteLanes {
    static func read(size: Int, _ byte: (Int) -> UInt8) -> UInt64 {
        var v: UInt64 = 0
        for b in 0..<size { v |= UInt64(byte(b)) << UInt64(8 * b) }
        return v
    }

    static func write(size: Int, value: UInt64, _ byte: (Int, UInt8) -> Void) {
        for b in 0..<size { byte(b, UInt8(truncatingIfNeeded: value >> UInt64(8 * b))) }
    }
}

extension GIC {
    /// Whether an MMIO access by `cpu` is Secure: its Security state (all
    /// accesses are Secure to a GIC with one Security state).
    func accessIsSecure(_ cpu: Int) -> Bool {
        !securityExtensions || cpus[cpu].secure
    }

    /// GICD_IPRIORITYR (0x400-0x7FF) or GICD_ITARGETSR (0x800-0xBFF): the
    /// INTID of an access's first byte is `offset & 0x3FF`.
    static func isPriorityOrTargets(_ offset: UInt64) -> Bool {
        (0x400..<0xC00).contains(offset)
    }

    /// Distributor IPRIORITYR and ITARGETSR bytes as `cpu` sees them (lock
    /// held). With affinity routing (GICv3) INTIDs 0-31 are the
    /// redistributors' and there is no ITARGETSR: RAZ/WI here.
    func readPriorityOrTargets(offset: UInt64, size: Int, cpu: Int, secure: Bool) -> UInt64 {
        GICByteLanes.read(size: size) { b in
            let intid = Int(offset & 0x3FF) + b
            if version == .v3 && (intid < 32 || offset >= 0x800) { return 0 }
            return offset < 0x800 ? readPriority(cpu: cpu, intid: intid, secure: secure)
                                  : readTargets(cpu: cpu, intid: intid, secure: secure)
        }
    }

    func writePriorityOrTargets(offset: UInt64, size: Int, value: UInt64, cpu: Int, secure: Bool) {
        if version == .v3 && offset >= 0x800 { return }
        GICByteLanes.write(size: size, value: value) { b, byte in
            let intid = Int(offset & 0x3FF) + b
            if version == .v3 && intid < 32 { return }
            if offset < 0x800 {
                writePriority(cpu: cpu, intid: intid, value: byte, secure: secure)
            } else {
                writeTargets(intid: intid, value: byte, secure: secure)
            }
        }
        updateAll()
    }

    /// An MMIO access by the CPU of `attributes`, under the GIC's lock:
    /// `body(cpu, secure)`, `secure` as `accessIsSecure`.
    func access<T>(_ attributes: MMIOAttributes, _ body: (_ cpu: Int, _ secure: Bool) -> T) -> T {
        locked {
            let cpu = min(attributes.cpuIndex, cpuCount - 1)
            return body(cpu, accessIsSecure(cpu))
        }
    }
}
