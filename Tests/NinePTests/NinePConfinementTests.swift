import Glibc
import XCTest
@testable import NineP

/// Every way a guest could try to reach outside the shared directory.
final class NinePConfinementTests: XCTestCase {
    let ENOENT: UInt32 = 2, EINVAL: UInt32 = 22, ELOOP: UInt32 = 40, ENOTDIR: UInt32 = 20

    func testDotDotAtTheRootStaysAtTheRoot() {
        let s = Scratch()
        s.put(s.share + "/hello.txt", "hi\n")
        let c = s.server()
        let rootQid = c.start()
        XCTAssertEqual(c.walkQids(0, 1, [".."]), [rootQid])
        XCTAssertEqual(c.walkQids(0, 2, ["..", "..", ".."]), [rootQid, rootQid, rootQid])
        // From the root's "parent", the sibling directory is not there.
        XCTAssertEqual(c.walk(0, 3, ["..", "outside"]).type, NinePType.twalk.rawValue + 1)
        XCTAssertEqual(c.walkQids(0, 3, ["..", "outside"])?.count, 1, "the walk must stop at 'outside'")
        XCTAssertEqual(c.getattr(3)?.qid, nil, "a partial walk makes no fid")
        // Down then up past the root.
        mkdir(s.share + "/sub", 0o755)
        let q = c.walkQids(0, 4, ["sub", "..", "..", "hello.txt"])
        XCTAssertEqual(q?.count, 4)
        XCTAssertEqual(c.lopen(4, 0), 0)
        XCTAssertEqual(c.read(4).map { String(decoding: $0, as: UTF8.self) }, "hi\n")
        // A fid walked to ".." in place stays the root.
        XCTAssertEqual(c.walkQids(1, 1, [".."]), [rootQid])
        XCTAssertEqual(c.getattr(1)?.qid, rootQid)
    }

    func testNamesWithSlashesOrAbsoluteAreRefused() {
        let s = Scratch()
        let c = s.server()
        c.start()
        for name in ["../outside", "/etc", "/", "sub/../..", "", "a\0b", "outside/secret.txt", "//outside"] {
            XCTAssertEqual(c.walk(0, 1, [name]).error, ENOENT, "walk \(name)")
            XCTAssertEqual(c.lcreate(0, name), EINVAL, "lcreate \(name)")
            XCTAssertEqual(c.errno(.tmkdir) { $0.u32(0); $0.string(name); $0.u32(0o755); $0.u32(0) }, EINVAL)
            XCTAssertEqual(c.errno(.tsymlink) { $0.u32(0); $0.string(name); $0.string("x"); $0.u32(0) }, EINVAL)
            XCTAssertEqual(c.errno(.tmknod) { $0.u32(0); $0.string(name); $0.u32(0o10644); $0.u32(0); $0.u32(0); $0.u32(0) }, EINVAL)
            XCTAssertEqual(c.errno(.tunlinkat) { $0.u32(0); $0.string(name); $0.u32(0) }, EINVAL)
        }
        // ".." and "." as the name of a new file, a rename or a link.
        s.put(s.share + "/f", "f")
        XCTAssertNotNil(c.walkQids(0, 2, ["f"]))
        for name in ["..", "."] {
            XCTAssertEqual(c.lcreate(0, name), EINVAL)
            XCTAssertEqual(c.errno(.trenameat) { $0.u32(0); $0.string("f"); $0.u32(0); $0.string(name) }, EINVAL)
            XCTAssertEqual(c.errno(.trenameat) { $0.u32(0); $0.string(name); $0.u32(0); $0.string("g") }, EINVAL)
            XCTAssertEqual(c.errno(.trename) { $0.u32(2); $0.u32(0); $0.string(name) }, EINVAL)
            XCTAssertEqual(c.errno(.tlink) { $0.u32(0); $0.u32(2); $0.string(name) }, EINVAL)
            XCTAssertEqual(c.errno(.tunlinkat) { $0.u32(0); $0.string(name); $0.u32(0x200) }, EINVAL)
        }
        XCTAssertEqual(c.errno(.trenameat) { $0.u32(0); $0.string("f"); $0.u32(0); $0.string("../escaped") }, EINVAL)
        XCTAssertNil(s.lstatMode(s.base + "/escaped"))
        XCTAssertNotNil(s.lstatMode(s.share + "/f"))
        XCTAssertEqual(s.contents(s.outside + "/secret.txt"), "secret\n")
    }

