/// The trap controls of higher ELs over system register accesses (Arm ARM
/// D1 "Traps and enables", and each register's access pseudocode), as a small
/// set of classes attached to the entries of `SysRegTable`. A trapped MRS/MSR
/// is taken to that EL with EC 0x18 (`CPU.takeSysRegTrap`).
public struct SysRegTraps: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// HCR_EL2.TVM (writes) / TRVM (reads) at EL1: SCTLR_EL1, TTBR0/1_EL1,
    /// TCR_EL1, ESR_EL1, FAR_EL1, AFSR0/1_EL1, MAIR_EL1, AMAIR_EL1, CONTEXTIDR_EL1.
    public static let virtualMemory = SysRegTraps(rawValue: 1 << 0)
    /// HCR_EL2.TID1 at EL1: REVIDR_EL1, AIDR_EL1.
    public static let id1 = SysRegTraps(rawValue: 1 << 1)
    /// HCR_EL2.TID2 at EL0 and EL1: CTR_EL0, CCSIDR_EL1, CLIDR_EL1, CSSELR_EL1.
    public static let id2 = SysRegTraps(rawValue: 1 << 2)
    /// HCR_EL2.TID3 at EL1: the ID space op0 3, op1 0, CRn 0, CRm 1...7.
    public static let id3 = SysRegTraps(rawValue: 1 << 3)
    /// HCR_EL2.TACR at EL1: ACTLR_EL1.
    public static let auxControl = SysRegTraps(rawValue: 1 << 4)
    /// CPTR_EL2.TCPAC (EL1 to EL2) and CPTR_EL3.TCPAC (EL1, EL2 to EL3):
    /// CPACR_EL1, and CPTR_EL2 at EL2.
    public static let cpac = SysRegTraps(rawValue: 1 << 5)
    /// MDCR_EL2.TPM (EL0, EL1 to EL2) and MDCR_EL3.TPM (EL0-EL2 to EL3): every
    /// PMU register.
    public static let pmu = SysRegTraps(rawValue: 1 << 6)
    /// MDCR_EL2.TPMCR (EL0, EL1 to EL2): PMCR_EL0.
    public static let pmcr = SysRegTraps(rawValue: 1 << 7)
    /// MDCR_EL2.TDA (or TDE; EL0, EL1 to EL2) and MDCR_EL3.TDA (EL0-EL2 to
    /// EL3): the debug registers other than the OS lock and ROM ones.
    public static let debug = SysRegTraps(rawValue: 1 << 8)
    /// MDCR_EL2.TDOSA (or TDE) and MDCR_EL3.TDOSA: OSLAR, OSLSR, OSDLR, DBGPRCR.
    public static let osDebug = SysRegTraps(rawValue: 1 << 9)
    /// MDCR_EL2.TDRA (or TDE) and MDCR_EL3.TDA: MDRAR_EL1.
    public static let debugROM = SysRegTraps(rawValue: 1 << 10)
}

enum TrapBits {
    // HCR_EL2
    static let tid1: UInt64 = 1 << 16
    static let tid2: UInt64 = 1 << 17
    static let tid3: UInt64 = 1 << 18
    static let tacr: UInt64 = 1 << 21
    static let tvm: UInt64 = 1 << 26
    static let trvm: UInt64 = 1 << 30
    // MDCR_EL2
    static let tpmcr: UInt64 = 1 << 5
    static let tpm: UInt64 = 1 << 6          // also MDCR_EL3.TPM
    static let tde: UInt64 = 1 << 8
    static let tda: UInt64 = 1 << 9          // also MDCR_EL3.TDA
    static let tdosa: UInt64 = 1 << 10       // also MDCR_EL3.TDOSA
    static let tdra: UInt64 = 1 << 11
    // CPTR_EL2, CPTR_EL3
    static let tcpac: UInt64 = 1 << 31
}

extension SysRegTraps {
    /// The classes that can trap an access made at `el` (`CPU.trapTarget`,
    /// which must agree): the EL2 controls act at EL0 and EL1 (TVM, TID1,
    /// TID3, TACR and CPTR_EL2.TCPAC at EL1 only), EL3's below EL3.
    static func reachable(at el: Int) -> SysRegTraps {
        switch el {
        case 0: return [.id2, .pmu, .pmcr, .debug, .osDebug, .debugROM, .cpac]
        case 1: return SysRegTraps(rawValue: ~0)
        case 2: return [.cpac, .pmu, .debug, .osDebug, .debugROM]
        default: return []
        }
    }
}

