/// The same-size integer multiplies of `vop` (group `multiply`), vector and
/// scalar; the by-element forms are these ops with b holding the element in
/// every lane (the lifter broadcasts it). c is the accumulator of the
/// accumulating ops. The lanes of the shape (param2, `VectorShape`) are
/// written, the rest zeroed; the saturating ops set FPSR.QC. (The long
/// multiplies are in group `widen`.)
public enum MultiplyOp: UInt8, Sendable, CaseIterable {
    /// c + a * b, c - a * b (MLA, MLS), modulo the lane size.
    case mla, mls
    /// Polynomial (carry-less) multiply of byte lanes, low 8 bits (PMUL).
    case pmul
    /// SQDMULH: (2ab) >> esize; SQRDMULH: (2ab + 2^(esize-1)) >> esize; saturated.
    case sqdmulh, sqrdmulh
    /// SQRDMLAH/SQRDMLSH (FEAT_RDM): ((c << esize) ± 2ab + 2^(esize-1)) >> esize,
    /// saturated once (Arm ARM, SQRDMLAH pseudocode).
    case sqrdmlah, sqrdmlsh
    /// SDOT/UDOT (FEAT_DotProd): `laneBits` 32; each lane is c plus the sum of
    /// the products of the four byte lanes of a and b in it, modulo 2^32.
    case sdot, udot
}

extension VectorSemantics {
    /// Polynomial multiply of two bytes, the low 8 bits of the product.
    @inline(__always) static func pmul8(_ x: UInt64, _ y: UInt64) -> UInt64 {
        var r: UInt64 = 0
        for i in 0..<8 where (y >> UInt64(i)) & 1 == 1 { r ^= x << UInt64(i) }
        return r & 0xFF
    }

    public static func evaluate(_ op: MultiplyOp, laneBits bits: Int, shape: VectorShape, _ a: V128, _ b: V128,
                                _ c: V128, _ fp: inout VectorFPState) -> V128 {
        var r = V128.zero
        var sat = false
        var off = 0
        let end = shapeBits(shape, bits)
        switch op {
        case .sdot, .udot:
            while off < end {
                var sum = Int128(c.lane(at: off, bits: 32))
                for k in 0..<4 {
                    sum += wide(a.lane(at: off + 8 * k, bits: 8), 8, signed: op == .sdot)
                        * wide(b.lane(at: off + 8 * k, bits: 8), 8, signed: op == .sdot)
                }
                r.setLane(at: off, bits: 32, truncate(sum, 32))
                off += 32
            }
        default:
            let round = Int128(1) << (bits - 1)
            while off < end {
                let xl = a.lane(at: off, bits: bits), yl = b.lane(at: off, bits: bits), cl = c.lane(at: off, bits: bits)
                let x = wide(xl, bits, signed: true), y = wide(yl, bits, signed: true)
                let v: UInt64
                switch op {
                case .mla: v = (cl &+ xl &* yl) & ones(bits)
                case .mls: v = (cl &- xl &* yl) & ones(bits)
                case .pmul: v = pmul8(xl, yl)
                case .sqdmulh: v = saturate((2 * x * y) >> bits, bits, unsigned: false, &sat)
                case .sqrdmulh: v = saturate((2 * x * y + round) >> bits, bits, unsigned: false, &sat)
                case .sqrdmlah, .sqrdmlsh:
                    let acc = wide(cl, bits, signed: true) << bits
                    v = saturate(((op == .sqrdmlah ? acc + 2 * x * y : acc - 2 * x * y) + round) >> bits, bits, unsigned: false, &sat)
                default: preconditionFailure("not a multiply op: \(op)")
                }
                r.setLane(at: off, bits: bits, v)
                off += bits
            }
        }
        if sat { fp.fpsrFlags |= VectorFPState.qc }
        return r
    }
}
