import XCTest
import Machine
@testable import Engine
import EngineTestSupport

/// Small programs run in-process through `SnippetRunner` under both engines,
/// with exact expected results. Words come from the toolchain's clang
/// (`--target=aarch64-none-elf -c`) and llvm-objdump at authoring time; the
/// disassembly (offset: instruction) is in the comment next to each.
final class EngineSnippetTests: XCTestCase {
    static let code = Snippet.codeBase
    static let data = Snippet.dataBase
    static let vectors = Snippet.vectorBase

    /// Runs `snippet` under each engine; returns the states and the dispatcher
    /// statistics. Every run must end as `exit` says.
    func runBoth(_ snippet: Snippet, budget: Int = 1_000_000, exit: SnippetState.Exit = .halted,
                 file: StaticString = #filePath, line: UInt = #line) -> [(EngineKind, SnippetState, EngineStatistics)] {
        EngineKind.allCases.map { kind in
            var o = EngineOptions()
            o.kind = kind
            let (s, d) = SnippetRunner.runKeepingDispatcher(snippet, options: o, budget: budget, timeoutSeconds: 20)
            XCTAssertEqual(s.exit, exit, "\(kind): \(s.summary)", file: file, line: line)
            if kind == .jit {
                XCTAssertGreaterThan(s.jitCompiledBlocks, 0, "the JIT compiled nothing", file: file, line: line)
            }
            return (kind, s, d?.statistics ?? EngineStatistics())
        }
    }

    func testTheJITRunsAndCompiles() {
        let probe = SnippetRunner.probe(.jit)
        XCTAssertTrue(probe.runs)
        XCTAssertTrue(probe.compiled)
        XCTAssertTrue(SnippetRunner.probe(.interp).runs)
    }

    // MARK: Arithmetic and flags

    func testArithmeticAndFlags() {
        let words: [UInt32] = [
            0xAB02_0020, // 0: adds x0, x1, x2
            0xD53B_420A, // 4: mrs x10, NZCV
            0xEB01_0023, // 8: subs x3, x1, x1
            0xD53B_420B, // c: mrs x11, NZCV
            0x2B06_00A4, // 10: adds w4, w5, w6
            0xD53B_420C, // 14: mrs x12, NZCV
            0xBA02_0048, // 18: adcs x8, x2, x2
            0xD53B_420E, // 1c: mrs x14, NZCV
            0xEB06_00A7, // 20: subs x7, x5, x6
            0xD53B_420D, // 24: mrs x13, NZCV
            0x9B02_7C2F, // 28: mul x15, x1, x2
            0x9AC5_08D0, // 2c: udiv x16, x6, x5
            0x9AC6_0C31, // 30: sdiv x17, x1, x6
            0x9ADF_0834, // 34: udiv x20, x1, xzr
            0x9A82_B032, // 38: csel x18, x1, x2, lt
            0xDA82_0435, // 3c: csneg x21, x1, x2, eq
            0x9B02_1833, // 40: madd x19, x1, x2, x6
            0x8B05_1056, // 44: add x22, x2, x5, lsl #4
            0x8B26_C057, // 48: add x23, x2, w6, sxtw
            0xDAC0_1058, // 4c: clz x24, x2
            0xD344_2CD9, // 50: ubfx x25, x6, #4, #8
            0x9BC6_7CDA, // 54: umulh x26, x6, x6
            0x93C1_103B, // 58: ror x27, x1, #0x4
            0xD45E_0000, // 5c: hlt #0xf000
        ]
        var x = [UInt64](repeating: 0, count: 31)
        x[1] = 0x7FFF_FFFF_FFFF_FFFF
        x[2] = 1
        x[5] = 0xFFFF_FFFF
        x[6] = 0xFFFF_FFFF_FFFF_FFFE
        x[20] = 0x55
        let expected: [Int: UInt64] = [
            0: 0x8000_0000_0000_0000, 10: 0x9000_0000,     // N, V
            3: 0, 11: 0x6000_0000,                          // Z, C
            4: 0xFFFF_FFFD, 12: 0xA000_0000,                // 32-bit: N, C; zero-extended
            8: 3, 14: 0,                                    // 1 + 1 + carry in
            7: 0x1_0000_0001, 13: 0,                        // borrow: C clear
            15: 0x7FFF_FFFF_FFFF_FFFF,
            16: 0x1_0000_0000,
            17: 0xC000_0000_0000_0001,                      // rounds toward zero
            20: 0,                                          // division by zero
            18: 1, 21: 0xFFFF_FFFF_FFFF_FFFF,
            19: 0x7FFF_FFFF_FFFF_FFFD,
            22: 0xF_FFFF_FFF1, 23: 0xFFFF_FFFF_FFFF_FFFF,
            24: 63, 25: 0xFF, 26: 0xFFFF_FFFF_FFFF_FFFC, 27: 0xF7FF_FFFF_FFFF_FFFF,
            1: 0x7FFF_FFFF_FFFF_FFFF, 2: 1, 5: 0xFFFF_FFFF, 6: 0xFFFF_FFFF_FFFF_FFFE,
        ]
        for (kind, s, _) in runBoth(Snippet(code: words, x: x)) {
            for (r, v) in expected.sorted(by: { $0.key < $1.key }) {
                XCTAssertEqual(s.x[r], v, "\(kind): x\(r)")
            }
            XCTAssertEqual(s.nzcv, 0, "\(kind)")
            XCTAssertEqual(s.pc, EngineSnippetTests.code + 0x60, "\(kind)")
            XCTAssertEqual(s.instructions, UInt64(words.count), "\(kind): instructions counted")
        }
    }

