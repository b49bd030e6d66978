import A64
import IR

/// Exception generation, hints, and system register / system instruction access.
extension LiftState {
    /// SVC and BRK always leave through their exception. HVC and SMC may instead
    /// be firmware calls (PSCI) that return, and HLT #0xF000 is semihosting when
    /// enabled (otherwise UNDEFINED): the helper decides, and when it took no
    /// exception execution goes on at the next instruction.
    mutating func liftExceptionGeneration(_ w: UInt32) {
        let imm = b.const_(UInt64(w.imm16))
        switch A64Decoder.decode(w) {
        case .svc: b.call(.svc, [imm])
        case .hvc: b.call(.hvc, [imm])
        case .smc: b.call(.smc, [imm])
        case .brk: b.call(.brk, [imm])
        default: b.call(.hlt, [imm])
        }
        b.exitJump(pc &+ 4)
    }

    /// NOP, YIELD and unallocated hints do nothing; WFI and WFE go to the
    /// engine, which may idle, and end the block (an interrupt that woke them
    /// is taken after them); SEV and SEVL set the event register.
    mutating func liftHint(_ w: UInt32) {
        if liftPAuthHint(w.field(5, 7)) { return }   // PACIASP, AUTIASP, XPACLRI... (PointerAuth.swift)
        let n = UInt64(w.field(5, 7))
        if n == 2 || n == 3 {   // WFE, WFI
            b.call(.hint, [b.const_(n)])
            b.exitJump(pc &+ 4)
        } else if n == 4 || n == 5 {   // SEV, SEVL
            b.call(.hint, [b.const_(n)])
        }
    }

    /// MSR (immediate) may change PSTATE (DAIF, SPSel, PAN, ...): end the block.
    mutating func liftMSRImmediate(_ w: UInt32) {
        let field = SystemOperand(op1: UInt64(w.field(16, 3)), crn: 4, crm: UInt64(w.field(8, 4)), op2: UInt64(w.field(5, 3)))
        b.call(.msrImmediate, [b.const_(field.packed)])
        b.exitJump(pc &+ 4)
    }

    /// MRS/MSR of FPCR and FPSR are FP/SIMD instructions for the traps.
    static func isFPSysReg(_ key: UInt32) -> Bool { key == 0xDA20 || key == 0xDA21 }

    mutating func liftMRS(_ w: UInt32) {
        if LiftState.isFPSysReg(w.sysRegKey) && !fpEnabled() { return }
        if LiftState.isRandomRegister(w.sysRegKey) && ctx.features.contains(.rng) { return liftRandom(w) }
        let v = b.call(.mrs, [b.const_(SysRegOperand(key: w.sysRegKey, rt: w.rt).packed)])
        setReg(w.rt, v)
    }

    /// MSR (register) may change translation or PSTATE: end the block,
    /// unless the register is one that changes nothing a block depends on
    /// (`MSRBlockRule.keepsBlock`). A trapped one still leaves through its exception.
    mutating func liftMSRRegister(_ w: UInt32) {
        if LiftState.isFPSysReg(w.sysRegKey) && !fpEnabled() { return }
        b.call(.msr, [b.const_(SysRegOperand(key: w.sysRegKey, rt: w.rt).packed), x(w.rt)])
        if !MSRBlockRule.keepsBlock(w.sysRegKey) { b.exitJump(pc &+ 4) }
    }
}

extension LiftState {
    /// SYS: DC ZVA writes memory; the other DC operations (by VA, by
    /// set/way) change neither translation nor code, so the block goes on
    /// after their helper; IC, AT and TLBI go to the helper and end the
    /// block (they may change translation or code).
    mutating func liftSys(_ w: UInt32) {
        let op1 = w.field(16, 3), crn = w.field(12, 4), crm = w.field(8, 4), op2 = w.field(5, 3)
        if op1 == 3 && crn == 7 && crm == 4 && op2 == 1 {
            b.call(.dcZeroVA, [x(w.rt), b.const_(UInt64(w.rt))])   // Rt for a trap's syndrome
            return
        }
        let operand = SystemOperand(op1: UInt64(op1), crn: UInt64(crn), crm: UInt64(crm), op2: UInt64(op2))
        if LiftState.isDataCacheMaintenance(op1: op1, crn: crn, crm: crm) {
            b.call(.dataCacheMaintenance, [b.const_(operand.packed), x(w.rt), b.const_(UInt64(w.rt))])
            return
        }
        b.call(.sys, [b.const_(operand.packed), x(w.rt), b.const_(UInt64(w.rt))])
        b.exitJump(pc &+ 4)
    }

