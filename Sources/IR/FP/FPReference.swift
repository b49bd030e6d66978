/// The Arm ARM's floating-point pseudocode (shared/functions/float: FPUnpack,
/// FPRound, FPProcessNaN(s), FPAdd, FPMul, FPMulAdd, FPDiv, FPSqrt, FPMax,
/// FPMin, FPMaxNum, FPMinNum, FPCompare, FPRoundInt, FPConvert, FPToFixed,
/// FixedToFP), exactly, with FPCR.AH = 0: the oracle of every FP result and
/// FPSR flag. Values are computed exactly as sign, integer mantissa and
/// exponent (a 128-bit mantissa whose lowest bit may stand for a non-zero
/// remainder far below the rounding point), then rounded once by `round`.
public enum FPReference {
    /// A floating-point format: total, exponent and fraction bits.
    public struct Format: Sendable, Equatable {
        public let n: Int, e: Int, f: Int
        public static let half = Format(n: 16, e: 5, f: 10)
        public static let single = Format(n: 32, e: 8, f: 23)
        public static let double = Format(n: 64, e: 11, f: 52)
        public static func bits(_ n: Int) -> Format { n == 16 ? .half : n == 32 ? .single : .double }
        var bias: Int { (1 << (e - 1)) - 1 }
        var expMask: UInt64 { (1 << UInt64(e)) - 1 }
        var fracMask: UInt64 { (1 << UInt64(f)) - 1 }
        var signBit: UInt64 { 1 << UInt64(n - 1) }
        func zero(_ sign: Bool) -> UInt64 { sign ? signBit : 0 }
        func infinity(_ sign: Bool) -> UInt64 { zero(sign) | expMask << UInt64(f) }
        func maxNormal(_ sign: Bool) -> UInt64 { zero(sign) | (expMask - 1) << UInt64(f) | fracMask }
        public var defaultNaN: UInt64 { expMask << UInt64(f) | 1 << UInt64(f - 1) }
        var quietBit: UInt64 { 1 << UInt64(f - 1) }
    }

    enum Kind { case zero, denormal, nonzero, infinity, qnan, snan }

    /// An unpacked operand: value = mant * 2^exp for finite non-zero values.
    struct Unpacked {
        var kind: Kind
        var sign: Bool
        var mant: UInt64 = 0
        var exp: Int = 0
        var isNaN: Bool { kind == .qnan || kind == .snan }
        var isFiniteNonZero: Bool { kind == .denormal || kind == .nonzero }
    }

    /// FPUnpack (`cv`: FPUnpackCV, half precision not flushed). A flushed
    /// single/double denormal sets IDC; a half one (FZ16) does not.
    static func unpack(_ x: UInt64, _ fmt: Format, _ fpcr: UInt64, _ flags: inout UInt64, cv: Bool = false) -> Unpacked {
        let sign = x & fmt.signBit != 0
        let exp = Int((x >> UInt64(fmt.f)) & fmt.expMask)
        let frac = x & fmt.fracMask
        let ahp = fmt.n == 16 && fpcr & FPBits.ahp != 0
        if exp == 0 {
            if frac == 0 { return Unpacked(kind: .zero, sign: sign) }
            if fmt.n == 16 {
                if fpcr & FPBits.fz16 != 0 && !cv { return Unpacked(kind: .zero, sign: sign) }
            } else if fpcr & FPBits.fz != 0 {
                flags |= FPBits.idc
                return Unpacked(kind: .zero, sign: sign)
            }
            return Unpacked(kind: .denormal, sign: sign, mant: frac, exp: 1 - fmt.bias - fmt.f)
        }
        if UInt64(exp) == fmt.expMask && !ahp {
            if frac == 0 { return Unpacked(kind: .infinity, sign: sign) }
            return Unpacked(kind: frac & fmt.quietBit != 0 ? .qnan : .snan, sign: sign)
        }
        return Unpacked(kind: .nonzero, sign: sign, mant: frac | 1 << UInt64(fmt.f), exp: exp - fmt.bias - fmt.f)
    }

