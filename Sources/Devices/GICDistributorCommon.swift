import Machine

/// The distributor registers GICv2 and GICv3 share (IHI 0048 4.3, IHI 0069
/// 12.9): one bit per interrupt (IGROUPR, I[SC]ENABLER, I[SC]PENDR,
/// I[SC]ACTIVER, IGRPMODR), two bits (ICFGR) and a byte (IPRIORITYR). The
/// GICv3 redistributor's SGI_base frame has the same layout for INTIDs 0-31.
enum GICBitRegister {
    case group, setEnable, clearEnable, setPending, clearPending, setActive, clearActive, groupModifier

    /// The banks' offsets, the same in both distributors (and SGI_base).
    private static let banks: [(base: UInt64, reg: GICBitRegister)] = [
        (0x080, .group), (0x100, .setEnable), (0x180, .clearEnable), (0x200, .setPending),
        (0x280, .clearPending), (0x300, .setActive), (0x380, .clearActive), (0xD00, .groupModifier),
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
