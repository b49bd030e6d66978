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

        func convertNaN(_ h: UInt64) -> UInt64 {
            // The half's sign, an all-ones exponent and its fraction at the top.
            (h & 0x8000) << 16 | 0x7F80_0000 | (h & 0x3FF) << 13
        }
        // FPProcessNaNs3H: the addend's NaN as it is, a multiplicand's converted.
        var nan: UInt64?
        switch nanOperand([uc, ua, ub]) {
        case 0: nan = processNaN(uc, UInt64(c), single, fpcr, &flags)
        case 1: nan = convertNaN(processNaN(ua, UInt64(a), half, fpcr, &flags))
        case 2: nan = convertNaN(processNaN(ub, UInt64(b), half, fpcr, &flags))
        default: nan = nil
        }
        return UInt32(mulAdd(uc, ua, ub, nan: nan, single, fpcr, rounding, &flags))
    }
}
