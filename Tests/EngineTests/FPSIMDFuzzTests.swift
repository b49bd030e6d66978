import XCTest
@testable import Engine
@testable import IR
@testable import Lift
@testable import Machine
import TestRandom

/// Random FP/SIMD IR blocks on the interpreter and the JIT (its SSE paths,
/// their fix-ups and the helper path), from random V registers (special
/// values: ±0, ±inf, quiet and signalling NaNs with payloads, denormals,
/// the smallest and largest normals) and a random FPCR (every rounding mode,
/// FZ and DN on and off): the V and X registers and FPSR must be equal.
/// The scalar FP results are also held against `FPReference` directly.
final class FPSIMDFuzzTests: XCTestCase {
    struct Random: SplitMixGenerator {
        var state: UInt64
        init(s: UInt64) { state = s }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
    }

    static let specials64: [UInt64] = [
        0, 1 << 63, 0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000,              // ±0, ±inf
        0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0123, 0x7FF0_0000_0000_0001,    // qNaN, qNaN payload, sNaN
        0xFFF4_0000_0000_0456, 0x0000_0000_0000_0001, 0x800F_FFFF_FFFF_FFFF,    // sNaN, denormals
        0x0008_0000_0000_0000, 0x0010_0000_0000_0000, 0x8010_0000_0000_0001,    // denormal, smallest normals
        0x7FEF_FFFF_FFFF_FFFF, 0xFFEF_FFFF_FFFF_FFFF, 1.0.bitPattern, (-1.0).bitPattern,
        3.0.bitPattern, 0.1.bitPattern, 1e300.bitPattern, 1e-300.bitPattern, 2.0.bitPattern,
        0x0020_0000_0000_0000, 0x3CA0_0000_0000_0000,                           // 2^-1021, 2^-53
    ]
    static let specials32: [UInt64] = [
        0, 0x8000_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0123, 0x7F80_0001, 0xFFA0_0456,
        0x0000_0001, 0x807F_FFFF, 0x0040_0000, 0x0080_0000, 0x8080_0001, 0x7F7F_FFFF, 0xFF7F_FFFF,
        UInt64(Float(1).bitPattern), UInt64(Float(-1).bitPattern), UInt64(Float(3).bitPattern),
        UInt64(Float(0.1).bitPattern), UInt64(Float(1e38).bitPattern), UInt64(Float(1e-38).bitPattern),
        UInt64(Float(2).bitPattern), 0x0100_0000, 0x3380_0000,
    ]

    static func value(_ r: inout Random, bits: Int) -> UInt64 {
        switch r.below(4) {
        case 0: return r.pick(bits == 64 ? specials64 : specials32)
        case 1:   // a random value of moderate exponent
            if bits == 64 { return (r.next() & 0x800F_FFFF_FFFF_FFFF) | UInt64(1023 - 40 + r.below(80)) << 52 }
            return (r.next() & 0x807F_FFFF) | UInt64(127 - 20 + r.below(40)) << 23
        case 2:   // near the bottom of the range (tiny products, denormal results)
            if bits == 64 { return (r.next() & 0x800F_FFFF_FFFF_FFFF) | UInt64(1 + r.below(40)) << 52 }
            return (r.next() & 0x807F_FFFF) | UInt64(1 + r.below(20)) << 23
        default:
            return bits == 64 ? r.next() : r.next() & 0xFFFF_FFFF
        }
    }

    static func lane(_ r: inout Random) -> UInt64 {
        r.below(3) == 0 ? r.pick([0, ~0, 0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8080_8080_8080_8080,
                                  0x7F7F_7F7F_7F7F_7F7F, 0x8000_7FFF_0001_FFFF, 0xFFFF_FFFF_0000_0000])
            : r.next()
    }

    typealias Rig = EngineRig

