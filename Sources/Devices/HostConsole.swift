import Glibc
import Machine

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
/// With `startReader`, a host thread reads the input instead (so input
/// arrives while the guest runs or sleeps in WFI: `onInput` tells the board),
/// and handles QEMU's Ctrl-A escapes when asked to (`-nographic`,
/// `mon:stdio`): Ctrl-A x quits, Ctrl-A h prints the escapes, Ctrl-A a (or
/// Ctrl-A Ctrl-A) sends a Ctrl-A, Ctrl-A c switches between the guest and the
/// monitor (`Escapes.monitor`).
/// The input buffer is shared under a lock; output needs none (write(2)).
public final class HostConsole: @unchecked Sendable {
    /// stdout / stdin of the Armature process.
    public static let standard = HostConsole(outputFD: STDOUT_FILENO, inputFD: STDIN_FILENO)

    public let outputFD: Int32
    public let inputFD: Int32

    /// Bytes read from the input and not yet consumed (under `lock` once the
    /// reader thread runs).
    private var pending: [UInt8] = []
    private let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()
    private let inputCond: UnsafeMutablePointer<pthread_cond_t> = {
        let c = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        pthread_cond_init(c, nil)
        return c
    }()
    /// The reader thread owns the input descriptor.
    private var readerRunning = false
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
    public var bufferedCount: Int {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return pending.count - pendingStart
    }

    private var bufferedCountLocked: Int { pending.count - pendingStart }

    /// Takes one byte of input if one is available now; never blocks.
    public func pollByte() -> UInt8? {
        if !readerRunning && bufferedCount == 0 { fill(blocking: false) }
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return takeByte()
    }

    /// True when a byte of input is available now (reads the host if needed; never blocks).
    public func hasInput() -> Bool {
        if !readerRunning && bufferedCount == 0 { fill(blocking: false) }
        return bufferedCount > 0
    }

    /// Reads up to `max` bytes, waiting for at least one unless the input is
    /// closed. Returns an empty array at end of file.
    public func readBlocking(max: Int) -> [UInt8] {
        guard max > 0 else { return [] }
        if readerRunning {
            pthread_mutex_lock(lock)
            while bufferedCountLocked == 0 && !inputClosed { pthread_cond_wait(inputCond, lock) }
        } else {
            if bufferedCount == 0 { fill(blocking: true) }
            pthread_mutex_lock(lock)
        }
        defer { pthread_mutex_unlock(lock) }
        let n = min(max, bufferedCountLocked)
        let out = Array(pending[pendingStart..<(pendingStart + n)])
        consume(n)
        return out
    }

    // MARK: The reader thread and QEMU's Ctrl-A escapes

    /// What the escapes do.
    public struct Escapes {
        /// Ctrl-A x.
        public var quit: () -> Void
        /// The monitor Ctrl-A c switches to (nil: none; a message says so).
        public var monitor: Monitor?
        public init(quit: @escaping () -> Void, monitor: Monitor? = nil) {
            self.quit = quit
            self.monitor = monitor
        }
    }

    /// Where the input goes while the monitor has the terminal.
    public struct Monitor {
        /// The terminal switched to the monitor.
        public var entered: () -> Void
        /// Typed bytes for the monitor (escapes removed).
        public var input: ([UInt8]) -> Void
        public init(entered: @escaping () -> Void, input: @escaping ([UInt8]) -> Void) {
            self.entered = entered
            self.input = input
        }
    }

    public static let escapeHelp = """
        Ctrl-A h    show these keys
        Ctrl-A x    quit Armature
        Ctrl-A c    switch between the console and the monitor
        Ctrl-A a    send Ctrl-A to the guest (so does Ctrl-A Ctrl-A)

        """

    private var escapes: Escapes?
    private var afterEscape = false
    /// Ctrl-A c gave the terminal to the monitor (reader thread only).
    private var inMonitor = false
    private var onInput: (() -> Void)?
    private var onClose: (() -> Void)?

