import A64
import IR

/// AdvSIMD integer vector x indexed element, vector and scalar: MUL, MLA,
/// MLS, SQDMULH, SQRDMULH, SQRDMLAH/SQRDMLSH (FEAT_RDM), the long
/// SMULL/UMULL/SMLAL/UMLAL/SMLSL/UMLSL(2) and SQDMULL/SQDMLAL/SQDMLSL(2), and
/// SDOT/UDOT (FEAT_DotProd). The element Vm[index] is broadcast to every lane
/// (DUP) and the `vop` of the three-register form runs on it: group
/// `multiply` (or `lanes` for MUL) for the same-size ones, `widen` for the
/// long ones (whose "2" forms read the high half of Vn, and of the broadcast,
/// which is the same element).
///
/// Index and Vm (Arm ARM C4.1.96, "AdvSIMD vector x indexed element"): for
/// 16-bit elements index = H:L:M and Vm is V0-V15 (Rm, bits 19:16); for
/// 32-bit elements (and the 4-byte groups of SDOT/UDOT) index = H:L and Vm
/// is M:Rm.
extension LiftState {
    mutating func liftSIMDElement(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        switch form {
        case .elemHS, .elemLong, .elemDot, .scalarElemHS, .scalarElemLong: break
        default: return false
        }
        let size = Int(w.field(22, 2))
        let bits = 8 << size
        let h = Int(w.field(11, 1)), l = Int(w.field(21, 1)), mBit = Int(w.field(20, 1))
        let (index, rm) = size == 1 ? (h << 2 | l << 1 | mBit, Int(w.field(16, 4))) : (h << 1 | l, Int(w.field(16, 5)))
        let scalar = form.isScalarSIMD
        let q = w.bit(30)

        // Same-size ops (group multiply; MUL is the lanes op).
        var mul: MultiplyOp?
        // Long ops (group widen), and whether they read the accumulator.
        var long: VectorWidenOp?
        var accumulates = true
        switch op {
        case .vMulElem: accumulates = false
        case .vMlaElem: mul = .mla
        case .vMlsElem: mul = .mls
        case .vSqdmulhElem: mul = .sqdmulh; accumulates = false
        case .vSqrdmulhElem: mul = .sqrdmulh; accumulates = false
        case .vSqrdmlahElem: mul = .sqrdmlah
        case .vSqrdmlshElem: mul = .sqrdmlsh
        case .vSdotElem: mul = .sdot
        case .vUdotElem: mul = .udot
        case .vSmullElem: long = .smull; accumulates = false
        case .vUmullElem: long = .umull; accumulates = false
        case .vSqdmullElem: long = .sqdmull; accumulates = false
        case .vSmlalElem: long = .smlal
        case .vUmlalElem: long = .umlal
        case .vSmlslElem: long = .smlsl
        case .vUmlslElem: long = .umlsl
        case .vSqdmlalElem: long = .sqdmlal
        case .vSqdmlslElem: long = .sqdmlsl
        default: return false
        }

        let elementBits = form == .elemDot ? 32 : bits
        let vm = b.getVec(rm, .v128)
        let element = b.vdup(b.vextract(vm, bitOffset: index * elementBits, LiftState.laneType(elementBits == 16 ? 1 : 2)))
        let n = b.getVec(w.rn, .v128)
        let acc = accumulates ? b.getVec(w.rd, .v128) : Value.none
        if let long {
            let shape: VectorShape = scalar ? .scalar : q ? .upper : []
            let code = VectorOpcode(group: .widen, op: long.rawValue, laneBits: bits, param2: shape.rawValue, usesFPSR: long.saturates)
            b.setVec(w.rd, b.vop(code, n, element, acc))
        } else if let mul {
            let shape: VectorShape = scalar ? .scalar : q ? [] : .half
            let saturates = mul != .mla && mul != .mls && mul != .sdot && mul != .udot
            b.setVec(w.rd, arithVop(.multiply, mul.rawValue, laneBits: elementBits, shape: shape, saturates: saturates, n, element, acc))
        } else {
            setVector(w.rd, b.vop(.mul, laneBits: bits, n, element), full: q)
        }
        return true
    }
}
