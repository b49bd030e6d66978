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
        /// Computed by the entry's own closures (PSTATE views, stack pointers,
        /// counters and timers, a device's registers): `read` returns nil and
        /// `write` false when the access is UNDEFINED after the access rules
        /// passed (SP_EL0 while it is the stack pointer); a nil `write` makes
        /// the register read-only.
        case special(read: @Sendable (CPU) -> UInt64?, write: (@Sendable (CPU, UInt64) -> Bool)?)
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
    /// The ELs (bit n: ELn) at which `accessCheck` can refuse an access; at
    /// the others it allows every access (`el0Gated`: EL0 only).
    public var accessCheckELs: UInt8 = 0b1111
    /// Replaces the plain store of a `.storage` write (masks, selective TLB flushes).
    public var onWrite: (@Sendable (CPU, SysRegSlot, UInt64) -> Void)? = nil
    /// The architectural trap controls that apply to the register (HCR_EL2,
    /// MDCR_EL2, MDCR_EL3, CPTR_ELx: SysRegTraps.swift).
    public var traps: SysRegTraps = []
    /// Computes a `.readOnly` or `.storage` register's value from the CPU (ID
    /// registers that depend on the CPU model, counters); nil: the slot.
    public var readValue: (@Sendable (CPU) -> UInt64)? = nil

    /// The same register with these trap controls.
    public func trapped(_ t: SysRegTraps) -> SysRegDef {
        var d = self
        d.traps.formUnion(t)
        return d
    }

    /// The register exists only when `feature` holds for the CPU (else UNDEFINED).
    public func requiring(_ feature: @escaping @Sendable (CPU) -> Bool) -> SysRegDef {
        var d = self
        d.accessCheck = { cpu, _ in feature(cpu) ? .allowed : .undefined }
        return d
    }

    /// The same register with an access rule (`accessCheck`).
    public func checked(_ rule: @escaping @Sendable (CPU, _ isRead: Bool) -> SysRegAccess) -> SysRegDef {
        var d = self
        d.accessCheck = rule
        return d
    }

    /// The same register with a write side effect (`onWrite`).
    public func writing(_ w: @escaping @Sendable (CPU, SysRegSlot, UInt64) -> Void) -> SysRegDef {
        var d = self
        d.onWrite = w
        return d
    }

    /// A read-only register whose value the CPU computes.
    public func value(_ v: @escaping @Sendable (CPU) -> UInt64) -> SysRegDef {
        var d = self
        d.readValue = v
        return d
    }

    /// EL0 may access the register only while SCTLR_EL1.<bit> is set (UMA for
    /// DAIF, UCT for CTR_EL0); otherwise the access traps to EL1 (or EL2 with
    /// HCR_EL2.TGE) with EC 0x18 (Arm ARM D19, the registers' EL0 access rules).
    public func el0Gated(bySCTLRBit bit: UInt64) -> SysRegDef {
        var d = self
        d.accessCheckELs = 0b0001
        d.accessCheck = { cpu, _ in
            guard cpu.el == 0 else { return .allowed }
            return (cpu.el0SCTLR >> bit) & 1 == 1 ? .allowed : .trap(toEL: cpu.syncTargetEL)
        }
        return d
    }

    /// A register computed by closures (`Kind.special`): `write` nil makes it read-only.
    public static func special(_ name: String, _ op0: UInt32, _ op1: UInt32, _ crn: UInt32, _ crm: UInt32, _ op2: UInt32,
                               el: Int, requires: Int = 0, read: @escaping @Sendable (CPU) -> UInt64?,
                               write: (@Sendable (CPU, UInt64) -> Bool)? = nil) -> SysRegDef {
        SysRegDef(name, op0, op1, crn, crm, op2, el: el, .special(read: read, write: write), requires: requires)
    }

    /// `requires`: the EL that must be implemented for the register to exist
    /// (an EL2 or EL3 register needs its own EL); `mmu`: a write flushes the TLB.
    public init(_ name: String, _ op0: UInt32, _ op1: UInt32, _ crn: UInt32, _ crm: UInt32, _ op2: UInt32,
         el: Int, _ kind: Kind = .storage, reset: UInt64 = 0, requires: Int = 0, mmu: Bool = false) {
        self.name = name
        self.key = sysRegKey(op0: op0, op1: op1, crn: crn, crm: crm, op2: op2)
        self.minEL = el
        self.requiresEL = max(requires, el >= 2 ? el : 0)
        self.kind = kind
        self.reset = reset
        self.affectsTranslation = mmu
    }

    /// The same from the register's key (`sysRegKey`).
    public init(_ name: String, key: UInt32, el: Int, _ kind: Kind = .storage) {
        self.init(name, key >> 14, (key >> 11) & 7, (key >> 7) & 0xF, (key >> 3) & 0xF, key & 7, el: el, kind)
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

    /// The architectural registers, in slot order: those Machine names in code
    /// first (`NamedSysReg`, fixed slots), then the rest in the order of their
    /// files: the identification registers (IDRegisters.swift), PSTATE views
    /// and EL1/EL0 registers (below), EL2 and EL3 registers
    /// (EL2EL3Registers.swift), the PMU (PMU.swift), the debug registers
    /// (DebugRegisters.swift), VHE aliases, RME, MEC, the generic timer
    /// (GenericTimer.swift) and the pointer authentication keys (PAuth/). A machine's devices add theirs after these
    /// (`SysRegRegistry`).
    public static let all: [SysRegDef] = {
        let first = IDRegisters.definitions + core + EL2EL3Registers.definitions
            + PMURegisters.definitions + DebugRegisters.definitions
        let last = RMERegisters.definitions + MECRegisters.definitions + GenericTimerRegs.definitions
            + PAuthRegisters.definitions
        let declared = first + VHERegisters.aliasDefinitions(in: first + last) + last
        var byName: [String: SysRegDef] = [:]
        for d in declared { byName[d.name] = d }
        let fixed = NamedSysReg.allCases.map { n -> SysRegDef in
            guard let d = byName[n.name] else { fatalError("NamedSysReg.\(n.name) is not in the table") }
            return d
        }
        let fixedNames = Set(NamedSysReg.allCases.map(\.name))
        return fixed + declared.filter { !fixedNames.contains($0.name) }
    }()

    /// HCR_EL2.TVM/TRVM: the EL1 registers of the virtual memory controls.
    static let vm: SysRegTraps = .virtualMemory

    static let core: [SysRegDef] = [
        // PSTATE views and stack pointers.
        .special("NZCV", 3, 3, 4, 2, 0, el: 0, read: { $0.nzcv }, write: { $0.nzcv = $1; return true }),
        .special("DAIF", 3, 3, 4, 2, 1, el: 0, read: { $0.daif }, write: { $0.daif = $1; return true })
            .el0Gated(bySCTLRBit: 9),   // UMA
        // FP/SIMD control and status (FPState.swift); their FP traps are the lifter's.
        .special("FPCR", 3, 3, 4, 4, 0, el: 0, read: { $0.fpcr }, write: { $0.fpcr = $1; return true }),
        .special("FPSR", 3, 3, 4, 4, 1, el: 0, read: { $0.fpsr }, write: { $0.fpsr = $1; return true }),
        .special("SPSel", 3, 0, 4, 2, 0, el: 1, read: { $0.spSel }, write: { $0.spSel = $1; return true }),
        .special("PAN", 3, 0, 4, 2, 3, el: 1, read: { $0.pstateMisc & CPU.pstatePAN }, write: { cpu, v in
            cpu.pstateMisc = cpu.pstateMisc & ~CPU.pstatePAN | (v & CPU.pstatePAN)
            return true
        }).requiring { $0.config.hasPAN },   // FEAT_PAN
        .special("DIT", 3, 3, 4, 2, 5, el: 0, read: { $0.pstateMisc & CPU.pstateDIT }, write: { cpu, v in
            cpu.pstateMisc = cpu.pstateMisc & ~CPU.pstateDIT | (v & CPU.pstateDIT)
            return true
        }).requiring { $0.config.hasDIT },   // FEAT_DIT
        .special("CurrentEL", 3, 0, 4, 2, 2, el: 1, read: { UInt64($0.el) << 2 }),
        // Accessing SP_EL0 while it is the current stack pointer is UNDEFINED.
        .special("SP_EL0", 3, 0, 4, 1, 0, el: 1, read: { $0.spSel == 0 ? nil : $0.x(StateLayout.spEL0Id) }, write: { cpu, v in
            guard cpu.spSel != 0 else { return false }
            cpu.setX(StateLayout.spEL0Id, v)
            return true
        }),
        .special("SP_EL1", 3, 4, 4, 1, 0, el: 2, read: { $0.x(StateLayout.spEL0Id + 1) },
                 write: { $0.setX(StateLayout.spEL0Id + 1, $1); return true }),
        .special("SP_EL2", 3, 6, 4, 1, 0, el: 3, read: { $0.x(StateLayout.spEL0Id + 2) },
                 write: { $0.setX(StateLayout.spEL0Id + 2, $1); return true }),

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
        .special("ISR_EL1", 3, 0, 12, 1, 0, el: 1, read: { $0.interruptStatus }),   // InterruptService.swift
        SysRegDef("CONTEXTIDR_EL1", 3, 0, 13, 0, 1, el: 1).trapped(vm),
        SysRegDef("TPIDR_EL1", 3, 0, 13, 0, 4, el: 1),
        SysRegDef("TPIDR_EL0", 3, 3, 13, 0, 2, el: 0),
        // TPIDRRO_EL0: read-only at EL0 (writes UNDEFINED), read/write at EL1 and above.
        SysRegDef("TPIDRRO_EL0", 3, 3, 13, 0, 3, el: 0).checked { cpu, read in
            read || cpu.el > 0 ? .allowed : .undefined
        },
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

    /// An architectural register by its key (a machine's CPUs look up through
    /// their `SysRegRegistry`, which also knows the devices' registers).
    public static func lookup(key: UInt32) -> (def: SysRegDef, slot: SysRegSlot)? {
        guard let i = indexByKey[key] else { return nil }
        return (all[i], SysRegSlot(slot: i))
    }

    /// The slot of an architectural register by name (tests, the debugger,
    /// table construction; code on a slow path names a `NamedSysReg`).
    public static func slot(_ name: String) -> SysRegSlot {
        guard let i = indexByName[name] else { fatalError("no system register named \(name)") }
        return SysRegSlot(slot: i)
    }

    public static func name(forKey key: UInt32) -> String? { lookup(key: key)?.def.name }

    // Named slots used by the exception and MMU code. Index = EL (EL0 uses EL1's).
    public static var sctlr: PerELSlots { PerELSlots(.SCTLR_EL1, .SCTLR_EL2, .SCTLR_EL3) }
    public static var esr: PerELSlots { PerELSlots(.ESR_EL1, .ESR_EL2, .ESR_EL3) }
    public static var elr: PerELSlots { PerELSlots(.ELR_EL1, .ELR_EL2, .ELR_EL3) }
    public static var spsr: PerELSlots { PerELSlots(.SPSR_EL1, .SPSR_EL2, .SPSR_EL3) }
    public static var far: PerELSlots { PerELSlots(.FAR_EL1, .FAR_EL2, .FAR_EL3) }
    public static var vbar: PerELSlots { PerELSlots(.VBAR_EL1, .VBAR_EL2, .VBAR_EL3) }
    public static var hcrEL2: SysRegSlot { NamedSysReg.HCR_EL2.slot }
    public static var scrEL3: SysRegSlot { NamedSysReg.SCR_EL3.slot }
    public static var cntvoffEL2: SysRegSlot { NamedSysReg.CNTVOFF_EL2.slot }
    public static var mdcrEL2: SysRegSlot { NamedSysReg.MDCR_EL2.slot }
    public static var mdcrEL3: SysRegSlot { NamedSysReg.MDCR_EL3.slot }
    public static var cptrEL2: SysRegSlot { NamedSysReg.CPTR_EL2.slot }
    public static var cptrEL3: SysRegSlot { NamedSysReg.CPTR_EL3.slot }
}

/// One register per EL (EL0 and EL1 share EL1's): `SysRegTable.sctlr[el]`.
public struct PerELSlots: Sendable {
    @usableFromInline let el1: NamedSysReg, el2: NamedSysReg, el3: NamedSysReg
    @inlinable init(_ el1: NamedSysReg, _ el2: NamedSysReg, _ el3: NamedSysReg) {
        self.el1 = el1; self.el2 = el2; self.el3 = el3
    }
    @inlinable public subscript(el: Int) -> SysRegSlot {
        (el <= 1 ? el1 : el == 2 ? el2 : el3).slot
    }
}

/// The registers Machine's code names, at fixed slots (their case order,
/// before the rest of `SysRegTable.all`): naming one is a constant, with no
/// lazily initialised global to check on the slow paths that read them.
public enum NamedSysReg: Int, CaseIterable, Sendable {
    case SCTLR_EL1, SCTLR_EL2, SCTLR_EL3, ESR_EL1, ESR_EL2, ESR_EL3, ELR_EL1, ELR_EL2, ELR_EL3
    case SPSR_EL1, SPSR_EL2, SPSR_EL3, FAR_EL1, FAR_EL2, FAR_EL3, VBAR_EL1, VBAR_EL2, VBAR_EL3
    case HCR_EL2, SCR_EL3, MDCR_EL2, MDCR_EL3, CPTR_EL2, CPTR_EL3, VPIDR_EL2, VMPIDR_EL2
    // Translation (PageTableWalker, Stage2Walker, GranuleProtection).
    case TCR_EL1, TCR_EL2, TCR_EL3, TTBR0_EL1, TTBR0_EL2, TTBR0_EL3, TTBR1_EL1, TTBR1_EL2
    case MAIR_EL1, MAIR_EL2, MAIR_EL3, PAR_EL1, VTCR_EL2, VTTBR_EL2, HPFAR_EL2
    case GPTBR_EL3, GPCCR_EL3, MFAR_EL3
    // MEC.
    case MECIDR_EL2, MECID_P0_EL2, MECID_A0_EL2, MECID_P1_EL2, MECID_A1_EL2, VMECID_P_EL2, VMECID_A_EL2
    case MECID_RL_A_EL3, SCTLR2_EL2, SCTLR2_EL3, TCR2_EL2
    // The generic timer.
    case CNTVOFF_EL2, CNTKCTL_EL1, CNTHCTL_EL2
    case CNTP_CTL_EL0, CNTV_CTL_EL0, CNTHP_CTL_EL2, CNTPS_CTL_EL1, CNTHV_CTL_EL2
    case CNTP_CVAL_EL0, CNTV_CVAL_EL0, CNTHP_CVAL_EL2, CNTPS_CVAL_EL1, CNTHV_CVAL_EL2
    // The PMU, cache identification, debug.
    case PMCR_EL0, PMCNTENSET_EL0, PMOVSCLR_EL0, PMSELR_EL0, PMCCNTR_EL0, PMUSERENR_EL0
    case PMINTENSET_EL1, PMCCFILTR_EL0, CSSELR_EL1, OSLSR_EL1, DBGCLAIMSET_EL1
    // FP/SIMD traps (FPState.swift).
    case CPACR_EL1

    @inlinable public var slot: SysRegSlot { SysRegSlot(slot: rawValue) }
    public var name: String { String(describing: self) }
}

/// The system registers of one machine: the architectural ones
/// (`SysRegTable.all`, in their slots) and those its devices add while the
/// machine is built (the GIC's CPU interface: `System.addSystemRegisters`),
/// whose storage takes the next slots of the state block. Shared by the
/// machine's CPUs; an MRS/MSR finds its entry by a direct index on its key.
public final class SysRegRegistry {
    public private(set) var definitions: [SysRegDef]
    /// Slot + 1 of the register with each 16-bit key; 0: none.
    private let slotByKey: UnsafeMutablePointer<UInt16>
    /// FEAT_VHE with HCR_EL2.E2H = 1, per key: slot + 1 of the register its
    /// encoding reaches at EL2 (`vheRedirect`: an EL1 encoding's EL2
    /// register; `vheAlias`: an *_EL12/*_EL02 encoding's EL1/EL0 register,
    /// also at EL3 while EL2 is enabled), and `vheEL0Host`: the key reaches
    /// another register at EL0 in the EL2&0 regime (VHERegisters.swift).
    private let vheByKey: UnsafeMutablePointer<UInt16>
    static let vheSlotMask: UInt16 = 0x3FF
    static let vheRedirect: UInt16 = 1 << 12
    static let vheAlias: UInt16 = 1 << 13
    static let vheEL0Host: UInt16 = 1 << 14

    init() {
        definitions = SysRegTable.all
        slotByKey = .allocate(capacity: 1 << 16)
        slotByKey.initialize(repeating: 0, count: 1 << 16)
        fastRead = .allocate(capacity: StateLayout.sysregSlots)
        fastRead.initialize(repeating: 0, count: StateLayout.sysregSlots)
        fastMinEL = .allocate(capacity: StateLayout.sysregSlots)
        fastMinEL.initialize(repeating: 0, count: StateLayout.sysregSlots)
        for (i, d) in definitions.enumerated() { slotByKey[Int(d.key)] = UInt16(i + 1) }
        vheByKey = .allocate(capacity: 1 << 16)
        vheByKey.initialize(repeating: 0, count: 1 << 16)
        for i in definitions.indices { noteFastRead(i) }
        for (key, slot) in VHERegisters.redirectByKey { vheByKey[Int(key)] = UInt16(slot + 1) | SysRegRegistry.vheRedirect }
        for (key, slot) in VHERegisters.aliasByKey { vheByKey[Int(key)] = UInt16(slot + 1) | SysRegRegistry.vheAlias }
        for key in VHERegisters.el0HostRedirectByKey.keys { vheByKey[Int(key)] |= SysRegRegistry.vheEL0Host }
    }

    deinit {
        vheByKey.deallocate()
        slotByKey.deallocate()
        fastRead.deallocate()
        fastMinEL.deallocate()
    }

    @inline(__always) public func lookup(key: UInt32) -> (def: SysRegDef, slot: SysRegSlot)? {
        let i = Int(slotByKey[Int(key & 0xFFFF)])
        guard i != 0 else { return nil }
        return (definitions[i - 1], SysRegSlot(slot: i - 1))
    }

    /// Per slot, how an MRS reads the register without copying its
    /// definition (`CPU.readSysReg`'s fast path; 0: it cannot): bits 0-3 the
    /// ELs at which nothing but `minEL` and `requiresEL` can refuse the read
    /// (no `accessCheck` there, no `traps`), bit 4 a plain slot read
    /// (`.storage`/`.readOnly` without `readValue`), bit 5 `.special`'s reader
    /// (in `specialReaders`). `minEL`, `requiresEL` in `fastMinEL`.
    private let fastRead: UnsafeMutablePointer<UInt8>
    private let fastMinEL: UnsafeMutablePointer<UInt8>
    private var specialReaders: [(@Sendable (CPU) -> UInt64?)?] = []
    static let fastPlain: UInt8 = 1 << 4
    static let fastSpecial: UInt8 = 1 << 5

    private func noteFastRead(_ i: Int) {
        let d = definitions[i]
        // The ELs at which none of the register's trap classes can act
        // (`SysRegTraps.reachable(at:)`: the EL2 controls act below EL2,
        // EL3's below EL3).
        var els: UInt8 = 0
        for e in 0..<4 where d.traps.isDisjoint(with: SysRegTraps.reachable(at: e)) { els |= 1 << UInt8(e) }
        if d.accessCheck != nil { els &= ~d.accessCheckELs }
        var how: UInt8 = 0
        switch d.kind {
        case .storage, .readOnly: if d.readValue == nil { how = SysRegRegistry.fastPlain }
        case .special(let read, _):
            how = SysRegRegistry.fastSpecial
            if specialReaders.count <= i { specialReaders += Array(repeating: nil, count: i + 1 - specialReaders.count) }
            specialReaders[i] = read
        case .writeOnly: break
        }
        fastRead[i] = how == 0 || els == 0 ? 0 : how | els
        fastMinEL[i] = UInt8(d.minEL) | UInt8(d.requiresEL) << 4
    }

    /// The read of the register with `key` at `el` when it needs none of the
    /// general path's checks (see `fastRead`): its value, or nil inside when
    /// a `.special` reader refuses it (UNDEFINED). Nil: the general path decides.
    @inline(__always) func fastRead(key: UInt32, cpu: CPU, el: Int) -> UInt64?? {
        fastRead(slot: Int(slotByKey[Int(key & 0xFFFF)]) - 1, cpu: cpu, el: el)
    }

    /// `fastRead` with FEAT_VHE and HCR_EL2.E2H = 1: of the register the
    /// key reaches there (VHERegisters.swift), at EL0 to EL2; nil at EL3
    /// and for the EL0 host's redirected timer encodings (the general path).
    @inline(__always) func fastReadVHE(key: UInt32, cpu: CPU, el: Int) -> UInt64?? {
        let k = Int(key & 0xFFFF), v = vheByKey[k]
        switch el {
        case 2:
            let target = v & (SysRegRegistry.vheRedirect | SysRegRegistry.vheAlias) != 0 ? v & SysRegRegistry.vheSlotMask : slotByKey[k]
            return fastRead(slot: Int(target) - 1, cpu: cpu, el: 2)
        case 1:
            return fastRead(slot: Int(slotByKey[k]) - 1, cpu: cpu, el: 1)
        case 0:
            if v & SysRegRegistry.vheEL0Host != 0 && cpu.el2Host { return nil }
            return fastRead(slot: Int(slotByKey[k]) - 1, cpu: cpu, el: 0)
        default:
            return nil
        }
    }

    /// The register an encoding reaches at the current EL with FEAT_VHE and
    /// E2H = 1 when it is another one (`CPU.resolveSysReg`): at EL2 an EL1
    /// encoding's EL2 register or an alias's EL1/EL0 one, at EL3 (`el3`,
    /// while EL2 is enabled) an alias's; nil otherwise.
    @inline(__always) func vheTarget(key: UInt32, el: Int) -> SysRegSlot? {
        let v = vheByKey[Int(key & 0xFFFF)]
        let kinds = el == 2 ? SysRegRegistry.vheRedirect | SysRegRegistry.vheAlias : SysRegRegistry.vheAlias
        guard v & kinds != 0 else { return nil }
        return SysRegSlot(slot: Int(v & SysRegRegistry.vheSlotMask) - 1)
    }

    @inline(__always) private func fastRead(slot i: Int, cpu: CPU, el: Int) -> UInt64?? {
        guard i >= 0 else { return nil }
        let f = fastRead[i], m = fastMinEL[i]
        guard f & (1 << UInt8(el)) != 0, el >= Int(m & 0xF), cpu.highestEL >= Int(m >> 4) else { return nil }
        if f & SysRegRegistry.fastPlain != 0 { return .some(cpu.sysreg(SysRegSlot(slot: i))) }
        guard let read = specialReaders[i] else { return nil }
        return .some(read(cpu))
    }

    public func name(forKey key: UInt32) -> String? { lookup(key: key)?.def.name }

    /// Adds registers; each gets the next slot. A duplicate encoding or more
    /// registers than the state block holds is a programming error.
    func add(_ defs: [SysRegDef]) -> [SysRegSlot] {
        defs.map { d in
            precondition(slotByKey[Int(d.key)] == 0, "system register \(d.name): its encoding is taken")
            precondition(definitions.count < StateLayout.sysregSlots, "no state-block slot left for \(d.name)")
            definitions.append(d)
            slotByKey[Int(d.key)] = UInt16(definitions.count)
            noteFastRead(definitions.count - 1)
            return SysRegSlot(slot: definitions.count - 1)
        }
    }

    func resetAll(_ cpu: CPU) {
        for (i, r) in definitions.enumerated() { cpu.setSysreg(SysRegSlot(slot: i), r.reset) }
        cpu.setSysreg(NamedSysReg.VPIDR_EL2.slot, cpu.config.midr)
        cpu.setSysreg(NamedSysReg.VMPIDR_EL2.slot, cpu.mpidr)
    }
}

extension System {
    /// Adds a device's system registers (the GIC's CPU interface) to every
    /// CPU of the machine, before it runs; returns their slots, in order.
    /// Their accesses go through the same rules as the architectural ones
    /// (`minEL`, `accessCheck`, `traps`) and reach their own closures.
    @discardableResult
    public func addSystemRegisters(_ defs: [SysRegDef]) -> [SysRegSlot] {
        let slots = sysRegs.add(defs)
        for cpu in cpus {
            for (d, s) in zip(defs, slots) { cpu.setSysreg(s, d.reset) }
        }
        return slots
    }
}
