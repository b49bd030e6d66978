/// Disassembly of FP/SIMD loads and stores: B/H/S/D/Q registers in every
/// addressing mode, and the structure forms LD1-LD4/ST1-ST4 (register lists
/// `{ v0.16b, v1.16b }`, lanes `{ v0.s, v1.s }[1]`, LD1R-LD4R, post-index by
/// immediate or register).
extension A64Disassembler {
    /// "b0", "q3"...: log2 size 0-4.
    static func fpRegister(_ n: Int, log2Size: Int) -> String {
        ["b", "h", "s", "d", "q"][log2Size] + String(n)
    }

    static func fpLoadStore(_ op: A64Op, _ w: UInt32, _ pc: UInt64) -> String {
        switch op {
        case .fpLdrLiteral:
            return "ldr " + fpRegister(w.rt, log2Size: 2 + w.field(30, 2)) + ", " + target(pc, w.imm19Offset)
        case .fpStnp, .fpLdnp, .fpStpPost, .fpLdpPost, .fpStpOffset, .fpLdpOffset, .fpStpPre, .fpLdpPre:
            let log2Size = 2 + w.field(30, 2)
            let isLoad = w.bit(22)
            let name = op == .fpStnp || op == .fpLdnp ? (isLoad ? "ldnp " : "stnp ") : (isLoad ? "ldp " : "stp ")
            let offset = w.imm7 << Int64(log2Size)
            let regs = name + fpRegister(w.rt, log2Size: log2Size) + ", " + fpRegister(w.rt2, log2Size: log2Size) + ", "
            switch op {
            case .fpStpPost, .fpLdpPost: return regs + "[" + xsp(w.rn) + "], #" + imm(offset)
            case .fpStpPre, .fpLdpPre: return regs + "[" + xsp(w.rn) + ", #" + imm(offset) + "]!"
            default: return regs + offsetAddress(w.rn, offset)
            }
        case .fpLdstUnscaled, .fpLdstPost, .fpLdstPre, .fpLdstRegOffset, .fpLdstUnsigned:
            let log2Size = w.bit(23) ? 4 : w.ldstSize
            let isLoad = w.bit(22)
            let name = (isLoad ? "ld" : "st") + (op == .fpLdstUnscaled ? "ur " : "r ")
            let rt = name + fpRegister(w.rt, log2Size: log2Size)
            switch op {
            case .fpLdstUnsigned: return rt + ", " + offsetAddress(w.rn, Int64(w.imm12) << Int64(log2Size))
            case .fpLdstUnscaled: return rt + ", " + offsetAddress(w.rn, w.imm9)
            case .fpLdstPost: return rt + ", [" + xsp(w.rn) + "], #" + imm(w.imm9)
            case .fpLdstPre: return rt + ", [" + xsp(w.rn) + ", #" + imm(w.imm9) + "]!"
            default:
                let option = w.option, shiftBit = w.bit(12)
                var text = rt + ", [" + xsp(w.rn) + ", " + r(w.rm, option & 1 == 1)
                if option == 3 {
                    if shiftBit { text += ", lsl #" + String(log2Size) }
                } else {
                    text += ", " + extendNames[option] + (shiftBit ? " #" + String(log2Size) : "")
                }
                return text + "]"
            }
        case .simdLdstMultiple, .simdLdstMultiplePost:
            let regs = w.simdStructureRegisters, selem = w.simdStructureElements
            let name = (w.bit(22) ? "ld" : "st") + String(selem) + " "
            let list = registerList(w.rt, count: regs, suffix: "." + arrangement(w.field(10, 2), w.q))
            return name + list + ", [" + xsp(w.rn) + "]" + postIndex(w, bytes: regs * (w.q ? 16 : 8))
        case .simdLdstSingle, .simdLdstSinglePost:
            let selem = w.simdStructureRegisters
            let size = w.simdStructureElementSize ?? 0
            if w.field(14, 2) == 3 {
                let name = "ld" + String(selem) + "r "
                let list = registerList(w.rt, count: selem, suffix: "." + arrangement(size, w.q))
                return name + list + ", [" + xsp(w.rn) + "]" + postIndex(w, bytes: selem << size)
            }
            let qs = w.field(30, 1) << 1 | w.field(12, 1)
            let index: Int
            switch size {
            case 0: index = qs << 2 | w.field(10, 2)
            case 1: index = qs << 1 | w.field(11, 1)
            case 2: index = qs
            default: index = qs >> 1
            }
            let name = (w.bit(22) ? "ld" : "st") + String(selem) + " "
            let list = registerList(w.rt, count: selem, suffix: "." + ["b", "h", "s", "d"][size])
            return name + list + "[" + String(index) + "], [" + xsp(w.rn) + "]" + postIndex(w, bytes: selem << size)
        default:
            return "<unknown>"
        }
    }

    /// `{ v0.16b, v1.16b }`, wrapping from v31 to v0.
    static func registerList(_ first: Int, count: Int, suffix: String) -> String {
        var parts: [String] = []
        for i in 0..<count { parts.append("v" + String((first + i) & 31) + suffix) }
        return "{ " + parts.joined(separator: ", ") + " }"
    }

    /// Post-index of the structure forms: `, #32` when Rm = 31, else `, xm`.
    private static func postIndex(_ w: UInt32, bytes: Int) -> String {
        guard w.bit(23) else { return "" }
        return w.rm == 31 ? ", #" + String(bytes) : ", " + x(w.rm)
    }

    /// "8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d" for size and Q.
    static func arrangement(_ size: Int, _ q: Bool) -> String {
        ["8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d"][size * 2 + (q ? 1 : 0)]
    }
}
