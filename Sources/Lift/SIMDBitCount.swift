import A64
import IR

/// AdvSIMD bit counts and reversals: CNT, CLZ, CLS, RBIT (vector) and
/// REV16/REV32/REV64 (vector). The ops give zero in bits 127:64 of a 64-bit
/// (Q = 0) result.
extension LiftState {
    mutating func liftSIMDBitCount(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        guard form == .miscBytes || form == .miscBHS || form == .miscBH else { return false }
        let shape: VectorShape = w.bit(30) ? [] : .half
        let size = w.field(22, 2)
        let p: VectorBitCountOp
        var laneBits = 8 << size
        var container = 0
        switch op {
        case .vCnt: p = .cnt; laneBits = 8
        case .vClz: p = .clz
        case .vCls: p = .cls
        case .vRbit: p = .rbit; laneBits = 8     // size is part of RBIT's opcode
        case .vRev16: p = .rev; laneBits = 8; container = 16
        case .vRev32: p = .rev; container = 32
        case .vRev64: p = .rev; container = 64
        default: return false
        }
        let code = VectorOpcode(group: .bitCount, op: p.rawValue, laneBits: laneBits, param: container, param2: shape.rawValue)
        b.setVec(w.rd, b.vop(code, b.getVec(w.rn, .v128)))
        return true
    }
}
