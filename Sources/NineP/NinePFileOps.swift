import CNineP
import Glibc

/// The open flags of 9P2000.L (Linux's generic O_* values).
enum DotLFlags {
    static let accessMode: UInt32 = 0o3
    static let writeOnly: UInt32 = 0o1
    static let create: UInt32 = 0o100
    static let exclusive: UInt32 = 0o200
    static let truncate: UInt32 = 0o1000
    static let append: UInt32 = 0o2000
    static let nonBlock: UInt32 = 0o4000
    static let dsync: UInt32 = 0o10000
    static let directory: UInt32 = 0o200000
    static let sync: UInt32 = 0o4000000

    /// The host flags for a guest's open: access mode, truncate, append, the
    /// sync flags and O_DIRECTORY; never following a symlink, close-on-exec.
    /// O_DIRECT, O_NOATIME, O_ASYNC and the terminal flags are dropped.
    static func host(_ f: UInt32) -> Int32 {
        var h: Int32 = O_NOFOLLOW | O_CLOEXEC
        switch f & accessMode {
        case 1: h |= O_WRONLY
        case 2: h |= O_RDWR
        default: h |= O_RDONLY
        }
        if f & truncate != 0 { h |= O_TRUNC }
        if f & append != 0 { h |= O_APPEND }
        if f & nonBlock != 0 { h |= O_NONBLOCK }
        if f & dsync != 0 { h |= O_DSYNC }
        if f & sync == sync { h |= O_SYNC }
        if f & directory != 0 { h |= O_DIRECTORY }
        if f & exclusive != 0 { h |= O_EXCL }
        return h
    }

    /// Whether an open with these flags would change the file.
    static func writes(_ f: UInt32) -> Bool {
        f & accessMode != 0 || f & (truncate | append | create) != 0
    }
}

extension NinePServer {
    func statfs(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        _ = try fid(&r)
        var s = CNineP.statfs()
        try check(fstatfs(root.fd, &s))
        w.u32(UInt32(truncatingIfNeeded: s.f_type))
        w.u32(UInt32(truncatingIfNeeded: s.f_bsize))
        w.u64(UInt64(s.f_blocks))
        w.u64(UInt64(s.f_bfree))
        w.u64(UInt64(s.f_bavail))
        w.u64(UInt64(s.f_files))
        w.u64(UInt64(s.f_ffree))
        let fsid = s.f_fsid.__val
        w.u64(UInt64(UInt32(bitPattern: fsid.0)) | UInt64(UInt32(bitPattern: fsid.1)) << 32)
        w.u32(UInt32(truncatingIfNeeded: s.f_namelen))
    }

    func lopen(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let f = try fid(&r)
        let flags = try r.u32()
        guard f.fd < 0, f.xattr == nil else { throw NinePError(EBADF) }
        if DotLFlags.writes(flags) { try requireWritable() }
        let host = DotLFlags.host(flags & ~(DotLFlags.create | DotLFlags.exclusive))
        let (fd, st) = try root.withParent(f.path) { dir, name in
            let st = try attributes(dir, name)
            let fd = try check(openat(dir, name, host))
            return (fd, st)
        }
        f.fd = fd
        w.qid(qid(of: st))
        w.u32(0)  // iounit: msize less the header
    }

    func lcreate(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let f = try fid(&r)
        let name = try r.string()
        let flags = try r.u32()
        let mode = try r.u32()
        let gid = try r.u32()
        try requireWritable()
        guard f.fd < 0, f.xattr == nil else { throw NinePError(EBADF) }
        guard NinePRoot.isValidName(name) else { throw NinePError(EINVAL) }
        let (fd, st) = try root.withDirectory(f.path) { (dir: Int32) throws -> (Int32, stat) in
            let fd = try check(openat(dir, name, DotLFlags.host(flags) | O_CREAT, hostCreateMode(mode, directory: false)))
            do {
                let guestMode = security.isMapped ? (mode & 0o7777) | UInt32(Glibc.S_IFREG) : mode
                try applyCredentials(dir, name, NinePCredentials(uid: f.uid, gid: gid, mode: guestMode))
                return (fd, try attributes(dir, name))
            } catch {
                close(fd)
                Glibc.unlinkat(dir, name, 0)
                throw error
            }
        }
        f.path.append(name)
        f.fd = fd
        w.qid(qid(of: st))
        w.u32(0)
    }