    func testCRC32InstructionsMatchAReferenceCRC() {
        let words: [UInt32] = [
            0x9AC2_4C20, // 0: crc32x w0, w1, x2
            0x1AC5_5083, // 4: crc32cb w3, w4, w5
            0x1AC8_44E6, // 8: crc32h w6, w7, w8
            0x1ACB_5949, // c: crc32cw w9, w10, w11
            0xD45E_0000, // 10: hlt #0xf000
        ]
        var x = [UInt64](repeating: 0, count: 31)
        x[1] = 0xDEAD_BEEF_FFFF_FFFF; x[2] = 0x0123_4567_89AB_CDEF
        x[4] = 0x1234_5678; x[5] = 0xFFFF_FF5A
        x[7] = 0; x[8] = 0xABCD_1234
        x[10] = 0xFFFF_FFFF; x[11] = 0x3938_3736_3534_3332
        for (kind, s, _) in runBoth(Snippet(code: words, x: x)) {
            XCTAssertEqual(s.x[0], UInt64(referenceCRC(0xFFFF_FFFF, 0x0123_4567_89AB_CDEF, bytes: 8, poly: 0xEDB8_8320)), "\(kind)")
            XCTAssertEqual(s.x[3], UInt64(referenceCRC(0x1234_5678, 0x5A, bytes: 1, poly: 0x82F6_3B78)), "\(kind)")
            XCTAssertEqual(s.x[6], UInt64(referenceCRC(0, 0x1234, bytes: 2, poly: 0xEDB8_8320)), "\(kind)")
            XCTAssertEqual(s.x[9], UInt64(referenceCRC(0xFFFF_FFFF, 0x3534_3332, bytes: 4, poly: 0x82F6_3B78)), "\(kind)")
        }
    }

    // MARK: Loads and stores

