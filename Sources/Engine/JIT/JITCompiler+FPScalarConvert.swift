import IR
import Machine

/// Scalar FMIN/FMAX/FMINNM/FMAXNM and the conversions between integers and
/// FP (SCVTF/UCVTF, FCVT[NPMZ][SU]) on SSE, exact to the Arm ARM or redone
/// by `jitFP` (`FPReference`), in the MXCSR run of JITCompiler+FPScalar.swift:
///  - min/max: without NaN operands (UCOMIS unordered: the helper applies
///    Arm's NaN rules, FMINNM/FMAXNM's quiet-NaN rule among them) the four
///    ops pick the same operand; MINSS/MAXSS return their second operand for
///    ±0 pairs, so both operand orders run and their results are OR-ed (min:
///    -0) or AND-ed (max: +0). An operand is returned unrounded: no flags
///    (FPRound of an exact value). FPCR.FZ (flushing denormal inputs, IDC)
///    goes to the helper.
///  - int to FP: CVTSI2SS/SD under the guest MXCSR rounds as FPCR.RMode asks,
///    inexact is MXCSR.PE (FPSR.IXC), nothing else can happen (the smallest
///    non-zero result, 2^-64 with 64 fraction bits, is normal, so FZ does
///    not matter); fraction bits scale by 2^-fbits, exactly. A 64-bit
///    unsigned value with its top bit set goes to the helper.
///  - FP to int (fbits 0; rounding to zero, nearest-even, +inf or -inf): an
///    operand outside [-2^(N-1), 2^(N-1)) (signed; unsigned: [0, 2^N), and
///    [0, 2^63) for N = 64) or a NaN goes to the helper before anything sets
///    MXCSR.PE (Arm's saturation sets IOC, not IXC). Truncation is CVTTSS2SI
///    (PE on inexact is IXC); the other modes round first with ROUNDSS,
///    precision exception suppressed, check the rounded value against the
///    upper bound again, and set IXC when it differs from the operand.
///    FPCR.FZ goes to the helper (a flushed denormal gives IDC, not IXC).
extension JITCompiler {
    func emitScalarMinMax(_ i: Int, _ inst: Inst, _ kind: FPOpcode.Kind, double: Bool) {
        let s: OpSize = double ? .q : .d
        let x0 = JITCompiler.scratch0, x1 = JITCompiler.scratch1, x2 = JITCompiler.scratch2
        let slow = a.newLabel(), join = a.newLabel()
        let r = allocate(i, reusing: inst.a)
        jumpIfFlushToZero(slow)
        loadFPOperand(x0, inst.a, s)
        loadFPOperand(x1, inst.b, s)
        a.ucomis(x0, x1, double: double)
        a.jcc(.p, slow)
        let isMax = kind == .max || kind == .maxnm
        copyXMM(x2, x1)
        a.scalarFP(isMax ? .max : .min, x2, x0, double: double)   // b op a
        a.scalarFP(isMax ? .max : .min, x0, x1, double: double)   // a op b
        a.packed(isMax ? .pand : .por, x0, x2)
        finishFPResult(i, inst, x0, s, into: r, slow: slow, join: join)
    }

    /// The common end of a scalar FP op whose fast path left its result in
    /// `x`: into the op's FP shadow register (if it has one) and `r`, with
    /// the slow path at `slow` (the `jitFP` helper, its result in RAX) joining
    /// at `join`.
    private func finishFPResult(_ i: Int, _ inst: Inst, _ x: XReg, _ s: OpSize, into r: Reg, slow: Label, join: Label) {
        let shadow = takeFPShadow(for: i)
        if let xs = shadow { copyXMM(xs, x) }
        a.movq(.rax, x, s)
        a.bind(join)
        a.mov(r, .rax, .q)
        let save = liveCallerSaved(after: i, excluding: i), call = fpHelperCall(inst)
        stubs.append { [self] in
            a.bind(slow)
            emitFPHelper(call, save: save)
            if let xs = shadow { a.movq(xs, .rax, s) }
            a.jmp(join)
        }
    }

