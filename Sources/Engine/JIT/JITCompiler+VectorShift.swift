import IR

/// SSE forms of the `shift` and `widen` ops that compilers emit in
/// vectorised loops: SHL, USHR, SSHR, USRA, SSRA on 16-, 32- and 64-bit
/// lanes (no 64-bit arithmetic shift in SSE), SSHLL/USHLL (SXTL/UXTL) and
/// XTN, vector (Q = 0 and 1, the 2 forms) and the scalar D shifts. x86 shifts
/// by the lane size or more give 0 (logical) or the sign (arithmetic), as
/// USHR/SSHR by esize do. Everything else returns false and calls the helper.
extension JITCompiler {
    func emitShiftWiden(_ i: Int, _ inst: Inst, _ code: VectorOpcode) -> Bool {
        let t0 = JITCompiler.scratch0, t1 = JITCompiler.scratch1
        let shape = VectorShape(rawValue: code.param2)
        let bits = code.laneBits
        guard let k = [8: 0, 16: 1, 32: 2, 64: 3][bits] else { return false }
        switch code.group {
        case .shift:
            guard let op = VectorShiftOp(rawValue: code.op) else { return false }
            let s = UInt8(code.param)
            switch op {
            case .shl, .ushr, .sshr, .usra, .ssra:
                guard k > 0, !(shape.contains(.scalar) && k != 3) else { return false }
                let sop: PackedShift
                switch op {
                case .shl: sop = [.psllw, .pslld, .psllq][k - 1]
                case .ushr, .usra: sop = [.psrlw, .psrld, .psrlq][k - 1]
                default:
                    guard k < 3 else { return false }
                    sop = [.psraw, .psrad][k - 1]
                }
                copyXMM(t1, xmmOperand(inst.a, at: i))
                a.shift(sop, t1, imm: s)
                if op == .usra || op == .ssra {
                    a.packed([.paddw, .paddd, .paddq][k - 1], t1, xmmOperand(inst.c, at: i))
                }
                if !shape.isDisjoint(with: [.half, .scalar]) { a.movq(t1, t1) }   // bits 127:64 zero
            case .sshll, .ushll:
                guard k < 3 else { return false }
                copyXMM(t1, xmmOperand(inst.a, at: i))
                if shape.contains(.upper) { a.shift(.psrldq, t1, imm: 8) }
                // PMOVSXBW/WD/DQ (66 0F 38 20/23/25), PMOVZX (30/33/35): the low lanes, widened.
                let pmov: UInt8 = (op == .sshll ? 0x20 : 0x30) + [0, 3, 5][k]
                a.sseRR(0x66, .m0F38, pmov, reg: t1.rawValue, rm: t1.rawValue)
                if s != 0 { a.shift([.psllw, .pslld, .psllq][k], t1, imm: s) }
            default:
                return false
            }
        case .widen:
            guard code.op == VectorWidenOp.xtn.rawValue, k < 3, !shape.contains(.scalar) else { return false }
            copyXMM(t1, xmmOperand(inst.a, at: i))
            if k == 2 {
                a.pshufd(t1, t1, 0x08)                      // 32-bit lanes 0 and 2 to 0 and 1
            } else {
                // Keep the low half of each wide lane, then pack (no value saturates).
                a.packed(.pcmpeqd, t0, t0)
                a.shift(k == 0 ? .psrlw : .psrld, t0, imm: UInt8(bits))
                a.packed(.pand, t1, t0)
                if k == 0 {
                    a.sseRR(0x66, .m0F, 0x67, reg: t1.rawValue, rm: t1.rawValue)    // PACKUSWB
                } else {
                    a.sseRR(0x66, .m0F38, 0x2B, reg: t1.rawValue, rm: t1.rawValue)  // PACKUSDW
                }
            }
            if shape.contains(.upper) {
                copyXMM(t0, xmmOperand(inst.c, at: i))
                a.packed(.punpcklqdq, t0, t1)               // c's low half, then the narrowed lanes
                copyXMM(t1, t0)
            } else {
                a.movq(t1, t1)
            }
        default:
            return false
        }
        copyXMM(allocateXMM(i, reusing: inst.a), t1)
        return true
    }
}