    /// FPProcessNaN: quiets a signalling NaN (IOC); DN gives the default NaN.
    static func processNaN(_ u: Unpacked, _ x: UInt64, _ fmt: Format, _ fpcr: UInt64, _ flags: inout UInt64) -> UInt64 {
        var r = x
        if u.kind == .snan { r |= fmt.quietBit; flags |= FPBits.ioc }
        return fpcr & FPBits.dn != 0 ? fmt.defaultNaN : r
    }

    /// FPProcessNaNs / FPProcessNaNs3: signalling NaNs first, then quiet
    /// ones, each in operand order; nil when no operand is a NaN.
    static func processNaNs(_ us: [Unpacked], _ xs: [UInt64], _ fmt: Format, _ fpcr: UInt64,
                            _ flags: inout UInt64) -> UInt64? {
        guard let i = nanOperand(us) else { return nil }
        return processNaN(us[i], xs[i], fmt, fpcr, &flags)
    }

    /// The operand FPProcessNaNs picks: the first signalling NaN, else the
    /// first quiet one; nil when no operand is a NaN.
    static func nanOperand(_ us: [Unpacked]) -> Int? {
        us.firstIndex { $0.kind == .snan } ?? us.firstIndex { $0.kind == .qnan }
    }

    /// FPRound / FPRoundBase (`cv`: FPRoundCV, no FZ16 flush) of the exact
    /// non-zero value (-1)^sign * mant * 2^exp.
    static func round(sign: Bool, mant: UInt128, exp: Int, _ fmt: Format, _ fpcr: UInt64, _ rounding: FPRounding,
                      _ flags: inout UInt64, cv: Bool = false) -> UInt64 {
        let msb = 127 - mant.leadingZeroBitCount
        let e = exp + msb                       // value = 1.xxx * 2^e
        let minExp = 1 - fmt.bias
        let fz = fmt.n == 16 ? (fpcr & FPBits.fz16 != 0 && !cv) : fpcr & FPBits.fz != 0
        if fz && e < minExp {
            flags |= FPBits.ufc                  // flushed output: UFC, not IXC
            return fmt.zero(sign)
        }
        var biasedExp = max(e - minExp + 1, 0)
        let shift = (biasedExp == 0 ? minExp : e) - fmt.f - exp
        var intMant: UInt128
        var inexact = false
        var halfCompare = -1                     // the remainder against half a unit: -1, 0, 1
        if shift <= 0 {
            intMant = mant << UInt128(-shift)
        } else if shift > 128 {
            intMant = 0
            inexact = true
            halfCompare = -1
        } else {
            intMant = shift == 128 ? 0 : mant >> UInt128(shift)
            let rem = shift == 128 ? mant : mant & ((1 << UInt128(shift)) - 1)
            let half: UInt128 = 1 << UInt128(shift - 1)
            inexact = rem != 0
            halfCompare = rem < half ? -1 : rem == half ? 0 : 1
        }
        // Underflow: tiny before rounding, and inexact.
        if biasedExp == 0 && inexact { flags |= FPBits.ufc }
        let roundUp: Bool
        switch rounding {
        case .tieEven: roundUp = halfCompare > 0 || (halfCompare == 0 && intMant & 1 == 1)
        case .posInf: roundUp = inexact && !sign
        case .negInf: roundUp = inexact && sign
        case .zero, .odd: roundUp = false
        case .tieAway: roundUp = halfCompare >= 0 && inexact
        }
        if roundUp {
            intMant += 1
            if intMant == 1 << UInt128(fmt.f) { biasedExp = 1 }
            if intMant == 1 << UInt128(fmt.f + 1) {
                biasedExp += 1
                intMant >>= 1
            }
        }
        if rounding == .odd && inexact { intMant |= 1 }
        let frac = UInt64(truncatingIfNeeded: intMant) & fmt.fracMask
        var result: UInt64
        if fmt.n != 16 || fpcr & FPBits.ahp == 0 {
            if biasedExp >= Int(fmt.expMask) {
                flags |= FPBits.ofc
                let toInf: Bool
                switch rounding {
                case .tieEven, .tieAway: toInf = true
                case .posInf: toInf = !sign
                case .negInf: toInf = sign
                case .zero, .odd: toInf = false
                }
                result = toInf ? fmt.infinity(sign) : fmt.maxNormal(sign)
                inexact = true
            } else {
                result = fmt.zero(sign) | UInt64(biasedExp) << UInt64(fmt.f) | frac
            }
        } else if biasedExp >= 1 << fmt.e {
            // Alternative half precision has no infinity: saturate, Invalid Operation.
            result = fmt.zero(sign) | (fmt.signBit - 1)
            flags |= FPBits.ioc
            inexact = false
        } else {
            result = fmt.zero(sign) | UInt64(biasedExp) << UInt64(fmt.f) | frac
        }
        if inexact { flags |= FPBits.ixc }
        return result
    }

