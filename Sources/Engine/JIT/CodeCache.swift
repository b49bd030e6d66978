import CFFI
import Glibc

/// Executable memory for translated code, never writable and executable through
/// the same mapping: one memfd mapped twice, read/write for the emitter and
/// read/execute for running (DESIGN: W^X). A bump allocator; when it is full
/// the whole cache is flushed.
final class CodeCache {
    let size: Int
    private let writable: UnsafeMutableRawPointer
    private let executable: UnsafeMutableRawPointer
    /// Bytes used so far (the runtime stubs at the start are kept on flush).
    private(set) var used = 0
    private var reserved = 0

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(size: Int = 64 << 20) throws {
        self.size = size
        let fd = armature_memfd_create("armature-code-cache", 0)
        guard fd >= 0 else { throw Failure(description: "memfd_create failed (errno \(errno))") }
        defer { close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else { throw Failure(description: "ftruncate of the code cache failed") }
        guard let w = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), w != MAP_FAILED,
              let x = mmap(nil, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0), x != MAP_FAILED else {
            throw Failure(description: "cannot map the code cache (errno \(errno))")
        }
        writable = w
        executable = x
    }

    deinit {
        munmap(writable, size)
        munmap(executable, size)
    }

    var free: Int { size - used }

    /// Copies `code` in, 16-byte aligned; returns its offset, or nil when full.
    func append(_ code: [UInt8]) -> Int? {
        let start = (used + 15) & ~15
        guard start + code.count <= size else { return nil }
        code.withUnsafeBytes { (writable + start).copyMemory(from: $0.baseAddress!, byteCount: code.count) }
        used = start + code.count
        return start
    }

    /// Everything after the permanent runtime stubs is dropped.
    func markReserved() { reserved = used }
    func flush() { used = reserved }

    @inline(__always) func executableAddress(_ offset: Int) -> UInt64 {
        UInt64(UInt(bitPattern: executable + offset))
    }
    @inline(__always) func writableAddress(forExecutable a: UInt64) -> UnsafeMutableRawPointer {
        writable + Int(a - UInt64(UInt(bitPattern: executable)))
    }
    @inline(__always) func executablePointer(_ offset: Int) -> UnsafeRawPointer {
        UnsafeRawPointer(executable + offset)
    }
}
