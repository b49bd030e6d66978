import XCTest
import A64
import Engine
import EngineTestSupport

/// Differential fuzzing of the engines with random A64 programs (FuzzGenerator):
/// (a) the interpreter with the optimizer against the interpreter without it;
/// (b) the IR interpreter (the reference) against the JIT, when the JIT runs;
/// (c) the threaded interpreter of pre-decoded blocks against the IR interpreter.
///
/// Fixed seeds; 100,000 generated instructions per comparison by default.
/// Long runs: ARMATURE_FUZZ_INSTRUCTIONS=5000000 (and ARMATURE_FUZZ_SEED=N,
/// ARMATURE_FUZZ_KEEP_GOING=1 to report every divergence rather than the first).
final class FuzzTests: XCTestCase {
    static let defaultInstructions = 100_000

    func check(_ summary: FuzzHarness.Summary, _ name: String) {
        print("fuzz \(name): \(summary.text)")
        for d in summary.divergences {
            XCTFail("\(name): the engines diverge on program seed 0x\(String(d.programSeed, radix: 16)) (\(d.signature)); the report is printed above")
        }
    }

    func testInterpreterOptimizedVersusUnoptimized() {
        let config = FuzzHarness.Config.fromEnvironment(defaultInstructions: FuzzTests.defaultInstructions, seed: 0xA64_0001)
        let h = FuzzHarness(config: config,
                            a: ("interp", FuzzHarness.options(.interp, optimize: true)),
                            b: ("interp-noopt", FuzzHarness.options(.interp, optimize: false)))
        check(h.run(), "interp vs interp-noopt")
    }

    func testInterpreterVersusJIT() {
        let probe = SnippetRunner.probe(.jit)
        XCTAssertTrue(probe.runs, "the JIT cannot run a trivial snippet")
        XCTAssertTrue(probe.compiled, "the JIT ran the probe without compiling it to host code")
        guard probe.runs && probe.compiled else { return }
        let config = FuzzHarness.Config.fromEnvironment(defaultInstructions: FuzzTests.defaultInstructions, seed: 0xA64_0002)
        let h = FuzzHarness(config: config,
                            a: ("ir-interp", FuzzHarness.options(.interp, optimize: true, reference: true)),
                            b: ("jit", FuzzHarness.options(.jit, optimize: true)))
        check(h.run(), "ir-interp vs jit")
    }

    func testThreadedVersusIRInterpreter() {
        let config = FuzzHarness.Config.fromEnvironment(defaultInstructions: FuzzTests.defaultInstructions, seed: 0xA64_0003)
        let h = FuzzHarness(config: config,
                            a: ("ir-interp", FuzzHarness.options(.interp, optimize: true, reference: true)),
                            b: ("interp", FuzzHarness.options(.interp, optimize: true)))
        check(h.run(), "ir-interp vs interp")
    }

    /// The generator's programs are what they claim: every word decodes, the
    /// final word halts, and a batch covers every operation class it knows.
    func testGeneratorCoverage() {
        var ops = Set<A64Op>()
        for i in 0..<3000 {
            let p = FuzzHarness.generate(seed: FuzzHarness.programSeed(7, i), strict: false)
            let w = p.words()
            XCTAssertEqual(w.last, Snippet.haltWord)
            var k = 0
            for u in p.units {
                for _ in u.insns {
                    let op = A64Decoder.decode(w[k])
                    if op == .unallocated { XCTAssert(u.label.hasSuffix("unallocated"), u.label) }
                    ops.insert(op)
                    k += 1
                }
            }
        }
        // FEAT_PAuth: one helper call each, checked under both engines
        // against QEMU 7.2 by the guest tests sys_pauth and sys_pauth_traps.
        let pauth: Set<A64Op> = [.pacAut, .xpac, .pacga, .branchAuth, .retAuth, .eretAuth, .ldrAuth]
        let expected: Set<A64Op> = Set(A64Op.allCases.filter { !$0.isFPSIMD }).subtracting([.eret, .unallocated])
            .subtracting(pauth)
        let missing = expected.subtracting(ops)
        XCTAssert(missing.isEmpty, "operations never generated: \(missing.map { "\($0)" }.sorted())")

        // FP/SIMD: the FP/SIMD generator (FuzzGenerator+FPSIMD.swift) makes
        // every FP/SIMD operation the lifter lifts.
        var fpOps = Set<A64Op>()
        for i in 0..<600 {
            let p = FuzzGenerator.generateFPSIMD(seed: FuzzHarness.programSeed(11, i))
            let w = p.words()
            XCTAssertEqual(w.last, Snippet.haltWord)
            for word in w { fpOps.insert(A64Decoder.decode(word)) }
        }
        let fpExpected = Set(FuzzGenerator.fpsimdOps).subtracting(FuzzGenerator.unlifted)
        let fpMissing = fpExpected.subtracting(fpOps)
        XCTAssert(fpMissing.isEmpty, "FP/SIMD operations never generated: \(fpMissing.map { "\($0)" }.sorted())")
    }

