import IR
import Machine

/// Scalar FP on SSE, exact to the Arm ARM or not taken. The op runs under an
/// MXCSR with the rounding mode from FPCR.RMode, all exceptions masked and
/// DAZ/FTZ clear; then MXCSR and the result decide:
/// - IE, DE or UE set (a NaN operand or invalid op, a denormal operand, a
///   tiny inexact result), or a result that is a NaN, a denormal or ±the
///   smallest normal (Arm detects tininess before rounding), or zero or
///   infinity with FPCR.FZ set: `jitFP`, the exact `FPReference`, computes
///   the result and the flags again;
/// - otherwise the result is Arm's (IEEE 754 with the same rounding), and the
///   only flags are DZC, OFC, IXC, which are MXCSR's ZE, OE, PE.
/// Compares run UCOMIS/COMIS: unordered or a denormal operand takes the helper.
///
/// MXCSR: the guest word (computed from FPCR once per block, again after a
/// helper call, in `StateLayout.hostMXCSR`) is loaded before the first FP op
/// of a run of FP and plain integer ops and the thread's own MXCSR (saved by
/// the trampoline next to it) is restored at the end of the run. Within a
/// run MXCSR's flags accumulate: an op may OR its predecessors' DZC/OFC/IXC
/// into FPSR again, which changes nothing; the helper path reloads the guest
/// word so its IE/DE/UE do not send later ops to the helper.
extension JITCompiler {
    static let guestMXCSRWord = Int32(StateLayout.hostMXCSR)
    static let hostMXCSRSaved = Int32(StateLayout.hostMXCSR + 4)
    /// MXCSR: exceptions masked, round to nearest, no DAZ/FTZ.
    static let mxcsrMasked: Int32 = 0x1F80
    /// MXCSR flags that send an op to the helper: IE, DE, UE.
    static let mxcsrSlowFlags: Int32 = 0x13

    /// Ops between two FP ops that keep the guest MXCSR loaded (no helper
    /// call, no exit).
    func keepsGuestMXCSR(_ inst: Inst) -> Bool {
        switch inst.op {
        case .fp, .nop, .const_, .bitcast, .getVec, .setVec, .vextract, .vinsert, .vdup, .vpack,
             .getReg, .setReg, .add, .sub, .mul, .and, .or, .xor, .shl, .lshr, .ashr, .ror,
             .not, .neg, .zext, .sext, .trunc:
            return true
        case .insnStart:
            return !instructionHasStore
        default:
            return false
        }
    }

    /// Before op `inst`: ends a run of FP ops when `inst` may leave it.
    func updateMXCSR(before inst: Inst) {
        if guestMXCSRLoaded && !keepsGuestMXCSR(inst) {
            a.ldmxcsr(Mem(.rbx, JITCompiler.hostMXCSRSaved))
            guestMXCSRLoaded = false
        }
        // A helper may write FPCR.
        if inst.op == .call { guestMXCSRComputed = false }
    }

    /// Loads the guest MXCSR (computing it from FPCR first in this block).
    private func enterGuestMXCSR() {
        if mxcsrSlot == nil { mxcsrSlot = freeSpills.popLast() }
        if !guestMXCSRComputed {
            // RC = FPCR.RMode with RP (01) and RM (10) swapped: x86 has RM = 01, RP = 10.
            a.load(.rax, Mem(.rbx, Int32(StateLayout.fpcr)), .d)
            a.shift(.shr, .rax, imm: 22, .d)
            a.alu(.and, .rax, imm: 3, .d)
            a.lea(.rcx, Mem(base: .rax, index: .rax, scale: 1), .d)
            a.shift(.shr, .rax, imm: 1, .d)
            a.alu(.or, .rax, .rcx, .d)
            a.alu(.and, .rax, imm: 3, .d)
            a.shift(.shl, .rax, imm: 13, .d)
            a.alu(.or, .rax, imm: JITCompiler.mxcsrMasked, .d)
            a.store(Mem(.rbx, JITCompiler.guestMXCSRWord), .rax, .d)
            guestMXCSRComputed = true
            guestMXCSRLoaded = false
        }
        if !guestMXCSRLoaded {
            a.ldmxcsr(Mem(.rbx, JITCompiler.guestMXCSRWord))
            guestMXCSRLoaded = true
        }
    }

