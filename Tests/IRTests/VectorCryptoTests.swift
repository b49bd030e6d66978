import XCTest
@testable import IR

/// The `crypto` group of `vop` (IR/Vector/Crypto.swift): FIPS-197 and
/// FIPS 180-4 known answers computed through the instructions' semantics
/// (AES-128 encryption and the equivalent inverse cipher, SHA-1, SHA-256 and
/// SHA-512 of "abc"), the MixColumns examples, PMULL against a carry-less
/// multiply, and the SHA3 bit operations.
final class VectorCryptoTests: XCTestCase {
    func op(_ o: CryptoOp, bits: Int = 32, param: Int = 0, _ a: V128, _ b: V128 = .zero, _ c: V128 = .zero) -> V128 {
        var fp = VectorFPState(fpcr: 0)
        return VectorSemantics.evaluate(VectorOpcode(group: .crypto, op: o.rawValue, laneBits: bits, param: param), a, b, c, &fp)
    }
    func bytes(_ b: [UInt8]) -> V128 {
        var v = V128.zero
        for (i, x) in b.enumerated() { v.setLane(i, bits: 8, UInt64(x)) }
        return v
    }
    func words(_ w: [UInt32]) -> V128 {
        var v = V128.zero
        for (i, x) in w.enumerated() { v.setLane(i, bits: 32, UInt64(x)) }
        return v
    }
    func word(_ v: V128, _ i: Int) -> UInt32 { UInt32(v.lane(i, bits: 32)) }

    func testSBoxAndMixColumns() {
        XCTAssertEqual(AES.sBox[0x00], 0x63)
        XCTAssertEqual(AES.sBox[0x53], 0xED)
        XCTAssertEqual(AES.inverseSBox[0xED], 0x53)
        // FIPS-197 / the usual MixColumns examples, one per column.
        let input = bytes([0xDB, 0x13, 0x53, 0x45, 0xF2, 0x0A, 0x22, 0x5C, 0x01, 0x01, 0x01, 0x01, 0xC6, 0xC6, 0xC6, 0xC6])
        let mixed = bytes([0x8E, 0x4D, 0xA1, 0xBC, 0x9F, 0xDC, 0x58, 0x9D, 0x01, 0x01, 0x01, 0x01, 0xC6, 0xC6, 0xC6, 0xC6])
        XCTAssertEqual(op(.aesmc, input), mixed)
        XCTAssertEqual(op(.aesimc, mixed), input)
        // AESE with a zero key on four equal columns is SubWord.
        XCTAssertEqual(op(.aese, words([0x53535353, 0x53535353, 0x53535353, 0x53535353]), .zero, .zero).lo, 0xEDED_EDED_EDED_EDED)
    }

