import XCTest
@testable import IR

/// Bit counts and reversals of `vop` (BitCount.swift) on hand-computed values.
final class VectorBitCountTests: XCTestCase {
    func run(_ op: VectorBitCountOp, _ bits: Int, container: Int = 0, half: Bool = false, _ a: V128) -> V128 {
        var fp = VectorFPState(fpcr: 0)
        let shape: VectorShape = half ? .half : []
        let code = VectorOpcode(group: .bitCount, op: op.rawValue, laneBits: bits, param: container, param2: shape.rawValue)
        XCTAssertEqual(VectorOpcode(imm: code.imm), code)
        return VectorSemantics.evaluate(code, a, .zero, .zero, &fp)
    }

    let x = V128(lo: 0x8000_0001_00FF_7F01, hi: 0xFFFF_FFFF_0000_0000)

    func testCounts() {
        XCTAssertEqual(run(.cnt, 8, x), V128(lo: 0x0100_0001_0008_0701, hi: 0x0808_0808_0000_0000))
        XCTAssertEqual(run(.cnt, 8, half: true, x), V128(lo: 0x0100_0001_0008_0701, hi: 0))
        XCTAssertEqual(run(.clz, 8, x), V128(lo: 0x0008_0807_0800_0107, hi: 0x0000_0000_0808_0808))
        XCTAssertEqual(run(.clz, 16, x), V128(lo: 0x0000_000F_0008_0001, hi: 0x0000_0000_0010_0010))
        XCTAssertEqual(run(.clz, 32, x), V128(lo: 0x0000_0000_0000_0008, hi: 0x0000_0000_0000_0020))
        // CLS: sign bits after the first; all-ones and zero lanes give esize - 1.
        XCTAssertEqual(run(.cls, 8, x), V128(lo: 0x0007_0706_0707_0006, hi: 0x0707_0707_0707_0707))
        XCTAssertEqual(run(.cls, 16, x), V128(lo: 0x0000_000E_0007_0000, hi: 0x000F_000F_000F_000F))
        XCTAssertEqual(run(.cls, 32, V128(lo: 0xC000_0000_0000_0001, hi: 0)).lo, 0x0000_0001_0000_001E)
    }

    func testReversals() {
        XCTAssertEqual(run(.rbit, 8, x), V128(lo: 0x0100_0080_00FF_FE80, hi: 0xFFFF_FFFF_0000_0000))
        let y = V128(lo: 0x0706_0504_0302_0100, hi: 0x0F0E_0D0C_0B0A_0908)
        XCTAssertEqual(run(.rev, 8, container: 16, y), V128(lo: 0x0607_0405_0203_0001, hi: 0x0E0F_0C0D_0A0B_0809))
        XCTAssertEqual(run(.rev, 8, container: 32, y).lo, 0x0405_0607_0001_0203)
        XCTAssertEqual(run(.rev, 16, container: 32, y).lo, 0x0504_0706_0100_0302)
        XCTAssertEqual(run(.rev, 8, container: 64, y), V128(lo: 0x0001_0203_0405_0607, hi: 0x0809_0A0B_0C0D_0E0F))
        XCTAssertEqual(run(.rev, 32, container: 64, y), V128(lo: 0x0302_0100_0706_0504, hi: 0x0B0A_0908_0F0E_0D0C))
        XCTAssertEqual(run(.rev, 16, container: 64, half: true, y), V128(lo: 0x0100_0302_0504_0706, hi: 0))
    }
}
