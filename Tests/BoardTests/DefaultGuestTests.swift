import Glibc
import XCTest
@testable import Board
import TestReferences

/// The committed DefaultGuestImage.swift must be a fresh build of demo.S.
final class DefaultGuestTests: XCTestCase {
    func testCommittedImageMatchesAFreshBuild() throws {
        // Tests/BoardTests/DefaultGuestTests.swift -> repository root.
        let root = URLPath.parent(URLPath.parent(URLPath.parent(#filePath)))
        let script = root + "/scripts/build-default-guest.sh"
        guard access(script, X_OK) == 0 else { return XCTFail("\(script) not found") }
        guard toolAvailable("clang"), toolAvailable("ld.lld") else {
            throw References.missing("clang/ld.lld not found: cannot rebuild the default guest")
        }
        let dir = TempDir()
        let out = dir.path + "/demo.elf"
        let status = Glibc.system("'\(script)' --elf '\(out)' >/dev/null 2>&1")
        XCTAssertEqual(status, 0, "build-default-guest.sh --elf failed")
        let fresh = try ELFLoader.readFile(out)
        XCTAssertEqual(fresh.count, defaultGuestELF.count)
        XCTAssertTrue(fresh == defaultGuestELF,
                      "DefaultGuestImage.swift is stale: run scripts/build-default-guest.sh and commit it")
    }

    private func toolAvailable(_ name: String) -> Bool {
        if access("/opt/swift/usr/bin/\(name)", X_OK) == 0 { return true }
        return Glibc.system("command -v \(name) >/dev/null 2>&1") == 0
    }
}

enum URLPath {
    static func parent(_ p: String) -> String {
        guard let i = p.lastIndex(of: "/") else { return "." }
        return String(p[..<i])
    }
}
