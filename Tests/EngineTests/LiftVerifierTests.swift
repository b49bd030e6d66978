import XCTest
import A64
import IR
import Lift
import TestRandom

/// Every encoding the decoder knows lifts to IR the verifier accepts, and the
/// verifier rejects broken blocks (the lifter's structural contract; the
/// per-instruction IR is in LiftTests).
final class LiftVerifierTests: XCTestCase {
    // MARK: Every encoding lifts to valid IR

    /// Random allocated words from every line of the decoder table (fixed
    /// seed), lifted alone and in runs, in several contexts: the verifier
    /// accepts every block before and after the optimizer.
    func testVerifierAcceptsEveryLiftedEncoding() {
        var rng = SplitMix64(seed: 0x1F7_A64)   // every run lifts the same words
        let perLine = 48
        var all: [UInt32] = []
        var opsSeen = Set<A64Op>()
        for line in A64Decoder.table {
            var found = 0, attempts = 0
            while found < perLine && attempts < perLine * 40 {
                attempts += 1
                let w = (UInt32(truncatingIfNeeded: rng.next()) & ~line.mask) | line.value
                let op = A64Decoder.decode(w)
                guard op != .unallocated else { continue }
                found += 1
                all.append(w)
                opsSeen.insert(op)
            }
            if line.op != .unallocated {
                XCTAssertGreaterThan(found, 0, "no allocated word found for the line \(line.pattern) (\(line.op))")
            }
        }
        let missing = Set(A64Op.allCases).subtracting(opsSeen).subtracting([.unallocated])
        XCTAssertEqual(missing, [], "operations never produced")

        let contexts = [LiftContext(el: 0, spSel: 0), LiftContext(el: 1, spSel: 1), LiftContext(el: 2, spSel: 0)]
        var failures = 0
        func check(_ block: IRBlock, _ what: @autoclosure () -> String) {
            var b = block
            let before = IRVerifier.verify(b)
            Optimizer.run(&b)
            let after = IRVerifier.verify(b)
            let ok = before.isEmpty && after.isEmpty && block.insts.last?.isTerminator == true
                && b.guestInstructionCount == block.guestInstructionCount
            if !ok {
                failures += 1
                if failures <= 10 {
                    XCTFail("""
                    \(what()): verifier before: \(before.map(\.description)) after: \(after.map(\.description))
                    \(IRPrinter.print(block))
                    """)
                }
            }
        }
        // Alone.
        for (i, w) in all.enumerated() {
            var ctx = contexts[i % contexts.count]
            ctx.maxInstructions = 1
            let b = Lifter.lift(pc: LiftTests.pc + UInt64(i % 1024) * 4, context: ctx) { _ in w }
            XCTAssertEqual(b.guestInstructionCount, 1)
            check(b, "word 0x\(String(w, radix: 16)) (\(A64Decoder.decode(w)))")
        }
        // In runs of up to 12 shuffled words (forwarding and folding across
        // instructions), ending wherever the first block-ending word falls.
        var order = Array(all.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        var k = 0
        while k < order.count {
            let run = order[k..<min(k + 12, order.count)].map { all[$0] }
            var ctx = contexts[k % contexts.count]
            ctx.maxInstructions = run.count
            let b = Lifter.lift(pc: LiftTests.pc, context: ctx) { va in run[Int((va - LiftTests.pc) / 4)] }
            check(b, "run \(run.map { "0x" + String($0, radix: 16) })")
            k += 12
        }
        XCTAssertEqual(failures, 0)
        XCTAssertGreaterThan(all.count, 3000)
    }

    /// Every FP/SIMD word the decoder allocates (llvm-objdump decodes the same
    /// set: DisassemblerLLVMTests) is lifted, with every feature present: none
    /// falls through to UNDEFINED because no family lifts it.
    func testEveryAllocatedFPSIMDWordIsLifted() {
        var rng = SplitMix64(seed: 0xF9_11F7)
        var ctx = LiftContext(el: 1, spSel: 1)
        ctx.maxInstructions = 1
        ctx.features = .all
        let undefined = UInt64(HelperID.undefined.rawValue)
        var lifted = 0
        var notLifted: [A64Op: UInt32] = [:]
        for line in A64Decoder.table where line.op != .unallocated {
            for _ in 0..<200 {
                let w = (UInt32(truncatingIfNeeded: rng.next()) & ~line.mask) | line.value
                guard A64Decoder.decode(w) == line.op, A64Decoder.form(w) != .none else { continue }
                let b = Lifter.lift(pc: LiftTests.pc, context: ctx) { _ in w }
                if b.insts.contains(where: { $0.op == .call && UInt64($0.imm) == undefined }) {
                    notLifted[line.op] = notLifted[line.op] ?? w
                } else {
                    lifted += 1
                }
            }
        }
        XCTAssertEqual(notLifted.map { "\($0.key) 0x\(String($0.value, radix: 16))" }.sorted(), [])
        XCTAssertGreaterThan(lifted, 20_000)
    }

    /// The check above has teeth: the verifier rejects broken blocks.
    func testVerifierRejectsBrokenBlocks() {
        var b = IRBuilder(guestPC: LiftTests.pc)
        let x = b.getReg(1)
        let narrow = b.trunc(x, to: .i32)
        _ = b.emit(Inst(.add, .i64, a: x, b: narrow))                  // operand types differ
        _ = b.emit(Inst(.select, .i64, a: x, b: x, c: x))              // condition not i1
        b.setReg(2, Value(9))                                          // use before definition
        b.exitJump(0)
        b.exitJump(4)                                                  // a terminator before the end...
        _ = b.getReg(3)                                                // ...and none at the end
        let failures = IRVerifier.verify(b.block)
        XCTAssertEqual(Set(failures.map(\.index)), [2, 3, 4, 5, 6, 7])
    }
}
