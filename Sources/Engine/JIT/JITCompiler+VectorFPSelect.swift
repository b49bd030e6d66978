import IR
import Machine

/// AdvSIMD FP compares, FMIN/FMAX/FMINNM/FMAXNM, FADDP and the 32-bit
/// SCVTF/FCVTZS on packed SSE (32- and 64-bit lanes; vector, 2S and scalar
/// shapes), exact to the Arm ARM or redone by `jitVectorOp`:
///  - compares (FCMEQ/FCMGE/FCMGT, FACGE/FACGT on magnitudes): CMPPS/CMPPD
///    with ordered predicates (a >= b as b <= a); a NaN in a used lane of
///    either operand (IOC: FCMEQ for signalling NaNs only, the others for
///    every NaN) or FPCR.FZ (flushing denormal operands, IDC) goes to the
///    helper. No other flags: denormal operands compare as they are.
///  - FMIN/FMAX/FMINNM/FMAXNM: without NaN lanes they agree; MINPS/MAXPS
///    give the second operand for ±0 pairs, so both orders run and are OR-ed
///    (min: -0) or AND-ed (max: +0). Results are operands: no flags. NaN
///    lanes or FZ: the helper.
///  - FADDP: HADDPS/HADDPD under the guest MXCSR (the vector form is exactly
///    their lane order; 2S and scalar forms add copies with zero upper lanes
///    and gather the sums); special result lanes as FADD's
///    (JITCompiler+VectorFP.swift) go to the helper, zero lanes are exact.
///  - SCVTF (4S, 2S, S; FPCR's rounding): CVTDQ2PS under the guest MXCSR
///    (inexact: PE), fraction bits scaling by 2^-fbits exactly.
///  - FCVTZS (4S, 2S, S; no fraction bits): CVTTPS2DQ under the guest MXCSR;
///    a lane out of range or NaN gives 0x80000000 and raises no PE (invalid
///    only), and sends the op to the helper: the PE of the other lanes is the
///    IXC Arm sets for them too. FZ: the helper.
extension JITCompiler {
    /// Emits the op and returns true, or emits nothing and returns false.
    func emitVectorFPSelect(_ i: Int, _ inst: Inst, _ code: VectorOpcode, _ op: VectorFPOp) -> Bool {
        let shape = code.param & 3
        let rounding = (code.param >> 2) & 7
        guard shape < 3, code.param >> 5 == 0 else { return false }
        let double = code.laneBits == 64
        switch op {
        case .cmeq, .cmge, .cmgt, .acge, .acgt:
            guard rounding == 0, !inst.b.isNone else { return false }
            emitVectorFPCompare(i, inst, op, double: double, shape: shape)
        case .max, .min, .maxnm, .minnm:
            guard rounding == 0, !inst.b.isNone else { return false }
            emitVectorFPMinMax(i, inst, op, double: double, shape: shape)
        case .addp:
            guard rounding == 0, shape == 2 || !inst.b.isNone, !(double && shape == 1) else { return false }
            emitVectorFPAddPairwise(i, inst, double: double, shape: shape)
        case .fromIntS:
            guard !double, rounding == 0, code.param2 <= 32 else { return false }
            emitVectorIntToFP(i, inst, shape: shape, fbits: code.param2)
        case .toIntS:
            guard !double, rounding == Int(FPRounding.zero.rawValue) + 1, code.param2 == 0 else { return false }
            emitVectorFPToInt(i, inst, shape: shape)
        default:
            return false
        }
        return true
    }

    /// Zeroes the lanes of `x` a shape does not compute (1: bits 127:64,
    /// 2: all but lane 0).
    func keepShapeLanes(_ x: XReg, shape: Int, double: Bool) {
        if shape == 1 || (shape == 2 && double) {
            a.movq(x, x)
        } else if shape == 2 {
            a.shift(.pslldq, x, imm: 12)
            a.shift(.psrldq, x, imm: 12)
        }
    }