    func testHostSymlinksAreNeverFollowed() {
        let s = Scratch()
        Glibc.symlink("../outside", s.share + "/dirlink")
        Glibc.symlink(s.outside, s.share + "/abslink")
        Glibc.symlink("../outside/secret.txt", s.share + "/filelink")
        Glibc.symlink("/etc/passwd", s.share + "/passwd")
        let c = s.server()
        c.start()
        // A walk through a symlink to a directory stops at the link.
        for link in ["dirlink", "abslink"] {
            let q = c.walkQids(0, 1, [link, "secret.txt"])
            XCTAssertEqual(q?.count, 1, link)
            XCTAssertEqual(q?.first?.type, NinePQid.typeSymlink)
            XCTAssertNil(c.getattr(1))
        }
        // The links themselves: their attributes are the links', opening them fails.
        for (i, link) in ["dirlink", "filelink", "passwd"].enumerated() {
            let fid = UInt32(10 + i)
            XCTAssertEqual(c.walkQids(0, fid, [link])?.first?.type, NinePQid.typeSymlink)
            XCTAssertEqual((c.getattr(fid)?.mode ?? 0) & 0o170000, 0o120000)
            XCTAssertEqual(c.lopen(fid, 0), ELOOP, link)
            XCTAssertEqual(c.lopen(fid, 0o200000), ENOTDIR, link)
            // Changes of attributes never reach the target.
            XCTAssertNotEqual(c.errno(.tsetattr) { w in
                w.u32(fid); w.u32(0x9); w.u32(0o777); w.u32(0); w.u32(0); w.u64(0)
                for _ in 0..<4 { w.u64(0) }
            }, 0)
        }
        XCTAssertEqual(s.contents(s.outside + "/secret.txt"), "secret\n")
        var st = stat()
        stat(s.outside + "/secret.txt", &st)
        XCTAssertEqual(st.st_mode & 0o777, 0o644)
        // readlink gives the target as text: the guest resolves it in its own tree.
        var b = c.ok(.treadlink) { $0.u32(10) }
        XCTAssertEqual(try b.string(), "../outside")
        // Creating in, or listing, a symlinked directory is refused too.
        XCTAssertEqual(c.walkQids(0, 20, ["dirlink"])?.count, 1)
        XCTAssertNotEqual(c.lcreate(20, "new"), 0)
        XCTAssertNil(s.lstatMode(s.outside + "/new"))
        XCTAssertNotEqual(c.errno(.tmkdir) { $0.u32(20); $0.string("d"); $0.u32(0o755); $0.u32(0) }, 0)
        XCTAssertNotEqual(c.errno(.trenameat) { $0.u32(0); $0.string("x"); $0.u32(20); $0.string("y") }, 0)
        XCTAssertNotEqual(c.errno(.tunlinkat) { $0.u32(20); $0.string("secret.txt"); $0.u32(0) }, 0)
        XCTAssertNil(c.walkQids(20, 21, ["secret.txt"]))
        XCTAssertNotNil(s.lstatMode(s.outside + "/secret.txt"))
    }

    /// A directory the guest holds a fid in is replaced by a symlink on the
    /// host: the fid's next use does not reach the link's target.
    func testSymlinkSwappedInAfterTheWalk() {
        let s = Scratch()
        mkdir(s.share + "/d", 0o755)
        s.put(s.share + "/d/secret.txt", "inside\n")
        let c = s.server()
        c.start()
        XCTAssertEqual(c.walkQids(0, 1, ["d", "secret.txt"])?.count, 2)
        XCTAssertEqual(c.walkQids(0, 2, ["d"])?.count, 1)
        rename(s.share + "/d", s.share + "/d.old")
        Glibc.symlink(s.outside, s.share + "/d")
        XCTAssertNil(c.getattr(1))
        XCTAssertEqual(c.lopen(1, 0), ENOTDIR)
        XCTAssertNotEqual(c.lcreate(2, "planted"), 0)
        XCTAssertNil(s.lstatMode(s.outside + "/planted"))
        XCTAssertEqual(c.lopen(2, 0o200000), ENOTDIR)
    }

    /// Symlinks the guest makes: under none they are host symlinks the server
    /// still never follows; under mapped they are plain files.
    func testGuestMadeSymlinksDoNotLeadOut() {
        for model in [NinePSecurityModel.none, .mapped] {
            let s = Scratch()
            let c = s.server(model)
            c.start()
            XCTAssertEqual(c.errno(.tsymlink) { $0.u32(0); $0.string("up"); $0.string("../outside"); $0.u32(0) }, 0)
            XCTAssertEqual(c.errno(.tsymlink) { $0.u32(0); $0.string("abs"); $0.string("/"); $0.u32(0) }, 0)
            XCTAssertEqual(c.walkQids(0, 1, ["up", "secret.txt"])?.count, 1, "\(model)")
            XCTAssertEqual(c.walkQids(0, 2, ["abs", "etc"])?.count, 1, "\(model)")
            XCTAssertNotEqual(c.lcreate(1, "x"), 0)
            let hostType = (s.lstatMode(s.share + "/up") ?? 0) & S_IFMT
            XCTAssertEqual(hostType, model == .mapped ? S_IFREG : S_IFLNK)
        }
    }

    func testTheRootCannotBeRemovedOrRenamed() {
        let s = Scratch()
        let c = s.server()
        c.start()
        XCTAssertNotNil(c.walkQids(0, 1, []))
        XCTAssertNotEqual(c.errno(.tremove) { $0.u32(1) }, 0)
        XCTAssertNotNil(c.walkQids(0, 2, []))
        XCTAssertNotEqual(c.errno(.trename) { $0.u32(2); $0.u32(0); $0.string("moved") }, 0)
        var st = stat()
        XCTAssertEqual(stat(s.share, &st), 0)
    }

    func testReaddirOfTheRootHidesTheHostParent() {
        let s = Scratch()
        let c = s.server()
        let rootQid = c.start()
        XCTAssertNotNil(c.walkQids(0, 1, []))
        XCTAssertEqual(c.lopen(1, 0o200000), 0)
        var b = c.ok(.treaddir) { $0.u32(1); $0.u64(0); $0.u32(8192) }
        var entries = NinePReader(Array(try! b.data(Int(try! b.u32()))))
        var seen = 0
        while entries.remaining > 0 {
            let q = entries.qid()
            _ = try! entries.u64(); _ = try! entries.u8()
            if try! entries.string() == ".." {
                XCTAssertEqual(q.path, rootQid.path)
                seen += 1
            }
        }
        XCTAssertEqual(seen, 1)
    }
}
