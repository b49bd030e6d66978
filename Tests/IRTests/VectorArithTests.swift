import XCTest
import IR

/// The `vop` groups `saturating`, `halving` and `multiply` (IR/Vector/
/// Saturating.swift, Halving.swift, Multiply.swift): every lane against a
/// plain integer model, the saturation edges and FPSR.QC, and the shape
/// (`VectorShape`: lanes outside it neither saturate nor survive).
final class VectorArithTests: XCTestCase {
    private func run(_ group: VectorGroup, _ op: UInt8, bits: Int, shape: VectorShape = [],
                     _ a: V128, _ b: V128 = .zero, _ c: V128 = .zero) -> (V128, Bool) {
        var fp = VectorFPState(fpcr: 0)
        let code = VectorOpcode(group: group, op: op, laneBits: bits, param2: shape.rawValue, usesFPSR: true)
        XCTAssertEqual(VectorOpcode(imm: code.imm), code)
        let r = VectorSemantics.evaluate(code, a, b, c, &fp)
        return (r, fp.fpsrFlags & VectorFPState.qc != 0)
    }

    private func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> (Int, Bool) { v < lo ? (lo, true) : v > hi ? (hi, true) : (v, false) }

    /// Every pair of bytes, 16 pairs per vector, against Int arithmetic.
    func testSaturatingBytesExhaustive() {
        for op in SaturatingOp.allCases {
            for x in 0..<256 {
                var a = V128.zero, b = V128.zero
                var want = V128.zero
                var wantQC = false
                for y in stride(from: 0, to: 256, by: 16) {
                    for lane in 0..<16 {
                        let yv = y + lane
                        a.setLane(lane, bits: 8, UInt64(x)); b.setLane(lane, bits: 8, UInt64(yv))
                        let sx = Int(Int8(truncatingIfNeeded: x)), sy = Int(Int8(truncatingIfNeeded: yv))
                        let (v, q): (Int, Bool)
                        switch op {
                        case .sqadd: (v, q) = clamp(sx + sy, -128, 127)
                        case .uqadd: (v, q) = clamp(x + yv, 0, 255)
                        case .sqsub: (v, q) = clamp(sx - sy, -128, 127)
                        case .uqsub: (v, q) = clamp(x - yv, 0, 255)
                        case .suqadd: (v, q) = clamp(sx + yv, -128, 127)
                        case .usqadd: (v, q) = clamp(x + sy, 0, 255)
                        case .sqabs: (v, q) = clamp(Swift.abs(sx), -128, 127)
                        case .sqneg: (v, q) = clamp(-sx, -128, 127)
                        }
                        want.setLane(lane, bits: 8, UInt64(UInt8(truncatingIfNeeded: v)))
                        wantQC = wantQC || q
                    }
                    let (r, qc) = run(.saturating, op.rawValue, bits: 8, a, b)
                    XCTAssertEqual(r, want, "\(op) \(x) \(y)")
                    XCTAssertEqual(qc, wantQC, "\(op) \(x) \(y)")
                    wantQC = false
                }
            }
        }
    }

    func testSaturatingEdges64AndWidth() {
        let minD: UInt64 = 1 << 63, maxD = minD - 1
        func d(_ lo: UInt64, _ hi: UInt64 = 0) -> V128 { V128(lo: lo, hi: hi) }
        XCTAssertTrue(run(.saturating, SaturatingOp.sqadd.rawValue, bits: 64, d(minD, 1), d(minD, 2)) == (d(minD, 3), true))
        XCTAssertTrue(run(.saturating, SaturatingOp.uqadd.rawValue, bits: 64, d(~0, 1), d(1, 2)) == (d(~0, 3), true))
        XCTAssertTrue(run(.saturating, SaturatingOp.uqsub.rawValue, bits: 64, d(1), d(2)) == (d(0), true))
        XCTAssertTrue(run(.saturating, SaturatingOp.suqadd.rawValue, bits: 64, d(maxD), d(~0)) == (d(maxD), true))
        XCTAssertTrue(run(.saturating, SaturatingOp.suqadd.rawValue, bits: 64, d(minD), d(~0)) == (d(maxD), false))
        XCTAssertTrue(run(.saturating, SaturatingOp.usqadd.rawValue, bits: 64, d(1), d(~0 - 1)) == (d(0), true))
        XCTAssertTrue(run(.saturating, SaturatingOp.sqabs.rawValue, bits: 64, d(minD, ~0)) == (d(maxD, 1), true))
        XCTAssertTrue(run(.saturating, SaturatingOp.sqneg.rawValue, bits: 64, d(minD, 5)) == (d(maxD, ~0 - 4), true))
        // Scalar S: the lanes above would saturate but are not part of the op.
        XCTAssertTrue(run(.saturating, SaturatingOp.sqadd.rawValue, bits: 32, shape: .scalar, d(0x7FFF_FFFF_0000_0003, maxD), d(0x7FFF_FFFF_0000_0004, maxD))
                      == (d(7), false))
        // 8B (half): the high half zeroed, its saturation ignored.
        XCTAssertTrue(run(.saturating, SaturatingOp.sqneg.rawValue, bits: 8, shape: .half, d(0x80), d(0), .zero) == (d(0x7F), true))
        XCTAssertTrue(run(.saturating, SaturatingOp.sqneg.rawValue, bits: 8, shape: .half, d(0x01, 0x80)) == (d(0xFF), false))
    }

