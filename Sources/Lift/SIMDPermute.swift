import A64
import IR

/// AdvSIMD permutes: ZIP1/ZIP2, UZP1/UZP2, TRN1/TRN2, EXT, and TBL/TBX with
/// one to four table registers (a chain of one `tableStep` per register).
/// The ops give zero in bits 127:64 of a 64-bit (Q = 0) result.
extension LiftState {
    mutating func liftSIMDPermute(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        let shape: VectorShape = w.bit(30) ? [] : .half
        func permute(_ p: VectorPermuteOp, laneBits: Int = 8, param: Int = 0) -> VectorOpcode {
            VectorOpcode(group: .permute, op: p.rawValue, laneBits: laneBits, param: param, param2: shape.rawValue)
        }
        switch form {
        case .permute:
            let p: VectorPermuteOp
            switch op {
            case .vZip1: p = .zip1
            case .vZip2: p = .zip2
            case .vUzp1: p = .uzp1
            case .vUzp2: p = .uzp2
            case .vTrn1: p = .trn1
            case .vTrn2: p = .trn2
            default: return false
            }
            b.setVec(w.rd, b.vop(permute(p, laneBits: 8 << w.field(22, 2)), b.getVec(w.rn, .v128), b.getVec(w.rm, .v128)))
        case .ext:
            b.setVec(w.rd, b.vop(permute(.ext, param: w.field(11, 4)), b.getVec(w.rn, .v128), b.getVec(w.rm, .v128)))
        case .table:
            // TBL starts from zero, TBX from the old destination: indices past
            // the table (len registers of 16 bytes) keep the starting byte.
            let len = w.field(13, 2) + 1
            let indices = b.getVec(w.rm, .v128)
            var acc = op == .vTbx ? b.getVec(w.rd, .v128) : b.vdup(b.const_(0))
            for k in 0..<len {
                acc = b.vop(permute(.tableStep, param: k), b.getVec((w.rn + k) % 32, .v128), indices, acc)
            }
            b.setVec(w.rd, acc)
        default:
            return false
        }
        return true
    }
}
