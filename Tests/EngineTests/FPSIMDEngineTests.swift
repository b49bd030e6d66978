import XCTest
@testable import Engine
@testable import IR
@testable import Lift
@testable import Machine

/// FP/SIMD IR ops (V registers, v128 values, lane ops, `fp`) on both engines:
/// the same block run by the interpreter and as JIT code leaves the same
/// state (V registers, X registers, FPSR).
final class FPSIMDEngineTests: XCTestCase {
    typealias Rig = EngineRig
    /// The V registers every block starts from.
    static let vregs: [V128] = (0..<32).map {
        V128(lo: 0x1111_1111_1111_1111 &* UInt64($0), hi: 0x0F0E_0D0C_0B0A_0908 &+ UInt64($0))
    }

    /// Runs `build`'s block under the interpreter, then as JIT code; returns both final states.
    func both(_ build: (inout IRBuilder) -> Void, fpcr: UInt64 = 0, optimize: Bool = true) throws -> ([UInt64], [UInt64]) {
        var b = IRBuilder(guestPC: 0x4000_0000)
        b.insnStart(pc: 0x4000_0000)
        build(&b)
        b.exitJump(0x4000_0004)
        var ir = b.block
        XCTAssertEqual(IRVerifier.verify(ir).map(\.description), [])
        if optimize { Optimizer.run(&ir) }
        let key = BlockKey(pa: 0x4000_0000, va: 0x4000_0000, context: LiftContext(el: 1, spSel: 1))
        let rig = Rig()
        rig.prepare(FPSIMDEngineTests.vregs, fpcr: 0)
        rig.cpu.fpcr = fpcr
        _ = IRInterpreter().execute(TranslatedBlock(key: key, ir: ir), cpu: rig.cpu)
        let interp = rig.snapshot()
        rig.prepare(FPSIMDEngineTests.vregs, fpcr: 0)
        rig.cpu.fpcr = fpcr
        let jit = try JITEngine(chaining: false)
        _ = jit.addJumpCache(state: rig.cpu.state)
        let block = TranslatedBlock(key: key, ir: ir)
        XCTAssertTrue(jit.compile(block, mmuIndex: rig.cpu.mmuIndex) {}, "the JIT compiles the block")
        if block.hostCode != nil { _ = jit.run(block, state: rig.cpu.state) }
        return (interp, rig.snapshot())
    }

    func testVectorRegistersLanesAndBitwiseOps() throws {
        let (i, j) = try both { b in
            let v1 = b.getVec(1, .v128)
            let v2 = b.getVec(2, .v128)
            b.setVec(3, b.vop(.add, laneBits: 8, v1, v2))
            b.setVec(4, b.vop(.sub, laneBits: 32, v1, v2))
            b.setVec(5, b.vop(.xor, laneBits: 64, v1, v2))
            b.setVec(6, b.vop(.cmhi, laneBits: 16, v2, v1))
            b.setVec(7, b.vop(.not, laneBits: 8, v1))
            b.setReg(0, b.vextract(v2, bitOffset: 64, .i64))
            b.setReg(1, b.zext(b.vextract(v2, bitOffset: 72, .i8), to: .i64))
            b.setVec(8, b.vinsert(v1, bitOffset: 96, b.trunc(b.getReg(1), to: .i32)))
            b.setVec(9, b.vdup(b.const_(0xAB, .i8)))
            b.setVec(10, b.vdup(b.const_(0x1234, .i16)))
            b.setVec(11, b.vpack(b.const_(0x1122_3344_5566_7788), b.getReg(0)))
            b.setVec(12, b.getVec(13, .f64))     // scalar write: bits 127:64 become zero
            b.setVec(14, b.getVec(15, .i8))
            let s = b.getVec(9, .v128)            // forwarded from the set above
            b.setVec(16, s)
            b.setVec(17, b.getVec(9, .i32))       // another width: read from the state
        }
        XCTAssertEqual(i, j)
        let rig = Rig()
        rig.prepare(FPSIMDEngineTests.vregs, fpcr: 0)
        let v1 = rig.cpu.vreg(1), v2 = rig.cpu.vreg(2)
        XCTAssertEqual(i[2 * 5], v1.lo ^ v2.lo)
        XCTAssertEqual(i[2 * 7 + 1], ~v1.hi)
        XCTAssertEqual(i[64], v2.hi)                        // x0
        XCTAssertEqual(i[65], (v2.hi >> 8) & 0xFF)          // x1
        XCTAssertEqual(i[2 * 9], 0xABAB_ABAB_ABAB_ABAB)
        XCTAssertEqual(i[2 * 10 + 1], 0x1234_1234_1234_1234)
        XCTAssertEqual(i[2 * 11], 0x1122_3344_5566_7788)
        XCTAssertEqual(i[2 * 12], rig.cpu.vreg(13).lo)
        XCTAssertEqual(i[2 * 12 + 1], 0)
        XCTAssertEqual(i[2 * 14], rig.cpu.vreg(15).lo & 0xFF)
        XCTAssertEqual(i[2 * 16 + 1], 0xABAB_ABAB_ABAB_ABAB)
        XCTAssertEqual(i[2 * 17], 0xABAB_ABAB)
        XCTAssertEqual(i[2 * 17 + 1], 0)
        XCTAssertEqual(i[2 * 8 + 1], v1.hi & 0xFFFF_FFFF | ((v2.hi >> 8) & 0xFF) << 32)
    }