extension CPU {
    /// The EL the classes in `traps` take an access of the current EL to, or
    /// nil: the EL2 controls first, then EL3 (the order of the pseudocode).
    func trapTarget(_ traps: SysRegTraps, read: Bool) -> Int? {
        let e = el
        if e < 2 && el2Enabled {
            let hcr = sysreg(SysRegTable.hcrEL2)
            if e == 1 {
                if traps.contains(.virtualMemory) && hcr & (read ? TrapBits.trvm : TrapBits.tvm) != 0 { return 2 }
                if traps.contains(.id1) && hcr & TrapBits.tid1 != 0 { return 2 }
                if traps.contains(.id3) && hcr & TrapBits.tid3 != 0 { return 2 }
                if traps.contains(.auxControl) && hcr & TrapBits.tacr != 0 { return 2 }
                if traps.contains(.cpac) && sysreg(SysRegTable.cptrEL2) & TrapBits.tcpac != 0 { return 2 }
            }
            if traps.contains(.id2) && hcr & TrapBits.tid2 != 0 { return 2 }
            let mdcr = sysreg(SysRegTable.mdcrEL2)
            let tde = mdcr & TrapBits.tde != 0
            if traps.contains(.pmu) && mdcr & TrapBits.tpm != 0 { return 2 }
            if traps.contains(.pmcr) && mdcr & TrapBits.tpmcr != 0 { return 2 }
            if traps.contains(.debug) && (tde || mdcr & TrapBits.tda != 0) { return 2 }
            if traps.contains(.osDebug) && (tde || mdcr & TrapBits.tdosa != 0) { return 2 }
            if traps.contains(.debugROM) && (tde || mdcr & TrapBits.tdra != 0) { return 2 }
        }
        if e < 3 && config.hasEL3 {
            if traps.contains(.cpac) && sysreg(SysRegTable.cptrEL3) & TrapBits.tcpac != 0 { return 3 }
            let mdcr = sysreg(SysRegTable.mdcrEL3)
            if traps.contains(.pmu) && mdcr & TrapBits.tpm != 0 { return 3 }
            if !traps.isDisjoint(with: [.debug, .debugROM]) && mdcr & TrapBits.tda != 0 { return 3 }
            if traps.contains(.osDebug) && mdcr & TrapBits.tdosa != 0 { return 3 }
        }
        return nil
    }

    /// The outcome of the access rules of `def` at the current EL: UNDEFINED
    /// below its EL or without the EL it needs; then the register's own rule
    /// (`accessCheck`: EL0 enables, features, Security state) and the trap
    /// classes; of several traps, the one to the lowest EL is taken first.
    func sysRegAccess(_ def: SysRegDef, read: Bool) -> SysRegAccess {
        guard el >= def.minEL, highestEL >= def.requiresEL else { return .undefined }
        let own = def.accessCheck?(self, read) ?? .allowed
        if own == .undefined { return .undefined }
        guard !def.traps.isEmpty, let target = trapTarget(def.traps, read: read) else { return own }
        if case .trap(let t) = own, t <= target { return own }
        return .trap(toEL: target)
    }

    /// For the MRS/MSR helpers, after `readSysReg`/`writeSysReg` refused an
    /// access: when the access is trapped to a higher EL (rather than
    /// UNDEFINED), takes that exception and returns true. The syndrome is EC
    /// 0x18 with the ISS of a trapped MSR/MRS (Arm ARM D24.2.x, ISS encoding
    /// for EC 0x18): Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10],
    /// Rt [9:5], CRm [4:1], Direction [0] (1: read). Preferred return: the
    /// instruction itself. The ISS names the encoding the instruction used.
    public func takeSysRegTrap(key: UInt32, rt: Int, read: Bool) -> Bool {
        let target: Int
        if let (def, _) = resolveSysReg(key: key) {
            guard case .trap(let t) = sysRegAccess(def, read: read) else { return false }
            target = t
        } else {
            guard let t = implementationDefinedTrapTarget(key: key) else { return false }
            target = t
        }
        takeException(to: target, syndrome: CPU.sysRegTrapSyndrome(key: key, rt: rt, read: read), returnAddress: faultPC)
        return true
    }

    /// HCR_EL2.TIDCP (bit 20): EL1 accesses to the IMPLEMENTATION DEFINED
    /// encodings (op0 3, CRn 11 or 15; Armature has none, so they are
    /// otherwise UNDEFINED) are trapped to EL2 while EL2 is enabled.
    func implementationDefinedTrapTarget(key: UInt32) -> Int? {
        let op0 = key >> 14, crn = (key >> 7) & 0xF
        guard op0 == 3, crn == 11 || crn == 15, el == 1, el2Enabled,
              sysreg(SysRegTable.hcrEL2) & (1 << 20) != 0 else { return nil }
        return 2
    }

