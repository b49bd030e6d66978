import XCTest
@testable import IR

/// The `fpComplex` group of `vop` (IR/Vector/FPComplex.swift): FCMLA and
/// FCADD in every rotation and element size, the by-element segments, and
/// FMLAL/FMLSL(2) through FPMulAddH (one rounding, NaN conversion, FZ16
/// against FZ), with the FPSR flags they report.
final class VectorFPComplexTests: XCTestCase {
    func run(_ o: FPComplexOp, bits: Int, param: Int, param2: Int = 0, _ a: V128, _ b: V128, _ c: V128 = .zero,
             fpcr: UInt64 = 0) -> (V128, UInt64) {
        var fp = VectorFPState(fpcr: fpcr)
        let code = VectorOpcode(group: .fpComplex, op: o.rawValue, laneBits: bits, param: param, param2: param2, usesFPSR: true)
        let r = VectorSemantics.evaluate(code, a, b, c, &fp)
        return (r, fp.fpsrFlags)
    }
    func singles(_ x: [Float]) -> V128 {
        var v = V128.zero
        for (i, f) in x.enumerated() { v.setLane(i, bits: 32, UInt64(f.bitPattern)) }
        return v
    }
    func halves(_ x: [UInt16]) -> V128 {
        var v = V128.zero
        for (i, h) in x.enumerated() { v.setLane(i, bits: 16, UInt64(h)) }
        return v
    }
    let q = 0x10

    func testFCMLARotations() {
        let n = singles([1, 2, 3, 4]), m = singles([5, 6, 7, 8]), d = singles([10, 20, 30, 40])
        XCTAssertEqual(run(.fcmla, bits: 32, param: 0 | q, n, m, d).0, singles([15, 26, 51, 64]))
        XCTAssertEqual(run(.fcmla, bits: 32, param: 1 | q, n, m, d).0, singles([-2, 30, -2, 68]))
        XCTAssertEqual(run(.fcmla, bits: 32, param: 2 | q, n, m, d).0, singles([5, 14, 9, 16]))
        XCTAssertEqual(run(.fcmla, bits: 32, param: 3 | q, n, m, d).0, singles([22, 10, 62, 12]))
        // #0 then #90: a complex multiply-accumulate, (1+2i)(5+6i) + (10+20i) = 3+36i.
        let partial = run(.fcmla, bits: 32, param: q, n, m, d).0
        XCTAssertEqual(run(.fcmla, bits: 32, param: 1 | q, n, m, partial).0, singles([3, 36, 19, 92]))
        // 64-bit vectors compute (and flag) only their low lanes.
        let (r, flags) = run(.fcmla, bits: 32, param: 0, singles([1, 0, 0, 0]), singles([2, 3, .infinity, 0]), d)
        XCTAssertEqual(r, V128(lo: singles([12, 23]).lo, hi: 0))
        XCTAssertEqual(flags, 0)   // 30 + 0 * inf would be Invalid Operation
        XCTAssertEqual(run(.fcmla, bits: 32, param: q, singles([1, 0, 0, 0]), singles([2, 3, .infinity, 0]), d).1, FPBits.ioc)
        // Double precision.
        var nd = V128(lo: 2.0.bitPattern, hi: 3.0.bitPattern), md = V128(lo: 5.0.bitPattern, hi: 7.0.bitPattern)
        XCTAssertEqual(run(.fcmla, bits: 64, param: 1 | q, nd, md, .zero).0, V128(lo: (-21.0).bitPattern, hi: 15.0.bitPattern))
        nd = V128(lo: 1.0.bitPattern, hi: 0)
        md = V128(lo: 0x7FF0_0000_0000_0001, hi: 0)   // a signalling NaN in m.re, negated at #180
        let (rn, fn) = run(.fcmla, bits: 64, param: 2 | q, nd, md, .zero)
        XCTAssertEqual(rn.lo, 0xFFF8_0000_0000_0001)
        XCTAssertEqual(fn, FPBits.ioc)
    }

    func testFCMLAByElement() {
        // 8H, index 1: the pair (m[2], m[3]) for every lane pair.
        let one: UInt16 = 0x3C00, two: UInt16 = 0x4000, three: UInt16 = 0x4200, four: UInt16 = 0x4400
        let n = halves([one, 0, one, 0, one, 0, one, 0])
        let m = halves([0, 0, two, three, 0, 0, four, one])
        let (r, _) = run(.fcmlaElem, bits: 16, param: q, param2: 1, n, m, .zero)
        XCTAssertEqual(r, halves([two, three, two, three, two, three, two, three]))
    }

