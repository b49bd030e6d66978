import A64
import IR

/// AdvSIMD permutes: ZIP1/ZIP2, UZP1/UZP2, TRN1/TRN2, EXT, and TBL/TBX with
/// one to four table registers (a chain of one `tableStep` per register).
extension LiftState {
    mutating func liftSIMDPermute(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        let q = w.bit(30)
        let half = q ? 0 : 1
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
            let code = VectorOpcode(group: .permute, op: p.rawValue, laneBits: 8 << w.field(22, 2), param: half)
            setVector(w.rd, b.vop(code, b.getVec(w.rn, .v128), b.getVec(w.rm, .v128)), full: q)
        case .ext:
            let code = VectorOpcode(group: .permute, op: VectorPermuteOp.ext.rawValue, laneBits: 8, param: half,
                                    param2: w.field(11, 4))
            setVector(w.rd, b.vop(code, b.getVec(w.rn, .v128), b.getVec(w.rm, .v128)), full: q)
        case .table:
            // TBL starts from zero, TBX from the old destination: indices past
            // the table (len registers of 16 bytes) keep the starting byte.
            let len = w.field(13, 2) + 1
            let indices = b.getVec(w.rm, .v128)
            var acc = op == .vTbx ? b.getVec(w.rd, .v128) : b.vdup(b.const_(0))
            for k in 0..<len {
                let code = VectorOpcode(group: .permute, op: VectorPermuteOp.tableStep.rawValue, laneBits: 8, param2: k)
                acc = b.vop(code, b.getVec((w.rn + k) % 32, .v128), indices, acc)
            }
            setVector(w.rd, acc, full: q)
        default:
            return false
        }
        return true
    }
}