    /// Jumps to `slow` when a lane the shape computes is a NaN in `x` or `y` (clobbers `t`).
    private func jumpIfNaNLane(_ x: XReg, _ y: XReg, _ slow: Label, temp t: XReg, double: Bool, shape: Int) {
        copyXMM(t, x)
        a.cmpFP(t, y, predicate: 3, double: double)   // unordered
        keepShapeLanes(t, shape: shape, double: double)
        a.packed(.ptest, t, t)
        a.jcc(.ne, slow)
    }

    /// The helper for the op, out of line at `slow`, its result into `r`, then back to `join`.
    private func vectorFPHelperStub(_ i: Int, _ inst: Inst, xa: XReg, xb: XReg?, r: XReg, slow: Label, join: Label) {
        let save = liveCallerSaved(after: i, excluding: i), pc = currentPC, imm = inst.imm
        stubs.append { [self] in
            a.bind(slow)
            emitVectorHelperCall(imm, a: xa, b: xb, c: nil, result: r, save: save, pc: pc)
            a.jmp(join)
        }
    }

    private func emitVectorFPCompare(_ i: Int, _ inst: Inst, _ op: VectorFPOp, double: Bool, shape: Int) {
        let x0 = JITCompiler.scratch0, x1 = JITCompiler.scratch1, x2 = JITCompiler.scratch2
        let slow = a.newLabel(), join = a.newLabel()
        let xa = xmmOperand(inst.a, at: i), xb = xmmOperand(inst.b, at: i)
        let r = allocateXMM(i)                       // the operands stay for the helper
        jumpIfFlushToZero(slow)
        var fa = xa, fb = xb
        if op == .acge || op == .acgt {
            a.packed(.pcmpeqd, x2, x2)
            a.shift(double ? .psrlq : .psrld, x2, imm: 1)
            copyXMM(x0, xa)
            a.packed(.pand, x0, x2)
            copyXMM(x1, xb)
            a.packed(.pand, x1, x2)
            (fa, fb) = (x0, x1)
        }
        jumpIfNaNLane(fa, fb, slow, temp: x2, double: double, shape: shape)
        switch op {
        case .cmeq:
            copyXMM(r, fa)
            a.cmpFP(r, fb, predicate: 0, double: double)          // EQ_OQ
        case .cmge, .acge:
            copyXMM(r, fb)
            a.cmpFP(r, fa, predicate: 2, double: double)          // b <= a (LE_OS)
        default:
            copyXMM(r, fb)
            a.cmpFP(r, fa, predicate: 1, double: double)          // b < a (LT_OS)
        }
        keepShapeLanes(r, shape: shape, double: double)
        a.bind(join)
        vectorFPHelperStub(i, inst, xa: xa, xb: xb, r: r, slow: slow, join: join)
    }

    private func emitVectorFPMinMax(_ i: Int, _ inst: Inst, _ op: VectorFPOp, double: Bool, shape: Int) {
        let x0 = JITCompiler.scratch0
        let slow = a.newLabel(), join = a.newLabel()
        let xa = xmmOperand(inst.a, at: i), xb = xmmOperand(inst.b, at: i)
        let r = allocateXMM(i)
        jumpIfFlushToZero(slow)
        jumpIfNaNLane(xa, xb, slow, temp: x0, double: double, shape: shape)
        let isMax = op == .max || op == .maxnm
        copyXMM(x0, xb)
        a.packedFP(isMax ? .max : .min, x0, xa, double: double)  // b op a
        copyXMM(r, xa)
        a.packedFP(isMax ? .max : .min, r, xb, double: double)   // a op b
        a.packed(isMax ? .pand : .por, r, x0)
        keepShapeLanes(r, shape: shape, double: double)
        a.bind(join)
        vectorFPHelperStub(i, inst, xa: xa, xb: xb, r: r, slow: slow, join: join)
    }

