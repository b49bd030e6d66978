/// The cryptographic extension operations of `vop` (group `crypto`): AES
/// (FEAT_AES), SHA1 (FEAT_SHA1), SHA256 (FEAT_SHA256), SHA512 and SHA3
/// (FEAT_SHA512, FEAT_SHA3) and the polynomial multiply PMULL/PMULL2
/// (8-bit lanes, and 64×64 with FEAT_PMULL), as the Arm ARM's pseudocode
/// (C7.2, shared/functions/crypto).
///
/// Operands: a = Vn, b = Vm, c = the old Vd (the ops that read it); for EOR3
/// and BCAX c = Va. The scalar results (SHA1H) come with bits 127:32 zero.
public enum CryptoOp: UInt8, Sendable, CaseIterable {
    /// AESE/AESD: (Inv)SubBytes((Inv)ShiftRows(Vd EOR Vn)); AESMC/AESIMC: (Inv)MixColumns(Vn).
    case aese, aesd, aesmc, aesimc
    /// SHA1C/SHA1P/SHA1M (Qd, Sn, Vm.4S): four rounds with choose, parity, majority.
    case sha1c, sha1p, sha1m
    /// SHA1H: ROL(Sn, 30); SHA1SU0 (Vd, Vn, Vm); SHA1SU1 (Vd, Vn).
    case sha1h, sha1su0, sha1su1
    /// SHA256H/SHA256H2 (Qd, Qn, Vm.4S), SHA256SU0 (Vd, Vn), SHA256SU1 (Vd, Vn, Vm).
    case sha256h, sha256h2, sha256su0, sha256su1
    /// SHA512H/SHA512H2 (Qd, Qn, Vm.2D), SHA512SU0 (Vd, Vn), SHA512SU1 (Vd, Vn, Vm).
    case sha512h, sha512h2, sha512su0, sha512su1
    /// EOR3: Vn ^ Vm ^ Va; BCAX: Vn ^ (Vm & ~Va); RAX1: Vn ^ ROL(Vm, 1) per
    /// 64-bit lane; XAR: ROR(Vn ^ Vm, param) per 64-bit lane.
    case eor3, bcax, rax1, xar
    /// PMULL (param 0: the low halves) / PMULL2 (param 1: the high halves):
    /// lane bits 8 (eight 8×8 → 16-bit products) or 64 (one 64×64 → 128-bit).
    case pmull
}

extension VectorSemantics {
    public static func evaluate(_ op: CryptoOp, laneBits: Int, param: Int, _ a: V128, _ b: V128, _ c: V128) -> V128 {
        switch op {
        case .aese: return AES.subBytesShiftRows(V128(lo: c.lo ^ a.lo, hi: c.hi ^ a.hi), inverse: false)
        case .aesd: return AES.subBytesShiftRows(V128(lo: c.lo ^ a.lo, hi: c.hi ^ a.hi), inverse: true)
        case .aesmc: return AES.mixColumns(a, inverse: false)
        case .aesimc: return AES.mixColumns(a, inverse: true)
        case .sha1c, .sha1p, .sha1m: return SHA.sha1Rounds(op, x: c, y: UInt32(truncatingIfNeeded: a.lo), w: b)
        case .sha1h: return V128(lo: UInt64(SHA.rol(UInt32(truncatingIfNeeded: a.lo), 30)), hi: 0)
        case .sha1su0:
            // (Vn<63:0> : Vd<127:64>) EOR Vd EOR Vm.
            return V128(lo: c.hi ^ c.lo ^ b.lo, hi: a.lo ^ c.hi ^ b.hi)
        case .sha1su1: return SHA.sha1su1(d: c, n: a)
        case .sha256h: return SHA.sha256Hash(x: c, y: a, w: b, part1: true)
        case .sha256h2: return SHA.sha256Hash(x: a, y: c, w: b, part1: false)
        case .sha256su0: return SHA.sha256su0(d: c, n: a)
        case .sha256su1: return SHA.sha256su1(d: c, n: a, m: b)
        case .sha512h: return SHA.sha512h(x: a, y: b, w: c)
        case .sha512h2: return SHA.sha512h2(x: a, y: b, w: c)
        case .sha512su0: return SHA.sha512su0(w: c, x: a)
        case .sha512su1: return SHA.sha512su1(w: c, x: a, y: b)
        case .eor3: return V128(lo: a.lo ^ b.lo ^ c.lo, hi: a.hi ^ b.hi ^ c.hi)
        case .bcax: return V128(lo: a.lo ^ (b.lo & ~c.lo), hi: a.hi ^ (b.hi & ~c.hi))
        case .rax1: return V128(lo: a.lo ^ b.lo.rotatedLeft(1), hi: a.hi ^ b.hi.rotatedLeft(1))
        case .xar:
            let s = param & 63
            return V128(lo: (a.lo ^ b.lo).rotatedLeft(64 - s), hi: (a.hi ^ b.hi).rotatedLeft(64 - s))
        case .pmull:
            let x = param == 0 ? a.lo : a.hi, y = param == 0 ? b.lo : b.hi
            if laneBits == 64 {
                let (hi, lo) = polynomialMultiply64(x, y)
                return V128(lo: lo, hi: hi)
            }
            var r = V128.zero
            for e in 0..<8 {
                let p = polynomialMultiply8(UInt8(truncatingIfNeeded: x >> UInt64(8 * e)),
                                            UInt8(truncatingIfNeeded: y >> UInt64(8 * e)))
                r.setLane(e, bits: 16, UInt64(p))
            }
            return r
        }
    }