    // MARK: Exact arithmetic on (sign, mantissa, exponent)

    struct Real { var sign: Bool; var mant: UInt128; var exp: Int }

    /// a + b exactly (to a sticky bit); nil when the sum is exactly zero.
    static func add(_ a: Real, _ b: Real) -> Real? {
        func top(_ r: Real) -> Real {
            let s = 124 - (127 - r.mant.leadingZeroBitCount)
            return s >= 0 ? Real(sign: r.sign, mant: r.mant << UInt128(s), exp: r.exp - s)
                : Real(sign: r.sign, mant: r.mant >> UInt128(-s), exp: r.exp - s)   // inputs use at most 106 bits: never taken
        }
        var x = top(a), y = top(b)
        if x.exp < y.exp { swap(&x, &y) }
        let d = x.exp - y.exp
        var ym: UInt128
        if d >= 125 { ym = 1 } else {
            ym = y.mant >> UInt128(d)
            if ym << UInt128(d) != y.mant { ym |= 1 }
        }
        if x.sign == y.sign { return Real(sign: x.sign, mant: x.mant + ym, exp: x.exp) }
        if x.mant == ym { return nil }
        return x.mant > ym ? Real(sign: x.sign, mant: x.mant - ym, exp: x.exp)
            : Real(sign: y.sign, mant: ym - x.mant, exp: x.exp)
    }

    static func real(_ u: Unpacked) -> Real { Real(sign: u.sign, mant: UInt128(u.mant), exp: u.exp) }

    /// Integer square root with a sticky bit.
    static func sqrt(_ m: UInt128) -> (UInt128, Bool) {
        var rem = m, root: UInt128 = 0
        var bit: UInt128 = 1 << 126
        while bit > m { bit >>= 2 }
        while bit != 0 {
            if rem >= root + bit {
                rem -= root + bit
                root = (root >> 1) + bit
            } else {
                root >>= 1
            }
            bit >>= 2
        }
        return (root, rem != 0)
    }

    /// Compares finite or infinite values: -1, 0, 1 (zeros of either sign are equal).
    static func compare(_ a: Unpacked, _ b: Unpacked) -> Int {
        func mag(_ u: Unpacked) -> (Int, Int, UInt64) {   // class, exponent of the leading bit, normalized mantissa
            switch u.kind {
            case .zero: return (0, 0, 0)
            case .infinity: return (2, 0, 0)
            default:
                let lz = u.mant.leadingZeroBitCount
                return (1, u.exp + 63 - lz, u.mant << UInt64(lz))
            }
        }
        let ma = mag(a), mb = mag(b)
        let az = ma.0 == 0, bz = mb.0 == 0
        if az && bz { return 0 }
        let sa = az ? false : a.sign, sb = bz ? false : b.sign
        if sa != sb { return sa ? -1 : 1 }
        var c: Int
        if ma.0 != mb.0 { c = ma.0 < mb.0 ? -1 : 1 }
        else if ma.0 == 2 { c = 0 }
        else if ma.1 != mb.1 { c = ma.1 < mb.1 ? -1 : 1 }
        else { c = ma.2 == mb.2 ? 0 : ma.2 < mb.2 ? -1 : 1 }
        return sa ? -c : c
    }

