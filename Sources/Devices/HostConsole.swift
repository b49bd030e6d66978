import Glibc

/// The host side of the guest's console: one writer shared by the UART and
/// semihosting (so their output interleaves in guest order), and one reader of
/// the host's input shared by the UART's receive FIFO and semihosting reads.
///
/// Output is written straight to the file descriptor with write(2), never
/// buffered, so every byte the guest sends is on its way before the guest's
/// next instruction (and before any message Armature prints afterwards).
///
/// Input is read only when poll(2) says the descriptor is readable (the UART
/// never blocks); `readBlocking` is for semihosting calls, which wait for input
/// as the specification says.
///
/// Armature runs guests on one host thread; this class is not thread-safe.
public final class HostConsole: @unchecked Sendable {
    /// stdout / stdin of the Armature process.
    public static let standard = HostConsole(outputFD: STDOUT_FILENO, inputFD: STDIN_FILENO)

    public let outputFD: Int32
    public let inputFD: Int32

    /// Bytes read from the input and not yet consumed.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// The input reached end of file (or failed): no more polling.
    public private(set) var inputClosed = false
    /// Minimum time between two polls of the input that found nothing, in
    /// nanoseconds (a guest polling the UART's flag register in a tight loop
    /// must not cost a system call per read).
    public var pollIntervalNanos: UInt64
    private var lastEmptyPoll: UInt64 = 0

    public init(outputFD: Int32, inputFD: Int32, pollIntervalNanos: UInt64 = 1_000_000) {
        self.outputFD = outputFD
        self.inputFD = inputFD
        self.pollIntervalNanos = pollIntervalNanos
    }

    // MARK: Output

    public func write(_ bytes: UnsafeRawBufferPointer) {
        HostConsole.writeAll(fd: outputFD, bytes)
    }

    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    public func write(byte: UInt8) {
        withUnsafeBytes(of: byte) { write($0) }
    }

    public func write(_ string: String) {
        var s = string
        s.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Writes every byte to `fd`, retrying on EINTR, short writes and EAGAIN
    /// (a non-blocking descriptor). Gives up silently on other errors (a closed
    /// pipe must not stop the guest).
    public static func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n > 0 {
                p += n
                left -= n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, -1)
            } else {
                return
            }
        }
    }

    public static func writeAll(fd: Int32, _ string: String) {
        var s = string
        s.withUTF8 { writeAll(fd: fd, UnsafeRawBufferPointer($0)) }
    }

    // MARK: Input

    /// Number of input bytes read from the host and not yet consumed.
    public var bufferedCount: Int { pending.count - pendingStart }

    /// Takes one byte of input if one is available now; never blocks.
    public func pollByte() -> UInt8? {
        if bufferedCount == 0 { fill(blocking: false) }
        return takeByte()
    }

    /// True when a byte of input is available now (reads the host if needed; never blocks).
    public func hasInput() -> Bool {
        if bufferedCount == 0 { fill(blocking: false) }
        return bufferedCount > 0
    }

    /// Reads up to `max` bytes, waiting for at least one unless the input is
    /// closed. Returns an empty array at end of file.
    public func readBlocking(max: Int) -> [UInt8] {
        guard max > 0 else { return [] }
        if bufferedCount == 0 { fill(blocking: true) }
        let n = min(max, bufferedCount)
        let out = Array(pending[pendingStart..<(pendingStart + n)])
        consume(n)
        return out
    }

    private func takeByte() -> UInt8? {
        guard bufferedCount > 0 else { return nil }
        let b = pending[pendingStart]
        consume(1)
        return b
    }

    private func consume(_ n: Int) {
        pendingStart += n
        if pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
        }
    }

    private func fill(blocking: Bool) {
        guard !inputClosed, inputFD >= 0 else { return }
        if !blocking {
            if pollIntervalNanos > 0 && lastEmptyPoll != 0 {
                let now = HostConsole.monotonicNanos()
                if now &- lastEmptyPoll < pollIntervalNanos { return }
            }
            var pfd = pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, 0)
            if r <= 0 || pfd.revents == 0 {
                lastEmptyPoll = pollIntervalNanos > 0 ? HostConsole.monotonicNanos() : 0
                return
            }
            if pfd.revents & Int16(POLLNVAL) != 0 { inputClosed = true; return }
        }
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { read(inputFD, $0.baseAddress, $0.count) }
            if n > 0 {
                pending += buf[0..<n]
                lastEmptyPoll = 0
                return
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                if !blocking { return }
                var pfd = pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0)
                _ = poll(&pfd, 1, -1)
                continue
            }
            // End of file or an error: the input is gone for good.
            inputClosed = true
            return
        }
    }

    static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
