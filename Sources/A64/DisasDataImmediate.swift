/// Disassembly of data processing (immediate): ADR/ADRP, add/sub, logical,
/// move wide, bitfield and EXTR, with llvm's aliases (MOV, CMP/CMN, TST,
/// LSL/LSR/ASR, SXT*/UXT*, {S,U}BFX/{S,U}BFIZ, BFI/BFXIL/BFC, ROR).
extension A64Disassembler {
    static func dataProcessingImmediate(_ op: A64Op, _ w: UInt32, _ pc: UInt64) -> String {
        let sf = w.sf
        switch op {
        case .adr:
            return "adr " + x(w.rd) + ", " + target(pc, w.adrImmediate)
        case .adrp:
            return "adrp " + x(w.rd) + ", " + target(pc & ~0xFFF, w.adrImmediate << 12)

        case .addImm, .addsImm, .subImm, .subsImm:
            let setsFlags = op == .addsImm || op == .subsImm
            let isSub = op == .subImm || op == .subsImm
            let shifted = w.bit(22)
            let rn = rsp(w.rn, sf)
            var operand = "#" + imm(w.imm12)
            var note = ""
            if shifted {
                operand += ", lsl #12"
                note = comment("=" + imm(w.imm12 << 12))
            }
            if op == .addImm && w.imm12 == 0 && !shifted && (w.rd == 31 || w.rn == 31) {
                return "mov " + rsp(w.rd, sf) + ", " + rn
            }
            if setsFlags && w.rd == 31 {
                return (isSub ? "cmp " : "cmn ") + rn + ", " + operand + note
            }
            let mnemonic = (isSub ? "sub" : "add") + (setsFlags ? "s" : "")
            let rd = setsFlags ? r(w.rd, sf) : rsp(w.rd, sf)
            return mnemonic + " " + rd + ", " + rn + ", " + operand + note

        case .andImm, .orrImm, .eorImm, .andsImm:
            let width = sf ? 64 : 32
            let value = decodeBitMasks(n: w.bit(22), imms: w.imms, immr: w.immr, immediate: true,
                                       dataSize: width)?.wmask ?? 0
            if op == .orrImm && w.rn == 31 && !isAnyMovWideAlias(value, width) {
                let v = signExtend(value, width)
                return "mov " + rsp(w.rd, sf) + ", #" + imm(v) + comment("=" + String(v))
            }
            if op == .andsImm && w.rd == 31 {
                return "tst " + r(w.rn, sf) + ", #" + hex(value)
            }
            let mnemonic = ["and", "orr", "eor", "ands"][w.field(29, 2)]
            let rd = op == .andsImm ? r(w.rd, sf) : rsp(w.rd, sf)
            return mnemonic + " " + rd + ", " + r(w.rn, sf) + ", #" + hex(value)

        case .movz, .movn, .movk:
            let width = sf ? 64 : 32
            let shift = w.hw * 16
            let chunk = UInt64(w.imm16) << UInt64(shift)
            if op == .movz && isMovzAlias(chunk, shift, width) {
                let v = signExtend(chunk, width)
                return "mov " + r(w.rd, sf) + ", #" + imm(v) + comment("=" + String(v))
            }
            if op == .movn {
                var value = ~chunk
                if width == 32 { value &= 0xFFFF_FFFF }
                if isMovnAlias(value, shift, width) {
                    let v = signExtend(value, width)
                    return "mov " + r(w.rd, sf) + ", #" + imm(v) + comment("=" + String(v))
                }
            }
            let mnemonic = op == .movz ? "movz" : op == .movn ? "movn" : "movk"
            return mnemonic + " " + r(w.rd, sf) + ", #" + imm(w.imm16) + (shift != 0 ? ", lsl #" + String(shift) : "")

        case .sbfm, .ubfm:
            return signedUnsignedBitfield(op == .sbfm, w)
        case .bfm:
            let bits = sf ? 64 : 32
            let immr = w.immr, imms = w.imms
            if w.rn == 31 && (immr == 0 || imms < immr) {
                return "bfc " + r(w.rd, sf) + ", #" + String((bits - immr) % bits) + ", #" + String(imms + 1)
            }
            if imms < immr {
                return "bfi " + r(w.rd, sf) + ", " + r(w.rn, sf) + ", #" + String((bits - immr) % bits)
                    + ", #" + String(imms + 1)
            }
            return "bfxil " + r(w.rd, sf) + ", " + r(w.rn, sf) + ", #" + String(immr) + ", #" + String(imms - immr + 1)

        case .extr:
            if w.rn == w.rm {
                return "ror " + r(w.rd, sf) + ", " + r(w.rn, sf) + ", #" + imm(w.imms)
            }
            return "extr " + r(w.rd, sf) + ", " + r(w.rn, sf) + ", " + r(w.rm, sf) + ", #" + imm(w.imms)
        default:
            return "<unknown>"
        }
    }

