import XCTest
import Arch
@testable import Engine

/// The JIT's slow-path operand carries the MMU index as a value.
final class SlowPathOperandTests: XCTestCase {
    func testRoundTrip() {
        let flags = AccessFlags.syndrome(size: 3, rt: 31, signExtend: true, sixtyFour: true, acquireRelease: true)
            .union([.alignmentRequired, .unprivileged])
        for index in [0, 1, 7, 255] {
            for bytes in [1, 2, 4, 8, 16] {
                let op = SlowPathOperand(bytes: bytes, mmuIndex: index, flags: flags)
                XCTAssertEqual(SlowPathOperand(packed: op.packed), op)
            }
        }
    }

    func testSyndromeIsTheISSInPlace() {
        // LDR X5, [X0] (64-bit, no sign extension): ISV, SAS = 3, SRT = 5, SF.
        let f = AccessFlags.syndrome(size: 3, rt: 5, sixtyFour: true)
        XCTAssertEqual(f.instructionSyndrome, 1 << 24 | 3 << 22 | 5 << 16 | 1 << 15)
        XCTAssertEqual(AccessFlags.alignmentRequired.instructionSyndrome, 0)
    }
}
