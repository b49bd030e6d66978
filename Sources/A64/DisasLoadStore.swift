/// Disassembly of loads and stores: exclusive, ordered, LSE atomics (with the
/// ST* aliases and acquire/release suffixes), literal, pair and single
/// register forms in every addressing mode, PRFM/PRFUM with named operations.
extension A64Disassembler {
    /// `b`, `h` or nothing, by access size.
    private static let sizeSuffix = ["b", "h", "", ""]

    private static func address(_ n: Int) -> String { "[" + xsp(n) + "]" }

    static func loadStoreExclusiveAtomic(_ op: A64Op, _ w: UInt32) -> String {
        let size = w.ldstSize
        let suffix = sizeSuffix[size]
        let isX = size == 3
        let rt = r(w.rt, isX), rs = r(w.rs, isX), addr = address(w.rn)
        switch op {
        case .stxr, .stlxr:
            return (op == .stxr ? "stxr" : "stlxr") + suffix + " " + r(w.rs, false) + ", " + rt + ", " + addr
        case .ldxr, .ldaxr:
            return (op == .ldxr ? "ldxr" : "ldaxr") + suffix + " " + rt + ", " + addr
        case .stxp, .stlxp:
            return (op == .stxp ? "stxp " : "stlxp ") + r(w.rs, false) + ", " + rt + ", " + r(w.rt2, isX) + ", " + addr
        case .ldxp, .ldaxp:
            return (op == .ldxp ? "ldxp " : "ldaxp ") + rt + ", " + r(w.rt2, isX) + ", " + addr
        case .stlr: return "stlr" + suffix + " " + rt + ", " + addr
        case .ldar: return "ldar" + suffix + " " + rt + ", " + addr
        case .ldapr: return "ldapr" + suffix + " " + rt + ", " + addr
        case .cas:
            let name = "cas" + (w.bit(22) ? "a" : "") + (w.bit(15) ? "l" : "") + suffix
            return name + " " + rs + ", " + rt + ", " + addr
        case .casp:
            let x = w.bit(30)
            let name = "casp" + (w.bit(22) ? "a" : "") + (w.bit(15) ? "l" : "")
            return name + " " + r(w.rs, x) + ", " + r(w.rs + 1, x) + ", " + r(w.rt, x) + ", " + r(w.rt + 1, x) + ", " + addr
        case .atomicOp, .swp:
            let acquire = w.bit(23), release = w.bit(22)
            let base = op == .swp ? "swp" : ["add", "clr", "eor", "set", "smax", "smin", "umax", "umin"][w.field(12, 3)]
            if op == .atomicOp && w.rt == 31 && !acquire {
                return "st" + base + (release ? "l" : "") + suffix + " " + rs + ", " + addr
            }
            let name = (op == .swp ? "" : "ld") + base + (acquire ? "a" : "") + (release ? "l" : "") + suffix
            let text = name + " " + rs + ", " + rt + ", " + addr
            return acquire && w.rt == 31 ? text + comment("acquire semantics dropped since destination is zero") : text
        default:
            return "<unknown>"
        }
    }

