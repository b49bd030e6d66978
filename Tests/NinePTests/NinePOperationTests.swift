import Glibc
import XCTest
@testable import NineP

/// The operations of 9P2000.L against a scratch directory, checked on the host.
final class NinePOperationTests: XCTestCase {
    let EBADF: UInt32 = 9, EEXIST: UInt32 = 17, ENOTEMPTY: UInt32 = 39, EPROTO: UInt32 = 71
    let EROFS: UInt32 = 30, EOPNOTSUPP: UInt32 = 95, ENOENT: UInt32 = 2, EACCES: UInt32 = 13, ENODATA: UInt32 = 61

    func testVersionNegotiation() {
        let s = Scratch()
        let c = s.server()
        // Nothing but Tversion before a version is agreed.
        XCTAssertEqual(c.errno(.tattach) { $0.u32(0); $0.u32(~0); $0.string(""); $0.string(""); $0.u32(0) }, EPROTO)
        XCTAssertEqual(c.version(1 << 30).0, NinePServer.maxMessageSize)
        XCTAssertEqual(c.version(8192, "9P2000").1, "unknown")
        XCTAssertEqual(c.errno(.tattach) { $0.u32(0); $0.u32(~0); $0.string(""); $0.string(""); $0.u32(0) }, EPROTO)
        XCTAssertEqual(c.version(8192).1, "9P2000.L")
        XCTAssertEqual(c.server.msize, 8192)
        c.start()
        XCTAssertEqual(c.server.fidCount, 1)
        _ = c.version()  // a new version drops every fid
        XCTAssertEqual(c.server.fidCount, 0)
        XCTAssertEqual(c.errno(.tauth) { $0.u32(1); $0.string(""); $0.string(""); $0.u32(0) }, EOPNOTSUPP)
    }

    func testMalformedMessagesGetErrors() {
        let s = Scratch()
        let c = s.server()
        c.start()
        // Shorter than a header, a size that is not the length, an unknown type,
        // a body cut short, a string that is not UTF-8.
        for bad: [UInt8] in [[], [1, 0], [9, 0, 0, 0, 110, 1, 0], [7, 0, 0, 0, 99, 5, 0],
                             [11, 0, 0, 0, 110, 5, 0, 0, 0, 0, 0],
                             [16, 0, 0, 0, 110, 5, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1],
                             [20, 0, 0, 0, 110, 5, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0xff]] {
            let reply = c.server.handle(bad)
            XCTAssertEqual(reply.count, 11, "\(bad)")
            XCTAssertEqual(reply[4], NinePType.rlerror.rawValue)
        }
        XCTAssertEqual(c.errno(.tclunk) { $0.u32(77) }, EBADF)
        XCTAssertEqual(c.errno(.tlopen) { $0.u32(77); $0.u32(0) }, EBADF)
        XCTAssertEqual(c.read(0), nil, "an unopened fid cannot be read")
        // Twalk to a newfid in use, more than 16 names.
        XCTAssertNotNil(c.walkQids(0, 1, []))
        XCTAssertEqual(c.walk(0, 1, []).error, EBADF)
        XCTAssertNotEqual(c.walk(0, 2, Array(repeating: ".", count: 17)).error, nil)
        XCTAssertEqual(c.errno(.tattach) { $0.u32(1); $0.u32(~0); $0.string(""); $0.string(""); $0.u32(0) }, EBADF)
        XCTAssertEqual(c.server.fidCount, 2)
    }

