import XCTest
@testable import Engine
import IR
import TestRandom

/// The threaded interpreter's host FP fast path (HostFP.swift) against the
/// exact `FPReference` / `VectorSemantics`: whenever the fast path answers,
/// its result and FPSR flags are the reference's, bit for bit; edge values
/// (zeros, denormals, the smallest and largest normals, infinities, NaNs,
/// integer limits) and random ones, every rounding mode, FZ and DN.
final class HostFPTests: XCTestCase {
    let host = HostFP()

    static func edges(_ bits: Int) -> [UInt64] {
        let positive: [UInt64] = bits == 32
            ? [0, 1, 2, 0x007F_FFFF, 0x0080_0000, 0x0080_0001, 0x00FF_FFFF, 0x0100_0000, 0x3F80_0000, 0x3F80_0001,
               0x3F7F_FFFF, 0x3FC0_0000, 0x4000_0000, 0x4020_0000, 0x3F00_0000, 0x3EAA_AAAB, 0x4049_0FDB, 0x4B00_0000,
               0x4B00_0001, 0x4EFF_FFFF, 0x4F00_0000, 0x4F7F_FFFF, 0x4F80_0000, 0x5EFF_FFFF, 0x5F00_0000, 0x5F80_0000,
               0x1F80_0000, 0x2000_0000, 0x0D00_0000, 0x6000_0000, 0x7F00_0000, 0x7F7F_FFFE, 0x7F7F_FFFF, 0x7F80_0000,
               0x7FC0_0000, 0x7FC0_0001, 0x7F80_0001, 0x7FA0_0000, 0x3F00_0001, 0x3EFF_FFFF]
            : [0, 1, 2, 0x000F_FFFF_FFFF_FFFF, 0x0010_0000_0000_0000, 0x0010_0000_0000_0001, 0x001F_FFFF_FFFF_FFFF,
               0x0020_0000_0000_0000, 0x3FF0_0000_0000_0000, 0x3FF0_0000_0000_0001, 0x3FEF_FFFF_FFFF_FFFF,
               0x3FF8_0000_0000_0000, 0x4000_0000_0000_0000, 0x4004_0000_0000_0000, 0x3FE0_0000_0000_0000,
               0x3FD5_5555_5555_5555, 0x4009_21FB_5444_2D18, 0x4330_0000_0000_0000, 0x4330_0000_0000_0001,
               0x41DF_FFFF_FFC0_0000, 0x41E0_0000_0000_0000, 0x41EF_FFFF_FFE0_0000, 0x41F0_0000_0000_0000,
               0x43DF_FFFF_FFFF_FFFF, 0x43E0_0000_0000_0000, 0x43F0_0000_0000_0000, 0x1FF0_0000_0000_0000,
               0x2000_0000_0000_0000, 0x0360_0000_0000_0000, 0x6000_0000_0000_0000, 0x7FE0_0000_0000_0000,
               0x7FEF_FFFF_FFFF_FFFE, 0x7FEF_FFFF_FFFF_FFFF, 0x7FF0_0000_0000_0000, 0x7FF8_0000_0000_0000,
               0x7FF8_0000_0000_0001, 0x7FF0_0000_0000_0001, 0x7FF4_0000_0000_0000, 0x3FE0_0000_0000_0001,
               0x3FDF_FFFF_FFFF_FFFF, 0x3810_0000_0000_0000, 0x380F_FFFF_FFFF_FFFF, 0x47EF_FFFF_E000_0000]
        let sign: UInt64 = 1 << UInt64(bits - 1)
        return positive + positive.map { $0 | sign }
    }

    /// A random operand: raw bits, a value of moderate exponent, or one with
    /// a short mantissa (exact results and ties), now and then an edge value.
    static func random(_ bits: Int, _ rng: inout SplitMix64) -> UInt64 {
        let r = rng.next()
        let sign: UInt64 = rng.next() & 1
        switch r % 5 {
        case 0: return bits == 64 ? rng.next() : rng.next() & 0xFFFF_FFFF
        case 1, 2:
            if bits == 64 {
                let e = UInt64(1023 - 40) + rng.next() % 80
                return sign << 63 | e << 52 | rng.next() & 0xF_FFFF_FFFF_FFFF
            }
            let e = UInt64(127 - 30) + rng.next() % 60
            return sign << 31 | e << 23 | rng.next() & 0x7F_FFFF
        case 3:
            if bits == 64 {
                let e = UInt64(1023 - 10) + rng.next() % 20
                return sign << 63 | e << 52 | (rng.next() & 0xF) << 48
            }
            let e = UInt64(127 - 10) + rng.next() % 20
            return sign << 31 | e << 23 | (rng.next() & 0xF) << 19
        default:
            let e = edges(bits)
            return e[Int(rng.next() % UInt64(e.count))]
        }
    }

    /// FPCR values: every rounding mode, and FZ and DN set.
    static let fpcrs: [UInt64] = [0, 1 << 22, 2 << 22, 3 << 22, FPBits.dn, FPBits.fz, FPBits.fz | FPBits.dn | 1 << 22]

