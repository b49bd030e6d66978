/// Every A64 encoding Armature decodes, one line each: a 32-character bit
/// pattern (bit 31 first; `0`/`1` fixed, anything else a field bit) and the
/// operation it decodes to. The order matters only where patterns overlap:
/// the first match wins, so unallocated carve-outs come before the general form.
/// FP/SIMD lines also carry the mnemonic and an operand form (`A64Form`): a
/// word whose sizes the form does not allow skips to the next matching line.
/// Arm ARM C4.1 ("A64 instruction set encoding") is the index these follow.
public enum A64Op: UInt16, CaseIterable, Sendable {
    case unallocated
    case udf
    // Data processing: immediate
    case adr, adrp
    case addImm, addsImm, subImm, subsImm
    case andImm, orrImm, eorImm, andsImm
    case movn, movz, movk
    case sbfm, bfm, ubfm
    case extr
    // Branches, exception generation, system
    case b, bl, cbz, cbnz, tbz, tbnz, bCond
    case br, blr, ret, eret
    case svc, hvc, smc, brk, hlt
    case hint, clrex, dsb, dmb, isb
    case sb             // FEAT_SB speculation barrier
    case msrImm, sys, sysl, msrReg, mrs
    // Loads and stores
    case stxr, stlxr, ldxr, ldaxr, stxp, stlxp, ldxp, ldaxp
    case stlr, ldar, ldapr
    case cas, casp
    case atomicOp      // LDADD/LDCLR/LDEOR/LDSET/LD{S,U}{MAX,MIN} (opc in bits 14:12)
    case swp
    case ldrLiteral, ldrswLiteral, prfmLiteral
    case stnp, ldnp
    case stpPost, ldpPost, ldpswPost
    case stpOffset, ldpOffset, ldpswOffset
    case stpPre, ldpPre, ldpswPre
    case ldstUnscaled  // STUR/LDUR*/PRFUM (size, opc decide)
    case ldstPost      // STR/LDR* (immediate, post-index)
    case ldstUnpriv    // STTR/LDTR*
    case ldstPre       // STR/LDR* (immediate, pre-index)
    case ldstRegOffset // STR/LDR*/PRFM (register offset)
    case ldstUnsigned  // STR/LDR*/PRFM (unsigned offset)
    // Data processing: register
    case logicalShifted     // AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (opc, N)
    case addSubShifted      // ADD/ADDS/SUB/SUBS (op, S)
    case addSubExtended
    case addSubCarry        // ADC/ADCS/SBC/SBCS
    case condCompareReg, condCompareImm
    case condSelect         // CSEL/CSINC/CSINV/CSNEG
    case madd, msub, smaddl, smsubl, smulh, umaddl, umsubl, umulh
    case udiv, sdiv, lslv, lsrv, asrv, rorv
    case crc32
    case rbit, rev16, rev, clz, cls
    // FEAT_PAuth (A64PAuth.swift): PAC*/AUT* and their Z forms, XPACI/XPACD,
    // PACGA, BRA*/BLRA* (and the Z forms), RETAA/RETAB, ERETAA/ERETAB, LDRAA/LDRAB.
    case pacAut, xpac, pacga, branchAuth, retAuth, eretAuth, ldrAuth