    func testCreateWriteReadAndList() {
        let s = Scratch()
        s.put(s.share + "/hello.txt", "Hello from the host\n")
        let c = s.server()
        c.start()
        XCTAssertEqual(c.walkQids(0, 1, ["hello.txt"])?.first?.type, NinePQid.typeFile)
        XCTAssertEqual(c.lopen(1, 0), 0)
        XCTAssertEqual(c.read(1).map { String(decoding: $0, as: UTF8.self) }, "Hello from the host\n")
        XCTAssertEqual(c.read(1, 6, 4).map { String(decoding: $0, as: UTF8.self) }, "from")
        XCTAssertEqual(c.read(1, 1000), [])
        XCTAssertEqual(c.clunk(1), 0)

        XCTAssertNotNil(c.walkQids(0, 2, []))
        XCTAssertEqual(c.lcreate(2, "new.txt", flags: 2, mode: 0o640), 0)
        XCTAssertEqual(c.lcreate(0, "hello.txt", flags: 0o302, mode: 0o640), EEXIST, "O_CREAT|O_EXCL")
        XCTAssertEqual(c.write(2, 0, Array("guest wrote this\n".utf8)), 0)
        XCTAssertEqual(c.write(2, 6, Array("WROTE".utf8)), 0)
        XCTAssertEqual(c.errno(.tfsync) { $0.u32(2); $0.u32(0) }, 0)
        XCTAssertEqual(c.errno(.tfsync) { $0.u32(2); $0.u32(1) }, 0)
        XCTAssertEqual(s.contents(s.share + "/new.txt"), "guest WROTE this\n")
        XCTAssertEqual((s.lstatMode(s.share + "/new.txt") ?? 0) & 0o777, 0o640)
        XCTAssertEqual(c.getattr(2)?.size, 17)

        mkdir(s.share + "/many", 0o755)
        for i in 0..<60 { s.put(s.share + "/many/file-with-a-long-name-\(i)", "") }
        XCTAssertNotNil(c.walkQids(0, 3, ["many"]))
        XCTAssertEqual(c.lopen(3, 0o200000), 0)
        let expected = Set((0..<60).map { "file-with-a-long-name-\($0)" } + [".", ".."])
        let all = c.readdirNames(3)
        XCTAssertEqual(Set(all), expected)
        XCTAssertEqual(all.count, expected.count)
        // Small replies: the offsets resume where the last one stopped, no name twice.
        let paged = c.readdirNames(3, count: 100)
        XCTAssertEqual(paged.sorted(), all.sorted())
    }

    func testReadsAreCutToTheMessageSize() {
        let s = Scratch()
        s.put(s.share + "/big", String(repeating: "x", count: 100_000))
        let c = s.server()
        _ = c.version(4096)
        _ = c.ok(.tattach) { $0.u32(0); $0.u32(~0); $0.string(""); $0.string(""); $0.u32(0) }
        XCTAssertNotNil(c.walkQids(0, 1, ["big"]))
        XCTAssertEqual(c.lopen(1, 0), 0)
        XCTAssertEqual(c.read(1, 0, 60_000)?.count, 4096 - 11)
        var w = NinePWriter(type: NinePType.tread.rawValue, tag: 9)
        w.u32(1); w.u64(0); w.u32(60_000)
        XCTAssertEqual(c.server.handle(w.finish(), replyCapacity: 1000).count, 1000)
    }

    func testDirectoriesRenamesLinksAndRemoval() {
        let s = Scratch()
        let c = s.server()
        c.start()
        XCTAssertEqual(c.errno(.tmkdir) { $0.u32(0); $0.string("d"); $0.u32(0o750); $0.u32(0) }, 0)
        XCTAssertEqual((s.lstatMode(s.share + "/d") ?? 0) & 0o7777, 0o750)
        XCTAssertNotNil(c.walkQids(0, 1, ["d"]))
        XCTAssertEqual(c.lcreate(1, "f", mode: 0o600), 0)  // fid 1 is now d/f, open
        XCTAssertEqual(c.write(1, 0, Array("data".utf8)), 0)
        XCTAssertNotNil(c.walkQids(0, 2, ["d"]))
        // Rename the directory: fids below it follow.
        XCTAssertEqual(c.errno(.trenameat) { $0.u32(0); $0.string("d"); $0.u32(0); $0.string("e") }, 0)
        XCTAssertEqual(s.contents(s.share + "/e/f"), "data")
        XCTAssertEqual(c.getattr(1)?.size, 4)
        XCTAssertNotNil(c.walkQids(2, 3, ["f"]))
        // Trename moves a file by its fid.
        XCTAssertEqual(c.errno(.trename) { $0.u32(3); $0.u32(0); $0.string("g") }, 0)
        XCTAssertEqual(s.contents(s.share + "/g"), "data")
        XCTAssertEqual(c.getattr(3)?.size, 4)
        XCTAssertEqual(c.write(1, 4, Array("+".utf8)), 0)
        XCTAssertEqual(c.getattr(1)?.size, 5, "the open fid of e/f follows it to g")
        // Hard link, symlink, readlink.
        XCTAssertEqual(c.errno(.tlink) { $0.u32(2); $0.u32(3); $0.string("h") }, 0)
        XCTAssertEqual(s.contents(s.share + "/e/h"), "data+")
        XCTAssertEqual(c.errno(.tsymlink) { $0.u32(0); $0.string("sl"); $0.string("e/h"); $0.u32(0) }, 0)
        XCTAssertNotNil(c.walkQids(0, 4, ["sl"]))
        var b = c.ok(.treadlink) { $0.u32(4) }
        XCTAssertEqual(try b.string(), "e/h")
        XCTAssertNotEqual(c.errno(.treadlink) { $0.u32(3) }, 0, "not a symlink")
        // Unlink, rmdir of a non-empty directory, Tremove.
        XCTAssertEqual(c.errno(.tunlinkat) { $0.u32(0); $0.string("e"); $0.u32(0x200) }, ENOTEMPTY)
        XCTAssertEqual(c.errno(.tunlinkat) { $0.u32(2); $0.string("h"); $0.u32(0) }, 0)
        XCTAssertEqual(c.errno(.tremove) { $0.u32(2) }, 0)
        XCTAssertNil(s.lstatMode(s.share + "/e"))
        XCTAssertEqual(c.errno(.tremove) { $0.u32(4) }, 0)
        XCTAssertNil(s.lstatMode(s.share + "/sl"))
        XCTAssertEqual(c.errno(.tremove) { $0.u32(2) }, EBADF, "Tremove clunked it")
        // Statfs.
        var st = c.ok(.tstatfs) { $0.u32(0) }
        _ = try! st.u32()
        XCTAssertGreaterThan(try! st.u32(), 0)
        XCTAssertGreaterThan(try! st.u64(), 0)
    }

