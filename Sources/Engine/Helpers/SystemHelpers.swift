import Glibc
import IR
import Lift
import Machine
import Synchronization

// Helpers for system instructions and exception generation. Each reads the PC
// of the instruction it runs for from `cpu.faultPC` (stored by the engine).

/// MRS/MSR: the first argument is a `SysRegOperand` (IR/HelperOperands.swift).
let helperMRS: HelperFunction = { state, packed, _, _ in
    let cpu = CPU.from(state: state)
    let op = SysRegOperand(packed: packed), key = op.key
    if let v = cpu.readSysReg(key: key) { return v }
    if cpu.takeSysRegTrap(key: key, rt: op.rt, read: true) { return 0 }   // e.g. MECID_*_EL2 with SCR_EL3.MECEn = 0
    cpu.logUndefinedSystemInstruction(sysRegKey: key)
    cpu.raiseUndefined(at: cpu.faultPC)
    return 0
}

let helperMSR: HelperFunction = { state, packed, value, _ in
    let cpu = CPU.from(state: state)
    let op = SysRegOperand(packed: packed), key = op.key
    if !cpu.writeSysReg(key: key, value: value) {
        if cpu.takeSysRegTrap(key: key, rt: op.rt, read: false) { return 0 }
        cpu.logUndefinedSystemInstruction(sysRegKey: key)
        cpu.raiseUndefined(at: cpu.faultPC)
    } else if MSRBlockRule.keepsBlock(key) && cpu.interruptCheckRequested {
        // The block would go on after this MSR (Lift/System.swift), but an
        // interrupt may be pending now (a timer's or the GIC's register):
        // leave it, as a taken exception does, so the interrupt is taken
        // right after the MSR, as after an MSR that ends its block.
        cpu.pc = cpu.faultPC &+ 4
        cpu.exceptionTaken = true
    }
    return 0
}

/// MSR (immediate): a `SystemOperand`; op1 and op2 name the PSTATE field,
/// CRm holds the value (Arm ARM C5.1.3, PSTATE fields).
let helperMSRImmediate: HelperFunction = { state, packed, _, _ in
    let cpu = CPU.from(state: state)
    let field = SystemOperand(packed: packed)
    let op1 = field.op1, crm = field.crm, op2 = field.op2
    switch (op1, op2) {
    case (0, 5) where cpu.el >= 1:                     // SPSel
        cpu.spSel = crm & 1
    case (0, 4) where cpu.el >= 1 && cpu.config.hasPAN:   // PAN (FEAT_PAN)
        cpu.pstateMisc = cpu.pstateMisc & ~CPU.pstatePAN | (crm & 1 == 1 ? CPU.pstatePAN : 0)
    case (3, 2) where cpu.config.hasDIT:                 // DIT (FEAT_DIT), at every EL
        cpu.pstateMisc = cpu.pstateMisc & ~CPU.pstateDIT | (crm & 1 == 1 ? CPU.pstateDIT : 0)
    case (3, 6) where cpu.el >= 1 || userMaskAccess(cpu):   // DAIFSet
        cpu.daif = cpu.daif | (crm << 6)
    case (3, 7) where cpu.el >= 1 || userMaskAccess(cpu):   // DAIFClr
        cpu.daif = cpu.daif & ~(crm << 6)
        cpu.interruptControlsChanged()
    default:
        cpu.logUndefinedSystemInstruction()
        cpu.raiseUndefined(at: cpu.faultPC)
    }
    return 0
}

/// SCTLR_EL1.UMA lets EL0 write DAIF.
func userMaskAccess(_ cpu: CPU) -> Bool {
    cpu.sysreg(SysRegTable.sctlr[1]) >> 9 & 1 == 1
}

/// SYS: a `SystemOperand`; b = Xt, c = Rt. Cache maintenance by VA and
/// set/way has nothing to do (caches are not modelled, and writes to code are
/// tracked per page); TLB invalidation empties the TLB; AT translates Xt into
/// PAR_EL1 (Machine's `addressTranslate`).
let helperSys: HelperFunction = { state, packed, xt, rt in
    let cpu = CPU.from(state: state)
    let operand = SystemOperand(packed: packed)
    let op1 = operand.op1, crn = operand.crn, crm = operand.crm, op2 = operand.op2
    let el0Allowed = op1 == 3
    if cpu.el == 0 && !el0Allowed { cpu.raiseUndefined(at: cpu.faultPC); return 0 }
    // SCTLR.UCI at EL0, HCR_EL2.TPCP/TPU/TSW/TTLB (SysRegs/SysRegTraps.swift).
    if cpu.takeSysInstructionTrap(op1: op1, crn: crn, crm: crm, op2: op2, rt: Int(rt)) { return 0 }
    switch (crn, crm) {
    case (7, 14) where op1 == 6:
        // DC CIPAPA, DC CIGDPAPA (FEAT_RME, EL3): by PA, nothing to do.
        if cpu.paCacheMaintenance(op2: op2) { return 0 }
    case (7, 14) where op1 == 4:
        // DC CIPAE, DC CIGDPAE (FEAT_MEC, Realm EL2 and EL3): nothing to do (MEC/MECRegisters.swift).
        if cpu.mecCacheMaintenance(op2: op2) { return 0 }
    case (7, 12), (7, 13):
        // DC CVAP, DC CVADP (FEAT_DPB, FEAT_DPB2): UNDEFINED without them.
        if cpu.config.isa.contains(.dpb) { return 0 }
    case (7, 5) where op1 == 3 && op2 == 1:
        // IC IVAU: stores to code are seen (AddressSpace.noteWrite); with
        // CPUs on threads the blocks translated from the line also go here,
        // for a store another CPU's TLB let through before its entry got the
        // code flag. A VA that does not translate is ignored (as QEMU).
        if cpu.system.threaded, case .success(let t) = cpu.walk(xt & ~63, .read) {
            cpu.system.memory.onCodeWrite?(t.pa, 64)
        }
        return 0
    case (7, 1) where op1 == 0 && op2 == 0, (7, 5) where op1 == 0 && op2 == 0:
        // IC IALLUIS, IC IALLU: as IC IVAU, for every line (all translated
        // code goes, complete before this CPU's next block).
        if cpu.system.threaded { cpu.system.memory.onInvalidateAllCode?() }
        return 0
    case (7, 1), (7, 5), (7, 6), (7, 10), (7, 11), (7, 14):
        // DC IVAC/ISW/CVAC/CSW/CVAU/CIVAC/CISW.
        return 0
    case (7, 8):
        if let op = AddressTranslationOp(op1: op1, crm: crm, op2: op2),
           cpu.addressTranslate(op: op, va: xt) { return 0 }
    case (8, _):
        // TLBI: exactly what the operation names (TLBMaintenance.swift).
        if cpu.tlbInvalidate(op1: op1, crm: crm, op2: op2, xt: xt) { return 0 }
    default:
        break
    }
    cpu.logUndefinedSystemInstruction()
    cpu.raiseUndefined(at: cpu.faultPC)
    return 0
}