    private func emitVectorFPAddPairwise(_ i: Int, _ inst: Inst, double: Bool, shape: Int) {
        let x0 = JITCompiler.scratch0, x1 = JITCompiler.scratch1, x2 = JITCompiler.scratch2
        let slow = a.newLabel(), special = a.newLabel(), back = a.newLabel(), join = a.newLabel()
        let xa = xmmOperand(inst.a, at: i)
        let xb = inst.b.isNone ? nil : xmmOperand(inst.b, at: i)
        let r = allocateXMM(i)
        enterGuestMXCSR()                            // on every path: later ops count on it
        jumpIfFlushToZero(slow)
        switch shape {
        case 0:
            copyXMM(r, xa)
            a.haddFP(r, xb!, double: double)
        case 1:                                      // 2S: [a0 + a1, b0 + b1]
            a.movq(r, xa)
            a.movq(x1, xb!)
            a.haddFP(r, x1, double: double)          // [a0 + a1, 0, b0 + b1, 0]
            a.pshufd(r, r, 0x08)
            a.movq(r, r)
        default:                                     // scalar: a0 + a1
            if double {
                copyXMM(r, xa)
                a.haddFP(r, r, double: true)
            } else {
                a.movq(r, xa)
                a.haddFP(r, r, double: false)
            }
            a.movq(r, r)
        }
        emitSpecialLaneMask(x0, of: r, double: double, half: false, temps: (x1, x2))
        a.packed(.ptest, x0, x0)
        a.jcc(.ne, special)
        a.bind(back)
        a.bind(join)
        let save = liveCallerSaved(after: i, excluding: i), pc = currentPC, imm = inst.imm
        stubs.append { [self] in
            // Zero lanes (sums, and the lanes the shape does not compute) are exact.
            a.bind(special)
            copyXMM(x1, r)
            a.shift(double ? .psllq : .pslld, x1, imm: 1)   // the sign dropped
            a.packed(.pxor, x2, x2)
            a.packed(double ? .pcmpeqq : .pcmpeqd, x1, x2)   // zero lanes
            a.packed(.pandn, x1, x0)                          // special and not zero
            a.packed(.ptest, x1, x1)
            a.jcc(.e, back)
            a.bind(slow)
            emitVectorHelperCall(imm, a: xa, b: xb, c: nil, result: r, save: save, pc: pc)
            a.jmp(join)
        }
    }

    private func emitVectorIntToFP(_ i: Int, _ inst: Inst, shape: Int, fbits: Int) {
        let x1 = JITCompiler.scratch1
        let xa = xmmOperand(inst.a, at: i)
        let r = allocateXMM(i, reusing: inst.a)
        enterGuestMXCSR()
        if shape == 0 { copyXMM(r, xa) } else { a.movq(r, xa) }
        if shape == 2 { keepShapeLanes(r, shape: 2, double: false) }
        a.cvtdq2ps(r, r)
        if fbits != 0 {
            a.mov(.rcx, imm: UInt64((Float(1) / Float(sign: .plus, exponent: fbits, significand: 1)).bitPattern))
            a.movq(x1, .rcx, .d)
            a.pshufd(x1, x1, 0)
            a.packedFP(.mul, r, x1, double: false)
        }
    }

    private func emitVectorFPToInt(_ i: Int, _ inst: Inst, shape: Int) {
        let x0 = JITCompiler.scratch0
        let slow = a.newLabel(), join = a.newLabel()
        let xa = xmmOperand(inst.a, at: i)
        let r = allocateXMM(i)
        enterGuestMXCSR()                            // on every path: later ops count on it
        jumpIfFlushToZero(slow)
        if shape == 0 { copyXMM(r, xa) } else { a.movq(r, xa) }
        if shape == 2 { keepShapeLanes(r, shape: 2, double: false) }
        a.cvttps2dq(r, r)
        a.packed(.pcmpeqd, x0, x0)
        a.shift(.pslld, x0, imm: 31)                 // 0x80000000 lanes
        a.packed(.pcmpeqd, x0, r)
        a.packed(.ptest, x0, x0)
        a.jcc(.ne, slow)
        a.bind(join)
        vectorFPHelperStub(i, inst, xa: xa, xb: nil, r: r, slow: slow, join: join)
    }
}
