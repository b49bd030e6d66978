/// The Arm ARM's FP functions that only AdvSIMD (and FJCVTZS) use: FPMulX,
/// FPRecipStepFused, FPRSqrtStepFused, FPCompareEQ/GE/GT, FPRoundIntN
/// (FRINT32*/FRINT64*), FPRecpX and FPToFixedJS, with FPCR.AH = 0. Like
/// `execute`, they ignore FPCR.AHP (it applies to conversions only).
extension FPReference {
    /// FPTwo / FPOnePointFive / FPThree of format `fmt`.
    static func constant(_ fmt: Format, sign: Bool = false, exp: Int, frac: UInt64 = 0) -> UInt64 {
        fmt.zero(sign) | UInt64(fmt.bias + exp) << UInt64(fmt.f) | frac
    }

    /// FPMulX: FPMul, except that infinity times zero is 2.0 (no Invalid Operation).
    public static func mulX(_ a: UInt64, _ b: UInt64, bits: Int, fpcr fpcrIn: UInt64, flags: inout UInt64) -> UInt64 {
        let fmt = Format.bits(bits), fpcr = fpcrIn & ~FPBits.ahp
        let ua = unpack(a, fmt, fpcr, &flags), ub = unpack(b, fmt, fpcr, &flags)
        if let n = processNaNs([ua, ub], [a, b], fmt, fpcr, &flags) { return n }
        let sign = ua.sign != ub.sign
        let inf1 = ua.kind == .infinity, inf2 = ub.kind == .infinity
        let zero1 = ua.kind == .zero, zero2 = ub.kind == .zero
        if (inf1 && zero2) || (zero1 && inf2) { return constant(fmt, sign: sign, exp: 1) }
        return binary(.mul, ua, ub, a, b, fmt, fpcr, FPRounding.fromFPCR(fpcr), &flags)
    }

    /// FPRecipStepFused (FRECPS): 2.0 - a * b rounded once; infinity times
    /// zero gives 2.0. `rsqrt`: FPRSqrtStepFused (FRSQRTS), (3.0 - a * b) / 2,
    /// infinity times zero gives 1.5. The negation of a comes first, so a NaN
    /// a comes out with its sign inverted.
    public static func stepFused(rsqrt: Bool, _ a: UInt64, _ b: UInt64, bits: Int, fpcr fpcrIn: UInt64,
                                 flags: inout UInt64) -> UInt64 {
        let fmt = Format.bits(bits), fpcr = fpcrIn & ~FPBits.ahp
        let na = a ^ fmt.signBit
        var scratch: UInt64 = 0
        let ua = unpack(na, fmt, fpcr, &scratch), ub = unpack(b, fmt, fpcr, &scratch)
        let inf1 = ua.kind == .infinity, inf2 = ub.kind == .infinity
        let zero1 = ua.kind == .zero, zero2 = ub.kind == .zero
        if !ua.isNaN && !ub.isNaN && ((inf1 && zero2) || (zero1 && inf2)) {
            flags |= scratch   // IDC of a flushed operand
            return rsqrt ? constant(fmt, exp: 0, frac: fmt.quietBit) : constant(fmt, exp: 1)
        }
        let addend = rsqrt ? constant(fmt, exp: 1, frac: fmt.quietBit) : constant(fmt, exp: 1)
        return mulAdd(addend: addend, na, b, fmt, fpcr, FPRounding.fromFPCR(fpcr), &flags, halve: rsqrt)
    }

    public enum Comparison: Sendable { case eq, ge, gt }

    /// FPCompareEQ (quiet: IOC for signalling NaNs only), FPCompareGE and
    /// FPCompareGT (IOC for any NaN); false when unordered.
    public static func compare(_ c: Comparison, _ a: UInt64, _ b: UInt64, bits: Int, fpcr fpcrIn: UInt64,
                               flags: inout UInt64) -> Bool {
        let fmt = Format.bits(bits), fpcr = fpcrIn & ~FPBits.ahp
        let ua = unpack(a, fmt, fpcr, &flags), ub = unpack(b, fmt, fpcr, &flags)
        if ua.isNaN || ub.isNaN {
            if c != .eq || ua.kind == .snan || ub.kind == .snan { flags |= FPBits.ioc }
            return false
        }
        let r = compare(ua, ub)
        switch c {
        case .eq: return r == 0
        case .ge: return r >= 0
        case .gt: return r > 0
        }
    }

