import XCTest
import Arch
import Machine
@testable import Engine

/// The JIT's slow-path operand carries the MMU index as a value.
final class SlowPathOperandTests: XCTestCase {
    func testRoundTrip() {
        let flags = AccessFlags.syndrome(size: 3, rt: 31, signExtend: true, sixtyFour: true, acquireRelease: true)
            .union([.alignmentRequired, .unprivileged])
        for index in [0, 1, 7, 15, 31] {
            for bytes in [1, 2, 4, 8, 16] {
                for (retired, back) in [(0, 0), (127, 40000), (65535, 65535)] {
                    let op = SlowPathOperand(bytes: bytes, mmuIndex: index, flags: flags, retired: retired, back: back)
                    XCTAssertEqual(SlowPathOperand(packed: op.packed), op)
                }
            }
        }
        XCTAssertTrue(SlowPathOperand.fits(bytes: 8, mmuIndex: TLB.mmuIndexCount - 1, flags: flags))
        XCTAssertFalse(SlowPathOperand.fits(bytes: 8, mmuIndex: 0, flags: AccessFlags(rawValue: 1 << 24)))
    }

    func testAlignmentFlags() {
        XCTAssertEqual(AccessFlags().alignmentBytes(size: 8), 8)
        XCTAssertEqual(AccessFlags.alignment(bytes: 16).alignmentBytes(size: 8), 16)
        XCTAssertEqual(AccessFlags.alignment(bytes: 1).alignmentBytes(size: 8), 1)
        // The fast path takes only accesses aligned to their size and to their check.
        XCTAssertEqual(AccessFlags.alignment(bytes: 16).slowPathMask(size: 8), 15)
        XCTAssertEqual(AccessFlags.alignment(bytes: 2).slowPathMask(size: 8), 7)
        XCTAssertEqual(AccessFlags().slowPathMask(size: 4), 3)
        // The field coexists with the syndrome and round-trips through the operand.
        let f = AccessFlags.alignment(bytes: 16).union(.syndrome(size: 3, rt: 31, sixtyFour: true))
        XCTAssertEqual(f.alignmentBytes(size: 8), 16)
        XCTAssertEqual(f.instructionSyndrome, AccessFlags.syndrome(size: 3, rt: 31, sixtyFour: true).instructionSyndrome)
        let op = SlowPathOperand(bytes: 8, mmuIndex: 3, flags: f)
        XCTAssertEqual(SlowPathOperand(packed: op.packed).flags.alignmentBytes(size: 8), 16)
    }

    func testSyndromeIsTheISSInPlace() {
        // LDR X5, [X0] (64-bit, no sign extension): ISV, SAS = 3, SRT = 5, SF.
        let f = AccessFlags.syndrome(size: 3, rt: 5, sixtyFour: true)
        XCTAssertEqual(f.instructionSyndrome, 1 << 24 | 3 << 22 | 5 << 16 | 1 << 15)
        XCTAssertEqual(AccessFlags.alignmentRequired.instructionSyndrome, 0)
    }
}
