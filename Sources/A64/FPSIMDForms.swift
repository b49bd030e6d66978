/// The operand form of an FP/SIMD table line: which element sizes and
/// arrangements the encoding allows (an encoding outside them is unallocated,
/// and the decoder tries the next line), and how the disassembler prints its
/// operands. The lifter can ask `A64Decoder.form(w)` for it too: the form says
/// vector or scalar, FP16 or not, long/wide/narrow, by element, and so on.
///
/// Field names follow the Arm ARM: Q = bit 30, size = bits 23:22, sz = bit 22,
/// ftype = bits 23:22 of scalar FP (0 S, 1 D, 3 H), immh:immb = bits 22:16.
public enum A64Form: UInt8, Sendable {
    case none                   // integer lines: A64Decoder.isAllocated decides

    // Scalar floating point (ftype 0 S, 1 D, 3 H; 2 unallocated)
    case fp1, fp2, fp3          // 1-, 2-, 3-source: Sd, Sn[, Sm[, Sa]]
    case fp1SD                  // FRINT32*/FRINT64*: S and D only
    case fcvt                   // FCVT: destination type in opc (bits 16:15), not the source's
    case fcmp, fcmpZero         // FCMP Sn, Sm / FCMP Sn, #0.0
    case fccmp                  // FCCMP Sn, Sm, #nzcv, cond
    case fcsel                  // FCSEL Sd, Sn, Sm, cond
    case fmovImm                // FMOV Sd, #imm
    case fpToInt, intToFP       // FCVT*/SCVTF/UCVTF with a W/X register (sf)
    case fpToFixed, fixedToFP   // the same with #fbits (64 - scale)
    case fmovToGeneral, fmovFromGeneral   // FMOV W/X <-> H/S/D, and X <-> Vn.D[1]
    case fjcvtzs                // FJCVTZS Wd, Dn

    // AdvSIMD three registers, same arrangement (Vd.T, Vn.T, Vm.T)
    case sameBHSD               // size 3 needs Q = 1
    case sameBHS, sameHS, sameB
    case sameBytes              // logical: 8B/16B, size is part of the opcode
    case sameFP                 // sz: 2S/4S/2D
    case sameFP16               // 4H/8H
    case sameFMLAL              // FMLAL/FMLSL: 2S/4S, 2H/4H, 2H/4H
    case dot                    // SDOT/UDOT: 2S/4S, 8B/16B, 8B/16B
    case fcmla, fcadd           // size 1 H, 2 S, 3 D (Q = 1); #rotation
    // AdvSIMD three different
    case long, longHS           // Vd.Ta, Vn.Tb, Vm.Tb (2 with Q)
    case wide                   // Vd.Ta, Vn.Ta, Vm.Tb
    case narrowHigh             // Vd.Tb, Vn.Ta, Vm.Ta
    case pmull                  // size 0: 8H <- 8B; size 3: 1Q <- 1D
    // AdvSIMD two registers
    case miscBHSD, miscBHS, miscBH, miscBytes
    case miscZero               // compare with #0 (BHSD)
    case miscLongPair           // SADDLP...: Vd.Ta (half the lanes), Vn.T
    case miscNarrow             // XTN...: Vd.Tb, Vn.Ta
    case shll                   // SHLL: Vd.Ta, Vn.Tb, #esize
    case miscFP, miscFPZero, miscFPS
    case miscFP16, miscFP16Zero
    case fcvtn, fcvtxn, fcvtl
    // AdvSIMD across lanes
    case across, acrossLong, acrossFP, acrossFP16
    // AdvSIMD copy
    case dupElement, dupGeneral, smov, umov, insElement, insGeneral
    // AdvSIMD modified immediate (cmode decides)
    case imm32, imm16, immMSL, imm8, imm64, immFP, immFP64, immFP16
    // AdvSIMD shift by immediate (immh decides the element size)
    case shiftRight, shiftLeft, shiftNarrow, shiftLong, shiftFixed
    // AdvSIMD vector x indexed element
    case elemHS, elemLong, elemFP, elemFP16, elemDot, elemFCMLA, elemFMLAL
    // AdvSIMD permute, extract, table lookup
    case permute, ext, table

    // AdvSIMD scalar forms (Bd/Hd/Sd/Dd)
    case scalarSame, scalarSameD, scalarSameHS, scalarSameFP, scalarSameFP16
    case scalarLongHS
    case scalarMisc, scalarMiscD, scalarZeroD, scalarNarrow
    case scalarMiscFP, scalarMiscFPZero, scalarMiscFP16, scalarMiscFP16Zero, scalarFcvtxn
    case scalarPairD, scalarPairFP, scalarPairFP16
    case scalarDup
    case scalarShiftD, scalarShiftLeftD, scalarShiftLeft, scalarShiftNarrow, scalarShiftFixed
    case scalarElemHS, scalarElemLong, scalarElemFP, scalarElemFP16