    /// The SYS encodings of data cache maintenance by VA to a point of
    /// coherence, unification or persistence, and by set/way (Arm ARM C5.3:
    /// DC IVAC/ISW/CSW/CISW at op1 0; DC CVAC/CVAU/CVAP/CVADP/CIVAC at op1 3;
    /// CRn 7, CRm 6, 10-14), not the by-PA forms of EL2 and EL3 (op1 4, 6).
    static func isDataCacheMaintenance(op1: Int, crn: Int, crm: Int) -> Bool {
        crn == 7 && (op1 == 0 || op1 == 3) && (crm == 6 || (10...14).contains(crm))
    }
}

/// Which MSRs (register) end their block.
public enum MSRBlockRule {
    /// The encodings whose MSR changes nothing a translated block depends on
    /// (the translation regime, PSTATE, the FP/SIMD traps, registers the IR
    /// forwards such as SP_EL0 and NZCV), at every EL and under FEAT_VHE's
    /// redirections: thread IDs, exception and fault records, vector bases,
    /// CONTEXTIDR, CSSELR, the generic timers and their controls, the GIC's
    /// CPU interface and list registers. When a write may have made an
    /// interrupt pending the MSR helper leaves the block after it all the same.
    public static func keepsBlock(_ key: UInt32) -> Bool {
        let op0 = key >> 14, op1 = (key >> 11) & 7, crn = (key >> 7) & 0xF, crm = (key >> 3) & 0xF, op2 = key & 7
        guard op0 == 3 else { return false }
        switch (crn, crm) {
        case (4, 0): return (op1 == 0 || op1 == 4 || op1 == 5) && op2 <= 1     // SPSR_ELx, ELR_ELx (EL12)
        case (5, 1), (5, 2): return op1 == 0 || op1 == 4 || op1 == 5            // AFSR0/1, ESR
        case (6, 0): return (op1 == 0 || op1 == 4 || op1 == 5) && op2 == 0      // FAR
            || op1 == 4 && op2 == 4                                             // HPFAR_EL2
        case (7, 4): return op1 == 0 && op2 == 0                                // PAR_EL1
        case (12, 0): return (op1 == 0 || op1 == 4 || op1 == 5) && op2 == 0     // VBAR
        case (13, 0):
            return (op1 == 0 || op1 == 4 || op1 == 5) && op2 == 1               // CONTEXTIDR
                || op1 == 3 && (op2 == 2 || op2 == 3)                           // TPIDR_EL0, TPIDRRO_EL0
                || op1 == 0 && op2 == 4 || op1 == 4 && op2 == 2                 // TPIDR_EL1, TPIDR_EL2
        case (0, 0): return op1 == 2 && op2 == 0                                // CSSELR_EL1
        case (14, 0): return op1 == 4 && op2 == 3                               // CNTVOFF_EL2
        case (14, 1): return (op1 == 0 || op1 == 4 || op1 == 5) && op2 == 0     // CNTKCTL, CNTHCTL
        case (14, 2), (14, 3): return (op1 == 3 || op1 == 4 || op1 == 5) && op2 <= 2   // CNTP/CNTV(_EL02), CNTHP/CNTHV
        case (4, 6): return op1 == 0 && op2 == 0                                // ICC_PMR_EL1
        case (12, 8), (12, 11), (12, 12):
            return op1 == 0                                                     // ICC_EOIR0/1, DIR, SGIxR, BPR1, CTLR, IGRPEN1...
                || op1 == 4 && (crm == 11 ? op2 == 0 || op2 == 7 : true)        // ICH_AP0R, ICH_HCR, ICH_VMCR, ICH_LR0-7
        case (12, 9), (12, 13): return op1 == 4                                 // ICH_AP1R, ICH_LR8-15
        default: return false
        }
    }
}