    /// SCVTF/UCVTF from a 32- or 64-bit integer to f32/f64.
    func emitIntToFP(_ i: Int, _ inst: Inst, _ code: FPOpcode) -> Bool {
        let outBits = inst.type.bits, inBits = type(inst.a).bits
        guard outBits == 32 || outBits == 64, inBits == 32 || inBits == 64, code.rounding == nil,
              code.fbits <= inBits else { return false }
        let double = outBits == 64, s: OpSize = double ? .q : .d
        let x0 = JITCompiler.scratch0, x1 = JITCompiler.scratch1
        let slow = a.newLabel(), join = a.newLabel()
        let r = allocate(i, reusing: inst.a)
        enterGuestMXCSR()
        let src = reg(inst.a, scratch: .rax)
        let unsigned = code.flag
        if unsigned && inBits == 64 {
            a.test(src, src, .q)
            a.jcc(.s, slow)
        }
        a.packed(.pxor, x0, x0)                     // no dependency on x0's old value
        // A zero-extended 32-bit unsigned value is a non-negative 64-bit one.
        a.cvtsi2s(x0, src, unsigned || inBits == 64 ? .q : .d, double: double)
        if code.fbits != 0 {
            let scale = double ? (Double(1) / Double(sign: .plus, exponent: code.fbits, significand: 1)).bitPattern
                : UInt64((Float(1) / Float(sign: .plus, exponent: code.fbits, significand: 1)).bitPattern)
            a.mov(.rcx, imm: scale)
            a.movq(x1, .rcx, s)
            a.scalarFP(.mul, x0, x1, double: double)
        }
        finishFPResult(i, inst, x0, s, into: r, slow: slow, join: join)
        return true
    }

    /// FCVTZS/FCVTZU, FCVTNS/NU, FCVTPS/PU, FCVTMS/MU from f32/f64 to a 32- or 64-bit integer.
    func emitFPToInt(_ i: Int, _ inst: Inst, _ code: FPOpcode) -> Bool {
        let outBits = inst.type.bits, inBits = type(inst.a).bits
        guard outBits == 32 || outBits == 64, inBits == 32 || inBits == 64, code.fbits == 0,
              let rounding = code.rounding else { return false }
        let mode: UInt8
        switch rounding {
        case .tieEven: mode = 0
        case .negInf: mode = 1
        case .posInf: mode = 2
        case .zero: mode = 3
        default: return false
        }
        let double = inBits == 64, s: OpSize = double ? .q : .d
        let unsigned = code.flag
        let x0 = JITCompiler.scratch0, x1 = JITCompiler.scratch1, x2 = JITCompiler.scratch2
        let slow = a.newLabel(), join = a.newLabel()
        let r = allocate(i, reusing: inst.a)
        enterGuestMXCSR()                            // on every path: later ops count on it
        jumpIfFlushToZero(slow)
        loadFPOperand(x0, inst.a, s)
        // The bounds as powers of two in the operand's format.
        func constant(_ x: XReg, exponent: Int, negative: Bool) {
            let bits = double ? Double(sign: negative ? .minus : .plus, exponent: exponent, significand: 1).bitPattern
                : UInt64(Float(sign: negative ? .minus : .plus, exponent: exponent, significand: 1).bitPattern)
            a.mov(.rcx, imm: bits)
            a.movq(x, .rcx, s)
        }
        if unsigned {
            a.packed(.pxor, x1, x1)
        } else {
            constant(x1, exponent: outBits - 1, negative: true)
        }
        a.ucomis(x0, x1, double: double)
        a.jcc(.b, slow)                              // below the lower bound, or unordered
        constant(x1, exponent: unsigned ? (outBits == 32 ? 32 : 63) : outBits - 1, negative: false)
        a.ucomis(x0, x1, double: double)
        a.jcc(.ae, slow)
        if mode == 3 {
            a.cvts2si(.rax, x0, .q, double: double, truncate: true)
        } else {
            a.rounds(x2, x0, imm: mode | 8, double: double)   // the precision exception suppressed
            a.ucomis(x2, x1, double: double)
            a.jcc(.ae, slow)                          // rounded up to the bound
            a.cvts2si(.rax, x2, .q, double: double, truncate: true)
            let exact = a.newLabel()
            a.ucomis(x2, x0, double: double)
            a.jcc(.e, exact)
            a.alu(.or, Mem(.rbx, Int32(StateLayout.fpsr)), imm: Int32(FPBits.ixc), .q)
            a.bind(exact)
        }
        if outBits == 32 { a.mov(.rax, .rax, .d) }
        a.bind(join)
        a.mov(r, .rax, .q)
        let save = liveCallerSaved(after: i, excluding: i), call = fpHelperCall(inst)
        stubs.append { [self] in
            a.bind(slow)
            emitFPHelper(call, save: save)
            a.jmp(join)
        }
        return true
    }
}
