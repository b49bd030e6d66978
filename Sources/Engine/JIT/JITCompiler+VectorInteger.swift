import IR
import Machine

/// SSE4.1 forms of integer vops that auto-vectorised loops run (the rest
/// call `jitVectorOp`):
/// - `widen`: [SU]ADDW/[SU]SUBW, [SU]ADDL/[SU]SUBL, [SU]MULL, [SU]MLAL,
///   [SU]MLSL (and their "2" forms) on 8-, 16- and 32-bit sources: the
///   narrow lanes sign- or zero-extended with PMOVSX/PMOVZX (the high half
///   first moved down for "2"), then the wide add, subtract or multiply;
/// - `halving`: [SU]ABD and [SU]ABA as max - min (the difference fits the
///   lane unsigned);
/// - `multiply`: MLA/MLS of 16- and 32-bit lanes (PMULLW, PMULLD), SDOT/UDOT
///   (bytes widened to words, PMADDWD, PHADDD);
/// - `saturating`: SQADD/UQADD/SQSUB/UQSUB of 8- and 16-bit lanes, FPSR.QC
///   set when the saturated result differs from the wrapped one.
/// Q = 0 forms run on copies of the operands with zero upper halves (zero
/// lanes never saturate) and zero the result's upper half.
extension JITCompiler {
    /// Emits the op and returns true, or emits nothing and returns false.
    func emitVectorInteger(_ i: Int, _ inst: Inst, _ code: VectorOpcode) -> Bool {
        guard runtime.features.sse41 else { return false }
        let shape = VectorShape(rawValue: code.param2)
        switch code.group {
        case .widen:
            guard let op = VectorWidenOp(rawValue: code.op), shape.subtracting(.upper).isEmpty else { return false }
            return emitWiden(i, inst, op, bits: code.laneBits, upper: shape.contains(.upper))
        case .halving:
            guard let op = HalvingOp(rawValue: code.op), shape.subtracting(.half).isEmpty else { return false }
            return emitAbsoluteDifference(i, inst, op, bits: code.laneBits, half: shape.contains(.half))
        case .multiply:
            guard let op = MultiplyOp(rawValue: code.op), shape.subtracting(.half).isEmpty else { return false }
            return emitMultiply(i, inst, op, bits: code.laneBits, half: shape.contains(.half))
        case .saturating:
            guard let op = SaturatingOp(rawValue: code.op), shape.subtracting(.half).isEmpty else { return false }
            return emitSaturating(i, inst, op, bits: code.laneBits, half: shape.contains(.half))
        default:
            return false
        }
    }

    /// k = 0, 1, 2, 3 for 8-, 16-, 32-, 64-bit lanes.
    private static func laneIndex(_ bits: Int) -> Int { [8: 0, 16: 1, 32: 2, 64: 3][bits] ?? -1 }

    /// dst = the narrow lanes of x (its high half when `upper`) extended to twice their size.
    private func extend(_ dst: XReg, _ x: XReg, k: Int, signed: Bool, upper: Bool) {
        let op: PackedExtend = signed ? [.pmovsxbw, .pmovsxwd, .pmovsxdq][k] : [.pmovzxbw, .pmovzxwd, .pmovzxdq][k]
        if upper {
            a.pshufd(dst, x, 0xEE)
            a.pmovx(op, dst, dst)
        } else {
            a.pmovx(op, dst, x)
        }
    }

    private func emitWiden(_ i: Int, _ inst: Inst, _ op: VectorWidenOp, bits: Int, upper: Bool) -> Bool {
        let k = JITCompiler.laneIndex(bits)
        guard k >= 0 && k < 3 else { return false }
        let t0 = JITCompiler.scratch0, t1 = JITCompiler.scratch1
        let add: PackedOp = [.paddw, .paddd, .paddq][k], sub: PackedOp = [.psubw, .psubd, .psubq][k]
        let isSigned: Bool
        switch op {
        case .saddw, .ssubw, .saddl, .ssubl, .smull, .smlal, .smlsl: isSigned = true
        case .uaddw, .usubw, .uaddl, .usubl, .umull, .umlal, .umlsl: isSigned = false
        default: return false
        }
        let xa = xmmOperand(inst.a, at: i), xb = xmmOperand(inst.b, at: i)
        switch op {
        case .saddw, .uaddw, .ssubw, .usubw:
            extend(t1, xb, k: k, signed: isSigned, upper: upper)
            copyXMM(t0, xa)
            a.packed(op == .saddw || op == .uaddw ? add : sub, t0, t1)
        case .saddl, .uaddl, .ssubl, .usubl:
            extend(t0, xa, k: k, signed: isSigned, upper: upper)
            extend(t1, xb, k: k, signed: isSigned, upper: upper)
            a.packed(op == .saddl || op == .uaddl ? add : sub, t0, t1)
        default:                                    // the multiplies
            extend(t0, xa, k: k, signed: isSigned, upper: upper)
            extend(t1, xb, k: k, signed: isSigned, upper: upper)
            // 64-bit products of the low 32 bits of each quadword.
            a.packed([.pmullw, .pmulld, isSigned ? .pmuldq : .pmuludq][k], t0, t1)
            if op != .smull && op != .umull {
                let xc = xmmOperand(inst.c, at: i)
                copyXMM(t1, xc)
                a.packed(op == .smlal || op == .umlal ? add : sub, t1, t0)
                copyXMM(allocateXMM(i, reusing: inst.c), t1)
                return true
            }
        }
        copyXMM(allocateXMM(i, reusing: inst.a), t0)
        return true
    }

