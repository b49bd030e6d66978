import CHostFP
import IR
import Machine

/// The threaded interpreter's FP fast path: an `fp` op or an FP `vop` run
/// on the host's SSE/FMA unit, its result used only when it is provably the
/// one `FPReference` gives (bit for bit, FPSR flags included); nil sends the
/// op to `FPReference`. The IR interpreter keeps calling `FPReference`
/// directly: it stays the reference the fast path is tested against.
///
/// Taken only with FPCR.FZ = 0 (no flushing: IEEE 754 with gradual underflow,
/// which SSE computes with MXCSR.DAZ/FTZ clear, denormal operands included),
/// single and double precision, and a rounding mode SSE has (not ties-away,
/// not round-to-odd). The op runs under MXCSR with that rounding mode, every
/// exception masked and the flags clear (CHostFP), and MXCSR's flags decide:
/// - Invalid, Divide-by-zero, Overflow or Underflow raised: not taken (the
///   results are default NaNs, infinities, saturations and flushes whose Arm
///   rules differ from x86's, or whose FPSR bits must come from the reference);
/// - a NaN, an infinite, a denormal or a smallest-normal result: not taken
///   (Arm's NaN propagation differs; Arm detects tininess before rounding,
///   x86 after, which differs only for results that round into the smallest
///   normal binade);
/// - otherwise the result is IEEE 754's correctly rounded value, as Arm's,
///   and the only flag either raises is Inexact: MXCSR.PE is FPSR.IXC.
///   MXCSR.DE (a denormal operand) has no FPSR counterpart with FZ = 0.
/// An inexact zero result always raised Underflow (its exact value was tiny
/// and non-zero), so an accepted zero is exact, with IEEE's sign, Arm's too.
/// Compares, minimum and maximum raise nothing on non-NaN operands with
/// FZ = 0: they run in Swift without MXCSR. Conversions between integers and
/// FP (no fixed-point fraction bits) use CVTSI2SD/CVTSD2SI under MXCSR: an
/// out-of-range or NaN operand raises Invalid (not taken), the range of a
/// 32-bit or unsigned result is checked.
struct HostFP {
    /// The host runs FMA3 (VFMADD231): FMADD/FMLA take the fast path.
    let fma: Bool

    init() { fma = armature_hostfp_has_fma() != 0 }

    /// MXCSR: exceptions masked, flags clear, rounding control from `r`;
    /// nil for the modes SSE lacks.
    @inline(__always) static func mxcsr(_ r: FPRounding) -> UInt32? {
        switch r {
        case .tieEven: return 0x1F80
        case .negInf: return 0x1F80 | 1 << 13   // x86 RC 01: toward -inf
        case .posInf: return 0x1F80 | 2 << 13   // x86 RC 10: toward +inf
        case .zero: return 0x1F80 | 3 << 13
        case .tieAway, .odd: return nil
        }
    }

    /// MXCSR's IE, ZE, OE, UE: the result is left to the reference.
    static let refuse: UInt32 = 0x1D
    /// MXCSR.PE as FPSR.IXC.
    @inline(__always) static func fpsr(_ mxcsrFlags: UInt32) -> UInt64 { UInt64(mxcsrFlags >> 5) << 4 }

    /// A result SSE and Arm agree on (given no refused flag): a normal number
    /// above the smallest binade and below infinity, or zero.
    @inline(__always) static func plain(_ r: UInt64, bits: Int) -> Bool {
        if bits == 64 {
            let e = (r >> 52) & 0x7FF
            return (e >= 2 && e < 0x7FF) || r << 1 == 0
        }
        let e = (r >> 23) & 0xFF
        return (e >= 2 && e < 0xFF) || r & 0x7FFF_FFFF == 0
    }

    @inline(__always) static func isNaN(_ x: UInt64, bits: Int) -> Bool {
        bits == 64 ? x & ~(1 << 63) > 0x7FF0_0000_0000_0000 : x & 0x7FFF_FFFF > 0x7F80_0000
    }

    /// The value of a non-NaN operand, for compares.
    @inline(__always) static func value(_ x: UInt64, bits: Int) -> Double {
        bits == 64 ? Double(bitPattern: x) : Double(Float(bitPattern: UInt32(truncatingIfNeeded: x)))
    }

