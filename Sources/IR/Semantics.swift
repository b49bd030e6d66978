/// The meaning of every pure IR op, in one place: the constant folder and the
/// IR interpreter both call these, so folding can never disagree with execution.
/// Values are zero-extended into UInt64; results are masked to the type.
public enum IRSemantics {
    @inline(__always)
    public static func signExtend(_ v: UInt64, _ t: IRType) -> Int64 {
        switch t {
        case .i1: return v & 1 == 1 ? -1 : 0
        case .i8: return Int64(Int8(truncatingIfNeeded: v))
        case .i16: return Int64(Int16(truncatingIfNeeded: v))
        case .i32: return Int64(Int32(truncatingIfNeeded: v))
        default: return Int64(bitPattern: v)
        }
    }

    @inline(__always)
    public static func binary(_ op: Opcode, _ t: IRType, _ a: UInt64, _ b: UInt64) -> UInt64 {
        let bits = UInt64(t.bits)
        let m = t.mask
        switch op {
        case .add: return (a &+ b) & m
        case .sub: return (a &- b) & m
        case .mul: return (a &* b) & m
        case .and: return a & b
        case .or: return a | b
        case .xor: return a ^ b
        // Shift amounts are taken modulo the width, as A64's variable shifts do.
        case .shl: return (a << (b % bits)) & m
        case .lshr: return (a >> (b % bits)) & m
        case .ashr: return UInt64(bitPattern: signExtend(a, t) >> Int64(b % bits)) & m
        case .ror:
            let s = b % bits
            return s == 0 ? a : ((a >> s) | (a << (bits - s))) & m
        case .umulh: return a.multipliedFullWidth(by: b).high
        case .smulh:
            return UInt64(bitPattern: Int64(bitPattern: a).multipliedFullWidth(by: Int64(bitPattern: b)).high)
        case .udiv: return b == 0 ? 0 : a / b
        case .sdiv:
            if b == 0 { return 0 }
            let sa = signExtend(a, t), sb = signExtend(b, t)
            if sb == -1 { return UInt64(bitPattern: 0 &- sa) & m }   // INT_MIN / -1 wraps to INT_MIN
            return UInt64(bitPattern: sa / sb) & m
        default:
            preconditionFailure("not a binary op: \(op)")
        }
    }

    @inline(__always)
    public static func unary(_ op: Opcode, _ t: IRType, _ a: UInt64) -> UInt64 {
        let m = t.mask
        switch op {
        case .not: return ~a & m
        case .neg: return (0 &- a) & m
        case .clz:
            return t == .i64 ? UInt64(a.leadingZeroBitCount)
                : UInt64(a.leadingZeroBitCount - (64 - t.bits))
        case .rbit:
            let r = bitReverse64(a)
            return t == .i64 ? r : r >> UInt64(64 - t.bits)
        case .bswap:
            switch t {
            case .i16: return UInt64(UInt16(truncatingIfNeeded: a).byteSwapped)
            case .i32: return UInt64(UInt32(truncatingIfNeeded: a).byteSwapped)
            default: return a.byteSwapped
            }
        default:
            preconditionFailure("not a unary op: \(op)")
        }
    }

    @inline(__always)
    public static func bitReverse64(_ x: UInt64) -> UInt64 {
        var v = x
        v = ((v >> 1) & 0x5555_5555_5555_5555) | ((v & 0x5555_5555_5555_5555) << 1)
        v = ((v >> 2) & 0x3333_3333_3333_3333) | ((v & 0x3333_3333_3333_3333) << 2)
        v = ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((v & 0x0F0F_0F0F_0F0F_0F0F) << 4)
        return v.byteSwapped
    }

    @inline(__always)
    public static func convert(_ op: Opcode, from: IRType, to: IRType, _ a: UInt64) -> UInt64 {
        switch op {
        case .zext, .trunc: return a & to.mask
        case .sext: return UInt64(bitPattern: signExtend(a, from)) & to.mask
        default: preconditionFailure("not a conversion: \(op)")
        }
    }

