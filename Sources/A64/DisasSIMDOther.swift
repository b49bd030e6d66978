/// Disassembly of AdvSIMD copy (DUP/INS/UMOV/SMOV and their MOV aliases),
/// modified immediate, shift by immediate, by-element forms, the scalar forms
/// and the cryptographic instructions.
extension A64Disassembler {
    static func simdOtherOperands(_ form: A64Form, _ w: UInt32) -> String? {
        let q = w.q, size = w.simdSize, d = w.rd, n = w.rn, m = w.rm
        let t = arrangement(size, q)
        let letters = ["b", "h", "s", "d"]
        switch form {
        // Copy
        case .dupElement:
            let s = w.imm5Size
            return v(d, arrangement(s, q)) + ", " + v(n, letters[s]) + "[" + String(w.imm5Index) + "]"
        case .scalarDup:
            let s = w.imm5Size
            return scalar(s, d) + ", " + v(n, letters[s]) + "[" + String(w.imm5Index) + "]"
        case .dupGeneral:
            let s = w.imm5Size
            return v(d, arrangement(s, q)) + ", " + r(n, s == 3)
        case .smov, .umov:
            let s = w.imm5Size
            return r(d, q) + ", " + v(n, letters[s]) + "[" + String(w.imm5Index) + "]"
        case .insGeneral:
            let s = w.imm5Size
            return v(d, letters[s]) + "[" + String(w.imm5Index) + "], " + r(n, s == 3)
        case .insElement:
            let s = w.imm5Size
            return v(d, letters[s]) + "[" + String(w.imm5Index) + "], " + v(n, letters[s]) + "[" + String(w.imm4Index) + "]"

        // Modified immediate
        case .imm32:
            let shift = (w.cmode >> 1 & 3) * 8
            return v(d, q ? "4s" : "2s") + ", #" + imm(w.simdImm8) + (shift != 0 ? ", lsl #" + String(shift) : "")
        case .imm16:
            let shift = (w.cmode >> 1 & 1) * 8
            return v(d, h16(q)) + ", #" + imm(w.simdImm8) + (shift != 0 ? ", lsl #" + String(shift) : "")
        case .immMSL:
            return v(d, q ? "4s" : "2s") + ", #" + imm(w.simdImm8) + ", msl #" + (w.cmode & 1 == 1 ? "16" : "8")
        case .imm8: return v(d, arrangement(0, q)) + ", #" + imm(w.simdImm8)
        case .imm64:
            let value = advSIMDExpandBytes(w.simdImm8)
            // llvm prints `%#016llx`: 0 as 16 zeros, else 0x and at least 14 digits.
            let text = value == 0 ? String(repeating: "0", count: 16) : "0x" + hex(value, digits: 14)
            return (q ? v(d, "2d") : scalar(3, d)) + ", #" + text
        case .immFP: return v(d, q ? "4s" : "2s") + ", #" + fpImmediate(w.simdImm8)
        case .immFP64: return v(d, "2d") + ", #" + fpImmediate(w.simdImm8)
        case .immFP16: return v(d, h16(q)) + ", #" + fpImmediate(w.simdImm8)

        // Shift by immediate
        case .shiftRight, .shiftFixed:
            let a = arrangement(w.immhSize, q)
            return v(d, a) + ", " + v(n, a) + ", #" + imm(w.shiftRightAmount)
        case .shiftLeft:
            let a = arrangement(w.immhSize, q)
            return v(d, a) + ", " + v(n, a) + ", #" + imm(w.shiftLeftAmount)
        case .shiftNarrow:
            return v(d, arrangement(w.immhSize, q)) + ", " + v(n, arrangement(w.immhSize + 1, true))
                + ", #" + imm(w.shiftRightAmount)
        case .shiftLong:
            return v(d, arrangement(w.immhSize + 1, true)) + ", " + v(n, arrangement(w.immhSize, q))
                + ", #" + imm(w.shiftLeftAmount)
        case .scalarShiftD, .scalarShiftFixed:
            return scalar(w.immhSize, d) + ", " + scalar(w.immhSize, n) + ", #" + imm(w.shiftRightAmount)
        case .scalarShiftLeftD, .scalarShiftLeft:
            return scalar(w.immhSize, d) + ", " + scalar(w.immhSize, n) + ", #" + imm(w.shiftLeftAmount)
        case .scalarShiftNarrow:
            return scalar(w.immhSize, d) + ", " + scalar(w.immhSize + 1, n) + ", #" + imm(w.shiftRightAmount)

        // By element
        case .elemHS, .elemLong, .scalarElemHS, .scalarElemLong:
            let element = v(w.elementRegister(size: size), letters[size]) + "[" + String(w.elementIndex(size: size)) + "]"
            switch form {
            case .elemHS: return v(d, t) + ", " + v(n, t) + ", " + element
            case .elemLong: return v(d, arrangement(size + 1, true)) + ", " + v(n, t) + ", " + element
            case .scalarElemHS: return scalar(size, d) + ", " + scalar(size, n) + ", " + element
            default: return scalar(size + 1, d) + ", " + scalar(size, n) + ", " + element
            }
        case .elemFP, .scalarElemFP:
            let s = w.sz ? 3 : 2
            let element = v(w.elementRegister(size: s), letters[s]) + "[" + String(w.elementIndex(size: s)) + "]"
            if form == .scalarElemFP { return scalar(s, d) + ", " + scalar(s, n) + ", " + element }
            let a = fpArrangement(w.sz, q)
            return v(d, a) + ", " + v(n, a) + ", " + element
        case .elemFP16, .scalarElemFP16, .elemFMLAL:
            let element = v(w.elementRegister(size: 1), "h") + "[" + String(w.elementIndex(size: 1)) + "]"
            if form == .scalarElemFP16 { return scalar(1, d) + ", " + scalar(1, n) + ", " + element }
            if form == .elemFMLAL { return v(d, q ? "4s" : "2s") + ", " + v(n, q ? "4h" : "2h") + ", " + element }
            return v(d, h16(q)) + ", " + v(n, h16(q)) + ", " + element
        case .elemDot:
            return v(d, q ? "4s" : "2s") + ", " + v(n, q ? "16b" : "8b") + ", " + v(m, "4b")
                + "[" + String(w.elementIndex(size: 2)) + "]"
        case .elemFCMLA:
            // H: index H:L; S: index H. Rm is M:Rm for both.
            let index = size == 1 ? w.elementIndex(size: 2) : w.field(11, 1)
            let rot = ", #" + String(w.field(13, 2) * 90)
            return v(d, t) + ", " + v(n, t) + ", " + v(m, letters[size]) + "[" + String(index) + "]" + rot

        // Scalar three/two registers
        case .scalarSame, .scalarSameHS: return scalar(size, d) + ", " + scalar(size, n) + ", " + scalar(size, m)
        case .scalarSameD: return scalar(3, d) + ", " + scalar(3, n) + ", " + scalar(3, m)
        case .scalarSameFP:
            let s = w.sz ? 3 : 2
            return scalar(s, d) + ", " + scalar(s, n) + ", " + scalar(s, m)
        case .scalarSameFP16: return scalar(1, d) + ", " + scalar(1, n) + ", " + scalar(1, m)
        case .scalarLongHS: return scalar(size + 1, d) + ", " + scalar(size, n) + ", " + scalar(size, m)
        case .scalarMisc: return scalar(size, d) + ", " + scalar(size, n)
        case .scalarMiscD: return scalar(3, d) + ", " + scalar(3, n)
        case .scalarZeroD: return scalar(3, d) + ", " + scalar(3, n) + ", #0"
        case .scalarNarrow: return scalar(size, d) + ", " + scalar(size + 1, n)
        case .scalarMiscFP, .scalarMiscFPZero:
            let s = w.sz ? 3 : 2
            return scalar(s, d) + ", " + scalar(s, n) + (form == .scalarMiscFPZero ? ", #0.0" : "")
        case .scalarMiscFP16: return scalar(1, d) + ", " + scalar(1, n)
        case .scalarMiscFP16Zero: return scalar(1, d) + ", " + scalar(1, n) + ", #0.0"
        case .scalarFcvtxn: return scalar(2, d) + ", " + scalar(3, n)
        case .scalarPairD: return scalar(3, d) + ", " + v(n, "2d")
        case .scalarPairFP: return w.sz ? scalar(3, d) + ", " + v(n, "2d") : scalar(2, d) + ", " + v(n, "2s")
        case .scalarPairFP16: return scalar(1, d) + ", " + v(n, "2h")

        // Cryptography
        case .aes: return v(d, "16b") + ", " + v(n, "16b")
        case .sha3Q: return "q" + String(d) + ", s" + String(n) + ", " + v(m, "4s")
        case .sha3QQ: return "q" + String(d) + ", q" + String(n) + ", " + v(m, "4s")
        case .sha3V: return v(d, "4s") + ", " + v(n, "4s") + ", " + v(m, "4s")
        case .sha2S: return "s" + String(d) + ", s" + String(n)
        case .sha2V: return v(d, "4s") + ", " + v(n, "4s")
        case .sha512QQ: return "q" + String(d) + ", q" + String(n) + ", " + v(m, "2d")
        case .sha512V3: return v(d, "2d") + ", " + v(n, "2d") + ", " + v(m, "2d")
        case .sha512V2: return v(d, "2d") + ", " + v(n, "2d")
        case .four16B: return v(d, "16b") + ", " + v(n, "16b") + ", " + v(m, "16b") + ", " + v(w.ra4, "16b")
        case .xar: return v(d, "2d") + ", " + v(n, "2d") + ", " + v(m, "2d") + ", #" + imm(w.field(10, 6))
        default:
            return nil
        }
    }
}