    func testSetattr() {
        let s = Scratch()
        s.put(s.share + "/f", "0123456789")
        let c = s.server()
        c.start()
        XCTAssertNotNil(c.walkQids(0, 1, ["f"]))
        let setattr = { (valid: UInt32, mode: UInt32, size: UInt64, mtime: UInt64) in
            c.errno(.tsetattr) { w in
                w.u32(1); w.u32(valid); w.u32(mode); w.u32(0); w.u32(0); w.u64(size)
                w.u64(0); w.u64(0); w.u64(mtime); w.u64(0)
            }
        }
        XCTAssertEqual(setattr(0x8, 0, 4, 0), 0)
        XCTAssertEqual(s.contents(s.share + "/f"), "0123")
        XCTAssertEqual(setattr(0x1, 0o100600, 0, 0), 0)
        XCTAssertEqual((s.lstatMode(s.share + "/f") ?? 0) & 0o7777, 0o600)
        XCTAssertEqual(setattr(0x20 | 0x100, 0, 0, 1_000_000), 0)
        XCTAssertEqual(c.getattr(1)?.mtime, 1_000_000)
        XCTAssertEqual(setattr(0x6, 0, 0, 0), 0, "chown as the owner")
        XCTAssertEqual(c.lopen(1, 2), 0)
        XCTAssertEqual(setattr(0x8, 0, 0, 0), 0, "ftruncate through the open fid")
        XCTAssertEqual(c.getattr(1)?.size, 0)
    }