    /// Starts a thread that reads the input as it arrives, handles the Ctrl-A
    /// escapes (when `escapes` is given) and calls `onInput` (on that thread)
    /// after each chunk of guest input, `onClose` then `onInput` at its end.
    /// Returns false when there is no input to read.
    @discardableResult
    public func startReader(escapes: Escapes?, onInput: @escaping () -> Void, onClose: @escaping () -> Void = {}) -> Bool {
        guard !readerRunning, inputFD >= 0, !inputClosed else { return false }
        self.escapes = escapes
        self.onInput = onInput
        self.onClose = onClose
        readerRunning = true
        var tid = pthread_t()
        let arg = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&tid, nil, { arg in
            let me = Unmanaged<HostConsole>.fromOpaque(arg!).takeRetainedValue()
            me.readerLoop()
            return nil
        }, arg)
        if rc == 0 { pthread_detach(tid) } else { readerRunning = false; Unmanaged<HostConsole>.fromOpaque(arg).release() }
        return readerRunning
    }

    private func readerLoop() {
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { read(inputFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var pfd = pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0)
                _ = poll(&pfd, 1, -1)
                continue
            }
            if n <= 0 {
                pthread_mutex_lock(lock)
                inputClosed = true
                pthread_cond_broadcast(inputCond)
                pthread_mutex_unlock(lock)
                onClose?()
                onInput?()
                return
            }
            let data = escapes == nil ? Array(buf[0..<n]) : filterEscapes(buf[0..<n])
            if data.isEmpty { continue }
            pthread_mutex_lock(lock)
            pending += data
            pthread_cond_broadcast(inputCond)
            pthread_mutex_unlock(lock)
            onInput?()
        }
    }

    func setEscapesForTesting(_ e: Escapes) { escapes = e }

    /// QEMU's mux escapes: Ctrl-A then a key.
    func filterEscapes(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var toMonitor: [UInt8] = []
        defer { if !toMonitor.isEmpty { escapes?.monitor?.input(toMonitor) } }
        for b in bytes {
            if afterEscape {
                afterEscape = false
                switch b {
                case 0x01, UInt8(ascii: "a"):
                    if inMonitor { toMonitor.append(0x01) } else { out.append(0x01) }
                case UInt8(ascii: "x"):
                    HostConsole.writeAll(fd: STDERR_FILENO, "armature: terminated (Ctrl-A x)\n")
                    escapes?.quit()
                case UInt8(ascii: "h"), UInt8(ascii: "?"):
                    HostConsole.writeAll(fd: outputFD, HostConsole.escapeHelp)
                case UInt8(ascii: "c"):
                    if let m = escapes?.monitor {
                        if !toMonitor.isEmpty { m.input(toMonitor); toMonitor = [] }
                        inMonitor.toggle()
                        if inMonitor { m.entered() }
                    } else {
                        HostConsole.writeAll(fd: outputFD, "\narmature: no monitor in this run (-monitor none)\n")
                    }
                default: break   // an unknown escape is dropped, as QEMU does
                }
            } else if b == 0x01 {
                afterEscape = true
            } else if inMonitor {
                toMonitor.append(b)
            } else {
                out.append(b)
            }
        }
        return out
    }

    /// Under `lock`.
    private func takeByte() -> UInt8? {
        guard bufferedCountLocked > 0 else { return nil }
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
        guard !inputClosed, inputFD >= 0, !readerRunning else { return }
        if !blocking {
            if pollIntervalNanos > 0 && lastEmptyPoll != 0 {
                let now = HostClock.nanoseconds()
                if now &- lastEmptyPoll < pollIntervalNanos { return }
            }
            var pfd = pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, 0)
            if r <= 0 || pfd.revents == 0 {
                lastEmptyPoll = pollIntervalNanos > 0 ? HostClock.nanoseconds() : 0
                return
            }
            if pfd.revents & Int16(POLLNVAL) != 0 { inputClosed = true; return }
        }
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { read(inputFD, $0.baseAddress, $0.count) }
            if n > 0 {
                pthread_mutex_lock(lock)
                pending += buf[0..<n]
                pthread_mutex_unlock(lock)
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

}
