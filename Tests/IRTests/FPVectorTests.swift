import XCTest
@testable import IR

/// The `fp` group of `vop` (FPVector.swift) and the Arm ARM's estimate
/// functions (FPEstimate.swift): the estimate tables, and lane handling
/// (shapes, pairwise and across order, narrowing and widening halves, flags
/// of the lanes computed only).
final class FPVectorTests: XCTestCase {
    func eval(_ op: VectorFPOp, _ bits: Int, shape: Int = 0, rounding: FPRounding? = nil, exact: Bool = false,
              param2: Int = 0, _ a: V128, _ b: V128 = .zero, _ c: V128 = .zero, fpcr: UInt64 = 0) -> (V128, UInt64) {
        var fp = VectorFPState(fpcr: fpcr)
        let r = VectorSemantics.evaluate(.fp(op, laneBits: bits, shape: shape, rounding: rounding, exact: exact, param2: param2),
                                         a, b, c, &fp)
        return (r, fp.fpsrFlags)
    }
    func f(_ x: Float) -> UInt64 { UInt64(x.bitPattern) }
    func s2(_ x: Float, _ y: Float) -> UInt64 { f(x) | f(y) << 32 }

    func testEstimateTables() {
        // RecipEstimate: [0.5, 1) -> [1, 2) in 1/256 steps; RecipSqrtEstimate: [0.25, 1) -> [1, 2).
        XCTAssertEqual(FPReference.recipEstimate(256), 511)
        XCTAssertEqual(FPReference.recipEstimate(511), 256)
        XCTAssertEqual(FPReference.recipEstimate(300), 436)
        XCTAssertEqual(FPReference.recipSqrtEstimate(128), 511)
        XCTAssertEqual(FPReference.recipSqrtEstimate(255), 362)
        XCTAssertEqual(FPReference.recipSqrtEstimate(256), 361)
        XCTAssertEqual(FPReference.recipSqrtEstimate(511), 256)
        for a in 256..<512 {
            let r = FPReference.recipEstimate(a)
            XCTAssert((256..<512).contains(r))
            // Within one step of 512 * 256 / a.
            XCTAssertLessThanOrEqual(abs(Double(r) - 131072.0 / (Double(a) + 0.5)), 1)
        }
        for a in 128..<512 {
            let r = FPReference.recipSqrtEstimate(a)
            XCTAssert((256..<512).contains(r))
            XCTAssertLessThanOrEqual(abs(Double(r) - 256 / (Double(a) / 512).squareRoot()), 2)
        }
        XCTAssertEqual(FPReference.unsignedRecipEstimate(0x8000_0000), 0xFF80_0000)
        XCTAssertEqual(FPReference.unsignedRecipEstimate(0x7FFF_FFFF), 0xFFFF_FFFF)
        XCTAssertEqual(FPReference.unsignedRSqrtEstimate(0x4000_0000), 0xFF80_0000)
        XCTAssertEqual(FPReference.unsignedRSqrtEstimate(0x3FFF_FFFF), 0xFFFF_FFFF)
    }