    func testAES128() {
        let key: [UInt8] = Array(0...15)
        let plain: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF]
        let cipher: [UInt8] = [0x69, 0xC4, 0xE0, 0xD8, 0x6A, 0x7B, 0x04, 0x30, 0xD8, 0xCD, 0xB7, 0x80, 0x70, 0xB4, 0xC5, 0x5A]
        var w = (0..<4).map { i in (0..<4).reduce(UInt32(0)) { $0 | UInt32(key[4 * i + $1]) << UInt32(8 * $1) } }
        let rcon: [UInt32] = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1B, 0x36]
        for i in 4..<44 {
            var t = w[i - 1]
            if i % 4 == 0 {
                t = (t >> 8) | (t << 24)
                t = word(op(.aese, words([t, t, t, t]), .zero, .zero), 0) ^ rcon[i / 4 - 1]
            }
            w.append(w[i - 4] ^ t)
        }
        let rk = (0..<11).map { words(Array(w[4 * $0..<4 * $0 + 4])) }
        var s = bytes(plain)
        for r in 0..<9 { s = op(.aesmc, op(.aese, rk[r], .zero, s)) }
        s = op(.aese, rk[9], .zero, s)
        s = V128(lo: s.lo ^ rk[10].lo, hi: s.hi ^ rk[10].hi)
        XCTAssertEqual(s, bytes(cipher))
        let dk = [rk[10]] + (1..<10).map { op(.aesimc, rk[10 - $0]) } + [rk[0]]
        var t = s
        for r in 0..<9 { t = op(.aesimc, op(.aesd, dk[r], .zero, t)) }
        t = op(.aesd, dk[9], .zero, t)
        XCTAssertEqual(V128(lo: t.lo ^ dk[10].lo, hi: t.hi ^ dk[10].hi), bytes(plain))
    }

    /// The one padded block of "abc" as big-endian words.
    func abcBlock(_ size: Int) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: size)
        b[0] = 0x61; b[1] = 0x62; b[2] = 0x63; b[3] = 0x80; b[size - 1] = 24
        return b
    }
    func be32(_ b: [UInt8], _ i: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(b[i + $1]) } }
    func be64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(be32(b, i)) << 32 | UInt64(be32(b, i + 4)) }
    func add32(_ x: V128, _ y: V128) -> V128 { words((0..<4).map { word(x, $0) &+ word(y, $0) }) }

    func testSHA1() {
        let b = abcBlock(64)
        var msg = (0..<4).map { j in words((0..<4).map { be32(b, 16 * j + 4 * $0) }) }
        let initial: [UInt32] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
        let k: [UInt32] = [0x5A827999, 0x6ED9EBA1, 0x8F1BBCDC, 0xCA62C1D6]
        var abcd = words(Array(initial[0..<4]))
        var e = initial[4]
        for i in 0..<20 {
            let wk = add32(msg[i % 4], words([UInt32](repeating: k[i / 5], count: 4)))
            let e1 = word(op(.sha1h, V128(lo: UInt64(word(abcd, 0)), hi: 0)), 0)
            let o: CryptoOp = i < 5 ? .sha1c : (i < 10 || i >= 15) ? .sha1p : .sha1m
            abcd = op(o, V128(lo: UInt64(e), hi: 0), wk, abcd)
            e = e1
            if i < 16 {
                let t = op(.sha1su0, msg[(i + 1) % 4], msg[(i + 2) % 4], msg[i % 4])
                msg[i % 4] = op(.sha1su1, msg[(i + 3) % 4], .zero, t)
            }
        }
        let h = add32(abcd, words(Array(initial[0..<4])))
        XCTAssertEqual((0..<4).map { word(h, $0) } + [e &+ initial[4]],
                       [0xA9993E36, 0x4706816A, 0xBA3E2571, 0x7850C26C, 0x9CD0D89D])
    }

    func testSHA256() {
        let k: [UInt32] = (0..<64).map { i in
            // The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
            var primes: [UInt64] = []
            var n: UInt64 = 2
            while primes.count < 64 { if primes.allSatisfy({ n % $0 != 0 }) { primes.append(n) }; n += 1 }
            return UInt32(truncatingIfNeeded: integerCubeRoot(primes[i], shift: 96))
        }
        XCTAssertEqual(k[0], 0x428A2F98)
        XCTAssertEqual(k[63], 0xC67178F2)
        let b = abcBlock(64)
        var msg = (0..<4).map { j in words((0..<4).map { be32(b, 16 * j + 4 * $0) }) }
        let initial = [words([0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A]), words([0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19])]
        var s0 = initial[0], s1 = initial[1]
        for i in 0..<16 {
            let wk = add32(msg[i % 4], words(Array(k[4 * i..<4 * i + 4])))
            let t = s0
            s0 = op(.sha256h, s1, wk, s0)
            s1 = op(.sha256h2, t, wk, s1)
            if i < 12 {
                let u = op(.sha256su0, msg[(i + 1) % 4], .zero, msg[i % 4])
                msg[i % 4] = op(.sha256su1, msg[(i + 2) % 4], msg[(i + 3) % 4], u)
            }
        }
        let h0 = add32(s0, initial[0]), h1 = add32(s1, initial[1])
        XCTAssertEqual((0..<4).map { word(h0, $0) } + (0..<4).map { word(h1, $0) },
                       [0xBA7816BF, 0x8F01CFEA, 0x414140DE, 0x5DAE2223, 0xB00361A3, 0x96177A9C, 0xB410FF61, 0xF20015AD])
    }

    /// floor(frac(cbrt(p)) * 2^(shift/3)), from the integer cube root of p << shift.
    func integerCubeRoot(_ p: UInt64, shift: Int) -> UInt64 {
        let n = UInt128(p) << UInt128(shift)   // shift <= 96 keeps n below 2^128
        var lo: UInt128 = 0, hi: UInt128 = 1 << 43
        while lo < hi {
            let m = (lo + hi + 1) / 2
            if m * m * m <= n { lo = m } else { hi = m - 1 }
        }
        return UInt64(truncatingIfNeeded: lo)
    }

    /// SHA-512's round constants (the first 64 bits of the fractional parts of
    /// the cube roots of the first 80 primes, computed with Python's integers).
    static let k512: [UInt64] = [
        0x428A_2F98_D728_AE22, 0x7137_4491_23EF_65CD, 0xB5C0_FBCF_EC4D_3B2F,
        0xE9B5_DBA5_8189_DBBC, 0x3956_C25B_F348_B538, 0x59F1_11F1_B605_D019,
        0x923F_82A4_AF19_4F9B, 0xAB1C_5ED5_DA6D_8118, 0xD807_AA98_A303_0242,
        0x1283_5B01_4570_6FBE, 0x2431_85BE_4EE4_B28C, 0x550C_7DC3_D5FF_B4E2,
        0x72BE_5D74_F27B_896F, 0x80DE_B1FE_3B16_96B1, 0x9BDC_06A7_25C7_1235,
        0xC19B_F174_CF69_2694, 0xE49B_69C1_9EF1_4AD2, 0xEFBE_4786_384F_25E3,
        0x0FC1_9DC6_8B8C_D5B5, 0x240C_A1CC_77AC_9C65, 0x2DE9_2C6F_592B_0275,
        0x4A74_84AA_6EA6_E483, 0x5CB0_A9DC_BD41_FBD4, 0x76F9_88DA_8311_53B5,
        0x983E_5152_EE66_DFAB, 0xA831_C66D_2DB4_3210, 0xB003_27C8_98FB_213F,
        0xBF59_7FC7_BEEF_0EE4, 0xC6E0_0BF3_3DA8_8FC2, 0xD5A7_9147_930A_A725,
        0x06CA_6351_E003_826F, 0x1429_2967_0A0E_6E70, 0x27B7_0A85_46D2_2FFC,
        0x2E1B_2138_5C26_C926, 0x4D2C_6DFC_5AC4_2AED, 0x5338_0D13_9D95_B3DF,
        0x650A_7354_8BAF_63DE, 0x766A_0ABB_3C77_B2A8, 0x81C2_C92E_47ED_AEE6,
        0x9272_2C85_1482_353B, 0xA2BF_E8A1_4CF1_0364, 0xA81A_664B_BC42_3001,
        0xC24B_8B70_D0F8_9791, 0xC76C_51A3_0654_BE30, 0xD192_E819_D6EF_5218,
        0xD699_0624_5565_A910, 0xF40E_3585_5771_202A, 0x106A_A070_32BB_D1B8,
        0x19A4_C116_B8D2_D0C8, 0x1E37_6C08_5141_AB53, 0x2748_774C_DF8E_EB99,
        0x34B0_BCB5_E19B_48A8, 0x391C_0CB3_C5C9_5A63, 0x4ED8_AA4A_E341_8ACB,
        0x5B9C_CA4F_7763_E373, 0x682E_6FF3_D6B2_B8A3, 0x748F_82EE_5DEF_B2FC,
        0x78A5_636F_4317_2F60, 0x84C8_7814_A1F0_AB72, 0x8CC7_0208_1A64_39EC,
        0x90BE_FFFA_2363_1E28, 0xA450_6CEB_DE82_BDE9, 0xBEF9_A3F7_B2C6_7915,
        0xC671_78F2_E372_532B, 0xCA27_3ECE_EA26_619C, 0xD186_B8C7_21C0_C207,
        0xEADA_7DD6_CDE0_EB1E, 0xF57D_4F7F_EE6E_D178, 0x06F0_67AA_7217_6FBA,
        0x0A63_7DC5_A2C8_98A6, 0x113F_9804_BEF9_0DAE, 0x1B71_0B35_131C_471B,
        0x28DB_77F5_2304_7D84, 0x32CA_AB7B_40C7_2493, 0x3C9E_BE0A_15C9_BEBC,
        0x431D_67C4_9C10_0D4C, 0x4CC5_D4BE_CB3E_42B6, 0x597F_299C_FC65_7E2A,
        0x5FCB_6FAB_3AD6_FAEC, 0x6C44_198C_4A47_5817
    ]

    func testSHA512() {
        let b = abcBlock(128)
        var msg = (0..<8).map { j in V128(lo: be64(b, 16 * j), hi: be64(b, 16 * j + 8)) }
        let initial: [UInt64] = [0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
                                 0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179]
        func add(_ x: V128, _ y: V128) -> V128 { V128(lo: x.lo &+ y.lo, hi: x.hi &+ y.hi) }
        func ext8(_ x: V128, _ y: V128) -> V128 { V128(lo: x.hi, hi: y.lo) }
        var s = (0..<4).map { V128(lo: initial[2 * $0], hi: initial[2 * $0 + 1]) } + [.zero]
        // Two rounds per step; the pairs (ab, cd, ef, gh) change roles each step.
        var r = [0, 1, 2, 3, 4]
        for t in 0..<40 {
            let k = add(V128(lo: Self.k512[2 * t], hi: Self.k512[2 * t + 1]), msg[t % 8])
            let v6 = ext8(s[r[2]], s[r[3]]), v7 = ext8(s[r[1]], s[r[2]])
            s[r[3]] = add(s[r[3]], ext8(k, k))
            let v5 = ext8(msg[(t + 4) % 8], msg[(t + 5) % 8])
            if t < 32 { msg[t % 8] = op(.sha512su0, bits: 64, msg[(t + 1) % 8], .zero, msg[t % 8]) }
            s[r[3]] = op(.sha512h, bits: 64, v6, v7, s[r[3]])
            if t < 32 { msg[t % 8] = op(.sha512su1, bits: 64, msg[(t + 7) % 8], v5, msg[t % 8]) }
            s[r[4]] = add(s[r[1]], s[r[3]])
            s[r[3]] = op(.sha512h2, bits: 64, s[r[1]], s[r[0]], s[r[3]])
            r = [r[3], r[0], r[4], r[2], r[1]]
        }
        let h = (0..<4).flatMap { i -> [UInt64] in
            let v = add(s[r[i]], V128(lo: initial[2 * i], hi: initial[2 * i + 1]))
            return [v.lo, v.hi]
        }
        XCTAssertEqual(h, [0xDDAF35A193617ABA, 0xCC417349AE204131, 0x12E6FA4E89A97EA2, 0x0A9EEEE64B55D39A,
                           0x2192992A274FC1A8, 0x36BA3C23A3FEEBBD, 0x454D4423643CE80E, 0x2A9AC94FA54CA49F])
    }

    func testSHA3BitOperations() {
        let a = V128(lo: 0x8000_0000_0000_0001, hi: 0xF0F0_0000_FFFF_0001)
        let b = V128(lo: 0x0000_0000_0000_0003, hi: 0x0FF0_1234_0000_8000)
        let c = V128(lo: 0xFFFF_0000_FFFF_0000, hi: 0x1111_1111_1111_1111)
        XCTAssertEqual(op(.eor3, bits: 8, a, b, c), V128(lo: a.lo ^ b.lo ^ c.lo, hi: a.hi ^ b.hi ^ c.hi))
        XCTAssertEqual(op(.bcax, bits: 8, a, b, c), V128(lo: a.lo ^ (b.lo & ~c.lo), hi: a.hi ^ (b.hi & ~c.hi)))
        XCTAssertEqual(op(.rax1, bits: 64, a, b).lo, 0x8000_0000_0000_0007)   // a ^ (3 rol 1)
        XCTAssertEqual(op(.xar, bits: 64, param: 0, a, b).lo, 0x8000_0000_0000_0002)
        XCTAssertEqual(op(.xar, bits: 64, param: 1, a, b).lo, 0x4000_0000_0000_0001)
        XCTAssertEqual(op(.xar, bits: 64, param: 63, a, b).lo, 0x0000_0000_0000_0005)
    }

    func testPolynomialMultiply() {
        func clmul(_ x: UInt64, _ y: UInt64) -> (UInt64, UInt64) {
            var lo: UInt64 = 0, hi: UInt64 = 0
            for i in 0..<64 where y >> UInt64(i) & 1 == 1 {
                lo ^= x << UInt64(i)
                if i > 0 { hi ^= x >> UInt64(64 - i) }
            }
            return (hi, lo)
        }
        let all = op(.pmull, bits: 64, V128(lo: ~0, hi: 0), V128(lo: ~0, hi: 0))
        XCTAssertEqual(all, V128(lo: 0x5555_5555_5555_5555, hi: 0x5555_5555_5555_5555))
        var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng }
        for _ in 0..<100 {
            let a = V128(lo: next(), hi: next()), b = V128(lo: next(), hi: next())
            let (h, l) = clmul(a.hi, b.hi)
            XCTAssertEqual(op(.pmull, bits: 64, param: 1, a, b), V128(lo: l, hi: h))
            let p8 = op(.pmull, bits: 8, param: 0, a, b)
            for e in 0..<8 {
                XCTAssertEqual(p8.lane(e, bits: 16), clmul(a.lane(e, bits: 8), b.lane(e, bits: 8)).1)
            }
        }
        XCTAssertEqual(op(.pmull, bits: 8, V128(lo: 0xFF, hi: 0), V128(lo: 0xFF, hi: 0)).lo, 0x5555)
    }
}
