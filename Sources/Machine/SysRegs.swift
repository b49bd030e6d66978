/// System registers, declared once in one table: encoding, name, the lowest EL
/// that may access it, the EL that must be implemented for it to exist, how it
/// is read and written, and its reset value. Each entry owns one 64-bit slot in
/// the state block (`StateLayout.sysreg`), in table order.
public struct SysRegSlot: Sendable, Equatable {
    public let slot: Int
    public init(slot: Int) { self.slot = slot }
}

public struct SysRegDef: Sendable {
    public enum Kind: Sendable {
        /// Plain storage: reads return the slot, writes store `value & writeMask`.
        case storage
        /// Read-only: writes are UNDEFINED.
        case readOnly
        /// Computed by `CPU.readSpecial` / `CPU.writeSpecial` (PSTATE views, counters, SP_ELx).
        case special
    }
    public let name: String
    public let key: UInt32
    public let minEL: Int
    public let requiresEL: Int
    public let kind: Kind
    public let reset: UInt64
    /// Writing this register can change how addresses translate: flush the TLB.
    public let affectsTranslation: Bool
    /// Access rules beyond `minEL`/`requiresEL` (feature present, Security
    /// state, traps to a higher EL; `SysRegAccess`, MEC/MECRegisters.swift); nil: none.
    public var accessCheck: (@Sendable (CPU, _ isRead: Bool) -> SysRegAccess)? = nil
    /// Replaces the plain store of a `.storage` write (masks, selective TLB flushes).
    public var onWrite: (@Sendable (CPU, SysRegSlot, UInt64) -> Void)? = nil

    /// EL0 may access the register only while SCTLR_EL1.<bit> is set (UMA for
    /// DAIF, UCT for CTR_EL0); otherwise the access traps to EL1 (or EL2 with
    /// HCR_EL2.TGE) with EC 0x18 (Arm ARM D19, the registers' EL0 access rules).
    func el0Gated(bySCTLRBit bit: UInt64) -> SysRegDef {
        var d = self
        d.accessCheck = { cpu, _ in
            guard cpu.el == 0 else { return .allowed }
            return (cpu.sysreg(SysRegTable.sctlr[1]) >> bit) & 1 == 1 ? .allowed : .trap(toEL: cpu.syncTargetEL)
        }
        return d
    }

    /// The register exists only when `feature` holds for the CPU (else UNDEFINED).
    func requiring(_ feature: @escaping @Sendable (CPU) -> Bool) -> SysRegDef {
        var d = self
        d.accessCheck = { cpu, _ in feature(cpu) ? .allowed : .undefined }
        return d
    }

    init(_ name: String, _ op0: UInt32, _ op1: UInt32, _ crn: UInt32, _ crm: UInt32, _ op2: UInt32,
         el: Int, _ kind: Kind = .storage, reset: UInt64 = 0, requires: Int = 0, mmu: Bool = false) {
        self.name = name
        self.key = sysRegKey(op0: op0, op1: op1, crn: crn, crm: crm, op2: op2)
        self.minEL = el
        self.requiresEL = max(requires, el >= 2 ? el : 0)
        self.kind = kind
        self.reset = reset
        self.affectsTranslation = mmu
    }
}

