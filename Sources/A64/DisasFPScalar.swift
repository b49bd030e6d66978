/// Disassembly of scalar floating point: 1/2/3-source, FCVT, compares,
/// FCCMP/FCSEL, FMOV (register, immediate, general) and the conversions to and
/// from integer and fixed point. FP immediates print as llvm does (`#1.00000000`).
extension A64Disassembler {
    /// FP/SIMD words: the load/store groups by op, the rest by their table line's form.
    static func fpSimd(_ op: A64Op, _ w: UInt32, _ pc: UInt64) -> String {
        switch op {
        case .fpLdrLiteral, .fpStnp, .fpLdnp, .fpStpPost, .fpLdpPost, .fpStpOffset, .fpLdpOffset, .fpStpPre, .fpLdpPre,
             .fpLdstUnscaled, .fpLdstPost, .fpLdstPre, .fpLdstRegOffset, .fpLdstUnsigned,
             .simdLdstMultiple, .simdLdstMultiplePost, .simdLdstSingle, .simdLdstSinglePost:
            return fpLoadStore(op, w, pc)
        default:
            break
        }
        guard let e = A64Decoder.encoding(w), e.op == op else { return "<unknown>" }
        let operands = fpScalarOperands(e.form, w) ?? simdVectorOperands(e.op, e.form, w) ?? simdOtherOperands(e.form, w)
        guard let operands else { return "<unknown>" }
        return aliasedMnemonic(e, w) + " " + operands
    }

    /// The mnemonic llvm prints: the line's, or an alias that depends on fields.
    static func aliasedMnemonic(_ e: A64Encoding, _ w: UInt32) -> String {
        let q2 = w.q ? "2" : ""
        switch e.form {
        case .long, .longHS, .wide, .narrowHigh, .pmull, .miscNarrow, .shll, .fcvtn, .fcvtxn, .fcvtl,
             .shiftNarrow, .elemLong:
            return e.mnemonic + q2
        case .shiftLong:
            return e.mnemonic + q2   // llvm's disassembler never uses the SXTL/UXTL aliases
        case .sameBytes:
            return e.op == .vOrr && w.rm == w.rn ? "mov" : e.mnemonic
        case .miscBytes:
            return e.op == .vNot ? "mvn" : e.mnemonic
        case .umov:
            return w.q || w.imm5Size == 2 ? "mov" : e.mnemonic
        default:
            return e.mnemonic
        }
    }

    /// Scalar FP register of ftype (0 S, 1 D, 3 H).
    static func fpReg(_ type: Int, _ n: Int) -> String {
        ["s", "d", "?", "h"][type] + String(n)
    }

    static func fpScalarOperands(_ form: A64Form, _ w: UInt32) -> String? {
        let t = w.fpType, d = w.rd, n = w.rn, m = w.rm
        switch form {
        case .fp1, .fp1SD: return fpReg(t, d) + ", " + fpReg(t, n)
        case .fp2: return fpReg(t, d) + ", " + fpReg(t, n) + ", " + fpReg(t, m)
        case .fp3: return fpReg(t, d) + ", " + fpReg(t, n) + ", " + fpReg(t, m) + ", " + fpReg(t, w.ra)
        case .fcvt: return fpReg(w.field(15, 2), d) + ", " + fpReg(t, n)
        case .fcmp: return fpReg(t, n) + ", " + fpReg(t, m)
        case .fcmpZero: return fpReg(t, n) + ", #0.0"
        case .fccmp:
            return fpReg(t, n) + ", " + fpReg(t, m) + ", #" + imm(w.field(0, 4)) + ", " + conditionNames[w.cond]
        case .fcsel:
            return fpReg(t, d) + ", " + fpReg(t, n) + ", " + fpReg(t, m) + ", " + conditionNames[w.cond]
        case .fmovImm: return fpReg(t, d) + ", #" + fpImmediate(w.fpImm8)
        case .fpToInt: return r(d, w.sf) + ", " + fpReg(t, n)
        case .intToFP: return fpReg(t, d) + ", " + r(n, w.sf)
        case .fpToFixed: return r(d, w.sf) + ", " + fpReg(t, n) + ", #" + imm(w.fpFractionBits)
        case .fixedToFP: return fpReg(t, d) + ", " + r(n, w.sf) + ", #" + imm(w.fpFractionBits)
        case .fmovToGeneral:
            if w.fpRmode == 1 { return x(d) + ", v" + String(n) + ".d[1]" }
            return r(d, w.sf) + ", " + fpReg(t, n)
        case .fmovFromGeneral:
            if w.fpRmode == 1 { return "v" + String(d) + ".d[1], " + x(n) }
            return fpReg(t, d) + ", " + r(n, w.sf)
        case .fjcvtzs: return r(d, false) + ", " + fpReg(1, n)
        default: return nil
        }
    }

    /// VFPExpandImm's value printed with eight decimals, as llvm's `%.8f`:
    /// imm8 = a:b:c:d:efgh is (-1)^a * (16 + efgh) / 16 * 2^e, e in -3...4.
    static func fpImmediate(_ imm8: Int) -> String {
        let b = imm8 >> 6 & 1, cd = imm8 >> 4 & 3, mantissa = 16 + (imm8 & 15)
        let exponent = b == 0 ? 1 + cd : cd - 3
        // value * 10^8 = mantissa * 2^(exponent + 3) * 10^8 / 128, an integer.
        let scaled = mantissa << (exponent + 3) * 781_250
        let fraction = String(scaled % 100_000_000)
        return (imm8 & 0x80 != 0 ? "-" : "") + String(scaled / 100_000_000) + "."
            + String(repeating: "0", count: 8 - fraction.count) + fraction
    }
}
