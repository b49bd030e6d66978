import CNineP
import Glibc

/// Tsetattr's valid bits (Linux's P9_ATTR_*).
enum SetattrValid {
    static let mode: UInt32 = 0x1
    static let uid: UInt32 = 0x2
    static let gid: UInt32 = 0x4
    static let size: UInt32 = 0x8
    static let atime: UInt32 = 0x10
    static let mtime: UInt32 = 0x20
    static let atimeSet: UInt32 = 0x80
    static let mtimeSet: UInt32 = 0x100
}

extension NinePServer {
    /// Tgetattr: the basic fields (P9_GETATTR_BASIC = 0x7ff) whatever was asked.
    func getattr(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let f = try fid(&r)
        _ = try r.u64()  // request_mask
        let st = try root.withParent(f.path) { dir, name in try attributes(dir, name) }
        w.u64(0x7ff)
        w.qid(qid(of: st))
        w.u32(UInt32(st.st_mode))
        w.u32(UInt32(st.st_uid))
        w.u32(UInt32(st.st_gid))
        w.u64(UInt64(st.st_nlink))
        w.u64(UInt64(st.st_rdev))
        w.u64(UInt64(st.st_size))
        w.u64(UInt64(st.st_blksize))
        w.u64(UInt64(st.st_blocks))
        for t in [st.st_atim, st.st_mtim, st.st_ctim] {
            w.u64(UInt64(bitPattern: Int64(t.tv_sec)))
            w.u64(UInt64(bitPattern: Int64(t.tv_nsec)))
        }
        for _ in 0..<4 { w.u64(0) }  // btime, gen, data_version: not in BASIC
    }

    func setattr(_ r: inout NinePReader) throws {
        let f = try fid(&r)
        let valid = try r.u32()
        let mode = try r.u32()
        let uid = try r.u32()
        let gid = try r.u32()
        let size = try r.u64()
        let atime = (try r.u64(), try r.u64())
        let mtime = (try r.u64(), try r.u64())
        guard valid & 0x1ff != 0 else { return }
        try requireWritable()
        try root.withParent(f.path) { dir, name in
            if valid & (SetattrValid.mode | SetattrValid.uid | SetattrValid.gid) != 0 {
                var creds = NinePCredentials()
                if valid & SetattrValid.mode != 0 {
                    // The file's type stays; only the permission bits change.
                    let type = UInt32(try attributes(dir, name).st_mode & S_IFMT)
                    creds.mode = security.isMapped ? type | (mode & 0o7777) : mode & 0o7777
                }
                if valid & SetattrValid.uid != 0 { creds.uid = uid }
                if valid & SetattrValid.gid != 0 { creds.gid = gid }
                if security.isMapped, try statAt(dir, name).st_mode & S_IFMT == S_IFLNK {
                    throw NinePError(EOPNOTSUPP)  // a host symlink carries no user xattrs
                }
                try applyCredentials(dir, name, creds)
            }
            if valid & SetattrValid.size != 0 {
                guard size <= UInt64(Int64.max) else { throw NinePError(EINVAL) }
                if f.fd < 0 || ftruncate(f.fd, off_t(size)) != 0 {
                    let fd = try check(openat(dir, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK))
                    defer { close(fd) }
                    try check(ftruncate(fd, off_t(size)))
                }
            }
            try setTimes(dir, name, valid, atime, mtime)
        }
    }

    private func setTimes(_ dir: Int32, _ name: String, _ valid: UInt32, _ atime: (UInt64, UInt64), _ mtime: (UInt64, UInt64)) throws {
        guard valid & (SetattrValid.atime | SetattrValid.mtime) != 0 else { return }
        func spec(_ present: UInt32, _ set: UInt32, _ t: (UInt64, UInt64)) -> timespec {
            if valid & present == 0 { return timespec(tv_sec: 0, tv_nsec: ninep_utime_omit()) }
            if valid & set == 0 { return timespec(tv_sec: 0, tv_nsec: ninep_utime_now()) }
            return timespec(tv_sec: Int(truncatingIfNeeded: t.0), tv_nsec: Int(truncatingIfNeeded: t.1))
        }
        let times = [spec(SetattrValid.atime, SetattrValid.atimeSet, atime), spec(SetattrValid.mtime, SetattrValid.mtimeSet, mtime)]
        try check(utimensat(dir, name, times, AT_SYMLINK_NOFOLLOW))
    }

    /// Creates `name` in the fid's directory with `make`, then records its
    /// credentials; a file whose credentials cannot be recorded is removed again.
    private func create(_ f: NinePFid, _ name: String, directory: Bool, _ creds: NinePCredentials,
                        _ make: (Int32) throws -> Void) throws -> NinePQid {
        try requireWritable()
        guard NinePRoot.isValidName(name) else { throw NinePError(EINVAL) }
        return try root.withDirectory(f.path) { dir in
            try make(dir)
            do {
                try applyCredentials(dir, name, creds)
                return qid(of: try attributes(dir, name))
            } catch {
                Glibc.unlinkat(dir, name, directory ? AT_REMOVEDIR : 0)
                throw error
            }
        }
    }