/// The 16-bit key of an MRS/MSR system register: op0:op1:CRn:CRm:op2, as in
/// bits [20:5] of the instruction (op0 is 2 | bit 19).
@inlinable public func sysRegKey(op0: UInt32, op1: UInt32, crn: UInt32, crm: UInt32, op2: UInt32) -> UInt32 {
    (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2
}

public enum SysRegTable {
    /// 62.5 MHz, as QEMU's virt and many real boards report.
    public static let counterFrequency: UInt64 = 62_500_000

    public static let all: [SysRegDef] = [
        // Identification (EL1, read-only). Values describe what Armature implements.
        SysRegDef("MIDR_EL1", 3, 0, 0, 0, 0, el: 1, .special),
        SysRegDef("MPIDR_EL1", 3, 0, 0, 0, 5, el: 1, .special),
        SysRegDef("REVIDR_EL1", 3, 0, 0, 0, 6, el: 1, .readOnly),
        // ID_AA64PFR0_EL1: EL0/EL1 AArch64 only; EL2/EL3 as configured; FP and AdvSIMD not implemented (0xF).
        SysRegDef("ID_AA64PFR0_EL1", 3, 0, 0, 4, 0, el: 1, .special),
        SysRegDef("ID_AA64PFR1_EL1", 3, 0, 0, 4, 1, el: 1, .readOnly),
        SysRegDef("ID_AA64ZFR0_EL1", 3, 0, 0, 4, 4, el: 1, .readOnly),
        SysRegDef("ID_AA64DFR0_EL1", 3, 0, 0, 5, 0, el: 1, .readOnly, reset: 0x6),
        SysRegDef("ID_AA64DFR1_EL1", 3, 0, 0, 5, 1, el: 1, .readOnly),
        // ISAR0: CRC32 = 1 (bits 19:16), Atomic = 2 (LSE, bits 23:20).
        SysRegDef("ID_AA64ISAR0_EL1", 3, 0, 0, 6, 0, el: 1, .readOnly, reset: 0x0021_0000),
        // ISAR1: LRCPC = 1 (LDAPR, bits 23:20), SB = 1 (bits 39:36).
        SysRegDef("ID_AA64ISAR1_EL1", 3, 0, 0, 6, 1, el: 1, .readOnly, reset: 0x10_0010_0000),
        SysRegDef("ID_AA64ISAR2_EL1", 3, 0, 0, 6, 2, el: 1, .readOnly),
        // MMFR0: PARange = 48 bits (5), ASIDBits = 16 (2); 4 KiB and 64 KiB granules
        // (TGran4 = TGran64 = 0) and 16 KiB (TGran16 = 1, bits 23:20).
        SysRegDef("ID_AA64MMFR0_EL1", 3, 0, 0, 7, 0, el: 1, .readOnly, reset: 0x10_0025),
        SysRegDef("ID_AA64MMFR1_EL1", 3, 0, 0, 7, 1, el: 1, .special),   // PAN (bits 23:20) per the CPU
        SysRegDef("ID_AA64MMFR2_EL1", 3, 0, 0, 7, 2, el: 1, .readOnly),
        SysRegDef("ID_AA64MMFR3_EL1", 3, 0, 0, 7, 3, el: 1, .special),
        // CTR_EL0: IminLine = DminLine = 64 bytes, PIPT I-cache; DCZID_EL0: 64-byte DC ZVA blocks.
        SysRegDef("CTR_EL0", 3, 3, 0, 0, 1, el: 0, .readOnly, reset: 0x8444_C004).el0Gated(bySCTLRBit: 15),   // UCT
        SysRegDef("DCZID_EL0", 3, 3, 0, 0, 7, el: 0, .readOnly, reset: 0x4),

        // PSTATE views and stack pointers.
        SysRegDef("NZCV", 3, 3, 4, 2, 0, el: 0, .special),
        SysRegDef("DAIF", 3, 3, 4, 2, 1, el: 0, .special).el0Gated(bySCTLRBit: 9),   // UMA
        SysRegDef("SPSel", 3, 0, 4, 2, 0, el: 1, .special),
        SysRegDef("PAN", 3, 0, 4, 2, 3, el: 1, .special).requiring { $0.config.hasPAN },   // FEAT_PAN
        SysRegDef("CurrentEL", 3, 0, 4, 2, 2, el: 1, .special),
        SysRegDef("SP_EL0", 3, 0, 4, 1, 0, el: 1, .special),
        SysRegDef("SP_EL1", 3, 4, 4, 1, 0, el: 2, .special),
        SysRegDef("SP_EL2", 3, 6, 4, 1, 0, el: 3, .special),

        // EL1 (and EL0-visible) registers.
        SysRegDef("SCTLR_EL1", 3, 0, 1, 0, 0, el: 1, reset: 0x30D0_0800, mmu: true),
        SysRegDef("ACTLR_EL1", 3, 0, 1, 0, 1, el: 1),
        SysRegDef("CPACR_EL1", 3, 0, 1, 0, 2, el: 1),
        SysRegDef("TTBR0_EL1", 3, 0, 2, 0, 0, el: 1, mmu: true),
        SysRegDef("TTBR1_EL1", 3, 0, 2, 0, 1, el: 1, mmu: true),
        SysRegDef("TCR_EL1", 3, 0, 2, 0, 2, el: 1, mmu: true),
        SysRegDef("SPSR_EL1", 3, 0, 4, 0, 0, el: 1),
        SysRegDef("ELR_EL1", 3, 0, 4, 0, 1, el: 1),
        SysRegDef("AFSR0_EL1", 3, 0, 5, 1, 0, el: 1),
        SysRegDef("AFSR1_EL1", 3, 0, 5, 1, 1, el: 1),
        SysRegDef("ESR_EL1", 3, 0, 5, 2, 0, el: 1),
        SysRegDef("FAR_EL1", 3, 0, 6, 0, 0, el: 1),
        SysRegDef("PAR_EL1", 3, 0, 7, 4, 0, el: 1),
        SysRegDef("MAIR_EL1", 3, 0, 10, 2, 0, el: 1, mmu: true),
        SysRegDef("AMAIR_EL1", 3, 0, 10, 3, 0, el: 1),
        SysRegDef("VBAR_EL1", 3, 0, 12, 0, 0, el: 1),
        SysRegDef("CONTEXTIDR_EL1", 3, 0, 13, 0, 1, el: 1),
        SysRegDef("TPIDR_EL1", 3, 0, 13, 0, 4, el: 1),
        SysRegDef("TPIDR_EL0", 3, 3, 13, 0, 2, el: 0),
        // TPIDRRO_EL0: read-only at EL0, read/write at EL1 and above (see writeSysReg).
        SysRegDef("TPIDRRO_EL0", 3, 3, 13, 0, 3, el: 0),

        // EL2 registers (exist only when EL2 is implemented).
        SysRegDef("VPIDR_EL2", 3, 4, 0, 0, 0, el: 2),
        SysRegDef("VMPIDR_EL2", 3, 4, 0, 0, 5, el: 2),
        SysRegDef("SCTLR_EL2", 3, 4, 1, 0, 0, el: 2, reset: 0x30C5_0830, mmu: true),
        SysRegDef("HCR_EL2", 3, 4, 1, 1, 0, el: 2, mmu: true),
        SysRegDef("MDCR_EL2", 3, 4, 1, 1, 1, el: 2),
        SysRegDef("CPTR_EL2", 3, 4, 1, 1, 2, el: 2),
        SysRegDef("HSTR_EL2", 3, 4, 1, 1, 3, el: 2),
        SysRegDef("TTBR0_EL2", 3, 4, 2, 0, 0, el: 2, mmu: true),
        SysRegDef("TCR_EL2", 3, 4, 2, 0, 2, el: 2, mmu: true),
        SysRegDef("VTTBR_EL2", 3, 4, 2, 1, 0, el: 2, mmu: true),
        SysRegDef("VTCR_EL2", 3, 4, 2, 1, 2, el: 2, mmu: true),
        SysRegDef("SPSR_EL2", 3, 4, 4, 0, 0, el: 2),
        SysRegDef("ELR_EL2", 3, 4, 4, 0, 1, el: 2),
        SysRegDef("ESR_EL2", 3, 4, 5, 2, 0, el: 2),
        SysRegDef("FAR_EL2", 3, 4, 6, 0, 0, el: 2),
        SysRegDef("HPFAR_EL2", 3, 4, 6, 0, 4, el: 2),
        SysRegDef("MAIR_EL2", 3, 4, 10, 2, 0, el: 2, mmu: true),
        SysRegDef("VBAR_EL2", 3, 4, 12, 0, 0, el: 2),
        SysRegDef("TPIDR_EL2", 3, 4, 13, 0, 2, el: 2),

        // EL3 registers (exist only when EL3 is implemented).
        SysRegDef("SCTLR_EL3", 3, 6, 1, 0, 0, el: 3, reset: 0x30C5_0830, mmu: true),
        SysRegDef("SCR_EL3", 3, 6, 1, 1, 0, el: 3, mmu: true),
        SysRegDef("CPTR_EL3", 3, 6, 1, 1, 2, el: 3),
        SysRegDef("MDCR_EL3", 3, 6, 1, 3, 1, el: 3),
        SysRegDef("TTBR0_EL3", 3, 6, 2, 0, 0, el: 3, mmu: true),
        SysRegDef("TCR_EL3", 3, 6, 2, 0, 2, el: 3, mmu: true),
        SysRegDef("SPSR_EL3", 3, 6, 4, 0, 0, el: 3),
        SysRegDef("ELR_EL3", 3, 6, 4, 0, 1, el: 3),
        SysRegDef("ESR_EL3", 3, 6, 5, 2, 0, el: 3),
        SysRegDef("FAR_EL3", 3, 6, 6, 0, 0, el: 3),
        SysRegDef("MAIR_EL3", 3, 6, 10, 2, 0, el: 3, mmu: true),
        SysRegDef("VBAR_EL3", 3, 6, 12, 0, 0, el: 3),
        SysRegDef("TPIDR_EL3", 3, 6, 13, 0, 2, el: 3),
    ] + RMERegisters.definitions + MECRegisters.definitions + GenericTimerRegs.definitions   // CNT*: GenericTimer.swift

    static let indexByKey: [UInt32: Int] = {
        var d: [UInt32: Int] = [:]
        for (i, r) in all.enumerated() {
            precondition(d[r.key] == nil, "duplicate system register encoding for \(r.name)")
            d[r.key] = i
        }
        precondition(all.count <= StateLayout.sysregSlots)
        return d
    }()

    static let indexByName: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, r) in all.enumerated() { d[r.name] = i }
        return d
    }()

    public static func lookup(key: UInt32) -> (def: SysRegDef, slot: SysRegSlot)? {
        guard let i = indexByKey[key] else { return nil }
        return (all[i], SysRegSlot(slot: i))
    }

    public static func slot(_ name: String) -> SysRegSlot {
        guard let i = indexByName[name] else { fatalError("no system register named \(name)") }
        return SysRegSlot(slot: i)
    }

    public static func name(forKey key: UInt32) -> String? { lookup(key: key)?.def.name }

    static func resetAll(_ cpu: CPU) {
        for (i, r) in all.enumerated() { cpu.setSysreg(SysRegSlot(slot: i), r.reset) }
    }

    // Named slots used by the exception and MMU code. Index = EL.
    public static let sctlr = [slot("SCTLR_EL1"), slot("SCTLR_EL1"), slot("SCTLR_EL2"), slot("SCTLR_EL3")]
    public static let esr = [slot("ESR_EL1"), slot("ESR_EL1"), slot("ESR_EL2"), slot("ESR_EL3")]
    public static let elr = [slot("ELR_EL1"), slot("ELR_EL1"), slot("ELR_EL2"), slot("ELR_EL3")]
    public static let spsr = [slot("SPSR_EL1"), slot("SPSR_EL1"), slot("SPSR_EL2"), slot("SPSR_EL3")]
    public static let far = [slot("FAR_EL1"), slot("FAR_EL1"), slot("FAR_EL2"), slot("FAR_EL3")]
    public static let vbar = [slot("VBAR_EL1"), slot("VBAR_EL1"), slot("VBAR_EL2"), slot("VBAR_EL3")]
    public static let hcrEL2 = slot("HCR_EL2")
    public static let scrEL3 = slot("SCR_EL3")
    public static let cntvoffEL2 = slot("CNTVOFF_EL2")
    public static let tpidrroEL0 = slot("TPIDRRO_EL0")
    public static let cntfrqEL0 = slot("CNTFRQ_EL0")
}

