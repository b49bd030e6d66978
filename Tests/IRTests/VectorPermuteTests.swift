import XCTest
@testable import IR

/// The permutes of `vop` (Permute.swift) on hand-computed values: operands
/// of distinct bytes (a = 0x10..0x1F, b = 0x20..0x2F), so each result byte
/// names its source.
final class VectorPermuteTests: XCTestCase {
    let a = V128(lo: 0x1716_1514_1312_1110, hi: 0x1F1E_1D1C_1B1A_1918)
    let b = V128(lo: 0x2726_2524_2322_2120, hi: 0x2F2E_2D2C_2B2A_2928)

    func run(_ op: VectorPermuteOp, _ bits: Int, half: Bool = false, param: Int = 0,
             _ x: V128? = nil, _ y: V128? = nil, _ c: V128 = .zero) -> V128 {
        var fp = VectorFPState(fpcr: 0)
        let shape: VectorShape = half ? .half : []
        let code = VectorOpcode(group: .permute, op: op.rawValue, laneBits: bits, param: param, param2: shape.rawValue)
        XCTAssertEqual(VectorOpcode(imm: code.imm), code)
        return VectorSemantics.evaluate(code, x ?? a, y ?? b, c, &fp)
    }

    func testZipUzpTrn() {
        XCTAssertEqual(run(.zip1, 8), V128(lo: 0x2313_2212_2111_2010, hi: 0x2717_2616_2515_2414))
        XCTAssertEqual(run(.zip2, 32), V128(lo: 0x2B2A_2928_1B1A_1918, hi: 0x2F2E_2D2C_1F1E_1D1C))
        XCTAssertEqual(run(.zip2, 16, half: true), V128(lo: 0x2726_1716_2524_1514, hi: 0))
        XCTAssertEqual(run(.uzp1, 16), V128(lo: 0x1D1C_1918_1514_1110, hi: 0x2D2C_2928_2524_2120))
        XCTAssertEqual(run(.uzp2, 8, half: true).lo, 0x2725_2321_1715_1311)   // the low halves only
        XCTAssertEqual(run(.uzp1, 64), V128(lo: a.lo, hi: b.lo))
        XCTAssertEqual(run(.trn1, 8).lo, 0x2616_2414_2212_2010)
        XCTAssertEqual(run(.trn2, 32), V128(lo: 0x2726_2524_1716_1514, hi: 0x2F2E_2D2C_1F1E_1D1C))
        XCTAssertEqual(run(.trn2, 64), V128(lo: a.hi, hi: b.hi))
    }

    func testExt() {
        XCTAssertEqual(run(.ext, 8, param: 0), a)
        XCTAssertEqual(run(.ext, 8, param: 3), V128(lo: 0x1A19_1817_1615_1413, hi: 0x2221_201F_1E1D_1C1B))
        XCTAssertEqual(run(.ext, 8, param: 15), V128(lo: 0x2625_2423_2221_201F, hi: 0x2E2D_2C2B_2A29_2827))
        // 64-bit form: bytes of b<63:0>:a<63:0>.
        XCTAssertEqual(run(.ext, 8, half: true, param: 5), V128(lo: 0x2423_2221_2017_1615, hi: 0))
    }

    func testTableStepsMakeTBLAndTBX() {
        // Indices: 0 and 15 (register 0), 16 and 31 (1), 32 (2), 0xFF and 64 (past a 4-register table).
        let idx = V128(lo: 0x0000_4020_1F10_0F00, hi: 0xFF0F_0000_0000_0000)
        let old = V128(lo: 0xAAAA_AAAA_AAAA_AAAA, hi: 0xBBBB_BBBB_BBBB_BBBB)
        let third = V128(lo: 0x3736_3534_3332_3130, hi: 0x3F3E_3D3C_3B3A_3938)
        // TBL with two registers: a chain from zero.
        var r = run(.tableStep, 8, param: 0, a, idx, .zero)
        r = run(.tableStep, 8, param: 1, b, idx, r)
        XCTAssertEqual(r, V128(lo: 0x1010_0000_2F20_1F10, hi: 0x001F_1010_1010_1010))
        // TBX with three registers: a chain from the old destination.
        var x = run(.tableStep, 8, param: 0, a, idx, old)
        x = run(.tableStep, 8, param: 1, b, idx, x)
        x = run(.tableStep, 8, param: 2, third, idx, x)
        XCTAssertEqual(x, V128(lo: 0x1010_AA30_2F20_1F10, hi: 0xBB1F_1010_1010_1010))
        // The 64-bit form (TBX Vd.8B) reads the low eight indices and zeroes bits 127:64.
        XCTAssertEqual(run(.tableStep, 8, half: true, param: 0, a, idx, old), V128(lo: 0x1010_AAAA_AAAA_1F10, hi: 0))
    }

    func testDescription() {
        XCTAssertEqual(VectorOpcode(group: .permute, op: VectorPermuteOp.tableStep.rawValue, laneBits: 8, param: 2).description,
                       "tableStep.8#2")
    }
}