    /// PolynomialMult of two bytes: a 16-bit carry-less product.
    static func polynomialMultiply8(_ x: UInt8, _ y: UInt8) -> UInt16 {
        var r: UInt16 = 0
        for i in 0..<8 where (y >> UInt8(i)) & 1 == 1 { r ^= UInt16(x) << UInt16(i) }
        return r
    }

    /// PolynomialMult of two 64-bit values: the 128-bit carry-less product (high, low).
    static func polynomialMultiply64(_ x: UInt64, _ y: UInt64) -> (UInt64, UInt64) {
        var lo: UInt64 = 0, hi: UInt64 = 0
        for i in 0..<64 where (y >> UInt64(i)) & 1 == 1 {
            lo ^= x << UInt64(i)
            if i != 0 { hi ^= x >> UInt64(64 - i) }
        }
        return (hi, lo)
    }
}

/// The AES round pieces (FIPS-197 §5) on the state as 16 bytes, byte i of
/// the vector being byte i of the state (column-major: row i % 4, column i / 4).
enum AES {

    /// (Inv)SubBytes((Inv)ShiftRows(v)): ShiftRows rotates row r left by r
    /// columns, so result byte i comes from byte (i + 4 * (i % 4)) % 16 (the
    /// inverse: (i - 4 * (i % 4)) % 16), through the S-box.
    static func subBytesShiftRows(_ v: V128, inverse: Bool) -> V128 {
        var out = V128.zero
        withUnsafeBytes(of: v) { src in
            withUnsafeMutableBytes(of: &out) { dst in
                (inverse ? inverseSBox : sBox).withUnsafeBufferPointer { box in
                    for i in 0..<16 {
                        let row = i & 3
                        let from = inverse ? (i - 4 * row + 16) & 15 : (i + 4 * row) & 15
                        dst[i] = box[Int(src[from])]
                    }
                }
            }
        }
        return out
    }

    /// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1.
    static func gfMul(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var a = x, b = y, r: UInt8 = 0
        while b != 0 {
            if b & 1 == 1 { r ^= a }
            a = (a << 1) ^ (a & 0x80 != 0 ? 0x1B : 0)
            b >>= 1
        }
        return r
    }

    /// xtime ({02} ×) on each byte of x.
    @inline(__always) static func xtime(_ x: UInt64) -> UInt64 {
        ((x & 0x7F7F_7F7F_7F7F_7F7F) << 1) ^ (((x >> 7) & 0x0101_0101_0101_0101) &* 0x1B)
    }
    /// Each 32-bit column's bytes rotated down by `n` bytes (byte i gets byte i + n).
    @inline(__always) static func rotateColumns(_ x: UInt64, _ n: Int) -> UInt64 {
        let r = UInt64(8 * n), l = UInt64(32 - 8 * n)
        let keep: UInt64 = (0xFFFF_FFFF >> r) * 0x1_0000_0001
        return ((x >> r) & keep) | ((x << l) & ~keep)
    }