extension CPU {
    /// MRS. Returns nil when the access is UNDEFINED at the current EL (the caller
    /// raises the Undefined Instruction exception).
    public func readSysReg(key: UInt32) -> UInt64? {
        guard let (def, slot) = SysRegTable.lookup(key: key), accessible(def, read: true) else { return nil }
        switch def.kind {
        case .storage, .readOnly: return sysreg(slot)
        case .special: return readSpecial(def.name)
        }
    }

    /// MSR. Returns false when the access is UNDEFINED at the current EL.
    public func writeSysReg(key: UInt32, value: UInt64) -> Bool {
        defer { interruptControlsChanged() }   // DAIF, HCR_EL2, SCR_EL3... may unmask an interrupt
        guard let (def, slot) = SysRegTable.lookup(key: key), accessible(def, read: false) else { return false }
        switch def.kind {
        case .readOnly: return false
        case .special: return writeSpecial(def.name, value)
        case .storage:
            if slot == SysRegTable.tpidrroEL0 && el == 0 { return false }
            if slot == SysRegTable.cntfrqEL0 && el < highestEL { return false }
            if let w = def.onWrite { w(self, slot, value) } else { setSysreg(slot, value) }
            if def.affectsTranslation { flushTLB() }
            return true
        }
    }

    private func accessible(_ def: SysRegDef, read: Bool) -> Bool {
        el >= def.minEL && highestEL >= def.requiresEL && (def.accessCheck?(self, read) ?? .allowed) == .allowed
    }