    // FP/SIMD loads and stores (V = 1). The field helpers say which register
    // size (ldstSize/opc), structure count and element size each word has.
    case fpLdrLiteral
    case fpStnp, fpLdnp, fpStpPost, fpLdpPost, fpStpOffset, fpLdpOffset, fpStpPre, fpLdpPre
    case fpLdstUnscaled, fpLdstPost, fpLdstPre, fpLdstRegOffset, fpLdstUnsigned
    case simdLdstMultiple, simdLdstMultiplePost     // LD1-LD4/ST1-ST4 (multiple structures)
    case simdLdstSingle, simdLdstSinglePost         // one lane, and LD1R-LD4R
    // Scalar floating point: one op per instruction, ftype (bits 23:22) gives
    // the precision; fcmp/fcmpe with form .fcmpZero compare with #0.0.
    case fmovReg, fabs, fneg, fsqrt, fcvt, frintn, frintp, frintm, frintz, frinta, frintx, frinti
    case frint32z, frint32x, frint64z, frint64x, fmul, fdiv, fadd, fsub, fmax, fmin, fmaxnm, fminnm, fnmul
    case fcmp, fcmpe, fccmp, fccmpe, fcsel, fmovImm, fmadd, fmsub, fnmadd, fnmsub, fcvtnsInt, fcvtnuInt
    case scvtfInt, ucvtfInt, fcvtasInt, fcvtauInt, fmovToGeneral, fmovFromGeneral, fcvtpsInt, fcvtpuInt
    case fcvtmsInt, fcvtmuInt, fcvtzsInt, fcvtzuInt, fjcvtzs, scvtfFixed, ucvtfFixed, fcvtzsFixed, fcvtzuFixed
    // AdvSIMD: one op per instruction, shared by its vector, scalar and FP16
    // encodings (A64Decoder.form(w) tells which: element size and layout).
    // Zero = compare with zero, Imm = shift by immediate, Fixed = fixed point,
    // Elem = by element.
    case vShadd, vSqadd, vSrhadd, vShsub, vSqsub, vCmgt, vCmge, vSshl, vSqshl, vSrshl, vSqrshl, vSmax, vSmin
    case vSabd, vSaba, vAdd, vCmtst, vMla, vMul, vSmaxp, vSminp, vSqdmulh, vAddp, vUhadd, vUqadd, vUrhadd
    case vUhsub, vUqsub, vCmhi, vCmhs, vUshl, vUqshl, vUrshl, vUqrshl, vUmax, vUmin, vUabd, vUaba, vSub, vCmeq
    case vMls, vPmul, vUmaxp, vUminp, vSqrdmulh, vAnd, vBic, vOrr, vOrn, vEor, vBsl, vBit, vBif, vFmaxnm
    case vFmla, vFadd, vFmulx, vFcmeq, vFmax, vFrecps, vFminnm, vFmls, vFsub, vFmin, vFrsqrts, vFmaxnmp
    case vFaddp, vFmul, vFcmge, vFacge, vFmaxp, vFdiv, vFminnmp, vFabd, vFcmgt, vFacgt, vFminp, vFmlal, vFmlsl
    case vFmlal2, vFmlsl2, vSqrdmlah, vSqrdmlsh, vSdot, vUdot, vFcmla, vFcadd, vRev64, vRev16, vSaddlp
    case vSuqadd, vCls, vCnt, vSadalp, vSqabs, vCmgtZero, vCmeqZero, vCmltZero, vAbs, vXtn, vSqxtn, vFcvtn
    case vFcvtl, vFrintn, vFrintm, vFcvtns, vFcvtms, vFcvtas, vScvtf, vFrint32z, vFrint64z, vFcmgtZero
    case vFcmeqZero, vFcmltZero, vFabs, vFrintp, vFrintz, vFcvtps, vFcvtzs, vUrecpe, vFrecpe, vRev32, vUaddlp
    case vUsqadd, vClz, vNot, vRbit, vUadalp, vSqneg, vCmgeZero, vCmleZero, vNeg, vSqxtun, vShll, vUqxtn
    case vFcvtxn, vFrinta, vFrintx, vFcvtnu, vFcvtmu, vFcvtau, vUcvtf, vFrint32x, vFrint64x, vFcmgeZero
    case vFcmleZero, vFneg, vFrinti, vFcvtpu, vFcvtzu, vUrsqrte, vFrsqrte, vFsqrt, vSaddlv, vSmaxv, vSminv
    case vAddv, vUaddlv, vUmaxv, vUminv, vFmaxnmv, vFmaxv, vFminnmv, vFminv, vSaddl, vSaddw, vSsubl, vSsubw
    case vAddhn, vSabal, vSubhn, vSabdl, vSmlal, vSqdmlal, vSmlsl, vSqdmlsl, vSmull, vSqdmull, vPmull, vUaddl
    case vUaddw, vUsubl, vUsubw, vRaddhn, vUabal, vRsubhn, vUabdl, vUmlal, vUmlsl, vUmull, vUzp1, vTrn1, vZip1
    case vUzp2, vTrn2, vZip2, vExt, vTbl, vTbx, vDupElement, vDupGeneral, vSmov, vUmov, vInsGeneral
    case vInsElement, vMovi, vMvni, vOrrImm, vBicImm, vFmovImm, vSshr, vSsra, vSrshr, vSrsra, vShl, vSqshlImm
    case vShrn, vRshrn, vSqshrn, vSqrshrn, vSshll, vScvtfFixed, vFcvtzsFixed, vUshr, vUsra, vUrshr, vUrsra
    case vSri, vSli, vSqshlu, vUqshlImm, vSqshrun, vSqrshrun, vUqshrn, vUqrshrn, vUshll, vUcvtfFixed
    case vFcvtzuFixed, vFmlaElem, vSmlalElem, vSqdmlalElem, vFmlsElem, vSmlslElem, vSqdmlslElem, vMulElem
    case vFmulElem, vSmullElem, vSqdmullElem, vSqdmulhElem, vSqrdmulhElem, vSdotElem, vFmlalElem, vFmlslElem
    case vMlaElem, vUmlalElem, vMlsElem, vUmlslElem, vFmulxElem, vUmullElem, vSqrdmlahElem, vSqrdmlshElem
    case vUdotElem, vFcmlaElem, vFmlal2Elem, vFmlsl2Elem, vFrecpx
    // Cryptography
    case aese, aesd, aesmc, aesimc, sha1c, sha1p, sha1m, sha1su0, sha256h, sha256h2, sha256su1, sha1h, sha1su1
    case sha256su0, sha512h, sha512h2, sha512su1, rax1, sha512su0, eor3, bcax, xar
}

