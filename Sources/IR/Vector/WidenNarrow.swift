/// AdvSIMD ops between narrow and wide elements (group `widen`): three
/// different (long, wide, narrow high), XTN and its saturating forms, SHLL.
/// laneBits is always the narrow element size; the shape (param2,
/// `VectorShape`) says scalar, and "2" (`upper`: narrow sources from the
/// high half, or a narrow result into the high half over c's low half).
public enum VectorWidenOp: UInt8, Sendable, CaseIterable {
    // Long: a, b narrow; result wide; c = the accumulator of the -AL/-SL forms.
    case saddl, uaddl, ssubl, usubl, sabdl, uabdl, sabal, uabal
    case smull, umull, smlal, umlal, smlsl, umlsl
    /// Saturating doubling multiplies (signed, FPSR.QC).
    case sqdmull, sqdmlal, sqdmlsl
    // Wide: a wide, b narrow; result wide.
    case saddw, uaddw, ssubw, usubw
    // Narrow high: a, b wide; result the high half of each sum or difference.
    case addhn, subhn, raddhn, rsubhn
    // Narrow: a wide; truncated or saturated.
    case xtn, sqxtn, uqxtn, sqxtun
    /// SHLL: each narrow element shifted left by its size.
    case shll

    public var saturates: Bool {
        switch self {
        case .sqdmull, .sqdmlal, .sqdmlsl, .sqxtn, .uqxtn, .sqxtun: return true
        default: return false
        }
    }
}

extension VectorSemantics {
    public static func evaluate(_ op: VectorWidenOp, laneBits bits: Int, shape: VectorShape,
                                _ a: V128, _ b: V128, _ c: V128, _ fp: inout VectorFPState) -> V128 {
        var r = V128.zero
        var sat = false
        let count = shape.contains(.scalar) ? 1 : 64 / bits
        let first = shape.contains(.upper) ? count : 0
        let wbits = 2 * bits
        switch op {
        case .addhn, .subhn, .raddhn, .rsubhn, .xtn, .sqxtn, .uqxtn, .sqxtun:
            if shape.contains(.upper) { r.lo = c.lo }
            for i in 0..<count {
                let x = a.lane(i, bits: wbits)
                let lane: UInt64
                switch op {
                case .xtn: lane = x & ones(bits)
                case .sqxtn: lane = saturate(wide(x, wbits, signed: true), bits, unsigned: false, &sat)
                case .uqxtn: lane = saturate(Int128(x), bits, unsigned: true, &sat)
                case .sqxtun: lane = saturate(wide(x, wbits, signed: true), bits, unsigned: true, &sat)
                default:
                    let y = Int128(b.lane(i, bits: wbits))
                    var v = op == .addhn || op == .raddhn ? Int128(x) + y : Int128(x) - y
                    if op == .raddhn || op == .rsubhn { v += Int128(1) << (bits - 1) }
                    lane = truncate(v >> bits, bits)
                }
                r.setLane(first + i, bits: bits, lane)
            }
        case .saddw, .uaddw, .ssubw, .usubw:
            for i in 0..<count {
                let isSigned = op == .saddw || op == .ssubw
                let x = wide(a.lane(i, bits: wbits), wbits, signed: isSigned)
                let y = wide(b.lane(first + i, bits: bits), bits, signed: isSigned)
                r.setLane(i, bits: wbits, truncate(op == .saddw || op == .uaddw ? x + y : x - y, wbits))
            }
        case .shll:
            for i in 0..<count {
                r.setLane(i, bits: wbits, a.lane(first + i, bits: bits) << UInt64(bits))
            }
        default:
            let isSigned: Bool
            switch op {
            case .saddl, .ssubl, .sabdl, .sabal, .smull, .smlal, .smlsl, .sqdmull, .sqdmlal, .sqdmlsl: isSigned = true
            default: isSigned = false
            }
            for i in 0..<count {
                let x = wide(a.lane(first + i, bits: bits), bits, signed: isSigned)
                let y = wide(b.lane(first + i, bits: bits), bits, signed: isSigned)
                let acc = wide(c.lane(i, bits: wbits), wbits, signed: true)
                let lane: UInt64
                switch op {
                case .saddl, .uaddl: lane = truncate(x + y, wbits)
                case .ssubl, .usubl: lane = truncate(x - y, wbits)
                case .sabdl, .uabdl: lane = truncate(x > y ? x - y : y - x, wbits)
                case .sabal, .uabal: lane = truncate(acc + (x > y ? x - y : y - x), wbits)
                case .smull, .umull: lane = truncate(x * y, wbits)
                case .smlal, .umlal: lane = truncate(acc + x * y, wbits)
                case .smlsl, .umlsl: lane = truncate(acc - x * y, wbits)
                default:
                    // SQDMLAL/SQDMLSL saturate the doubled product, then the sum (Arm ARM C7.2).
                    let product = saturate(2 * x * y, wbits, unsigned: false, &sat)
                    if op == .sqdmull { lane = product; break }
                    let p = wide(product, wbits, signed: true)
                    lane = saturate(op == .sqdmlal ? acc + p : acc - p, wbits, unsigned: false, &sat)
                }
                r.setLane(i, bits: wbits, lane)
            }
        }
        if sat { fp.fpsrFlags |= VectorFPState.qc }
        return r
    }
}