    /// `fp` op `inst` on SSE; false (nothing emitted) when it has no fast path.
    func emitScalarFP(_ i: Int, _ inst: Inst) -> Bool {
        let code = FPOpcode(imm: inst.imm)
        let bits = type(inst.a).bits
        guard bits == 32 || bits == 64, code.rounding == nil else { return false }
        let double = bits == 64
        switch code.kind {
        case .abs, .neg:
            guard inst.type.bits == bits else { return false }
            let r = allocate(i, reusing: inst.a)
            move(inst.a, into: r)
            if double {
                if code.kind == .abs {
                    a.shift(.shl, r, imm: 1, .q)
                    a.shift(.shr, r, imm: 1, .q)
                } else {
                    a.mov(.rcx, imm: 1 << 63)
                    a.alu(.xor, r, .rcx, .q)
                }
            } else {
                a.alu(code.kind == .abs ? .and : .xor, r, imm: code.kind == .abs ? 0x7FFF_FFFF : Int32.min, .d)
            }
            return true
        case .add, .sub, .mul, .div, .nmul, .sqrt:
            guard inst.type.bits == bits else { return false }
        case .fma:
            guard inst.type.bits == bits, runtime.features.fma else { return false }
        case .cmp, .cmpe:
            emitFPCompare(i, inst, double: double, signalling: code.kind == .cmpe)
            return true
        default:
            return false
        }
        emitFPArithmetic(i, inst, code.kind, double: double)
        return true
    }

