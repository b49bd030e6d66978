import CNineP
import Glibc

/// How guest ownership and modes are kept on the host (QEMU's security_model).
public enum NinePSecurityModel: String, Sendable, CaseIterable {
    /// Files are created owned by the emulator with modes 0600/0700; the guest's
    /// uid, gid, mode (with the file type) and device number are kept in the
    /// user.virtfs.* xattrs. Guest symlinks and device nodes are regular host
    /// files holding the target / nothing.
    case mapped
    /// The same as `mapped` (QEMU's other name for it).
    case mappedXattr = "mapped-xattr"
    /// Ownership and modes go to the host as they are; a failed chown is ignored.
    case none
    /// Ownership and modes go to the host as they are; a failed chown is an error.
    case passthrough

    var isMapped: Bool { self == .mapped || self == .mappedXattr }
}

/// The xattrs of the mapped model (QEMU's names and layouts: uid, gid and mode
/// 32-bit little-endian, rdev 64-bit little-endian). The guest never sees or
/// sets them through its own xattr calls.
enum MappedXattr {
    static let prefix = "user.virtfs."
    static let uid = "user.virtfs.uid"
    static let gid = "user.virtfs.gid"
    static let mode = "user.virtfs.mode"
    static let rdev = "user.virtfs.rdev"

    static func read(_ path: String, _ name: String, size: Int) -> UInt64? {
        var buf = [UInt8](repeating: 0, count: size)
        let n = lgetxattr(path, name, &buf, size)
        guard n == size else { return nil }
        var v: UInt64 = 0
        for i in (0..<size).reversed() { v = v << 8 | UInt64(buf[i]) }
        return v
    }

    /// The value of any xattr of `path` (not following a final symlink).
    static func value(_ path: String, _ name: String) -> [UInt8]? {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = lgetxattr(path, name, &buf, buf.count)
        return n >= 0 ? Array(buf[0..<n]) : nil
    }

    static func write(_ path: String, _ name: String, _ value: UInt64, size: Int) throws {
        let buf = (0..<size).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
        guard lsetxattr(path, name, buf, size, 0) == 0 else { throw NinePError.last }
    }
}

/// What a new file's owner, group, mode and device number are in the guest's eyes.
struct NinePCredentials {
    var uid: UInt32?
    var gid: UInt32?
    var mode: UInt32?
    var rdev: UInt64?
}

extension NinePServer {
    /// The attributes the guest sees for `name` in `dirfd`: the host's, with the
    /// mapped model's xattrs laid over them.
    func attributes(_ dirfd: Int32, _ name: String) throws -> stat {
        var st = try statAt(dirfd, name)
        guard security.isMapped, st.st_mode & S_IFMT != S_IFLNK else { return st }
        let path = procPath(dirfd, name)
        if let uid = MappedXattr.read(path, MappedXattr.uid, size: 4) { st.st_uid = uid_t(uid) }
        if let gid = MappedXattr.read(path, MappedXattr.gid, size: 4) { st.st_gid = gid_t(gid) }
        if let mode = MappedXattr.read(path, MappedXattr.mode, size: 4) { st.st_mode = mode_t(mode) }
        if let rdev = MappedXattr.read(path, MappedXattr.rdev, size: 8) { st.st_rdev = dev_t(rdev) }
        return st
    }

    /// Records `creds` on a file the guest has just created or changed: the
    /// xattrs under the mapped model, chmod and chown on the host otherwise.
    func applyCredentials(_ dirfd: Int32, _ name: String, _ creds: NinePCredentials) throws {
        let path = procPath(dirfd, name)
        if security.isMapped {
            if let uid = creds.uid { try MappedXattr.write(path, MappedXattr.uid, UInt64(uid), size: 4) }
            if let gid = creds.gid { try MappedXattr.write(path, MappedXattr.gid, UInt64(gid), size: 4) }
            if let mode = creds.mode { try MappedXattr.write(path, MappedXattr.mode, UInt64(mode), size: 4) }
            if let rdev = creds.rdev { try MappedXattr.write(path, MappedXattr.rdev, rdev, size: 8) }
            return
        }
        let st = try statAt(dirfd, name)
        let isLink = st.st_mode & S_IFMT == S_IFLNK
        if let mode = creds.mode, !isLink {
            // chmod never follows: `name` is not a symlink (checked above) and the
            // /proc path's last component is `name` itself.
            try check(chmod(path, mode_t(mode & 0o7777)))
        }
        if creds.uid != nil || creds.gid != nil {
            let uid = creds.uid.map { uid_t($0) } ?? uid_t.max
            let gid = creds.gid.map { gid_t($0) } ?? gid_t.max
            if fchownat(dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) != 0, security == .passthrough {
                throw NinePError.last
            }
        }
    }

    /// The host mode a new file is created with: private to the emulator's user
    /// under the mapped model (the guest's mode is in the xattr), the guest's otherwise.
    func hostCreateMode(_ guestMode: UInt32, directory: Bool) -> mode_t {
        if security.isMapped { return directory ? 0o700 : 0o600 }
        return mode_t(guestMode & 0o7777)
    }
}