extension A64Op {
    /// An FP/SIMD instruction (loads/stores with V = 1, scalar FP, AdvSIMD,
    /// crypto): the ones CPACR_EL1.FPEN/CPTR_ELx.TFP trap.
    @inline(__always) public var isFPSIMD: Bool { rawValue >= A64Op.fpLdrLiteral.rawValue }
}

public struct A64Encoding: Sendable {
    public let mask: UInt32
    public let value: UInt32
    public let op: A64Op
    public let pattern: String
    /// FP/SIMD lines: the mnemonic llvm prints and the operand form.
    public let mnemonic: String
    public let form: A64Form

    init(_ pattern: String, _ op: A64Op, _ mnemonic: String = "", _ form: A64Form = .none) {
        // Bytes, not Characters: the table of a few thousand lines is built
        // at every start.
        var m: UInt32 = 0, v: UInt32 = 0, n = 0
        for c in pattern.utf8 where c != UInt8(ascii: " ") {
            m <<= 1
            v <<= 1
            if c == UInt8(ascii: "0") { m |= 1 } else if c == UInt8(ascii: "1") { m |= 1; v |= 1 }
            n += 1
        }
        precondition(n == 32, "pattern for \(op) has \(n) bits")
        mask = m
        value = v
        self.op = op
        self.pattern = pattern
        self.mnemonic = mnemonic
        self.form = form
    }

    @inline(__always) public func matches(_ w: UInt32) -> Bool { w & mask == value }
}

extension A64Decoder {
    //                     3         2         1         0
    //                    10987654321098765432109876543210
    /// Every line: the integer instructions, then FP/SIMD by group.
    public static let table: [A64Encoding] = integerTable + fpLoadStoreTable + fpScalarTable
        + simdVectorTable + simdElementTable + simdScalarTable + cryptoTable