    /// MixColumns: byte i of a column becomes {02}s_i ⊕ {03}s_(i+1) ⊕ s_(i+2) ⊕ s_(i+3),
    /// computed as s_i ⊕ (s_0 ⊕ s_1 ⊕ s_2 ⊕ s_3) ⊕ xtime(s_i ⊕ s_(i+1)), two columns per word.
    /// InvMixColumns is MixColumns after s_i ⊕= {04}(s_i ⊕ s_(i+2)).
    static func mixColumns(_ v: V128, inverse: Bool) -> V128 {
        func mix(_ x: UInt64) -> UInt64 {
            var s = x
            if inverse { s ^= xtime(xtime(s ^ rotateColumns(s, 2))) }
            let s1 = rotateColumns(s, 1)
            let all = s ^ s1 ^ rotateColumns(s, 2) ^ rotateColumns(s, 3)
            return s ^ all ^ xtime(s ^ s1)
        }
        return V128(lo: mix(v.lo), hi: mix(v.hi))
    }

    /// The S-box: the multiplicative inverse in GF(2^8) followed by the affine map.
    static let sBox: [UInt8] = (0..<256).map { x -> UInt8 in
        var inv: UInt8 = 0
        if x != 0 { for y in 1..<256 where gfMul(UInt8(x), UInt8(y)) == 1 { inv = UInt8(y); break } }
        var s = inv
        for k in 1...4 { s ^= inv.rotateLeft(k) }
        return s ^ 0x63
    }
    static let inverseSBox: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for x in 0..<256 { t[Int(sBox[x])] = UInt8(x) }
        return t
    }()
}

fileprivate extension UInt8 {
    func rotateLeft(_ n: Int) -> UInt8 { self << UInt8(n) | self >> UInt8(8 - n) }
}

fileprivate extension UInt64 {
    @inline(__always) func rotatedLeft(_ n: Int) -> UInt64 {
        n & 63 == 0 ? self : self << UInt64(n & 63) | self >> UInt64(64 - (n & 63))
    }
    @inline(__always) func rotatedRight(_ n: Int) -> UInt64 { rotatedLeft(64 - n) }
}

/// The SHA pieces of the Arm ARM (SHAchoose, SHAparity, SHAmajority,
/// SHAhashSIGMA0/1, SHA256hash and the schedule updates).
enum SHA {
    static func rol(_ x: UInt32, _ n: UInt32) -> UInt32 { x << n | x >> (32 - n) }
    static func ror(_ x: UInt32, _ n: UInt32) -> UInt32 { x >> n | x << (32 - n) }
    static func word(_ v: V128, _ e: Int) -> UInt32 { UInt32(truncatingIfNeeded: v.lane(e, bits: 32)) }
    static func vector(_ w0: UInt32, _ w1: UInt32, _ w2: UInt32, _ w3: UInt32) -> V128 {
        V128(lo: UInt64(w0) | UInt64(w1) << 32, hi: UInt64(w2) | UInt64(w3) << 32)
    }