    /// Checks one scalar op; returns whether the fast path answered.
    @discardableResult
    func check(_ code: FPOpcode, outBits: Int, inBits: Int, _ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0,
               fpcr: UInt64, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        var refFlags: UInt64 = 0
        let ref = FPReference.execute(code, outBits: outBits, inBits: inBits, a, b, c, fpcr: fpcr, flags: &refFlags)
        var flags: UInt64 = 0x100   // a bit the op must leave alone
        guard let fast = host.scalar(code, outBits: outBits, inBits: inBits, a, b, c, fpcr: fpcr, flags: &flags) else {
            XCTAssertEqual(flags, 0x100, "\(code) flags touched when not taken", file: file, line: line)
            return false
        }
        if fast != ref || flags != refFlags | 0x100 {
            XCTFail(String(format: "%@ %d<-%d a=%llx b=%llx c=%llx fpcr=%llx: fast %llx flags %llx, reference %llx flags %llx",
                           code.description, outBits, inBits, a, b, c, fpcr, fast, flags & ~0x100, ref, refFlags),
                    file: file, line: line)
        }
        return true
    }

    static let binaryKinds: [FPOpcode.Kind] = [.add, .sub, .mul, .div, .nmul, .max, .min, .maxnm, .minnm, .cmp, .cmpe]

    func testScalarEdgeValues() {
        for bits in [32, 64] {
            let values = HostFPTests.edges(bits)
            for fpcr in HostFPTests.fpcrs {
                for a in values {
                    for k: FPOpcode.Kind in [.sqrt, .abs, .neg] { check(FPOpcode(k), outBits: bits, inBits: bits, a, fpcr: fpcr) }
                    check(FPOpcode(.convert), outBits: bits == 32 ? 64 : 32, inBits: bits, a, fpcr: fpcr)
                    for r: FPRounding? in [nil, .tieEven, .zero, .posInf, .negInf, .tieAway] {
                        for out in [32, 64] {
                            check(FPOpcode(.toInt, rounding: r), outBits: out, inBits: bits, a, fpcr: fpcr)
                            check(FPOpcode(.toInt, rounding: r, flag: true), outBits: out, inBits: bits, a, fpcr: fpcr)
                        }
                    }
                    for b in values {
                        for k in HostFPTests.binaryKinds {
                            check(FPOpcode(k), outBits: k == .cmp || k == .cmpe ? 64 : bits, inBits: bits, a, b, fpcr: fpcr)
                        }
                    }
                }
            }
        }
    }

    func testFusedMultiplyAddEdgeValues() throws {
        try XCTSkipUnless(host.fma, "the host has no FMA3")
        for bits in [32, 64] {
            let values = HostFPTests.edges(bits)
            let addends = values.enumerated().filter { $0.offset % 5 == 0 }.map(\.element)
            for fpcr in HostFPTests.fpcrs.prefix(4) {
                for a in values { for b in values { for c in addends {
                    check(FPOpcode(.fma), outBits: bits, inBits: bits, a, b, c, fpcr: fpcr)
                } } }
            }
        }
    }

    func testIntegerConversionEdgeValues() {
        let ints: [UInt64] = [0, 1, 2, 3, 0x7F, 0x80, 0xFF_FFFF, 0x100_0000, 0x100_0001, 0x7FFF_FFFF, 0x8000_0000,
                              0xFFFF_FFFF, 0x1_0000_0000, 0x20_0000_0000_0000, 0x20_0000_0000_0001,
                              0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE,
                              0x8000_0000_0000_0001, 0x1234_5678_9ABC_DEF1]
        for fpcr in HostFPTests.fpcrs {
            for x in ints {
                for inBits in [32, 64] { for out in [32, 64] { for unsigned in [false, true] {
                    let a = inBits == 32 ? x & 0xFFFF_FFFF : x
                    check(FPOpcode(.fromInt, flag: unsigned), outBits: out, inBits: inBits, a, fpcr: fpcr)
                    check(FPOpcode(.fromInt, flag: unsigned, fbits: 3), outBits: out, inBits: inBits, a, fpcr: fpcr)
                } } }
            }
        }
    }

