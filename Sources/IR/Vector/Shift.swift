/// AdvSIMD shifts (group `shift`), vector and scalar (the shape in param2,
/// `VectorShape`). By immediate the amount is param; by register it is the
/// signed low byte of each lane of b (Arm ARM C7.2: SSHL and friends).
public enum VectorShiftOp: UInt8, Sendable, CaseIterable {
    // Same-size by immediate (laneBits = element size; c = the old
    // destination for the accumulating and inserting forms).
    case shl, sshr, ushr, srshr, urshr, ssra, usra, srsra, ursra, sri, sli
    /// Saturating left shifts: SQSHL, UQSHL (immediate), SQSHLU.
    case sqshl, uqshl, sqshlu
    // Same-size by register.
    case sshlReg, ushlReg, srshlReg, urshlReg, sqshlReg, uqshlReg, sqrshlReg, uqrshlReg
    // Narrowing right shifts: laneBits = the result's (narrow) element size,
    // a's elements twice as wide; `upper` for the "2" forms.
    case shrn, rshrn, sqshrn, uqshrn, sqrshrn, uqrshrn, sqshrun, sqrshrun
    // Lengthening left shifts (SSHLL, USHLL; SXTL/UXTL with 0): laneBits =
    // the source's element size; `upper` reads the high half.
    case sshll, ushll

    /// Ops that can saturate (they set FPSR.QC).
    public var saturates: Bool {
        switch self {
        case .sqshl, .uqshl, .sqshlu, .sqshlReg, .uqshlReg, .sqrshlReg, .uqrshlReg,
             .sqshrn, .uqshrn, .sqrshrn, .uqrshrn, .sqshrun, .sqrshrun: return true
        default: return false
        }
    }
}

extension VectorSemantics {
    /// One same-size lane: x (from a), y (from b, the shift for the register
    /// forms), d (from c); `s` is the immediate shift amount.
    @inline(__always)
    static func shiftLane(_ op: VectorShiftOp, _ x: UInt64, _ y: UInt64, _ d: UInt64, s: Int, bits: Int,
                          _ sat: inout Bool) -> UInt64 {
        let m = ones(bits)
        switch op {
        case .shl: return truncate(Int128(x) << s, bits)
        case .sshr: return truncate(shift(wide(x, bits, signed: true), by: -s, bits: bits, round: false), bits)
        case .ushr: return truncate(shift(Int128(x), by: -s, bits: bits, round: false), bits)
        case .srshr: return truncate(shift(wide(x, bits, signed: true), by: -s, bits: bits, round: true), bits)
        case .urshr: return truncate(shift(Int128(x), by: -s, bits: bits, round: true), bits)
        case .ssra, .usra, .srsra, .ursra:
            let round = op == .srsra || op == .ursra
            let isSigned = op == .ssra || op == .srsra
            let v = shift(wide(x, bits, signed: isSigned), by: -s, bits: bits, round: round)
            return truncate(Int128(d) + v, bits)
        case .sri:
            // Shift right and insert: the top s bits of d stay (all of d when s = esize).
            let mask = s >= bits ? 0 : m >> UInt64(s)
            return d & ~mask | (s >= bits ? 0 : x >> UInt64(s))
        case .sli:
            let mask = (m << UInt64(s)) & m
            return d & ~mask | (x << UInt64(s)) & mask
        case .sqshl: return saturate(wide(x, bits, signed: true) << s, bits, unsigned: false, &sat)
        case .uqshl: return saturate(Int128(x) << s, bits, unsigned: true, &sat)
        case .sqshlu: return saturate(wide(x, bits, signed: true) << s, bits, unsigned: true, &sat)
        case .sshlReg, .ushlReg, .srshlReg, .urshlReg, .sqshlReg, .uqshlReg, .sqrshlReg, .uqrshlReg:
            let amount = Int(Int8(truncatingIfNeeded: y))
            let isSigned = op == .sshlReg || op == .srshlReg || op == .sqshlReg || op == .sqrshlReg
            let round = op == .srshlReg || op == .urshlReg || op == .sqrshlReg || op == .uqrshlReg
            let v = shift(wide(x, bits, signed: isSigned), by: amount, bits: bits, round: round)
            switch op {
            case .sqshlReg, .uqshlReg, .sqrshlReg, .uqrshlReg: return saturate(v, bits, unsigned: !isSigned, &sat)
            default: return truncate(v, bits)
            }
        default: preconditionFailure("not a same-size shift: \(op)")
        }
    }

    public static func evaluate(_ op: VectorShiftOp, laneBits bits: Int, param s: Int, shape: VectorShape,
                                _ a: V128, _ b: V128, _ c: V128, _ fp: inout VectorFPState) -> V128 {
        var r = V128.zero
        var sat = false
        switch op {
        case .shrn, .rshrn, .sqshrn, .uqshrn, .sqrshrn, .uqrshrn, .sqshrun, .sqrshrun:
            // Source lanes of 2 * bits; the result fills one half.
            let count = shape.contains(.scalar) ? 1 : 64 / bits
            let first = shape.contains(.upper) ? count : 0
            if shape.contains(.upper) { r.lo = c.lo }
            let isSigned = op == .sqshrn || op == .sqrshrn || op == .sqshrun || op == .sqrshrun
            let round = op == .rshrn || op == .sqrshrn || op == .uqrshrn || op == .sqrshrun
            for i in 0..<count {
                let v = shift(wide(a.lane(i, bits: 2 * bits), 2 * bits, signed: isSigned), by: -s, bits: 2 * bits, round: round)
                let lane: UInt64
                switch op {
                case .shrn, .rshrn: lane = truncate(v, bits)
                case .sqshrn, .sqrshrn: lane = saturate(v, bits, unsigned: false, &sat)
                default: lane = saturate(v, bits, unsigned: true, &sat)
                }
                r.setLane(first + i, bits: bits, lane)
            }
        case .sshll, .ushll:
            let count = 64 / bits
            let first = shape.contains(.upper) ? count : 0
            for i in 0..<count {
                let v = wide(a.lane(first + i, bits: bits), bits, signed: op == .sshll) << s
                r.setLane(i, bits: 2 * bits, truncate(v, 2 * bits))
            }
        default:
            let count = shape.contains(.scalar) ? 1 : (shape.contains(.half) ? 64 : 128) / bits
            for i in 0..<count {
                r.setLane(i, bits: bits, shiftLane(op, a.lane(i, bits: bits), b.lane(i, bits: bits), c.lane(i, bits: bits),
                                                   s: s, bits: bits, &sat))
            }
        }
        if sat { fp.fpsrFlags |= VectorFPState.qc }
        return r
    }
}
