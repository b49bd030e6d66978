/// The saturating add, subtract, absolute value and negate of `vop` (group
/// `saturating`): SQADD, UQADD, SQSUB, UQSUB, SUQADD, USQADD, SQABS, SQNEG,
/// vector and scalar. A lane that saturates sets FPSR.QC.
///
/// Every op of this group and of `halving` and `multiply` writes the lanes
/// its shape (param2, `VectorShape`: `half` for Q = 0, `scalar` for element
/// 0) names and zeroes the rest, so the lifter writes all of Vd, and the
/// lanes outside the shape never saturate.
public enum SaturatingOp: UInt8, Sendable, CaseIterable {
    /// a + b, a - b, as signed or unsigned lanes.
    case sqadd, uqadd, sqsub, uqsub
    /// SUQADD: a (the destination, signed) + b (unsigned), saturated signed.
    /// USQADD: a (unsigned) + b (signed), saturated unsigned.
    case suqadd, usqadd
    /// Unary on a.
    case sqabs, sqneg
}

extension VectorSemantics {
    /// The number of result bits an op of `bits`-bit lanes writes in `shape`.
    @inline(__always) static func shapeBits(_ shape: VectorShape, _ bits: Int) -> Int {
        shape.contains(.scalar) ? bits : shape.contains(.half) ? 64 : 128
    }

    public static func evaluate(_ op: SaturatingOp, laneBits bits: Int, shape: VectorShape, _ a: V128, _ b: V128,
                                _ fp: inout VectorFPState) -> V128 {
        var r = V128.zero
        var sat = false
        var off = 0
        let end = shapeBits(shape, bits)
        while off < end {
            let xl = a.lane(at: off, bits: bits), yl = b.lane(at: off, bits: bits)
            let sx = wide(xl, bits, signed: true), sy = wide(yl, bits, signed: true)
            let ux = Int128(xl), uy = Int128(yl)
            let v: UInt64
            switch op {
            case .sqadd: v = saturate(sx + sy, bits, unsigned: false, &sat)
            case .uqadd: v = saturate(ux + uy, bits, unsigned: true, &sat)
            case .sqsub: v = saturate(sx - sy, bits, unsigned: false, &sat)
            case .uqsub: v = saturate(ux - uy, bits, unsigned: true, &sat)
            case .suqadd: v = saturate(sx + uy, bits, unsigned: false, &sat)
            case .usqadd: v = saturate(ux + sy, bits, unsigned: true, &sat)
            case .sqabs: v = saturate(Swift.abs(sx), bits, unsigned: false, &sat)
            case .sqneg: v = saturate(-sx, bits, unsigned: false, &sat)
            }
            r.setLane(at: off, bits: bits, v)
            off += bits
        }
        if sat { fp.fpsrFlags |= VectorFPState.qc }
        return r
    }
}