    private func emitFPArithmetic(_ i: Int, _ inst: Inst, _ kind: FPOpcode.Kind, double: Bool) {
        let s: OpSize = double ? .q : .d
        let x0 = JITCompiler.scratch0, x1 = JITCompiler.scratch1, x2 = JITCompiler.scratch2
        let r = allocate(i, reusing: inst.a)
        enterGuestMXCSR()
        let slot = mxcsrSlot!
        switch kind {
        case .sqrt:
            a.movq(x0, reg(inst.a, scratch: .rax), s)
            a.scalarFP(.sqrt, x0, x0, double: double)
        case .fma:                                   // c + a * b, rounded once
            a.movq(x0, reg(inst.c, scratch: .rax), s)
            a.movq(x1, reg(inst.a, scratch: .rax), s)
            a.movq(x2, reg(inst.b, scratch: .rax), s)
            a.vfmadd231s(x0, x1, x2, double: double)
        default:
            let op: ScalarFPOp = [.add: .add, .sub: .sub, .mul: .mul, .nmul: .mul, .div: .div][kind]!
            a.movq(x0, reg(inst.a, scratch: .rax), s)
            a.movq(x1, reg(inst.b, scratch: .rax), s)
            a.scalarFP(op, x0, x1, double: double)
        }
        a.stmxcsr(Mem(.rbx, slot))
        a.movq(.rax, x0, s)
        let slow = a.newLabel(), special = a.newLabel(), back = a.newLabel(), join = a.newLabel()
        a.test(Mem(.rbx, slot), imm: JITCompiler.mxcsrSlowFlags, .d)
        a.jcc(.ne, slow)
        // Biased exponent 0, 1 or all ones: zero, denormal, smallest normal, infinity, NaN.
        a.mov(.rcx, .rax, s)
        a.shift(.shr, .rcx, imm: double ? 52 : 23, s)
        a.alu(.and, .rcx, imm: double ? 0x7FF : 0xFF, .d)
        a.alu(.sub, .rcx, imm: 2, .d)
        a.alu(.cmp, .rcx, imm: double ? 0x7FD : 0xFD, .d)
        a.jcc(.ae, special)
        a.bind(back)
        // FPSR.DZC, OFC, IXC = MXCSR.ZE, OE, PE (bits 2, 3, 5), one bit lower.
        a.load(.rcx, Mem(.rbx, slot), .d)
        a.shift(.shr, .rcx, imm: 1, .d)
        a.alu(.and, .rcx, imm: 0x16, .d)
        a.alu(.or, Mem(.rbx, Int32(StateLayout.fpsr)), .rcx, .q)
        if kind == .nmul {                            // FPNeg(FPMul(a, b))
            if double {
                a.mov(.rcx, imm: 1 << 63)
                a.alu(.xor, .rax, .rcx, .q)
            } else {
                a.alu(.xor, .rax, imm: Int32.min, .d)
            }
        }
        a.bind(join)
        a.mov(r, .rax, .q)
        let save = liveCallerSaved(after: i, excluding: i), call = fpHelperCall(inst)
        stubs.append { [self] in
            // Zero and infinity are exact as SSE gives them (the rest is the
            // helper's), but not with FZ: x86 reports no DE for a denormal
            // operand when a special operand decides the result (denormal / 0,
            // denormal * inf), where Arm flushes it (0 / 0 is invalid) and sets IDC.
            a.bind(special)
            a.test(Mem(.rbx, Int32(StateLayout.fpcr)), imm: Int32(FPBits.fz), .d)
            a.jcc(.ne, slow)
            a.mov(.rcx, .rax, s)
            a.alu(.add, .rcx, .rcx, s)                // drops the sign
            a.jcc(.e, back)
            if double {
                a.mov(.rdx, imm: 0xFFE0_0000_0000_0000)
                a.alu(.cmp, .rcx, .rdx, .q)
            } else {
                a.alu(.cmp, .rcx, imm: Int32(bitPattern: 0xFF00_0000), .d)
            }
            a.jcc(.e, back)
            a.bind(slow)
            emitFPHelper(call, save: save)
            a.ldmxcsr(Mem(.rbx, JITCompiler.guestMXCSRWord))   // clears the flags of the SSE attempt
            a.jmp(join)
        }
    }

    /// FCMP/FCMPE: NZCV = 0110 equal, 1000 less, 0010 greater (unordered: helper).
    private func emitFPCompare(_ i: Int, _ inst: Inst, double: Bool, signalling: Bool) {
        let s: OpSize = double ? .q : .d
        let x0 = JITCompiler.scratch0, x1 = JITCompiler.scratch1
        let r = allocate(i, reusing: inst.a)
        enterGuestMXCSR()
        let slot = mxcsrSlot!
        a.movq(x0, reg(inst.a, scratch: .rax), s)
        a.movq(x1, reg(inst.b, scratch: .rax), s)
        a.ucomis(x0, x1, double: double, signalling: signalling)
        let slow = a.newLabel(), join = a.newLabel()
        a.jcc(.p, slow)
        a.mov(.rax, imm: 0x2000_0000)
        a.mov(.rcx, imm: 0x6000_0000)
        a.cmov(.e, .rax, .rcx, .d)
        a.mov(.rcx, imm: 0x8000_0000)
        a.cmov(.b, .rax, .rcx, .d)
        a.stmxcsr(Mem(.rbx, slot))
        a.test(Mem(.rbx, slot), imm: 2, .d)           // DE: a denormal operand (FZ decides)
        a.jcc(.ne, slow)
        a.bind(join)
        a.mov(r, .rax, .q)
        let save = liveCallerSaved(after: i, excluding: i), call = fpHelperCall(inst)
        stubs.append { [self] in
            a.bind(slow)
            emitFPHelper(call, save: save)
            a.ldmxcsr(Mem(.rbx, JITCompiler.guestMXCSRWord))
            a.jmp(join)
        }
    }
}