    func testMappedModelKeepsGuestOwnershipInXattrs() {
        let s = Scratch()
        let c = s.server(.mapped)
        c.start(uid: 1000)
        XCTAssertNotNil(c.walkQids(0, 1, []))
        XCTAssertEqual(c.lcreate(1, "f", mode: 0o4755, gid: 100), 0)
        let a = c.getattr(1)
        XCTAssertEqual(a?.uid, 1000)
        XCTAssertEqual(a?.gid, 100)
        XCTAssertEqual(a?.mode, 0o104755)
        // On the host: private to the emulator's user, the guest's view in xattrs.
        XCTAssertEqual((s.lstatMode(s.share + "/f") ?? 0) & 0o7777, 0o600)
        XCTAssertEqual(MappedXattr.value(s.share + "/f", "user.virtfs.uid"), [0xe8, 0x03, 0, 0])
        XCTAssertEqual(MappedXattr.value(s.share + "/f", "user.virtfs.mode"), [0xed, 0x89, 0, 0])
        // Directories, device nodes and fifos, symlinks: all plain on the host.
        XCTAssertEqual(c.errno(.tmkdir) { $0.u32(0); $0.string("d"); $0.u32(0o755); $0.u32(100) }, 0)
        XCTAssertEqual((s.lstatMode(s.share + "/d") ?? 0) & 0o7777, 0o700)
        XCTAssertEqual(c.errno(.tmknod) { $0.u32(0); $0.string("tty"); $0.u32(0o20620); $0.u32(4); $0.u32(1); $0.u32(5) }, 0)
        XCTAssertEqual((s.lstatMode(s.share + "/tty") ?? 0) & S_IFMT, S_IFREG)
        XCTAssertNotNil(c.walkQids(0, 2, ["tty"]))
        XCTAssertEqual(c.getattr(2)?.mode, 0o20620)
        XCTAssertEqual(c.getattr(2)?.rdev, 0x401)
        XCTAssertEqual(c.errno(.tsymlink) { $0.u32(0); $0.string("sl"); $0.string("/etc/passwd"); $0.u32(0) }, 0)
        XCTAssertEqual(s.contents(s.share + "/sl"), "/etc/passwd")
        XCTAssertEqual(c.walkQids(0, 3, ["sl"])?.first?.type, NinePQid.typeSymlink)
        var b = c.ok(.treadlink) { $0.u32(3) }
        XCTAssertEqual(try b.string(), "/etc/passwd")
        // chmod keeps the file type; chown changes only the xattrs.
        XCTAssertEqual(c.errno(.tsetattr) { w in
            w.u32(2); w.u32(0x7); w.u32(0o600); w.u32(42); w.u32(43); w.u64(0); for _ in 0..<4 { w.u64(0) }
        }, 0)
        XCTAssertEqual(c.getattr(2)?.mode, 0o20600)
        XCTAssertEqual(c.getattr(2)?.uid, 42)
        XCTAssertEqual(c.getattr(2)?.gid, 43)
        // The server's xattrs are hidden from the guest and not writable by it.
        XCTAssertNotNil(c.walkQids(0, 4, ["f"]))
        var list = c.ok(.txattrwalk) { $0.u32(4); $0.u32(5); $0.string("") }
        XCTAssertEqual(try list.u64(), 0)
        XCTAssertEqual(c.errno(.txattrwalk) { $0.u32(4); $0.u32(6); $0.string("user.virtfs.uid") }, ENODATA)
        XCTAssertNotNil(c.walkQids(0, 7, ["f"]))
        XCTAssertEqual(c.errno(.txattrcreate) { $0.u32(7); $0.string("user.virtfs.uid"); $0.u64(4); $0.u32(0) }, EACCES)
    }

    func testUserXattrs() {
        let s = Scratch()
        s.put(s.share + "/f", "")
        let c = s.server(.mapped)
        c.start()
        XCTAssertNotNil(c.walkQids(0, 1, ["f"]))
        XCTAssertEqual(c.errno(.txattrcreate) { $0.u32(1); $0.string("user.note"); $0.u64(5); $0.u32(0) }, 0)
        XCTAssertEqual(c.write(1, 0, Array("hel".utf8)), 0)
        XCTAssertEqual(c.write(1, 3, Array("lo".utf8)), 0)
        XCTAssertEqual(c.clunk(1), 0)
        XCTAssertEqual(MappedXattr.value(s.share + "/f", "user.note"), Array("hello".utf8))
        XCTAssertNotNil(c.walkQids(0, 2, ["f"]))
        var b = c.ok(.txattrwalk) { $0.u32(2); $0.u32(3); $0.string("user.note") }
        XCTAssertEqual(try b.u64(), 5)
        XCTAssertEqual(c.read(3).map { String(decoding: $0, as: UTF8.self) }, "hello")
        var l = c.ok(.txattrwalk) { $0.u32(2); $0.u32(4); $0.string("") }
        XCTAssertEqual(try l.u64(), 10)
        XCTAssertEqual(c.read(4), Array("user.note\0".utf8))
        // A short write is refused at clunk; size 0 removes.
        XCTAssertNotNil(c.walkQids(0, 5, ["f"]))
        XCTAssertEqual(c.errno(.txattrcreate) { $0.u32(5); $0.string("user.other"); $0.u64(3); $0.u32(0) }, 0)
        XCTAssertEqual(c.write(5, 0, [1]), 0)
        XCTAssertNotEqual(c.clunk(5), 0)
        XCTAssertNotNil(c.walkQids(0, 6, ["f"]))
        XCTAssertEqual(c.errno(.txattrcreate) { $0.u32(6); $0.string("user.note"); $0.u64(0); $0.u32(0) }, 0)
        XCTAssertEqual(c.clunk(6), 0)
        XCTAssertNil(MappedXattr.value(s.share + "/f", "user.note"))
    }

