import XCTest
import A64
import Engine
import EngineTestSupport
import TestReferences

/// FP/SIMD programs (FuzzGenerator+FPSIMD.swift: random V0-V31 biased to
/// special values and a random FPCR) on the interpreter and on Unicorn
/// (QEMU's translator, scripts/unicorn-oracle.py): X, V, FPSR, FPCR and NZCV
/// must be equal. Only data-processing units that the snippet CPU lifts
/// (FP/SIMD loads and stores fault differently on the snippet machine's
/// data area; Unicorn's "max" CPU has features the snippet CPU makes
/// UNDEFINED), and not FCVTZS/FCVTZU Hd, Hn, #fbits, whose result QEMU
/// (7.2 and Unicorn's) sign-extends into bits 31:16 (simd_fp_other.c). Bounded
/// by default; ARMATURE_FUZZ_INSTRUCTIONS=N for a long run.
extension FuzzGenerator {
    mutating func fpsimdDataProgram(length: Int) -> FuzzProgram {
        var p = fpsimdProgram(length: length)
        var units = p.units.filter { u in
            u.label == "halt" || u.label == "msr fpcr" || u.label == "mrs/msr fpsr"
                || (!(FuzzGenerator.fpsimdOps.contains { "\($0)" == u.label && FuzzGenerator.isFPSIMDMemory($0) })
                    && u.insns.allSatisfy { FuzzGenerator.lifts($0.word) && !FuzzGenerator.isScalarHalfToFixed($0.word) })
        }
        if units.count < 2 { units = p.units.filter { $0.label == "halt" } }
        p.units = units
        return p
    }

    /// FCVTZS/FCVTZU (scalar, fixed-point) of a half-precision value: immh = 001x.
    static func isScalarHalfToFixed(_ w: UInt32) -> Bool {
        w & 0xDF80_FC00 == 0x5F00_FC00 && (w >> 20) & 7 == 1
    }
}

final class FuzzUnicornFPSIMDTests: XCTestCase {
    static func program(seed: UInt64) -> FuzzProgram {
        var g = FuzzGenerator(seed: seed)
        g.strict = true
        g.faultProbability = 0
        g.userOnly = true
        var p = g.fpsimdDataProgram(length: g.rng.int(4...48))
        p.spSel = 1
        p.el = 1
        return p
    }

    func testFPSIMDInterpreterVersusUnicorn() throws {
        try UnicornOracle.fuzzInterpreter("fp/simd interp", defaultInstructions: 4_000, seed: 0xF9_0C0D) {
            FuzzUnicornFPSIMDTests.program(seed: $0)
        }
    }
}
