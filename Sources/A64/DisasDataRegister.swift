/// Disassembly of data processing (register): logical and add/sub (shifted,
/// extended), carry, conditional compare/select, multiply, divide, variable
/// shifts, CRC32 and the one-source operations, with llvm's aliases (MOV, MVN,
/// TST, CMP/CMN, NEG/NEGS, NGC/NGCS, CSET/CSETM/CINC/CINV/CNEG, MUL/MNEG,
/// {S,U}MULL, {S,U}MNEGL, LSL/LSR/ASR/ROR).
extension A64Disassembler {
    static func dataProcessingRegister(_ op: A64Op, _ w: UInt32) -> String {
        let sf = w.sf
        let rd = r(w.rd, sf), rn = r(w.rn, sf), rm = r(w.rm, sf)
        switch op {
        case .logicalShifted:
            let opc = w.field(29, 2), negate = w.bit(21)
            let shift = shifted(w)
            if opc == 1 && w.rn == 31 {
                if !negate && w.shiftType == 0 && w.imm6 == 0 { return "mov " + rd + ", " + rm }
                if negate { return "mvn " + rd + ", " + rm + shift }
            }
            if opc == 3 && !negate && w.rd == 31 { return "tst " + rn + ", " + rm + shift }
            let names = negate ? ["bic", "orn", "eon", "bics"] : ["and", "orr", "eor", "ands"]
            return names[opc] + " " + rd + ", " + rn + ", " + rm + shift

        case .addSubShifted:
            let isSub = w.bit(30), setsFlags = w.bit(29)
            let shift = shifted(w)
            if setsFlags && w.rd == 31 {
                return (isSub ? "cmp " : "cmn ") + rn + ", " + rm + shift
            }
            if isSub && w.rn == 31 {
                return (setsFlags ? "negs " : "neg ") + rd + ", " + rm + shift
            }
            return (isSub ? "sub" : "add") + (setsFlags ? "s " : " ") + rd + ", " + rn + ", " + rm + shift

        case .addSubExtended:
            let isSub = w.bit(30), setsFlags = w.bit(29)
            let option = w.option, amount = w.imm3
            let rmText = r(w.rm, sf && (option & 3) == 3)
            let rnText = rsp(w.rn, sf)
            // UXTW (32-bit) / UXTX (64-bit) next to [W]SP prints as LSL, or not at all.
            let ext: String
            if option == (sf ? 3 : 2) && (w.rd == 31 && !setsFlags || w.rn == 31) {
                ext = amount != 0 ? ", lsl #" + String(amount) : ""
            } else {
                ext = ", " + extendNames[option] + (amount != 0 ? " #" + String(amount) : "")
            }
            if setsFlags && w.rd == 31 {
                return (isSub ? "cmp " : "cmn ") + rnText + ", " + rmText + ext
            }
            let rdText = setsFlags ? rd : rsp(w.rd, sf)
            return (isSub ? "sub" : "add") + (setsFlags ? "s " : " ") + rdText + ", " + rnText + ", " + rmText + ext

        case .addSubCarry:
            let isSub = w.bit(30), setsFlags = w.bit(29)
            if isSub && w.rn == 31 { return (setsFlags ? "ngcs " : "ngc ") + rd + ", " + rm }
            return (isSub ? "sbc" : "adc") + (setsFlags ? "s " : " ") + rd + ", " + rn + ", " + rm

        case .condCompareReg, .condCompareImm:
            let second = op == .condCompareImm ? "#" + imm(w.rm) : rm
            return (w.bit(30) ? "ccmp " : "ccmn ") + rn + ", " + second + ", #" + imm(w.field(0, 4)) + ", "
                + conditionNames[w.cond]

        case .condSelect:
            let kind = (w.bit(30) ? 2 : 0) | (w.bit(10) ? 1 : 0)   // csel, csinc, csinv, csneg
            let cond = w.cond
            if cond < 14 && w.rm == w.rn {
                let inverse = conditionNames[cond ^ 1]
                switch kind {
                case 1: return w.rn == 31 ? "cset " + rd + ", " + inverse : "cinc " + rd + ", " + rn + ", " + inverse
                case 2: return w.rn == 31 ? "csetm " + rd + ", " + inverse : "cinv " + rd + ", " + rn + ", " + inverse
                case 3: return "cneg " + rd + ", " + rn + ", " + inverse
                default: break
                }
            }
            return ["csel", "csinc", "csinv", "csneg"][kind] + " " + rd + ", " + rn + ", " + rm + ", " + conditionNames[cond]

        case .madd, .msub:
            if w.ra == 31 { return (op == .madd ? "mul " : "mneg ") + rd + ", " + rn + ", " + rm }
            return (op == .madd ? "madd " : "msub ") + rd + ", " + rn + ", " + rm + ", " + r(w.ra, sf)
        case .smaddl, .smsubl, .umaddl, .umsubl:
            let prefix = op == .smaddl || op == .smsubl ? "s" : "u"
            let add = op == .smaddl || op == .umaddl
            let sources = x(w.rd) + ", " + r(w.rn, false) + ", " + r(w.rm, false)
            if w.ra == 31 { return prefix + (add ? "mull " : "mnegl ") + sources }
            return prefix + (add ? "maddl " : "msubl ") + sources + ", " + x(w.ra)
        case .smulh, .umulh:
            return (op == .smulh ? "smulh " : "umulh ") + rd + ", " + rn + ", " + rm

        case .udiv, .sdiv, .lslv, .lsrv, .asrv, .rorv:
            let names: [A64Op: String] = [.udiv: "udiv", .sdiv: "sdiv", .lslv: "lsl", .lsrv: "lsr",
                                          .asrv: "asr", .rorv: "ror"]
            return names[op]! + " " + rd + ", " + rn + ", " + rm
        case .crc32:
            let size = w.field(10, 2)
            let name = "crc32" + (w.bit(12) ? "c" : "") + ["b", "h", "w", "x"][size]
            return name + " " + r(w.rd, false) + ", " + r(w.rn, false) + ", " + r(w.rm, size == 3)

        case .rbit: return "rbit " + rd + ", " + rn
        case .rev16: return "rev16 " + rd + ", " + rn
        case .rev: return (sf && !w.bit(10) ? "rev32 " : "rev ") + rd + ", " + rn
        case .clz: return "clz " + rd + ", " + rn
        case .cls: return "cls " + rd + ", " + rn
        default:
            return fallback(op, w)
        }
    }

    /// `, lsl #3` for a shifted-register operand; LSL #0 prints nothing.
    private static func shifted(_ w: UInt32) -> String {
        if w.shiftType == 0 && w.imm6 == 0 { return "" }
        return ", " + shiftNames[w.shiftType] + " #" + String(w.imm6)
    }
}