    @inline(__always)
    public static func compare(_ p: UInt64, _ t: IRType, _ a: UInt64, _ b: UInt64) -> UInt64 {
        let r: Bool
        switch Predicate(rawValue: p)! {
        case .eq: r = a == b
        case .ne: r = a != b
        case .ult: r = a < b
        case .ule: r = a <= b
        case .ugt: r = a > b
        case .uge: r = a >= b
        case .slt: r = signExtend(a, t) < signExtend(b, t)
        case .sle: r = signExtend(a, t) <= signExtend(b, t)
        case .sgt: r = signExtend(a, t) > signExtend(b, t)
        case .sge: r = signExtend(a, t) >= signExtend(b, t)
        }
        return r ? 1 : 0
    }

    /// AddWithCarry's NZCV (Arm ARM J1 shared/functions/integer) at width t, in bits 31:28.
    @inline(__always)
    public static func nzcvAdd(_ t: IRType, _ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        let m = t.mask
        let result: UInt64
        let carry: Bool
        if t == .i64 {
            let (s1, o1) = a.addingReportingOverflow(b)
            let (s2, o2) = s1.addingReportingOverflow(c)
            result = s2
            carry = o1 || o2
        } else {
            let wide = a &+ b &+ c
            result = wide & m
            carry = wide > m
        }
        let signBit = UInt64(1) << UInt64(t.bits - 1)
        // Signed overflow: operands of equal sign, result of the other sign.
        let v = ((a ^ result) & (b ^ result) & signBit) != 0
        let n = result & signBit != 0
        let z = result == 0
        return (n ? 1 << 31 : 0) | (z ? 1 << 30 : 0) | (carry ? 1 << 29 : 0) | (v ? 1 << 28 : 0)
    }

    @inline(__always)
    public static func nzcvLogic(_ t: IRType, _ r: UInt64) -> UInt64 {
        let signBit = UInt64(1) << UInt64(t.bits - 1)
        return (r & signBit != 0 ? 1 << 31 : 0) | (r == 0 ? 1 << 30 : 0)
    }

    /// ConditionHolds (Arm ARM J1 shared/functions/system) for NZCV in bits 31:28.
    @inline(__always)
    public static func conditionHolds(_ cond: UInt64, _ nzcv: UInt64) -> UInt64 {
        let n = (nzcv >> 31) & 1, z = (nzcv >> 30) & 1, c = (nzcv >> 29) & 1, v = (nzcv >> 28) & 1
        var r: Bool
        switch cond >> 1 {
        case 0: r = z == 1                 // EQ
        case 1: r = c == 1                 // CS
        case 2: r = n == 1                 // MI
        case 3: r = v == 1                 // VS
        case 4: r = c == 1 && z == 0       // HI
        case 5: r = n == v                 // GE
        case 6: r = n == v && z == 0       // GT
        default: r = true                  // AL
        }
        if cond & 1 == 1 && cond != 0xF { r = !r }
        return r ? 1 : 0
    }

    /// Evaluates a pure, non-call op given its operand values; nil if `op` is not foldable.
    public static func evaluate(_ i: Inst, types: (Value) -> IRType, _ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64? {
        switch i.op {
        case .const_: return i.imm
        case .add, .sub, .mul, .and, .or, .xor, .shl, .lshr, .ashr, .ror, .umulh, .smulh, .udiv, .sdiv:
            return binary(i.op, i.type, a, b)
        case .not, .neg, .clz, .rbit, .bswap:
            return unary(i.op, i.type, a)
        case .zext, .sext, .trunc:
            return convert(i.op, from: types(i.a), to: i.type, a)
        case .cmp: return compare(i.imm, types(i.a), a, b)
        case .select: return a & 1 == 1 ? b : c
        case .addCarry: return (a &+ b &+ c) & i.type.mask
        case .nzcvAdd: return nzcvAdd(types(i.a), a, b, c)
        case .nzcvLogic: return nzcvLogic(types(i.a), a)
        case .condHolds: return conditionHolds(i.imm, a)
        default: return nil
        }
    }
}