    /// Runs the block under the interpreter, then the JIT; fails on a difference.
    func compare(_ ir: IRBlock, vregs: [V128], fpcr: UInt64, features: HostFeatures?, _ what: String) throws {
        let key = BlockKey(pa: 0x4000_0000, va: 0x4000_0000, context: LiftContext(el: 1, spSel: 1))
        let rig = Rig()
        rig.prepare(vregs, fpcr: fpcr)
        _ = IRInterpreter().execute(TranslatedBlock(key: key, ir: ir), cpu: rig.cpu)
        let interp = rig.snapshot()
        rig.prepare(vregs, fpcr: fpcr)
        let jit = try JITEngine(chaining: false, features: features)
        _ = jit.addJumpCache(state: rig.cpu.state)
        let block = TranslatedBlock(key: key, ir: ir)
        XCTAssertTrue(jit.compile(block, mmuIndex: rig.cpu.mmuIndex) {}, "the JIT compiles the block")
        guard block.hostCode != nil else { return }
        _ = jit.run(block, state: rig.cpu.state)
        let j = rig.snapshot()
        if interp != j {
            var diffs: [String] = []
            for k in interp.indices where interp[k] != j[k] {
                let name = k < 64 ? "v\(k / 2).\(k % 2 == 0 ? "lo" : "hi")" : k < 95 ? "x\(k - 64)" : "fpsr"
                diffs.append("\(name): interp 0x\(String(interp[k], radix: 16)) jit 0x\(String(j[k], radix: 16))")
            }
            XCTFail("\(what), FPCR 0x\(String(fpcr, radix: 16)): \(diffs.prefix(6).joined(separator: "; "))\n\(ir)")
        }
    }

    static func fpcr(_ r: inout Random) -> UInt64 {
        UInt64(r.below(4)) << 22 | (r.below(2) == 0 ? FPBits.fz : 0) | (r.below(3) == 0 ? FPBits.dn : 0)
    }

    static let scalarKinds: [FPOpcode.Kind] = [.add, .sub, .mul, .div, .nmul, .sqrt, .fma, .cmp, .cmpe, .abs, .neg,
                                               .max, .minnm]

    /// A block of scalar FP ops on values read from V0...V15 and computed
    /// before; results to V16...V31 and X0...X15.
    static func scalarBlock(_ r: inout Random, ops: Int) -> IRBlock {
        var b = IRBuilder(guestPC: 0x4000_0000)
        b.insnStart(pc: 0x4000_0000)
        var pool: [IRType: [Value]] = [.f64: [], .f32: []]
        for n in 0..<8 { pool[.f64]!.append(b.getVec(n, .f64)) }
        for n in 8..<16 { pool[.f32]!.append(b.getVec(n, .f32)) }
        var vOut = 16, xOut = 0
        for k in 0..<ops {
            if k % 4 == 3 { b.insnStart(pc: 0x4000_0000 + UInt64(4 * k)) }
            let t: IRType = r.below(2) == 0 ? .f64 : .f32
            let vs = pool[t]!
            let x = r.pick(vs), y = r.pick(vs), z = r.pick(vs)
            let kind = r.pick(scalarKinds)
            switch kind {
            case .cmp, .cmpe:
                b.setReg(xOut % 16, b.fp(FPOpcode(kind), .i64, x, y))
                xOut += 1
            case .sqrt, .abs, .neg:
                let v = b.fp(FPOpcode(kind), t, x)
                pool[t]!.append(v)
                b.setVec(16 + vOut % 16, v)
                vOut += 1
            case .fma:
                let v = b.fp(FPOpcode(.fma), t, x, y, z)
                pool[t]!.append(v)
                b.setVec(16 + vOut % 16, v)
                vOut += 1
            default:
                let v = b.fp(FPOpcode(kind), t, x, y)
                pool[t]!.append(v)
                b.setVec(16 + vOut % 16, v)
                vOut += 1
            }
        }
        b.exitJump(0x4000_1000)
        return b.block
    }

    static func scalarVregs(_ r: inout Random) -> [V128] {
        (0..<32).map { n in
            n < 8 ? V128(lo: value(&r, bits: 64), hi: r.next()) : n < 16 ? V128(lo: value(&r, bits: 32) | r.next() << 32, hi: r.next())
                : V128(lo: r.next(), hi: r.next())
        }
    }

