import CNineP
import Glibc

/// The shared host directory, and the only way the server reaches host files.
///
/// Confinement: the server names a file by its components below the root
/// (`NinePPath`), never by a host path. A component is never empty, ".", ".."
/// or holding "/" (the walk handles ".." itself and stops it at the root), and
/// every directory on the way is opened with openat relative to the previous
/// one with O_NOFOLLOW | O_DIRECTORY, so no host symlink is ever followed,
/// whether it was there from the start or swapped in later. The last component
/// is only used with the *at calls that do not follow it either
/// (AT_SYMLINK_NOFOLLOW, O_NOFOLLOW, the l*xattr calls).
final class NinePRoot {
    let fd: Int32

    init(path: String) throws {
        let fd = open(path, ninep_o_path() | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw NinePError.last }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Whether `name` can be one component of a path: not empty, not "." or
    /// "..", no "/" and no NUL, at most 255 bytes (NAME_MAX).
    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name != ".", name != "..", name.utf8.count <= 255 else { return false }
        return !name.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == 0 })
    }

    /// An O_PATH descriptor of the directory at `components` (the root for none),
    /// opened one component at a time without following symlinks. The caller closes it.
    func openDirectory(_ components: ArraySlice<String>) throws -> Int32 {
        var dir = openat(fd, ".", ninep_o_path() | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { throw NinePError.last }
        for name in components {
            guard NinePRoot.isValidName(name) else {
                close(dir)
                throw NinePError(EINVAL)
            }
            let next = openat(dir, name, ninep_o_path() | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let err = errno
            close(dir)
            // A symlink met with O_NOFOLLOW | O_PATH | O_DIRECTORY fails with ENOTDIR
            // (or ELOOP): either way it is not walked through.
            guard next >= 0 else { throw NinePError(err) }
            dir = next
        }
        return dir
    }

    /// Runs `body` with the directory holding the file at `path` and the file's
    /// name in it; for the root itself, the root and ".".
    @discardableResult
    func withParent<T>(_ path: [String], _ body: (Int32, String) throws -> T) throws -> T {
        let dir = try openDirectory(path.dropLast())
        defer { close(dir) }
        return try body(dir, path.last ?? ".")
    }

    /// Runs `body` with an O_PATH descriptor of the directory at `path`.
    @discardableResult
    func withDirectory<T>(_ path: [String], _ body: (Int32) throws -> T) throws -> T {
        let dir = try openDirectory(path[...])
        defer { close(dir) }
        return try body(dir)
    }
}

/// The path of `name` in the directory `dirfd` through /proc/self/fd, for the
/// calls that have no *at form (the xattr calls, chmod without following): the
/// magic link names the directory itself, and `name` holds no "/".
func procPath(_ dirfd: Int32, _ name: String) -> String {
    "/proc/self/fd/\(dirfd)/\(name)"
}

/// fstatat without following the last component.
func statAt(_ dirfd: Int32, _ name: String) throws -> stat {
    var st = stat()
    guard fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { throw NinePError.last }
    return st
}

/// The qid of a file from its attributes (the inode number is unique below one root).
func qid(of st: stat) -> NinePQid {
    let fileType = st.st_mode & S_IFMT
    let type: UInt8 = fileType == S_IFDIR ? NinePQid.typeDir : fileType == S_IFLNK ? NinePQid.typeSymlink : NinePQid.typeFile
    return NinePQid(type: type, version: 0, path: UInt64(st.st_ino))
}

/// Runs a host call that returns -1 with errno on failure.
@discardableResult
func check(_ r: Int32) throws -> Int32 {
    guard r >= 0 else { throw NinePError.last }
    return r
}
