/// A 128-bit vector value: lanes in little-endian order (lane 0 in the low bits of `lo`).
public struct V128: Equatable, Sendable, CustomStringConvertible {
    public var lo: UInt64
    public var hi: UInt64
    public init(lo: UInt64, hi: UInt64) { self.lo = lo; self.hi = hi }
    public static let zero = V128(lo: 0, hi: 0)

    /// The lane of `bits` bits at bit offset `offset` (a multiple of the lane size).
    @inline(__always) public func lane(at offset: Int, bits: Int) -> UInt64 {
        let word = offset < 64 ? lo : hi
        let shift = UInt64(offset & 63)
        return bits == 64 ? word : (word >> shift) & ((1 << UInt64(bits)) - 1)
    }

    @inline(__always) public mutating func setLane(at offset: Int, bits: Int, _ v: UInt64) {
        let shift = UInt64(offset & 63)
        let mask: UInt64 = bits == 64 ? ~0 : ((1 << UInt64(bits)) - 1) << shift
        let w = (v << shift) & mask
        if offset < 64 { lo = lo & ~mask | w } else { hi = hi & ~mask | w }
    }

    public var description: String {
        "0x" + String(hi, radix: 16) + "_" + String(repeating: "0", count: 16 - String(lo, radix: 16).count) + String(lo, radix: 16)
    }
}

/// The lane-wise operations of `vop` (AdvSIMD integer and bitwise ops): the
/// IR op's `imm` is the raw value | lane bits (8, 16, 32, 64) << 8. Bitwise
/// ops ignore the lane size. The comparisons give all-ones lanes when true.
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
