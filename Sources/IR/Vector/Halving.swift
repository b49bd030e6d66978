/// The halving, rounding halving and absolute difference ops of `vop` (group
/// `halving`): SHADD, UHADD, SRHADD, URHADD, SHSUB, UHSUB, SABD, UABD, SABA,
/// UABA on lanes of a and b (c: the accumulator of SABA/UABA). The sum or
/// difference is taken at full precision, then halved or truncated to the
/// lane (Arm ARM: the pseudocode of each works on integers). The lanes of the
/// shape (param2, `VectorShape`) are written, the rest zeroed.
public enum HalvingOp: UInt8, Sendable, CaseIterable {
    /// (a + b) >> 1; (a + b + 1) >> 1; (a - b) >> 1.
    case shadd, uhadd, srhadd, urhadd, shsub, uhsub
    /// |a - b|; c + |a - b|.
    case sabd, uabd, saba, uaba
}

extension VectorSemantics {
    public static func evaluate(_ op: HalvingOp, laneBits bits: Int, shape: VectorShape, _ a: V128, _ b: V128, _ c: V128) -> V128 {
        var r = V128.zero
        var off = 0
        let end = shapeBits(shape, bits)
        let isSigned = op == .shadd || op == .srhadd || op == .shsub || op == .sabd || op == .saba
        while off < end {
            let x = wide(a.lane(at: off, bits: bits), bits, signed: isSigned)
            let y = wide(b.lane(at: off, bits: bits), bits, signed: isSigned)
            let v: Int128
            switch op {
            case .shadd, .uhadd: v = (x + y) >> 1
            case .srhadd, .urhadd: v = (x + y + 1) >> 1
            case .shsub, .uhsub: v = (x - y) >> 1
            case .sabd, .uabd: v = Swift.abs(x - y)
            case .saba, .uaba: v = Swift.abs(x - y) + Int128(c.lane(at: off, bits: bits))
            }
            r.setLane(at: off, bits: bits, truncate(v, bits))
            off += bits
        }
        return r
    }
}