    /// Rounds |value| to an integer in mode `rounding` (the sign decides the
    /// direction of the directed modes): (integer magnitude, inexact). The
    /// magnitude saturates at 2^100 (every caller treats that as overflow).
    static func roundToInteger(_ u: Unpacked, extraExp: Int, _ rounding: FPRounding) -> (UInt128, Bool) {
        let exp = u.exp + extraExp
        let m = UInt128(u.mant)
        if exp >= 0 { return (exp > 60 ? 1 << 100 : m << UInt128(exp), false) }
        let s = -exp
        let q: UInt128 = s >= 128 ? 0 : m >> UInt128(s)
        let rem: UInt128 = s >= 128 ? m : m & ((1 << UInt128(s)) - 1)
        let inexact = rem != 0
        let halfCompare: Int
        if s > 127 { halfCompare = -1 } else {
            let half: UInt128 = 1 << UInt128(s - 1)
            halfCompare = rem < half ? -1 : rem == half ? 0 : 1
        }
        let up: Bool
        switch rounding {
        case .tieEven: up = halfCompare > 0 || (halfCompare == 0 && q & 1 == 1)
        case .tieAway: up = inexact && halfCompare >= 0
        case .posInf: up = inexact && !u.sign
        case .negInf: up = inexact && u.sign
        case .zero, .odd: up = false
        }
        return (up ? q + 1 : q, inexact)
    }

    // MARK: The operations

    /// Executes `op` on operands of format `inFmt` (bits), giving a result of `outBits`.
    public static func execute(_ op: FPOpcode, outBits: Int, inBits: Int, _ a: UInt64, _ b: UInt64, _ c: UInt64,
                               fpcr fpcrIn: UInt64, flags: inout UInt64) -> UInt64 {
        let fmt = Format.bits(inBits)
        // FPCR.AHP applies to conversions between precisions only: the
        // half-precision data-processing instructions (FEAT_FP16) ignore it.
        let fpcr = op.kind == .convert ? fpcrIn : fpcrIn & ~FPBits.ahp
        let rounding = op.rounding ?? FPRounding.fromFPCR(fpcr)
        switch op.kind {
        case .add, .sub, .mul, .div, .nmul:
            let ua = unpack(a, fmt, fpcr, &flags), ub = unpack(b, fmt, fpcr, &flags)
            var r = binary(op.kind, ua, ub, a, b, fmt, fpcr, rounding, &flags)
            if op.kind == .nmul { r ^= fmt.signBit }
            return r
        case .max, .min:
            let ua = unpack(a, fmt, fpcr, &flags), ub = unpack(b, fmt, fpcr, &flags)
            return maxMin(op.kind == .max, ua, ub, a, b, fmt, fpcr, rounding, &flags)
        case .maxnm, .minnm:
            // A single quiet NaN is treated as -inf (max) or +inf (min).
            let ua = unpack(a, fmt, fpcr, &flags), ub = unpack(b, fmt, fpcr, &flags)
            var x = a, y = b
            let inf = fmt.infinity(op.kind == .maxnm)
            if ua.kind == .qnan && ub.kind != .qnan { x = inf } else if ua.kind != .qnan && ub.kind == .qnan { y = inf }
            let ux = unpack(x, fmt, fpcr, &flags), uy = unpack(y, fmt, fpcr, &flags)
            return maxMin(op.kind == .maxnm, ux, uy, x, y, fmt, fpcr, rounding, &flags)
        case .abs: return a & ~fmt.signBit
        case .neg: return a ^ fmt.signBit
        case .sqrt:
            let u = unpack(a, fmt, fpcr, &flags)
            switch u.kind {
            case .qnan, .snan: return processNaN(u, a, fmt, fpcr, &flags)
            case .zero: return fmt.zero(u.sign)
            case .infinity where !u.sign: return fmt.infinity(false)
            default:
                if u.sign { flags |= FPBits.ioc; return fmt.defaultNaN }
                var m = UInt128(u.mant), e = u.exp
                if e & 1 != 0 { m <<= 1; e -= 1 }
                let k = (125 - (127 - m.leadingZeroBitCount)) / 2
                m <<= UInt128(2 * k)
                e -= 2 * k
                let (root, sticky) = sqrt(m)
                return round(sign: false, mant: root | (sticky ? 1 : 0), exp: e / 2, fmt, fpcr, rounding, &flags)
            }
        case .fma:
            return mulAdd(addend: c, a, b, fmt, fpcr, rounding, &flags)
        case .cmp, .cmpe:
            let ua = unpack(a, fmt, fpcr, &flags), ub = unpack(b, fmt, fpcr, &flags)
            if ua.isNaN || ub.isNaN {
                if ua.kind == .snan || ub.kind == .snan || op.kind == .cmpe { flags |= FPBits.ioc }
                return 0x3000_0000
            }
            switch compare(ua, ub) {
            case 0: return 0x6000_0000
            case -1: return 0x8000_0000
            default: return 0x2000_0000
            }
        case .roundInt:
            let u = unpack(a, fmt, fpcr, &flags)
            switch u.kind {
            case .qnan, .snan: return processNaN(u, a, fmt, fpcr, &flags)
            case .infinity: return fmt.infinity(u.sign)
            case .zero: return fmt.zero(u.sign)
            default:
                let (n, inexact) = roundToInteger(u, extraExp: 0, rounding)
                var r = n == 0 ? fmt.zero(u.sign) : round(sign: u.sign, mant: n, exp: 0, fmt, fpcr, .zero, &flags)
                if n >= 1 << 100 { r = a }   // |value| >= 2^61 is an integer already
                if inexact && op.flag { flags |= FPBits.ixc }
                return r
            }
        case .convert:
            return convert(a, from: fmt, to: Format.bits(outBits), fpcr, rounding, &flags)
        case .toInt:
            return toFixed(a, fmt, outBits: outBits, fbits: op.fbits, unsigned: op.flag, fpcr, rounding, &flags)
        case .fromInt:
            let outFmt = Format.bits(outBits)
            let v = inBits == 64 ? a : a & ((1 << UInt64(inBits)) - 1)
            let negative = !op.flag && v >> UInt64(inBits - 1) & 1 == 1
            let mag = negative ? (inBits == 64 ? 0 &- v : ((1 << UInt64(inBits)) - v)) : v
            if mag == 0 { return 0 }
            return round(sign: negative, mant: UInt128(mag), exp: -op.fbits, outFmt, fpcr, rounding, &flags)
        }
    }