    static let integerTable: [A64Encoding] = [
        A64Encoding("0000000000000000xxxxxxxxxxxxxxxx", .udf),

        // Data processing, immediate (C4.1.86)
        A64Encoding("0xx10000xxxxxxxxxxxxxxxxxxxxxxxx", .adr),
        A64Encoding("1xx10000xxxxxxxxxxxxxxxxxxxxxxxx", .adrp),
        A64Encoding("x00100010xxxxxxxxxxxxxxxxxxxxxxx", .addImm),
        A64Encoding("x01100010xxxxxxxxxxxxxxxxxxxxxxx", .addsImm),
        A64Encoding("x10100010xxxxxxxxxxxxxxxxxxxxxxx", .subImm),
        A64Encoding("x11100010xxxxxxxxxxxxxxxxxxxxxxx", .subsImm),
        A64Encoding("0xx1001001xxxxxxxxxxxxxxxxxxxxxx", .unallocated),   // logical imm: sf=0, N=1
        A64Encoding("x00100100xxxxxxxxxxxxxxxxxxxxxxx", .andImm),
        A64Encoding("x01100100xxxxxxxxxxxxxxxxxxxxxxx", .orrImm),
        A64Encoding("x10100100xxxxxxxxxxxxxxxxxxxxxxx", .eorImm),
        A64Encoding("x11100100xxxxxxxxxxxxxxxxxxxxxxx", .andsImm),
        A64Encoding("0xx1001011xxxxxxxxxxxxxxxxxxxxxx", .unallocated),   // move wide: sf=0, hw>=2
        A64Encoding("x00100101xxxxxxxxxxxxxxxxxxxxxxx", .movn),
        A64Encoding("x10100101xxxxxxxxxxxxxxxxxxxxxxx", .movz),
        A64Encoding("x11100101xxxxxxxxxxxxxxxxxxxxxxx", .movk),
        A64Encoding("x00100110xxxxxxxxxxxxxxxxxxxxxxx", .sbfm),
        A64Encoding("x01100110xxxxxxxxxxxxxxxxxxxxxxx", .bfm),
        A64Encoding("x10100110xxxxxxxxxxxxxxxxxxxxxxx", .ubfm),
        A64Encoding("x00100111x0xxxxxxxxxxxxxxxxxxxxx", .extr),

        // Branches, exception generating and system instructions (C4.1.87)
        A64Encoding("000101xxxxxxxxxxxxxxxxxxxxxxxxxx", .b),
        A64Encoding("100101xxxxxxxxxxxxxxxxxxxxxxxxxx", .bl),
        A64Encoding("x0110100xxxxxxxxxxxxxxxxxxxxxxxx", .cbz),
        A64Encoding("x0110101xxxxxxxxxxxxxxxxxxxxxxxx", .cbnz),
        A64Encoding("x0110110xxxxxxxxxxxxxxxxxxxxxxxx", .tbz),
        A64Encoding("x0110111xxxxxxxxxxxxxxxxxxxxxxxx", .tbnz),
        A64Encoding("01010100xxxxxxxxxxxxxxxxxxx0xxxx", .bCond),
        A64Encoding("11010100000xxxxxxxxxxxxxxxx00001", .svc),
        A64Encoding("11010100000xxxxxxxxxxxxxxxx00010", .hvc),
        A64Encoding("11010100000xxxxxxxxxxxxxxxx00011", .smc),
        A64Encoding("11010100001xxxxxxxxxxxxxxxx00000", .brk),
        A64Encoding("11010100010xxxxxxxxxxxxxxxx00000", .hlt),
        A64Encoding("11010101000000110010xxxxxxx11111", .hint),
        A64Encoding("11010101000000110011xxxx01011111", .clrex),
        A64Encoding("11010101000000110011xxxx10011111", .dsb),
        A64Encoding("11010101000000110011xxxx10111111", .dmb),
        A64Encoding("11010101000000110011xxxx11011111", .isb),
        A64Encoding("11010101000000110011000011111111", .sb),
        A64Encoding("1101010100000xxx0100xxxxxxx11111", .msrImm),
        A64Encoding("1101010100001xxxxxxxxxxxxxxxxxxx", .sys),
        A64Encoding("1101010100101xxxxxxxxxxxxxxxxxxx", .sysl),
        A64Encoding("110101010001xxxxxxxxxxxxxxxxxxxx", .msrReg),
        A64Encoding("110101010011xxxxxxxxxxxxxxxxxxxx", .mrs),
        A64Encoding("1101011000011111000000xxxxx00000", .br),
        A64Encoding("1101011000111111000000xxxxx00000", .blr),
        A64Encoding("1101011001011111000000xxxxx00000", .ret),
        A64Encoding("11010110100111110000001111100000", .eret),
        A64Encoding("1101011000x1111100001xxxxxx11111", .branchAuth),   // BRAAZ/BRABZ/BLRAAZ/BLRABZ
        A64Encoding("1101011100x1111100001xxxxxxxxxxx", .branchAuth),   // BRAA/BRAB/BLRAA/BLRAB
        A64Encoding("110101100101111100001x1111111111", .retAuth),
        A64Encoding("110101101001111100001x1111111111", .eretAuth),

        // Loads and stores (C4.1.88)
        A64Encoding("xx001000000xxxxx0xxxxxxxxxxxxxxx", .stxr),
        A64Encoding("xx001000000xxxxx1xxxxxxxxxxxxxxx", .stlxr),
        A64Encoding("xx001000010xxxxx0xxxxxxxxxxxxxxx", .ldxr),
        A64Encoding("xx001000010xxxxx1xxxxxxxxxxxxxxx", .ldaxr),
        A64Encoding("1x001000001xxxxx0xxxxxxxxxxxxxxx", .stxp),
        A64Encoding("1x001000001xxxxx1xxxxxxxxxxxxxxx", .stlxp),
        A64Encoding("1x001000011xxxxx0xxxxxxxxxxxxxxx", .ldxp),
        A64Encoding("1x001000011xxxxx1xxxxxxxxxxxxxxx", .ldaxp),
        A64Encoding("0x0010000x1xxxxxx11111xxxxxxxxxx", .casp),
        A64Encoding("xx001000100xxxxx1xxxxxxxxxxxxxxx", .stlr),
        A64Encoding("xx001000110xxxxx1xxxxxxxxxxxxxxx", .ldar),
        A64Encoding("xx0010001x1xxxxxx11111xxxxxxxxxx", .cas),
        A64Encoding("xx11100010111111110000xxxxxxxxxx", .ldapr),
        A64Encoding("xx111000xx1xxxxx0xxx00xxxxxxxxxx", .atomicOp),
        A64Encoding("xx111000xx1xxxxx100000xxxxxxxxxx", .swp),
        A64Encoding("0x011000xxxxxxxxxxxxxxxxxxxxxxxx", .ldrLiteral),
        A64Encoding("10011000xxxxxxxxxxxxxxxxxxxxxxxx", .ldrswLiteral),
        A64Encoding("11011000xxxxxxxxxxxxxxxxxxxxxxxx", .prfmLiteral),
        A64Encoding("x010100000xxxxxxxxxxxxxxxxxxxxxx", .stnp),
        A64Encoding("x010100001xxxxxxxxxxxxxxxxxxxxxx", .ldnp),
        A64Encoding("x010100010xxxxxxxxxxxxxxxxxxxxxx", .stpPost),
        A64Encoding("x010100011xxxxxxxxxxxxxxxxxxxxxx", .ldpPost),
        A64Encoding("0110100011xxxxxxxxxxxxxxxxxxxxxx", .ldpswPost),
        A64Encoding("x010100100xxxxxxxxxxxxxxxxxxxxxx", .stpOffset),
        A64Encoding("x010100101xxxxxxxxxxxxxxxxxxxxxx", .ldpOffset),
        A64Encoding("0110100101xxxxxxxxxxxxxxxxxxxxxx", .ldpswOffset),
        A64Encoding("x010100110xxxxxxxxxxxxxxxxxxxxxx", .stpPre),
        A64Encoding("x010100111xxxxxxxxxxxxxxxxxxxxxx", .ldpPre),
        A64Encoding("0110100111xxxxxxxxxxxxxxxxxxxxxx", .ldpswPre),
        A64Encoding("xx111000xx0xxxxxxxxx00xxxxxxxxxx", .ldstUnscaled),
        A64Encoding("xx111000xx0xxxxxxxxx01xxxxxxxxxx", .ldstPost),
        A64Encoding("xx111000xx0xxxxxxxxx10xxxxxxxxxx", .ldstUnpriv),
        A64Encoding("xx111000xx0xxxxxxxxx11xxxxxxxxxx", .ldstPre),
        A64Encoding("xx111000xx1xxxxxxxxx10xxxxxxxxxx", .ldstRegOffset),
        A64Encoding("xx111001xxxxxxxxxxxxxxxxxxxxxxxx", .ldstUnsigned),
        A64Encoding("11111000xx1xxxxxxxxxx1xxxxxxxxxx", .ldrAuth),

        // Data processing, register (C4.1.89)
        A64Encoding("xxx01010xxxxxxxxxxxxxxxxxxxxxxxx", .logicalShifted),
        A64Encoding("xxx01011xx0xxxxxxxxxxxxxxxxxxxxx", .addSubShifted),
        A64Encoding("xxx01011001xxxxxxxxxxxxxxxxxxxxx", .addSubExtended),
        A64Encoding("xxx11010000xxxxx000000xxxxxxxxxx", .addSubCarry),
        A64Encoding("xx111010010xxxxxxxxx00xxxxx0xxxx", .condCompareReg),
        A64Encoding("xx111010010xxxxxxxxx10xxxxx0xxxx", .condCompareImm),
        A64Encoding("xx011010100xxxxxxxxx0xxxxxxxxxxx", .condSelect),
        A64Encoding("x0011011000xxxxx0xxxxxxxxxxxxxxx", .madd),
        A64Encoding("x0011011000xxxxx1xxxxxxxxxxxxxxx", .msub),
        A64Encoding("10011011001xxxxx0xxxxxxxxxxxxxxx", .smaddl),
        A64Encoding("10011011001xxxxx1xxxxxxxxxxxxxxx", .smsubl),
        A64Encoding("10011011010xxxxx0xxxxxxxxxxxxxxx", .smulh),
        A64Encoding("10011011101xxxxx0xxxxxxxxxxxxxxx", .umaddl),
        A64Encoding("10011011101xxxxx1xxxxxxxxxxxxxxx", .umsubl),
        A64Encoding("10011011110xxxxx0xxxxxxxxxxxxxxx", .umulh),
        A64Encoding("x0011010110xxxxx000010xxxxxxxxxx", .udiv),
        A64Encoding("x0011010110xxxxx000011xxxxxxxxxx", .sdiv),
        A64Encoding("x0011010110xxxxx001000xxxxxxxxxx", .lslv),
        A64Encoding("x0011010110xxxxx001001xxxxxxxxxx", .lsrv),
        A64Encoding("x0011010110xxxxx001010xxxxxxxxxx", .asrv),
        A64Encoding("x0011010110xxxxx001011xxxxxxxxxx", .rorv),
        A64Encoding("x0011010110xxxxx010xxxxxxxxxxxxx", .crc32),
        A64Encoding("x101101011000000000000xxxxxxxxxx", .rbit),
        A64Encoding("x101101011000000000001xxxxxxxxxx", .rev16),
        A64Encoding("x10110101100000000001xxxxxxxxxxx", .rev),
        A64Encoding("x101101011000000000100xxxxxxxxxx", .clz),
        A64Encoding("x101101011000000000101xxxxxxxxxx", .cls),
        A64Encoding("110110101100000100xxxxxxxxxxxxxx", .pacAut),   // Z forms (opcode<3>): Rn = 11111
        A64Encoding("110110101100000101000x11111xxxxx", .xpac),
        A64Encoding("10011010110xxxxx001100xxxxxxxxxx", .pacga),
    ]
}
