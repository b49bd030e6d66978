import A64
import IR

/// Scalar floating point (Arm ARM C7, the ftype forms): FMOV in every form,
/// 1/2/3-source arithmetic, FCMP/FCMPE/FCCMP/FCCMPE, FCSEL, FCVT, FRINT*,
/// and the conversions to and from integers and fixed point. ftype 0 is
/// single (f32), 1 double (f64), 3 half (i16 holds the value; FEAT_FP16).
extension LiftState {
    static func fpType(_ ftype: Int) -> IRType { ftype == 0 ? .f32 : ftype == 1 ? .f64 : .i16 }

    /// VFPExpandImm: the FMOV (immediate) constant of `bits` bits.
    static func vfpExpandImm(_ imm8: Int, bits: Int) -> UInt64 {
        let e = bits == 16 ? 5 : bits == 32 ? 8 : 11
        let f = bits - e - 1
        let sign = UInt64(imm8 >> 7) & 1
        let b6 = UInt64(imm8 >> 6) & 1
        let exp = (b6 ^ 1) << UInt64(e - 1) | (b6 == 1 ? (1 << UInt64(e - 3)) - 1 : 0) << 2 | UInt64(imm8 >> 4) & 3
        let frac = UInt64(imm8 & 0xF) << UInt64(f - 4)
        return sign << UInt64(bits - 1) | exp << UInt64(f) | frac
    }

