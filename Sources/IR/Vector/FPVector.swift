/// AdvSIMD floating point (group `fp`): each lane computed by `FPReference`
/// with FPCR, its FPSR flags OR-ed together. Lane bits are the element size
/// (16, 32, 64; for FCVTN/FCVTXN/FCVTL the destination's).
///
/// `param` packs the shape (bits 1:0: 0 all 128 bits, 1 the low 64 bits,
/// 2 lane 0 only: a scalar; the lanes not computed are zero), the rounding
/// mode + 1 (bits 4:2; 0: FPCR's) and FRINTX's exactness (bit 5).
/// `param2` is the fixed-point fraction bits of the conversions, or 1 for
/// the "2" (upper half) forms of FCVTN/FCVTXN/FCVTL.
public enum VectorFPOp: UInt8, Sendable, CaseIterable {
    /// Lane-wise a op b.
    case add, sub, mul, div, max, min, maxnm, minnm, mulx, abd, recps, rsqrts
    /// All-ones lanes when true; FACGE/FACGT compare magnitudes.
    case cmeq, cmge, cmgt, acge, acgt
    /// FMLA: c + a * b; FMLS: c + (-a) * b (fused).
    case mla, mls
    /// Pairwise over the lanes of a then b (scalar shape: a's lanes 0 and 1).
    case addp, maxp, minp, maxnmp, minnmp
    /// Across a's lanes (the Arm ARM's Reduce: a tree of halves), into lane 0.
    case maxv, minv, maxnmv, minnmv
    /// Unary on a.
    case abs, neg, sqrt, roundInt, roundInt32, roundInt64
    /// FPToFixed (signed, unsigned) and FixedToFP (signed, unsigned).
    case toIntS, toIntU, fromIntS, fromIntU
    case recpe, rsqrte, recpx, urecpe, ursqrte
    /// FCVTN (FCVTXN: round to odd) from lanes twice as wide; FCVTL from
    /// lanes half as wide (the upper 64 bits of a when param2 = 1). FCVTN2
    /// keeps the low 64 bits of c.
    case cvtn, cvtxn, cvtl
    /// FJCVTZS: the low 64 bits get Wd, the high 64 bits NZCV (bits 31:28).
    case jcvt
}

extension VectorOpcode {
    /// A `vop` of the `fp` group.
    public static func fp(_ op: VectorFPOp, laneBits: Int, shape: Int, rounding: FPRounding? = nil,
                          exact: Bool = false, param2: Int = 0) -> VectorOpcode {
        let param = shape | Int(rounding.map { $0.rawValue + 1 } ?? 0) << 2 | (exact ? 1 << 5 : 0)
        return VectorOpcode(group: .fp, op: op.rawValue, laneBits: laneBits, param: param, param2: param2, usesFPSR: true)
    }
}

extension VectorSemantics {
    static func fpLane(_ op: VectorFPOp, _ x: UInt64, _ y: UInt64, _ z: UInt64, bits: Int, rounding: FPRounding?,
                       exact: Bool, fbits: Int, fpcr: UInt64, _ flags: inout UInt64) -> UInt64 {
        func ex(_ k: FPOpcode.Kind, _ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0, rounding r: FPRounding? = nil,
                flag: Bool = false, fbits: Int = 0) -> UInt64 {
            FPReference.execute(FPOpcode(k, rounding: r, flag: flag, fbits: fbits), outBits: bits, inBits: bits, a, b, c,
                                fpcr: fpcr, flags: &flags)
        }
        let ones: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
        let sign: UInt64 = 1 << UInt64(bits - 1)
        switch op {
        case .add, .addp: return ex(.add, x, y)
        case .sub: return ex(.sub, x, y)
        case .mul: return ex(.mul, x, y)
        case .div: return ex(.div, x, y)
        case .max, .maxp, .maxv: return ex(.max, x, y)
        case .min, .minp, .minv: return ex(.min, x, y)
        case .maxnm, .maxnmp, .maxnmv: return ex(.maxnm, x, y)
        case .minnm, .minnmp, .minnmv: return ex(.minnm, x, y)
        case .mulx: return FPReference.mulX(x, y, bits: bits, fpcr: fpcr, flags: &flags)
        case .abd: return ex(.sub, x, y) & ~sign
        case .recps, .rsqrts:
            return FPReference.stepFused(rsqrt: op == .rsqrts, x, y, bits: bits, fpcr: fpcr, flags: &flags)
        case .cmeq: return FPReference.compare(.eq, x, y, bits: bits, fpcr: fpcr, flags: &flags) ? ones : 0
        case .cmge: return FPReference.compare(.ge, x, y, bits: bits, fpcr: fpcr, flags: &flags) ? ones : 0
        case .cmgt: return FPReference.compare(.gt, x, y, bits: bits, fpcr: fpcr, flags: &flags) ? ones : 0
        case .acge: return FPReference.compare(.ge, x & ~sign, y & ~sign, bits: bits, fpcr: fpcr, flags: &flags) ? ones : 0
        case .acgt: return FPReference.compare(.gt, x & ~sign, y & ~sign, bits: bits, fpcr: fpcr, flags: &flags) ? ones : 0
        case .mla: return ex(.fma, x, y, z)
        case .mls: return ex(.fma, x ^ sign, y, z)
        case .abs: return x & ~sign
        case .neg: return x ^ sign
        case .sqrt: return ex(.sqrt, x)
        case .roundInt: return ex(.roundInt, x, rounding: rounding, flag: exact)
        case .roundInt32, .roundInt64:
            return FPReference.roundIntN(x, bits: bits, intBits: op == .roundInt32 ? 32 : 64,
                                         rounding: rounding ?? FPRounding.fromFPCR(fpcr), fpcr: fpcr, flags: &flags)
        case .toIntS, .toIntU: return ex(.toInt, x, rounding: rounding, flag: op == .toIntU, fbits: fbits)
        case .fromIntS, .fromIntU: return ex(.fromInt, x, rounding: rounding, flag: op == .fromIntU, fbits: fbits)
        case .recpe: return FPReference.recipEstimate(x, bits: bits, fpcr: fpcr, flags: &flags)
        case .rsqrte: return FPReference.rsqrtEstimate(x, bits: bits, fpcr: fpcr, flags: &flags)
        case .recpx: return FPReference.recpX(x, bits: bits, fpcr: fpcr, flags: &flags)
        case .urecpe: return UInt64(FPReference.unsignedRecipEstimate(UInt32(truncatingIfNeeded: x)))
        case .ursqrte: return UInt64(FPReference.unsignedRSqrtEstimate(UInt32(truncatingIfNeeded: x)))
        case .cvtn, .cvtxn, .cvtl, .jcvt: preconditionFailure("not a lane op: \(op)")
        }
    }