    static let one32: UInt64 = 0x3F80_0000
    static let one64: UInt64 = 0x3FF0_0000_0000_0000

    // MARK: Scalar (`fp` ops)

    /// `FPReference.execute(code, ...)` when the host computes it exactly; the
    /// flags it raises are OR-ed into `flags`. nil: not taken, `flags` untouched.
    @inline(__always)
    func scalar(_ code: FPOpcode, outBits: Int, inBits: Int, _ a: UInt64, _ b: UInt64, _ c: UInt64,
                fpcr: UInt64, flags: inout UInt64) -> UInt64? {
        guard fpcr & FPBits.fz == 0, inBits != 16, outBits != 16 else { return nil }
        let bits = inBits
        switch code.kind {
        case .add, .sub, .mul, .div, .sqrt, .nmul, .fma:
            guard let csr = HostFP.mxcsr(code.rounding ?? FPRounding.fromFPCR(fpcr)) else { return nil }
            let op: Int32
            switch code.kind {
            case .add: op = ARMATURE_HOSTFP_ADD
            case .sub: op = ARMATURE_HOSTFP_SUB
            case .mul, .nmul: op = ARMATURE_HOSTFP_MUL
            case .div: op = ARMATURE_HOSTFP_DIV
            case .sqrt: op = ARMATURE_HOSTFP_SQRT
            default:
                guard fma else { return nil }
                op = ARMATURE_HOSTFP_FMA
            }
            var lo: UInt64 = 0, hi: UInt64 = 0
            let f: UInt32
            if bits == 64 {
                f = armature_hostfp_pd(op, &lo, &hi, a, HostFP.one64, b, HostFP.one64, c, HostFP.one64, csr)
            } else {
                let ones = HostFP.one32 << 32 | HostFP.one32
                f = armature_hostfp_ps(op, &lo, &hi, HostFP.one32 << 32 | a, ones, HostFP.one32 << 32 | b, ones,
                                       HostFP.one32 << 32 | c, ones, csr)
                lo &= 0xFFFF_FFFF
            }
            guard f & HostFP.refuse == 0, HostFP.plain(lo, bits: bits) else { return nil }
            flags |= HostFP.fpsr(f)
            return code.kind == .nmul ? lo ^ (1 << UInt64(bits - 1)) : lo
        case .max, .min, .maxnm, .minnm:
            guard !HostFP.isNaN(a, bits: bits), !HostFP.isNaN(b, bits: bits) else { return nil }
            return HostFP.maxMin(code.kind == .max || code.kind == .maxnm, a, b, bits: bits)
        case .abs:
            return a & ~(1 << UInt64(bits - 1))
        case .neg:
            return a ^ (1 << UInt64(bits - 1))
        case .cmp, .cmpe:
            guard !HostFP.isNaN(a, bits: bits), !HostFP.isNaN(b, bits: bits) else { return nil }
            let x = HostFP.value(a, bits: bits), y = HostFP.value(b, bits: bits)
            return x == y ? 0x6000_0000 : x < y ? 0x8000_0000 : 0x2000_0000
        case .convert:
            let csr = HostFP.mxcsr(code.rounding ?? FPRounding.fromFPCR(fpcr)) ?? 0
            guard csr != 0 else { return nil }
            var f: UInt32
            var r: UInt64
            if inBits == 64 && outBits == 32 {
                var s: UInt32 = 0
                f = armature_hostfp_cvt_d2s(&s, a, csr)
                r = UInt64(s)
            } else if inBits == 32 && outBits == 64 {
                r = 0
                f = armature_hostfp_cvt_s2d(&r, UInt32(truncatingIfNeeded: a), csr)
            } else {
                return nil
            }
            guard f & HostFP.refuse == 0, HostFP.plain(r, bits: outBits) else { return nil }
            flags |= HostFP.fpsr(f)
            return r
        case .fromInt:
            guard code.fbits == 0, let csr = HostFP.mxcsr(code.rounding ?? FPRounding.fromFPCR(fpcr)) else { return nil }
            let x: Int64
            if inBits == 64 {
                if code.flag && a >> 63 != 0 { return nil }
                x = Int64(bitPattern: a)
            } else {
                x = code.flag ? Int64(a & 0xFFFF_FFFF) : Int64(Int32(truncatingIfNeeded: a))
            }
            var r: UInt64 = 0
            let f: UInt32
            if outBits == 64 {
                f = armature_hostfp_i2d(&r, x, csr)
            } else {
                var s: UInt32 = 0
                f = armature_hostfp_i2s(&s, x, csr)
                r = UInt64(s)
            }
            flags |= HostFP.fpsr(f)
            return r
        case .toInt:
            guard code.fbits == 0, let csr = HostFP.mxcsr(code.rounding ?? FPRounding.fromFPCR(fpcr)) else { return nil }
            var n: Int64 = 0
            let f = inBits == 64 ? armature_hostfp_d2i(&n, a, csr)
                : armature_hostfp_s2i(&n, UInt32(truncatingIfNeeded: a), csr)
            guard f & HostFP.refuse == 0 else { return nil }
            if outBits == 32 {
                if code.flag { guard n >= 0 && n <= Int64(UInt32.max) else { return nil } }
                else { guard n >= Int64(Int32.min) && n <= Int64(Int32.max) else { return nil } }
                flags |= HostFP.fpsr(f)
                return UInt64(bitPattern: n) & 0xFFFF_FFFF
            }
            if code.flag && n < 0 { return nil }
            flags |= HostFP.fpsr(f)
            return UInt64(bitPattern: n)
        case .roundInt:
            return nil
        }
    }

