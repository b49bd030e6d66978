import XCTest
@testable import Engine
@testable import IR
@testable import Lift

/// Random blocks of `shift` and `widen` vops (the SSE forms of
/// JITCompiler+VectorShift.swift and the helper ones, every shape), with
/// many values live (XMM spills): the JIT gives the interpreter's V
/// registers and FPSR.
final class VectorShiftJITTests: XCTestCase {
    typealias Random = FPSIMDFuzzTests.Random

    static func shiftCode(_ r: inout Random) -> VectorOpcode {
        let bits = r.pick([8, 16, 32, 64])
        let op: VectorShiftOp = r.pick([.shl, .ushr, .sshr, .usra, .ssra, .srshr, .ursra, .sri, .sli, .sqshl, .sqshlu])
        let left = op == .shl || op == .sli || op == .sqshl || op == .sqshlu
        let s = left ? r.below(bits) : 1 + r.below(bits)
        let shape: VectorShape = bits == 64 && r.below(3) == 0 ? .scalar : r.pick([[], .half])
        return VectorOpcode(group: .shift, op: op.rawValue, laneBits: bits, param: s, param2: shape.rawValue,
                            usesFPSR: op.saturates)
    }

    static func widenCode(_ r: inout Random) -> VectorOpcode {
        let bits = r.pick([8, 16, 32])
        let shape: VectorShape = r.pick([[], .upper])
        switch r.below(4) {
        case 0:
            let op: VectorShiftOp = r.pick([.sshll, .ushll])
            return VectorOpcode(group: .shift, op: op.rawValue, laneBits: bits, param: r.below(2) == 0 ? 0 : r.below(bits),
                                param2: shape.rawValue)
        case 1:
            let op: VectorShiftOp = r.pick([.shrn, .sqrshrun])
            return VectorOpcode(group: .shift, op: op.rawValue, laneBits: bits, param: 1 + r.below(bits),
                                param2: shape.rawValue, usesFPSR: op.saturates)
        default:
            let op: VectorWidenOp = r.pick([.xtn, .xtn, .sqxtn, .uaddl, .smlal, .raddhn])
            return VectorOpcode(group: .widen, op: op.rawValue, laneBits: bits, param2: shape.rawValue, usesFPSR: op.saturates)
        }
    }

    static func block(_ r: inout Random, ops: Int) -> IRBlock {
        var b = IRBuilder(guestPC: 0x4000_0000)
        b.insnStart(pc: 0x4000_0000)
        var pool: [Value] = (0..<24).map { b.getVec($0, .v128) }
        for k in 0..<ops {
            if k % 5 == 4 { b.insnStart(pc: 0x4000_0000 + UInt64(4 * k)) }
            let code = r.below(2) == 0 ? shiftCode(&r) : widenCode(&r)
            let v = b.vop(code, r.pick(pool), r.pick(pool), r.pick(pool))
            pool.append(v)
            b.setVec(r.below(32), v)
        }
        for (n, v) in pool.suffix(16).enumerated() { b.setVec(16 + n, v) }
        b.exitJump(0x4000_1000)
        return b.block
    }

    /// Runs the block under the interpreter, then the JIT; fails on a difference.
    func compare(_ ir: IRBlock, vregs: [V128], _ what: String) throws {
        let key = BlockKey(pa: 0x4000_0000, va: 0x4000_0000, context: LiftContext(el: 1, spSel: 1))
        let rig = FPSIMDFuzzTests.Rig()
        rig.prepare(vregs, fpcr: 0)
        _ = IRInterpreter().execute(TranslatedBlock(key: key, ir: ir), cpu: rig.cpu)
        let interp = rig.snapshot()
        rig.prepare(vregs, fpcr: 0)
        let jit = try JITEngine(chaining: false)
        _ = jit.addJumpCache(state: rig.cpu.state)
        let block = TranslatedBlock(key: key, ir: ir)
        XCTAssertTrue(jit.compile(block, mmuIndex: rig.cpu.mmuIndex) {}, "the JIT compiles the block")
        guard block.hostCode != nil else { return }
        _ = jit.run(block, state: rig.cpu.state)
        let j = rig.snapshot()
        if let k = interp.indices.first(where: { interp[$0] != j[$0] }) {
            let name = k < 64 ? "v\(k / 2).\(k % 2 == 0 ? "lo" : "hi")" : k < 95 ? "x\(k - 64)" : "fpsr"
            XCTFail("\(what): \(name): interp 0x\(String(interp[k], radix: 16)) jit 0x\(String(j[k], radix: 16))\n\(ir)")
        }
    }

    func testShiftsAndWideningAgainstTheInterpreter() throws {
        var r = Random(s: 0x5417_F7ED)
        for trial in 0..<200 {
            var ir = VectorShiftJITTests.block(&r, ops: 10 + r.below(40))
            XCTAssertEqual(IRVerifier.verify(ir).map(\.description), [])
            if trial % 2 == 0 { Optimizer.run(&ir) }
            let vregs = (0..<32).map { _ in V128(lo: FPSIMDFuzzTests.lane(&r), hi: FPSIMDFuzzTests.lane(&r)) }
            try compare(ir, vregs: vregs, "shift/widen trial \(trial)")
        }
    }
}