    static func binary(_ kind: FPOpcode.Kind, _ ua: Unpacked, _ ub: Unpacked, _ a: UInt64, _ b: UInt64, _ fmt: Format,
                       _ fpcr: UInt64, _ rounding: FPRounding, _ flags: inout UInt64) -> UInt64 {
        if let n = processNaNs([ua, ub], [a, b], fmt, fpcr, &flags) { return n }
        let inf1 = ua.kind == .infinity, inf2 = ub.kind == .infinity
        let zero1 = ua.kind == .zero, zero2 = ub.kind == .zero
        switch kind {
        case .add, .sub:
            let sign2 = kind == .sub ? !ub.sign : ub.sign
            if inf1 && inf2 && ua.sign != sign2 { flags |= FPBits.ioc; return fmt.defaultNaN }
            if (inf1 && !ua.sign) || (inf2 && !sign2) { return fmt.infinity(false) }
            if (inf1 && ua.sign) || (inf2 && sign2) { return fmt.infinity(true) }
            if zero1 && zero2 && ua.sign == sign2 { return fmt.zero(ua.sign) }
            var y = zero2 ? nil : Optional(real(ub))
            y?.sign = sign2
            guard let s = sum(zero1 ? nil : real(ua), y) else { return fmt.zero(rounding == .negInf) }
            return round(sign: s.sign, mant: s.mant, exp: s.exp, fmt, fpcr, rounding, &flags)
        case .mul, .nmul:
            if (inf1 && zero2) || (zero1 && inf2) { flags |= FPBits.ioc; return fmt.defaultNaN }
            let sign = ua.sign != ub.sign
            if inf1 || inf2 { return fmt.infinity(sign) }
            if zero1 || zero2 { return fmt.zero(sign) }
            return round(sign: sign, mant: UInt128(ua.mant) * UInt128(ub.mant), exp: ua.exp + ub.exp, fmt, fpcr, rounding, &flags)
        default:   // div
            if (inf1 && inf2) || (zero1 && zero2) { flags |= FPBits.ioc; return fmt.defaultNaN }
            let sign = ua.sign != ub.sign
            if inf1 || zero2 {
                if !inf1 { flags |= FPBits.dzc }
                return fmt.infinity(sign)
            }
            if zero1 || inf2 { return fmt.zero(sign) }
            let ma = UInt128(ua.mant), mb = UInt128(ub.mant)
            let k = 126 - (127 - ma.leadingZeroBitCount)
            let (q, r) = (ma << UInt128(k)).quotientAndRemainder(dividingBy: mb)
            return round(sign: sign, mant: q | (r != 0 ? 1 : 0), exp: ua.exp - k - ub.exp, fmt, fpcr, rounding, &flags)
        }
    }