    /// Snippets end where they should: at the final halt, or at a vector with
    /// the exception registers written.
    func testSnippetRunnerBasics() {
        var interp = EngineOptions()
        interp.kind = .interp
        // mov x0, #42; add x1, x0, #1; hlt #0xf000
        var s = Snippet(code: [0xD280_0540, 0x9100_0401, Snippet.haltWord])
        var st = SnippetRunner.run(s, options: interp)
        XCTAssertEqual(st.exit, .halted)
        XCTAssertEqual(st.x[1], 43)
        XCTAssertEqual(st.pc, Snippet.codeBase + 12)
        XCTAssertFalse(st.endedInVector)

        // svc #1: ends in the vector for the current EL with SP_ELx.
        s = Snippet(code: [0xD400_0021, Snippet.haltWord])
        st = SnippetRunner.run(s, options: interp)
        XCTAssertEqual(st.pc, Snippet.vectorBase + 0x200 + 4)
        XCTAssertEqual(st.esr, 0x5600_0001)
        XCTAssertEqual(st.elr, Snippet.codeBase + 4)

        // ldr x0, [x28, #1] (unscaled): alignment fault (Device memory, MMU off).
        s = Snippet(code: [0xF840_1380, Snippet.haltWord], x: Array(repeating: 0, count: 28) + [FuzzGenerator.dataMiddle])
        st = SnippetRunner.run(s, options: interp)
        XCTAssertTrue(st.endedInVector)
        XCTAssertEqual(st.esr >> 26, 0x25)
        XCTAssertEqual(st.far, FuzzGenerator.dataMiddle + 1)

        // At EL0 an SVC goes to the lower-EL vector, SPSR records EL0t.
        s = Snippet(code: [0xD400_0021, Snippet.haltWord])
        s.el = 0
        st = SnippetRunner.run(s, options: interp)
        XCTAssertEqual(st.pc, Snippet.vectorBase + 0x400 + 4)
        XCTAssertEqual(st.el, 1)
        XCTAssertEqual(st.spsr & 0xF, 0)

        // Self-modifying code in the running block: the store replaces
        // `movz x0, #1` (two instructions later) with `movz x0, #2`.
        s = Snippet(code: [0x1000_0081, 0x5280_0802, 0x72BA_5002, 0xB900_0022, 0xD280_0020, Snippet.haltWord])
        for kind in [EngineKind.interp, .jit] {
            var o = EngineOptions()
            o.kind = kind
            st = SnippetRunner.run(s, options: o)
            XCTAssertEqual(st.x[0], 2, "\(kind)")
        }

        // A loop (b .) stops at the budget.
        s = Snippet(code: [0x1400_0000])
        st = SnippetRunner.run(s, options: interp, budget: 50)
        XCTAssertEqual(st.exit, .budget)
        XCTAssertLessThan(st.instructions, 100)
        // Under the JIT a chained loop never returns to the dispatcher: the watchdog stops it.
        var jit = EngineOptions()
        jit.kind = .jit
        st = SnippetRunner.run(s, options: jit, budget: 50, timeoutSeconds: 0.5)
        XCTAssertEqual(st.exit, .budget)

        // Stores change the data checksum.
        s = Snippet(code: [0xF900_0380, Snippet.haltWord], x: [0x1234] + Array(repeating: 0, count: 27) + [FuzzGenerator.dataMiddle])
        let before = SnippetRunner.checksum([UInt8](repeating: 0, count: Snippet.dataSize))
        st = SnippetRunner.run(s, options: interp)
        XCTAssertNotEqual(st.dataChecksum, before)
        XCTAssertEqual(st.data[Snippet.dataSize / 2], 0x34)
    }
}
