import A64
import IR

/// The AdvSIMD integer operations libc and kernels use most: DUP (vector and
/// scalar), INS
/// (MOV element), UMOV/SMOV, MOVI/MVNI/ORR/BIC (immediate), the bitwise
/// three-register ops (AND, BIC, ORR, ORN, EOR, BSL, BIT, BIF, NOT), ADD,
/// SUB, MUL, the comparisons (CMEQ, CMGT, CMGE, CMHI, CMHS, CMTST, and with
/// zero: CMEQ, CMGT, CMGE, CMLT, CMLE), UMAX/UMIN/SMAX/SMIN, ABS, NEG, and the scalar D forms of ADD, SUB
/// and the comparisons. A 64-bit (Q = 0) result zeroes bits 127:64.
extension LiftState {
    static func laneType(_ size: Int) -> IRType { [.i8, .i16, .i32, .i64][size] }

    /// Writes a vector result: all 128 bits, or the low 64 (Q = 0, scalar D).
    mutating func setVector(_ d: Int, _ v: Value, full: Bool) {
        b.setVec(d, full ? v : b.vextract(v, bitOffset: 0, .i64))
    }

    /// AdvSIMDExpandImm(op, cmode, imm8).
    static func advSIMDExpandImm(op: Bool, cmode: Int, imm8: Int) -> UInt64 {
        let i = UInt64(imm8)
        func rep32(_ v: UInt64) -> UInt64 { v << 32 | v }
        func rep16(_ v: UInt64) -> UInt64 { rep32(v << 16 | v) }
        switch cmode >> 1 {
        case 0: return rep32(i)
        case 1: return rep32(i << 8)
        case 2: return rep32(i << 16)
        case 3: return rep32(i << 24)
        case 4: return rep16(i)
        case 5: return rep16(i << 8)
        case 6: return cmode & 1 == 0 ? rep32(i << 8 | 0xFF) : rep32(i << 16 | 0xFFFF)
        default:
            if cmode & 1 == 0 {
                if !op { let b = i; var r: UInt64 = 0; for k in 0..<8 { r |= b << UInt64(8 * k) }; return r }
                return advSIMDExpandBytes(imm8)
            }
            return 0   // FMOV (vector, immediate): not lifted here
        }
    }