    func testFCADD() {
        let n = singles([1, 2, 3, 4]), m = singles([5, 6, 7, 8])
        XCTAssertEqual(run(.fcadd, bits: 32, param: q, n, m).0, singles([-5, 7, -5, 11]))
        XCTAssertEqual(run(.fcadd, bits: 32, param: 1 | q, n, m).0, singles([7, -3, 11, -3]))
        XCTAssertEqual(run(.fcadd, bits: 32, param: 1, n, m).0, V128(lo: singles([7, -3]).lo, hi: 0))
        // Half precision with FZ16: a denormal input is flushed without IDC.
        let (r, flags) = run(.fcadd, bits: 16, param: 0, halves([0x0001, 0x0000, 0, 0]), halves([0, 0, 0, 0]),
                             fpcr: FPBits.fz16)
        XCTAssertEqual(r.lane(0, bits: 16), 0)
        XCTAssertEqual(flags, 0)
        // Single precision with FZ: IDC.
        XCTAssertEqual(run(.fcadd, bits: 32, param: 0, V128(lo: 1, hi: 0), .zero, fpcr: FPBits.fz).1, FPBits.idc)
    }

    func testFMLAL() {
        let n = halves([0x3C00, 0x4000, 0x4200, 0x4400, 0x3800, 0xB800, 0xBC00, 0xC000])   // 1 2 3 4 0.5 -0.5 -1 -2
        let m = halves([0x3800, 0x3400, 0xBC00, 0x7BFF, 0x3C00, 0x4000, 0x4200, 0x4400])   // 0.5 0.25 -1 65504 1 2 3 4
        let d = singles([1, 1, 1, 1])
        XCTAssertEqual(run(.fmlal, bits: 32, param: q, n, m, d).0, singles([1.5, 1.5, -2, 262017]))
        XCTAssertEqual(run(.fmlal, bits: 32, param: 3 | q, n, m, d).0, singles([0.5, 2, 4, 9]))      // FMLSL2
        XCTAssertEqual(run(.fmlal, bits: 32, param: 1, n, m, d).0, V128(lo: singles([-2, 262017]).lo, hi: 0))
        XCTAssertEqual(run(.fmlalElem, bits: 32, param: q, param2: 7, n, m, d).0, singles([5, 9, 13, 17]))
        // 2048 * 2048 + 1 = 2^22 + 1, exact: the product of two halves is exact in single precision.
        let big = halves([0x6800, 0, 0, 0])   // 2048
        XCTAssertEqual(run(.fmlal, bits: 32, param: 0, big, big, singles([1])).0.lane(0, bits: 32),
                       UInt64(Float(4194305).bitPattern))
        // A signalling half NaN: quieted, converted to single (payload at the top), IOC.
        let (r, flags) = run(.fmlal, bits: 32, param: 0, halves([0x7D01]), halves([0x3C00]), singles([1]))
        XCTAssertEqual(r.lane(0, bits: 32), 0x7FE0_2000)
        XCTAssertEqual(flags, FPBits.ioc)
        // The accumulator's NaN comes first; 0 * inf + quiet NaN is the default NaN with IOC.
        let (r2, f2) = run(.fmlal, bits: 32, param: 0, halves([0x7C00]), halves([0]), V128(lo: 0x7FC1_2345, hi: 0))
        XCTAssertEqual(r2.lane(0, bits: 32), 0x7FC0_0000)
        XCTAssertEqual(f2, FPBits.ioc)
        // FZ16 flushes the half denormals (no IDC); FZ flushes the accumulator (IDC).
        let tiny = halves([0x0001]), oneH = halves([0x3C00])
        XCTAssertEqual(run(.fmlal, bits: 32, param: 0, tiny, oneH, .zero).0.lane(0, bits: 32), UInt64(Float(0x1p-24).bitPattern))
        XCTAssertEqual(run(.fmlal, bits: 32, param: 0, tiny, oneH, .zero, fpcr: FPBits.fz16).0.lane(0, bits: 32), 0)
        XCTAssertEqual(run(.fmlal, bits: 32, param: 0, tiny, oneH, .zero, fpcr: FPBits.fz16).1, 0)
        XCTAssertEqual(run(.fmlal, bits: 32, param: 0, tiny, oneH, V128(lo: 1, hi: 0), fpcr: FPBits.fz).1, FPBits.idc)
    }
}