    // Cryptography
    case aes                    // Vd.16B, Vn.16B
    case sha3Q                  // SHA1C/P/M: Qd, Sn, Vm.4S
    case sha3QQ                 // SHA256H/H2: Qd, Qn, Vm.4S
    case sha3V                  // Vd.4S, Vn.4S, Vm.4S
    case sha2S                  // SHA1H: Sd, Sn
    case sha2V                  // Vd.4S, Vn.4S
    case sha512QQ               // SHA512H/H2: Qd, Qn, Vm.2D
    case sha512V3, sha512V2     // Vd.2D, Vn.2D[, Vm.2D]
    case four16B                // EOR3/BCAX: Vd.16B, Vn.16B, Vm.16B, Va.16B
    case xar                    // XAR Vd.2D, Vn.2D, Vm.2D, #imm6
}

extension A64Form {
    /// Whether word `w` (which matched the line's pattern) is allocated in this form.
    @inline(never)
    func allows(_ w: UInt32) -> Bool {
        let q = w.bit(30), size = w.field(22, 2)
        switch self {
        case .none, .fp1, .fp2, .fp3, .fcmp, .fcmpZero, .fccmp, .fcsel, .fmovImm:
            return size != 2
        case .fp1SD: return size < 2
        case .fcvt:
            let opc = w.field(15, 2)
            return size != 2 && opc != 2 && opc != size
        case .fpToInt, .intToFP: return size != 2
        case .fpToFixed, .fixedToFP: return size != 2 && (w.sf || w.bit(15))
        case .fmovToGeneral, .fmovFromGeneral:
            // rmode 00: W<->S (sf 0, type 0), X<->D (sf 1, type 1), W/X<->H (type 3);
            // rmode 01: X<->D[1] (sf 1, type 2).
            if w.field(19, 2) == 1 { return w.sf && size == 2 }
            return size == 3 || (size == 0 && !w.sf) || (size == 1 && w.sf)
        case .fjcvtzs: return true

        case .sameBHSD, .miscBHSD, .miscZero, .permute: return size != 3 || q
        case .sameBHS, .miscBHS, .miscLongPair, .miscNarrow, .shll: return size != 3
        case .sameHS, .elemHS, .elemLong, .longHS, .scalarSameHS, .scalarElemHS, .scalarElemLong, .scalarLongHS:
            return size == 1 || size == 2
        case .sameB: return size == 0
        case .miscBH: return size < 2
        case .sameFP, .miscFP, .miscFPZero: return !w.bit(22) || q
        case .miscFPS: return !w.bit(22)
        case .fcvtxn, .scalarFcvtxn: return w.bit(22)
        case .dot, .elemDot: return size == 2
        case .sameFMLAL, .elemFMLAL: return true
        case .fcmla, .fcadd: return size == 1 || size == 2 || (size == 3 && q)
        case .long, .wide, .narrowHigh: return size != 3
        case .pmull: return size == 0 || size == 3
        case .across, .acrossLong: return size < 2 || (size == 2 && q)
        case .acrossFP: return q && !w.bit(22)

        case .dupElement, .scalarDup:
            let imm5 = w.field(16, 5)
            if imm5 & 0xF == 0 { return false }
            return self == .scalarDup || imm5 & 0xF != 8 || q
        case .dupGeneral:
            let imm5 = w.field(16, 5)
            return imm5 & 0xF != 0 && (imm5 & 0xF != 8 || q)
        case .smov:
            let imm5 = w.field(16, 5)
            return imm5 & 1 == 1 || imm5 & 3 == 2 || (q && imm5 & 7 == 4)
        case .umov:
            let imm5 = w.field(16, 5)
            return q ? imm5 & 0xF == 8 : (imm5 & 1 == 1 || imm5 & 3 == 2 || imm5 & 7 == 4)
        case .insElement, .insGeneral: return w.field(16, 4) != 0
        case .imm64, .immFP64: return true

        case .shiftRight, .shiftLeft, .shiftFixed:
            let immh = w.field(19, 4)
            if self == .shiftFixed && immh < 2 { return false }
            return immh < 8 || q
        case .shiftNarrow, .shiftLong: return w.field(19, 4) < 8
        case .scalarShiftD, .scalarShiftLeftD: return w.bit(22)
        case .scalarShiftLeft: return true
        case .scalarShiftNarrow: return w.field(19, 4) < 8
        case .scalarShiftFixed: return w.field(19, 4) >= 2

        case .elemFP, .scalarElemFP:
            // D: L must be 0 and (vector) Q must be 1.
            return !w.bit(22) || (!w.bit(21) && (q || self == .scalarElemFP))
        case .elemFCMLA:
            // H: index H:L (Q = 0 allows only H = 0); S: index H, L = 0, Q = 1.
            if size == 1 { return q || !w.bit(11) }
            return size == 2 && !w.bit(21) && q
        case .ext: return q || !w.bit(14)
        case .scalarSameD, .scalarMiscD, .scalarZeroD: return size == 3
        case .scalarNarrow: return size != 3
        default: return true
        }
    }

    /// True for the AdvSIMD forms printed with scalar registers (Bd, Hd, Sd, Dd).
    public var isScalarSIMD: Bool {
        rawValue >= A64Form.scalarSame.rawValue && rawValue <= A64Form.scalarElemFP16.rawValue
    }
}