    func read(_ r: inout NinePReader, _ w: inout NinePWriter, room: Int) throws {
        let f = try fid(&r)
        let offset = try r.u64()
        let count = min(Int(try r.u32()), room)
        if let x = f.xattr {
            guard case .read(let value) = x else { throw NinePError(EBADF) }
            let start = Int(min(offset, UInt64(value.count)))
            let end = min(value.count, start + count)
            w.u32(UInt32(end - start))
            w.data(value[start..<end])
            return
        }
        guard f.fd >= 0, offset <= UInt64(Int64.max) else { throw NinePError(EBADF) }
        var buf = [UInt8](repeating: 0, count: count)
        let n = buf.withUnsafeMutableBytes { pread(f.fd, $0.baseAddress, count, off_t(offset)) }
        guard n >= 0 else { throw NinePError.last }
        w.u32(UInt32(n))
        w.data(buf[0..<n])
    }

    func write(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let f = try fid(&r)
        let offset = try r.u64()
        let count = Int(try r.u32())
        let data = try r.data(count)
        if let x = f.xattr {
            guard case .write(let name, let size, let flags, var value, let copied) = x else { throw NinePError(EBADF) }
            guard offset <= UInt64(size), UInt64(count) <= UInt64(size) - offset else { throw NinePError(ENOSPC) }
            let at = Int(offset)
            value.replaceSubrange(at..<at + count, with: data)
            f.xattr = .write(name: name, size: size, flags: flags, value: value, copied: copied + count)
            w.u32(UInt32(count))
            return
        }
        try requireWritable()
        guard f.fd >= 0, offset <= UInt64(Int64.max) else { throw NinePError(EBADF) }
        let n = Array(data).withUnsafeBytes { pwrite(f.fd, $0.baseAddress, count, off_t(offset)) }
        guard n >= 0 else { throw NinePError.last }
        w.u32(UInt32(n))
    }

    /// Treaddir: entries qid[13] offset[8] type[1] name[s] from the fid's open
    /// directory, starting at the position `offset` (a cookie from a previous entry).
    func readdir(_ r: inout NinePReader, _ w: inout NinePWriter, room: Int) throws {
        let f = try fid(&r)
        let offset = try r.u64()
        let count = min(Int(try r.u32()), room)
        guard f.fd >= 0 else { throw NinePError(EBADF) }
        if f.dir == nil {
            let copy = try check(dup(f.fd))
            guard let d = fdopendir(copy) else {
                close(copy)
                throw NinePError.last
            }
            f.dir = d
        }
        guard let dir = f.dir else { throw NinePError(EBADF) }
        if offset == 0 { rewinddir(dir) } else { seekdir(dir, Int(truncatingIfNeeded: offset)) }
        let countAt = w.count
        w.u32(0)
        var used = 0
        while true {
            errno = 0
            guard let e = Glibc.readdir(dir) else {
                if errno != 0, used == 0 { throw NinePError.last }
                break
            }
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            let size = 13 + 8 + 1 + 2 + name.utf8.count
            if used + size > count {
                // Leave the stream where the next call starts anyway (it seeks).
                break
            }
            var ino = UInt64(e.pointee.d_ino)
            if name == "..", f.path.isEmpty {
                // The root's parent is outside the share: show the root itself.
                ino = UInt64(try statAt(root.fd, ".").st_ino)
            }
            let dtype = e.pointee.d_type
            let qtype = dtype == UInt8(DT_DIR) ? NinePQid.typeDir : dtype == UInt8(DT_LNK) ? NinePQid.typeSymlink : NinePQid.typeFile
            w.qid(NinePQid(type: qtype, path: ino))
            w.u64(UInt64(bitPattern: Int64(e.pointee.d_off)))
            w.u8(dtype)
            w.string(name)
            used += size
        }
        w.patchU32(at: countAt, UInt32(used))
    }

    func fsync(_ r: inout NinePReader) throws {
        let f = try fid(&r)
        let dataOnly = try r.u32()
        guard f.fd >= 0 else { throw NinePError(EBADF) }
        try check(dataOnly != 0 ? fdatasync(f.fd) : Glibc.fsync(f.fd))
    }

    /// Tlock: as QEMU, locks are the guest kernel's business; the server
    /// answers success (status 0) for an open file.
    func lock(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let f = try fid(&r)
        _ = try r.u8()  // type
        _ = try r.u32()  // flags
        _ = try r.u64()  // start
        _ = try r.u64()  // length
        _ = try r.u32()  // proc_id
        _ = try r.string()  // client_id
        guard f.fd >= 0 else { throw NinePError(EBADF) }
        w.u8(0)
    }

    /// Tgetlock: no lock is held on the server's side (type F_UNLCK = 2).
    func getlock(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let f = try fid(&r)
        _ = try r.u8()
        let start = try r.u64()
        let length = try r.u64()
        let proc = try r.u32()
        let client = try r.string()
        guard f.fd >= 0 else { throw NinePError(EBADF) }
        w.u8(2)
        w.u64(start)
        w.u64(length)
        w.u32(proc)
        w.string(client)
    }
}
