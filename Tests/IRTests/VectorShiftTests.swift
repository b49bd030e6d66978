import XCTest
@testable import IR

/// The `shift` and `widen` vector groups on edge values (Arm ARM C7.2).
final class VectorShiftTests: XCTestCase {
    private func shift(_ op: VectorShiftOp, _ bits: Int, _ s: Int = 0, _ shape: VectorShape = [],
                       _ a: V128, _ b: V128 = .zero, _ c: V128 = .zero) -> (V128, Bool) {
        var fp = VectorFPState(fpcr: 0)
        let code = VectorOpcode(group: .shift, op: op.rawValue, laneBits: bits, param: s, param2: shape.rawValue,
                                usesFPSR: op.saturates)
        let r = VectorSemantics.evaluate(code, a, b, c, &fp)
        return (r, fp.fpsrFlags == VectorFPState.qc)
    }

    private func widen(_ op: VectorWidenOp, _ bits: Int, _ shape: VectorShape = [],
                       _ a: V128, _ b: V128 = .zero, _ c: V128 = .zero) -> (V128, Bool) {
        var fp = VectorFPState(fpcr: 0)
        let code = VectorOpcode(group: .widen, op: op.rawValue, laneBits: bits, param2: shape.rawValue,
                                usesFPSR: op.saturates)
        let r = VectorSemantics.evaluate(code, a, b, c, &fp)
        return (r, fp.fpsrFlags == VectorFPState.qc)
    }

    private func v(_ hi: UInt64, _ lo: UInt64) -> V128 { V128(lo: lo, hi: hi) }

    func testRightShiftsByTheElementSize() {
        let a = v(0x8000_0000_0000_0000, 0x7F80_0001_FF00_80FF)
        XCTAssertEqual(shift(.sshr, 8, 8, [], a).0, v(0xFF00_0000_0000_0000, 0x00FF_0000_FF00_FFFF))
        XCTAssertEqual(shift(.ushr, 8, 8, [], a).0, .zero)
        // Rounding by 64: (x + 2^63) >> 64 in unbounded precision.
        XCTAssertEqual(shift(.urshr, 64, 64, [], v(0x8000_0000_0000_0000, ~0)).0, v(1, 1))
        XCTAssertEqual(shift(.srshr, 64, 64, [], v(0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF)).0, .zero)
        XCTAssertEqual(shift(.srshr, 8, 1, [], v(0, 0x0000_0000_0000_FF01)).0, v(0, 0x0000_0000_0000_0001))
        // SSRA accumulates modulo the lane; SRI by esize keeps the destination.
        XCTAssertEqual(shift(.ssra, 16, 16, [], v(0, 0x8000), .zero, v(0, 0x0005)).0, v(0, 0x0004))
        XCTAssertEqual(shift(.sri, 32, 32, [], v(~0, ~0), .zero, v(1, 2)).0, v(1, 2))
        XCTAssertEqual(shift(.sri, 8, 4, [], v(0, 0xAB), .zero, v(0, 0xCD)).0, v(0, 0xCA))
        XCTAssertEqual(shift(.sli, 8, 4, [], v(0, 0xAB), .zero, v(0, 0xCD)).0, v(0, 0xBD))
    }

    func testSaturatingLeftShiftsSetQC() {
        XCTAssertTrue(shift(.sqshl, 8, 1, [], v(0, 0x40)) == (v(0, 0x7F), true))
        XCTAssertTrue(shift(.sqshl, 8, 1, [], v(0, 0x3F)) == (v(0, 0x7E), false))
        XCTAssertTrue(shift(.sqshlu, 16, 0, [], v(0, 0x8000)) == (.zero, true))
        XCTAssertTrue(shift(.uqshl, 64, 63, [], v(0, 2)) == (v(0, ~0), true))
    }

    func testRegisterShiftAmountsAreTheSignedLowByte() {
        // Lane 0 by -128 (sign), lane 1 by 127 (left past the lane: 0), lane 2 by 0x1FF (-1).
        let a = v(0, 0x0000_8000_0001_8001), s = v(0, 0x0000_01FF_007F_0080)
        XCTAssertEqual(shift(.sshlReg, 16, 0, [], a, s).0, v(0, 0x0000_C000_0000_FFFF))
        XCTAssertTrue(shift(.uqshlReg, 16, 0, [], a, s) == (v(0, 0x0000_4000_FFFF_0000), true))
        // SRSHL by -64 on 64 bits rounds: -1 + 2^63 >> 64 = 0; URSHL of 2^64-1 by -64 = 1.
        XCTAssertEqual(shift(.srshlReg, 64, 0, [], v(0, ~0), v(0, 0xC0)).0, .zero)
        XCTAssertEqual(shift(.urshlReg, 64, 0, [], v(0, ~0), v(0, 0xC0)).0, v(0, 1))
        XCTAssertTrue(shift(.sqrshlReg, 32, 0, [], v(0, 0xFFFF_FFFF), v(0, 0x20)) == (v(0, 0x8000_0000), true))
    }

