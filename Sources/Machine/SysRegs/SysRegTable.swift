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
        /// Write-only (OSLAR_EL1, PMSWINC_EL0): reads are UNDEFINED.
        case writeOnly
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
    /// The architectural trap controls that apply to the register (HCR_EL2,
    /// MDCR_EL2, MDCR_EL3, CPTR_ELx: SysRegTraps.swift).
    public var traps: SysRegTraps = []
    /// Computes a `.readOnly` or `.storage` register's value from the CPU (ID
    /// registers that depend on the CPU model, counters); nil: the slot.
    public var readValue: (@Sendable (CPU) -> UInt64)? = nil

    /// The same register with these trap controls.
    func trapped(_ t: SysRegTraps) -> SysRegDef {
        var d = self
        d.traps.formUnion(t)
        return d
    }

    /// The register exists only when `feature` holds for the CPU (else UNDEFINED).
    func requiring(_ feature: @escaping @Sendable (CPU) -> Bool) -> SysRegDef {
        var d = self
        d.accessCheck = { cpu, _ in feature(cpu) ? .allowed : .undefined }
        return d
    }

    /// The same register with an access rule (`accessCheck`).
    func checked(_ rule: @escaping @Sendable (CPU, _ isRead: Bool) -> SysRegAccess) -> SysRegDef {
        var d = self
        d.accessCheck = rule
        return d
    }

    /// The same register with a write side effect (`onWrite`).
    func writing(_ w: @escaping @Sendable (CPU, SysRegSlot, UInt64) -> Void) -> SysRegDef {
        var d = self
        d.onWrite = w
        return d
    }

    /// A read-only register whose value the CPU computes.
    func value(_ v: @escaping @Sendable (CPU) -> UInt64) -> SysRegDef {
        var d = self
        d.readValue = v
        return d
    }

    /// EL0 may access the register only while SCTLR_EL1.<bit> is set (UMA for
    /// DAIF, UCT for CTR_EL0); otherwise the access traps to EL1 (or EL2 with
    /// HCR_EL2.TGE) with EC 0x18 (Arm ARM D19, the registers' EL0 access rules).
    func el0Gated(bySCTLRBit bit: UInt64) -> SysRegDef {
        var d = self
        d.accessCheck = { cpu, _ in
            guard cpu.el == 0 else { return .allowed }
            return (cpu.el0SCTLR >> bit) & 1 == 1 ? .allowed : .trap(toEL: cpu.syncTargetEL)
        }
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

    /// The whole table, in slot order: the identification registers
    /// (IDRegisters.swift), PSTATE views and EL1/EL0 registers (below), EL2
    /// and EL3 registers (EL2EL3Registers.swift), the PMU (PMU.swift), the
    /// debug registers (DebugRegisters.swift), RME, MEC and the generic timer.
    public static let all: [SysRegDef] = IDRegisters.definitions + core + EL2EL3Registers.definitions
        + PMURegisters.definitions + DebugRegisters.definitions + VHERegisters.definitions
        + RMERegisters.definitions + MECRegisters.definitions + GenericTimerRegs.definitions   // CNT*: GenericTimer.swift

    /// HCR_EL2.TVM/TRVM: the EL1 registers of the virtual memory controls.
    static let vm: SysRegTraps = .virtualMemory

    static let core: [SysRegDef] = [
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
        SysRegDef("SCTLR_EL1", 3, 0, 1, 0, 0, el: 1, reset: 0x30D0_0800, mmu: true).trapped(vm),
        SysRegDef("ACTLR_EL1", 3, 0, 1, 0, 1, el: 1).trapped(.auxControl),
        SysRegDef("CPACR_EL1", 3, 0, 1, 0, 2, el: 1).trapped(.cpac),
        SysRegDef("TTBR0_EL1", 3, 0, 2, 0, 0, el: 1, mmu: true).trapped(vm),
        SysRegDef("TTBR1_EL1", 3, 0, 2, 0, 1, el: 1, mmu: true).trapped(vm),
        SysRegDef("TCR_EL1", 3, 0, 2, 0, 2, el: 1, mmu: true).trapped(vm),
        SysRegDef("SPSR_EL1", 3, 0, 4, 0, 0, el: 1),
        SysRegDef("ELR_EL1", 3, 0, 4, 0, 1, el: 1),
        SysRegDef("AFSR0_EL1", 3, 0, 5, 1, 0, el: 1).trapped(vm),
        SysRegDef("AFSR1_EL1", 3, 0, 5, 1, 1, el: 1).trapped(vm),
        SysRegDef("ESR_EL1", 3, 0, 5, 2, 0, el: 1).trapped(vm),
        SysRegDef("FAR_EL1", 3, 0, 6, 0, 0, el: 1).trapped(vm),
        SysRegDef("PAR_EL1", 3, 0, 7, 4, 0, el: 1),
        SysRegDef("MAIR_EL1", 3, 0, 10, 2, 0, el: 1, mmu: true).trapped(vm),
        SysRegDef("AMAIR_EL1", 3, 0, 10, 3, 0, el: 1).trapped(vm),
        SysRegDef("VBAR_EL1", 3, 0, 12, 0, 0, el: 1),
        SysRegDef("CONTEXTIDR_EL1", 3, 0, 13, 0, 1, el: 1).trapped(vm),
        SysRegDef("TPIDR_EL1", 3, 0, 13, 0, 4, el: 1),
        SysRegDef("TPIDR_EL0", 3, 3, 13, 0, 2, el: 0),
        // TPIDRRO_EL0: read-only at EL0, read/write at EL1 and above (see writeSysReg).
        SysRegDef("TPIDRRO_EL0", 3, 3, 13, 0, 3, el: 0),
    ]

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
        cpu.setSysreg(EL2EL3Registers.vpidr, cpu.config.midr)
        cpu.setSysreg(EL2EL3Registers.vmpidr, cpu.mpidr)
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
    public static let mdcrEL2 = slot("MDCR_EL2")
    public static let mdcrEL3 = slot("MDCR_EL3")
    public static let cptrEL2 = slot("CPTR_EL2")
    public static let cptrEL3 = slot("CPTR_EL3")
}

