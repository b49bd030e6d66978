import Foundation
import XCTest

/// What a unit test does when a reference it compares against (llvm-objdump,
/// Unicorn, the toolchain's clang and ld.lld) is not there.
///
/// By default the test is skipped, so `swift test` works on a machine without
/// them. With ARMATURE_STRICT_REFERENCES=1 (scripts/test.sh, and so CI, sets it)
/// the test fails instead: a test whose reference is missing has checked nothing.
public enum References {
    /// The environment variable that turns a missing reference into a failure.
    public static let strictVariable = "ARMATURE_STRICT_REFERENCES"

    public static var strict: Bool {
        guard let v = ProcessInfo.processInfo.environment[strictVariable] else { return false }
        return !v.isEmpty && v != "0"
    }

    /// The error to throw from a test whose reference is missing: an XCTSkip,
    /// or in strict mode an error that fails the test with `why`.
    public static func missing(_ why: String, file: StaticString = #filePath, line: UInt = #line) -> any Error {
        strict ? MissingReference(description: "\(why) (\(strictVariable) is set: the reference must be installed)")
               : XCTSkip(why, file: file, line: line)
    }
}

/// A test's reference is missing while `References.strict` holds.
public struct MissingReference: Error, CustomStringConvertible {
    public let description: String
}
