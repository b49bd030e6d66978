import XCTest
import TestRandom
@testable import Debug

/// `armature trace` reads files it did not write: random mutations of a valid
/// trace never trap; a damaged one is either refused (not a trace, unknown
/// format or record kind) or read up to the damage with `problem` set.
final class TraceFuzzTests: XCTestCase {
    /// A trace as the recorder writes it: header, block definitions, executions, end.
    static func sampleTrace() -> [UInt8] {
        var b = Array("ARMBLKTR".utf8) + [1, 0, 16, 0, 0, 0, 0, 0]
        func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
        func u64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
        for k in 0..<3 {
            let pc = 0x4008_0000 + UInt64(k) * 0x40
            let words: [UInt32] = Array(repeating: 0xD503_201F, count: k + 2)
            b += [2, 0b0101, 0, 0] + u32(UInt32(words.count)) + u64(pc)
            var unit: [UInt8] = []
            for w in words { unit += u32(w) }
            unit += [UInt8](repeating: 0, count: (16 - unit.count % 16) % 16)
            b += unit
            for _ in 0..<3 { b += [1, 0b0101, 0, 0] + u32(UInt32(words.count)) + u64(pc) }
        }
        b += [0x80, 0, 0, 0] + u32(1) + u64(0) + [UInt8](repeating: 0xAA, count: 16)
        b += [3, 0, 0, 0, 0, 0, 0, 0] + u64(27)
        return b
    }

    func testSampleIsWhole() throws {
        let t = try TraceFuzzTests.sampleTrace().withUnsafeBytes { try BlockTrace(bytes: $0) }
        XCTAssertNil(t.problem)
        XCTAssertEqual(t.totalInstructions, 27)
        XCTAssertEqual(t.records, 3 + 9 + 1 + 1)
    }

    func testFuzzTrace() {
        let sample = TraceFuzzTests.sampleTrace()
        var fuzz = InputFuzz(salt: 0x7ACE)
        let n = inputFuzzIterations(quick: 20000)
        var refused = 0, incomplete = 0
        for _ in 0..<n {
            let bytes = fuzz.mutate(sample)
            do {
                let t = try bytes.withUnsafeBytes { try BlockTrace(bytes: $0, keepExecutions: true) }
                if t.problem != nil { incomplete += 1 }
                _ = BlockTraceSummary.text(t, name: "f", top: 3)
            } catch let e as BlockTrace.Failure {
                XCTAssertFalse(e.description.contains("\n"))
                refused += 1
            } catch {
                XCTFail("\(error)")
            }
        }
        InputFuzz.report("block trace (\(refused) refused, \(incomplete) read in part)", n)
    }
}