    /// A symlink or a device node: under none/passthrough the host's own
    /// (`makeHost`, with the `host` credentials); under the mapped models a
    /// regular file holding `contents`, the type and device number in the
    /// xattrs of the `mapped` credentials, as QEMU keeps them.
    private func createSpecial(_ f: NinePFid, _ name: String, mapped: NinePCredentials, host: NinePCredentials,
                               contents: [UInt8] = [], makeHost: (Int32) throws -> Void) throws -> NinePQid {
        let isMapped = security.isMapped
        return try create(f, name, directory: false, isMapped ? mapped : host) { dir in
            guard isMapped else { return try makeHost(dir) }
            let fd = try check(openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600))
            defer { close(fd) }
            guard !contents.isEmpty else { return }
            let n = contents.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, contents.count) }
            if n != contents.count {
                let e = n < 0 ? errno : EIO
                Glibc.unlinkat(dir, name, 0)
                throw NinePError(e)
            }
        }
    }

    func mkdir(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let f = try fid(&r)
        let name = try r.string()
        let mode = try r.u32()
        let gid = try r.u32()
        let guestMode = security.isMapped ? (mode & 0o7777) | UInt32(Glibc.S_IFDIR) : mode
        let q = try create(f, name, directory: true, NinePCredentials(uid: f.uid, gid: gid, mode: guestMode)) { dir in
            try check(mkdirat(dir, name, hostCreateMode(mode, directory: true)))
        }
        w.qid(q)
    }

    /// Tsymlink: a host symlink under none/passthrough (never followed by the
    /// server); under the mapped models a regular file holding the target, its
    /// type S_IFLNK in the mode xattr, as QEMU keeps them.
    func symlink(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let f = try fid(&r)
        let name = try r.string()
        let target = try r.string()
        let gid = try r.u32()
        let q = try createSpecial(f, name, mapped: NinePCredentials(uid: f.uid, gid: gid, mode: UInt32(Glibc.S_IFLNK) | 0o777),
                                  host: NinePCredentials(uid: f.uid, gid: gid), contents: Array(target.utf8)) { dir in
            try check(symlinkat(target, dir, name))
        }
        w.qid(q)
    }

    /// Tmknod: the node itself under none/passthrough; under the mapped models
    /// an empty regular file with the type and device number in its xattrs.
    func mknod(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let f = try fid(&r)
        let name = try r.string()
        let mode = try r.u32()
        let major = try r.u32()
        let minor = try r.u32()
        let gid = try r.u32()
        let rdev = UInt64(ninep_makedev(major, minor))
        let q = try createSpecial(f, name, mapped: NinePCredentials(uid: f.uid, gid: gid, mode: mode, rdev: rdev),
                                  host: NinePCredentials(uid: f.uid, gid: gid, mode: mode & 0o7777)) { dir in
            try check(mknodat(dir, name, mode_t(mode), dev_t(rdev)))
        }
        w.qid(q)
    }

    func readlink(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let f = try fid(&r)
        let target: [UInt8] = try root.withParent(f.path) { dir, name in
            let st = try attributes(dir, name)
            guard st.st_mode & S_IFMT == S_IFLNK else { throw NinePError(EINVAL) }
            var buf = [UInt8](repeating: 0, count: Int(PATH_MAX))
            if security.isMapped, try statAt(dir, name).st_mode & S_IFMT == S_IFREG {
                let fd = try check(openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC))
                defer { close(fd) }
                let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                guard n >= 0 else { throw NinePError.last }
                return Array(buf[0..<n])
            }
            let n = buf.withUnsafeMutableBytes { readlinkat(dir, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
            guard n >= 0 else { throw NinePError.last }
            return Array(buf[0..<n])
        }
        w.string(String(decoding: target, as: UTF8.self))
    }

    func link(_ r: inout NinePReader) throws {
        let dirFid = try fid(&r)
        let f = try fid(&r)
        let name = try r.string()
        try requireWritable()
        guard NinePRoot.isValidName(name), !f.path.isEmpty else { throw NinePError(EINVAL) }
        _ = try root.withParent(f.path) { oldDir, oldName in
            try root.withDirectory(dirFid.path) { newDir in
                _ = try check(linkat(oldDir, oldName, newDir, name, 0))
            }
        }
    }

    func rename(_ r: inout NinePReader) throws {
        let f = try fid(&r)
        let dirFid = try fid(&r)
        let name = try r.string()
        guard let oldName = f.path.last else { throw NinePError(EBUSY) }
        try move(Array(f.path.dropLast()), oldName, dirFid.path, name)
    }

    func renameat(_ r: inout NinePReader) throws {
        let oldDir = try fid(&r)
        let oldName = try r.string()
        let newDir = try fid(&r)
        let newName = try r.string()
        try move(oldDir.path, oldName, newDir.path, newName)
    }

    /// Renames, then moves every fid at or below the old path to the new one.
    private func move(_ oldDir: [String], _ oldName: String, _ newDir: [String], _ newName: String) throws {
        try requireWritable()
        guard NinePRoot.isValidName(oldName), NinePRoot.isValidName(newName) else { throw NinePError(EINVAL) }
        try root.withDirectory(oldDir) { from in
            try root.withDirectory(newDir) { to in
                _ = try check(Glibc.renameat(from, oldName, to, newName))
            }
        }
        let old = oldDir + [oldName]
        let new = newDir + [newName]
        for f in fids.values where f.path.count >= old.count && Array(f.path.prefix(old.count)) == old {
            f.path = new + f.path.dropFirst(old.count)
        }
    }

    func unlinkat(_ r: inout NinePReader) throws {
        let dirFid = try fid(&r)
        let name = try r.string()
        let flags = try r.u32()
        try requireWritable()
        guard NinePRoot.isValidName(name) else { throw NinePError(EINVAL) }
        // AT_REMOVEDIR (0x200) is the only flag 9P2000.L defines.
        let hostFlags: Int32 = flags & 0x200 != 0 ? AT_REMOVEDIR : 0
        try root.withDirectory(dirFid.path) { dir in
            _ = try check(Glibc.unlinkat(dir, name, hostFlags))
        }
    }
}
