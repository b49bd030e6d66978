import IR
import Machine

/// AdvSIMD FP on packed SSE (32- and 64-bit lanes), exact to the Arm ARM or
/// redone by `jitVectorOp` (`VectorSemantics`, the reference), with the
/// scalar path's rules (JITCompiler+FPScalar.swift) applied lane by lane:
///  - FABS/FNEG are bit operations (no FPCR, no flags: FPAbs/FPNeg);
///  - FADD/FSUB/FMUL/FDIV/FSQRT/FMLA/FMLS (FMA3) run under the guest MXCSR
///    (rounding from FPCR.RMode, exceptions masked, no DAZ/FTZ) unless
///    FPCR.FZ is set (then the helper: flushing and IDC/UFC are its). A lane
///    whose result has a biased exponent of 0, 1, max - 1 or max (zero,
///    denormal, ±smallest normal, overflow, infinity, NaN: Arm's NaN
///    selection and default NaN, tininess before rounding) sends the whole
///    op to the helper, except zero lanes of FADD/FSUB/FSQRT, which are exact
///    when no other lane is special. What remains can only be inexact:
///    MXCSR.PE, accumulated over the run of FP ops, is FPSR.IXC;
///  - the 64-bit (2S) forms compute on copies with zero upper lanes, so no
///    unused lane raises PE.
/// The helper path computes from the operands, still in their registers:
/// the SSE result goes to a register of its own.
extension JITCompiler {
    /// Emits the op and returns true, or emits nothing and returns false.
    func emitVectorFP(_ i: Int, _ inst: Inst, _ code: VectorOpcode) -> Bool {
        guard let op = VectorFPOp(rawValue: code.op), code.laneBits == 32 || code.laneBits == 64 else { return false }
        if emitVectorFPSelect(i, inst, code, op) { return true }
        let shape = code.param & 3
        guard shape < 2, code.param >> 2 == 0 else { return false }
        let double = code.laneBits == 64
        switch op {
        case .abs, .neg:
            emitFPSignOp(i, inst, abs: op == .abs, double: double, half: shape == 1)
            return true
        case .add, .sub, .mul, .div, .sqrt:
            break
        case .mla, .mls:
            guard runtime.features.fma else { return false }
        default:
            return false
        }
        emitFPArithmeticVector(i, inst, op, double: double, half: shape == 1)
        return true
    }

    /// FABS/FNEG: the sign bits cleared or flipped.
    private func emitFPSignOp(_ i: Int, _ inst: Inst, abs: Bool, double: Bool, half: Bool) {
        let t = JITCompiler.scratch0
        let xa = xmmOperand(inst.a, at: i)
        a.packed(.pcmpeqd, t, t)
        if abs {
            a.shift(double ? .psrlq : .psrld, t, imm: 1)
        } else {
            a.shift(double ? .psllq : .pslld, t, imm: double ? 63 : 31)
        }
        let r = allocateXMM(i, reusing: inst.a)
        copyXMM(r, xa)
        a.packed(abs ? .pand : .pxor, r, t)
        if half { a.movq(r, r) }
    }

