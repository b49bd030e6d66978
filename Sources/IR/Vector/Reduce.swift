/// Across-lane and pairwise ops of `vop` (group `reduce`). `laneBits` is the
/// source lane size; the shape (`VectorShape`, param2) is `.half` for the
/// 64-bit forms (Q = 0), whose operands are the low halves of a and b and
/// whose results have zero in bits 127:64.
public enum VectorReduceOp: UInt8, Sendable, CaseIterable {
    /// ADDV, SMAXV, UMAXV, SMINV, UMINV over the lanes of a: the result in
    /// lane 0 (laneBits wide), the rest zero. ADDV on two 64-bit lanes is
    /// the scalar ADDP Dd, Vn.2D.
    case addv, smaxv, umaxv, sminv, uminv
    /// SADDLV, UADDLV: the sum of a's lanes, sign- or zero-extended, in a
    /// lane twice as wide (lane 0; the rest zero).
    case saddlv, uaddlv
    /// ADDP, SMAXP, UMAXP, SMINP, UMINP: the pairs of the concatenation b:a
    /// (a's pairs in the low half of the result).
    case addp, smaxp, umaxp, sminp, uminp
    /// SADDLP, UADDLP: each pair of a's lanes summed into a lane twice as
    /// wide; SADALP, UADALP add that to c's lanes.
    case saddlp, uaddlp, sadalp, uadalp
}

extension VectorSemantics {
    @inline(__always)
    static func reduceStep(_ op: VectorReduceOp, _ x: UInt64, _ y: UInt64, bits: Int) -> UInt64 {
        switch op {
        case .addv, .addp: return (x &+ y) & ones(bits)
        case .smaxv, .smaxp: return signed(x, bits) >= signed(y, bits) ? x : y
        case .umaxv, .umaxp: return max(x, y)
        case .sminv, .sminp: return signed(x, bits) <= signed(y, bits) ? x : y
        case .uminv, .uminp: return min(x, y)
        default: preconditionFailure("not a reduction step: \(op)")
        }
    }

    public static func evaluate(_ op: VectorReduceOp, laneBits: Int, shape: VectorShape, _ a: V128, _ b: V128, _ c: V128) -> V128 {
        let total = shape.contains(.half) ? 64 : 128
        let n = total / laneBits
        var r = V128.zero
        switch op {
        case .addv, .smaxv, .umaxv, .sminv, .uminv:
            var acc = a.lane(0, bits: laneBits)
            for e in 1..<n { acc = reduceStep(op, acc, a.lane(e, bits: laneBits), bits: laneBits) }
            r.setLane(0, bits: laneBits, acc)
        case .saddlv, .uaddlv:
            var sum: UInt64 = 0
            for e in 0..<n {
                let x = a.lane(e, bits: laneBits)
                sum &+= op == .saddlv ? UInt64(bitPattern: signed(x, laneBits)) : x
            }
            r.setLane(0, bits: 2 * laneBits, sum & ones(2 * laneBits))
        case .addp, .smaxp, .umaxp, .sminp, .uminp:
            for e in 0..<n {
                let src = e < n / 2 ? a : b
                let p = 2 * (e % (n / 2))
                r.setLane(e, bits: laneBits,
                          reduceStep(op, src.lane(p, bits: laneBits), src.lane(p + 1, bits: laneBits), bits: laneBits))
            }
        case .saddlp, .uaddlp, .sadalp, .uadalp:
            let wide = 2 * laneBits
            let sign = op == .saddlp || op == .sadalp
            for e in 0..<(total / wide) {
                let x = a.lane(2 * e, bits: laneBits), y = a.lane(2 * e + 1, bits: laneBits)
                var sum = sign ? UInt64(bitPattern: signed(x, laneBits) &+ signed(y, laneBits)) : x &+ y
                if op == .sadalp || op == .uadalp { sum &+= c.lane(e, bits: wide) }
                r.setLane(e, bits: wide, sum & ones(wide))
            }
        }
        return r
    }
}