    /// FPMax/FPMin (and the NM forms, equal without NaNs) of non-NaN operands.
    @inline(__always) static func maxMin(_ isMax: Bool, _ a: UInt64, _ b: UInt64, bits: Int) -> UInt64 {
        let x = value(a, bits: bits), y = value(b, bits: bits)
        if x == y { return isMax ? a & b : a | b }   // ±0: max is +0 unless both are -0, min -0 if either is
        return (x > y) == isMax ? a : b
    }

    // MARK: Vector (`vop` of the fp group)

    /// `VectorSemantics.evaluate(code, ...)` for an FP `vop` when the host
    /// computes every lane exactly; nil: not taken, `flags` untouched.
    @inline(__always)
    func vector(_ code: VectorOpcode, _ a: V128, _ b: V128, _ c: V128, fpcr: UInt64, flags: inout UInt64) -> V128? {
        guard code.group == .fp, fpcr & FPBits.fz == 0, let op = VectorFPOp(rawValue: code.op) else { return nil }
        let bits = code.laneBits
        guard bits == 32 || bits == 64 else { return nil }
        let shape = code.param & 3
        let r = (code.param >> 2) & 7
        let rounding = r == 0 ? FPRounding.fromFPCR(fpcr) : FPRounding(rawValue: UInt8(r - 1))!
        // Lanes computed: all 128 bits, the low 64, or lane 0; the others are zero.
        let keep: V128 = shape == 0 ? V128(lo: ~0, hi: ~0) : shape == 1 || bits == 64 ? V128(lo: ~0, hi: 0)
            : V128(lo: 0xFFFF_FFFF, hi: 0)
        let hostOp: Int32
        var x = a, y = b, z = c
        switch op {
        case .add: hostOp = ARMATURE_HOSTFP_ADD
        case .sub, .abd: hostOp = ARMATURE_HOSTFP_SUB
        case .mul, .mulx: hostOp = ARMATURE_HOSTFP_MUL
        case .div: hostOp = ARMATURE_HOSTFP_DIV
        case .sqrt: hostOp = ARMATURE_HOSTFP_SQRT
        case .mla, .mls:
            guard fma else { return nil }
            hostOp = ARMATURE_HOSTFP_FMA
            if op == .mls {
                let signs: UInt64 = bits == 64 ? 1 << 63 : 0x8000_0000_8000_0000
                x = V128(lo: x.lo ^ signs, hi: x.hi ^ signs)
            }
        case .abs, .neg:
            let signs: UInt64 = bits == 64 ? 1 << 63 : 0x8000_0000_8000_0000
            let r = op == .abs ? V128(lo: a.lo & ~signs, hi: a.hi & ~signs) : V128(lo: a.lo ^ signs, hi: a.hi ^ signs)
            return V128(lo: r.lo & keep.lo, hi: r.hi & keep.hi)
        case .max, .min, .maxnm, .minnm, .cmeq, .cmge, .cmgt, .acge, .acgt:
            return HostFP.laneWise(op, a, b, bits: bits, count: (shape == 0 ? 128 : shape == 1 ? 64 : bits) / bits)
        case .toIntS, .toIntU, .fromIntS, .fromIntU:
            guard code.param2 == 0 else { return nil }
            var out = V128.zero
            var raised: UInt64 = 0
            let kind: FPOpcode.Kind = op == .toIntS || op == .toIntU ? .toInt : .fromInt
            let lane = FPOpcode(kind, rounding: rounding, flag: op == .toIntU || op == .fromIntU)
            let count = (shape == 0 ? 128 : shape == 1 ? 64 : bits) / bits
            for i in 0..<count {
                guard let v = scalar(lane, outBits: bits, inBits: bits, a.lane(i, bits: bits), 0, 0, fpcr: fpcr,
                                     flags: &raised) else { return nil }
                out.setLane(i, bits: bits, v)
            }
            flags |= raised
            return out
        default:
            return nil
        }
        guard let csr = HostFP.mxcsr(rounding) else { return nil }
        // Lanes not computed hold 1.0 in every operand: 1 op 1 raises nothing.
        let one = bits == 64 ? HostFP.one64 : HostFP.one32 << 32 | HostFP.one32
        if keep.hi == 0 {
            x.hi = one; y.hi = one; z.hi = one
            if keep.lo != ~0 {
                x.lo = x.lo & keep.lo | one & ~keep.lo
                y.lo = y.lo & keep.lo | one & ~keep.lo
                z.lo = z.lo & keep.lo | one & ~keep.lo
            }
        }
        var lo: UInt64 = 0, hi: UInt64 = 0
        let f = bits == 64 ? armature_hostfp_pd(hostOp, &lo, &hi, x.lo, x.hi, y.lo, y.hi, z.lo, z.hi, csr)
            : armature_hostfp_ps(hostOp, &lo, &hi, x.lo, x.hi, y.lo, y.hi, z.lo, z.hi, csr)
        guard f & HostFP.refuse == 0 else { return nil }
        if bits == 64 {
            guard HostFP.plain(lo, bits: 64), HostFP.plain(hi, bits: 64) else { return nil }
        } else {
            guard HostFP.plain(lo & 0xFFFF_FFFF, bits: 32), HostFP.plain(lo >> 32, bits: 32),
                  HostFP.plain(hi & 0xFFFF_FFFF, bits: 32), HostFP.plain(hi >> 32, bits: 32) else { return nil }
        }
        if op == .abd {
            let signs: UInt64 = bits == 64 ? 1 << 63 : 0x8000_0000_8000_0000
            lo &= ~signs
            hi &= ~signs
        }
        flags |= HostFP.fpsr(f)
        return V128(lo: lo & keep.lo, hi: hi & keep.hi)
    }

