import Glibc
import Options

/// Where `-d` output goes: stderr, or the `-D` file. (The `-trace-blocks`
/// file is written through one too, in binary: `reserve`.)
///
/// To stderr each record (a line, or a block's in_asm/op text) is one write(2),
/// so the log interleaves with the guest's output in order, as QEMU's does. To a
/// file, records are gathered in a buffer (64 KiB by default; a trace of every block is
/// millions of lines); it is flushed when full, by `flush()` at exit, and, after
/// `flushOnSignals()`, when a signal ends the run (Ctrl-C on a hung guest keeps
/// the end of the trace).
public final class LogWriter: @unchecked Sendable {
    public let fd: Int32
    public let path: String?
    public let buffered: Bool
    private let ownsFD: Bool
    /// How messages name this writer: "-D FILE", "-trace-blocks FILE".
    private let label: String
    /// Why the first failed write failed (a full disk, /dev/full, a closed
    /// pipe); the log is incomplete and the run must not end with status 0.
    public private(set) var writeError: String?
    private let capacity: Int
    private let buffer: UnsafeMutablePointer<UInt8>
    /// Bytes in `buffer`; a pointer so a signal handler can read it.
    private let count: UnsafeMutablePointer<Int>

    /// Opens the `-D` file (created or truncated), or stderr when `path` is nil.
    public convenience init(path: String?) throws {
        guard let path else {
            self.init(fd: STDERR_FILENO, buffered: false)
            return
        }
        try self.init(file: path, option: "-D", what: "log file")
    }

    /// Opens (creates or truncates) a file for buffered writing; errors name `option`.
    public convenience init(file path: String, option: String, what: String, capacity: Int = 1 << 16) throws {
        let f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if f < 0 {
            throw OptionError("\(option) \(path): cannot open the \(what): \(String(cString: strerror(errno)))")
        }
        self.init(fd: f, buffered: true, ownsFD: true, path: path, capacity: capacity, label: "\(option) \(path)")
    }

    /// Writes to an open descriptor (tests pass a pipe).
    public init(fd: Int32, buffered: Bool, ownsFD: Bool = false, path: String? = nil, capacity: Int = 1 << 16,
                label: String? = nil) {
        self.fd = fd
        self.buffered = buffered
        self.ownsFD = ownsFD
        self.path = path
        self.label = label ?? path ?? "the log"
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
        count = .allocate(capacity: 1)
        count.pointee = 0
    }

    deinit {
        flush()
        SignalFlush.detach(count: count)
        if ownsFD { close(fd) }
        buffer.deallocate()
        count.deallocate()
    }

    /// Room for `n` bytes (at most the buffer's capacity) at the end of the
    /// buffer, flushing it first when full: the caller stores them there at
    /// once. For binary records; buffered writers only.
    @inline(__always) public func reserve(_ n: Int) -> UnsafeMutableRawPointer {
        precondition(buffered && n <= capacity)
        if count.pointee + n > capacity { flush() }
        let p = UnsafeMutableRawPointer(buffer + count.pointee)
        count.pointee += n
        return p
    }

    /// Writes one line (a newline is added).
    public func line(_ s: String) {
        write(s + "\n")
    }

    /// Writes a record: text made of whole lines.
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard buffered else {
                writeAll(UnsafeRawBufferPointer(bytes))
                return
            }
            if count.pointee + bytes.count > capacity { flush() }
            if bytes.count > capacity {
                writeAll(UnsafeRawBufferPointer(bytes))
                return
            }
            (buffer + count.pointee).update(from: bytes.baseAddress!, count: bytes.count)
            count.pointee += bytes.count
        }
    }

    public func flush() {
        let n = count.pointee
        guard n > 0 else { return }
        count.pointee = 0
        writeAll(UnsafeRawBufferPointer(start: buffer, count: n))
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        guard writeError == nil else { return }   // already incomplete: no more tries, no more warnings
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                // A full disk, /dev/full, a closed pipe: say so once (unless the
                // log is stderr itself); the run ends with a non-zero status.
                let why = n < 0 ? String(cString: strerror(errno)) : "nothing written"
                writeError = why
                if fd != STDERR_FILENO {
                    let line = "armature: warning: \(label): cannot write: \(why); the rest of it is lost\n"
                    _ = line.withCString { Glibc.write(STDERR_FILENO, $0, strlen($0)) }
                }
                return
            }
            done += n
        }
    }

    var bufferForTests: UnsafeMutablePointer<UInt8> { buffer }
    var countForTests: UnsafeMutablePointer<Int> { count }

    /// Flushes the buffer when SIGINT, SIGTERM, SIGHUP or a fatal signal arrives,
    /// then lets the handler installed before this call (or the default action)
    /// have the signal. Call it after the other handlers are installed.
    public func flushOnSignals() {
        guard buffered else { return }
        SignalFlush.attach(fd: fd, buffer: buffer, count: count)
    }
}

/// The state the signal handler reads: plain values and pointers only, set
/// before the handler is installed, so the handler runs async-signal-safe code
/// (write(2), sigaction(2), raise(3)). A few writers can be attached at once
/// (the `-D` log and the `-trace-blocks` file).
enum SignalFlush {
    static let slots = 4
    nonisolated(unsafe) static let fds: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: slots)
        p.initialize(repeating: -1, count: slots)
        return p
    }()
    nonisolated(unsafe) static let buffers: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?> = {
        let p = UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>.allocate(capacity: slots)
        p.initialize(repeating: nil, count: slots)
        return p
    }()
    nonisolated(unsafe) static let counts: UnsafeMutablePointer<UnsafeMutablePointer<Int>?> = {
        let p = UnsafeMutablePointer<UnsafeMutablePointer<Int>?>.allocate(capacity: slots)
        p.initialize(repeating: nil, count: slots)
        return p
    }()
    static let chain = ChainedSignals()
    nonisolated(unsafe) static var installed = false
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ,
                                   SIGVTALRM, SIGPROF, SIGPOLL, SIGPWR, SIGSTKFLT,
                                   SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

    static func attach(fd: Int32, buffer: UnsafeMutablePointer<UInt8>, count: UnsafeMutablePointer<Int>) {
        guard let i = (0..<slots).first(where: { counts[$0] == nil || counts[$0] == count }) else { return }
        fds[i] = fd
        buffers[i] = buffer
        counts[i] = count
        guard !installed else { return }
        installed = true
        chain.install(signals) { s in
            SignalFlush.flushNow()
            SignalFlush.chain.handOn(s)
        }
    }

    /// Forgets the writer whose byte count is `count`.
    static func detach(count: UnsafeMutablePointer<Int>) {
        for i in 0..<slots where counts[i] == count {
            counts[i] = nil
            buffers[i] = nil
            fds[i] = -1
        }
    }

    /// Forgets every writer.
    static func detach() {
        for i in 0..<slots {
            counts[i] = nil
            buffers[i] = nil
            fds[i] = -1
        }
    }

    static func flushNow() {
        for i in 0..<slots {
            let fd = fds[i]
            guard fd >= 0, let buffer = buffers[i], let count = counts[i] else { continue }
            var done = 0
            let n = count.pointee
            while done < n {
                let w = write(fd, buffer + done, n - done)
                if w <= 0 { break }
                done += w
            }
            count.pointee = 0
        }
    }
}
