import A64
import Engine
import Machine
import EngineTestSupport

/// Control-flow and system units of the fuzzer: forward branches, MRS/MSR and
/// SYS operations that are deterministic, DC ZVA, wild BR/BLR/RET targets, and
/// exception-generating instructions.
extension FuzzGenerator {
    // MARK: - Branches

    /// A forward target: mostly the next few units.
    mutating func target(after index: Int) -> Int {
        index + 1 + (rng.chance(0.7) ? rng.below(3) : rng.below(12))
    }

    mutating func branch(index: Int) -> FuzzUnit {
        let ops: [A64Op] = [.b, .bl, .cbz, .cbnz, .tbz, .tbnz, .bCond, .br, .blr, .ret]
        let op = ops[rng.weighted([2, 2, 3, 3, 3, 3, 6, 1, 1, 1])]
        let t = target(after: index)
        var w = fill(op)
        switch op {
        case .b, .bl:
            return FuzzUnit(insns: [FuzzInsn(word: w, fixup: .branch26(t))], label: "\(op)")
        case .cbz, .cbnz:
            w = FuzzGenerator.set(w, 0, 5, reg())
            return FuzzUnit(insns: [FuzzInsn(word: w, fixup: .branch19(t))], label: "\(op)")
        case .tbz, .tbnz:
            w = FuzzGenerator.set(w, 0, 5, reg())
            return FuzzUnit(insns: [FuzzInsn(word: w, fixup: .branch14(t))], label: "\(op)")
        case .bCond:
            return FuzzUnit(insns: [FuzzInsn(word: w, fixup: .branch19(t))], label: "b.cond")
        default:
            // BR/BLR/RET Xn, Xn set by an ADR to the target just before.
            var n = dest()
            if n == 31 || (op == .ret && rng.chance(0.7)) { n = 30 }
            w = FuzzGenerator.set(w, 5, 5, n)
            let adr = FuzzInsn(word: 0x1000_0000 | UInt32(n), fixup: .adr(t))
            return FuzzUnit(insns: [adr, FuzzInsn(word: w)], label: "\(op)")
        }
    }

    // MARK: - System, exceptions

    /// Registers MRS may read: all but the counters (they change with time).
    static let readableKeys: [UInt32] = SysRegTable.all
        .filter { !timeDependent($0.name) && $0.minEL <= 1 && $0.requiresEL <= 1 }
        .map { $0.key }
    /// Registers MSR may write: no SCTLR_EL1 (the MMU) or VBAR_EL1 (the vectors).
    static let writableKeys: [UInt32] = SysRegTable.all
        .filter { !["SCTLR_EL1", "VBAR_EL1"].contains($0.name) && !timeDependent($0.name) && !$0.name.hasPrefix("ID_")
            && !["MIDR_EL1", "MPIDR_EL1", "REVIDR_EL1", "CTR_EL0", "DCZID_EL0", "CurrentEL"].contains($0.name)
            && $0.minEL <= 1 && $0.requiresEL <= 1 }
        .map { $0.key }
    static let forbiddenWriteKeys: Set<UInt32> = Set(SysRegTable.all
        .filter { ["SCTLR_EL1", "VBAR_EL1", "SCTLR_EL2", "SCTLR_EL3", "VBAR_EL2", "VBAR_EL3"].contains($0.name) }.map { $0.key })
    static let counterKeys: Set<UInt32> = Set(SysRegTable.all
        .filter { timeDependent($0.name) }.map { $0.key })
    /// The counters and the timers (TVAL and ISTATUS follow the host clock; an
    /// enabled timer raises IRQs at host-timed moments).
    static func timeDependent(_ name: String) -> Bool {
        ["CNTPCT_EL0", "CNTVCT_EL0"].contains(name)
            || ["CNTP_", "CNTV_", "CNTHP_", "CNTPS_"].contains { name.hasPrefix($0) }
    }

    /// SYS operations that do nothing here (cache maintenance) or flush the TLB.
    /// op1<<11 | CRn<<7 | CRm<<3 | op2, as in bits 18:5.
    static let harmlessSys: [(op1: Int, crn: Int, crm: Int, op2: Int)] = [
        (0, 7, 1, 0), (0, 7, 5, 0), (3, 7, 5, 1), (0, 7, 6, 1), (0, 7, 6, 2), (3, 7, 10, 1), (0, 7, 10, 2),
        (3, 7, 11, 1), (3, 7, 14, 1), (0, 7, 14, 2), (3, 7, 12, 1),
        (0, 8, 7, 0), (0, 8, 7, 1), (0, 8, 7, 2), (0, 8, 7, 3), (0, 8, 3, 0), (0, 8, 3, 1),
    ]

    mutating func system(faulting: Bool) -> FuzzUnit {
        var u = systemUnit(faulting: faulting)
        if faulting { u.label += " fault" }
        return u
    }