    func testFloatingPointEstimates() {
        var flags: UInt64 = 0
        XCTAssertEqual(FPReference.recipEstimate(f(1), bits: 32, fpcr: 0, flags: &flags), 0x3F7F_8000)
        XCTAssertEqual(FPReference.rsqrtEstimate(f(1), bits: 32, fpcr: 0, flags: &flags), 0x3F7F_8000)
        XCTAssertEqual(FPReference.rsqrtEstimate(f(4), bits: 32, fpcr: 0, flags: &flags), 0x3EFF_8000)
        XCTAssertEqual(FPReference.rsqrtEstimate(f(2), bits: 32, fpcr: 0, flags: &flags), 0x3F34_8000)
        XCTAssertEqual(flags, 0)
        // Zero: infinity and DZC; negative: default NaN and IOC (FRSQRTE).
        XCTAssertEqual(FPReference.recipEstimate(f(-0.0), bits: 32, fpcr: 0, flags: &flags), 0xFF80_0000)
        XCTAssertEqual(flags, FPBits.dzc)
        flags = 0
        XCTAssertEqual(FPReference.rsqrtEstimate(f(-1), bits: 32, fpcr: 0, flags: &flags), 0x7FC0_0000)
        XCTAssertEqual(flags, FPBits.ioc)
        // A tiny operand overflows: infinity rounding to nearest, the largest normal towards zero.
        flags = 0
        XCTAssertEqual(FPReference.recipEstimate(1, bits: 32, fpcr: 0, flags: &flags), 0x7F80_0000)
        XCTAssertEqual(flags, FPBits.ofc | FPBits.ixc)
        XCTAssertEqual(FPReference.recipEstimate(1, bits: 32, fpcr: 3 << 22, flags: &flags), 0x7F7F_FFFF)
        // A denormal result, and with FZ a flushed one (UFC).
        flags = 0
        XCTAssertEqual(FPReference.recipEstimate(0x7E80_0000, bits: 32, fpcr: 0, flags: &flags), 0x0040_0000 | 0xFF << 14)
        XCTAssertEqual(flags, 0)
        XCTAssertEqual(FPReference.recipEstimate(0x7E80_0000, bits: 32, fpcr: FPBits.fz, flags: &flags), 0)
        XCTAssertEqual(flags, FPBits.ufc)
        // Half and double precision.
        XCTAssertEqual(FPReference.recipEstimate(0x3C00, bits: 16, fpcr: 0, flags: &flags), 0x3BFC)
        XCTAssertEqual(FPReference.recipEstimate(Double(1).bitPattern, bits: 64, fpcr: 0, flags: &flags), 0x3FEF_F000_0000_0000)
        // FRECPX: the inverted exponent.
        XCTAssertEqual(FPReference.recpX(f(3), bits: 32, fpcr: 0, flags: &flags), f(1))
        XCTAssertEqual(FPReference.recpX(1, bits: 32, fpcr: 0, flags: &flags), 0x7F00_0000)
    }

    func testShapesZeroTheLanesNotComputed() {
        let a = V128(lo: s2(1, 2), hi: s2(3, 4)), b = V128(lo: s2(10, 20), hi: s2(30, 40))
        XCTAssertEqual(eval(.add, 32, a, b).0, V128(lo: s2(11, 22), hi: s2(33, 44)))
        XCTAssertEqual(eval(.add, 32, shape: 1, a, b).0, V128(lo: s2(11, 22), hi: 0))
        XCTAssertEqual(eval(.add, 32, shape: 2, a, b).0, V128(lo: f(11), hi: 0))
        // A scalar op does not see the NaNs of the other lanes.
        let nanHigh = V128(lo: f(1), hi: 0x7F80_0001)
        XCTAssertEqual(eval(.mul, 32, shape: 2, nanHigh, nanHigh).1, 0)
        XCTAssertEqual(eval(.mul, 32, shape: 0, nanHigh, nanHigh).1, FPBits.ioc)
        // FMLA: c + a * b.
        XCTAssertEqual(eval(.mla, 32, shape: 1, a, b, V128(lo: s2(1, 1), hi: ~0)).0, V128(lo: s2(11, 41), hi: 0))
    }

    func testPairwiseAndAcross() {
        let a = V128(lo: s2(1, 2), hi: s2(3, 4)), b = V128(lo: s2(10, 20), hi: s2(30, 40))
        XCTAssertEqual(eval(.addp, 32, a, b).0, V128(lo: s2(3, 7), hi: s2(30, 70)))
        XCTAssertEqual(eval(.addp, 32, shape: 1, a, b).0, V128(lo: s2(3, 30), hi: 0))
        XCTAssertEqual(eval(.addp, 32, shape: 2, a).0, V128(lo: f(3), hi: 0))
        XCTAssertEqual(eval(.maxv, 32, a).0, V128(lo: f(4), hi: 0))
        // Reduce is a tree of halves: (l0 op l1) op (l2 op l3). A quiet NaN in
        // lane 0 meets the quieted signalling NaN of lane 3 only at the root, and wins.
        let nans = V128(lo: 0x7FC0_0001 | f(1) << 32, hi: f(2) | 0x7F80_0003 << 32)
        let (r, fl) = eval(.maxv, 32, nans)
        XCTAssertEqual(r, V128(lo: 0x7FC0_0001, hi: 0))
        XCTAssertEqual(fl, FPBits.ioc)
    }

