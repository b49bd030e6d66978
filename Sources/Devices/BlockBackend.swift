import Glibc
import Synchronization

// fallocate(2) and its modes (linux/falloc.h; not in Swift's Glibc module).
@_silgen_name("fallocate") private func hostFallocate(_ fd: Int32, _ mode: Int32, _ offset: Int64, _ len: Int64) -> Int32
private let fallocKeepSize: Int32 = 0x01
private let fallocPunchHole: Int32 = 0x02
private let fallocZeroRange: Int32 = 0x10

/// A raw disk image on the host: positioned reads and writes, flushes that
/// reach the disk (fdatasync), discard (hole punching) and write-zeroes.
/// Used from the I/O thread; the descriptor never changes after `init`.
public final class BlockBackend: @unchecked Sendable {
    public struct OpenError: Error, CustomStringConvertible {
        public let description: String
    }

    public let path: String
    public let readOnly: Bool
    /// cache=writethrough and directsync: every write is flushed before it completes.
    public let writeThrough: Bool
    /// cache=unsafe: flushes do nothing.
    public let ignoreFlush: Bool
    /// discard=unmap: discards punch holes; otherwise they succeed and change nothing.
    public let discardUnmap: Bool
    /// Bytes of the image (a multiple of 512 is what the guest sees).
    public let size: UInt64
    private let fd: Int32
    /// fdatasync calls that succeeded: a completed flush has reached the disk.
    public let syncCount = Atomic<Int>(0)

    public init(path: String, readOnly: Bool, writeThrough: Bool = false, ignoreFlush: Bool = false,
                discardUnmap: Bool = false) throws(OpenError) {
        self.path = path
        self.readOnly = readOnly
        self.writeThrough = writeThrough
        self.ignoreFlush = ignoreFlush
        self.discardUnmap = discardUnmap
        let fd = open(path, (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC)
        if fd < 0 {
            throw OpenError(description: "Could not open '\(path)': \(String(cString: strerror(errno)))")
        }
        var st = stat()
        if fstat(fd, &st) != 0 || (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw OpenError(description: "Could not open '\(path)': Is a directory")
        }
        var bytes = UInt64(st.st_size)
        if (st.st_mode & S_IFMT) == S_IFBLK {
            let end = lseek(fd, 0, SEEK_END)
            bytes = end > 0 ? UInt64(end) : 0
        }
        self.fd = fd
        self.size = bytes
    }

    deinit { close(fd) }

    /// Reads `count` bytes at `offset` into `buffer`; 0 or an errno.
    public func read(into buffer: UnsafeMutableRawPointer, count: Int, offset: UInt64) -> Int32 {
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset) + off_t(done))
            if n < 0 { if errno == EINTR { continue }; return errno }
            if n == 0 { memset(buffer + done, 0, count - done); break }   // past the end: zeros
            done += n
        }
        return 0
    }

    /// Writes `count` bytes at `offset`; 0 or an errno.
    public func write(from buffer: UnsafeRawPointer, count: Int, offset: UInt64) -> Int32 {
        if readOnly { return EROFS }
        var done = 0
        while done < count {
            let n = pwrite(fd, buffer + done, count - done, off_t(offset) + off_t(done))
            if n < 0 { if errno == EINTR { continue }; return errno }
            done += n
        }
        return writeThrough ? flush() : 0
    }

    /// Makes completed writes durable (fdatasync); 0 or an errno.
    public func flush() -> Int32 {
        if ignoreFlush || readOnly { return 0 }
        while fdatasync(fd) != 0 {
            if errno != EINTR { return errno }
        }
        syncCount.add(1, ordering: .relaxed)
        return 0
    }

    /// Discards `count` bytes at `offset` (reads then return zeros when
    /// `discardUnmap`; otherwise nothing changes, as QEMU's discard=ignore).
    public func discard(offset: UInt64, count: UInt64) -> Int32 {
        if readOnly { return EROFS }
        guard discardUnmap, count > 0 else { return 0 }
        if hostFallocate(fd, fallocPunchHole | fallocKeepSize, Int64(offset), Int64(count)) == 0 { return 0 }
        return errno == EOPNOTSUPP ? 0 : errno
    }

    /// Writes zeros to `count` bytes at `offset` (`unmap`: may free the blocks).
    public func writeZeroes(offset: UInt64, count: UInt64, unmap: Bool) -> Int32 {
        if readOnly { return EROFS }
        guard count > 0 else { return 0 }
        let mode = unmap && discardUnmap ? fallocPunchHole | fallocKeepSize : fallocZeroRange | fallocKeepSize
        if hostFallocate(fd, mode, Int64(offset), Int64(count)) == 0 { return writeThrough ? flush() : 0 }
        // No support in the host file system: write zeros.
        let chunk = 1 << 20
        let zeros = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 4096)
        defer { zeros.deallocate() }
        memset(zeros, 0, chunk)
        var done: UInt64 = 0
        while done < count {
            let n = Int(min(UInt64(chunk), count - done))
            let e = write(from: zeros, count: n, offset: offset + done)
            if e != 0 { return e }
            done += UInt64(n)
        }
        return 0
    }
}
