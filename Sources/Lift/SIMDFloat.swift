import A64
import IR

/// AdvSIMD floating point (Arm ARM C7): the three-same FP ops (vector,
/// pairwise and the scalar forms), the two-register misc FP ops (FABS, FNEG,
/// FSQRT, FRINT*, FCVT[NPMZA][SU], SCVTF/UCVTF, compares with zero, FRECPE,
/// FRSQRTE, FRECPX, URECPE, URSQRTE), FCVTN/FCVTXN/FCVTL, FMAXV/FMINV/
/// FMAXNMV/FMINNMV, FMLA/FMLS/FMUL/FMULX by element, the fixed-point
/// conversions by immediate, FMOV (vector, immediate), and the scalar
/// FRINT32*/FRINT64* and FJCVTZS. Each is one `vop` of the `fp` group
/// (FPVector.swift), computed lane by lane by `FPReference`; the lanes it
/// does not compute (Q = 0, scalar) are zero, so the result is written whole.
/// The FP16 forms need FEAT_FP16.
extension LiftState {
    /// The `VectorFPOp` of a three-same FP instruction.
    static func sameFPOp(_ op: A64Op) -> VectorFPOp? {
        switch op {
        case .vFadd: return .add
        case .vFsub: return .sub
        case .vFmul: return .mul
        case .vFdiv: return .div
        case .vFmax: return .max
        case .vFmin: return .min
        case .vFmaxnm: return .maxnm
        case .vFminnm: return .minnm
        case .vFmulx: return .mulx
        case .vFabd: return .abd
        case .vFrecps: return .recps
        case .vFrsqrts: return .rsqrts
        case .vFcmeq: return .cmeq
        case .vFcmge: return .cmge
        case .vFcmgt: return .cmgt
        case .vFacge: return .acge
        case .vFacgt: return .acgt
        case .vFmla: return .mla
        case .vFmls: return .mls
        case .vFaddp: return .addp
        case .vFmaxp: return .maxp
        case .vFminp: return .minp
        case .vFmaxnmp: return .maxnmp
        case .vFminnmp: return .minnmp
        default: return nil
        }
    }

    /// The `VectorFPOp`, rounding and exactness of a two-register misc FP instruction.
    static func miscFPOp(_ op: A64Op) -> (VectorFPOp, FPRounding?, Bool)? {
        switch op {
        case .vFabs: return (.abs, nil, false)
        case .vFneg: return (.neg, nil, false)
        case .vFsqrt: return (.sqrt, nil, false)
        case .vFrintn: return (.roundInt, .tieEven, false)
        case .vFrinta: return (.roundInt, .tieAway, false)
        case .vFrintp: return (.roundInt, .posInf, false)
        case .vFrintm: return (.roundInt, .negInf, false)
        case .vFrintz: return (.roundInt, .zero, false)
        case .vFrintx: return (.roundInt, nil, true)
        case .vFrinti: return (.roundInt, nil, false)
        case .vFrint32x, .frint32x: return (.roundInt32, nil, false)
        case .vFrint32z, .frint32z: return (.roundInt32, .zero, false)
        case .vFrint64x, .frint64x: return (.roundInt64, nil, false)
        case .vFrint64z, .frint64z: return (.roundInt64, .zero, false)
        case .vFcvtns: return (.toIntS, .tieEven, false)
        case .vFcvtnu: return (.toIntU, .tieEven, false)
        case .vFcvtps: return (.toIntS, .posInf, false)
        case .vFcvtpu: return (.toIntU, .posInf, false)
        case .vFcvtms: return (.toIntS, .negInf, false)
        case .vFcvtmu: return (.toIntU, .negInf, false)
        case .vFcvtzs: return (.toIntS, .zero, false)
        case .vFcvtzu: return (.toIntU, .zero, false)
        case .vFcvtas: return (.toIntS, .tieAway, false)
        case .vFcvtau: return (.toIntU, .tieAway, false)
        case .vScvtf: return (.fromIntS, nil, false)
        case .vUcvtf: return (.fromIntU, nil, false)
        case .vFrecpe: return (.recpe, nil, false)
        case .vFrsqrte: return (.rsqrte, nil, false)
        case .vFrecpx: return (.recpx, nil, false)
        case .vUrecpe: return (.urecpe, nil, false)
        case .vUrsqrte: return (.ursqrte, nil, false)
        default: return nil
        }
    }