/// DC by VA or set/way (`LiftState.isDataCacheMaintenance`): the same
/// rules as through SYS (EL0's SCTLR.UCI, HCR_EL2.TPCP/TPU/TSW traps, the
/// features DC CVAP/CVADP need) and nothing else to do, but the block goes
/// on after it (KVM cleans each page it maps into a guest line by line).
let helperDataCacheMaintenance: HelperFunction = { state, packed, xt, rt in
    helperSys(state, packed, xt, rt)
}

/// The exception-generating instructions with a 16-bit immediate (C6.2
/// SVC, HVC, SMC, BRK): the helper's argument is the immediate.
private enum ExceptionInstruction { case svc, hvc, smc, brk }

private func generateException(_ instruction: ExceptionInstruction, _ state: UnsafeMutableRawPointer, imm16: UInt64) -> UInt64 {
    let cpu = CPU.from(state: state)
    switch instruction {
    case .svc: cpu.raiseSVC(imm16: imm16, at: cpu.faultPC)
    case .hvc: cpu.raiseHVC(imm16: imm16, at: cpu.faultPC)
    case .smc: cpu.raiseSMC(imm16: imm16, at: cpu.faultPC)
    case .brk: cpu.raiseBRK(imm16: imm16, at: cpu.faultPC)
    }
    return 0
}

let helperSVC: HelperFunction = { state, imm, _, _ in generateException(.svc, state, imm16: imm) }
let helperHVC: HelperFunction = { state, imm, _, _ in generateException(.hvc, state, imm16: imm) }
let helperSMC: HelperFunction = { state, imm, _, _ in generateException(.smc, state, imm16: imm) }
let helperBRK: HelperFunction = { state, imm, _, _ in generateException(.brk, state, imm16: imm) }

/// HLT #0xF000 is the A64 semihosting call when semihosting is enabled;
/// otherwise HLT is UNDEFINED (halting debug is not enabled).
let helperHLT: HelperFunction = { state, imm, _, _ in
    let cpu = CPU.from(state: state)
    if imm == 0xF000, let handler = cpu.system.semihosting {
        cpu.setX(0, cpu.system.withDeviceLock { handler.semihostingCall(cpu: cpu) })
    } else {
        cpu.raiseUndefined(at: cpu.faultPC)
    }
    return 0
}

let helperUndefined: HelperFunction = { state, _, _, _ in
    let cpu = CPU.from(state: state)
    cpu.raiseUndefined(at: cpu.faultPC)
    return 0
}

let helperERET: HelperFunction = { state, _, _, _ in
    let cpu = CPU.from(state: state)
    if cpu.el == 0 { cpu.raiseUndefined(at: cpu.faultPC) } else { cpu.exceptionReturn() }
    return 0
}

/// WFI (3) and WFE (2) may idle the host thread until a timer deadline or an
/// interrupt (InterruptService.swift); SEV (4) sets every PE's event register, SEVL
/// (5) the local one.
let helperHint: HelperFunction = { state, hint, _, _ in
    let cpu = CPU.from(state: state)
    switch hint {
    case 2: cpu.executeWFE(at: cpu.faultPC)
    case 3: cpu.executeWFI(at: cpu.faultPC)
    case 4: cpu.sendEventToAll()
    case 5: cpu.sendEvent()
    default: break
    }
    return 0
}

/// A full DMB/DSB (the interpreter's; the JIT emits the fence inline): with
/// CPUs on host threads, earlier stores are visible to every CPU before later
/// loads (the one order x86-64 does not keep by itself, Arm ARM B2.3.12).
let helperBarrier: HelperFunction = { state, _, _, _ in
    if CPU.from(state: state).system.threaded { atomicMemoryFence(ordering: .sequentiallyConsistent) }
    return 0
}

let helperClearExclusive: HelperFunction = { state, _, _, _ in
    CPU.from(state: state).clearExclusiveMonitor()
    return 0
}

/// An FP/SIMD instruction translated while FP/SIMD was trapped (the block key
/// holds `LiftContext.fpTrapped`): takes the trap for it.
let helperFPAccessTrap: HelperFunction = { state, _, _, _ in
    let cpu = CPU.from(state: state)
    // Not trapped any more (cannot happen: the key changes with the controls):
    // run the instruction again, translated afresh.
    if !cpu.takeFPAccessTrap() { cpu.pc = cpu.faultPC }
    return 0
}