    func testScalarFPAgainstTheInterpreter() throws {
        var r = Random(s: 0xF9_5CA1)
        let host = try JITEngine(chaining: false).info.features
        var noFMA = host
        noFMA.fma = false
        for trial in 0..<400 {
            var ir = FPSIMDFuzzTests.scalarBlock(&r, ops: 6 + r.below(20))
            XCTAssertEqual(IRVerifier.verify(ir).map(\.description), [])
            if trial % 2 == 0 { Optimizer.run(&ir) }
            let fpcr = FPSIMDFuzzTests.fpcr(&r)
            let vregs = FPSIMDFuzzTests.scalarVregs(&r)
            try compare(ir, vregs: vregs, fpcr: fpcr, features: trial % 5 == 4 ? noFMA : nil, "scalar trial \(trial)")
        }
    }

    /// Every fix-up path, one op at a time: each kind in each format on pairs
    /// of special values under every FPCR mode, against `FPReference`.
    func testEachFixUpAgainstFPReference() throws {
        let kinds: [FPOpcode.Kind] = [.add, .sub, .mul, .div, .nmul, .sqrt, .fma, .cmp, .cmpe, .abs, .neg]
        let rig = Rig()
        let jit = try JITEngine(chaining: false)
        _ = jit.addJumpCache(state: rig.cpu.state)
        let key = BlockKey(pa: 0x4000_0000, va: 0x4000_0000, context: LiftContext(el: 1, spSel: 1))
        var blocks: [String: TranslatedBlock] = [:]
        var r = Random(s: 0xF1C5)
        var checked = 0
        for bits in [64, 32] {
            let t: IRType = bits == 64 ? .f64 : .f32
            let specials = bits == 64 ? FPSIMDFuzzTests.specials64 : FPSIMDFuzzTests.specials32
            for kind in kinds {
                // One block per op, reused for every input: V0/V1/V2 in, V3 (or X0) out.
                let block: TranslatedBlock
                if let blk = blocks["\(kind)\(bits)"] { block = blk } else {
                    var b = IRBuilder(guestPC: 0x4000_0000)
                    b.insnStart(pc: 0x4000_0000)
                    let x = b.getVec(0, t), y = b.getVec(1, t), z = b.getVec(2, t)
                    switch kind {
                    case .cmp, .cmpe: b.setReg(0, b.fp(FPOpcode(kind), .i64, x, y))
                    case .sqrt, .abs, .neg: b.setVec(3, b.fp(FPOpcode(kind), t, x))
                    case .fma: b.setVec(3, b.fp(FPOpcode(kind), t, x, y, z))
                    default: b.setVec(3, b.fp(FPOpcode(kind), t, x, y))
                    }
                    b.exitJump(0x4000_1000)
                    block = TranslatedBlock(key: key, ir: b.block)
                    XCTAssertTrue(jit.compile(block, mmuIndex: rig.cpu.mmuIndex) {})
                    blocks["\(kind)\(bits)"] = block
                }
                for fpcr in [0, 1 << 22, 2 << 22, 3 << 22, FPBits.fz, FPBits.dn, FPBits.fz | FPBits.dn | 2 << 22] as [UInt64] {
                    for (ia, va) in specials.enumerated() {
                        for k in 0..<6 {
                            let vb = k < 4 ? specials[(ia * 7 + k * 5 + 3) % specials.count] : FPSIMDFuzzTests.value(&r, bits: bits)
                            let vc = FPSIMDFuzzTests.value(&r, bits: bits)
                            rig.prepare([V128(lo: va, hi: 0), V128(lo: vb, hi: 0), V128(lo: vc, hi: 0)], fpcr: fpcr)
                            _ = jit.run(block, state: rig.cpu.state)
                            var flags: UInt64 = 0
                            let outBits = kind == .cmp || kind == .cmpe ? 64 : bits
                            let expected = FPReference.execute(FPOpcode(kind), outBits: outBits, inBits: bits, va, vb, vc,
                                                               fpcr: fpcr, flags: &flags)
                            let got = kind == .cmp || kind == .cmpe ? rig.cpu.x(0) : rig.cpu.vreg(3).lo
                            if got != expected || rig.cpu.fpsr != flags {
                                XCTFail("\(kind).f\(bits) 0x\(String(va, radix: 16)), 0x\(String(vb, radix: 16)), 0x\(String(vc, radix: 16)) FPCR 0x\(String(fpcr, radix: 16)): JIT 0x\(String(got, radix: 16)) FPSR 0x\(String(rig.cpu.fpsr, radix: 16)), expected 0x\(String(expected, radix: 16)) FPSR 0x\(String(flags, radix: 16))")
                                return
                            }
                            checked += 1
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 5000)
    }

    /// A block of `lanes` ops (every op, every lane size) with many values
    /// live at once (XMM spills), moves between vectors and general registers,
    /// and helper calls between (XMM registers saved around them).
    static func vectorBlock(_ r: inout Random, ops: Int) -> IRBlock {
        var b = IRBuilder(guestPC: 0x4000_0000)
        b.insnStart(pc: 0x4000_0000)
        var pool: [Value] = (0..<24).map { b.getVec($0, .v128) }
        var out = 0
        for k in 0..<ops {
            if k % 5 == 4 { b.insnStart(pc: 0x4000_0000 + UInt64(4 * k)) }
            let x = r.pick(pool), y = r.pick(pool)
            let bits = r.pick([8, 16, 32, 64])
            let t = [8: IRType.i8, 16: .i16, 32: .i32, 64: .i64][bits]!
            let v: Value
            switch r.below(12) {
            case 0: v = b.vdup(r.below(2) == 0 ? b.const_(lane(&r), t) : b.vextract(x, bitOffset: bits * r.below(128 / bits), t))
            case 1: v = b.vinsert(x, bitOffset: bits * r.below(128 / bits), b.vextract(y, bitOffset: bits * r.below(128 / bits), t))
            case 2: v = b.vpack(b.vextract(x, bitOffset: 64, .i64), r.below(2) == 0 ? b.const_(lane(&r)) : b.vextract(y, bitOffset: 0, .i64))
            case 3:
                b.setReg(out % 31, b.zext(b.vextract(x, bitOffset: bits * r.below(128 / bits), t), to: .i64))
                if r.below(3) == 0 { _ = b.call(.clrex) }
                out += 1
                continue
            case 4:   // a write of the low 64 bits (Q = 0), then a read of the register
                let n = 24 + r.below(8)
                b.setVec(n, b.vextract(x, bitOffset: 0, .i64))
                v = b.getVec(n, .v128)
            default:
                let op = r.pick(VectorOp.allCases)
                let unary = op == .not || op == .neg || op == .abs
                v = b.vop(op, laneBits: bits, x, unary ? .none : y)
            }
            pool.append(v)
            b.setVec(r.below(32), v)
        }
        // Keep many values live to the end.
        for (n, v) in pool.suffix(16).enumerated() { b.setVec(16 + n, v) }
        b.exitJump(0x4000_1000)
        return b.block
    }

    func testVectorLanesAgainstTheInterpreter() throws {
        var r = Random(s: 0x5EC7_0125)
        let host = try JITEngine(chaining: false).info.features
        var sse41Only = host
        sse41Only.sse42 = false
        for trial in 0..<300 {
            var ir = FPSIMDFuzzTests.vectorBlock(&r, ops: 10 + r.below(40))
            XCTAssertEqual(IRVerifier.verify(ir).map(\.description), [])
            if trial % 2 == 0 { Optimizer.run(&ir) }
            let vregs = (0..<32).map { _ in V128(lo: FPSIMDFuzzTests.lane(&r), hi: FPSIMDFuzzTests.lane(&r)) }
            try compare(ir, vregs: vregs, fpcr: 0, features: trial % 4 == 3 ? sse41Only : nil, "vector trial \(trial)")
        }
    }
}