    private func emitAbsoluteDifference(_ i: Int, _ inst: Inst, _ op: HalvingOp, bits: Int, half: Bool) -> Bool {
        let k = JITCompiler.laneIndex(bits)
        guard k >= 0 && k < 3 else { return false }
        let isSigned: Bool
        switch op {
        case .sabd, .saba: isSigned = true
        case .uabd, .uaba: isSigned = false
        default: return false
        }
        let t0 = JITCompiler.scratch0, t1 = JITCompiler.scratch1
        let xa = xmmOperand(inst.a, at: i), xb = xmmOperand(inst.b, at: i)
        copyXMM(t0, xa)
        copyXMM(t1, xa)
        a.packed(isSigned ? [.pmaxsb, .pmaxsw, .pmaxsd][k] : [.pmaxub, .pmaxuw, .pmaxud][k], t0, xb)
        a.packed(isSigned ? [.pminsb, .pminsw, .pminsd][k] : [.pminub, .pminuw, .pminud][k], t1, xb)
        a.packed([.psubb, .psubw, .psubd][k], t0, t1)
        if op == .saba || op == .uaba {
            a.packed([.paddb, .paddw, .paddd][k], t0, xmmOperand(inst.c, at: i))
        }
        if half { a.movq(t0, t0) }
        copyXMM(allocateXMM(i, reusing: inst.a), t0)
        return true
    }

    private func emitMultiply(_ i: Int, _ inst: Inst, _ op: MultiplyOp, bits: Int, half: Bool) -> Bool {
        let t0 = JITCompiler.scratch0, t1 = JITCompiler.scratch1, t2 = JITCompiler.scratch2
        switch op {
        case .mla, .mls:
            guard bits == 16 || bits == 32 else { return false }
            let xa = xmmOperand(inst.a, at: i), xb = xmmOperand(inst.b, at: i), xc = xmmOperand(inst.c, at: i)
            copyXMM(t0, xa)
            a.packed(bits == 16 ? .pmullw : .pmulld, t0, xb)
            copyXMM(t1, xc)
            a.packed(op == .mla ? (bits == 16 ? .paddw : .paddd) : (bits == 16 ? .psubw : .psubd), t1, t0)
        case .sdot, .udot:
            guard bits == 32 else { return false }
            let signed = op == .sdot
            let xa = xmmOperand(inst.a, at: i), xb = xmmOperand(inst.b, at: i), xc = xmmOperand(inst.c, at: i)
            // Words of bytes 0-7, then 8-15; PMADDWD sums pairs, PHADDD pairs of pairs.
            extend(t0, xa, k: 0, signed: signed, upper: false)
            extend(t1, xb, k: 0, signed: signed, upper: false)
            a.packed(.pmaddwd, t0, t1)
            extend(t1, xa, k: 0, signed: signed, upper: true)
            extend(t2, xb, k: 0, signed: signed, upper: true)
            a.packed(.pmaddwd, t1, t2)
            a.packed(.phaddd, t0, t1)
            copyXMM(t1, xc)
            a.packed(.paddd, t1, t0)
        default:
            return false
        }
        if half { a.movq(t1, t1) }
        copyXMM(allocateXMM(i, reusing: inst.c), t1)
        return true
    }

    private func emitSaturating(_ i: Int, _ inst: Inst, _ op: SaturatingOp, bits: Int, half: Bool) -> Bool {
        guard bits == 8 || bits == 16 else { return false }
        let k = bits == 8 ? 0 : 1
        let (saturating, wrapping): (PackedOp, PackedOp)
        switch op {
        case .sqadd: (saturating, wrapping) = ([.paddsb, .paddsw][k], [.paddb, .paddw][k])
        case .uqadd: (saturating, wrapping) = ([.paddusb, .paddusw][k], [.paddb, .paddw][k])
        case .sqsub: (saturating, wrapping) = ([.psubsb, .psubsw][k], [.psubb, .psubw][k])
        case .uqsub: (saturating, wrapping) = ([.psubusb, .psubusw][k], [.psubb, .psubw][k])
        default: return false
        }
        let t0 = JITCompiler.scratch0, t1 = JITCompiler.scratch1, t2 = JITCompiler.scratch2
        let xa = xmmOperand(inst.a, at: i), xb = xmmOperand(inst.b, at: i)
        if half {
            a.movq(t0, xa)
            a.movq(t2, xb)
        } else {
            copyXMM(t0, xa)
            copyXMM(t2, xb)
        }
        copyXMM(t1, t0)
        a.packed(saturating, t0, t2)
        a.packed(wrapping, t1, t2)
        // QC when some lane saturated: the wrapped sum differs.
        a.packed([.pcmpeqb, .pcmpeqw][k], t1, t0)
        a.packed(.pcmpeqd, t2, t2)
        let done = a.newLabel()
        a.packed(.ptest, t1, t2)                    // CF = 1 when t1 is all ones
        a.jcc(.b, done)
        a.alu(.or, Mem(.rbx, Int32(StateLayout.fpsr)), imm: Int32(VectorFPState.qc), .q)
        a.bind(done)
        copyXMM(allocateXMM(i, reusing: inst.a), t0)
        return true
    }
}