    private func readSpecial(_ name: String) -> UInt64? {
        switch name {
        case "MIDR_EL1": return config.midr
        case "MPIDR_EL1": return 0x8000_0000 | UInt64(index)   // Aff0 = CPU index, U = 0
        case "ID_AA64PFR0_EL1":
            return 0x1 | (0x1 << 4) | (config.hasEL2 ? 0x100 : 0) | (config.hasEL3 ? 0x1000 : 0)
                | (0xF << 16) | (0xF << 20) | (config.hasRME ? MECRegisters.pfr0RME : 0)
        case "ID_AA64MMFR3_EL1": return mecIDAA64MMFR3
        case "ID_AA64MMFR1_EL1":   // PAN (bits 23:20), HAFDBS = 2: AF and dirty state (bits 3:0)
            return (config.hasPAN ? 1 << 20 : 0) | (config.hasHAFDBS ? 2 : 0)
        case "PAN": return pstateMisc & CPU.pstatePAN
        case "NZCV": return nzcv
        case "DAIF": return daif
        case "SPSel": return spSel
        case "CurrentEL": return UInt64(el) << 2
        case "SP_EL0":
            // Accessing SP_EL0 while it is the current stack pointer is UNDEFINED.
            return spSel == 0 ? nil : x(StateLayout.spEL0Id)
        case "SP_EL1": return x(StateLayout.spEL0Id + 1)
        case "SP_EL2": return x(StateLayout.spEL0Id + 2)
        default: return readGenericTimer(name)   // counters and timers
        }
    }

    private func writeSpecial(_ name: String, _ v: UInt64) -> Bool {
        switch name {
        case "NZCV": nzcv = v
        case "DAIF": daif = v
        case "SPSel": spSel = v
        case "PAN": pstateMisc = pstateMisc & ~CPU.pstatePAN | (v & CPU.pstatePAN)
        case "SP_EL0":
            if spSel == 0 { return false }
            setX(StateLayout.spEL0Id, v)
        case "SP_EL1": setX(StateLayout.spEL0Id + 1, v)
        case "SP_EL2": setX(StateLayout.spEL0Id + 2, v)
        default: return writeGenericTimer(name, v)   // timers
        }
        return true
    }
}