    static func maxMin(_ isMax: Bool, _ ua: Unpacked, _ ub: Unpacked, _ a: UInt64, _ b: UInt64, _ fmt: Format,
                       _ fpcr: UInt64, _ rounding: FPRounding, _ flags: inout UInt64) -> UInt64 {
        if let n = processNaNs([ua, ub], [a, b], fmt, fpcr, &flags) { return n }
        let c = compare(ua, ub)
        let pick = (isMax ? c > 0 : c < 0) ? ua : ub
        switch pick.kind {
        case .infinity: return fmt.infinity(pick.sign)
        case .zero: return fmt.zero(isMax ? (ua.sign && ub.sign) : (ua.sign || ub.sign))
        default: return round(sign: pick.sign, mant: UInt128(pick.mant), exp: pick.exp, fmt, fpcr, rounding, &flags)
        }
    }

    /// FPMulAdd(addend, op1, op2).
    /// `halve`: (c + a * b) / 2, rounded once (FPRSqrtStepFused).
    static func mulAdd(addend c: UInt64, _ a: UInt64, _ b: UInt64, _ fmt: Format, _ fpcr: UInt64,
                       _ rounding: FPRounding, _ flags: inout UInt64, halve: Bool = false) -> UInt64 {
        let uc = unpack(c, fmt, fpcr, &flags), ua = unpack(a, fmt, fpcr, &flags), ub = unpack(b, fmt, fpcr, &flags)
        let nan = processNaNs([uc, ua, ub], [c, a, b], fmt, fpcr, &flags)
        return mulAdd(uc, ua, ub, nan: nan, fmt, fpcr, rounding, &flags, halve: halve)
    }

    /// FPMulAdd of unpacked operands, `nan` the result of FPProcessNaNs3 on
    /// them (nil: none is a NaN), rounded once into `fmt`. A quiet NaN addend
    /// with infinity times zero gives the default NaN and Invalid Operation.
    static func mulAdd(_ uc: Unpacked, _ ua: Unpacked, _ ub: Unpacked, nan: UInt64?, _ fmt: Format, _ fpcr: UInt64,
                       _ rounding: FPRounding, _ flags: inout UInt64, halve: Bool = false) -> UInt64 {
        let inf1 = ua.kind == .infinity, inf2 = ub.kind == .infinity
        let zero1 = ua.kind == .zero, zero2 = ub.kind == .zero
        if uc.kind == .qnan && ((inf1 && zero2) || (zero1 && inf2)) {
            flags |= FPBits.ioc
            return fmt.defaultNaN
        }
        if let nan { return nan }
        let infA = uc.kind == .infinity, zeroA = uc.kind == .zero
        let signP = ua.sign != ub.sign
        let infP = inf1 || inf2, zeroP = zero1 || zero2
        if (inf1 && zero2) || (zero1 && inf2) || (infA && infP && uc.sign != signP) {
            flags |= FPBits.ioc
            return fmt.defaultNaN
        }
        if (infA && !uc.sign) || (infP && !signP) { return fmt.infinity(false) }
        if (infA && uc.sign) || (infP && signP) { return fmt.infinity(true) }
        if zeroA && zeroP && uc.sign == signP { return fmt.zero(uc.sign) }
        let p: Real? = zeroP ? nil : Real(sign: signP, mant: UInt128(ua.mant) * UInt128(ub.mant), exp: ua.exp + ub.exp)
        guard let s = sum(zeroA ? nil : real(uc), p) else { return fmt.zero(rounding == .negInf) }
        return round(sign: s.sign, mant: s.mant, exp: s.exp - (halve ? 1 : 0), fmt, fpcr, rounding, &flags)
    }

