import Glibc

/// Where semihosting may touch host files: one directory tree (the working
/// directory unless `-semihosting-config root=DIR` says otherwise), and never
/// /proc, /sys or /dev. A guest path is resolved (relative ones from the
/// working directory, `..` and symbolic links followed) and must land inside
/// the root; the file is then opened without following a link at its last
/// component, and what was opened is checked again (so a link swapped in
/// between the two steps cannot lead out). Only regular files are opened.
///
/// QEMU lets a guest reach every file the user can (and run commands):
/// Armature confines SYS_OPEN, SYS_REMOVE and SYS_RENAME, and runs SYS_SYSTEM
/// only with `-semihosting-config system=on`.
public struct SemihostingSandbox: Sendable, Equatable {
    /// The resolved root directory (no trailing slash, no links).
    public let root: String
    /// SYS_SYSTEM may run host commands (`system=on`).
    public var allowSystem: Bool

    /// Trees refused even under a root that contains them.
    static let hostTrees = ["/proc", "/sys", "/dev"]

    /// Why a call was refused: the errno the guest gets and the reason for `-d guest_errors`.
    public struct Refusal: Error, Equatable {
        public let errno: Int32
        public let reason: String
    }

    /// `root` nil: the working directory. Throws a one-line message when the
    /// directory does not exist.
    public init(root: String? = nil, allowSystem: Bool = false) throws {
        let dir = root ?? "."
        guard let resolved = SemihostingSandbox.realPath(dir) else {
            throw BoardError("-semihosting-config root=\(dir): \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard stat(resolved, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            throw BoardError("-semihosting-config root=\(dir): not a directory")
        }
        self.root = resolved
        self.allowSystem = allowSystem
    }

    static func realPath(_ p: String) -> String? {
        guard let r = realpath(p, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    /// True when `path` (resolved) is the root or inside it, and not in a host tree.
    func contains(_ path: String) -> Bool {
        for t in SemihostingSandbox.hostTrees where path == t || path.hasPrefix(t + "/") { return false }
        return path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    /// The host path a guest path names, resolved: the file itself when it
    /// exists, else its resolved directory and its last component (a file to create).
    public func resolve(_ guestPath: String) throws(Refusal) -> String {
        if guestPath.isEmpty { throw Refusal(errno: ENOENT, reason: "an empty path") }
        if guestPath.utf8.count >= Int(PATH_MAX) { throw Refusal(errno: ENAMETOOLONG, reason: "a path of \(guestPath.utf8.count) bytes") }
        if let full = SemihostingSandbox.realPath(guestPath) {
            guard contains(full) else { throw outside(guestPath, full) }
            return full
        }
        // Not there (yet): its directory must exist inside the root, and the
        // last component must be a name, not `..` or `.`.
        let full = try entryPath(guestPath, notAName: ENOENT)
        guard contains(full) else { throw outside(guestPath, full) }
        return full
    }

    private func outside(_ guestPath: String, _ full: String) -> Refusal {
        for t in SemihostingSandbox.hostTrees where full == t || full.hasPrefix(t + "/") {
            return Refusal(errno: EACCES, reason: "\"\(guestPath)\" is in \(t), which semihosting never opens")
        }
        return Refusal(errno: EACCES, reason: "\"\(guestPath)\" (\(full)) is outside the semihosting root \(root) (-semihosting-config root=DIR widens it)")
    }

    static func split(_ p: String) -> (dir: String, name: String) {
        guard let slash = p.lastIndex(of: "/") else { return (".", p) }
        let dir = String(p[..<slash])
        return (dir.isEmpty ? "/" : dir, String(p[p.index(after: slash)...]))
    }

    /// Opens a guest path with `flags` (O_CREAT files get mode 0644): a
    /// regular file inside the root, or a refusal.
    public func open(_ guestPath: String, flags: Int32) throws(Refusal) -> Int32 {
        let full = try resolve(guestPath)
        let fd = Glibc.open(full, flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
        if fd < 0 {
            let e = errno
            throw Refusal(errno: e, reason: "\"\(guestPath)\": \(String(cString: strerror(e)))")
        }
        // What was opened: a regular file, still inside the root.
        var st = stat()
        let opened = SemihostingSandbox.realPath("/proc/self/fd/\(fd)")
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw Refusal(errno: EACCES, reason: "\"\(guestPath)\" is not a regular file")
        }
        if let opened, !contains(opened) {
            close(fd)
            throw outside(guestPath, opened)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }

    /// SYS_REMOVE: unlinks a file inside the root (the link itself when the
    /// last component is a symbolic link).
    public func remove(_ guestPath: String) throws(Refusal) {
        let full = try resolveNoFollow(guestPath)
        if unlink(full) != 0 {
            let e = errno
            throw Refusal(errno: e, reason: "\"\(guestPath)\": \(String(cString: strerror(e)))")
        }
    }

    /// SYS_RENAME: both names inside the root.
    public func rename(_ from: String, to: String) throws(Refusal) {
        let a = try resolveNoFollow(from)
        let b = try resolveNoFollow(to)
        if Glibc.rename(a, b) != 0 {
            let e = errno
            throw Refusal(errno: e, reason: "\"\(from)\" to \"\(to)\": \(String(cString: strerror(e)))")
        }
    }

    /// The path of a directory entry itself (its directory resolved, its
    /// name kept): removing or renaming a link acts on the link.
    func resolveNoFollow(_ guestPath: String) throws(Refusal) -> String {
        if guestPath.isEmpty { throw Refusal(errno: ENOENT, reason: "an empty path") }
        let full = try entryPath(guestPath, notAName: EACCES)
        guard contains(full), full != root else { throw outside(guestPath, full) }
        return full
    }

    /// `guestPath` with its directory resolved and its last component kept
    /// (which must be a name, not `.` or `..`: else `notAName`).
    private func entryPath(_ guestPath: String, notAName: Int32) throws(Refusal) -> String {
        let (dirPart, name) = SemihostingSandbox.split(guestPath)
        guard name != "..", name != ".", !name.isEmpty else {
            throw Refusal(errno: notAName, reason: "\"\(guestPath)\" does not name a file")
        }
        guard let dir = SemihostingSandbox.realPath(dirPart) else {
            throw Refusal(errno: ENOENT, reason: "the directory of \"\(guestPath)\" does not exist")
        }
        return dir == "/" ? "/" + name : dir + "/" + name
    }
}
