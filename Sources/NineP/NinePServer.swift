import Glibc

/// One fid: a file of the share the guest has named, by its path below the root.
final class NinePFid {
    var path: [String]
    /// The guest user the fid acts for (from Tattach's n_uname).
    let uid: UInt32
    /// The open file or directory after Tlopen/Tlcreate.
    var fd: Int32 = -1
    /// The directory stream of Treaddir (over a dup of `fd`).
    var dir: OpaquePointer?
    var xattr: NinePXattrState?

    init(path: [String], uid: UInt32) {
        self.path = path
        self.uid = uid
    }

    func release() {
        if let dir { closedir(dir) }
        if fd >= 0 { close(fd) }
        dir = nil
        fd = -1
    }

    deinit { release() }
}

/// A 9P2000.L file server over one host directory (virtio-9p's back end).
///
/// `handle` takes one request message and returns its reply; the server is
/// synchronous and not thread-safe: one thread (the device's) calls it.
/// Confinement to the root: see `NinePRoot`.
public final class NinePServer {
    public struct Configuration: Sendable {
        public var root: String
        public var security: NinePSecurityModel
        public var readOnly: Bool

        public init(root: String, security: NinePSecurityModel, readOnly: Bool = false) {
            self.root = root
            self.security = security
            self.readOnly = readOnly
        }
    }

    /// The largest message the server accepts and offers in Rversion.
    public static let maxMessageSize: UInt32 = 1 << 20
    static let noFid: UInt32 = 0xffff_ffff
    static let noTag: UInt16 = 0xffff
    /// Header bytes of Rread / Rreaddir before the data: size, type, tag, count.
    static let ioHeader = 11

    let root: NinePRoot
    let security: NinePSecurityModel
    let readOnly: Bool
    var fids: [UInt32: NinePFid] = [:]
    /// The message size agreed in Tversion (until then, the 8 KiB a client starts with).
    public private(set) var msize: UInt32 = 8192
    var versionAgreed = false

    public init(_ configuration: Configuration) throws {
        root = try NinePRoot(path: configuration.root)
        security = configuration.security
        readOnly = configuration.readOnly
    }

    /// The number of fids in use (for tests and statistics).
    public var fidCount: Int { fids.count }

    /// Answers one request. `replyCapacity` is the room the transport has for
    /// the reply: Rread and Rreaddir are cut to it.
    public func handle(_ request: [UInt8], replyCapacity: Int = Int.max) -> [UInt8] {
        var reader = NinePReader(request)
        guard let size = try? reader.u32(), let type = try? reader.u8(), let tag = try? reader.u16() else {
            return NinePServer.error(NinePError(EPROTO), tag: NinePServer.noTag)
        }
        guard Int(size) == request.count else { return NinePServer.error(NinePError(EPROTO), tag: tag) }
        let room = max(0, min(Int(msize), replyCapacity) - NinePServer.ioHeader)
        do {
            guard let op = NinePType(rawValue: type) else { throw NinePError(EOPNOTSUPP) }
            var reply = NinePWriter(type: type + 1, tag: tag)
            try dispatch(op, &reader, &reply, room: room)
            return reply.finish()
        } catch let e as NinePError {
            return NinePServer.error(e, tag: tag)
        } catch {
            return NinePServer.error(NinePError(EPROTO), tag: tag)
        }
    }

    static func error(_ e: NinePError, tag: UInt16) -> [UInt8] {
        var w = NinePWriter(type: NinePType.rlerror.rawValue, tag: tag)
        w.u32(LinuxErrno.from(host: e.hostErrno))
        return w.finish()
    }

    private func dispatch(_ op: NinePType, _ r: inout NinePReader, _ w: inout NinePWriter, room: Int) throws {
        if op != .tversion, !versionAgreed { throw NinePError(EPROTO) }
        switch op {
        case .rlerror: throw NinePError(EOPNOTSUPP)
        case .tversion: try version(&r, &w)
        case .tauth: throw NinePError(EOPNOTSUPP)
        case .tattach: try attach(&r, &w)
        case .tflush: _ = try r.u16()  // every request is answered before the next is read
        case .twalk: try walk(&r, &w)
        case .tclunk: try clunk(&r)
        case .tremove: try remove(&r)
        case .tstatfs: try statfs(&r, &w)
        case .tlopen: try lopen(&r, &w)
        case .tlcreate: try lcreate(&r, &w)
        case .tread: try read(&r, &w, room: room)
        case .twrite: try write(&r, &w)
        case .treaddir: try readdir(&r, &w, room: room)
        case .tfsync: try fsync(&r)
        case .tlock: try lock(&r, &w)
        case .tgetlock: try getlock(&r, &w)
        case .tgetattr: try getattr(&r, &w)
        case .tsetattr: try setattr(&r)
        case .tmkdir: try mkdir(&r, &w)
        case .tsymlink: try symlink(&r, &w)
        case .tmknod: try mknod(&r, &w)
        case .treadlink: try readlink(&r, &w)
        case .tlink: try link(&r)
        case .trename: try rename(&r)
        case .trenameat: try renameat(&r)
        case .tunlinkat: try unlinkat(&r)
        case .txattrwalk: try xattrwalk(&r, &w)
        case .txattrcreate: try xattrcreate(&r)
        }
    }

