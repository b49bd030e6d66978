import XCTest
@testable import Engine
@testable import IR

/// The JIT's SSE forms of the `permute`, `reduce` and `bitCount` vops
/// (JITCompiler+VectorPermute.swift) against the interpreter: random blocks
/// of every op of the three groups, every lane size and both shapes, many
/// values live at once, TBL/TBX chains on indices that fall in each table
/// register, past the table and with bit 7 set.
extension FPSIMDFuzzTests {
    static func permuteReduceBlock(_ r: inout Random, ops: Int) -> IRBlock {
        var b = IRBuilder(guestPC: 0x4000_0000)
        b.insnStart(pc: 0x4000_0000)
        var pool: [Value] = (0..<24).map { b.getVec($0, .v128) }
        for k in 0..<ops {
            if k % 5 == 4 { b.insnStart(pc: 0x4000_0000 + UInt64(4 * k)) }
            let x = r.pick(pool), y = r.pick(pool), z = r.pick(pool)
            let shape: VectorShape = r.below(2) == 0 ? .half : []
            let bits = r.pick([8, 16, 32, 64])
            let v: Value
            switch r.below(3) {
            case 0:
                let op = r.pick(VectorPermuteOp.allCases)
                switch op {
                case .ext:
                    let code = VectorOpcode(group: .permute, op: op.rawValue, laneBits: 8, param: r.below(shape.contains(.half) ? 8 : 16),
                                            param2: shape.rawValue)
                    v = b.vop(code, x, y)
                case .tableStep:
                    // Indices mostly within four table registers.
                    let idx = r.below(3) == 0 ? y : b.vop(.and, laneBits: 8, y, b.vdup(b.const_(r.pick([0x3F, 0x1F, 0x8F]), .i8)))
                    let code = VectorOpcode(group: .permute, op: op.rawValue, laneBits: 8, param: r.below(4), param2: shape.rawValue)
                    v = b.vop(code, x, idx, z)
                default:
                    v = b.vop(VectorOpcode(group: .permute, op: op.rawValue, laneBits: bits, param2: shape.rawValue), x, y)
                }
            case 1:
                let op = r.pick(VectorReduceOp.allCases)
                let wide: Bool = [.saddlv, .uaddlv, .saddlp, .uaddlp, .sadalp, .uadalp].contains(op)
                let minMax: Bool = [.smaxv, .umaxv, .sminv, .uminv, .smaxp, .umaxp, .sminp, .uminp].contains(op)
                let laneBits = wide || minMax ? r.pick([8, 16, 32]) : bits
                let n = (shape.contains(.half) ? 64 : 128) / laneBits
                guard n >= 2 else { continue }
                v = b.vop(VectorOpcode(group: .reduce, op: op.rawValue, laneBits: laneBits, param2: shape.rawValue), x, y, z)
            default:
                let op = r.pick(VectorBitCountOp.allCases)
                let laneBits = op == .cnt || op == .rbit ? 8 : r.pick([8, 16, 32])
                let container = op == .rev ? r.pick([16, 32, 64].filter { $0 > laneBits }) : 0
                v = b.vop(VectorOpcode(group: .bitCount, op: op.rawValue, laneBits: laneBits, param: container,
                                       param2: shape.rawValue), x)
            }
            pool.append(v)
            b.setVec(r.below(32), v)
        }
        for (n, v) in pool.suffix(16).enumerated() { b.setVec(16 + n, v) }
        b.exitJump(0x4000_1000)
        return b.block
    }

    func testPermuteReduceBitCountAgainstTheInterpreter() throws {
        var r = Random(s: 0x7AB1_E5)
        for trial in 0..<300 {
            var ir = FPSIMDFuzzTests.permuteReduceBlock(&r, ops: 10 + r.below(40))
            XCTAssertEqual(IRVerifier.verify(ir).map(\.description), [])
            if trial % 2 == 0 { Optimizer.run(&ir) }
            let vregs = (0..<32).map { _ in V128(lo: FPSIMDFuzzTests.lane(&r), hi: FPSIMDFuzzTests.lane(&r)) }
            try compare(ir, vregs: vregs, fpcr: 0, features: nil, "permute/reduce trial \(trial)")
        }
    }

    /// The compile-time PSHUFB controls of the byte permutations.
    func testByteShuffleControls() {
        let zip1 = JITCompiler.byteShuffle(VectorOpcode(group: .permute, op: VectorPermuteOp.zip1.rawValue, laneBits: 8))
        XCTAssertEqual(zip1?.a, V128(lo: 0x8003_8002_8001_8000, hi: 0x8007_8006_8005_8004))
        XCTAssertEqual(zip1?.b, V128(lo: 0x0380_0280_0180_0080, hi: 0x0780_0680_0580_0480))
        let ext = JITCompiler.byteShuffle(VectorOpcode(group: .permute, op: VectorPermuteOp.ext.rawValue, laneBits: 8, param: 6,
                                                       param2: VectorShape.half.rawValue))
        XCTAssertEqual(ext?.a, V128(lo: 0x8080_8080_8080_0706, hi: 0x8080_8080_8080_8080))
        XCTAssertEqual(ext?.b, V128(lo: 0x0504_0302_0100_8080, hi: 0x8080_8080_8080_8080))
        // Not a byte permutation: no controls.
        XCTAssertNil(JITCompiler.byteShuffle(VectorOpcode(group: .bitCount, op: VectorBitCountOp.cnt.rawValue, laneBits: 8)))
    }
}