    /// Every pair of bytes through each halving and absolute-difference op.
    func testHalvingBytesExhaustive() {
        for op in HalvingOp.allCases {
            for x in 0..<256 {
                var a = V128.zero, b = V128.zero, c = V128.zero, want = V128.zero
                for y in stride(from: 0, to: 256, by: 16) {
                    for lane in 0..<16 {
                        let yv = y + lane, acc = (x * 7 + yv) & 0xFF
                        a.setLane(lane, bits: 8, UInt64(x)); b.setLane(lane, bits: 8, UInt64(yv)); c.setLane(lane, bits: 8, UInt64(acc))
                        let sx = Int(Int8(truncatingIfNeeded: x)), sy = Int(Int8(truncatingIfNeeded: yv))
                        let v: Int
                        switch op {
                        case .shadd: v = Int((Double(sx + sy) / 2).rounded(.down))
                        case .uhadd: v = (x + yv) / 2
                        case .srhadd: v = Int((Double(sx + sy) / 2).rounded(.up))
                        case .urhadd: v = (x + yv + 1) / 2
                        case .shsub: v = Int((Double(sx - sy) / 2).rounded(.down))
                        case .uhsub: v = Int((Double(x - yv) / 2).rounded(.down))
                        case .sabd: v = Swift.abs(sx - sy)
                        case .uabd: v = Swift.abs(x - yv)
                        case .saba: v = acc + Swift.abs(sx - sy)
                        case .uaba: v = acc + Swift.abs(x - yv)
                        }
                        want.setLane(lane, bits: 8, UInt64(v & 0xFF))
                    }
                    let (r, qc) = run(.halving, op.rawValue, bits: 8, a, b, c)
                    XCTAssertEqual(r, want, "\(op) \(x) \(y)")
                    XCTAssertFalse(qc)
                }
            }
        }
    }

    func testHalvingWideLanes() {
        let min32: UInt64 = 0x8000_0000
        // SHSUB MIN - MAX = -(2^32 - 1) >> 1 = -2^31; UHADD of all ones keeps the carry.
        XCTAssertEqual(run(.halving, HalvingOp.shsub.rawValue, bits: 32, V128(lo: min32, hi: 0), V128(lo: 0x7FFF_FFFF, hi: 0)).0,
                       V128(lo: min32, hi: 0))
        XCTAssertEqual(run(.halving, HalvingOp.uhadd.rawValue, bits: 32, shape: .half, V128(lo: ~0, hi: ~0), V128(lo: ~0, hi: ~0)).0,
                       V128(lo: ~0, hi: 0))
        XCTAssertEqual(run(.halving, HalvingOp.sabd.rawValue, bits: 16, V128(lo: 0x8000, hi: 0), V128(lo: 0x7FFF, hi: 0)).0,
                       V128(lo: 0xFFFF, hi: 0))
    }

    private func mul(_ op: MultiplyOp, bits: Int, shape: VectorShape = [], _ a: V128, _ b: V128, _ c: V128 = .zero) -> (V128, Bool) {
        run(.multiply, op.rawValue, bits: bits, shape: shape, a, b, c)
    }

    func testDoublingMultiplies() {
        // Every pair of 16-bit values in a sampled grid against the Arm ARM formulas on Int.
        let samples: [Int] = [-32768, -32767, -16384, -2, -1, 0, 1, 2, 3, 16383, 16384, 32766, 32767, 12345, -23456]
        for x in samples {
            for y in samples {
                for acc in [-32768, -1, 0, 1, 32767] {
                    let a = VectorSemantics.dup(UInt64(UInt16(truncatingIfNeeded: x)), bits: 16)
                    let b = VectorSemantics.dup(UInt64(UInt16(truncatingIfNeeded: y)), bits: 16)
                    let c = VectorSemantics.dup(UInt64(UInt16(truncatingIfNeeded: acc)), bits: 16)
                    let cases: [(MultiplyOp, Int)] = [
                        (.sqdmulh, (2 * x * y) >> 16), (.sqrdmulh, (2 * x * y + 0x8000) >> 16),
                        (.sqrdmlah, ((acc << 16) + 2 * x * y + 0x8000) >> 16), (.sqrdmlsh, ((acc << 16) - 2 * x * y + 0x8000) >> 16),
                        (.mla, acc + x * y), (.mls, acc - x * y),
                    ]
                    for (op, raw) in cases {
                        let saturating = op != .mla && op != .mls
                        let (v, q) = saturating ? clamp(raw, -32768, 32767) : (raw, false)
                        let want = VectorSemantics.dup(UInt64(UInt16(truncatingIfNeeded: v)), bits: 16)
                        let (r, qc) = mul(op, bits: 16, a, b, c)
                        XCTAssertEqual(r, want, "\(op) \(x) \(y) \(acc)")
                        XCTAssertEqual(qc, q, "\(op) \(x) \(y) \(acc)")
                    }
                }
            }
        }
        // 32-bit: MIN * MIN doubled saturates; the scalar width ignores the lanes above.
        let min32 = V128(lo: 0x8000_0000, hi: 0)
        XCTAssertTrue(mul(.sqdmulh, bits: 32, shape: .scalar, min32, min32) == (V128(lo: 0x7FFF_FFFF, hi: 0), true))
        XCTAssertTrue(mul(.sqrdmulh, bits: 32, shape: .scalar, V128(lo: 0x8000_0000_4000_0000, hi: 0), V128(lo: 0x8000_0000_0000_0002, hi: 0))
                      == (V128(lo: 1, hi: 0), false))
    }