    /// ESR for EC 0x18 (also used for trapped SYS instructions: op0 = 1).
    public static func sysRegTrapSyndrome(key: UInt32, rt: Int, read: Bool) -> UInt64 {
        let k = UInt64(key)
        let op0 = (k >> 14) & 3, op1 = (k >> 11) & 7, crn = (k >> 7) & 0xF, crm = (k >> 3) & 0xF, op2 = k & 7
        let iss = op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | UInt64(rt & 31) << 5 | crm << 1 | (read ? 1 : 0)
        return syndrome(.sysRegTrap, iss: iss)
    }
}

extension CPU {
    /// SCTLR_ELx holding the EL0 controls (UCT, UMA, DZE, UCI, nTWI, nTWE):
    /// SCTLR_EL2 when EL0 runs in the EL2&0 regime (HCR_EL2.{E2H,TGE} = {1,1}).
    var el0SCTLR: UInt64 {
        el2Host ? sysreg(SysRegTable.sctlr[2]) : sysreg(SysRegTable.sctlr[1])
    }


    /// The EL a SYS cache or TLB maintenance instruction is trapped to, or nil
    /// (Arm ARM D1 "Traps and enables"): at EL0, SCTLR.DZE (DC ZVA) and
    /// SCTLR.UCI (DC CVAC/CVAU/CVAP/CVADP/CIVAC, IC IVAU) to EL1 (EL2 with
    /// TGE); from EL0/EL1 with EL2 enabled, HCR_EL2.TDZ (DC ZVA), TPCP (DC
    /// IVAC/CVAC/CVAP/CVADP/CIVAC), TPU (IC IVAU/IALLU/IALLUIS, DC CVAU), and
    /// from EL1, TSW (DC ISW/CSW/CISW) and TTLB (TLBI).
    func sysInstructionTrapTarget(op1: UInt64, crn: UInt64, crm: UInt64, op2: UInt64) -> Int? {
        enum Kind { case zva, pointOfCoherence, pointOfUnification, setWay, tlbi }
        let kind: Kind
        switch (op1, crn, crm, op2) {
        case (3, 7, 4, 1): kind = .zva
        case (0, 7, 6, 1), (3, 7, 10, 1), (3, 7, 12, 1), (3, 7, 13, 1), (3, 7, 14, 1): kind = .pointOfCoherence
        case (3, 7, 5, 1), (0, 7, 5, 0), (0, 7, 1, 0), (3, 7, 11, 1): kind = .pointOfUnification
        case (0, 7, 6, 2), (0, 7, 10, 2), (0, 7, 14, 2): kind = .setWay
        case (0, 8, _, _): kind = .tlbi
        default: return nil
        }
        let e = el
        if e == 0 {
            let sctlr = el0SCTLR
            if kind == .zva && (sctlr >> 14) & 1 == 0 { return syncTargetEL }                          // DZE
            if kind != .zva && op1 == 3 && (sctlr >> 26) & 1 == 0 { return syncTargetEL }             // UCI
        }
        guard e < 2 && el2Enabled else { return nil }
        let hcr = sysreg(SysRegTable.hcrEL2)
        switch kind {
        case .zva: if hcr & (1 << 28) != 0 { return 2 }                    // TDZ
        case .pointOfCoherence: if hcr & (1 << 23) != 0 { return 2 }       // TPCP
        case .pointOfUnification: if hcr & (1 << 24) != 0 { return 2 }     // TPU
        case .setWay: if e == 1 && hcr & (1 << 22) != 0 { return 2 }       // TSW
        case .tlbi: if e == 1 && hcr & (1 << 25) != 0 { return 2 }         // TTLB
        }
        return nil
    }

    /// DCZID_EL0.DZP: DC ZVA is prohibited (it would trap) at the current EL.
    var dcZVAProhibited: Bool { sysInstructionTrapTarget(op1: 3, crn: 7, crm: 4, op2: 1) != nil }

    /// Takes the trap of a SYS instruction when one applies (EC 0x18, Op0 = 1,
    /// direction 0); returns true when it did.
    public func takeSysInstructionTrap(op1: UInt64, crn: UInt64, crm: UInt64, op2: UInt64, rt: Int) -> Bool {
        guard let target = sysInstructionTrapTarget(op1: op1, crn: crn, crm: crm, op2: op2) else { return false }
        let key = sysRegKey(op0: 1, op1: UInt32(op1), crn: UInt32(crn), crm: UInt32(crm), op2: UInt32(op2))
        takeException(to: target, syndrome: CPU.sysRegTrapSyndrome(key: key, rt: rt, read: false), returnAddress: faultPC)
        return true
    }
}