    static func loadStore(_ op: A64Op, _ w: UInt32, _ pc: UInt64) -> String {
        switch op {
        case .ldrLiteral:
            return "ldr " + r(w.rt, w.bit(30)) + ", " + target(pc, w.imm19Offset)
        case .ldrswLiteral:
            return "ldrsw " + x(w.rt) + ", " + target(pc, w.imm19Offset)
        case .prfmLiteral:
            return "prfm " + prefetchOperation(w.rt) + ", " + target(pc, w.imm19Offset)

        case .stnp, .ldnp, .stpPost, .ldpPost, .ldpswPost, .stpOffset, .ldpOffset, .ldpswOffset,
             .stpPre, .ldpPre, .ldpswPre:
            let isX = w.bit(31) || op == .ldpswPost || op == .ldpswOffset || op == .ldpswPre
            let scale: Int64 = w.bit(31) ? 8 : 4
            let name: String
            switch op {
            case .stnp: name = "stnp"
            case .ldnp: name = "ldnp"
            case .stpPost, .stpOffset, .stpPre: name = "stp"
            case .ldpPost, .ldpOffset, .ldpPre: name = "ldp"
            default: name = "ldpsw"
            }
            let offset = w.imm7 * scale
            let regs = name + " " + r(w.rt, isX) + ", " + r(w.rt2, isX) + ", "
            switch op {
            case .stpPost, .ldpPost, .ldpswPost: return regs + address(w.rn) + ", #" + imm(offset)
            case .stpPre, .ldpPre, .ldpswPre: return regs + "[" + xsp(w.rn) + ", #" + imm(offset) + "]!"
            default: return regs + offsetAddress(w.rn, offset)
            }

        case .ldstUnscaled, .ldstPost, .ldstUnpriv, .ldstPre, .ldstRegOffset, .ldstUnsigned:
            let size = w.ldstSize, opc = w.field(22, 2)
            let isPrefetch = size == 3 && opc == 2
            let kind: String
            switch op {
            case .ldstUnscaled: kind = "ur"
            case .ldstUnpriv: kind = "tr"
            default: kind = "r"
            }
            if isPrefetch && op == .ldstRegOffset && w.rt >= 24 {
                // PRFM (register) with Rt = 0b11xxx is RPRFM (a hint to llvm, as to us).
                let n = w.field(15, 1) << 5 | w.field(13, 1) << 4 | w.field(12, 1) << 3 | w.field(0, 3)
                return "rprfm " + (rangePrefetchNames[n] ?? "#" + imm(n)) + ", " + x(w.rm) + ", " + address(w.rn)
            }
            let rt: String
            if isPrefetch {
                let name = op == .ldstUnscaled ? "prfum " : "prfm "
                rt = name + prefetchOperation(w.rt)
            } else {
                let isLoad = opc != 0
                let signed = opc >= 2
                let isX = size == 3 || opc == 2
                let suffix = size == 0 ? "b" : size == 1 ? "h" : (signed && size == 2 ? "w" : "")
                rt = (isLoad ? "ld" : "st") + kind + (signed ? "s" : "") + suffix + " " + r(w.rt, isX)
            }
            switch op {
            case .ldstUnsigned: return rt + ", " + offsetAddress(w.rn, Int64(w.imm12) << Int64(size))
            case .ldstUnscaled, .ldstUnpriv: return rt + ", " + offsetAddress(w.rn, w.imm9)
            case .ldstPost: return rt + ", " + address(w.rn) + ", #" + imm(w.imm9)
            case .ldstPre: return rt + ", [" + xsp(w.rn) + ", #" + imm(w.imm9) + "]!"
            default:
                let option = w.option, shiftBit = w.bit(12)
                let indexIsX = option & 1 == 1
                var text = rt + ", [" + xsp(w.rn) + ", " + r(w.rm, indexIsX)
                if option == 3 {
                    if shiftBit { text += ", lsl #" + String(size) }
                } else {
                    text += ", " + extendNames[option] + (shiftBit ? " #" + String(size) : "")
                }
                return text + "]"
            }
        default:
            return "<unknown>"
        }
    }

    /// `[xn]` for a zero offset, else `[xn, #off]`.
    static func offsetAddress(_ n: Int, _ offset: Int64) -> String {
        offset == 0 ? address(n) : "[" + xsp(n) + ", #" + imm(offset) + "]"
    }

    static let prefetchNames: [String?] = [
        "pldl1keep", "pldl1strm", "pldl2keep", "pldl2strm", "pldl3keep", "pldl3strm", nil, nil,
        "plil1keep", "plil1strm", "plil2keep", "plil2strm", "plil3keep", "plil3strm", nil, nil,
        "pstl1keep", "pstl1strm", "pstl2keep", "pstl2strm", "pstl3keep", "pstl3strm", nil, nil,
    ]

    static let rangePrefetchNames: [Int: String] = [0: "pldkeep", 1: "pstkeep", 4: "pldstrm", 5: "pststrm"]

    /// PRFM operation name, or `#imm`.
    static func prefetchOperation(_ n: Int) -> String {
        if n < prefetchNames.count, let name = prefetchNames[n] { return name }
        return "#" + imm(n)
    }
}
