import XCTest
import Options

/// -virtfs and -fsdev as QEMU 7.2 reads them, with its error messages.
final class FsdevOptionTests: XCTestCase {
    func error(_ f: () throws -> FsdevOption) -> String {
        do {
            _ = try f()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testVirtfs() throws {
        let v = try FsdevOption.parseVirtfs("local,path=./,mount_tag=host,security_model=mapped,readonly=off")
        XCTAssertEqual(v.path, "./")
        XCTAssertEqual(v.mountTag, "host")
        XCTAssertEqual(v.id, "host")
        XCTAssertEqual(v.securityModel, "mapped")
        XCTAssertFalse(v.readOnly)
        let r = try FsdevOption.parseVirtfs("local,path=/srv,mount_tag=t,security_model=none,readonly=on,id=fs1")
        XCTAssertTrue(r.readOnly)
        XCTAssertEqual(r.id, "fs1")
        XCTAssertEqual(try FsdevOption.parseVirtfs("fsdriver=local,path=/a,,b,mount_tag=t,security_model=mapped-xattr").path, "/a,b")
    }

    func testFsdev() throws {
        let f = try FsdevOption.parseFsdev("local,id=fs0,path=/srv,security_model=passthrough")
        XCTAssertEqual(f.id, "fs0")
        XCTAssertNil(f.mountTag)
        XCTAssertEqual(f.securityModel, "passthrough")
    }

    func testQEMUsErrors() {
        XCTAssertEqual(error { try FsdevOption.parseVirtfs("local,mount_tag=h,security_model=mapped") },
                       "-virtfs local,mount_tag=h,security_model=mapped: path property not set")
        XCTAssertTrue(error { try FsdevOption.parseVirtfs("local,path=/tmp,mount_tag=h") }
                      .hasPrefix("-virtfs local,path=/tmp,mount_tag=h: security_model property not set"))
        XCTAssertTrue(error { try FsdevOption.parseVirtfs("local,path=/tmp,mount_tag=h,security_model=bogus") }
                      .hasPrefix("-virtfs local,path=/tmp,mount_tag=h,security_model=bogus: invalid security_model property 'bogus'"))
        XCTAssertEqual(error { try FsdevOption.parseVirtfs("local,path=/tmp,security_model=none") },
                       "-virtfs local,path=/tmp,security_model=none: Usage: -virtfs fsdriver,mount_tag=tag")
        XCTAssertEqual(error { try FsdevOption.parseVirtfs("local,path=/tmp,mount_tag=h,security_model=none,foo=1") },
                       "-virtfs local,path=/tmp,mount_tag=h,security_model=none,foo=1: Invalid parameter 'foo'")
        XCTAssertEqual(error { try FsdevOption.parseVirtfs("local,path=/tmp,mount_tag=h,security_model=none,readonly=maybe") },
                       "-virtfs local,path=/tmp,mount_tag=h,security_model=none,readonly=maybe: Parameter 'readonly' expects 'on' or 'off'")
        XCTAssertEqual(error { try FsdevOption.parseFsdev("local,path=/tmp,security_model=none") },
                       "-fsdev local,path=/tmp,security_model=none: fsdev: No id specified")
        XCTAssertEqual(error { try FsdevOption.parseFsdev("bogus,id=f,path=/tmp,security_model=none") },
                       "-fsdev bogus,id=f,path=/tmp,security_model=none: fsdev: fsdriver bogus not found")
        XCTAssertEqual(error { try FsdevOption.parseFsdev("local,id=f,path=/tmp,security_model=none,mount_tag=x") },
                       "-fsdev local,id=f,path=/tmp,security_model=none,mount_tag=x: Invalid parameter 'mount_tag'")
        XCTAssertTrue(error { try FsdevOption.parseFsdev("local,id=f,path=/tmp,security_model=mapped-file") }.contains("not supported"))
        for e in [error { try FsdevOption.parseVirtfs("local,path=/tmp,mount_tag=h") }] {
            XCTAssertFalse(e.contains("\n"), "one line: \(e)")
        }
    }
}