    private func emitFPArithmeticVector(_ i: Int, _ inst: Inst, _ op: VectorFPOp, double: Bool, half: Bool) {
        let x0 = JITCompiler.scratch0, x1 = JITCompiler.scratch1, x2 = JITCompiler.scratch2
        let slow = a.newLabel(), special = a.newLabel(), back = a.newLabel()
        let xa = xmmOperand(inst.a, at: i)
        let xb = inst.b.isNone ? xa : xmmOperand(inst.b, at: i)
        let xc = inst.c.isNone ? xa : xmmOperand(inst.c, at: i)
        // A register of its own: the operands stay for the helper path.
        let r = allocateXMM(i)
        enterGuestMXCSR()                            // on every path: later ops count on it
        jumpIfFlushToZero(slow)
        // Operands with zero upper lanes (half) or as they are.
        func operand(_ x: XReg, _ scratch: XReg) -> XReg {
            guard half else { return x }
            a.movq(scratch, x)
            return scratch
        }
        switch op {
        case .mla, .mls:                             // c + (∓a) * b, rounded once
            if half { a.movq(r, xc) } else { copyXMM(r, xc) }
            let fa = operand(xa, x0), fb = operand(xb, x1)
            a.vfma231p(op == .mla ? .madd : .nmadd, r, fa, fb, double: double)
        case .sqrt:
            if half { a.movq(r, xa) } else { copyXMM(r, xa) }
            a.packedFP(.sqrt, r, r, double: double)
        default:
            let p: PackedFPOp = [.add: .add, .sub: .sub, .mul: .mul, .div: .div][op]!
            if half { a.movq(r, xa) } else { copyXMM(r, xa) }
            a.packedFP(p, r, operand(xb, x1), double: double)
        }
        // Special lanes: the top bits of the exponent (exponent >> 1) all 0 or all 1.
        emitSpecialLaneMask(x0, of: r, double: double, half: half, temps: (x1, x2))
        a.packed(.ptest, x0, x0)
        a.jcc(.ne, special)
        a.bind(back)
        if half { a.movq(r, r) }                     // 0 / 0 or -0 in the unused lanes
        let join = a.newLabel()
        a.bind(join)
        let save = liveCallerSaved(after: i, excluding: i), pc = currentPC
        let operands = (a: xa, b: inst.b.isNone ? nil : xb, c: inst.c.isNone ? nil : xc)
        stubs.append { [self] in
            a.bind(special)
            if op == .add || op == .sub || op == .sqrt {
                // Zero lanes are exact: back unless a special lane is not ±0.
                copyXMM(x1, r)
                a.shift(double ? .psllq : .pslld, x1, imm: 1)   // the sign dropped
                a.packed(.pxor, x2, x2)
                a.packed(double ? .pcmpeqq : .pcmpeqd, x1, x2)   // zero lanes
                if half { a.packed(.punpcklqdq, x1, x1) }
                a.packed(.pandn, x1, x0)                          // special and not zero
                a.packed(.ptest, x1, x1)
                a.jcc(.e, back)
            }
            a.bind(slow)
            emitVectorHelperCall(inst.imm, a: operands.a, b: operands.b, c: operands.c, result: r, save: save, pc: pc)
            a.jmp(join)
        }
    }

    /// mask = all-ones lanes of `x` whose biased exponent is 0, 1, max - 1 or
    /// max (lanes 0 and 1 of 128 bits only, repeated, when `half`).
    func emitSpecialLaneMask(_ mask: XReg, of x: XReg, double: Bool, half: Bool, temps: (XReg, XReg)) {
        let (t, ones) = temps
        let fraction: UInt8 = double ? 52 : 23
        if half { a.pshufd(t, x, 0x44) } else { copyXMM(t, x) }
        a.shift(double ? .psllq : .pslld, t, imm: 1)
        a.shift(double ? .psrlq : .psrld, t, imm: fraction + 2)   // exponent >> 1
        let eq: PackedOp = double ? .pcmpeqq : .pcmpeqd
        a.packed(.pcmpeqd, ones, ones)
        a.shift(double ? .psrlq : .psrld, ones, imm: fraction + 2)  // all ones in that field
        a.packed(eq, ones, t)
        a.packed(.pxor, mask, mask)
        a.packed(eq, mask, t)
        a.packed(.por, mask, ones)
    }

    /// `jitVectorOp` for the vop with `imm` on operands in registers (emitted
    /// out of line: `save` as at the op), its result into `result`.
    func emitVectorHelperCall(_ imm: UInt64, a xa: XReg, b xb: XReg?, c xc: XReg?, result: XReg, save: SaveSet, pc: UInt64) {
        let s = helperVectorSlots
        a.movdqu(Mem(.rbx, s.a), xa)
        if let xb { a.movdqu(Mem(.rbx, s.b), xb) }
        if let xc { a.movdqu(Mem(.rbx, s.c), xc) }
        let slots = UInt64(UInt16(s.a)) | UInt64(UInt16(s.b)) << 16 | UInt64(UInt16(s.c)) << 32 | UInt64(UInt16(s.result)) << 48
        emitHelperCall(runtime.vectorOp, args: [.constant(slots), .constant(imm), .constant(0)],
                       save: save, pc: pc, raiseCount: nil)
        a.movdqu(result, Mem(.rbx, s.result))
    }
}
