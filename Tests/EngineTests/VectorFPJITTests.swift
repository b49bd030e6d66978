import XCTest
@testable import Engine
@testable import IR
@testable import Lift
@testable import Machine

/// The JIT's packed SSE forms of AdvSIMD FP (JITCompiler+VectorFP.swift):
/// every fix-up path (NaN and infinite lanes, tiny and ±smallest-normal
/// lanes, zero lanes of add/sub/sqrt and of mul/div/fma, FZ, the 2S/1D
/// forms' unused lanes) against `VectorSemantics` (what the helper and the
/// interpreter run), and random blocks of them against the interpreter,
/// with FMA3 and without (the helper path).
extension FPSIMDFuzzTests {
    static let vectorFPOps: [VectorFPOp] = [.add, .sub, .mul, .div, .sqrt, .mla, .mls, .abs, .neg]

    /// A vector of `bits`-bit lanes: special values, ordinary ones, or one
    /// special lane among ordinary ones (so a single lane takes the fix-up).
    static func fpVector(_ r: inout Random, bits: Int) -> V128 {
        var v = V128.zero
        let ordinaryOnly = r.below(3) == 0
        let specialLane = r.below(128 / bits)
        for k in 0..<(128 / bits) {
            let x: UInt64
            if ordinaryOnly || (r.below(2) == 0 && k != specialLane) {
                x = bits == 64 ? (r.next() & 0x800F_FFFF_FFFF_FFFF) | UInt64(1023 - 40 + r.below(80)) << 52
                    : (r.next() & 0x807F_FFFF) | UInt64(127 - 20 + r.below(40)) << 23
            } else {
                x = value(&r, bits: bits)
            }
            v.setLane(k, bits: bits, x)
        }
        return v
    }

