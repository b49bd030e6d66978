import XCTest
@testable import Engine
import IR
import Lift

/// The translator's working storage kept from block to block (the
/// optimizer's `OptimizerScratch`, the JIT's one `JITCompiler` per engine)
/// gives exactly what fresh storage gives, whatever came before.
final class TranslatorReuseTests: XCTestCase {
    /// Blocks lifted from generated programs: every unit start of each, so
    /// sizes vary and a small block often follows a large one.
    private func liftedBlocks(programs: Int) -> [IRBlock] {
        var blocks: [IRBlock] = []
        for seed in 0..<UInt64(programs) {
            var g = FuzzGenerator(seed: 0x5C7A_7C00 &+ seed)
            let program = g.program(length: 40 + Int(seed % 5) * 30)
            let words = program.words()
            let base = program.codeAddress
            let context = LiftContext(el: program.el, spSel: Int(program.spSel))
            var pc = base
            for unit in program.units {
                let start = pc
                pc += UInt64(unit.insns.count * 4)
                blocks.append(Lifter.lift(pc: start, context: context) { va in
                    let k = Int((va &- base) >> 2)
                    return k >= 0 && k < words.count ? words[k] : 0xD4A0_0000   // hlt #0 past the end
                })
            }
        }
        return blocks
    }

    func testOptimizerWithOneScratchMatchesFreshRuns() {
        var scratch = OptimizerScratch()
        let blocks = liftedBlocks(programs: 24)
        XCTAssertGreaterThan(blocks.count, 200)
        for (k, lifted) in blocks.enumerated() {
            var fresh = lifted, reused = lifted
            Optimizer.run(&fresh)
            Optimizer.run(&reused, scratch: &scratch)
            XCTAssertEqual(reused.insts, fresh.insts, "block \(k) at \(String(lifted.guestPC, radix: 16))")
            XCTAssertEqual(IRVerifier.verify(reused).map(\.description), [], "block \(k)")
        }
    }

    func testCompactionInPlaceRenumbersOperands() {
        var b = IRBuilder(guestPC: 0x1000)
        let x = b.getReg(1)
        _ = b.const_(7)                      // dead
        let y = b.getReg(2)
        let s = b.add(x, y)
        b.setReg(3, b.xor(s, x))
        b.exitJump(0x1004)
        var block = b.block
        block.insts[1] = Inst(.nop)
        var scratch = OptimizerScratch()
        // A larger block first, so the scratch holds stale entries past this one.
        var big = IRBuilder(guestPC: 0x2000)
        for r in 0..<30 { big.setReg(r, big.getReg(r + 1)) }
        big.exitJump(0x2004)
        var bigBlock = big.block
        DeadCodeElimination.compact(&bigBlock, scratch: &scratch)
        DeadCodeElimination.compact(&block, scratch: &scratch)
        XCTAssertEqual(IRPrinter.print(block), """
        v0 = get x1
        v1 = get x2
        v2 = add.i64 v0, v1
        v3 = xor.i64 v2, v0
        set x3, v3
        exit.jump 0x1004

        """)
    }

    func testReusedJITCompilerEmitsTheBytesOfAFreshOne() throws {
        let engine = try JITEngine(chaining: true)
        let info = engine.info
        // Never run: an address near the runtime stubs, as the code cache's.
        let base = info.epilogue + 0x10_0000
        let reused = JITCompiler(runtime: info)
        var compiled = 0
        for (k, lifted) in liftedBlocks(programs: 16).enumerated() {
            var ir = lifted
            Optimizer.run(&ir)
            let chaining = k % 3 != 0
            let fresh = JITCompiler(runtime: info)
            fresh.reset(block: ir, base: base, mmuIndex: 1, firstExitID: 7, chaining: chaining)
            reused.reset(block: ir, base: base, mmuIndex: 1, firstExitID: 7, chaining: chaining)
            let freshResult = Result { try fresh.compile() }
            let reusedResult = Result { try reused.compile() }
            switch (freshResult, reusedResult) {
            case (.success, .success):
                let a = fresh.lastCode, b = reused.lastCode
                XCTAssertEqual(b.bytes, a.bytes, "block \(k)")
                XCTAssertEqual(b.exits.map(\.targetPC), a.exits.map(\.targetPC), "block \(k)")
                XCTAssertEqual(b.exits.map(\.fieldOffset), a.exits.map(\.fieldOffset), "block \(k)")
                XCTAssertEqual(b.instructionStarts.map(\.hostOffset), a.instructionStarts.map(\.hostOffset), "block \(k)")
                compiled += 1
            case (.failure, .failure): continue
            default: XCTFail("block \(k): one compiler failed, the other did not")
            }
        }
        XCTAssertGreaterThan(compiled, 100)
    }
}