    /// The meaning of a `vop` of the `fp` group.
    public static func evaluateFP(_ code: VectorOpcode, _ a: V128, _ b: V128, _ c: V128, _ fp: inout VectorFPState) -> V128 {
        let op = VectorFPOp(rawValue: code.op)!
        let bits = code.laneBits
        let shape = code.param & 3
        let r = (code.param >> 2) & 7
        let rounding = r == 0 ? nil : FPRounding(rawValue: UInt8(r - 1))
        let exact = code.param & 0x20 != 0
        let count = (shape == 0 ? 128 : shape == 1 ? 64 : bits) / bits
        let fpcr = fp.fpcr
        var flags: UInt64 = 0
        var out = V128.zero
        func lane(_ x: UInt64, _ y: UInt64, _ z: UInt64 = 0) -> UInt64 {
            fpLane(op, x, y, z, bits: bits, rounding: rounding, exact: exact, fbits: code.param2, fpcr: fpcr, &flags)
        }
        switch op {
        case .addp, .maxp, .minp, .maxnmp, .minnmp:
            if shape == 2 {
                out.setLane(0, bits: bits, lane(a.lane(0, bits: bits), a.lane(1, bits: bits)))
            } else {
                // The pairs of a's lanes, then of b's.
                for i in 0..<count {
                    let src = i < count / 2 ? a : b
                    let j = (i % (count / 2)) * 2
                    out.setLane(i, bits: bits, lane(src.lane(j, bits: bits), src.lane(j + 1, bits: bits)))
                }
            }
        case .maxv, .minv, .maxnmv, .minnmv:
            var vals = (0..<count).map { a.lane($0, bits: bits) }
            while vals.count > 1 {
                vals = stride(from: 0, to: vals.count, by: 2).map { lane(vals[$0], vals[$0 + 1]) }
            }
            out.setLane(0, bits: bits, vals[0])
        case .cvtn, .cvtxn:
            // count lanes of `bits` from lanes of 2 * bits: all of a's (vector) or lane 0 (scalar).
            let n = shape == 2 ? 1 : 64 / bits
            let high = code.param2 == 1
            if high { out.lo = c.lo }
            for i in 0..<n {
                let v = FPReference.execute(FPOpcode(.convert, rounding: op == .cvtxn ? .odd : nil), outBits: bits,
                                            inBits: 2 * bits, a.lane(i, bits: 2 * bits), 0, 0, fpcr: fpcr, flags: &flags)
                out.setLane(high ? i + n : i, bits: bits, v)
            }
        case .cvtl:
            let n = 128 / bits
            let base = code.param2 == 1 ? n : 0
            for i in 0..<n {
                let v = FPReference.execute(FPOpcode(.convert), outBits: bits, inBits: bits / 2,
                                            a.lane(base + i, bits: bits / 2), 0, 0, fpcr: fpcr, flags: &flags)
                out.setLane(i, bits: bits, v)
            }
        case .jcvt:
            let (v, z) = FPReference.toFixedJS(a.lo, fpcr: fpcr, flags: &flags)
            out = V128(lo: UInt64(v), hi: z ? 0x4000_0000 : 0)
        default:
            for i in 0..<count {
                out.setLane(i, bits: bits, lane(a.lane(i, bits: bits), b.lane(i, bits: bits), c.lane(i, bits: bits)))
            }
        }
        fp.fpsrFlags |= flags
        return out
    }
}
