import A64
import IR

/// AdvSIMD three different (SADDL/UADDL/SSUBL/USUBL, SADDW/UADDW/SSUBW/USUBW,
/// ADDHN/SUBHN/RADDHN/RSUBHN, SABAL/UABAL/SABDL/UABDL, SMULL/UMULL,
/// SMLAL/UMLAL/SMLSL/UMLSL, SQDMULL/SQDMLAL/SQDMLSL and their scalar forms),
/// XTN/SQXTN/UQXTN/SQXTUN (vector and scalar) and SHLL, all with their "2"
/// forms (Q = 1: the high halves). One `vop` of the `widen` group each;
/// unused lanes of its result are zero, so the whole register is written.
extension LiftState {
    mutating func liftSIMDWiden(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        switch form {
        case .long, .longHS, .wide, .narrowHigh, .miscNarrow, .scalarNarrow, .shll, .scalarLongHS: break
        default: return false
        }
        let vop: VectorWidenOp
        var readsD = false
        switch op {
        case .vSaddl: vop = .saddl
        case .vUaddl: vop = .uaddl
        case .vSsubl: vop = .ssubl
        case .vUsubl: vop = .usubl
        case .vSabdl: vop = .sabdl
        case .vUabdl: vop = .uabdl
        case .vSabal: vop = .sabal; readsD = true
        case .vUabal: vop = .uabal; readsD = true
        case .vSmull: vop = .smull
        case .vUmull: vop = .umull
        case .vSmlal: vop = .smlal; readsD = true
        case .vUmlal: vop = .umlal; readsD = true
        case .vSmlsl: vop = .smlsl; readsD = true
        case .vUmlsl: vop = .umlsl; readsD = true
        case .vSqdmull: vop = .sqdmull
        case .vSqdmlal: vop = .sqdmlal; readsD = true
        case .vSqdmlsl: vop = .sqdmlsl; readsD = true
        case .vSaddw: vop = .saddw
        case .vUaddw: vop = .uaddw
        case .vSsubw: vop = .ssubw
        case .vUsubw: vop = .usubw
        case .vAddhn: vop = .addhn
        case .vSubhn: vop = .subhn
        case .vRaddhn: vop = .raddhn
        case .vRsubhn: vop = .rsubhn
        case .vXtn: vop = .xtn
        case .vSqxtn: vop = .sqxtn
        case .vUqxtn: vop = .uqxtn
        case .vSqxtun: vop = .sqxtun
        case .vShll: vop = .shll
        default: return false
        }
        let scalar = form.isScalarSIMD
        let q = w.bit(30) && !scalar
        // The narrowing "2" forms keep the low half of the destination.
        switch form {
        case .narrowHigh, .miscNarrow: readsD = readsD || q
        default: break
        }
        let shape: VectorShape = scalar ? .scalar : q ? .upper : []
        let code = VectorOpcode(group: .widen, op: vop.rawValue, laneBits: 8 << Int(w.field(22, 2)),
                                param2: shape.rawValue, usesFPSR: vop.saturates)
        let n = b.getVec(w.rn, .v128)
        let two = form == .miscNarrow || form == .scalarNarrow || form == .shll
        let m: Value = two ? .none : b.getVec(w.rm, .v128)
        b.setVec(w.rd, b.vop(code, n, m, readsD ? b.getVec(w.rd, .v128) : .none))
        return true
    }
}
