import XCTest
import Foundation
import Machine
@testable import Engine
import EngineTestSupport

/// Reproducers of engine bugs found while writing the engine unit tests, all
/// fixed in d40be7d; each test asserts the architecturally correct result and
/// names the bug it guards against.
final class EngineRegressionTests: XCTestCase {
    static let code = Snippet.codeBase
    static let vectors = Snippet.vectorBase

    func regression(_ present: Bool, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        if present { XCTFail("regression: \(what)", file: file, line: line) }
    }

    func run(_ s: Snippet, _ kind: EngineKind, budget: Int = 100_000, timeout: Double = 10) -> SnippetState {
        var o = EngineOptions()
        o.kind = kind
        return SnippetRunner.run(s, options: o, budget: budget, timeoutSeconds: timeout)
    }

    /// JIT (was broken): a store done by a helper (SWP/LDADD and the other LSE
    /// atomics, CAS, STXR) into a later instruction of the running block went unnoticed.
    /// `hostAddressForAtomic` reports the code-page write (the dispatcher
    /// drops the blocks and sets `codeWritten`), the interpreter checks
    /// `codeWritten` at every instruction boundary, but the JIT emits the check
    /// (`emitCodeWriteCheck`) only after instructions with an IR `store`
    /// (`instructionHasStore`), not after helper calls that write memory; so it
    /// ran the stale instruction. The fix: set `instructionHasStore` for calls of
    /// atomic, compareAndSwap(Pair), storeExclusive and dcZeroVA.
    func testHelperStoreIntoLaterCodeOfTheSameBlock() throws {
        let c = EngineRegressionTests.code
        let newWord: UInt64 = 0xD280_0540   // mov x0, #42
        let cases: [(String, [UInt32], [UInt64])] = [
            ("swp", [
                0xB822_8064, // 0: swp w2, w4, [x3]
                0xD503_201F, // 4: nop
                0xD280_0020, // 8: mov x0, #0x1  (overwritten)
                0xD45E_0000, // c: hlt #0xf000
            ], [0, 0, newWord, c + 8]),
            ("stxr", [
                0x885F_7C65, // 0: ldxr w5, [x3]
                0x8806_7C62, // 4: stxr w6, w2, [x3]
                0xD503_201F, // 8: nop
                0xD280_0020, // c: mov x0, #0x1  (overwritten)
                0xD45E_0000, // 10: hlt #0xf000
            ], [0, 0, newWord, c + 12]),
            ("cas", [
                0x88A5_7C62, // 0: cas w5, w2, [x3]
                0xD503_201F, // 4: nop
                0xD280_0020, // 8: mov x0, #0x1  (overwritten; w5 holds its old word)
                0xD45E_0000, // c: hlt #0xf000
            ], [0, 0, newWord, c + 8, 0, 0xD280_0020]),
        ]
        var stale: [String] = []
        for (name, words, x) in cases {
            let i = run(Snippet(code: words, x: x), .interp)
            XCTAssertEqual(i.exit, .halted, "\(name) interp")
            XCTAssertEqual(i.x[0], 42, "\(name) interp: the new instruction ran")
            let j = run(Snippet(code: words, x: x), .jit)
            XCTAssertEqual(j.exit, .halted, "\(name) jit")
            XCTAssertTrue(j.x[0] == 42 || j.x[0] == 1, "\(name) jit: x0 = \(j.x[0])")
            if j.x[0] != 42 { stale.append(name) }
        }
        regression(!stale.isEmpty,
                     "the JIT runs stale code after \(stale.joined(separator: ", ")) writes a later instruction of its own block (no codeWritten check after helper stores)")
    }

