/// Which lanes an op of the `shift`, `widen`, `permute`, `reduce` and
/// `bitCount` groups reads and writes (the `VectorOpcode`'s param2). Lanes
/// the op does not write are zero in the result, so the lifter writes all
/// 128 bits of the destination.
public struct VectorShape: OptionSet, Sendable {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Q = 0: the low 64 bits only (same-size ops).
    public static let half = VectorShape(rawValue: 1)
    /// A scalar form: element 0 only (a saturating op must not look at the
    /// other lanes, which could set FPSR.QC).
    public static let scalar = VectorShape(rawValue: 2)
    /// The "2" forms: a lengthening op reads the high half of its narrow
    /// sources; a narrowing op writes the high half of the result and keeps
    /// the low half of c (the destination's old value).
    public static let upper = VectorShape(rawValue: 4)
}

extension VectorSemantics {
    @inline(__always)
    static func ones(_ bits: Int) -> UInt64 { bits == 64 ? ~0 : (1 << UInt64(bits)) - 1 }

    /// Lane bits as a signed or unsigned integer.
    @inline(__always)
    static func wide(_ v: UInt64, _ bits: Int, signed isSigned: Bool) -> Int128 {
        isSigned ? Int128(signed(v, bits)) : Int128(v)
    }

    /// The low `bits` bits of v.
    @inline(__always)
    static func truncate(_ v: Int128, _ bits: Int) -> UInt64 { UInt64(truncatingIfNeeded: v) & ones(bits) }

    /// SignedSatQ / UnsignedSatQ: v saturated to `bits` bits; `sat` set when it saturated.
    @inline(__always)
    static func saturate(_ v: Int128, _ bits: Int, unsigned: Bool, _ sat: inout Bool) -> UInt64 {
        let lo: Int128 = unsigned ? 0 : -(Int128(1) << (bits - 1))
        let hi: Int128 = unsigned ? (Int128(1) << bits) - 1 : (Int128(1) << (bits - 1)) - 1
        if v > hi { sat = true; return truncate(hi, bits) }
        if v < lo { sat = true; return truncate(lo, bits) }
        return truncate(v, bits)
    }

    /// x shifted left by s (right by -s when negative) in unbounded
    /// precision, adding the rounding constant 1 << (-s - 1) first when
    /// `round` and s < 0 (the Arm ARM's SRSHL/URSHL formula). x fits in
    /// `bits` bits; shifts past the lane are clamped to amounts that give the
    /// same truncated and saturated results without overflowing Int128.
    @inline(__always)
    static func shift(_ x: Int128, by s: Int, bits: Int, round: Bool) -> Int128 {
        if s >= 0 {
            if s < bits { return x << s }
            // Every bit of x leaves the lane: 0 when truncated, saturates unless x is 0.
            return x == 0 ? 0 : x < 0 ? -(Int128(1) << 120) : Int128(1) << 120
        }
        let r = min(-s, bits + 1)
        return round ? (x + (Int128(1) << (r - 1))) >> r : x >> r
    }
}
