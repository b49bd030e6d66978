import Glibc
import XCTest
@testable import NineP

/// A reply: its type and a reader over its body.
struct Reply {
    var type: UInt8
    var body: NinePReader

    /// The Linux errno of an Rlerror, nil for any other reply.
    var error: UInt32? {
        guard type == NinePType.rlerror.rawValue else { return nil }
        var b = body
        return try? b.u32()
    }
}

/// A 9P2000.L client over a server in the same process, for the tests.
final class Client {
    let server: NinePServer
    var tag: UInt16 = 1

    init(_ server: NinePServer) { self.server = server }

    func call(_ type: NinePType, _ fill: (inout NinePWriter) -> Void = { _ in }) -> Reply {
        var w = NinePWriter(type: type.rawValue, tag: tag)
        fill(&w)
        let reply = server.handle(w.finish())
        var r = NinePReader(reply)
        let size = try! r.u32()
        XCTAssertEqual(Int(size), reply.count)
        let t = try! r.u8()
        XCTAssertEqual(try! r.u16(), tag)
        tag &+= 1
        return Reply(type: t, body: r)
    }

    /// Calls and expects success (the R type); returns the body.
    func ok(_ type: NinePType, file: StaticString = #filePath, line: UInt = #line, _ fill: (inout NinePWriter) -> Void = { _ in }) -> NinePReader {
        let r = call(type, fill)
        XCTAssertEqual(r.type, type.rawValue + 1, "\(type) failed with errno \(r.error ?? 0)", file: file, line: line)
        return r.body
    }

    /// Calls and returns the errno of the expected Rlerror (0 if it succeeded).
    func errno(_ type: NinePType, _ fill: (inout NinePWriter) -> Void = { _ in }) -> UInt32 {
        call(type, fill).error ?? 0
    }

    func version(_ msize: UInt32 = 65536, _ name: String = "9P2000.L") -> (UInt32, String) {
        var b = ok(.tversion) { $0.u32(msize); $0.string(name) }
        return (try! b.u32(), try! b.string())
    }

    /// Tversion then Tattach of fid 0 as `uid`.
    @discardableResult
    func start(uid: UInt32 = 0) -> NinePQid {
        _ = version()
        var b = ok(.tattach) { $0.u32(0); $0.u32(NinePServer.noFid); $0.string("root"); $0.string(""); $0.u32(uid) }
        return b.qid()
    }

    func walk(_ fid: UInt32, _ newfid: UInt32, _ names: [String]) -> Reply {
        call(.twalk) { w in
            w.u32(fid); w.u32(newfid); w.u16(UInt16(names.count))
            for n in names { w.string(n) }
        }
    }

    /// Walks and returns the qids (nil on Rlerror).
    func walkQids(_ fid: UInt32, _ newfid: UInt32, _ names: [String]) -> [NinePQid]? {
        let r = walk(fid, newfid, names)
        guard r.error == nil else { return nil }
        var b = r.body
        let n = Int(try! b.u16())
        return (0..<n).map { _ in b.qid() }
    }

    func lopen(_ fid: UInt32, _ flags: UInt32) -> UInt32 {
        errno(.tlopen) { $0.u32(fid); $0.u32(flags) }
    }

    func lcreate(_ dirfid: UInt32, _ name: String, flags: UInt32 = 2, mode: UInt32 = 0o644, gid: UInt32 = 0) -> UInt32 {
        errno(.tlcreate) { $0.u32(dirfid); $0.string(name); $0.u32(flags); $0.u32(mode); $0.u32(gid) }
    }

    func write(_ fid: UInt32, _ offset: UInt64, _ data: [UInt8]) -> UInt32 {
        errno(.twrite) { $0.u32(fid); $0.u64(offset); $0.u32(UInt32(data.count)); $0.data(data) }
    }

    func read(_ fid: UInt32, _ offset: UInt64 = 0, _ count: UInt32 = 4096) -> [UInt8]? {
        let r = call(.tread) { $0.u32(fid); $0.u64(offset); $0.u32(count) }
        guard r.error == nil else { return nil }
        var b = r.body
        let n = Int(try! b.u32())
        return Array(try! b.data(n))
    }

    func clunk(_ fid: UInt32) -> UInt32 { errno(.tclunk) { $0.u32(fid) } }

    struct Attr { var qid: NinePQid; var mode: UInt32; var uid: UInt32; var gid: UInt32; var size: UInt64; var rdev: UInt64; var mtime: UInt64 }

    func getattr(_ fid: UInt32) -> Attr? {
        let r = call(.tgetattr) { $0.u32(fid); $0.u64(0x7ff) }
        guard r.error == nil else { return nil }
        var b = r.body
        _ = try! b.u64()
        let q = b.qid()
        let mode = try! b.u32(), uid = try! b.u32(), gid = try! b.u32()
        _ = try! b.u64()  // nlink
        let rdev = try! b.u64(), size = try! b.u64()
        _ = try! b.u64(); _ = try! b.u64()  // blksize, blocks
        _ = try! b.u64(); _ = try! b.u64()  // atime
        let mtime = try! b.u64()
        return Attr(qid: q, mode: mode, uid: uid, gid: gid, size: size, rdev: rdev, mtime: mtime)
    }

    /// Every name of an open directory, read `count` bytes at a time.
    func readdirNames(_ fid: UInt32, count: UInt32 = 8192) -> [String] {
        var names: [String] = []
        var offset: UInt64 = 0
        while true {
            var b = ok(.treaddir) { $0.u32(fid); $0.u64(offset); $0.u32(count) }
            let n = Int(try! b.u32())
            if n == 0 { return names }
            var entries = NinePReader(Array(try! b.data(n)))
            while entries.remaining > 0 {
                _ = entries.qid()
                offset = try! entries.u64()
                _ = try! entries.u8()
                names.append(try! entries.string())
            }
        }
    }
}

extension NinePReader {
    mutating func qid() -> NinePQid {
        let t = try! u8(), v = try! u32(), p = try! u64()
        return NinePQid(type: t, version: v, path: p)
    }
}

/// A scratch tree: `share` (the server's root) and `outside` beside it.
final class Scratch {
    let base: String
    var share: String { base + "/share" }
    var outside: String { base + "/outside" }

    init() {
        var template = Array("/tmp/ninep-test-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        base = String(cString: p!)
        mkdir(share, 0o755)
        mkdir(outside, 0o755)
        put(outside + "/secret.txt", "secret\n")
    }

    deinit { _ = system("rm -rf '\(base)'") }

    func put(_ path: String, _ text: String) {
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        close(fd)
    }

    func contents(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n == 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    func lstatMode(_ path: String) -> mode_t? {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode : nil
    }

    func server(_ model: NinePSecurityModel = .none, readOnly: Bool = false) -> Client {
        Client(try! NinePServer(.init(root: share, security: model, readOnly: readOnly)))
    }
}
