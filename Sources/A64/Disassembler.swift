/// A64 disassembler whose text matches the Swift toolchain's llvm-objdump
/// (LLVM 21, `-d --mattr=+v8.4a,+lse,+crc,+rcpc,+fullfp16,+fp16fml,+aes,+sha3,+fptoint,+rand`): same mnemonics, aliases,
/// operand order and immediate style, with a single space in place of the tab
/// after the mnemonic. Branch and literal targets are absolute hex addresses
/// (objdump's trailing ` <sym+off>` is not produced). objdump's comments
/// (`// =0x1000`, `// acquire semantics dropped ...`) are kept, separated by
/// one space instead of objdump's column padding.
///
/// Words our decoder calls unallocated print as `<unknown>`, as objdump does.
public enum A64Disassembler {
    /// The text of one instruction at `pc`.
    public static func disassemble(_ word: UInt32, pc: UInt64) -> String {
        text(A64Decoder.decode(word), word, pc)
    }

    /// The text of one instruction already decoded to `op`.
    public static func text(_ op: A64Op, _ w: UInt32, _ pc: UInt64) -> String {
        if op.isFPSIMD { return fpSimd(op, w, pc) }
        switch op {
        case .unallocated: return "<unknown>"
        case .udf: return "udf #" + hex(UInt64(w & 0xFFFF))
        case .adr, .adrp, .addImm, .addsImm, .subImm, .subsImm, .andImm, .orrImm, .eorImm, .andsImm,
             .movn, .movz, .movk, .sbfm, .bfm, .ubfm, .extr:
            return dataProcessingImmediate(op, w, pc)
        case .b, .bl, .cbz, .cbnz, .tbz, .tbnz, .bCond, .br, .blr, .ret, .eret,
             .svc, .hvc, .smc, .brk, .hlt, .hint, .clrex, .dsb, .dmb, .isb,
             .msrImm, .sys, .sysl, .msrReg, .mrs:
            return branchSystem(op, w, pc)
        case .stxr, .stlxr, .ldxr, .ldaxr, .stxp, .stlxp, .ldxp, .ldaxp, .stlr, .ldar, .ldapr,
             .cas, .casp, .atomicOp, .swp:
            return loadStoreExclusiveAtomic(op, w)
        case .ldrLiteral, .ldrswLiteral, .prfmLiteral, .stnp, .ldnp, .stpPost, .ldpPost, .ldpswPost,
             .stpOffset, .ldpOffset, .ldpswOffset, .stpPre, .ldpPre, .ldpswPre,
             .ldstUnscaled, .ldstPost, .ldstUnpriv, .ldstPre, .ldstRegOffset, .ldstUnsigned:
            return loadStore(op, w, pc)
        case .pacAut, .xpac, .pacga, .branchAuth, .retAuth, .eretAuth, .ldrAuth:
            return pointerAuth(op, w)
        default:
            // Data processing (register), and any operation of the table that no
            // case above names (see `fallback`).
            return dataProcessingRegister(op, w)
        }
    }

    /// Text for an operation this file does not know by name: llvm's generic
    /// form where it has one (the op0=0b00 system space, e.g. FEAT_SB's
    /// `sb`, which llvm prints as `msr S0_3_C3_C0_7, xzr` without +sb).
    static func fallback(_ op: A64Op, _ w: UInt32) -> String {
        guard w & 0xFFD8_0000 == 0xD500_0000 else { return "<unknown>" }
        let name = "S0_" + String(w.field(16, 3)) + "_C" + String(w.field(12, 4)) + "_C" + String(w.field(8, 4))
            + "_" + String(w.field(5, 3))
        return w.bit(21) ? "mrs " + x(w.rt) + ", " + name : "msr " + name + ", " + x(w.rt)
    }

    /// A block for logs: one line per word, `address: word  text`, the address
    /// as 16 hex digits and the word as 8, as objdump shows them.
    public static func disassemble(words: [UInt32], startPC: UInt64) -> [String] {
        var lines: [String] = []
        lines.reserveCapacity(words.count)
        var pc = startPC
        for w in words {
            lines.append(hex(pc, digits: 16) + ": " + hex(UInt64(w), digits: 8) + "  " + disassemble(w, pc: pc))
            pc &+= 4
        }
        return lines
    }

    // MARK: - Operand text shared by the instruction classes

    /// `0x` and lowercase hex digits, zero-padded to `digits` (no `0x` when padded).
    static func hex(_ v: UInt64, digits: Int) -> String {
        let s = String(v, radix: 16)
        return s.count >= digits ? s : String(repeating: "0", count: digits - s.count) + s
    }

    /// LLVM's formatHex of an unsigned value: `0x1f`.
    static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

    /// LLVM's formatImm with hex immediates: `0x10`, `-0x10`.
    static func imm(_ v: Int64) -> String {
        if v < 0 { return "-0x" + String(v.magnitude, radix: 16) }
        return "0x" + String(v, radix: 16)
    }

    static func imm(_ v: Int) -> String { imm(Int64(v)) }

    /// Branch/literal target as objdump prints it.
    static func target(_ pc: UInt64, _ offset: Int64) -> String {
        hex(pc &+ UInt64(bitPattern: offset))
    }

    /// General register `n` of width 64 (`x`) or 32 (`w`); 31 is the zero register.
    static func r(_ n: Int, _ x: Bool) -> String {
        if n == 31 { return x ? "xzr" : "wzr" }
        return (x ? "x" : "w") + String(n)
    }

    /// General register where 31 is the stack pointer.
    static func rsp(_ n: Int, _ x: Bool) -> String {
        if n == 31 { return x ? "sp" : "wsp" }
        return (x ? "x" : "w") + String(n)
    }

    static func x(_ n: Int) -> String { r(n, true) }
    static func xsp(_ n: Int) -> String { rsp(n, true) }

    static let conditionNames = ["eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc",
                                 "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"]
    static let shiftNames = ["lsl", "lsr", "asr", "ror"]
    static let extendNames = ["uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"]

    /// The comment objdump appends, separated here by one space.
    static func comment(_ text: String) -> String { " // " + text }
}
