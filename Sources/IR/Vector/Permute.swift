/// The permutes of `vop` (group `permute`): ZIP1/ZIP2, UZP1/UZP2, TRN1/TRN2
/// and EXT on a (Vn) and b (Vm), and one step of TBL/TBX.
///
/// The shape (`VectorShape`, param2) is `.half` for the 64-bit forms
/// (Q = 0): the ops read only the low halves of a and b (Arm ARM C7.2: the
/// operands are `datasize` wide) and give zero in bits 127:64. EXT's byte
/// position is `param`.
public enum VectorPermuteOp: UInt8, Sendable, CaseIterable {
    case zip1, zip2, uzp1, uzp2, trn1, trn2
    /// EXT: bytes `param`... of b:a (a the low part).
    case ext
    /// One table register of TBL/TBX: a = table register number `param`
    /// (0-3) of the list, b = the indices (bytes), c = the result so far.
    /// Each byte whose index lies in that register (16 × param to
    /// 16 × param + 15) takes that table byte; the others keep c's. A TBL
    /// chain starts from zero, a TBX chain from the old destination, so an
    /// index past the whole table gives 0 (TBL) or leaves the byte (TBX).
    case tableStep
}

extension VectorSemantics {
    public static func evaluate(_ op: VectorPermuteOp, laneBits: Int, param: Int, shape: VectorShape,
                                _ a: V128, _ b: V128, _ c: V128) -> V128 {
        let total = shape.contains(.half) ? 64 : 128
        let n = total / laneBits            // lanes in the operation's datasize
        var r = V128.zero
        switch op {
        case .zip1, .zip2:
            // Interleave the low (zip1) or high (zip2) halves of a and b.
            let base = op == .zip1 ? 0 : n / 2
            for p in 0..<(n / 2) {
                r.setLane(2 * p, bits: laneBits, a.lane(base + p, bits: laneBits))
                r.setLane(2 * p + 1, bits: laneBits, b.lane(base + p, bits: laneBits))
            }
        case .uzp1, .uzp2:
            // Even (uzp1) or odd (uzp2) lanes of the concatenation b:a.
            let odd = op == .uzp1 ? 0 : 1
            for e in 0..<n {
                let s = 2 * e + odd
                let v = s < n ? a.lane(s, bits: laneBits) : b.lane(s - n, bits: laneBits)
                r.setLane(e, bits: laneBits, v)
            }
        case .trn1, .trn2:
            let odd = op == .trn1 ? 0 : 1
            for p in 0..<(n / 2) {
                r.setLane(2 * p, bits: laneBits, a.lane(2 * p + odd, bits: laneBits))
                r.setLane(2 * p + 1, bits: laneBits, b.lane(2 * p + odd, bits: laneBits))
            }
        case .ext:
            let bytes = total / 8
            for i in 0..<bytes {
                let s = i + param
                let v = s < bytes ? a.lane(s, bits: 8) : b.lane(s - bytes, bits: 8)
                r.setLane(i, bits: 8, v)
            }
        case .tableStep:
            let reg = UInt64(param)
            for i in 0..<total / 8 {
                let index = b.lane(i, bits: 8)
                r.setLane(i, bits: 8, index >> 4 == reg ? a.lane(Int(index & 15), bits: 8) : c.lane(i, bits: 8))
            }
        }
        return r
    }
}
