import XCTest
@testable import IR

/// The across-lane and pairwise ops of `vop` (Reduce.swift) on hand-computed
/// values, including sums that leave the lane and the signed extremes.
final class VectorReduceTests: XCTestCase {
    func run(_ op: VectorReduceOp, _ bits: Int, half: Bool = false, _ a: V128, _ b: V128 = .zero, _ c: V128 = .zero) -> V128 {
        var fp = VectorFPState(fpcr: 0)
        let shape: VectorShape = half ? .half : []
        let code = VectorOpcode(group: .reduce, op: op.rawValue, laneBits: bits, param2: shape.rawValue)
        XCTAssertEqual(VectorOpcode(imm: code.imm), code)
        let r = VectorSemantics.evaluate(code, a, b, c, &fp)
        XCTAssertEqual(fp.fpsrFlags, 0)
        return r
    }

    let ones = V128(lo: ~0, hi: ~0)
    let mixed = V128(lo: 0x8000_0000_8000_8080, hi: 0x7FFF_FFFF_7FFF_7F7F)

    func testAcrossLanes() {
        XCTAssertEqual(run(.addv, 8, ones), V128(lo: 0xF0, hi: 0))          // 16 × 0xFF, modulo 256
        XCTAssertEqual(run(.addv, 8, half: true, ones), V128(lo: 0xF8, hi: 0))
        XCTAssertEqual(run(.uaddlv, 8, ones), V128(lo: 0xFF0, hi: 0))
        XCTAssertEqual(run(.saddlv, 8, ones), V128(lo: 0xFFF0, hi: 0))      // -16 in 16 bits
        XCTAssertEqual(run(.saddlv, 32, mixed), V128(lo: 0xFFFF_FFFF_FFFF_FFFE, hi: 0))
        XCTAssertEqual(run(.uaddlv, 32, mixed), V128(lo: 0x1_FFFF_FFFE, hi: 0))
        XCTAssertEqual(run(.smaxv, 16, mixed).lo, 0x7FFF)
        XCTAssertEqual(run(.sminv, 16, mixed).lo, 0x8000)
        XCTAssertEqual(run(.umaxv, 8, half: true, mixed).lo, 0x80)
        XCTAssertEqual(run(.uminv, 8, mixed).lo, 0x00)
        XCTAssertEqual(run(.sminv, 32, mixed).lo, 0x8000_0000)
        // Scalar ADDP Dd, Vn.2D.
        XCTAssertEqual(run(.addv, 64, V128(lo: ~0, hi: 3)), V128(lo: 2, hi: 0))
    }

    func testPairwise() {
        let a = V128(lo: 0x0004_0003_0002_0001, hi: 0x8000_7FFF_FFFF_0001)
        let b = V128(lo: 0x0010_0020_0030_0040, hi: 0x0000_0000_0000_0000)
        XCTAssertEqual(run(.addp, 16, a, b), V128(lo: 0xFFFF_0000_0007_0003, hi: 0x0000_0000_0030_0070))
        XCTAssertEqual(run(.addp, 16, half: true, a, b), V128(lo: 0x0030_0070_0007_0003, hi: 0))
        XCTAssertEqual(run(.smaxp, 16, a, b).lo, 0x7FFF_0001_0004_0002)
        XCTAssertEqual(run(.uminp, 16, a, b).lo, 0x7FFF_0001_0003_0001)
        XCTAssertEqual(run(.addp, 64, a, b), V128(lo: a.lo &+ a.hi, hi: b.lo))
        XCTAssertEqual(run(.sminp, 32, a, b).hi, 0x0000_0000_0010_0020)
    }

    func testPairwiseLong() {
        XCTAssertEqual(run(.uaddlp, 8, ones), V128(lo: 0x01FE_01FE_01FE_01FE, hi: 0x01FE_01FE_01FE_01FE))
        XCTAssertEqual(run(.saddlp, 8, ones), V128(lo: 0xFFFE_FFFE_FFFE_FFFE, hi: 0xFFFE_FFFE_FFFE_FFFE))
        XCTAssertEqual(run(.uaddlp, 8, half: true, ones), V128(lo: 0x01FE_01FE_01FE_01FE, hi: 0))
        XCTAssertEqual(run(.saddlp, 32, mixed), V128(lo: 0xFFFF_FFFF_0000_8080, hi: 0x0000_0000_FFFF_7F7E))
        // The accumulator wraps within the wide lane.
        let acc = V128(lo: 0xFFFF_FFFF_FFFF_FFFF, hi: 0x8000_0000_0000_0000)
        XCTAssertEqual(run(.uadalp, 32, ones, .zero, acc), V128(lo: 0x1_FFFF_FFFD, hi: 0x8000_0001_FFFF_FFFE))
        XCTAssertEqual(run(.sadalp, 16, ones, .zero, acc), V128(lo: 0xFFFF_FFFD_FFFF_FFFD, hi: 0x7FFF_FFFE_FFFF_FFFE))
    }
}