    /// The long multiplies by element are the `widen` group's ops on a broadcast element.
    func testLongByElement() {
        func long(_ op: VectorWidenOp, bits: Int, shape: VectorShape = [], _ a: V128, _ b: V128, _ c: V128 = .zero) -> (V128, Bool) {
            run(.widen, op.rawValue, bits: bits, shape: shape, a, b, c)
        }
        let minS: UInt64 = 0x8000_0000
        // Vn.S = {MIN, 2, 3, MIN}; the element MIN in every lane.
        let a = V128(lo: 2 << 32 | minS, hi: minS << 32 | 3)
        let b = VectorSemantics.dup(minS, bits: 32)
        XCTAssertTrue(long(.sqdmull, bits: 32, a, b) == (V128(lo: 0x7FFF_FFFF_FFFF_FFFF, hi: 0xFFFF_FFFE_0000_0000), true))
        XCTAssertTrue(long(.sqdmull, bits: 32, shape: .upper, a, b) == (V128(lo: 0xFFFF_FFFD_0000_0000, hi: 0x7FFF_FFFF_FFFF_FFFF), true))
        XCTAssertEqual(long(.umull, bits: 32, a, b).0, V128(lo: 1 << 62, hi: 1 << 32))
        // SQDMLSL: the product saturates (QC), the difference does not.
        let acc = V128(lo: 1, hi: 1 << 63)
        XCTAssertTrue(long(.sqdmlsl, bits: 32, a, b, acc) == (V128(lo: 0x8000_0000_0000_0002, hi: 0x8000_0002_0000_0000), true))
        // Scalar SQDMLAL Sd, Hn, Vm.H[i]: MIN * MIN doubled saturates, so does 1 + MAX; the rest is zero.
        XCTAssertTrue(long(.sqdmlal, bits: 16, shape: .scalar, V128(lo: 0xFFFF_8000, hi: 0), VectorSemantics.dup(0x8000, bits: 16),
                           V128(lo: 0x1_0000_0001, hi: 0)) == (V128(lo: 0x7FFF_FFFF, hi: 0), true))
    }

    func testPolynomialAndDot() {
        XCTAssertEqual(mul(.pmul, bits: 8, V128(lo: 0x0203_FF, hi: 0x80), V128(lo: 0x0303_FF, hi: 0x02)).0, V128(lo: 0x0605_55, hi: 0))
        // SDOT: four -128 * -128 past 0x7FFFFFFF wraps; UDOT of all ones; the 2S width zeroes the rest.
        let a = V128(lo: 0x7F7F_7F7F_8080_8080, hi: ~0), b = V128(lo: 0x8080_8080_8080_8080, hi: ~0)
        XCTAssertEqual(mul(.sdot, bits: 32, shape: .half, a, b, V128(lo: 0x7FFF_FFFF, hi: 5)).0, V128(lo: 0xFFFF_0200_8000_FFFF, hi: 0))
        XCTAssertEqual(mul(.udot, bits: 32, V128(lo: ~0, hi: ~0), V128(lo: ~0, hi: ~0), V128(lo: 1, hi: 0)).0,
                       V128(lo: 0x0003_F804_0003_F805, hi: 0x0003_F804_0003_F804))
    }

    func testDescriptions() {
        XCTAssertEqual(VectorOpcode(group: .saturating, op: SaturatingOp.sqadd.rawValue, laneBits: 8, param2: VectorShape.half.rawValue).description, "sqadd.8#0,1")
        XCTAssertEqual(VectorOpcode(group: .multiply, op: MultiplyOp.sdot.rawValue, laneBits: 32).description, "sdot.32")
        XCTAssertEqual(VectorOpcode(group: .halving, op: HalvingOp.uaba.rawValue, laneBits: 16).description, "uaba.16")
    }
}