    /// SBFM/UBFM and their aliases, in llvm's order of preference.
    private static func signedUnsignedBitfield(_ signed: Bool, _ w: UInt32) -> String {
        let sf = w.sf
        let immr = w.immr, imms = w.imms
        let rd = r(w.rd, sf), rn = r(w.rn, sf)
        if immr == 0 {
            var name: String? = nil
            switch imms {
            case 7: name = signed ? "sxtb" : (sf ? nil : "uxtb")
            case 15: name = signed ? "sxth" : (sf ? nil : "uxth")
            case 31: name = signed && sf ? "sxtw" : nil
            default: break
            }
            if let name { return name + " " + rd + ", " + r(w.rn, false) }
        }
        let top = sf ? 63 : 31
        if !signed && imms != top && imms + 1 == immr {
            return "lsl " + rd + ", " + rn + ", #" + String(top - imms)
        }
        if imms == top {
            return (signed ? "asr " : "lsr ") + rd + ", " + rn + ", #" + String(immr)
        }
        if immr > imms {
            return (signed ? "sbfiz " : "ubfiz ") + rd + ", " + rn + ", #" + String((sf ? 64 : 32) - immr)
                + ", #" + String(imms + 1)
        }
        return (signed ? "sbfx " : "ubfx ") + rd + ", " + rn + ", #" + String(immr) + ", #" + String(imms - immr + 1)
    }

    // MARK: - Move-wide alias rules (AArch64 addressing modes in llvm)

    static func signExtend(_ v: UInt64, _ width: Int) -> Int64 {
        width == 64 ? Int64(bitPattern: v) : Int64(Int32(truncatingIfNeeded: v))
    }

    static func isMovzAlias(_ value: UInt64, _ shift: Int, _ width: Int) -> Bool {
        var v = value
        if width == 32 { v &= 0xFFFF_FFFF }
        if v == 0 && shift != 0 { return false }   // "#0, lsl #0" takes precedence
        return v & ~(UInt64(0xFFFF) << UInt64(shift)) == 0
    }

    static func isAnyMovzAlias(_ value: UInt64, _ width: Int) -> Bool {
        var shift = 0
        while shift <= width - 16 {
            if isMovzAlias(value, shift, width) { return true }
            shift += 16
        }
        return false
    }

    static func isMovnAlias(_ value: UInt64, _ shift: Int, _ width: Int) -> Bool {
        if isAnyMovzAlias(value, width) { return false }   // MOVZ takes precedence
        var v = ~value
        if width == 32 { v &= 0xFFFF_FFFF }
        return isMovzAlias(v, shift, width)
    }

    static func isAnyMovWideAlias(_ value: UInt64, _ width: Int) -> Bool {
        if isAnyMovzAlias(value, width) { return true }
        var v = ~value
        if width == 32 { v &= 0xFFFF_FFFF }
        return isAnyMovzAlias(v, width)
    }
}