    func testReadOnlyRefusesEveryChange() {
        let s = Scratch()
        s.put(s.share + "/f", "keep")
        mkdir(s.share + "/d", 0o755)
        let c = s.server(.mapped, readOnly: true)
        c.start()
        XCTAssertNotNil(c.walkQids(0, 1, ["f"]))
        XCTAssertNotNil(c.walkQids(0, 2, ["d"]))
        XCTAssertEqual(c.lopen(1, 1), EROFS)
        XCTAssertEqual(c.lopen(1, 2), EROFS)
        XCTAssertEqual(c.lopen(1, 0o1000), EROFS, "O_TRUNC")
        XCTAssertEqual(c.lopen(1, 0o2000), EROFS, "O_APPEND")
        XCTAssertEqual(c.lcreate(2, "n"), EROFS)
        XCTAssertEqual(c.errno(.tmkdir) { $0.u32(2); $0.string("n"); $0.u32(0o755); $0.u32(0) }, EROFS)
        XCTAssertEqual(c.errno(.tsymlink) { $0.u32(2); $0.string("n"); $0.string("f"); $0.u32(0) }, EROFS)
        XCTAssertEqual(c.errno(.tmknod) { $0.u32(2); $0.string("n"); $0.u32(0o10644); $0.u32(0); $0.u32(0); $0.u32(0) }, EROFS)
        XCTAssertEqual(c.errno(.tlink) { $0.u32(2); $0.u32(1); $0.string("n") }, EROFS)
        XCTAssertEqual(c.errno(.trename) { $0.u32(1); $0.u32(2); $0.string("n") }, EROFS)
        XCTAssertEqual(c.errno(.trenameat) { $0.u32(0); $0.string("f"); $0.u32(2); $0.string("n") }, EROFS)
        XCTAssertEqual(c.errno(.tunlinkat) { $0.u32(0); $0.string("f"); $0.u32(0) }, EROFS)
        XCTAssertEqual(c.errno(.tsetattr) { w in
            w.u32(1); w.u32(0x8); w.u32(0); w.u32(0); w.u32(0); w.u64(0); for _ in 0..<4 { w.u64(0) }
        }, EROFS)
        XCTAssertEqual(c.errno(.txattrcreate) { $0.u32(1); $0.string("user.x"); $0.u64(1); $0.u32(0) }, EROFS)
        XCTAssertNotNil(c.walkQids(0, 3, ["f"]))
        XCTAssertEqual(c.errno(.tremove) { $0.u32(3) }, EROFS)
        XCTAssertEqual(c.lopen(1, 0), 0)
        XCTAssertEqual(c.write(1, 0, [1]), EROFS)
        XCTAssertEqual(c.read(1).map { String(decoding: $0, as: UTF8.self) }, "keep")
        XCTAssertEqual(s.contents(s.share + "/f"), "keep")
        XCTAssertEqual(c.walkQids(0, 4, ["n"]), nil)
    }

    func testLocks() {
        let s = Scratch()
        s.put(s.share + "/f", "")
        let c = s.server()
        c.start()
        XCTAssertNotNil(c.walkQids(0, 1, ["f"]))
        XCTAssertEqual(c.lopen(1, 2), 0)
        var b = c.ok(.tlock) { $0.u32(1); $0.u8(1); $0.u32(0); $0.u64(0); $0.u64(10); $0.u32(7); $0.string("guest") }
        XCTAssertEqual(try b.u8(), 0)
        var g = c.ok(.tgetlock) { $0.u32(1); $0.u8(1); $0.u64(3); $0.u64(10); $0.u32(7); $0.string("guest") }
        XCTAssertEqual(try g.u8(), 2)
        XCTAssertEqual(try g.u64(), 3)
        XCTAssertEqual(c.errno(.tflush) { $0.u16(5) }, 0)
    }

    func testHostErrnoMapsToLinux() {
        XCTAssertEqual(LinuxErrno.from(host: Glibc.ENOENT), 2)
        XCTAssertEqual(LinuxErrno.from(host: Glibc.ELOOP), 40)
        XCTAssertEqual(LinuxErrno.from(host: Glibc.ENOTEMPTY), 39)
        XCTAssertEqual(LinuxErrno.from(host: Glibc.EOPNOTSUPP), 95)
        XCTAssertEqual(LinuxErrno.from(host: 99999), 5)
    }
}
