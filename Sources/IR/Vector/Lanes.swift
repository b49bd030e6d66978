/// The lane-wise operations of `vop` (group `lanes`: AdvSIMD integer and
/// bitwise ops on a and b). Bitwise ops ignore the lane size. The
/// comparisons give all-ones lanes when true.
public enum VectorOp: UInt8, Sendable, CaseIterable {
    case add, sub, mul
    case and, or, xor
    /// a AND NOT b, a OR NOT b.
    case bic, orn
    /// Equal; signed greater than (or equal); unsigned higher (or same).
    case cmeq, cmgt, cmge, cmhi, cmhs
    /// a AND b non-zero (CMTST).
    case cmtst
    case umax, umin, smax, smin
    /// Unary (b unused).
    case not, neg, abs
}

/// The meaning of `vop`, shared by the interpreter and the JIT's helpers.
public enum VectorSemantics {
    @inline(__always)
    static func signed(_ v: UInt64, _ bits: Int) -> Int64 {
        bits == 64 ? Int64(bitPattern: v) : Int64(bitPattern: v << UInt64(64 - bits)) >> Int64(64 - bits)
    }

    @inline(__always)
    static func lane(_ op: VectorOp, _ x: UInt64, _ y: UInt64, bits: Int) -> UInt64 {
        let ones: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
        switch op {
        case .add: return (x &+ y) & ones
        case .sub: return (x &- y) & ones
        case .mul: return (x &* y) & ones
        case .cmeq: return x == y ? ones : 0
        case .cmgt: return signed(x, bits) > signed(y, bits) ? ones : 0
        case .cmge: return signed(x, bits) >= signed(y, bits) ? ones : 0
        case .cmhi: return x > y ? ones : 0
        case .cmhs: return x >= y ? ones : 0
        case .cmtst: return x & y != 0 ? ones : 0
        case .umax: return max(x, y)
        case .umin: return min(x, y)
        case .smax: return signed(x, bits) >= signed(y, bits) ? x : y
        case .smin: return signed(x, bits) <= signed(y, bits) ? x : y
        case .neg: return (0 &- x) & ones
        case .abs: return signed(x, bits) < 0 ? (0 &- x) & ones : x
        default: preconditionFailure("not a lane op: \(op)")
        }
    }

    public static func evaluate(_ op: VectorOp, laneBits: Int, _ a: V128, _ b: V128) -> V128 {
        switch op {
        case .and: return V128(lo: a.lo & b.lo, hi: a.hi & b.hi)
        case .or: return V128(lo: a.lo | b.lo, hi: a.hi | b.hi)
        case .xor: return V128(lo: a.lo ^ b.lo, hi: a.hi ^ b.hi)
        case .bic: return V128(lo: a.lo & ~b.lo, hi: a.hi & ~b.hi)
        case .orn: return V128(lo: a.lo | ~b.lo, hi: a.hi | ~b.hi)
        case .not: return V128(lo: ~a.lo, hi: ~a.hi)
        default:
            var r = V128.zero
            var off = 0
            while off < 128 {
                r.setLane(at: off, bits: laneBits,
                          lane(op, a.lane(at: off, bits: laneBits), b.lane(at: off, bits: laneBits), bits: laneBits))
                off += laneBits
            }
            return r
        }
    }

    /// `vdup`: every lane of `bits` bits equal to v.
    public static func dup(_ v: UInt64, bits: Int) -> V128 {
        var w = v
        var b = bits
        while b < 64 { w |= w << UInt64(b); b *= 2 }
        return V128(lo: w, hi: w)
    }
}