    func testShapesLimitTheLanes() {
        // Q = 0 and scalar forms ignore the other lanes, for the result and for QC.
        let big = v(0x7F7F_7F7F_7F7F_7F7F, 0x7F7F_7F7F_7F7F_7F01)
        XCTAssertTrue(shift(.sqshl, 8, 1, .half, v(0x7F7F_7F7F_7F7F_7F7F, 1)) == (v(0, 2), false))
        XCTAssertTrue(shift(.sqshl, 8, 1, .scalar, big) == (v(0, 2), false))
        XCTAssertTrue(shift(.sqshrn, 8, 8, .scalar, v(~0, 0x7FFF_7FFF_7FFF_0100)) == (v(0, 1), false))
        XCTAssertTrue(widen(.sqxtn, 8, .scalar, v(~0, 0x7FFF_7FFF_7FFF_0080)) == (v(0, 0x7F), true))
    }

    func testNarrowingShifts() {
        let a = v(0x0001_0000_FF80_0100, 0x7FFF_8000_0080_FFFF)
        XCTAssertEqual(shift(.shrn, 8, 1, [], a).0, v(0, 0x0000_C080_FF00_40FF))
        XCTAssertEqual(shift(.rshrn, 8, 8, [], a).0, v(0, 0x00_00_00_01_80_80_01_00))
        XCTAssertTrue(shift(.sqshrun, 8, 1, [], a) == (v(0, 0x00_00_00_80_FF_00_40_00), true))
        // The "2" form writes the high half and keeps the low half of the destination.
        XCTAssertEqual(shift(.uqshrn, 16, 16, .upper, v(0, 0x1234_5678_9ABC_DEF0), .zero, v(0xAAAA, 0x5555)).0,
                       v(0x0000_0000_1234_9ABC, 0x5555))
        XCTAssertEqual(shift(.sshll, 8, 3, .upper, v(0x80FF_0000_0000_0001, 0)).0, v(0xFC00_FFF8_0000_0000, 0x0000_0000_0000_0008))
        XCTAssertEqual(shift(.ushll, 32, 31, [], v(0, 0xFFFF_FFFF_0000_0001)).0, v(0x7FFF_FFFF_8000_0000, 0x8000_0000))
    }

    func testLongWideAndNarrowHigh() {
        let minH = v(0, 0x8000_8000_8000_8000)
        XCTAssertTrue(widen(.sqdmull, 16, [], minH, minH) == (v(0x7FFF_FFFF_7FFF_FFFF, 0x7FFF_FFFF_7FFF_FFFF), true))
        // SQDMLAL: the saturated product, then the saturated sum.
        XCTAssertTrue(widen(.sqdmlal, 32, .scalar, v(0, 0x8000_0000), v(0, 0x8000_0000), v(0, 1))
                      == (v(0, 0x7FFF_FFFF_FFFF_FFFF), true))
        XCTAssertTrue(widen(.sqdmlsl, 16, .scalar, v(0, 0x8000), v(0, 0x8000), v(0, 0x7FFF_FFFF))
                      == (v(0, 0), true))
        XCTAssertEqual(widen(.smull, 8, .upper, v(0xFF, 0), v(0x80, 0)).0, v(0, 0x0080))
        XCTAssertEqual(widen(.uabal, 8, [], v(0, 0x01), v(0, 0xFF), v(0, 0xFFFF)).0, v(0, 0x00FD))
        XCTAssertEqual(widen(.ssubw, 32, .upper, v(0, 5), v(0xFFFF_FFFF, 0)).0, v(0, 6))
        XCTAssertEqual(widen(.raddhn, 8, [], v(0, 0x0080), v(0, 0x7F00)).0, v(0, 0x80))
        XCTAssertEqual(widen(.subhn, 32, .upper, v(0, 0), v(0, 1), v(9, 8)).0, v(0x0000_0000_FFFF_FFFF, 8))
        XCTAssertEqual(widen(.rsubhn, 32, [], v(0, 0x1_0000_0000), v(0, 0x8000_0000)).0, v(0, 1))
        XCTAssertTrue(widen(.sqxtun, 16, [], v(0x0001_0000, 0xFFFF_FFFF_0000_FFFF)) == (v(0, 0x0000_FFFF_0000_FFFF), true))
        XCTAssertEqual(widen(.shll, 16, .upper, v(0x8001_0002, 0)).0, v(0, 0x8001_0000_0002_0000))
    }

    func testDescription() {
        let code = VectorOpcode(group: .shift, op: VectorShiftOp.sqrshrn.rawValue, laneBits: 16, param: 3,
                                param2: VectorShape.upper.rawValue, usesFPSR: true)
        XCTAssertEqual(code.description, "sqrshrn.16#3,4")
        XCTAssertEqual(VectorOpcode(imm: code.imm), code)
        XCTAssertFalse(VectorOpcode.isPure(imm: code.imm))
        XCTAssertEqual(VectorOpcode(group: .widen, op: VectorWidenOp.xtn.rawValue, laneBits: 8).description, "xtn.8")
    }
}
