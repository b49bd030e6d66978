import XCTest
@testable import Engine
import EngineTestSupport

/// Writes to pages of translated code (AddressSpace.noteWrite, BlockCache):
/// data beside code drops nothing; a write to code drops its blocks and is seen
/// from the next instruction on, in the running block too; under both engines.
final class CodeWriteTests: XCTestCase {
    /// A loop whose counter lives 0x40 bytes after its code, in the same page.
    static let counterBesideCode: [UInt32] = [
        0x1000_0202, // 0:  adr x2, 0x40
        0xD280_0C81, // 4:  mov x1, #100
        0xF940_0040, // 8:  ldr x0, [x2]
        0x9100_0400, // c:  add x0, x0, #1
        0xF900_0040, // 10: str x0, [x2]
        0xD100_0421, // 14: sub x1, x1, #1
        0xB5FF_FF81, // 18: cbnz x1, 0x8
        Snippet.haltWord,
    ] + [UInt32](repeating: 0, count: 10)   // 0x20..0x47: the counter at 0x40

    /// Writes "movz x0, #7" over the instruction two ahead in its own block.
    static let patchAhead: [UInt32] = [
        0x1000_0082, // 0:  adr x2, 0x10
        0x5280_1C03, // 4:  mov w3, #0xe0
        0x72BA_5003, // 8:  movk w3, #0xd280, lsl #16   (w3 = movz x0, #7)
        0xB900_0043, // c:  str w3, [x2]
        0xD280_0020, // 10: movz x0, #1  (replaced before it runs)
        Snippet.haltWord,
    ]

    func testACounterBesideItsCodeDropsNoBlock() {
        for kind in [EngineKind.interp, .jit] {
            var o = EngineOptions()
            o.kind = kind
            let (s, dispatcher) = SnippetRunner.runKeepingDispatcher(Snippet(code: Self.counterBesideCode), options: o,
                                                                     budget: 10_000, timeoutSeconds: 10)
            XCTAssertEqual(s.exit, .halted, "\(kind)")
            XCTAssertEqual(s.x[0], 100, "\(kind)")
            XCTAssertEqual(dispatcher?.statistics.blocksInvalidated, 0, "\(kind): the stores touch no code")
        }
    }

    func testAStoreToALaterInstructionOfTheRunningBlockIsSeen() {
        for kind in [EngineKind.interp, .jit] {
            var o = EngineOptions()
            o.kind = kind
            let (s, dispatcher) = SnippetRunner.runKeepingDispatcher(Snippet(code: Self.patchAhead), options: o,
                                                                     budget: 1000, timeoutSeconds: 10)
            XCTAssertEqual(s.exit, .halted, "\(kind)")
            XCTAssertEqual(s.x[0], 7, "\(kind): the new instruction ran")
            XCTAssertEqual(dispatcher?.statistics.blocksInvalidated, 1, "\(kind)")
        }
    }
}