    func testEachVectorFPFixUpAgainstVectorSemantics() throws {
        let rig = Rig()
        var noFMA = try JITEngine(chaining: false).info.features
        noFMA.fma = false
        let engines = [try JITEngine(chaining: false), try JITEngine(chaining: false, features: noFMA)]
        for jit in engines { _ = jit.addJumpCache(state: rig.cpu.state) }
        let key = BlockKey(pa: 0x4000_0000, va: 0x4000_0000, context: LiftContext(el: 1, spSel: 1))
        var r = Random(s: 0x7EC_F9)
        var checked = 0
        for (e, jit) in engines.enumerated() {
            for bits in [32, 64] {
                for shape in [0, 1] where !(bits == 64 && shape == 1 && e == 1) {
                    for op in FPSIMDFuzzTests.vectorFPOps {
                        let code = VectorOpcode.fp(op, laneBits: bits, shape: shape)
                        var b = IRBuilder(guestPC: 0x4000_0000)
                        b.insnStart(pc: 0x4000_0000)
                        let x = b.getVec(0, .v128), y = b.getVec(1, .v128), z = b.getVec(2, .v128)
                        let unary = op == .sqrt || op == .abs || op == .neg
                        let fused = op == .mla || op == .mls
                        b.setVec(3, b.vop(code, x, unary ? .none : y, fused ? z : .none))
                        b.exitJump(0x4000_1000)
                        let block = TranslatedBlock(key: key, ir: b.block)
                        XCTAssertTrue(jit.compile(block, mmuIndex: rig.cpu.mmuIndex) {})
                        for fpcr in [0, 1 << 22, 2 << 22, 3 << 22, FPBits.fz, FPBits.dn, FPBits.fz | FPBits.dn | 2 << 22] as [UInt64] {
                            for _ in 0..<60 {
                                let va = FPSIMDFuzzTests.fpVector(&r, bits: bits), vb = FPSIMDFuzzTests.fpVector(&r, bits: bits)
                                let vc = FPSIMDFuzzTests.fpVector(&r, bits: bits)
                                rig.prepare([va, vb, vc], fpcr: fpcr)
                                _ = jit.run(block, state: rig.cpu.state)
                                var fp = VectorFPState(fpcr: fpcr)
                                let expected = VectorSemantics.evaluate(code, va, vb, fused ? vc : .zero, &fp)
                                let got = rig.cpu.vreg(3)
                                if got.lo != expected.lo || got.hi != expected.hi || rig.cpu.fpsr != fp.fpsrFlags {
                                    XCTFail("\(code) \(va), \(vb), \(vc) FPCR 0x\(String(fpcr, radix: 16)) (FMA3 \(e == 0)): JIT \(V128(lo: got.lo, hi: got.hi)) FPSR 0x\(String(rig.cpu.fpsr, radix: 16)), expected \(expected) FPSR 0x\(String(fp.fpsrFlags, radix: 16))")
                                    return
                                }
                                checked += 1
                            }
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 10_000)
    }

    /// Vector FP ops mixed with scalar FP ops (one MXCSR run across them),
    /// lane ops and helper calls, on the interpreter and the JIT.
    static func vectorFPBlock(_ r: inout Random, ops: Int) -> IRBlock {
        var b = IRBuilder(guestPC: 0x4000_0000)
        b.insnStart(pc: 0x4000_0000)
        var pool: [Value] = (0..<24).map { b.getVec($0, .v128) }
        for k in 0..<ops {
            if k % 4 == 3 { b.insnStart(pc: 0x4000_0000 + UInt64(4 * k)) }
            let x = r.pick(pool), y = r.pick(pool), z = r.pick(pool)
            let v: Value
            switch r.below(10) {
            case 0:
                let s = b.fp(FPOpcode(r.pick([.add, .mul, .fma] as [FPOpcode.Kind])), .f64, b.vextract(x, bitOffset: 0, .f64),
                             b.vextract(y, bitOffset: 64, .f64), b.vextract(z, bitOffset: 0, .f64))
                v = b.vinsert(x, bitOffset: 0, s)
            case 1:
                v = b.vop(r.pick([.add, .xor, .mul] as [VectorOp]), laneBits: 32, x, y)
                if r.below(2) == 0 { _ = b.call(.clrex) }
            case 2:
                v = b.vop(VectorOpcode.fp(.recpe, laneBits: 32, shape: 0), x)   // a helper op
            default:
                let op = r.pick(vectorFPOps)
                let code = VectorOpcode.fp(op, laneBits: r.pick([32, 64]), shape: r.below(4) == 0 ? 1 : 0)
                switch op {
                case .sqrt, .abs, .neg: v = b.vop(code, x)
                case .mla, .mls: v = b.vop(code, x, y, z)
                default: v = b.vop(code, x, y)
                }
            }
            pool.append(v)
            b.setVec(r.below(32), v)
        }
        for (n, v) in pool.suffix(16).enumerated() { b.setVec(16 + n, v) }
        b.exitJump(0x4000_1000)
        return b.block
    }

    func testVectorFPBlocksAgainstTheInterpreter() throws {
        var r = Random(s: 0xF9_7EC5)
        var noFMA = try JITEngine(chaining: false).info.features
        noFMA.fma = false
        for trial in 0..<200 {
            var ir = FPSIMDFuzzTests.vectorFPBlock(&r, ops: 6 + r.below(30))
            XCTAssertEqual(IRVerifier.verify(ir).map(\.description), [])
            if trial % 2 == 0 { Optimizer.run(&ir) }
            let fpcr = r.below(3) == 0 ? FPSIMDFuzzTests.fpcr(&r) : UInt64(r.below(4)) << 22
            let bits = r.pick([32, 64])
            let vregs = (0..<32).map { _ in FPSIMDFuzzTests.fpVector(&r, bits: bits) }
            try compare(ir, vregs: vregs, fpcr: fpcr, features: trial % 5 == 4 ? noFMA : nil, "vector fp trial \(trial)")
        }
    }
}

/// The integer vops of JITCompiler+VectorInteger.swift (widening,
/// absolute difference, multiply-accumulate, dot product, saturating with
/// FPSR.QC) and SHA-256 with SHA-NI, against the interpreter: with the
/// host's features, and without SHA-NI (the helper path) in some trials.
extension FPSIMDFuzzTests {
    static func integerBlock(_ r: inout Random, ops: Int) -> IRBlock {
        var b = IRBuilder(guestPC: 0x4000_0000)
        b.insnStart(pc: 0x4000_0000)
        var pool: [Value] = (0..<24).map { b.getVec($0, .v128) }
        for k in 0..<ops {
            if k % 4 == 3 { b.insnStart(pc: 0x4000_0000 + UInt64(4 * k)) }
            let x = r.pick(pool), y = r.pick(pool), z = r.pick(pool)
            let code: VectorOpcode
            switch r.below(5) {
            case 0:
                let op = r.pick([.saddw, .uaddw, .ssubw, .usubw, .saddl, .uaddl, .ssubl, .usubl, .smull, .umull,
                                 .smlal, .umlal, .smlsl, .umlsl] as [VectorWidenOp])
                code = VectorOpcode(group: .widen, op: op.rawValue, laneBits: r.pick([8, 16, 32]),
                                    param2: r.below(2) == 0 ? 0 : VectorShape.upper.rawValue)
            case 1:
                let op = r.pick([.sabd, .uabd, .saba, .uaba] as [HalvingOp])
                code = VectorOpcode(group: .halving, op: op.rawValue, laneBits: r.pick([8, 16, 32]),
                                    param2: r.below(3) == 0 ? VectorShape.half.rawValue : 0)
            case 2:
                let op = r.pick([.mla, .mls, .sdot, .udot] as [MultiplyOp])
                code = VectorOpcode(group: .multiply, op: op.rawValue, laneBits: op == .sdot || op == .udot ? 32 : r.pick([16, 32]),
                                    param2: r.below(3) == 0 ? VectorShape.half.rawValue : 0)
            case 3:
                let op = r.pick([.sqadd, .uqadd, .sqsub, .uqsub] as [SaturatingOp])
                code = VectorOpcode(group: .saturating, op: op.rawValue, laneBits: r.pick([8, 16]),
                                    param2: r.below(3) == 0 ? VectorShape.half.rawValue : 0, usesFPSR: true)
            default:
                let op = r.pick([.sha256h, .sha256h2, .sha256su0, .sha256su1] as [CryptoOp])
                code = VectorOpcode(group: .crypto, op: op.rawValue, laneBits: 32)
            }
            let v = code.group == .crypto && code.op == CryptoOp.sha256su0.rawValue ? b.vop(code, x, .none, z) : b.vop(code, x, y, z)
            pool.append(v)
            b.setVec(r.below(32), v)
        }
        for (n, v) in pool.suffix(16).enumerated() { b.setVec(16 + n, v) }
        b.exitJump(0x4000_1000)
        return b.block
    }

    func testIntegerAndSHA256AgainstTheInterpreter() throws {
        var r = Random(s: 0x1A7E_6E55)
        var noSHA = try JITEngine(chaining: false).info.features
        noSHA.sha = false
        for trial in 0..<200 {
            var ir = FPSIMDFuzzTests.integerBlock(&r, ops: 6 + r.below(30))
            XCTAssertEqual(IRVerifier.verify(ir).map(\.description), [])
            if trial % 2 == 0 { Optimizer.run(&ir) }
            let vregs = (0..<32).map { _ in V128(lo: FPSIMDFuzzTests.lane(&r), hi: FPSIMDFuzzTests.lane(&r)) }
            try compare(ir, vregs: vregs, fpcr: 0, features: trial % 4 == 3 ? noSHA : nil, "integer trial \(trial)")
        }
    }
}