    /// JIT (was broken): an indirect branch to guest VA 1 jumped to host address 0
    /// and killed the process (SIGSEGV) when jump-cache entry 0 was empty: empty
    /// entries hold the key 1 ("no guest PC is odd") and host 0, and
    /// `emitIndirectExit` compares the target VA with the key before any
    /// alignment check, so VA 1 hits the empty entry. Expected: a PC
    /// alignment fault (ESR 0x8a000000, FAR = ELR = 1), as the interpreter
    /// gives. The fix: test the target's low two bits before the lookup (a
    /// misaligned target must reach the dispatcher, which raises the fault),
    /// or fill empty slot i with a key that does not index slot i.
    /// Runs in a child process because the bug crashes it.
    func testIndirectBranchToAddressOne() throws {
        let words: [UInt32] = [
            0xD518_201F, // 0: msr TTBR0_EL1, xzr   (flushes the TLB, so the jump cache is emptied)
            0xD280_0020, // 4: mov x0, #0x1
            0xD61F_0000, // 8: br x0
            0xD45E_0000, // c: hlt #0xf000
        ]
        func check(_ s: SnippetState, _ kind: EngineKind) {
            XCTAssertEqual(s.exit, .halted, "\(kind)")
            XCTAssertEqual(s.esr, 0x8A00_0000, "\(kind): PC alignment fault")
            XCTAssertEqual(s.far, 1, "\(kind)")
            XCTAssertEqual(s.elr, 1, "\(kind)")
            XCTAssertEqual(s.pc, EngineRegressionTests.vectors + 0x204, "\(kind)")
        }
        if ProcessInfo.processInfo.environment["ARMATURE_ENGINE_TEST_CHILD"] == "br1" {
            check(run(Snippet(code: words), .jit), .jit)
            return
        }
        check(run(Snippet(code: words), .interp), .interp)

        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["EngineTests.EngineRegressionTests/testIndirectBranchToAddressOne"]
        var env = ProcessInfo.processInfo.environment
        env["ARMATURE_ENGINE_TEST_CHILD"] = "br1"
        child.environment = env
        let out = Pipe()
        child.standardOutput = out
        child.standardError = out
        try child.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        if child.terminationReason == .uncaughtSignal {
            regression(true, "`br x0` with x0 = 1 under the JIT kills the process with signal \(child.terminationStatus) (empty jump-cache entry 0 matches VA 1)")
            return
        }
        XCTAssertEqual(child.terminationStatus, 0, "the JIT child run failed:\n\(text)")
    }

    /// Both engines (was broken): after an illegal exception return (PSTATE.IL = 1) the next
    /// instruction must take an Illegal Execution state exception (EC 0x0e,
    /// ELR = that instruction; Arm ARM, "Illegal return events from AArch64
    /// state" and the PSTATE.IL checks; QEMU raises it at translation time).
    /// `exceptionReturn` sets PSTATE.IL, but nothing checks it, so the
    /// instruction at ELR ran. The fix: make IL part of the block key (or check it
    /// in the dispatcher) and raise EC 0x0e for the first instruction.
    func testIllegalExceptionReturnThenTheNextInstructionTraps() throws {
        let words: [UInt32] = [
            0x1000_00A0, // 0: adr x0, 0x14 <target>
            0xD518_4020, // 4: msr ELR_EL1, x0
            0xD280_0121, // 8: mov x1, #0x9          (EL2h: no EL2, so illegal)
            0xD518_4001, // c: msr SPSR_EL1, x1
            0xD69F_03E0, // 10: eret
            0xD280_0022, // 14: mov x2, #0x1          <target>
            0xD45E_0000, // 18: hlt #0xf000
        ]
        var ran: [EngineKind] = []
        for kind in EngineKind.allCases {
            let s = run(Snippet(code: words), kind)
            XCTAssertEqual(s.exit, .halted, "\(kind)")
            XCTAssertEqual(s.el, 1, "\(kind): the illegal return keeps EL1")
            if s.x[2] == 1 { ran.append(kind); continue }
            XCTAssertEqual(s.pc, EngineRegressionTests.vectors + 0x204, "\(kind)")
            XCTAssertEqual(s.esr, 0x3A00_0000, "\(kind): EC 0x0e, IL")
            XCTAssertEqual(s.elr, EngineRegressionTests.code + 0x14, "\(kind)")
            XCTAssertEqual(s.spsr, 0x0010_0005, "\(kind): SPSR.IL set, EL1h")
            XCTAssertEqual(s.pstateMisc & (1 << 20), 0, "\(kind): taking the exception clears IL")
        }
        regression(!ran.isEmpty, "PSTATE.IL is not enforced (\(ran.map(\.rawValue).joined(separator: ", "))): after an illegal ERET the next instruction executes instead of raising EC 0x0e")
    }

