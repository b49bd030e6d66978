import A64
import IR

/// AdvSIMD shifts, vector and scalar: by immediate (SHL, SSHR/USHR,
/// SRSHR/URSHR, SSRA/USRA/SRSRA/URSRA, SRI/SLI, SQSHL/UQSHL/SQSHLU, the
/// narrowing SHRN/RSHRN/SQ[R]SHR[U]N/UQ[R]SHRN and lengthening SSHLL/USHLL)
/// and by register (SSHL/USHL/SRSHL/URSHL/SQSHL/UQSHL/SQRSHL/UQRSHL).
/// Each is one `vop` of the `shift` group; unused lanes of its result are
/// zero, so the whole register is written.
extension LiftState {
    mutating func shiftOp(_ op: VectorShiftOp, laneBits: Int, shift: Int = 0, shape: VectorShape,
                          _ x: Value, _ y: Value = .none, _ z: Value = .none) -> Value {
        let code = VectorOpcode(group: .shift, op: op.rawValue, laneBits: laneBits, param: shift,
                                param2: shape.rawValue, usesFPSR: op.saturates)
        return b.vop(code, x, y, z)
    }

    mutating func liftSIMDShift(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        let q = w.bit(30)
        switch form {
        case .shiftRight, .shiftLeft, .shiftNarrow, .shiftLong,
             .scalarShiftD, .scalarShiftLeftD, .scalarShiftLeft, .scalarShiftNarrow:
            // immh (bits 22:19): its highest set bit gives the element size (Arm ARM C4.1.96).
            let immh = Int(w.field(19, 4))
            guard immh != 0 else { return false }
            let immhb = Int(w.field(16, 7))
            let esize = 8 << (Int.bitWidth - 1 - immh.leadingZeroBitCount)
            let right = 2 * esize - immhb, left = immhb - esize
            let scalar = form.isScalarSIMD
            let n = b.getVec(w.rn, .v128)
            switch form {
            case .shiftNarrow, .scalarShiftNarrow:
                let vop: VectorShiftOp
                switch op {
                case .vShrn: vop = .shrn
                case .vRshrn: vop = .rshrn
                case .vSqshrn: vop = .sqshrn
                case .vUqshrn: vop = .uqshrn
                case .vSqrshrn: vop = .sqrshrn
                case .vUqrshrn: vop = .uqrshrn
                case .vSqshrun: vop = .sqshrun
                case .vSqrshrun: vop = .sqrshrun
                default: return false
                }
                let shape: VectorShape = scalar ? .scalar : q ? .upper : []
                let r = shiftOp(vop, laneBits: esize, shift: right, shape: shape, n, .none,
                                q && !scalar ? b.getVec(w.rd, .v128) : .none)
                b.setVec(w.rd, r)
                return true
            case .shiftLong:
                let vop: VectorShiftOp
                switch op {
                case .vSshll: vop = .sshll
                case .vUshll: vop = .ushll
                default: return false
                }
                b.setVec(w.rd, shiftOp(vop, laneBits: esize, shift: left, shape: q ? .upper : [], n))
                return true
            default:
                break
            }
            let vop: VectorShiftOp
            var amount = right
            var readsD = false
            switch op {
            case .vShl: vop = .shl; amount = left
            case .vSshr: vop = .sshr
            case .vUshr: vop = .ushr
            case .vSrshr: vop = .srshr
            case .vUrshr: vop = .urshr
            case .vSsra: vop = .ssra; readsD = true
            case .vUsra: vop = .usra; readsD = true
            case .vSrsra: vop = .srsra; readsD = true
            case .vUrsra: vop = .ursra; readsD = true
            case .vSri: vop = .sri; readsD = true
            case .vSli: vop = .sli; amount = left; readsD = true
            case .vSqshlImm: vop = .sqshl; amount = left
            case .vUqshlImm: vop = .uqshl; amount = left
            case .vSqshlu: vop = .sqshlu; amount = left
            default: return false
            }
            let shape: VectorShape = scalar ? .scalar : q ? [] : .half
            let r = shiftOp(vop, laneBits: esize, shift: amount, shape: shape, n, .none,
                            readsD ? b.getVec(w.rd, .v128) : .none)
            b.setVec(w.rd, r)
            return true
        case .sameBHSD, .scalarSameD, .scalarSame:
            let vop: VectorShiftOp
            switch op {
            case .vSshl: vop = .sshlReg
            case .vUshl: vop = .ushlReg
            case .vSrshl: vop = .srshlReg
            case .vUrshl: vop = .urshlReg
            case .vSqshl: vop = .sqshlReg
            case .vUqshl: vop = .uqshlReg
            case .vSqrshl: vop = .sqrshlReg
            case .vUqrshl: vop = .uqrshlReg
            default: return false
            }
            let shape: VectorShape = form != .sameBHSD ? .scalar : q ? [] : .half
            let r = shiftOp(vop, laneBits: 8 << Int(w.field(22, 2)), shape: shape,
                            b.getVec(w.rn, .v128), b.getVec(w.rm, .v128))
            b.setVec(w.rd, r)
            return true
        default:
            return false
        }
    }
}