    /// Chains of vinserts (as structure loads build them): the JIT inserts in
    /// place where the old vector dies and copies it where it is still used.
    func testChainsOfInserts() throws {
        for optimize in [false, true] {
            let (i, j) = try both({ b in
                let v1 = b.getVec(1, .v128)
                let a = b.vinsert(v1, bitOffset: 0, b.const_(0x11, .i8))    // v1 is used below: a copy
                let c = b.vinsert(a, bitOffset: 8, b.const_(0x22, .i8))     // a dies here: in place
                b.setVec(20, b.vinsert(c, bitOffset: 120, b.const_(0x33, .i8)))
                b.setVec(21, v1)
                let z = b.vdup(b.const_(0, .i16))
                var x = z
                for k in 0..<8 { x = b.vinsert(x, bitOffset: 16 * k, b.const_(UInt64(k + 1), .i16)) }
                b.setVec(22, x)
                b.setVec(23, b.vinsert(z, bitOffset: 64, b.const_(0xFFFF, .i16)))   // z dies here
            }, optimize: optimize)
            XCTAssertEqual(i, j)
            let rig = Rig()
            rig.prepare(FPSIMDEngineTests.vregs, fpcr: 0)
            let v1 = rig.cpu.vreg(1)
            XCTAssertEqual(i[2 * 20], v1.lo & ~0xFFFF | 0x2211)
            XCTAssertEqual(i[2 * 20 + 1], v1.hi & ~(0xFF << 56) | 0x33 << 56)
            XCTAssertEqual(i[2 * 21], v1.lo)
            XCTAssertEqual(i[2 * 21 + 1], v1.hi)
            XCTAssertEqual(i[2 * 22], 0x0004_0003_0002_0001)
            XCTAssertEqual(i[2 * 22 + 1], 0x0008_0007_0006_0005)
            XCTAssertEqual(i[2 * 23], 0)
            XCTAssertEqual(i[2 * 23 + 1], 0xFFFF)
        }
    }

    func testFloatingPointOpsAccumulateFPSR() throws {
        for fpcr: UInt64 in [0, 3 << 22, FPBits.dn | FPBits.fz] {
            let (i, j) = try both({ b in
                let x = b.bitcast(b.const_(0.1.bitPattern), to: .f64)
                let y = b.bitcast(b.const_(3.0.bitPattern), to: .f64)
                let q = b.fp(FPOpcode(.div), .f64, x, y)
                b.setVec(0, q)
                b.setVec(1, b.fp(FPOpcode(.fma), .f64, q, y, x))
                b.setReg(2, b.fp(FPOpcode(.cmp), .i64, q, x))
                let n = b.fp(FPOpcode(.sub), .f64, b.bitcast(b.const_(Double.infinity.bitPattern), to: .f64),
                             b.bitcast(b.const_(Double.infinity.bitPattern), to: .f64))
                b.setVec(2, n)
                let s = b.fp(FPOpcode(.convert), .f32, q)
                b.setVec(3, s)
                b.setReg(3, b.fp(FPOpcode(.toInt, rounding: .zero), .i64, b.fp(FPOpcode(.mul), .f64, y, y)))
                b.setVec(4, b.fp(FPOpcode(.fromInt), .f64, b.const_(UInt64(bitPattern: -7))))
                b.setVec(5, b.select(b.cmp(.eq, b.getReg(4), b.const_(0)), q, x))
            }, fpcr: fpcr)
            XCTAssertEqual(i, j, "FPCR \(fpcr)")
            XCTAssertEqual(i[0], (0.1 / 3.0).bitPattern)
            XCTAssertEqual(i[4], fpcr & FPBits.dn != 0 ? 0x7FF8_0000_0000_0000 : 0x7FF8_0000_0000_0000)
            XCTAssertEqual(i[67], 9)
            XCTAssertEqual(i[8], Double(-7).bitPattern)
            XCTAssertEqual(i.last! & (FPBits.ioc | FPBits.ixc), FPBits.ioc | FPBits.ixc)
        }
    }

    func testManyLiveVectorsAndAHelperCallBetween() throws {
        let (i, j) = try both { b in
            var vs: [Value] = []
            for n in 0..<20 { vs.append(b.getVec(n, .v128)) }
            _ = b.call(.clrex)
            var acc = vs[0]
            for v in vs.dropFirst() { acc = b.vop(.add, laneBits: 16, acc, v) }
            for (n, v) in vs.enumerated() { b.setVec(31 - n % 12, v) }
            b.setVec(0, acc)
        }
        XCTAssertEqual(i, j)
    }
}
