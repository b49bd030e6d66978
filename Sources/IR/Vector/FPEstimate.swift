/// The reciprocal and reciprocal square root estimates of the Arm ARM
/// (shared/functions/float: RecipEstimate, RecipSqrtEstimate,
/// FPRecipEstimate, FPRSqrtEstimate, UnsignedRecipEstimate,
/// UnsignedRSqrtEstimate), with FPCR.AH = 0 and without FEAT_RPRES: 8-bit
/// estimates computed the way the pseudocode's tables are defined.
extension FPReference {
    /// RecipEstimate: a in 256...511 stands for a / 512 in [0.5, 1); the
    /// result in 256...511 for r / 256 in [1, 2).
    public static func recipEstimate(_ a: Int) -> Int {
        let a2 = a * 2 + 1                 // in units of 1/1024, rounded to the interval's middle
        let b = (1 << 19) / a2             // 2^19 / a2 = 2^9 / (a2 / 1024) ... in units of 1/512
        return (b + 1) / 2                 // rounded to nearest, in units of 1/256
    }

    /// RecipSqrtEstimate: a in 128...511 stands for a / 512 in [0.25, 1); the
    /// result in 256...511 for r / 256 in [1, 2).
    public static func recipSqrtEstimate(_ a: Int) -> Int {
        var x: Int
        if a < 256 {
            x = a * 2 + 1                  // [0.25, 0.5) in units of 1/512
        } else {
            x = (((a >> 1) << 1) + 1) * 2  // [0.5, 1) in units of 1/256, bottom bit dropped
        }
        var b = 512
        while x * (b + 1) * (b + 1) < 1 << 28 { b += 1 }
        return (b + 1) / 2
    }

    /// FPRecipEstimate (FRECPE).
    public static func recipEstimate(_ x: UInt64, bits: Int, fpcr fpcrIn: UInt64, flags: inout UInt64) -> UInt64 {
        let fmt = Format.bits(bits), fpcr = fpcrIn & ~FPBits.ahp
        let u = unpack(x, fmt, fpcr, &flags)
        switch u.kind {
        case .qnan, .snan: return processNaN(u, x, fmt, fpcr, &flags)
        case .infinity: return fmt.zero(u.sign)
        case .zero:
            flags |= FPBits.dzc
            return fmt.infinity(u.sign)
        default: break
        }
        // The value's exponent if normalized (value = 1.f * 2^e).
        let e = u.exp + 63 - u.mant.leadingZeroBitCount
        // Too small: the reciprocal overflows (|x| < 2^-16, 2^-128, 2^-1024).
        let tiny = bits == 16 ? -16 : bits == 32 ? -128 : -1024
        if e < tiny {
            let rounding = FPRounding.fromFPCR(fpcr)
            let toInf = rounding == .tieEven || (rounding == .posInf && !u.sign) || (rounding == .negInf && u.sign)
            flags |= FPBits.ofc | FPBits.ixc
            return toInf ? fmt.infinity(u.sign) : fmt.maxNormal(u.sign)
        }
        // With flushing, a result that would be denormal is zero (|x| >= 2^14, 2^126, 2^1022).
        let fz = bits == 16 ? fpcr & FPBits.fz16 != 0 : fpcr & FPBits.fz != 0
        if fz && e >= fmt.bias - 1 {
            flags |= FPBits.ufc
            return fmt.zero(u.sign)
        }
        // The fraction as 52 bits, and the biased exponent (denormals normalized by one or two places).
        var fraction = (x & fmt.fracMask) << UInt64(52 - fmt.f)
        var exp = Int((x >> UInt64(fmt.f)) & fmt.expMask)
        if exp == 0 {
            if fraction >> 51 & 1 == 0 {
                exp = -1
                fraction = (fraction << 2) & ((1 << 52) - 1)
            } else {
                fraction = (fraction << 1) & ((1 << 52) - 1)
            }
        }
        let scaled = 256 | Int(fraction >> 44)
        var resultExp = 2 * fmt.bias - 1 - exp
        let estimate = UInt64(recipEstimate(scaled))
        var resultFraction = (estimate & 0xFF) << 44
        if resultExp == 0 {
            resultFraction = 1 << 51 | resultFraction >> 1
        } else if resultExp == -1 {
            resultFraction = 1 << 50 | resultFraction >> 2
            resultExp = 0
        }
        return fmt.zero(u.sign) | UInt64(resultExp) << UInt64(fmt.f) | resultFraction >> UInt64(52 - fmt.f)
    }

    /// FPRSqrtEstimate (FRSQRTE).
    public static func rsqrtEstimate(_ x: UInt64, bits: Int, fpcr fpcrIn: UInt64, flags: inout UInt64) -> UInt64 {
        let fmt = Format.bits(bits), fpcr = fpcrIn & ~FPBits.ahp
        let u = unpack(x, fmt, fpcr, &flags)
        switch u.kind {
        case .qnan, .snan: return processNaN(u, x, fmt, fpcr, &flags)
        case .zero:
            flags |= FPBits.dzc
            return fmt.infinity(u.sign)
        default: break
        }
        if u.sign {
            flags |= FPBits.ioc
            return fmt.defaultNaN
        }
        if u.kind == .infinity { return 0 }
        var fraction = (x & fmt.fracMask) << UInt64(52 - fmt.f)
        var exp = Int((x >> UInt64(fmt.f)) & fmt.expMask)
        if exp == 0 {
            while fraction >> 51 & 1 == 0 {
                fraction <<= 1
                exp -= 1
            }
            fraction = (fraction << 1) & ((1 << 52) - 1)
        }
        let scaled = exp & 1 == 0 ? 256 | Int(fraction >> 44) : 128 | Int(fraction >> 45)
        // (3 * bias - 1 - exp) / 2, rounded towards minus infinity.
        let num = 3 * fmt.bias - 1 - exp
        let resultExp = num >= 0 ? num / 2 : -((1 - num) / 2)
        let estimate = UInt64(recipSqrtEstimate(scaled))
        return UInt64(resultExp) << UInt64(fmt.f) | (estimate & 0xFF) << UInt64(fmt.f - 8)
    }

    /// UnsignedRecipEstimate (URECPE) of a 32-bit fixed-point value in [0, 1).
    public static func unsignedRecipEstimate(_ x: UInt32) -> UInt32 {
        if x >> 31 == 0 { return ~0 }
        return UInt32(recipEstimate(Int(x >> 23))) << 23
    }

    /// UnsignedRSqrtEstimate (URSQRTE) of a 32-bit fixed-point value in [0, 1).
    public static func unsignedRSqrtEstimate(_ x: UInt32) -> UInt32 {
        if x >> 30 == 0 { return ~0 }
        return UInt32(recipSqrtEstimate(Int(x >> 23))) << 23
    }
}
