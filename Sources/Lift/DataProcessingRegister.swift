import A64
import IR

/// Data processing (register): logical and add/sub (shifted, extended), with
/// carry, conditional compare/select, multiply, divide, shifts, CRC, bit ops.
extension LiftState {
    /// Shifts Rm by the shift type (LSL, LSR, ASR, ROR) and amount.
    mutating func shifted(_ v: Value, type shiftType: Int, amount: Int) -> Value {
        guard amount != 0 else { return v }
        let t = b.type(of: v)
        let a = constant(UInt64(amount), t)
        switch shiftType {
        case 0: return b.shl(v, a)
        case 1: return b.lshr(v, a)
        case 2: return b.ashr(v, a)
        default: return b.ror(v, a)
        }
    }

    mutating func liftLogicalShifted(_ w: UInt32) {
        let sf = w.sf
        let n = reg(w.rn, sf)
        var m = shifted(reg(w.rm, sf), type: w.shiftType, amount: w.imm6)
        if w.bit(21) { m = b.not(m) }   // BIC, ORN, EON, BICS
        let opc = w.field(29, 2)
        let result = logical(opc, n, m)
        if opc == 3 { emitLogicFlags(result) }
        setReg(w.rd, result)
    }

    mutating func liftAddSubShifted(_ w: UInt32) {
        let sf = w.sf
        let isSub = w.bit(30), setFlags = w.bit(29)
        let n = reg(w.rn, sf)
        let m = shifted(reg(w.rm, sf), type: w.shiftType, amount: w.imm6)
        let result = isSub ? b.sub(n, m) : b.add(n, m)
        if setFlags { emitAddFlags(n, m, subtract: isSub) }
        setReg(w.rd, result)
    }

    /// ExtendReg (Arm ARM J1): the low 8/16/32/64 bits of Rm, zero- or
    /// sign-extended to the operation's width, shifted left by 0-4.
    mutating func extendedRegister(_ rm: Int, option: Int, shift: Int, to t: IRType) -> Value {
        let sizes: [IRType] = [.i8, .i16, .i32, .i64]
        let from = sizes[option & 3]
        let raw = x(rm)
        var v: Value
        if from.bits >= t.bits {
            v = b.trunc(raw, to: t)
        } else {
            let narrow = b.trunc(raw, to: from)
            v = option & 4 != 0 ? b.sext(narrow, to: t) : b.zext(narrow, to: t)
        }
        if shift != 0 { v = b.shl(v, constant(UInt64(shift), t)) }
        return v
    }

    /// ADD/SUB (extended register): Rn may be SP; Rd is SP unless flags are set.
    mutating func liftAddSubExtended(_ w: UInt32) {
        let sf = w.sf, t = type(sf)
        let isSub = w.bit(30), setFlags = w.bit(29)
        let n = regSP(w.rn, sf)
        addSub(n, extendedRegister(w.rm, option: w.option, shift: w.imm3, to: t), subtract: isSub, setFlags: setFlags, rd: w.rd)
    }

    /// The C flag as a value of type t (0 or 1).
    mutating func carryFlag(_ t: IRType) -> Value {
        let c = b.and(b.lshr(b.getFlags(), b.const_(29)), b.const_(1))
        return b.trunc(c, to: t)
    }

    /// ADC/ADCS/SBC/SBCS: Rn + Rm + C, or Rn + NOT(Rm) + C.
    mutating func liftAddSubCarry(_ w: UInt32) {
        let sf = w.sf, t = type(sf)
        let isSub = w.bit(30), setFlags = w.bit(29)
        let n = reg(w.rn, sf)
        var m = reg(w.rm, sf)
        if isSub { m = b.not(m) }
        let c = carryFlag(t)
        let result = b.emit(Inst(.addCarry, t, a: n, b: m, c: c))
        if setFlags { b.setFlags(b.emit(Inst(.nzcvAdd, .i64, a: n, b: m, c: c))) }
        setReg(w.rd, result)
    }

    /// CCMN/CCMP: if the condition holds, flags of Rn +/- operand; else #nzcv.
    mutating func liftConditionalCompare(_ w: UInt32) {
        let sf = w.sf, t = type(sf)
        let isSub = w.bit(30)
        let n = reg(w.rn, sf)
        let m = w.bit(11) ? constant(UInt64(w.field(16, 5)), t) : reg(w.rm, sf)
        let flags = b.getFlags()
        let holds = b.emit(Inst(.condHolds, .i1, a: flags, imm: UInt64(w.cond)))
        let computed = isSub
            ? b.emit(Inst(.nzcvAdd, .i64, a: n, b: b.not(m), c: constant(1, t)))
            : b.emit(Inst(.nzcvAdd, .i64, a: n, b: m, c: constant(0, t)))
        let fallback = b.const_(UInt64(w.field(0, 4)) << 28)
        b.setFlags(b.select(holds, computed, fallback))
    }