    /// FPRoundIntN (FRINT32Z/X, FRINT64Z/X): rounds to an integer that must
    /// fit `intBits` signed bits; NaN, infinity or out of range give the most
    /// negative such integer with Invalid Operation; IXC when inexact (the Z
    /// forms too, unlike FRINTZ).
    public static func roundIntN(_ a: UInt64, bits: Int, intBits: Int, rounding: FPRounding,
                                 fpcr fpcrIn: UInt64, flags: inout UInt64) -> UInt64 {
        let fmt = Format.bits(bits), fpcr = fpcrIn & ~FPBits.ahp
        let u = unpack(a, fmt, fpcr, &flags)
        let mostNegative = fmt.zero(true) | UInt64(fmt.bias + intBits - 1) << UInt64(fmt.f)
        switch u.kind {
        case .qnan, .snan, .infinity:
            flags |= FPBits.ioc
            return mostNegative
        case .zero: return fmt.zero(u.sign)
        default:
            let (n, inexact) = roundToInteger(u, extraExp: 0, rounding)
            let limit: UInt128 = 1 << UInt128(intBits - 1)
            if u.sign ? n > limit : n >= limit {
                flags |= FPBits.ioc
                return mostNegative
            }
            let r = n == 0 ? fmt.zero(u.sign) : round(sign: u.sign, mant: n, exp: 0, fmt, fpcr, .zero, &flags)
            if inexact { flags |= FPBits.ixc }
            return r
        }
    }

    /// FPRecpX (FRECPX): the sign, the inverted exponent (the largest finite
    /// exponent for zeros and denormals), a zero fraction.
    public static func recpX(_ a: UInt64, bits: Int, fpcr fpcrIn: UInt64, flags: inout UInt64) -> UInt64 {
        let fmt = Format.bits(bits), fpcr = fpcrIn & ~FPBits.ahp
        let u = unpack(a, fmt, fpcr, &flags)
        if u.isNaN { return processNaN(u, a, fmt, fpcr, &flags) }
        let exp = (a >> UInt64(fmt.f)) & fmt.expMask
        let e = exp == 0 ? fmt.expMask - 1 : ~exp & fmt.expMask
        return fmt.zero(u.sign) | e << UInt64(fmt.f)
    }

    /// FPToFixedJS (FJCVTZS): the double rounded towards zero, modulo 2^32;
    /// `z` is PSTATE.Z: the conversion was exact, in range and not -0.
    public static func toFixedJS(_ a: UInt64, fpcr fpcrIn: UInt64, flags: inout UInt64) -> (result: UInt32, z: Bool) {
        let fmt = Format.double
        let u = unpack(a, fmt, fpcrIn, &flags)
        switch u.kind {
        case .qnan, .snan, .infinity:
            flags |= FPBits.ioc
            return (0, false)
        case .zero:
            // -0, or a flushed denormal, clears Z.
            return (0, !u.sign && a & fmt.fracMask == 0)
        default:
            // Low 32 bits of the integer part; the range and exactness from the exact value.
            let lowBits: UInt64
            var inexact = false
            if u.exp >= 0 {
                lowBits = u.exp >= 64 ? 0 : u.mant << UInt64(u.exp)
            } else {
                let s = -u.exp
                lowBits = s >= 64 ? 0 : u.mant >> UInt64(s)
                inexact = s >= 64 ? true : u.mant & ((1 << UInt64(s)) - 1) != 0
            }
            let v = UInt32(truncatingIfNeeded: u.sign ? 0 &- lowBits : lowBits)
            // |integer part| beyond 2^31 (or 2^31 exactly when positive) is out of range.
            let big = u.exp + 63 - u.mant.leadingZeroBitCount >= 32
            let outOfRange = big || (u.sign ? lowBits > 1 << 31 : lowBits >= 1 << 31)
            if outOfRange { flags |= FPBits.ioc; return (v, false) }
            if inexact { flags |= FPBits.ixc; return (v, false) }
            return (v, true)
        }
    }
}