    func testScalarRandomValues() {
        var rng = SplitMix64(seed: 0x4F50_4650)
        let n = inputFuzzIterations(quick: 20_000)
        var taken = 0, plain = 0
        for _ in 0..<n {
            let bits = rng.next() & 1 == 0 ? 32 : 64
            let a = HostFPTests.random(bits, &rng), b = HostFPTests.random(bits, &rng), c = HostFPTests.random(bits, &rng)
            let fpcr = HostFPTests.fpcrs[Int(rng.next() % UInt64(HostFPTests.fpcrs.count))]
            let kinds: [FPOpcode.Kind] = [.add, .sub, .mul, .div, .sqrt, .nmul, .fma, .max, .minnm, .cmpe, .convert,
                                          .toInt, .fromInt]
            let k = kinds[Int(rng.next() % UInt64(kinds.count))]
            var out = bits, inBits = bits
            var code = FPOpcode(k)
            switch k {
            case .cmpe: out = 64
            case .convert: out = 96 - bits
            case .toInt:
                out = rng.next() & 1 == 0 ? 32 : 64
                let modes: [FPRounding?] = [nil, .zero, .posInf, .negInf, .tieEven, .tieAway]
                code = FPOpcode(.toInt, rounding: modes[Int(rng.next() % 6)], flag: rng.next() & 1 == 0)
            case .fromInt:
                inBits = rng.next() & 1 == 0 ? 32 : 64
                code = FPOpcode(.fromInt, flag: rng.next() & 1 == 0)
            default: break
            }
            let x = k == .fromInt ? (inBits == 32 ? rng.next() & 0xFFFF_FFFF : rng.next() >> (rng.next() % 64)) : a
            if check(code, outBits: out, inBits: inBits, x, b, c, fpcr: fpcr) { taken += 1 }
            if fpcr & FPBits.fz == 0 && (k == .add || k == .mul) { plain += 1 }
        }
        // Not vacuous: most plain operations take the fast path.
        XCTAssertGreaterThan(taken, n / 3, "fast path taken \(taken) times of \(n)")
        XCTAssertGreaterThan(plain, 0)
    }

    /// Checks one vector op; returns whether the fast path answered.
    @discardableResult
    func checkVector(_ code: VectorOpcode, _ a: V128, _ b: V128, _ c: V128, fpcr: UInt64) -> Bool {
        var ref = VectorFPState(fpcr: fpcr)
        let r = VectorSemantics.evaluate(code, a, b, c, &ref)
        var flags: UInt64 = 0x100
        guard let fast = host.vector(code, a, b, c, fpcr: fpcr, flags: &flags) else {
            XCTAssertEqual(flags, 0x100, "\(code) flags touched when not taken")
            return false
        }
        if fast != r || flags != ref.fpsrFlags | 0x100 {
            XCTFail("\(code) a=\(a) b=\(b) c=\(c) fpcr=\(String(fpcr, radix: 16)): fast \(fast) flags "
                    + "\(String(flags & ~0x100, radix: 16)), reference \(r) flags \(String(ref.fpsrFlags, radix: 16))")
        }
        return true
    }

    func testVectorRandomAndEdgeValues() {
        var rng = SplitMix64(seed: 0x5645_4346)
        let ops: [VectorFPOp] = [.add, .sub, .mul, .div, .sqrt, .mla, .mls, .abd, .mulx, .abs, .neg, .max, .min, .maxnm,
                                 .minnm, .cmeq, .cmge, .cmgt, .acge, .acgt, .toIntS, .toIntU, .fromIntS, .fromIntU, .recpx,
                                 .recpe]
        let n = inputFuzzIterations(quick: 6_000)
        var taken = 0
        for i in 0..<n {
            let bits = rng.next() & 1 == 0 ? 32 : 64
            func vec() -> V128 {
                var v = V128.zero
                for l in 0..<(128 / bits) {
                    // Every fourth vector all plain values: the fast path's case.
                    let x = i % 4 == 0 ? HostFPTests.edges(bits)[8 + Int(rng.next() % 8)] : HostFPTests.random(bits, &rng)
                    v.setLane(l, bits: bits, x)
                }
                return v
            }
            let op = ops[Int(rng.next() % UInt64(ops.count))]
            let shape = Int(rng.next() % 3)
            let modes: [FPRounding?] = [nil, nil, .zero, .posInf, .negInf, .tieAway]
            let rounding = [.toIntS, .toIntU].contains(op) ? modes[Int(rng.next() % 6)] : nil
            let code = VectorOpcode.fp(op, laneBits: bits, shape: shape, rounding: rounding,
                                       param2: rng.next() % 8 == 0 && [.toIntS, .fromIntU].contains(op) ? 4 : 0)
            let fpcr = HostFPTests.fpcrs[Int(rng.next() % UInt64(HostFPTests.fpcrs.count))]
            if checkVector(code, vec(), vec(), vec(), fpcr: fpcr) { taken += 1 }
        }
        XCTAssertGreaterThan(taken, n / 5, "fast path taken \(taken) times of \(n)")
    }

    /// The MXCSR the fast path leaves is the default one, whatever rounding it used.
    func testLeavesDefaultMXCSR() {
        var flags: UInt64 = 0
        XCTAssertNotNil(host.scalar(FPOpcode(.add, rounding: .posInf), outBits: 64, inBits: 64,
                                    0x3FF0_0000_0000_0001, 0x3CA0_0000_0000_0000, 0, fpcr: 0, flags: &flags))
        XCTAssertEqual(flags, FPBits.ixc)
        // Under round-to-nearest, 1 + 2^-53 is 1 (a tie to even); under +inf it is not.
        XCTAssertEqual(HostFPTests.add(Double(bitPattern: 0x3FF0_0000_0000_0000), Double(bitPattern: 0x3CA0_0000_0000_0000))
            .bitPattern, 0x3FF0_0000_0000_0000)
    }

    @inline(never) static func add(_ a: Double, _ b: Double) -> Double { a + b }
}
