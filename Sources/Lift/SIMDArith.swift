import A64
import IR

/// AdvSIMD integer arithmetic of the same element size, vector and scalar:
/// saturating SQADD/UQADD/SQSUB/UQSUB, SUQADD/USQADD, SQABS/SQNEG; halving
/// SHADD/UHADD/SRHADD/URHADD/SHSUB/UHSUB; absolute difference SABD/UABD and
/// SABA/UABA; MLA/MLS, PMUL; SQDMULH/SQRDMULH, SQRDMLAH/SQRDMLSH (FEAT_RDM);
/// SDOT/UDOT (FEAT_DotProd). Each is one `vop` of group `saturating`,
/// `halving` or `multiply` that writes only the lanes of the form's shape
/// (`VectorShape`: Q = 0 the low half, a scalar element 0) and zeroes the rest of Vd.
extension LiftState {
    /// A `vop` of group `saturating`, `halving` or `multiply` on the lanes of `shape`.
    mutating func arithVop(_ group: VectorGroup, _ op: UInt8, laneBits: Int, shape: VectorShape,
                           saturates: Bool, _ a: Value, _ b: Value = .none, _ c: Value = .none) -> Value {
        let code = VectorOpcode(group: group, op: op, laneBits: laneBits, param2: shape.rawValue, usesFPSR: saturates)
        return self.b.vop(code, a, b, c)
    }

    mutating func liftSIMDArith(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        let size = Int(w.field(22, 2))
        let bits = 8 << size
        let scalar = form.isScalarSIMD
        let shape: VectorShape = scalar ? .scalar : w.bit(30) ? [] : .half
        switch form {
        case .sameBHSD, .scalarSame, .miscBHSD, .scalarMisc:
            let sat: SaturatingOp
            switch op {
            case .vSqadd: sat = .sqadd
            case .vUqadd: sat = .uqadd
            case .vSqsub: sat = .sqsub
            case .vUqsub: sat = .uqsub
            case .vSuqadd: sat = .suqadd
            case .vUsqadd: sat = .usqadd
            case .vSqabs: sat = .sqabs
            case .vSqneg: sat = .sqneg
            default: return false
            }
            let (x, y): (Value, Value)
            switch sat {
            case .suqadd, .usqadd: (x, y) = (b.getVec(w.rd, .v128), b.getVec(w.rn, .v128))
            case .sqabs, .sqneg: (x, y) = (b.getVec(w.rn, .v128), .none)
            default: (x, y) = (b.getVec(w.rn, .v128), b.getVec(w.rm, .v128))
            }
            b.setVec(w.rd, arithVop(.saturating, sat.rawValue, laneBits: bits, shape: shape, saturates: true, x, y))
        case .sameBHS:
            let n = b.getVec(w.rn, .v128), m = b.getVec(w.rm, .v128)
            let halving: HalvingOp
            switch op {
            case .vShadd: halving = .shadd
            case .vUhadd: halving = .uhadd
            case .vSrhadd: halving = .srhadd
            case .vUrhadd: halving = .urhadd
            case .vShsub: halving = .shsub
            case .vUhsub: halving = .uhsub
            case .vSabd: halving = .sabd
            case .vUabd: halving = .uabd
            case .vSaba: halving = .saba
            case .vUaba: halving = .uaba
            case .vMla, .vMls:
                let r = arithVop(.multiply, (op == .vMla ? MultiplyOp.mla : .mls).rawValue, laneBits: bits, shape: shape,
                                 saturates: false, n, m, b.getVec(w.rd, .v128))
                b.setVec(w.rd, r)
                return true
            default: return false
            }
            let acc = halving == .saba || halving == .uaba ? b.getVec(w.rd, .v128) : Value.none
            b.setVec(w.rd, arithVop(.halving, halving.rawValue, laneBits: bits, shape: shape, saturates: false, n, m, acc))
        case .sameB where op == .vPmul:
            let r = arithVop(.multiply, MultiplyOp.pmul.rawValue, laneBits: 8, shape: shape, saturates: false,
                             b.getVec(w.rn, .v128), b.getVec(w.rm, .v128))
            b.setVec(w.rd, r)
        case .sameHS, .scalarSameHS:
            let mul: MultiplyOp
            switch op {
            case .vSqdmulh: mul = .sqdmulh
            case .vSqrdmulh: mul = .sqrdmulh
            case .vSqrdmlah: mul = .sqrdmlah
            case .vSqrdmlsh: mul = .sqrdmlsh
            default: return false
            }
            let acc = mul == .sqrdmlah || mul == .sqrdmlsh ? b.getVec(w.rd, .v128) : Value.none
            let r = arithVop(.multiply, mul.rawValue, laneBits: bits, shape: shape, saturates: true,
                             b.getVec(w.rn, .v128), b.getVec(w.rm, .v128), acc)
            b.setVec(w.rd, r)
        case .dot:
            guard op == .vSdot || op == .vUdot else { return false }
            let r = arithVop(.multiply, (op == .vSdot ? MultiplyOp.sdot : .udot).rawValue, laneBits: 32, shape: shape,
                             saturates: false, b.getVec(w.rn, .v128), b.getVec(w.rm, .v128), b.getVec(w.rd, .v128))
            b.setVec(w.rd, r)
        default:
            return false
        }
        return true
    }
}
