import XCTest
@testable import Engine
import EngineTestSupport

/// The translated-block cache is bounded (EngineOptions.maxTranslatedBlocks):
/// a program with more blocks than the bound still runs correctly under both
/// engines, the cache being emptied (with the JIT's code) when it fills.
final class BlockCacheLimitTests: XCTestCase {
    /// x0 counts to 10 through a loop split over three blocks.
    static let loop: [UInt32] = [
        0xD280_0000, // 0:  mov x0, #0
        0xD280_0141, // 4:  mov x1, #10
        0x9100_0400, // 8:  add x0, x0, #1
        0x1400_0001, // c:  b 0x10
        0xD100_0421, // 10: sub x1, x1, #1
        0xB5FF_FFA1, // 14: cbnz x1, 0x8
        Snippet.haltWord,
    ]

    func testAProgramWithMoreBlocksThanTheBoundRunsUnderBothEngines() {
        for kind in [EngineKind.interp, .jit] {
            var o = EngineOptions()
            o.kind = kind
            o.maxTranslatedBlocks = 2
            let (s, dispatcher) = SnippetRunner.runKeepingDispatcher(Snippet(code: Self.loop), options: o,
                                                                     budget: 10_000, timeoutSeconds: 10)
            XCTAssertEqual(s.exit, .halted, "\(kind)")
            XCTAssertEqual(s.x[0], 10, "\(kind)")
            XCTAssertEqual(s.x[1], 0, "\(kind)")
            XCTAssertGreaterThan(dispatcher?.statistics.blockCacheFlushes ?? 0, 0, "\(kind): the bound was reached")
        }
    }
}