    /// CSEL/CSINC/CSINV/CSNEG.
    mutating func liftConditionalSelect(_ w: UInt32) {
        let sf = w.sf, t = type(sf)
        let n = reg(w.rn, sf)
        var m = reg(w.rm, sf)
        switch (w.bit(30), w.bit(10)) {
        case (false, true): m = b.add(m, constant(1, t))      // CSINC
        case (true, false): m = b.not(m)                      // CSINV
        case (true, true): m = b.unary(.neg, m)               // CSNEG
        default: break
        }
        let holds = b.emit(Inst(.condHolds, .i1, a: b.getFlags(), imm: UInt64(w.cond)))
        setReg(w.rd, b.select(holds, n, m))
    }

    mutating func liftMultiply(_ w: UInt32) {
        let sf = w.sf, t = type(sf)
        switch A64Decoder.decode(w) {
        case .madd, .msub:
            let product = b.binary(.mul, reg(w.rn, sf), reg(w.rm, sf))
            let a = reg(w.ra, sf)
            setReg(w.rd, A64Decoder.decode(w) == .madd ? b.add(a, product) : b.sub(a, product))
        case .smaddl, .smsubl, .umaddl, .umsubl:
            let signed = !w.bit(23)
            let n32 = reg(w.rn, false), m32 = reg(w.rm, false)
            let n = signed ? b.sext(n32, to: .i64) : b.zext(n32, to: .i64)
            let m = signed ? b.sext(m32, to: .i64) : b.zext(m32, to: .i64)
            let product = b.binary(.mul, n, m)
            let a = x(w.ra)
            setReg(w.rd, w.bit(15) ? b.sub(a, product) : b.add(a, product))
        case .smulh:
            setReg(w.rd, b.binary(.smulh, x(w.rn), x(w.rm)))
        default:   // umulh
            setReg(w.rd, b.binary(.umulh, x(w.rn), x(w.rm)))
        }
        _ = t
    }

    /// UDIV/SDIV and the variable shifts (amount = Rm MOD datasize).
    mutating func liftDataProcessing2(_ w: UInt32) {
        let sf = w.sf
        let n = reg(w.rn, sf), m = reg(w.rm, sf)
        let op: Opcode
        switch A64Decoder.decode(w) {
        case .udiv: op = .udiv
        case .sdiv: op = .sdiv
        case .lslv: op = .shl
        case .lsrv: op = .lshr
        case .asrv: op = .ashr
        default: op = .ror
        }
        setReg(w.rd, b.binary(op, n, m))
    }

    /// CRC32{B,H,W,X} and CRC32C{B,H,W,X}: a pure helper.
    mutating func liftCRC32(_ w: UInt32) {
        let size = w.field(10, 2)
        let castagnoli = w.bit(12)
        let acc = b.zext(reg(w.rn, false), to: .i64)
        let data = x(w.rm)
        let variant = b.const_(CRC32Operand(sizeLog2: Int(size), castagnoli: castagnoli).packed)
        let r = b.call(.crc32, [acc, data, variant])
        setReg(w.rd, b.trunc(r, to: .i32))
    }

    /// RBIT, REV16, REV32, REV, CLZ, CLS.
    mutating func liftDataProcessing1(_ w: UInt32) {
        let sf = w.sf, t = type(sf)
        let n = reg(w.rn, sf)
        switch A64Decoder.decode(w) {
        case .rbit:
            setReg(w.rd, b.unary(.rbit, n))
        case .rev16:
            let lo = b.and(b.lshr(n, constant(8, t)), constant(0x00FF_00FF_00FF_00FF, t))
            let hi = b.and(b.shl(n, constant(8, t)), constant(0xFF00_FF00_FF00_FF00, t))
            setReg(w.rd, b.or(lo, hi))
        case .rev:
            if sf && !w.bit(10) {   // REV32: reverse bytes within each word
                setReg(w.rd, b.ror(b.unary(.bswap, n), constant(32, t)))
            } else {
                setReg(w.rd, b.unary(.bswap, n))
            }
        case .clz:
            setReg(w.rd, b.unary(.clz, n))
        default:   // CLS = CLZ(x EOR (x ASR 1)) - 1
            let y = b.xor(n, b.ashr(n, constant(1, t)))
            setReg(w.rd, b.sub(b.unary(.clz, y), constant(1, t)))
        }
    }
}