    func testNarrowAndWiden() {
        let d = V128(lo: Double(1.5).bitPattern, hi: Double(-2).bitPattern)
        XCTAssertEqual(eval(.cvtn, 32, d).0, V128(lo: s2(1.5, -2), hi: 0))
        XCTAssertEqual(eval(.cvtn, 32, param2: 1, d, .zero, V128(lo: 0x1234, hi: 0x5678)).0,
                       V128(lo: 0x1234, hi: s2(1.5, -2)))
        // FCVTXN rounds to odd: 1 + 2^-30 is inexact in single precision.
        let x = V128(lo: (1 + 0x1p-30 as Double).bitPattern, hi: 0)
        let (r, fl) = eval(.cvtxn, 32, shape: 2, x)
        XCTAssertEqual(r, V128(lo: 0x3F80_0001, hi: 0))
        XCTAssertEqual(fl, FPBits.ixc)
        XCTAssertEqual(eval(.cvtl, 64, param2: 1, V128(lo: 0, hi: s2(1.5, -2))).0, d)
        XCTAssertEqual(eval(.cvtl, 32, V128(lo: 0x4000_3C00, hi: 0)).0, V128(lo: s2(1, 2), hi: 0))
    }

    func testRoundIntNAndConversions() {
        // FRINT32Z of 2^31 overflows: the most negative int32, IOC; -0.5 rounds to -0.
        let (r, fl) = eval(.roundInt32, 32, shape: 2, rounding: .zero, V128(lo: f(0x1p31), hi: 0))
        XCTAssertEqual(r.lo, f(-0x1p31))
        XCTAssertEqual(fl, FPBits.ioc)
        XCTAssertEqual(eval(.roundInt32, 32, shape: 2, rounding: .zero, V128(lo: f(-0.5), hi: 0)).0.lo, f(-0.0))
        XCTAssertEqual(eval(.roundInt64, 32, shape: 2, rounding: .zero, V128(lo: f(2.5), hi: 0)).1, FPBits.ixc)
        // Fixed point: FCVTZS #8 of 1.5 is 384; UCVTF #4 of 24 is 1.5.
        XCTAssertEqual(eval(.toIntS, 32, shape: 2, rounding: .zero, param2: 8, V128(lo: f(1.5), hi: 0)).0.lo, 384)
        XCTAssertEqual(eval(.fromIntU, 32, shape: 2, param2: 4, V128(lo: 24, hi: 0)).0.lo, f(1.5))
        // FJCVTZS: Z only when exact and in range.
        XCTAssertEqual(eval(.jcvt, 64, shape: 2, V128(lo: Double(-3).bitPattern, hi: 0)).0,
                       V128(lo: 0xFFFF_FFFD, hi: 0x4000_0000))
        let big = eval(.jcvt, 64, shape: 2, V128(lo: Double(0x1p32 + 5.5).bitPattern, hi: 0))
        XCTAssertEqual(big.0, V128(lo: 5, hi: 0))
        XCTAssertEqual(big.1, FPBits.ioc)
        // A positive denormal flushed by FZ: +0 with IDC, but Z clear (its fraction is not zero).
        let flushed = eval(.jcvt, 64, shape: 2, V128(lo: 0x000F_FFFF_FFFF_FFFF, hi: 0), fpcr: FPBits.fz)
        XCTAssertEqual(flushed.0, .zero)
        XCTAssertEqual(flushed.1, FPBits.idc)
        XCTAssertEqual(eval(.jcvt, 64, shape: 2, V128(lo: 0, hi: 0)).0, V128(lo: 0, hi: 0x4000_0000))
    }

    func testScalarHalfFixedPointIsSixteenBits() {
        // FCVTZS Hd, Hn, #1 of -1.0: -2 as a 16-bit element, the rest zero.
        XCTAssertEqual(eval(.toIntS, 16, shape: 2, rounding: .zero, param2: 1, V128(lo: 0xBC00, hi: 0)).0,
                       V128(lo: 0xFFFE, hi: 0))
    }
}
