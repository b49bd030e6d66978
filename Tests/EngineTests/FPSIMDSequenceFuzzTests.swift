import XCTest
import A64
import Engine
import EngineTestSupport
import Lift

/// Differential fuzzing of FP/SIMD instruction sequences (FuzzGenerator+FPSIMD.swift):
/// the interpreter against the JIT on the full state (X, V, FPSR, FPCR, NZCV,
/// the data area, system registers). Bounded by default; long runs with
/// ARMATURE_FUZZ_INSTRUCTIONS=N (and ARMATURE_FUZZ_SEED, ARMATURE_FUZZ_KEEP_GOING
/// as for FuzzTests).
final class FPSIMDSequenceFuzzTests: XCTestCase {
    static let defaultInstructions = 5_000

    func check(_ summary: FuzzHarness.Summary, _ name: String) {
        print("fuzz \(name): \(summary.text)")
        for d in summary.divergences {
            XCTFail("\(name): divergence on program seed 0x\(String(d.programSeed, radix: 16)) (\(d.signature)); the report is printed above")
        }
    }

    func harness(_ seed: UInt64, a: (String, EngineOptions), b: (String, EngineOptions)) -> FuzzHarness {
        let config = FuzzHarness.Config.fromEnvironment(defaultInstructions: FPSIMDSequenceFuzzTests.defaultInstructions, seed: seed)
        var h = FuzzHarness(config: config, a: a, b: b)
        h.generator = { FuzzGenerator.generateFPSIMD(seed: $0) }
        return h
    }

    func testInterpreterVersusJIT() {
        let probe = SnippetRunner.probe(.jit)
        XCTAssertTrue(probe.runs && probe.compiled, "the JIT does not run")
        guard probe.runs && probe.compiled else { return }
        let h = harness(0xF9_0001, a: ("interp", FuzzHarness.options(.interp, optimize: true)),
                        b: ("jit", FuzzHarness.options(.jit, optimize: true)))
        check(h.run(), "fp/simd interp vs jit")
    }

    func testInterpreterOptimizedVersusUnoptimized() {
        let h = harness(0xF9_0002, a: ("interp", FuzzHarness.options(.interp, optimize: true)),
                        b: ("interp-noopt", FuzzHarness.options(.interp, optimize: false)))
        check(h.run(), "fp/simd interp vs interp-noopt")
    }

    /// The programs run FP/SIMD code: most end at their final halt (not in
    /// a vector, e.g. an FP/SIMD trap or UNDEFINED).
    func testProgramsRunToTheEnd() {
        var o = EngineOptions()
        o.kind = .interp
        var halted = 0, total = 0
        for i in 0..<60 {
            let p = FuzzGenerator.generateFPSIMD(seed: FuzzHarness.programSeed(0xF9_0003, i))
            let s = SnippetRunner.run(p.snippet(), options: o, budget: 16 * p.instructionCount + 256)
            total += 1
            if s.exit == .halted && !s.endedInVector { halted += 1 }
        }
        XCTAssertGreaterThan(halted, total * 2 / 3, "\(halted) of \(total) FP/SIMD programs ran to their end")
        print("fp/simd fuzz: FP/SIMD operations never lifted (UNDEFINED): \(FuzzGenerator.unlifted.map { "\($0)" }.sorted())")
    }
}
