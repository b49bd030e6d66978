import XCTest
@testable import Engine
@testable import IR
@testable import Lift
@testable import Machine

/// The JIT's SSE forms of scalar FMIN/FMAX/FMINNM/FMAXNM and the int <-> FP
/// conversions (JITCompiler+FPScalarConvert.swift), and of the AdvSIMD FP
/// compares, min/max, FADDP and 32-bit SCVTF/FCVTZS
/// (JITCompiler+VectorFPSelect.swift), one op per block on edge values (NaNs,
/// denormals, infinities, ±0, the integer ranges' bounds and values just
/// beyond them, halfway cases) under every FPCR mode, against `FPReference`
/// and `VectorSemantics`: result and FPSR bit for bit.
extension FPSIMDFuzzTests {
    static let fpcrModes: [UInt64] = [0, 1 << 22, 2 << 22, 3 << 22, FPBits.fz, FPBits.dn, FPBits.fz | FPBits.dn | 2 << 22]

    /// FP values around the conversion bounds: ±2^31, ±2^32, ±2^63, ±2^64
    /// and their neighbours, halfway and near-integer values.
    static func conversionEdges(bits: Int) -> [UInt64] {
        var xs: [Double] = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, -0.75, 1e-10, -1e-10, 123456.75, -7.25]
        for e in [24, 31, 32, 53, 63, 64] {
            let p = Double(sign: .plus, exponent: e, significand: 1)
            xs += [p, -p, p.nextDown, (-p).nextUp, p.nextUp, (-p).nextDown, p - 0.5, -p + 0.5, p + 0.5, -p - 0.5]
        }
        if bits == 64 { return xs.map(\.bitPattern) + specials64 }
        return xs.map { UInt64(Float($0).bitPattern) } + xs.map { UInt64(Float($0).nextUp.bitPattern) } + specials32
    }

    /// Runs `block` (V0-V2 and X0-X2 in) under the JIT and returns V3.lo (or X3) and FPSR.
    private func runOne(_ jit: JITEngine, _ rig: Rig, _ block: TranslatedBlock, v: [UInt64], x: [UInt64] = [],
                        fpcr: UInt64, resultInX: Bool) -> (UInt64, UInt64) {
        rig.prepare(v.map { V128(lo: $0, hi: 0xDEAD_BEEF) }, fpcr: fpcr)
        for (n, val) in x.enumerated() { rig.cpu.setX(n, val) }
        _ = jit.run(block, state: rig.cpu.state)
        return (resultInX ? rig.cpu.x(3) : rig.cpu.vreg(3).lo, rig.cpu.fpsr)
    }

    func testScalarMinMaxAndConversionsAgainstFPReference() throws {
        let rig = Rig()
        let jit = try JITEngine(chaining: false)
        _ = jit.addJumpCache(state: rig.cpu.state)
        let key = BlockKey(pa: 0x4000_0000, va: 0x4000_0000, context: LiftContext(el: 1, spSel: 1))
        func compile(_ build: (inout IRBuilder) -> Void) -> TranslatedBlock {
            var b = IRBuilder(guestPC: 0x4000_0000)
            b.insnStart(pc: 0x4000_0000)
            build(&b)
            b.exitJump(0x4000_1000)
            let block = TranslatedBlock(key: key, ir: b.block)
            XCTAssertTrue(jit.compile(block, mmuIndex: rig.cpu.mmuIndex) {})
            return block
        }
        var r = Random(s: 0x5CA1_C0)
        var checked = 0
        func check(_ what: String, _ got: (UInt64, UInt64), _ expected: UInt64, _ flags: UInt64) -> Bool {
            if got.0 != expected || got.1 != flags {
                XCTFail("\(what): JIT 0x\(String(got.0, radix: 16)) FPSR 0x\(String(got.1, radix: 16)), expected 0x\(String(expected, radix: 16)) FPSR 0x\(String(flags, radix: 16))")
                return false
            }
            checked += 1
            return true
        }
        for bits in [32, 64] {
            let t: IRType = bits == 64 ? .f64 : .f32
            let values = FPSIMDFuzzTests.conversionEdges(bits: bits)
            // FMIN/FMAX/FMINNM/FMAXNM.
            for kind in [FPOpcode.Kind.max, .min, .maxnm, .minnm] {
                let block = compile { b in b.setVec(3, b.fp(FPOpcode(kind), t, b.getVec(0, t), b.getVec(1, t))) }
                for fpcr in FPSIMDFuzzTests.fpcrModes {
                    for (ia, va) in values.enumerated() {
                        for k in 0..<4 {
                            let vb = k < 3 ? values[(ia * 7 + k * 11 + 1) % values.count] : FPSIMDFuzzTests.value(&r, bits: bits)
                            var flags: UInt64 = 0
                            let e = FPReference.execute(FPOpcode(kind), outBits: bits, inBits: bits, va, vb, 0, fpcr: fpcr, flags: &flags)
                            guard check("\(kind).f\(bits) 0x\(String(va, radix: 16)), 0x\(String(vb, radix: 16)) FPCR 0x\(String(fpcr, radix: 16))",
                                        runOne(jit, rig, block, v: [va, vb], fpcr: fpcr, resultInX: false), e, flags) else { return }
                        }
                    }
                    // ±0 pairs.
                    for (va, vb) in [(0, 1 << UInt64(bits - 1)), (1 << UInt64(bits - 1), 0)] as [(UInt64, UInt64)] {
                        var flags: UInt64 = 0
                        let e = FPReference.execute(FPOpcode(kind), outBits: bits, inBits: bits, va, vb, 0, fpcr: fpcr, flags: &flags)
                        guard check("\(kind).f\(bits) ±0", runOne(jit, rig, block, v: [va, vb], fpcr: fpcr, resultInX: false), e, flags)
                        else { return }
                    }
                }
            }
            // FP to int: every rounding, both signednesses, W and X results.
            for rounding in [FPRounding.zero, .tieEven, .posInf, .negInf, .tieAway] {
                for unsigned in [false, true] {
                    for outBits in [32, 64] {
                        let op = FPOpcode(.toInt, rounding: rounding, flag: unsigned)
                        let block = compile { b in b.setReg(3, b.fp(op, outBits == 64 ? .i64 : .i32, b.getVec(0, t))) }
                        for fpcr in FPSIMDFuzzTests.fpcrModes {
                            for va in values + (0..<20).map({ _ in FPSIMDFuzzTests.value(&r, bits: bits) }) {
                                var flags: UInt64 = 0
                                let e = FPReference.execute(op, outBits: outBits, inBits: bits, va, 0, 0, fpcr: fpcr, flags: &flags)
                                guard check("\(op) f\(bits)->i\(outBits) 0x\(String(va, radix: 16)) FPCR 0x\(String(fpcr, radix: 16))",
                                            runOne(jit, rig, block, v: [va], fpcr: fpcr, resultInX: true), e, flags) else { return }
                            }
                        }
                    }
                }
            }
            // Int to FP: both signednesses, W and X sources, fraction bits.
            let ints: [UInt64] = [0, 1, 2, 3, ~0, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0001, 0x7FFF_FFFF_FFFF_FFFF,
                                  0x8000_0000_0000_0000, 0x8000_0000_0000_0001, 0xFFFF_FFFF_0000_0001, 0x0100_0001, 0x0020_0000_0000_0001,
                                  0x00FF_FFFF_FFFF_FFFF, 0x1234_5678, 0xFFFF_FFFF_FF00_0001]
            for unsigned in [false, true] {
                for inBits in [32, 64] {
                    for fbits in [0, 1, 16, inBits] {
                        let op = FPOpcode(.fromInt, flag: unsigned, fbits: fbits)
                        let block = compile { b in
                            let x = inBits == 64 ? b.getReg(0) : b.trunc(b.getReg(0), to: .i32)
                            b.setVec(3, b.fp(op, t, x))
                        }
                        for fpcr in FPSIMDFuzzTests.fpcrModes {
                            for xv in ints + (0..<20).map({ _ in FPSIMDFuzzTests.lane(&r) }) {
                                let v = inBits == 64 ? xv : xv & 0xFFFF_FFFF
                                var flags: UInt64 = 0
                                let e = FPReference.execute(op, outBits: bits, inBits: inBits, v, 0, 0, fpcr: fpcr, flags: &flags)
                                guard check("\(op) i\(inBits)->f\(bits) 0x\(String(v, radix: 16)) FPCR 0x\(String(fpcr, radix: 16))",
                                            runOne(jit, rig, block, v: [], x: [xv], fpcr: fpcr, resultInX: false), e, flags) else { return }
                            }
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 20_000)
    }

    func testVectorCompareMinMaxPairwiseAndConversionsAgainstVectorSemantics() throws {
        let rig = Rig()
        let jit = try JITEngine(chaining: false)
        _ = jit.addJumpCache(state: rig.cpu.state)
        let key = BlockKey(pa: 0x4000_0000, va: 0x4000_0000, context: LiftContext(el: 1, spSel: 1))
        var r = Random(s: 0xC0_4B1E)
        var checked = 0
        var codes: [(VectorOpcode, Bool)] = []   // (op, binary)
        for bits in [32, 64] {
            for shape in [0, 1, 2] where !(bits == 64 && shape == 1) {
                for op in [VectorFPOp.cmeq, .cmge, .cmgt, .acge, .acgt, .max, .min, .maxnm, .minnm, .addp] {
                    codes.append((.fp(op, laneBits: bits, shape: shape), !(op == .addp && shape == 2)))
                }
            }
        }
        for shape in [0, 1, 2] {
            for fbits in [0, 1, 16, 32] {
                codes.append((.fp(.fromIntS, laneBits: 32, shape: shape, param2: fbits), false))
            }
            codes.append((.fp(.toIntS, laneBits: 32, shape: shape, rounding: .zero), false))
        }
        let edges32 = FPSIMDFuzzTests.conversionEdges(bits: 32)
        for (code, binary) in codes {
            var b = IRBuilder(guestPC: 0x4000_0000)
            b.insnStart(pc: 0x4000_0000)
            let x = b.getVec(0, .v128), y = b.getVec(1, .v128)
            b.setVec(3, b.vop(code, x, binary ? y : .none))
            b.exitJump(0x4000_1000)
            let block = TranslatedBlock(key: key, ir: b.block)
            XCTAssertTrue(jit.compile(block, mmuIndex: rig.cpu.mmuIndex) {})
            let op = VectorFPOp(rawValue: code.op)!
            for fpcr in FPSIMDFuzzTests.fpcrModes {
                for k in 0..<80 {
                    var va = FPSIMDFuzzTests.fpVector(&r, bits: code.laneBits)
                    var vb = FPSIMDFuzzTests.fpVector(&r, bits: code.laneBits)
                    switch op {
                    case .fromIntS:
                        va = V128(lo: FPSIMDFuzzTests.lane(&r), hi: FPSIMDFuzzTests.lane(&r))
                    case .toIntS:
                        for l in 0..<4 where r.below(2) == 0 { va.setLane(l, bits: 32, r.pick(edges32)) }
                    default:
                        if k % 4 == 0 { vb = va }                       // equal lanes
                        if k % 8 == 1 {                                 // ±0 lanes
                            let s: UInt64 = 1 << UInt64(code.laneBits - 1)
                            for l in 0..<(128 / code.laneBits) { va.setLane(l, bits: code.laneBits, s * UInt64(l & 1)); vb.setLane(l, bits: code.laneBits, s * UInt64(1 - l & 1)) }
                        }
                    }
                    rig.prepare([va, vb], fpcr: fpcr)
                    _ = jit.run(block, state: rig.cpu.state)
                    var fp = VectorFPState(fpcr: fpcr)
                    let expected = VectorSemantics.evaluate(code, va, binary ? vb : .zero, .zero, &fp)
                    let got = rig.cpu.vreg(3)
                    if got.lo != expected.lo || got.hi != expected.hi || rig.cpu.fpsr != fp.fpsrFlags {
                        XCTFail("\(code) \(va), \(vb) FPCR 0x\(String(fpcr, radix: 16)): JIT \(V128(lo: got.lo, hi: got.hi)) FPSR 0x\(String(rig.cpu.fpsr, radix: 16)), expected \(expected) FPSR 0x\(String(fp.fpsrFlags, radix: 16))")
                        return
                    }
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 30_000)
    }

    /// The new forms mixed in blocks with other FP ops (one MXCSR run across
    /// them) and helper calls, on the interpreter and the JIT.
    func testConversionAndSelectBlocksAgainstTheInterpreter() throws {
        var r = Random(s: 0xC0_5E1EC7)
        for trial in 0..<150 {
            var b = IRBuilder(guestPC: 0x4000_0000)
            b.insnStart(pc: 0x4000_0000)
            var pool: [Value] = (0..<16).map { b.getVec($0, .v128) }
            for k in 0..<(6 + r.below(20)) {
                if k % 4 == 3 { b.insnStart(pc: 0x4000_0000 + UInt64(4 * k)) }
                let x = r.pick(pool), y = r.pick(pool)
                let v: Value
                switch r.below(8) {
                case 0:
                    let t: IRType = r.below(2) == 0 ? .f64 : .f32
                    let s = b.fp(FPOpcode(r.pick([.max, .minnm, .add] as [FPOpcode.Kind])), t, b.vextract(x, bitOffset: 0, t),
                                 b.vextract(y, bitOffset: 0, t))
                    v = b.vinsert(x, bitOffset: 0, s)
                case 1:
                    let t: IRType = r.below(2) == 0 ? .f64 : .f32
                    let n = b.fp(FPOpcode(.toInt, rounding: r.pick([.zero, .negInf, .tieEven]), flag: r.below(2) == 0),
                                 r.below(2) == 0 ? .i64 : .i32, b.vextract(x, bitOffset: 0, t))
                    b.setReg(r.below(16), n)
                    let f = b.fp(FPOpcode(.fromInt, flag: r.below(2) == 0, fbits: r.pick([0, 3])), t, n)
                    v = b.vinsert(y, bitOffset: 0, f)
                case 2:
                    v = b.vop(VectorOpcode.fp(.recpe, laneBits: 32, shape: 0), x)   // a helper op
                case 3:
                    let op = r.pick([VectorFPOp.fromIntS, .toIntS])
                    v = b.vop(.fp(op, laneBits: 32, shape: r.below(3), rounding: op == .toIntS ? .zero : nil), x)
                default:
                    let op = r.pick([VectorFPOp.cmeq, .cmge, .cmgt, .acgt, .max, .minnm, .addp, .add])
                    let bits = r.pick([32, 64])
                    v = b.vop(.fp(op, laneBits: bits, shape: bits == 64 ? r.pick([0, 2]) : r.below(3)), x, y)
                }
                pool.append(v)
                b.setVec(r.below(32), v)
            }
            for (n, v) in pool.suffix(16).enumerated() { b.setVec(16 + n, v) }
            b.exitJump(0x4000_1000)
            var ir = b.block
            XCTAssertEqual(IRVerifier.verify(ir).map(\.description), [])
            if trial % 2 == 0 { Optimizer.run(&ir) }
            let fpcr = r.below(3) == 0 ? FPSIMDFuzzTests.fpcr(&r) : UInt64(r.below(4)) << 22
            let bits = r.pick([32, 64])
            let vregs = (0..<32).map { _ in FPSIMDFuzzTests.fpVector(&r, bits: bits) }
            try compare(ir, vregs: vregs, fpcr: fpcr, features: nil, "conversion/select trial \(trial)")
        }
    }
}