    mutating func systemUnit(faulting: Bool) -> FuzzUnit {
        switch rng.below(faulting ? 5 : 7) {
        case 0:
            // MSR (immediate): SPSel, DAIFSet, DAIFClr (random fields when faulting).
            var w = fill(.msrImm)
            if !faulting {
                let (op1, op2) = rng.pick([(0, 5), (3, 6), (3, 7)])
                w = FuzzGenerator.set(w, 16, 3, op1)
                w = FuzzGenerator.set(w, 5, 3, op2)
            }
            if A64Decoder.decode(w) != .msrImm { return systemUnit(faulting: faulting) }
            return FuzzUnit(insns: [FuzzInsn(word: w)], label: "msr (imm)")
        case 1:
            // MRS.
            var w = fill(.mrs)
            if !faulting || rng.chance(0.5) { w = (w & ~(0xFFFF << 5)) | rng.pick(FuzzGenerator.readableKeys) << 5 }
            if FuzzGenerator.counterKeys.contains(w.sysRegKey) { return systemUnit(faulting: faulting) }
            w = FuzzGenerator.set(w, 0, 5, dest())
            return FuzzUnit(insns: [FuzzInsn(word: w)], label: "mrs")
        case 2:
            // MSR (register).
            var w = fill(.msrReg)
            if !faulting || rng.chance(0.5) { w = (w & ~(0xFFFF << 5)) | rng.pick(FuzzGenerator.writableKeys) << 5 }
            if FuzzGenerator.forbiddenWriteKeys.contains(w.sysRegKey) || FuzzGenerator.counterKeys.contains(w.sysRegKey) {
                return systemUnit(faulting: faulting)
            }
            w = FuzzGenerator.set(w, 0, 5, reg())
            return FuzzUnit(insns: [FuzzInsn(word: w)], label: "msr")
        case 3:
            // SYS (harmless operations; random ones when faulting), SYSL (UNDEFINED).
            if faulting && rng.chance(0.2) {
                return FuzzUnit(insns: [FuzzInsn(word: fill(.sysl))], label: "sysl")
            }
            var w = fill(.sys)
            if !faulting {
                let o = rng.pick(FuzzGenerator.harmlessSys)
                w = FuzzGenerator.set(w, 16, 3, o.op1)
                w = FuzzGenerator.set(w, 12, 4, o.crn)
                w = FuzzGenerator.set(w, 8, 4, o.crm)
                w = FuzzGenerator.set(w, 5, 3, o.op2)
            } else if w.field(16, 3) == 3 && w.field(12, 4) == 7 && w.field(8, 4) == 4 && w.field(5, 3) == 1 {
                return dcZeroVA()
            }
            return FuzzUnit(insns: [FuzzInsn(word: w)], label: "sys")
        case 4:
            // Hints (no WFE/WFI), barriers, CLREX, SB.
            let op = rng.pick([A64Op.hint, .hint, .clrex, .dsb, .dmb, .isb, .sb])
            var w = fill(op)
            if op == .hint && (w.field(5, 7) == 2 || w.field(5, 7) == 3) { w = FuzzGenerator.set(w, 5, 7, 0) }
            return FuzzUnit(insns: [FuzzInsn(word: w)], label: "\(op)")
        default:
            // Flag-setting and register moves through NZCV.
            var w = fill(.msrReg)
            let key = SysRegTable.all.first { $0.name == "NZCV" }!.key
            w = (w & ~(0xFFFF << 5)) | key << 5
            w = FuzzGenerator.set(w, 0, 5, reg())
            if rng.chance(0.5) {
                w = w | (1 << 21)   // MRS
                w = FuzzGenerator.set(w, 0, 5, dest())
            }
            return FuzzUnit(insns: [FuzzInsn(word: w)], label: "nzcv")
        }
    }

    /// DC ZVA: with the MMU off all data memory is Device, so it faults (alignment).
    mutating func dcZeroVA() -> FuzzUnit {
        let base = rng.chance(0.3) ? FuzzGenerator.baseRegister : freeRegister(avoid: [])
        let placed = address(base: base, immOffset: 0, bytes: 64, align: 1, fault: nil, avoid: [])
        let w: UInt32 = 0xD50B_7420 | UInt32(placed.base)
        return FuzzUnit(insns: (placed.setup + [w]).map { FuzzInsn(word: $0) }, label: "dc zva")
    }

    /// BR/BLR/RET to an address that is not code: unmapped (instruction
    /// abort), above the PA size, or misaligned (PC alignment fault).
    mutating func wildBranch() -> FuzzUnit {
        var targets: [UInt64] = [0x8000_0000, Snippet.ramBase + Snippet.ramSize, 0xFFFF_0000_0000_0000, 0x1_0000_0000_0000]
        targets += [1, 2, Snippet.codeBase + 2, Snippet.dataBase + 1, 0xFFFF_FFFF_FFFF_FFFF]
        var n = dest()
        if n == 31 { n = 30 }
        let op: UInt32 = rng.pick([0xD61F_0000, 0xD63F_0000, 0xD65F_0000])   // br, blr, ret
        let words = FuzzGenerator.materialize(n, rng.pick(targets)) + [op | UInt32(n) << 5]
        return FuzzUnit(insns: words.map { FuzzInsn(word: $0) }, label: "wild branch fault")
    }

    /// SVC/HVC/SMC/BRK/HLT (not #0xf000)/UDF: each ends the run in a vector.
    mutating func exceptionGenerating() -> FuzzUnit {
        let op = rng.pick([A64Op.svc, .hvc, .smc, .brk, .hlt, .udf])
        var w = fill(op)
        if op == .hlt && w.imm16 == 0xF000 { w ^= 1 << 5 }
        return FuzzUnit(insns: [FuzzInsn(word: w)], label: "\(op)")
    }
}