    func testLoadsAndStoresIncludingAPairAcrossAPage() {
        let words: [UInt32] = [
            0xF900_0381, // 0: str x1, [x28]
            0x3940_1F82, // 4: ldrb w2, [x28, #0x7]
            0x3980_1F83, // 8: ldrsb x3, [x28, #0x7]
            0x79C0_0F84, // c: ldrsh w4, [x28, #0x6]
            0xB940_0785, // 10: ldr w5, [x28, #0x4]
            0xB980_0786, // 14: ldrsw x6, [x28, #0x4]
            0x7900_2381, // 18: strh w1, [x28, #0x10]
            0xAA1C_03E9, // 1c: mov x9, x28
            0xF801_8D21, // 20: str x1, [x9, #0x18]!
            0xF840_8527, // 24: ldr x7, [x9], #0x8
            0xA900_0941, // 28: stp x1, x2, [x10]
            0xA940_314B, // 2c: ldp x11, x12, [x10]
            0xF940_054D, // 30: ldr x13, [x10, #0x8]
            0xD45E_0000, // 34: hlt #0xf000
        ]
        let d = EngineSnippetTests.data
        var x = [UInt64](repeating: 0, count: 31)
        x[1] = 0x8877_6655_4433_2211
        x[10] = d + 0xFF8      // the pair straddles the data area's first page boundary
        x[28] = d
        let le: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]
        for (kind, s, _) in runBoth(Snippet(code: words, x: x)) {
            XCTAssertEqual(s.x[2], 0x88, "\(kind): ldrb")
            XCTAssertEqual(s.x[3], 0xFFFF_FFFF_FFFF_FF88, "\(kind): ldrsb x")
            XCTAssertEqual(s.x[4], 0xFFFF_8877, "\(kind): ldrsh w")
            XCTAssertEqual(s.x[5], 0x8877_6655, "\(kind): ldr w")
            XCTAssertEqual(s.x[6], 0xFFFF_FFFF_8877_6655, "\(kind): ldrsw")
            XCTAssertEqual(s.x[7], 0x8877_6655_4433_2211, "\(kind): post-index load")
            XCTAssertEqual(s.x[9], d + 32, "\(kind): pre- then post-index writeback")
            XCTAssertEqual(s.x[11], 0x8877_6655_4433_2211, "\(kind): ldp first")
            XCTAssertEqual(s.x[12], 0x88, "\(kind): ldp second (next page)")
            XCTAssertEqual(s.x[13], 0x88, "\(kind)")
            XCTAssertEqual(Array(s.data[0..<8]), le, "\(kind)")
            XCTAssertEqual(Array(s.data[16..<24]), [0x11, 0x22, 0, 0, 0, 0, 0, 0], "\(kind): strh")
            XCTAssertEqual(Array(s.data[24..<32]), le, "\(kind): pre-index store")
            XCTAssertEqual(Array(s.data[0xFF8..<0x1008]), le + [0x88, 0, 0, 0, 0, 0, 0, 0], "\(kind): stp across the page")
            XCTAssertFalse(s.endedInVector, "\(kind)")
        }
    }

    /// A load pair whose second access faults writes no register (both loads
    /// happen before any write, and the base is not written back).
    func testLoadPairFaultingOnItsSecondAccessIsPrecise() {
        let words: [UInt32] = [
            0xA8C1_0941, // 0: ldp x1, x2, [x10], #0x10
            0xD45E_0000, // 4: hlt #0xf000
        ]
        let ramEnd = Snippet.ramBase + Snippet.ramSize
        var x = [UInt64](repeating: 0, count: 31)
        x[1] = 0x1111
        x[2] = 0x2222
        x[10] = ramEnd - 8
        for (kind, s, _) in runBoth(Snippet(code: words, x: x)) {
            XCTAssertEqual(s.esr, 0x9600_0010, "\(kind): data abort, same EL, external")
            XCTAssertEqual(s.far, ramEnd, "\(kind): the second access")
            XCTAssertEqual(s.elr, EngineSnippetTests.code, "\(kind)")
            XCTAssertEqual(s.x[1], 0x1111, "\(kind)")
            XCTAssertEqual(s.x[2], 0x2222, "\(kind)")
            XCTAssertEqual(s.x[10], ramEnd - 8, "\(kind): no writeback")
        }
    }

    func testBLRThroughX30ReadsTheTargetBeforeLinking() {
        let words: [UInt32] = [
            0x1000_007E, // 0: adr x30, 0xc <f>
            0xD63F_03C0, // 4: blr x30
            0xD45E_0000, // 8: hlt #0xf000
            0xAA1E_03E0, // c: mov x0, x30        <f>
            0xD65F_03C0, // 10: ret
        ]
        for (kind, s, _) in runBoth(Snippet(code: words)) {
            XCTAssertEqual(s.x[0], EngineSnippetTests.code + 8, "\(kind): the link register in f")
            XCTAssertEqual(s.pc, EngineSnippetTests.code + 12, "\(kind): returned and halted")
            XCTAssertEqual(s.instructions, 5, "\(kind)")
        }
    }

    /// With the MMU off data memory is Device: an access crossing a page is
    /// unaligned and takes an alignment fault, precisely (registers and memory
    /// as before the instruction).
    func testPageCrossingUnalignedAccessFaultsPrecisely() {
        let d = EngineSnippetTests.data
        var x = [UInt64](repeating: 0, count: 31)
        x[1] = 0x1111_2222_3333_4444
        x[10] = d + 0xFF8
        x[13] = 0x1313
        let pattern = [UInt8](repeating: 0xA5, count: 0x1010)
        let load: [UInt32] = [
            0xD280_0020, // 0: mov x0, #0x1
            0xF840_414D, // 4: ldur x13, [x10, #0x4]
            0xD280_0040, // 8: mov x0, #0x2
            0xD45E_0000, // c: hlt #0xf000
        ]
        for (kind, s, _) in runBoth(Snippet(code: load, x: x, data: pattern)) {
            XCTAssertTrue(s.endedInVector, "\(kind)")
            XCTAssertEqual(s.pc, EngineSnippetTests.vectors + 0x204, "\(kind): current EL, SPx, sync")
            XCTAssertEqual(s.esr, 0x9600_0021, "\(kind): data abort, same EL, alignment")
            XCTAssertEqual(s.far, d + 0xFFC, "\(kind)")
            XCTAssertEqual(s.elr, EngineSnippetTests.code + 4, "\(kind)")
            XCTAssertEqual(s.x[0], 1, "\(kind)")
            XCTAssertEqual(s.x[13], 0x1313, "\(kind): destination unchanged")
        }
        let store: [UInt32] = [
            0xF800_6141, // 0: stur x1, [x10, #0x6]
            0xD45E_0000, // 4: hlt #0xf000
        ]
        for (kind, s, _) in runBoth(Snippet(code: store, x: x, data: pattern)) {
            XCTAssertEqual(s.esr, 0x9600_0061, "\(kind): WnR set")
            XCTAssertEqual(s.far, d + 0xFFE, "\(kind)")
            XCTAssertEqual(s.elr, EngineSnippetTests.code, "\(kind)")
            XCTAssertEqual(Array(s.data[0..<0x1010]), pattern, "\(kind): neither page written")
        }
    }

    // MARK: Exceptions

    func testSVCLandsAtTheVectorWithESRAndELR() {
        let words: [UInt32] = [
            0xD280_00A0, // 0: mov x0, #0x5
            0xD400_0841, // 4: svc #0x42
            0xD280_0120, // 8: mov x0, #0x9
            0xD45E_0000, // c: hlt #0xf000
        ]
        var snippet = Snippet(code: words)
        snippet.nzcv = 0x8000_0000
        for (kind, s, _) in runBoth(snippet) {
            XCTAssertTrue(s.endedInVector, "\(kind)")
            XCTAssertEqual(s.pc, EngineSnippetTests.vectors + 0x204, "\(kind)")
            XCTAssertEqual(s.esr, 0x5600_0042, "\(kind): EC SVC, IL, imm16")
            XCTAssertEqual(s.elr, EngineSnippetTests.code + 8, "\(kind): the instruction after the SVC")
            XCTAssertEqual(s.spsr, 0x8000_03C5, "\(kind): N, DAIF masked, EL1h")
            XCTAssertEqual(s.x[0], 5, "\(kind)")
            XCTAssertEqual(s.el, 1)
            XCTAssertEqual(s.daif, 0x3C0)
            XCTAssertEqual(s.instructions, 3, "\(kind): mov, svc and the vector's hlt")
        }
    }

    func testERETToEL0ThenSVCTakesTheLowerELVector() {
        let words: [UInt32] = [
            0x1000_0080, // 0: adr x0, 0x10 <el0>
            0xD518_4020, // 4: msr ELR_EL1, x0
            0xD518_401F, // 8: msr SPSR_EL1, xzr
            0xD69F_03E0, // c: eret
            0xD280_00E1, // 10: mov x1, #0x7          <el0>
            0xD53B_D042, // 14: mrs x2, TPIDR_EL0
            0xD400_0841, // 18: svc #0x42
            0xD45E_0000, // 1c: hlt #0xf000
        ]
        var snippet = Snippet(code: words)
        snippet.spEL0 = 0x4000_8000
        let tpidr = SysRegTable.slot("TPIDR_EL0").slot
        for (kind, s, _) in runBoth(snippet) {
            XCTAssertEqual(s.pc, EngineSnippetTests.vectors + 0x404, "\(kind): lower EL, AArch64")
            XCTAssertEqual(s.esr, 0x5600_0042, "\(kind)")
            XCTAssertEqual(s.elr, EngineSnippetTests.code + 0x1C, "\(kind)")
            XCTAssertEqual(s.spsr, 0, "\(kind): EL0t, flags clear, nothing masked")
            XCTAssertEqual(s.x[1], 7, "\(kind)")
            XCTAssertEqual(s.x[2], s.sysregs[tpidr], "\(kind)")
            XCTAssertEqual(s.el, 1, "\(kind)")
            XCTAssertEqual(s.spSel, 1, "\(kind)")
        }
    }

    func testUndefinedSystemRegisterAccessAtEL0() {
        let words: [UInt32] = [
            0x1000_0080, // 0: adr x0, 0x10 <el0>
            0xD518_4020, // 4: msr ELR_EL1, x0
            0xD518_401F, // 8: msr SPSR_EL1, xzr
            0xD69F_03E0, // c: eret
            0xD280_00E1, // 10: mov x1, #0x7          <el0>
            0xD538_4242, // 14: mrs x2, CurrentEL    (UNDEFINED at EL0)
            0xD280_0101, // 18: mov x1, #0x8
            0xD45E_0000, // 1c: hlt #0xf000
        ]
        var x = [UInt64](repeating: 0, count: 31)
        x[2] = 0x2222
        for (kind, s, _) in runBoth(Snippet(code: words, x: x)) {
            XCTAssertEqual(s.pc, EngineSnippetTests.vectors + 0x404, "\(kind)")
            XCTAssertEqual(s.esr, 0x0200_0000, "\(kind): EC unknown, IL")
            XCTAssertEqual(s.elr, EngineSnippetTests.code + 0x14, "\(kind): the MRS itself")
            XCTAssertEqual(s.x[1], 7, "\(kind)")
            XCTAssertEqual(s.x[2], 0x2222, "\(kind): destination unchanged")
        }
    }

    // MARK: Self-modifying code

    func testStoreIntoLaterCodeOfTheSameBlock() {
        let words: [UInt32] = [
            0xB900_0062, // 0: str w2, [x3]
            0xD503_201F, // 4: nop
            0xD280_0020, // 8: mov x0, #0x1   (overwritten with mov x0, #42 = 0xd2800540)
            0xD45E_0000, // c: hlt #0xf000
        ]
        var x = [UInt64](repeating: 0, count: 31)
        x[2] = 0xD280_0540
        x[3] = EngineSnippetTests.code + 8
        for (kind, s, stats) in runBoth(Snippet(code: words, x: x)) {
            XCTAssertEqual(s.x[0], 42, "\(kind): the new instruction ran")
            XCTAssertGreaterThan(stats.blocksInvalidated, 0, "\(kind)")
            XCTAssertEqual(s.pc, EngineSnippetTests.code + 16, "\(kind)")
        }
    }

    func testPatchingAFunctionBetweenCalls() {
        let words: [UInt32] = [
            0x9400_0006, // 0: bl 0x18 <f>
            0xAA00_03EA, // 4: mov x10, x0
            0xB900_0062, // 8: str w2, [x3]
            0x9400_0003, // c: bl 0x18 <f>
            0xAA00_03EB, // 10: mov x11, x0
            0xD45E_0000, // 14: hlt #0xf000
            0xD280_0020, // 18: mov x0, #0x1   <f> (patched to mov x0, #2 = 0xd2800040)
            0xD65F_03C0, // 1c: ret
        ]
        var x = [UInt64](repeating: 0, count: 31)
        x[2] = 0xD280_0040
        x[3] = EngineSnippetTests.code + 0x18
        for (kind, s, _) in runBoth(Snippet(code: words, x: x)) {
            XCTAssertEqual(s.x[10], 1, "\(kind): first call, old code")
            XCTAssertEqual(s.x[11], 2, "\(kind): second call, new code")
            XCTAssertEqual(s.x[30], EngineSnippetTests.code + 0x10, "\(kind)")
        }
    }

    func testPatchingAChainedLoopBody() {
        let words: [UInt32] = [
            0xD280_0141, // 0: mov x1, #0xa
            0x9100_0400, // 4: add x0, x0, #0x1   <loop> (patched to add x0, x0, #100 = 0x91019000)
            0xD100_0421, // 8: sub x1, x1, #0x1
            0xF100_143F, // c: cmp x1, #0x5
            0x5400_0041, // 10: b.ne 0x18 <skip>
            0xB900_0062, // 14: str w2, [x3]
            0xB5FF_FF61, // 18: cbnz x1, 0x4 <loop>   <skip>
            0xD45E_0000, // 1c: hlt #0xf000
        ]
        var x = [UInt64](repeating: 0, count: 31)
        x[2] = 0x9101_9000
        x[3] = EngineSnippetTests.code + 4
        for (kind, s, stats) in runBoth(Snippet(code: words, x: x)) {
            XCTAssertEqual(s.x[0], 5 * 1 + 5 * 100, "\(kind): five iterations before the patch, five after")
            XCTAssertEqual(s.x[1], 0, "\(kind)")
            XCTAssertGreaterThan(stats.blocksInvalidated, 0, "\(kind)")
        }
    }

    func testABlockThatPatchesItself() {
        let words: [UInt32] = [
            0x9100_0400, // 0: add x0, x0, #0x1   <loop> (patched to add x0, x0, #100 = 0x91019000)
            0xB900_0062, // 4: str w2, [x3]
            0xF100_0421, // 8: subs x1, x1, #0x1
            0x54FF_FFA1, // c: b.ne 0x0 <loop>
            0xD45E_0000, // 10: hlt #0xf000
        ]
        var x = [UInt64](repeating: 0, count: 31)
        x[1] = 3
        x[2] = 0x9101_9000
        x[3] = EngineSnippetTests.code
        for (kind, s, _) in runBoth(Snippet(code: words, x: x)) {
            XCTAssertEqual(s.x[0], 1 + 100 + 100, "\(kind): the block's own first instruction, patched in its first run")
            XCTAssertEqual(s.instructions, 13, "\(kind)")
        }
    }

    // MARK: Blocks are per context

    func testTheSameCodeUnderTwoStackPointerSelections() {
        let words: [UInt32] = [
            0x9400_0004, // 0: bl 0x10 <f>
            0xD500_40BF, // 4: msr SPSel, #0x0
            0x9400_0002, // 8: bl 0x10 <f>
            0xD45E_0000, // c: hlt #0xf000
            0x9100_43FF, // 10: add sp, sp, #0x10   <f>
            0xD65F_03C0, // 14: ret
        ]
        var snippet = Snippet(code: words)
        snippet.spEL0 = 0x4000_1000
        snippet.spEL1 = 0x4000_2000
        for (kind, s, stats) in runBoth(snippet) {
            XCTAssertEqual(s.spEL1, 0x4000_2010, "\(kind): first call on SP_EL1")
            XCTAssertEqual(s.spEL0, 0x4000_1010, "\(kind): second call on SP_EL0")
            XCTAssertEqual(s.spSel, 0, "\(kind)")
            XCTAssertGreaterThanOrEqual(stats.blocksTranslated, 5, "\(kind): f is translated once per SPSel")
        }
    }

    // MARK: Faults and the exception-loop guard

    func testAFaultMidBlockCountsOnlyTheInstructionsBeforeIt() {
        let words: [UInt32] = [
            0xD280_0020, // 0: mov x0, #0x1
            0xD280_0020, // 4: mov x0, #0x1
            0xF840_414D, // 8: ldur x13, [x10, #0x4]   (unaligned: alignment fault)
            0xD45E_0000, // c: hlt #0xf000
        ]
        var x = [UInt64](repeating: 0, count: 31)
        x[10] = EngineSnippetTests.data + 0xFF8
        for (kind, s, _) in runBoth(Snippet(code: words, x: x)) {
            XCTAssertEqual(s.elr, EngineSnippetTests.code + 8, "\(kind)")
            XCTAssertEqual(s.instructions, 3, "\(kind): two movs and the vector's hlt, not the faulting load")
        }
    }

    func testAnExceptionLoopEndsTheRunWithAMessage() {
        let words: [UInt32] = [
            0xD518_C000, // 0: msr VBAR_EL1, x0   (x0: nothing mapped there)
            0x0000_0000, // 4: udf #0x0
        ]
        let message = "guest stuck in an exception loop at EL1 vector 0x20000200 (ESR 0x86000010); it first ran outside RAM/ROM at 0x20000200"
        for (kind, s, _) in runBoth(Snippet(code: words, x: [0x2000_0000]), exit: .fatal(message)) {
            XCTAssertEqual(s.pc, 0x2000_0200, "\(kind)")
            XCTAssertEqual(s.esr, 0x8600_0010, "\(kind): instruction abort, same EL, external")
            XCTAssertEqual(s.far, 0x2000_0200, "\(kind)")
        }
    }

    func testPCAlignmentFaultOnAnIndirectBranch() {
        let words: [UInt32] = [
            0xD61F_0000, // 0: br x0
            0xD45E_0000, // 4: hlt #0xf000
        ]
        let target = EngineSnippetTests.code + 6
        for (kind, s, _) in runBoth(Snippet(code: words, x: [target])) {
            XCTAssertEqual(s.pc, EngineSnippetTests.vectors + 0x204, "\(kind)")
            XCTAssertEqual(s.esr, 0x8A00_0000, "\(kind): PC alignment fault")
            XCTAssertEqual(s.elr, target, "\(kind)")
            XCTAssertEqual(s.far, target, "\(kind)")
        }
    }

    // MARK: Long loops: chaining and the jump cache

    func testLongLoopWithoutChainingGivesTheSameResult() {
        let words: [UInt32] = [0x9100_0C00, 0xF100_0421, 0x54FF_FFC1, 0xD45E_0000]   // as below
        var o = EngineOptions()
        o.kind = .jit
        o.chaining = false
        let (s, d) = SnippetRunner.runKeepingDispatcher(Snippet(code: words, x: [0, 5000]), options: o,
                                                        budget: 100_000, timeoutSeconds: 20)
        XCTAssertEqual(s.exit, .halted)
        XCTAssertEqual(s.x[0], 15_000)
        XCTAssertEqual(d?.statistics.chainsMade, 0)
        XCTAssertGreaterThanOrEqual(d?.statistics.blocksExecuted ?? 0, 5000, "every iteration passes through the dispatcher")
    }

    func testLongLoopChains() {
        let words: [UInt32] = [
            0x9100_0C00, // 0: add x0, x0, #0x3   <loop>
            0xF100_0421, // 4: subs x1, x1, #0x1
            0x54FF_FFC1, // 8: b.ne 0x0 <loop>
            0xD45E_0000, // c: hlt #0xf000
        ]
        let n: UInt64 = 100_000
        for (kind, s, stats) in runBoth(Snippet(code: words, x: [0, n])) {
            XCTAssertEqual(s.x[0], 3 * n, "\(kind)")
            XCTAssertEqual(s.x[1], 0, "\(kind)")
            XCTAssertEqual(s.nzcv, 0x6000_0000, "\(kind): Z and C from the last subs")
            XCTAssertEqual(s.pc, EngineSnippetTests.code + 16, "\(kind)")
            XCTAssertEqual(s.instructions, 3 * n + 1, "\(kind)")
            if kind == .jit {
                XCTAssertGreaterThan(stats.chainsMade, 0, "the loop's back edge is chained")
                XCTAssertLessThan(stats.blocksExecuted, 100, "chained iterations do not return to the dispatcher")
            } else {
                XCTAssertGreaterThanOrEqual(stats.blocksExecuted, n)
            }
        }
    }

    func testIndirectBranchLoopsThroughTheJumpCache() {
        let words: [UInt32] = [
            0x1000_0145, // 0: adr x5, 0x28 <f>
            0xD63F_00A0, // 4: blr x5              <loop>
            0xF100_0421, // 8: subs x1, x1, #0x1
            0x54FF_FFC1, // c: b.ne 0x4 <loop>
            0x9100_0842, // 10: add x2, x2, #0x2   <loop2>
            0x1000_0046, // 14: adr x6, 0x1c <next>
            0xD61F_00C0, // 18: br x6
            0xF100_0463, // 1c: subs x3, x3, #0x1  <next>
            0x54FF_FF81, // 20: b.ne 0x10 <loop2>
            0xD45E_0000, // 24: hlt #0xf000
            0x9100_0400, // 28: add x0, x0, #0x1   <f>
            0xD65F_03C0, // 2c: ret
        ]
        let n: UInt64 = 2000
        var x = [UInt64](repeating: 0, count: 31)
        x[1] = n
        x[3] = n
        for (kind, s, stats) in runBoth(Snippet(code: words, x: x)) {
            XCTAssertEqual(s.x[0], n, "\(kind): calls through BLR, returns through RET")
            XCTAssertEqual(s.x[2], 2 * n, "\(kind)")
            XCTAssertEqual(s.x[5], EngineSnippetTests.code + 0x28, "\(kind)")
            XCTAssertEqual(s.x[6], EngineSnippetTests.code + 0x1C, "\(kind)")
            XCTAssertEqual(s.x[30], EngineSnippetTests.code + 8, "\(kind)")
            XCTAssertEqual(s.instructions, 1 + 5 * n + 5 * n + 1, "\(kind)")
            if kind == .jit {
                XCTAssertLessThan(stats.blocksExecuted, 100, "BR/BLR/RET hit the jump cache instead of the dispatcher")
            } else {
                XCTAssertGreaterThanOrEqual(stats.blocksExecuted, 5 * n)
            }
        }
    }

    /// Straight-line code longer than a page: blocks end at 128 instructions
    /// and at the page end, and execution continues into the next page.
    func testStraightLineCodeAcrossPages() {
        let n = 1500
        let words = [UInt32](repeating: 0x9100_0400, count: n) + [Snippet.haltWord]   // add x0, x0, #1
        for (kind, s, stats) in runBoth(Snippet(code: words)) {
            XCTAssertEqual(s.x[0], UInt64(n), "\(kind)")
            XCTAssertEqual(s.instructions, UInt64(n + 1), "\(kind)")
            XCTAssertEqual(s.pc, EngineSnippetTests.code + UInt64(4 * (n + 1)), "\(kind)")
            // 1024 instructions in the first page: 8 blocks of 128; then
            // 476 + hlt in the second: 3 full blocks and one of 93.
            XCTAssertEqual(stats.blocksTranslated, 12, "\(kind)")
        }
    }
}

/// Bit-by-bit reflected CRC (no tables), as the A64 CRC32/CRC32C
/// instructions define it: no pre- or post-inversion.
func referenceCRC(_ acc: UInt32, _ data: UInt64, bytes: Int, poly: UInt32) -> UInt32 {
    var crc = acc
    for i in 0..<(bytes * 8) {
        let bit = UInt32((data >> UInt64(i)) & 1)
        let mix = (crc ^ bit) & 1
        crc >>= 1
        if mix != 0 { crc ^= poly }
    }
    return crc
}