    func fid(_ r: inout NinePReader) throws -> NinePFid {
        guard let f = fids[try r.u32()] else { throw NinePError(EBADF) }
        return f
    }

    func requireWritable() throws {
        if readOnly { throw NinePError(EROFS) }
    }

    // MARK: session

    private func version(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let requested = try r.u32()
        let name = try r.string()
        for f in fids.values { f.release() }
        fids.removeAll()
        // A message must hold at least a header and a few fields to be usable.
        msize = max(256, min(requested, NinePServer.maxMessageSize))
        versionAgreed = name == "9P2000.L"
        w.u32(msize)
        w.string(versionAgreed ? "9P2000.L" : "unknown")
    }

    private func attach(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let fidNumber = try r.u32()
        _ = try r.u32()  // afid: no authentication
        _ = try r.string()  // uname
        _ = try r.string()  // aname: the share has one tree
        let uid = try r.u32()
        guard fidNumber != NinePServer.noFid, fids[fidNumber] == nil else { throw NinePError(EBADF) }
        let st = try root.withParent([]) { dir, name in try attributes(dir, name) }
        fids[fidNumber] = NinePFid(path: [], uid: uid == NinePServer.noFid ? 0 : uid)
        w.qid(qid(of: st))
    }

    /// Twalk: each name moves one step from the fid's file; ".." at the root
    /// stays at the root, and no step follows a host symlink (`NinePRoot`).
    private func walk(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let fromNumber = try r.u32()
        guard let from = fids[fromNumber] else { throw NinePError(EBADF) }
        let newNumber = try r.u32()
        let count = Int(try r.u16())
        guard count <= 16 else { throw NinePError(EINVAL) }  // MAXWELEM
        var names: [String] = []
        for _ in 0..<count { names.append(try r.string()) }
        if newNumber != fromNumber, fids[newNumber] != nil { throw NinePError(EBADF) }
        guard newNumber != NinePServer.noFid else { throw NinePError(EBADF) }

        var path = from.path
        var qids: [NinePQid] = []
        for name in names {
            var next = path
            if name == ".." {
                next.removeLast(next.isEmpty ? 0 : 1)
            } else if name != "." {
                guard NinePRoot.isValidName(name) else {
                    if qids.isEmpty { throw NinePError(ENOENT) }
                    break
                }
                next.append(name)
            }
            do {
                let st = try root.withParent(next) { dir, last in try attributes(dir, last) }
                qids.append(qid(of: st))
                path = next
            } catch {
                if qids.isEmpty { throw error }
                break
            }
        }
        if qids.count == names.count {
            if newNumber == fromNumber {
                from.path = path
            } else {
                fids[newNumber] = NinePFid(path: path, uid: from.uid)
            }
        }
        w.u16(UInt16(qids.count))
        for q in qids { w.qid(q) }
    }

    private func clunk(_ r: inout NinePReader) throws {
        let number = try r.u32()
        guard let f = fids.removeValue(forKey: number) else { throw NinePError(EBADF) }
        defer { f.release() }
        try finishXattrWrite(f)
    }

    /// Tremove: removes the fid's file and clunks the fid, whether or not the removal worked.
    private func remove(_ r: inout NinePReader) throws {
        let number = try r.u32()
        guard let f = fids.removeValue(forKey: number) else { throw NinePError(EBADF) }
        defer { f.release() }
        try requireWritable()
        guard !f.path.isEmpty else { throw NinePError(EBUSY) }
        try root.withParent(f.path) { dir, name in
            let st = try statAt(dir, name)
            try check(Glibc.unlinkat(dir, name, st.st_mode & S_IFMT == S_IFDIR ? AT_REMOVEDIR : 0))
        }
    }
}