    mutating func liftSIMDBasic(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        let q = w.bit(30)
        let size = Int(w.field(22, 2))
        switch form {
        case .dupGeneral, .dupElement, .scalarDup, .insGeneral, .insElement, .umov, .smov:
            let imm5 = Int(w.field(16, 5))
            let es = imm5.trailingZeroBitCount      // log2 of the element size in bytes
            let t = LiftState.laneType(es)
            let index = imm5 >> (es + 1)
            switch form {
            case .dupGeneral:
                setVector(w.rd, b.vdup(b.trunc(x(w.rn), to: t)), full: q)
            case .dupElement:
                setVector(w.rd, b.vdup(b.vextract(b.getVec(w.rn, .v128), bitOffset: index << (es + 3), t)), full: q)
            case .scalarDup:   // DUP (MOV) Bd/Hd/Sd/Dd, Vn.T[index]
                b.setVec(w.rd, b.vextract(b.getVec(w.rn, .v128), bitOffset: index << (es + 3), t))
            case .insGeneral:
                b.setVec(w.rd, b.vinsert(b.getVec(w.rd, .v128), bitOffset: index << (es + 3), b.trunc(x(w.rn), to: t)))
            case .insElement:
                let srcIndex = Int(w.field(11, 4)) >> es
                let lane = b.vextract(b.getVec(w.rn, .v128), bitOffset: srcIndex << (es + 3), t)
                b.setVec(w.rd, b.vinsert(b.getVec(w.rd, .v128), bitOffset: index << (es + 3), lane))
            case .umov:
                setReg(w.rd, b.zext(b.vextract(b.getVec(w.rn, .v128), bitOffset: index << (es + 3), t), to: .i64))
            default:   // smov
                let v = b.sext(b.vextract(b.getVec(w.rn, .v128), bitOffset: index << (es + 3), t), to: q ? .i64 : .i32)
                setReg(w.rd, v)
            }
        case .imm32, .imm16, .immMSL, .imm8, .imm64:
            let cmode = Int(w.cmode)
            let imm = LiftState.advSIMDExpandImm(op: w.bit(29), cmode: cmode, imm8: Int(w.simdImm8))
            let c = b.vdup(b.const_(imm))
            switch op {
            case .vMovi: setVector(w.rd, c, full: q)
            case .vMvni: setVector(w.rd, b.vop(.not, laneBits: 64, c), full: q)
            case .vOrrImm: setVector(w.rd, b.vop(.or, laneBits: 64, b.getVec(w.rd, .v128), c), full: q)
            case .vBicImm: setVector(w.rd, b.vop(.bic, laneBits: 64, b.getVec(w.rd, .v128), c), full: q)
            default: return false
            }
        case .sameBytes:
            let n = b.getVec(w.rn, .v128), m = b.getVec(w.rm, .v128)
            let r: Value
            switch op {
            case .vAnd: r = b.vop(.and, laneBits: 8, n, m)
            case .vBic: r = b.vop(.bic, laneBits: 8, n, m)
            case .vOrr: r = b.vop(.or, laneBits: 8, n, m)
            case .vOrn: r = b.vop(.orn, laneBits: 8, n, m)
            case .vEor: r = b.vop(.xor, laneBits: 8, n, m)
            case .vBsl, .vBit, .vBif:
                // BSL: d selects n (1) or m (0); BIT: m selects n into d; BIF: not m selects n into d.
                let d = b.getVec(w.rd, .v128)
                let (sel, one, zero) = op == .vBsl ? (d, n, m) : op == .vBit ? (m, n, d) : (m, d, n)
                r = b.vop(.or, laneBits: 8, b.vop(.and, laneBits: 8, one, sel), b.vop(.bic, laneBits: 8, zero, sel))
            default: return false
            }
            setVector(w.rd, r, full: q)
        case .miscBytes where op == .vNot:
            setVector(w.rd, b.vop(.not, laneBits: 8, b.getVec(w.rn, .v128)), full: q)
        case .sameBHSD, .sameBHS, .scalarSameD:
            let vop: VectorOp
            switch op {
            case .vAdd: vop = .add
            case .vSub: vop = .sub
            case .vMul: vop = .mul
            case .vCmeq: vop = .cmeq
            case .vCmgt: vop = .cmgt
            case .vCmge: vop = .cmge
            case .vCmhi: vop = .cmhi
            case .vCmhs: vop = .cmhs
            case .vCmtst: vop = .cmtst
            case .vUmax: vop = .umax
            case .vUmin: vop = .umin
            case .vSmax: vop = .smax
            case .vSmin: vop = .smin
            default: return false
            }
            let r = b.vop(vop, laneBits: 8 << size, b.getVec(w.rn, .v128), b.getVec(w.rm, .v128))
            setVector(w.rd, r, full: q && form != .scalarSameD)
        case .miscZero, .scalarZeroD, .miscBHSD, .scalarMiscD:
            let n = b.getVec(w.rn, .v128)
            let zero = b.vdup(b.const_(0))
            let r: Value
            switch op {
            case .vCmeqZero: r = b.vop(.cmeq, laneBits: 8 << size, n, zero)
            case .vCmgtZero: r = b.vop(.cmgt, laneBits: 8 << size, n, zero)
            case .vCmgeZero: r = b.vop(.cmge, laneBits: 8 << size, n, zero)
            case .vCmltZero: r = b.vop(.cmgt, laneBits: 8 << size, zero, n)
            case .vCmleZero: r = b.vop(.cmge, laneBits: 8 << size, zero, n)
            case .vAbs: r = b.vop(.abs, laneBits: 8 << size, n)
            case .vNeg: r = b.vop(.neg, laneBits: 8 << size, n)
            default: return false
            }
            let scalar = form == .scalarZeroD || form == .scalarMiscD
            setVector(w.rd, r, full: q && !scalar)
        default:
            return false
        }
        return true
    }
}
