import XCTest
@testable import Engine
import IR
import Lift

/// A plain ADD between a flag-setting instruction and the branch on its
/// flags is a `lea` (emitFlagPreservingAdd): the branch takes the x86 flags
/// of the compare instead of a condition computed into a register. Its
/// results are held against the interpreter by the fuzzers (FuzzTests).
final class JITFlagFusionTests: XCTestCase {
    private func compile(_ words: [UInt32]) throws -> [UInt8] {
        let engine = try JITEngine(chaining: true)
        let base: UInt64 = 0x4008_0000
        var ir = Lifter.lift(pc: base, context: LiftContext(el: 1, spSel: 1)) { va in
            let k = Int((va - base) >> 2)
            return k < words.count ? words[k] : 0xD4A0_0000
        }
        Optimizer.run(&ir)
        let compiler = JITCompiler(runtime: engine.info)
        compiler.reset(block: ir, base: engine.info.epilogue + 0x10_0000, mmuIndex: 1, firstExitID: 1, chaining: true)
        try compiler.compile()
        return compiler.lastCode.bytes
    }

    /// Whether `bytes` hold SETNE (0F 95) anywhere.
    private func hasSetNE(_ b: [UInt8]) -> Bool { zip(b, b.dropFirst()).contains { $0 == 0x0F && $1 == 0x95 } }

    func testAddBetweenCompareAndBranchKeepsTheFlags() throws {
        // cmp x11, x13; add x9, x9, x14; b.ne .-8
        let code = try compile([0xEB0D_017F, 0x8B0E_0129, 0x54FF_FFC1])
        XCTAssertFalse(hasSetNE(code), "b.ne took a condition computed into a register")
        XCTAssertTrue(zip(code, code.dropFirst()).contains { $0 & 0xF8 == 0x48 && $1 == 0x8D }, "no 64-bit lea for the add")
    }

    func testSubtractionBetweenCompareAndBranchStillWorks() throws {
        // cmp x11, x13; sub x9, x9, x14 (clobbers the x86 flags); b.ne .-8
        let code = try compile([0xEB0D_017F, 0xCB0E_0129, 0x54FF_FFC1])
        XCTAssertTrue(hasSetNE(code), "the condition must be taken before the sub")
    }
}
