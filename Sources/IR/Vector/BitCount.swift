/// Bit counts and reversals of `vop` (group `bitCount`), lane-wise on a; the
/// shape (`VectorShape`, param2) is `.half` for the 64-bit forms (Q = 0),
/// whose results have zero in bits 127:64.
public enum VectorBitCountOp: UInt8, Sendable, CaseIterable {
    /// CNT (set bits), CLZ (leading zeros), CLS (leading sign bits, not
    /// counting the sign bit itself), RBIT (bits reversed) in each lane.
    case cnt, clz, cls, rbit
    /// REV16/REV32/REV64: the lanes reversed within each container of
    /// `param` bits (16, 32 or 64).
    case rev
}

extension VectorSemantics {
    public static func evaluate(_ op: VectorBitCountOp, laneBits: Int, container: Int, shape: VectorShape, _ a: V128) -> V128 {
        var r = V128.zero
        let n = (shape.contains(.half) ? 64 : 128) / laneBits
        for e in 0..<n {
            let x = a.lane(e, bits: laneBits)
            let v: UInt64
            switch op {
            case .cnt: v = UInt64(x.nonzeroBitCount)
            case .clz: v = UInt64(x.leadingZeroBitCount - (64 - laneBits))
            case .cls:
                // CountLeadingSignBits(x) = CountLeadingZeroBits(x<N-1:1> EOR x<N-2:0>).
                let y = ((x >> 1) ^ x) & (ones(laneBits) >> 1)
                v = UInt64(y.leadingZeroBitCount - (64 - laneBits + 1))
            case .rbit: v = IRSemantics.bitReverse64(x) >> UInt64(64 - laneBits)
            case .rev:
                // Lane e goes to the mirrored position within its container.
                let per = container / laneBits
                let dest = e - e % per + (per - 1 - e % per)
                r.setLane(dest, bits: laneBits, x)
                continue
            }
            r.setLane(e, bits: laneBits, v)
        }
        return r
    }
}
