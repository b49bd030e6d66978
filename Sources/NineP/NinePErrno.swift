import Glibc

/// A failed operation: the host errno it failed with (mapped to Linux's number
/// when the reply is built).
public struct NinePError: Error, Equatable, Sendable {
    public var hostErrno: Int32
    public init(_ hostErrno: Int32) { self.hostErrno = hostErrno }

    /// The error of the last failed host call.
    static var last: NinePError { NinePError(errno) }
}

/// Host errno → the Linux (asm-generic) errno an Rlerror carries: the guest is
/// Linux whatever the host. Host codes without a Linux counterpart become EIO.
public enum LinuxErrno {
    public static func from(host e: Int32) -> UInt32 {
        switch e {
        case EPERM: 1
        case ENOENT: 2
        case ESRCH: 3
        case EINTR: 4
        case EIO: 5
        case ENXIO: 6
        case E2BIG: 7
        case EBADF: 9
        case EAGAIN: 11
        case ENOMEM: 12
        case EACCES: 13
        case EFAULT: 14
        case EBUSY: 16
        case EEXIST: 17
        case EXDEV: 18
        case ENODEV: 19
        case ENOTDIR: 20
        case EISDIR: 21
        case EINVAL: 22
        case ENFILE: 23
        case EMFILE: 24
        case ETXTBSY: 26
        case EFBIG: 27
        case ENOSPC: 28
        case ESPIPE: 29
        case EROFS: 30
        case EMLINK: 31
        case ERANGE: 34
        case EDEADLK: 35
        case ENAMETOOLONG: 36
        case ENOLCK: 37
        case ENOSYS: 38
        case ENOTEMPTY: 39
        case ELOOP: 40
        case ENODATA: 61
        case EPROTO: 71
        case EOVERFLOW: 75
        case EOPNOTSUPP: 95
        case EDQUOT: 122
        default: 5
        }
    }
}