    mutating func liftSIMDFloat(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        let q = w.bit(30)
        let sz = w.bit(22)
        let half: Bool
        switch form {
        case .sameFP16, .miscFP16, .miscFP16Zero, .acrossFP16, .elemFP16, .immFP16, .scalarSameFP16, .scalarMiscFP16,
             .scalarMiscFP16Zero, .scalarPairFP16, .scalarElemFP16:
            half = true
        default: half = false
        }
        if half && !ctx.features.contains(.fp16) { undefined(); return true }
        let bits = half ? 16 : sz ? 64 : 32
        let shape = q ? 0 : 1
        func vop(_ s: inout LiftState, _ o: VectorFPOp, bits: Int, shape: Int, rounding: FPRounding? = nil,
                 exact: Bool = false, param2: Int = 0, _ a: Value, _ b: Value = .none, _ c: Value = .none) -> Value {
            s.b.vop(.fp(o, laneBits: bits, shape: shape, rounding: rounding, exact: exact, param2: param2), a, b, c)
        }
        switch form {
        case .sameFP, .sameFP16, .scalarSameFP, .scalarSameFP16, .scalarPairFP, .scalarPairFP16:
            guard let o = LiftState.sameFPOp(op) else { return false }
            let scalar = form != .sameFP && form != .sameFP16
            let n = b.getVec(w.rn, .v128)
            let pair = form == .scalarPairFP || form == .scalarPairFP16
            let m = pair ? Value.none : b.getVec(w.rm, .v128)
            let acc = o == .mla || o == .mls ? b.getVec(w.rd, .v128) : Value.none
            b.setVec(w.rd, vop(&self, o, bits: bits, shape: scalar ? 2 : shape, n, m, acc))
        case .miscFP, .miscFP16, .miscFPS, .scalarMiscFP, .scalarMiscFP16, .fp1SD:
            guard let (o, rounding, exact) = LiftState.miscFPOp(op) else { return false }
            let scalar = form == .scalarMiscFP || form == .scalarMiscFP16 || form == .fp1SD
            b.setVec(w.rd, vop(&self, o, bits: bits, shape: scalar ? 2 : shape, rounding: rounding, exact: exact,
                               b.getVec(w.rn, .v128)))
        case .miscFPZero, .miscFP16Zero, .scalarMiscFPZero, .scalarMiscFP16Zero:
            let n = b.getVec(w.rn, .v128), zero = b.vdup(b.const_(0))
            let scalar = form == .scalarMiscFPZero || form == .scalarMiscFP16Zero
            let (o, x, y): (VectorFPOp, Value, Value)
            switch op {
            case .vFcmeqZero: (o, x, y) = (.cmeq, n, zero)
            case .vFcmgeZero: (o, x, y) = (.cmge, n, zero)
            case .vFcmgtZero: (o, x, y) = (.cmgt, n, zero)
            case .vFcmleZero: (o, x, y) = (.cmge, zero, n)
            case .vFcmltZero: (o, x, y) = (.cmgt, zero, n)
            default: return false
            }
            b.setVec(w.rd, vop(&self, o, bits: bits, shape: scalar ? 2 : shape, x, y))
        case .fcvtn, .fcvtxn, .scalarFcvtxn:
            // To half (sz 0) or single (sz 1) precision; FCVTN2/FCVTXN2 fill the upper half.
            let o: VectorFPOp = op == .vFcvtn ? .cvtn : .cvtxn
            let dest = sz ? 32 : 16
            let scalar = form == .scalarFcvtxn
            let old = q && !scalar ? b.getVec(w.rd, .v128) : Value.none
            b.setVec(w.rd, vop(&self, o, bits: dest, shape: scalar ? 2 : 0, param2: q && !scalar ? 1 : 0,
                               b.getVec(w.rn, .v128), .none, old))
        case .fcvtl:
            b.setVec(w.rd, vop(&self, .cvtl, bits: sz ? 64 : 32, shape: 0, param2: q ? 1 : 0, b.getVec(w.rn, .v128)))
        case .acrossFP, .acrossFP16:
            let o: VectorFPOp
            switch op {
            case .vFmaxv: o = .maxv
            case .vFminv: o = .minv
            case .vFmaxnmv: o = .maxnmv
            case .vFminnmv: o = .minnmv
            default: return false
            }
            b.setVec(w.rd, vop(&self, o, bits: bits, shape: shape, b.getVec(w.rn, .v128)))
        case .elemFP, .elemFP16, .scalarElemFP, .scalarElemFP16:
            let o: VectorFPOp
            switch op {
            case .vFmlaElem: o = .mla
            case .vFmlsElem: o = .mls
            case .vFmulElem: o = .mul
            case .vFmulxElem: o = .mulx
            default: return false
            }
            // Index H:L:M with Rm in bits 19:16 (H), H:L (S), H (D).
            let h = w.field(11, 1), l = w.field(21, 1), mbit = w.field(20, 1)
            let index = half ? h << 2 | l << 1 | mbit : sz ? h : h << 1 | l
            let rm = half ? w.field(16, 4) : w.field(16, 5)
            let lt = LiftState.laneType(bits == 16 ? 1 : bits == 32 ? 2 : 3)
            let elem = b.vdup(b.vextract(b.getVec(rm, .v128), bitOffset: index * bits, lt))
            let scalar = form == .scalarElemFP || form == .scalarElemFP16
            let acc = o == .mla || o == .mls ? b.getVec(w.rd, .v128) : Value.none
            b.setVec(w.rd, vop(&self, o, bits: bits, shape: scalar ? 2 : shape, b.getVec(w.rn, .v128), elem, acc))
        case .shiftFixed, .scalarShiftFixed:
            let immh = w.field(19, 4)
            let esize = immh >= 8 ? 64 : immh >= 4 ? 32 : 16
            if esize == 16 && !ctx.features.contains(.fp16) { undefined(); return true }
            let fbits = 2 * esize - w.field(16, 7)
            let o: VectorFPOp
            var rounding: FPRounding? = nil
            switch op {
            case .vScvtfFixed: o = .fromIntS
            case .vUcvtfFixed: o = .fromIntU
            case .vFcvtzsFixed: (o, rounding) = (.toIntS, .zero)
            case .vFcvtzuFixed: (o, rounding) = (.toIntU, .zero)
            default: return false
            }
            let scalar = form == .scalarShiftFixed
            b.setVec(w.rd, vop(&self, o, bits: esize, shape: scalar ? 2 : shape, rounding: rounding, param2: fbits,
                               b.getVec(w.rn, .v128)))
        case .immFP, .immFP64, .immFP16:
            guard op == .vFmovImm else { return false }
            let ebits = form == .immFP ? 32 : form == .immFP64 ? 64 : 16
            let imm = LiftState.vfpExpandImm(w.simdImm8, bits: ebits)
            let lane = VectorSemantics.dup(imm, bits: ebits).lo
            setVector(w.rd, b.vdup(b.const_(lane)), full: q)
        case .fjcvtzs:
            let r = vop(&self, .jcvt, bits: 64, shape: 2, b.getVec(w.rn, .v128))
            setReg(w.rd, b.vextract(r, bitOffset: 0, .i64))
            b.setFlags(b.vextract(r, bitOffset: 64, .i64))
        default:
            return false
        }
        return true
    }
}