    /// Both engines (was broken): blocks were cached by the physical address of their first
    /// instruction and (EL, SPSel) only (`BlockKey`), but a block's IR holds
    /// virtual addresses (insnStart PCs, B/BL targets, BL's X30, ADR/ADRP
    /// results, LDR-literal addresses). With the MMU on, the same physical code
    /// reached through a second virtual address reuses the block lifted for the
    /// first: here `adr x0, .` in f, called through an identity map and then
    /// through an alias 1 GiB higher, returns the identity address both times.
    /// This hits Linux, whose early boot code runs at physical addresses and
    /// the same pages later at kernel virtual addresses. The fix: put the VA of the
    /// first instruction in `BlockKey` (and the jump cache then stays right), as
    /// QEMU keys TBs by virtual PC and physical address.
    func testCodeReachedThroughTwoVirtualAddresses() throws {
        let words: [UInt32] = [
            0xD518_A201, // 0: msr MAIR_EL1, x1        (Attr0 = Normal WB)
            0xD518_2042, // 4: msr TCR_EL1, x2         (T0SZ 25, EPD1, IPS 48 bits)
            0xD518_2003, // 8: msr TTBR0_EL1, x3       (the table in the data area)
            0xD518_1004, // c: msr SCTLR_EL1, x4       (M = 1)
            0xD503_3FDF, // 10: isb
            0x9400_0007, // 14: bl 0x30 <f>           (through the identity map)
            0xAA00_03EA, // 18: mov x10, x0
            0xD61F_00A0, // 1c: br x5                 (to <alias>, 1 GiB higher)
            0xD45E_0000, // 20: hlt #0xf000
            0x9400_0003, // 24: bl 0x30 <f>           <alias>
            0xAA00_03EB, // 28: mov x11, x0
            0xD45E_0000, // 2c: hlt #0xf000
            0x1000_0000, // 30: adr x0, 0x30 <f>       <f>
            0xD65F_03C0, // 34: ret
        ]
        // Level 1 table at the data area: VA 0x4000_0000 and VA 0x8000_0000
        // (entries 1 and 2) both map the 1 GiB block at PA 0x4000_0000.
        let block: UInt64 = 0x4000_0000 | (1 << 10) | (3 << 8) | 0b01   // AF, inner shareable, AttrIndx 0, block
        var data = [UInt8](repeating: 0, count: 8)
        for _ in 0..<2 { withUnsafeBytes(of: block.littleEndian) { data += $0 } }
        var x = [UInt64](repeating: 0, count: 31)
        x[1] = 0xFF
        x[2] = 25 | (1 << 23) | (5 << 32)
        x[3] = Snippet.dataBase
        x[4] = 0x30D0_0800 | 1
        let alias: UInt64 = 0x4000_0000
        x[5] = EngineRegressionTests.code + alias + 0x24
        var wrong: [EngineKind] = []
        for kind in EngineKind.allCases {
            let s = run(Snippet(code: words, x: x, data: data), kind)
            XCTAssertEqual(s.exit, .halted, "\(kind)")
            XCTAssertEqual(s.x[10], EngineRegressionTests.code + 0x30, "\(kind): f through the identity map")
            XCTAssertEqual(s.x[30], EngineRegressionTests.code + alias + 0x28, "\(kind)")
            XCTAssertEqual(s.pc, EngineRegressionTests.code + alias + 0x30, "\(kind): halted in the alias")
            if s.x[11] == EngineRegressionTests.code + 0x30 { wrong.append(kind); continue }
            XCTAssertEqual(s.x[11], EngineRegressionTests.code + alias + 0x30, "\(kind): f through the alias")
        }
        regression(!wrong.isEmpty, "blocks are keyed by PA without the VA (\(wrong.map(\.rawValue).joined(separator: ", "))): `adr x0, .` run at VA \(hex(EngineRegressionTests.code + alias + 0x30)) gave \(hex(EngineRegressionTests.code + 0x30)), the VA of its first translation")
    }
}