    /// Min/max and compares lane by lane: nil when a lane has a NaN (the
    /// only case where they raise a flag or pick a NaN).
    static func laneWise(_ op: VectorFPOp, _ a: V128, _ b: V128, bits: Int, count: Int) -> V128? {
        var out = V128.zero
        let ones: UInt64 = bits == 64 ? ~0 : 0xFFFF_FFFF
        let sign: UInt64 = 1 << UInt64(bits - 1)
        for i in 0..<count {
            let x = a.lane(i, bits: bits), y = b.lane(i, bits: bits)
            guard !isNaN(x, bits: bits), !isNaN(y, bits: bits) else { return nil }
            let r: UInt64
            switch op {
            case .max, .maxnm: r = maxMin(true, x, y, bits: bits)
            case .min, .minnm: r = maxMin(false, x, y, bits: bits)
            case .cmeq: r = value(x, bits: bits) == value(y, bits: bits) ? ones : 0
            case .cmge: r = value(x, bits: bits) >= value(y, bits: bits) ? ones : 0
            case .cmgt: r = value(x, bits: bits) > value(y, bits: bits) ? ones : 0
            case .acge: r = value(x & ~sign, bits: bits) >= value(y & ~sign, bits: bits) ? ones : 0
            default: r = value(x & ~sign, bits: bits) > value(y & ~sign, bits: bits) ? ones : 0   // acgt
            }
            out.setLane(i, bits: bits, r)
        }
        return out
    }
}
