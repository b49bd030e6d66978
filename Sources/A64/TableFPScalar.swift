/// Scalar floating point (Arm ARM C4.1.96, "Data Processing -- Scalar
/// Floating-Point and Advanced SIMD", the M = S = 0 rows): 1/2/3-source,
/// compare, conditional compare/select, FMOV immediate, and the conversions
/// between FP and integer or fixed point. ftype (bits 23:22): 0 S, 1 D, 3 H.
extension A64Decoder {
    private static func L(_ p: String, _ op: A64Op, _ mn: String, _ form: A64Form) -> A64Encoding {
        A64Encoding(p, op, mn, form)
    }

    static let fpScalarTable: [A64Encoding] = [
        //  3         2         1         0
        // 10987654321098765432109876543210
        // 1-source: 0 0 0 11110 ftype 1 opcode(20:15) 10000 Rn Rd
        L("00011110xx100000010000xxxxxxxxxx", .fmovReg, "fmov", .fp1),
        L("00011110xx100000110000xxxxxxxxxx", .fabs, "fabs", .fp1),
        L("00011110xx100001010000xxxxxxxxxx", .fneg, "fneg", .fp1),
        L("00011110xx100001110000xxxxxxxxxx", .fsqrt, "fsqrt", .fp1),
        L("00011110xx10001xx10000xxxxxxxxxx", .fcvt, "fcvt", .fcvt),
        L("00011110xx100100010000xxxxxxxxxx", .frintn, "frintn", .fp1),
        L("00011110xx100100110000xxxxxxxxxx", .frintp, "frintp", .fp1),
        L("00011110xx100101010000xxxxxxxxxx", .frintm, "frintm", .fp1),
        L("00011110xx100101110000xxxxxxxxxx", .frintz, "frintz", .fp1),
        L("00011110xx100110010000xxxxxxxxxx", .frinta, "frinta", .fp1),
        L("00011110xx100111010000xxxxxxxxxx", .frintx, "frintx", .fp1),
        L("00011110xx100111110000xxxxxxxxxx", .frinti, "frinti", .fp1),
        L("00011110xx101000010000xxxxxxxxxx", .frint32z, "frint32z", .fp1SD),
        L("00011110xx101000110000xxxxxxxxxx", .frint32x, "frint32x", .fp1SD),
        L("00011110xx101001010000xxxxxxxxxx", .frint64z, "frint64z", .fp1SD),
        L("00011110xx101001110000xxxxxxxxxx", .frint64x, "frint64x", .fp1SD),

        // 2-source: 0 0 0 11110 ftype 1 Rm opcode(15:12) 10 Rn Rd
        L("00011110xx1xxxxx000010xxxxxxxxxx", .fmul, "fmul", .fp2),
        L("00011110xx1xxxxx000110xxxxxxxxxx", .fdiv, "fdiv", .fp2),
        L("00011110xx1xxxxx001010xxxxxxxxxx", .fadd, "fadd", .fp2),
        L("00011110xx1xxxxx001110xxxxxxxxxx", .fsub, "fsub", .fp2),
        L("00011110xx1xxxxx010010xxxxxxxxxx", .fmax, "fmax", .fp2),
        L("00011110xx1xxxxx010110xxxxxxxxxx", .fmin, "fmin", .fp2),
        L("00011110xx1xxxxx011010xxxxxxxxxx", .fmaxnm, "fmaxnm", .fp2),
        L("00011110xx1xxxxx011110xxxxxxxxxx", .fminnm, "fminnm", .fp2),
        L("00011110xx1xxxxx100010xxxxxxxxxx", .fnmul, "fnmul", .fp2),

        // Compare: 0 0 0 11110 ftype 1 Rm 00 1000 Rn opc(4:3) 000 (opc<0>: with #0.0)
        L("00011110xx1xxxxx001000xxxxx00000", .fcmp, "fcmp", .fcmp),
        L("00011110xx1xxxxx001000xxxxx01000", .fcmp, "fcmp", .fcmpZero),
        L("00011110xx1xxxxx001000xxxxx10000", .fcmpe, "fcmpe", .fcmp),
        L("00011110xx1xxxxx001000xxxxx11000", .fcmpe, "fcmpe", .fcmpZero),
        // Conditional compare / select
        L("00011110xx1xxxxxxxxx01xxxxx0xxxx", .fccmp, "fccmp", .fccmp),
        L("00011110xx1xxxxxxxxx01xxxxx1xxxx", .fccmpe, "fccmpe", .fccmp),
        L("00011110xx1xxxxxxxxx11xxxxxxxxxx", .fcsel, "fcsel", .fcsel),
        // FMOV (scalar, immediate): imm8 in bits 20:13
        L("00011110xx1xxxxxxxx10000000xxxxx", .fmovImm, "fmov", .fmovImm),
        // 3-source: 0 0 0 11111 ftype o1 Rm o0 Ra Rn Rd
        L("00011111xx0xxxxx0xxxxxxxxxxxxxxx", .fmadd, "fmadd", .fp3),
        L("00011111xx0xxxxx1xxxxxxxxxxxxxxx", .fmsub, "fmsub", .fp3),
        L("00011111xx1xxxxx0xxxxxxxxxxxxxxx", .fnmadd, "fnmadd", .fp3),
        L("00011111xx1xxxxx1xxxxxxxxxxxxxxx", .fnmsub, "fnmsub", .fp3),

        // FP <-> integer: sf 0 0 11110 ftype 1 rmode(20:19) opcode(18:16) 000000 Rn Rd
        L("x0011110xx100000000000xxxxxxxxxx", .fcvtnsInt, "fcvtns", .fpToInt),
        L("x0011110xx100001000000xxxxxxxxxx", .fcvtnuInt, "fcvtnu", .fpToInt),
        L("x0011110xx100010000000xxxxxxxxxx", .scvtfInt, "scvtf", .intToFP),
        L("x0011110xx100011000000xxxxxxxxxx", .ucvtfInt, "ucvtf", .intToFP),
        L("x0011110xx100100000000xxxxxxxxxx", .fcvtasInt, "fcvtas", .fpToInt),
        L("x0011110xx100101000000xxxxxxxxxx", .fcvtauInt, "fcvtau", .fpToInt),
        L("x0011110xx10x110000000xxxxxxxxxx", .fmovToGeneral, "fmov", .fmovToGeneral),
        L("x0011110xx10x111000000xxxxxxxxxx", .fmovFromGeneral, "fmov", .fmovFromGeneral),
        L("x0011110xx101000000000xxxxxxxxxx", .fcvtpsInt, "fcvtps", .fpToInt),
        L("x0011110xx101001000000xxxxxxxxxx", .fcvtpuInt, "fcvtpu", .fpToInt),
        L("x0011110xx110000000000xxxxxxxxxx", .fcvtmsInt, "fcvtms", .fpToInt),
        L("x0011110xx110001000000xxxxxxxxxx", .fcvtmuInt, "fcvtmu", .fpToInt),
        L("x0011110xx111000000000xxxxxxxxxx", .fcvtzsInt, "fcvtzs", .fpToInt),
        L("x0011110xx111001000000xxxxxxxxxx", .fcvtzuInt, "fcvtzu", .fpToInt),
        L("0001111001111110000000xxxxxxxxxx", .fjcvtzs, "fjcvtzs", .fjcvtzs),
        // FP <-> fixed point: sf 0 0 11110 ftype 0 rmode opcode scale(15:10) Rn Rd
        L("x0011110xx000010xxxxxxxxxxxxxxxx", .scvtfFixed, "scvtf", .fixedToFP),
        L("x0011110xx000011xxxxxxxxxxxxxxxx", .ucvtfFixed, "ucvtf", .fixedToFP),
        L("x0011110xx011000xxxxxxxxxxxxxxxx", .fcvtzsFixed, "fcvtzs", .fpToFixed),
        L("x0011110xx011001xxxxxxxxxxxxxxxx", .fcvtzuFixed, "fcvtzu", .fpToFixed),
    ]
}
