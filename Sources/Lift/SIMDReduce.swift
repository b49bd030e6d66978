import A64
import IR

/// AdvSIMD across-lane and pairwise integer ops: ADDV, SMAXV/UMAXV,
/// SMINV/UMINV, SADDLV/UADDLV, ADDP (vector, and scalar Dd, Vn.2D),
/// SMAXP/UMAXP/SMINP/UMINP, SADDLP/UADDLP, SADALP/UADALP. An across-lane
/// result is a scalar: the element, the rest of Vd zeroed; the others give
/// zero in bits 127:64 of a 64-bit (Q = 0) result.
extension LiftState {
    mutating func liftSIMDReduce(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        let laneBits = 8 << w.field(22, 2)
        func code(_ r: VectorReduceOp, bits: Int = laneBits, shape: VectorShape = w.bit(30) ? [] : .half) -> VectorOpcode {
            VectorOpcode(group: .reduce, op: r.rawValue, laneBits: bits, param2: shape.rawValue)
        }
        switch form {
        case .across, .acrossLong:
            let r: VectorReduceOp
            switch op {
            case .vAddv: r = .addv
            case .vSmaxv: r = .smaxv
            case .vUmaxv: r = .umaxv
            case .vSminv: r = .sminv
            case .vUminv: r = .uminv
            case .vSaddlv: r = .saddlv
            case .vUaddlv: r = .uaddlv
            default: return false
            }
            b.setVec(w.rd, b.vop(code(r), b.getVec(w.rn, .v128)))
        case .scalarPairD:   // ADDP Dd, Vn.2D
            guard op == .vAddp else { return false }
            b.setVec(w.rd, b.vop(code(.addv, bits: 64, shape: []), b.getVec(w.rn, .v128)))
        case .sameBHS, .sameBHSD:
            let r: VectorReduceOp
            switch op {
            case .vAddp: r = .addp
            case .vSmaxp: r = .smaxp
            case .vUmaxp: r = .umaxp
            case .vSminp: r = .sminp
            case .vUminp: r = .uminp
            default: return false
            }
            b.setVec(w.rd, b.vop(code(r), b.getVec(w.rn, .v128), b.getVec(w.rm, .v128)))
        case .miscLongPair:
            let r: VectorReduceOp
            switch op {
            case .vSaddlp: r = .saddlp
            case .vUaddlp: r = .uaddlp
            case .vSadalp: r = .sadalp
            case .vUadalp: r = .uadalp
            default: return false
            }
            let acc = r == .sadalp || r == .uadalp ? b.getVec(w.rd, .v128) : Value.none
            b.setVec(w.rd, b.vop(code(r), b.getVec(w.rn, .v128), .none, acc))
        default:
            return false
        }
        return true
    }
}