    /// The exact sum of two reals, nil standing for zero (nil when both are).
    static func sum(_ x: Real?, _ y: Real?) -> Real? {
        switch (x, y) {
        case (nil, nil): return nil
        case (let p?, nil): return p
        case (nil, let q?): return q
        case (let p?, let q?): return add(p, q)
        }
    }

    /// FPConvert (FCVT between half, single and double precision).
    static func convert(_ x: UInt64, from: Format, to: Format, _ fpcr: UInt64, _ rounding: FPRounding,
                        _ flags: inout UInt64) -> UInt64 {
        let u = unpack(x, from, fpcr, &flags, cv: true)
        let altHP = to.n == 16 && fpcr & FPBits.ahp != 0
        switch u.kind {
        case .qnan, .snan:
            if u.kind == .snan || altHP { flags |= FPBits.ioc }
            if altHP { return to.zero(u.sign) }
            if fpcr & FPBits.dn != 0 { return to.defaultNaN }
            // FPConvertNaN: sign, quiet, the payload's top fraction bits.
            let frac = x & from.fracMask
            let payload = to.f >= from.f ? frac << UInt64(to.f - from.f) : frac >> UInt64(from.f - to.f)
            return to.zero(u.sign) | to.expMask << UInt64(to.f) | to.quietBit | (payload & to.fracMask)
        case .infinity:
            if altHP { flags |= FPBits.ioc; return to.zero(u.sign) | (to.signBit - 1) }
            return to.infinity(u.sign)
        case .zero: return to.zero(u.sign)
        default:
            return round(sign: u.sign, mant: UInt128(u.mant), exp: u.exp, to, fpcr, rounding, &flags, cv: true)
        }
    }

    /// FPToFixed: NaN gives 0 and Invalid Operation; out of range saturates with
    /// Invalid Operation; otherwise IXC when inexact.
    static func toFixed(_ x: UInt64, _ fmt: Format, outBits: Int, fbits: Int, unsigned: Bool, _ fpcr: UInt64,
                        _ rounding: FPRounding, _ flags: inout UInt64) -> UInt64 {
        let u = unpack(x, fmt, fpcr, &flags)
        let maxU: UInt128 = (1 << UInt128(outBits)) - 1
        let maxS: UInt128 = (1 << UInt128(outBits - 1)) - 1
        let mask: UInt64 = outBits == 64 ? ~0 : (1 << UInt64(outBits)) - 1
        func saturate(_ negative: Bool) -> UInt64 {
            flags |= FPBits.ioc
            if unsigned { return negative ? 0 : UInt64(truncatingIfNeeded: maxU) }
            return negative ? (UInt64(truncatingIfNeeded: maxS) + 1) & mask : UInt64(truncatingIfNeeded: maxS)
        }
        switch u.kind {
        case .qnan, .snan: flags |= FPBits.ioc; return 0
        case .infinity: return saturate(u.sign)
        case .zero: return 0
        default:
            let (n, inexact) = roundToInteger(u, extraExp: fbits, rounding)
            if n == 0 {
                if inexact { flags |= FPBits.ixc }
                return 0
            }
            if unsigned ? (u.sign || n > maxU) : (u.sign ? n > maxS + 1 : n > maxS) { return saturate(u.sign) }
            if inexact { flags |= FPBits.ixc }
            let v = UInt64(truncatingIfNeeded: n)
            return (u.sign ? 0 &- v : v) & mask
        }
    }
}