    /// Lifts a scalar FP instruction; false when `op`/`form` is not one.
    mutating func liftFPScalar(_ op: A64Op, _ form: A64Form, _ w: UInt32) -> Bool {
        let ftype = w.fpType
        // Half precision needs FEAT_FP16, except FCVT to and from it.
        if ftype == 3 && op != .fcvt && !ctx.features.contains(.fp16) { undefined(); return true }
        let t = LiftState.fpType(ftype)
        func n(_ s: inout LiftState) -> Value { s.b.getVec(w.rn, t) }
        switch form {
        case .fp1:
            let v = b.getVec(w.rn, t)
            let r: Value
            switch op {
            case .fmovReg: r = v
            case .fabs: r = b.fp(FPOpcode(.abs), t, v)
            case .fneg: r = b.fp(FPOpcode(.neg), t, v)
            case .fsqrt: r = b.fp(FPOpcode(.sqrt), t, v)
            case .frintn: r = b.fp(FPOpcode(.roundInt, rounding: .tieEven), t, v)
            case .frintp: r = b.fp(FPOpcode(.roundInt, rounding: .posInf), t, v)
            case .frintm: r = b.fp(FPOpcode(.roundInt, rounding: .negInf), t, v)
            case .frintz: r = b.fp(FPOpcode(.roundInt, rounding: .zero), t, v)
            case .frinta: r = b.fp(FPOpcode(.roundInt, rounding: .tieAway), t, v)
            case .frintx: r = b.fp(FPOpcode(.roundInt, flag: true), t, v)
            case .frinti: r = b.fp(FPOpcode(.roundInt), t, v)
            default: return false
            }
            b.setVec(w.rd, r)
        case .fcvt:
            let to = LiftState.fpType(Int(w.field(15, 2)))
            if to == .i16 && !ctx.features.contains(.fp16) && ftype == 3 { undefined(); return true }
            b.setVec(w.rd, b.fp(FPOpcode(.convert), to, b.getVec(w.rn, t)))
        case .fp2:
            let kind: FPOpcode.Kind
            switch op {
            case .fmul: kind = .mul
            case .fdiv: kind = .div
            case .fadd: kind = .add
            case .fsub: kind = .sub
            case .fmax: kind = .max
            case .fmin: kind = .min
            case .fmaxnm: kind = .maxnm
            case .fminnm: kind = .minnm
            case .fnmul: kind = .nmul
            default: return false
            }
            let x = b.getVec(w.rn, t), y = b.getVec(w.rm, t)
            b.setVec(w.rd, b.fp(FPOpcode(kind), t, x, y))
        case .fp3:
            // FMADD: Va + Vn*Vm; FMSUB: Va - Vn*Vm; FNMADD: -Va - Vn*Vm; FNMSUB: -Va + Vn*Vm.
            var x = b.getVec(w.rn, t)
            let y = b.getVec(w.rm, t)
            var addend = b.getVec(w.ra, t)
            if op == .fmsub || op == .fnmadd { x = b.fp(FPOpcode(.neg), t, x) }
            if op == .fnmadd || op == .fnmsub { addend = b.fp(FPOpcode(.neg), t, addend) }
            b.setVec(w.rd, b.fp(FPOpcode(.fma), t, x, y, addend))
        case .fcmp, .fcmpZero:
            let x = b.getVec(w.rn, t)
            let y = form == .fcmpZero ? b.const_(0, t) : b.getVec(w.rm, t)
            b.setFlags(b.fp(FPOpcode(op == .fcmpe ? .cmpe : .cmp), .i64, x, y))
        case .fccmp:
            // The comparison runs only when the condition holds (its flags
            // must not be raised otherwise): it compares +0 with +0 instead.
            let holds = b.emit(Inst(.condHolds, .i1, a: b.getFlags(), imm: UInt64(w.field(12, 4))))
            let zero = b.const_(0, t)
            let x = b.select(holds, b.getVec(w.rn, t), zero)
            let y = b.select(holds, b.getVec(w.rm, t), zero)
            let nzcv = b.fp(FPOpcode(op == .fccmpe ? .cmpe : .cmp), .i64, x, y)
            b.setFlags(b.select(holds, nzcv, b.const_(UInt64(w.field(0, 4)) << 28)))
        case .fcsel:
            let holds = b.emit(Inst(.condHolds, .i1, a: b.getFlags(), imm: UInt64(w.field(12, 4))))
            b.setVec(w.rd, b.select(holds, b.getVec(w.rn, t), b.getVec(w.rm, t)))
        case .fmovImm:
            b.setVec(w.rd, b.const_(LiftState.vfpExpandImm(w.fpImm8, bits: t.bits), t))
        case .fpToInt, .fpToFixed:
            let rounding: FPRounding
            let unsigned: Bool
            switch op {
            case .fcvtnsInt: (rounding, unsigned) = (.tieEven, false)
            case .fcvtnuInt: (rounding, unsigned) = (.tieEven, true)
            case .fcvtpsInt: (rounding, unsigned) = (.posInf, false)
            case .fcvtpuInt: (rounding, unsigned) = (.posInf, true)
            case .fcvtmsInt: (rounding, unsigned) = (.negInf, false)
            case .fcvtmuInt: (rounding, unsigned) = (.negInf, true)
            case .fcvtasInt: (rounding, unsigned) = (.tieAway, false)
            case .fcvtauInt: (rounding, unsigned) = (.tieAway, true)
            case .fcvtzsInt, .fcvtzsFixed: (rounding, unsigned) = (.zero, false)
            case .fcvtzuInt, .fcvtzuFixed: (rounding, unsigned) = (.zero, true)
            default: return false
            }
            let fbits = form == .fpToFixed ? w.fpFractionBits : 0
            let r = b.fp(FPOpcode(.toInt, rounding: rounding, flag: unsigned, fbits: fbits), w.sf ? .i64 : .i32,
                         b.getVec(w.rn, t))
            setReg(w.rd, r)
        case .intToFP, .fixedToFP:
            let unsigned = op == .ucvtfInt || op == .ucvtfFixed
            let fbits = form == .fixedToFP ? w.fpFractionBits : 0
            b.setVec(w.rd, b.fp(FPOpcode(.fromInt, flag: unsigned, fbits: fbits), t, reg(w.rn, w.sf)))
        case .fmovToGeneral:
            if w.fpRmode == 1 {   // FMOV Xd, Vn.D[1]
                setReg(w.rd, b.vextract(b.getVec(w.rn, .v128), bitOffset: 64, .i64))
            } else {
                setReg(w.rd, b.zext(b.bitcast(b.getVec(w.rn, t), to: t == .f32 ? .i32 : t == .f64 ? .i64 : .i16), to: .i64))
            }
        case .fmovFromGeneral:
            if w.fpRmode == 1 {   // FMOV Vd.D[1], Xn: the low half is kept
                b.setVec(w.rd, b.vinsert(b.getVec(w.rd, .v128), bitOffset: 64, x(w.rn)))
            } else {
                let it: IRType = t == .f32 ? .i32 : t == .f64 ? .i64 : .i16
                b.setVec(w.rd, b.bitcast(b.trunc(x(w.rn), to: it), to: t))
            }
        default:
            return false
        }
        return true
    }
}
