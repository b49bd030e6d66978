extension FPReference {
    /// FPMulAddH (FMLAL/FMLSL, FEAT_FHM): addend + op1 * op2 with a single
    /// precision addend and result and half-precision multiplicands, rounded
    /// once. The halves are unpacked with FZ16 (a flushed half sets no IDC),
    /// the addend and the result with FZ; a NaN multiplicand is converted to
    /// single precision (FPProcessNaNs3H, FPConvertNaN).
    public static func mulAddH(addend c: UInt32, _ a: UInt16, _ b: UInt16, fpcr fpcrIn: UInt64,
                               flags: inout UInt64) -> UInt32 {
        let fpcr = fpcrIn & ~FPBits.ahp
        let single = Format.single, half = Format.half
        let rounding = FPRounding.fromFPCR(fpcr)
        let uc = unpack(UInt64(c), single, fpcr, &flags)
        let ua = unpack(UInt64(a), half, fpcr, &flags), ub = unpack(UInt64(b), half, fpcr, &flags)
        let inf1 = ua.kind == .infinity, inf2 = ub.kind == .infinity
        let zero1 = ua.kind == .zero, zero2 = ub.kind == .zero

        func convertNaN(_ h: UInt64) -> UInt64 {
            // The half's sign, an all-ones exponent and its fraction at the top.
            (h & 0x8000) << 16 | 0x7F80_0000 | (h & 0x3FF) << 13
        }
        var nan: UInt64?
        if uc.kind == .snan { nan = processNaN(uc, UInt64(c), single, fpcr, &flags) }
        else if ua.kind == .snan { nan = convertNaN(processNaN(ua, UInt64(a), half, fpcr, &flags)) }
        else if ub.kind == .snan { nan = convertNaN(processNaN(ub, UInt64(b), half, fpcr, &flags)) }
        else if uc.kind == .qnan { nan = processNaN(uc, UInt64(c), single, fpcr, &flags) }
        else if ua.kind == .qnan { nan = convertNaN(processNaN(ua, UInt64(a), half, fpcr, &flags)) }
        else if ub.kind == .qnan { nan = convertNaN(processNaN(ub, UInt64(b), half, fpcr, &flags)) }
        if uc.kind == .qnan && ((inf1 && zero2) || (zero1 && inf2)) {
            flags |= FPBits.ioc
            return UInt32(single.defaultNaN)
        }
        if let nan { return UInt32(truncatingIfNeeded: nan) }

        let infA = uc.kind == .infinity, zeroA = uc.kind == .zero
        let signP = ua.sign != ub.sign
        let infP = inf1 || inf2, zeroP = zero1 || zero2
        if (inf1 && zero2) || (zero1 && inf2) || (infA && infP && uc.sign != signP) {
            flags |= FPBits.ioc
            return UInt32(single.defaultNaN)
        }
        if (infA && !uc.sign) || (infP && !signP) { return UInt32(single.infinity(false)) }
        if (infA && uc.sign) || (infP && signP) { return UInt32(single.infinity(true)) }
        if zeroA && zeroP && uc.sign == signP { return UInt32(single.zero(uc.sign)) }
        let p: Real? = zeroP ? nil : Real(sign: signP, mant: UInt128(ua.mant) * UInt128(ub.mant), exp: ua.exp + ub.exp)
        let q: Real? = zeroA ? nil : real(uc)
        let sum: Real?
        switch (q, p) {
        case (nil, nil): sum = nil
        case (let x?, nil): sum = x
        case (nil, let y?): sum = y
        case (let x?, let y?): sum = add(x, y)
        }
        guard let s = sum else { return UInt32(single.zero(rounding == .negInf)) }
        return UInt32(round(sign: s.sign, mant: s.mant, exp: s.exp, single, fpcr, rounding, &flags))
    }
}