    static func choose(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { ((y ^ z) & x) ^ z }
    static func parity(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { x ^ y ^ z }
    static func majority(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { (x & y) | ((x | y) & z) }

    /// SHA1C/P/M: X = Vd, Y = Sn, W = Vm; after each round Y:X rotates left by 32.
    static func sha1Rounds(_ op: CryptoOp, x xIn: V128, y yIn: UInt32, w: V128) -> V128 {
        var x0 = word(xIn, 0), x1 = word(xIn, 1), x2 = word(xIn, 2), x3 = word(xIn, 3)
        var y = yIn
        for e in 0..<4 {
            let t: UInt32
            switch op {
            case .sha1c: t = choose(x1, x2, x3)
            case .sha1p: t = parity(x1, x2, x3)
            default: t = majority(x1, x2, x3)
            }
            y = y &+ rol(x0, 5) &+ t &+ word(w, e)
            x1 = rol(x1, 30)
            (y, x3, x2, x1, x0) = (x3, x2, x1, x0, y)
        }
        return vector(x0, x1, x2, x3)
    }

    /// SHA1SU1: T = Vd EOR LSR(Vn, 32); each word ROL 1, the top one also EOR ROL(T<31:0>, 2).
    static func sha1su1(d: V128, n: V128) -> V128 {
        let t0 = word(d, 0) ^ word(n, 1), t1 = word(d, 1) ^ word(n, 2), t2 = word(d, 2) ^ word(n, 3), t3 = word(d, 3)
        return vector(rol(t0, 1), rol(t1, 1), rol(t2, 1), rol(t3, 1) ^ rol(t0, 2))
    }

    static func sigma0(_ x: UInt32) -> UInt32 { ror(x, 2) ^ ror(x, 13) ^ ror(x, 22) }
    static func sigma1(_ x: UInt32) -> UInt32 { ror(x, 6) ^ ror(x, 11) ^ ror(x, 25) }

    /// SHA256hash(X, Y, W, part1): four rounds on the state halves X (a..d) and Y (e..h).
    static func sha256Hash(x xIn: V128, y yIn: V128, w: V128, part1: Bool) -> V128 {
        var x0 = word(xIn, 0), x1 = word(xIn, 1), x2 = word(xIn, 2), x3 = word(xIn, 3)
        var y0 = word(yIn, 0), y1 = word(yIn, 1), y2 = word(yIn, 2), y3 = word(yIn, 3)
        for e in 0..<4 {
            let t1 = y3 &+ sigma1(y0) &+ choose(y0, y1, y2) &+ word(w, e)
            x3 = t1 &+ x3
            y3 = t1 &+ sigma0(x0) &+ majority(x0, x1, x2)
            // <Y, X> = ROL(Y : X, 32)
            (x0, x1, x2, x3, y0, y1, y2, y3) = (y3, x0, x1, x2, x3, y0, y1, y2)
        }
        return part1 ? vector(x0, x1, x2, x3) : vector(y0, y1, y2, y3)
    }

    static func sha256su0(d: V128, n: V128) -> V128 {
        // T = Vn<31:0> : Vd<127:32>
        func s0(_ x: UInt32) -> UInt32 { ror(x, 7) ^ ror(x, 18) ^ (x >> 3) }
        return vector(s0(word(d, 1)) &+ word(d, 0), s0(word(d, 2)) &+ word(d, 1), s0(word(d, 3)) &+ word(d, 2),
                      s0(word(n, 0)) &+ word(d, 3))
    }

    static func sha256su1(d: V128, n: V128, m: V128) -> V128 {
        func s1(_ x: UInt32) -> UInt32 { ror(x, 17) ^ ror(x, 19) ^ (x >> 10) }
        // T0 = Vm<31:0> : Vn<127:32>; T1 = Vm<127:64>, then the result's low half.
        let r0 = s1(word(m, 2)) &+ word(d, 0) &+ word(n, 1)
        let r1 = s1(word(m, 3)) &+ word(d, 1) &+ word(n, 2)
        let r2 = s1(r0) &+ word(d, 2) &+ word(n, 3)
        let r3 = s1(r1) &+ word(d, 3) &+ word(m, 0)
        return vector(r0, r1, r2, r3)
    }

    static func bigSigma1(_ x: UInt64) -> UInt64 { x.rotatedRight(14) ^ x.rotatedRight(18) ^ x.rotatedRight(41) }
    static func bigSigma0(_ x: UInt64) -> UInt64 { x.rotatedRight(28) ^ x.rotatedRight(34) ^ x.rotatedRight(39) }

    /// SHA512H: X = Vn, Y = Vm, W = Vd.
    static func sha512h(x: V128, y: V128, w: V128) -> V128 {
        let hi = ((y.hi & x.lo) ^ (~y.hi & x.hi)) &+ bigSigma1(y.hi) &+ w.hi
        let tmp = hi &+ y.lo
        let lo = ((tmp & y.hi) ^ (~tmp & x.lo)) &+ bigSigma1(tmp) &+ w.lo
        return V128(lo: lo, hi: hi)
    }

    /// SHA512H2: X = Vn, Y = Vm, W = Vd.
    static func sha512h2(x: V128, y: V128, w: V128) -> V128 {
        let hi = ((x.lo & y.hi) ^ (x.lo & y.lo) ^ (y.hi & y.lo)) &+ bigSigma0(y.lo) &+ w.hi
        let lo = ((hi & y.lo) ^ (hi & y.hi) ^ (y.hi & y.lo)) &+ bigSigma0(hi) &+ w.lo
        return V128(lo: lo, hi: hi)
    }

    /// SHA512SU0: W = Vd, X = Vn.
    static func sha512su0(w: V128, x: V128) -> V128 {
        func s0(_ v: UInt64) -> UInt64 { v.rotatedRight(1) ^ v.rotatedRight(8) ^ (v >> 7) }
        return V128(lo: w.lo &+ s0(w.hi), hi: w.hi &+ s0(x.lo))
    }

    /// SHA512SU1: W = Vd, X = Vn, Y = Vm.
    static func sha512su1(w: V128, x: V128, y: V128) -> V128 {
        func s1(_ v: UInt64) -> UInt64 { v.rotatedRight(19) ^ v.rotatedRight(61) ^ (v >> 6) }
        return V128(lo: w.lo &+ s1(x.lo) &+ y.lo, hi: w.hi &+ s1(x.hi) &+ y.hi)
    }
}
