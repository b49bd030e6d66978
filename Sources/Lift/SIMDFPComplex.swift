import A64
import Arch
import IR

/// FCMLA (vector and by element) and FCADD (FEAT_FCMA), FMLAL/FMLSL and
/// FMLAL2/FMLSL2 (vector and by element, FEAT_FHM), as `vop`s of the
/// `fpComplex` group (IR/Vector/FPComplex.swift). The half-precision forms
/// need FEAT_FP16.
extension LiftState {
    mutating func liftSIMDFPComplex(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        let q = w.bit(30)
        let size = w.field(22, 2)
        let qBit = q ? 0x10 : 0
        let code: VectorOpcode
        var m = w.rm
        switch form {
        case .fcmla, .fcadd:
            if size == 1 && !ctx.features.contains(.fp16) { undefined(); return true }
            let fop: FPComplexOp = form == .fcmla ? .fcmla : .fcadd
            let rot = form == .fcmla ? w.field(11, 2) : w.field(12, 1)
            code = VectorOpcode(group: .fpComplex, op: fop.rawValue, laneBits: 8 << size, param: rot | qBit, usesFPSR: true)
        case .elemFCMLA:
            if size == 1 && !ctx.features.contains(.fp16) { undefined(); return true }
            // H: index H:L; S: index H. Vm is M:Rm.
            let index = size == 1 ? w.elementIndex(size: 2) : w.field(11, 1)
            code = VectorOpcode(group: .fpComplex, op: FPComplexOp.fcmlaElem.rawValue, laneBits: 8 << size,
                                param: w.field(13, 2) | qBit, param2: index, usesFPSR: true)
        case .sameFMLAL, .elemFMLAL:
            if !ctx.features.contains(.fp16) { undefined(); return true }
            let upper = op == .vFmlal2 || op == .vFmlsl2 || op == .vFmlal2Elem || op == .vFmlsl2Elem
            let subtract = op == .vFmlsl || op == .vFmlsl2 || op == .vFmlslElem || op == .vFmlsl2Elem
            let param = (upper ? 1 : 0) | (subtract ? 2 : 0) | qBit
            if form == .sameFMLAL {
                code = VectorOpcode(group: .fpComplex, op: FPComplexOp.fmlal.rawValue, laneBits: 32, param: param, usesFPSR: true)
            } else {
                m = w.elementRegister(size: 1)
                code = VectorOpcode(group: .fpComplex, op: FPComplexOp.fmlalElem.rawValue, laneBits: 32, param: param,
                                    param2: w.elementIndex(size: 1), usesFPSR: true)
            }
        default:
            return false
        }
        let r = b.vop(code, b.getVec(w.rn, .v128), b.getVec(m, .v128), form == .fcadd ? .none : b.getVec(w.rd, .v128))
        setVector(w.rd, r, full: q)
        return true
    }
}
