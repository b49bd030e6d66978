import Glibc
import Machine
import Engine

/// The QMP server (`-qmp`): a thread accepts one client at a time, sends
/// QEMU's greeting and cuts the client's bytes into JSON requests; the
/// requests are answered on the CPU thread through `DebugControl` (the
/// mechanism of the gdb stub): while the CPU runs, from
/// `DebugHandler.attention`; while it is stopped (`stop`, `-S`), from
/// `DebugHandler.stopped`, which holds the CPU until `cont` or `quit`. The
/// machine is never touched from two threads.
public final class QMPServer: DebugHandler, @unchecked Sendable {
    public let address: QMPAddress
    /// The TCP port actually bound (0 for a unix socket).
    public private(set) var boundPort: UInt16 = 0
    /// `system_powerdown`: presses the board's power button (CPU thread). nil:
    /// the board has none, and the command is an error.
    public var powerdown: (() -> Void)? {
        get { commands.powerdown }
        set { commands.powerdown = newValue }
    }
    private let listenFD: Int32
    private var control: DebugControl?

    enum Input {
        case connected
        case disconnected
        case request(JSONValue)
        case parseError(String)
    }

    // Shared with the reader thread: guarded by `lock`.
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let ready = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var inputs: [Input] = []
    private var connection: Int32 = -1

    // CPU thread only.
    var commands: QMPCommands

    public init(address: QMPAddress) throws {
        self.address = address
        pthread_mutex_init(lock, nil)
        pthread_cond_init(ready, nil)
        listenFD = try QMPServer.listen(on: address)
        commands = QMPCommands()
        if case .tcp = address.endpoint {
            var sa = sockaddr_in6()
            var len = socklen_t(MemoryLayout<sockaddr_in6>.size)
            _ = withUnsafeMutablePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listenFD, $0, &len) }
            }
            boundPort = UInt16(bigEndian: sa.sin6_port)   // sin_port and sin6_port share the offset
        }
    }

    deinit {
        pthread_mutex_destroy(lock)
        pthread_cond_destroy(ready)
        lock.deallocate()
        ready.deallocate()
    }

    // MARK: Listening

    private static func listen(on address: QMPAddress) throws -> Int32 {
        switch address.endpoint {
        case .unix(let path):
            var sa = sockaddr_un()
            sa.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            let capacity = MemoryLayout.size(ofValue: sa.sun_path)
            guard bytes.count < capacity else {
                throw QMPAddress.ParseError(description: "-qmp unix:\(path): the path is longer than \(capacity - 1) bytes")
            }
            withUnsafeMutableBytes(of: &sa.sun_path) { raw in
                for (i, b) in bytes.enumerated() { raw[i] = b }
            }
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw QMPAddress.ParseError(description: "-qmp unix:\(path): cannot create a socket: \(String(cString: strerror(errno)))") }
            unlink(path)   // a socket left by an earlier run (as QEMU)
            let ok = withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard ok == 0, Glibc.listen(fd, 1) == 0 else {
                let e = errno
                close(fd)
                throw QMPAddress.ParseError(description: "-qmp unix:\(path): cannot listen: \(String(cString: strerror(e)))")
            }
            return fd
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_flags = AI_PASSIVE
            var list: UnsafeMutablePointer<addrinfo>?
            let rc = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &list)
            guard rc == 0, let first = list else {
                throw QMPAddress.ParseError(description: "-qmp tcp:\(host):\(port): cannot resolve '\(host)': \(String(cString: gai_strerror(rc)))")
            }
            defer { freeaddrinfo(list) }
            var lastError: Int32 = 0
            var p: UnsafeMutablePointer<addrinfo>? = first
            while let a = p {
                p = a.pointee.ai_next
                let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
                if fd < 0 { lastError = errno; continue }
                var one: Int32 = 1
                _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
                if bind(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0, Glibc.listen(fd, 1) == 0 { return fd }
                lastError = errno
                close(fd)
            }
            throw QMPAddress.ParseError(description: "-qmp tcp:\(host):\(port): cannot listen: \(String(cString: strerror(lastError)))")
        }
    }

    /// Starts serving. Without `wait=off`, returns once the first client has
    /// connected (QEMU starts the machine then too).
    public func start(control: DebugControl, stopAtStart: Bool) {
        self.control = control
        commands.stopped = stopAtStart
        commands.prelaunch = stopAtStart
        control.handler = self
        var first: Int32 = -1
        if address.wait {
            while first < 0 {
                first = accept(listenFD, nil, nil)
                if first < 0 && errno != EINTR { break }
            }
        }
        let box = Unmanaged.passRetained(self)
        let arg = UnsafeMutablePointer<(Unmanaged<QMPServer>, Int32)>.allocate(capacity: 1)
        arg.initialize(to: (box, first))
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let p = raw!.assumingMemoryBound(to: (Unmanaged<QMPServer>, Int32).self)
            let (box, first) = p.move()
            p.deallocate()
            box.takeRetainedValue().readerLoop(first: first)
            return nil
        }, arg)
        if rc == 0 { pthread_detach(thread) } else { arg.deinitialize(count: 1); arg.deallocate(); box.release() }
    }

    // MARK: Reader thread

    private func readerLoop(first: Int32) {
        var pending = first
        while true {
            let fd: Int32
            if pending >= 0 {
                fd = pending
                pending = -1
            } else {
                fd = accept(listenFD, nil, nil)
                if fd < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    return
                }
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            withLock {
                connection = fd
                rawSend(fd, QMPCommands.greeting.text + "\r\n")
                inputs.append(.connected)
                pthread_cond_signal(ready)
            }
            control?.requestAttention()
            serve(fd)
        }
    }

    private func serve(_ fd: Int32) {
        var splitter = QMPStreamSplitter()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            // Repeat an attention request not yet taken (the dispatcher may
            // have cleared the exit request in between), as the gdb stub does.
            let pending = control?.attentionPending ?? false
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, pending ? 10 : -1)
            if r < 0 && errno != EINTR { break }
            if r == 0 {
                if pending { control?.requestAttention() }
                continue
            }
            if r < 0 { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            let items = splitter.feed(buffer[0..<n])
            if items.isEmpty { continue }
            var parsed: [Input] = []
            for item in items {
                switch item {
                case .text(let bytes):
                    do throws(JSONParser.ParseError) { parsed.append(.request(try JSONParser.parse(bytes))) }
                    catch { parsed.append(.parseError("JSON parse error, " + error.message)) }
                case .error(let why):
                    parsed.append(.parseError(why))
                }
            }
            withLock {
                inputs += parsed
                pthread_cond_signal(ready)
            }
            control?.requestAttention()
        }
        withLock {
            close(fd)
            connection = -1
            inputs.append(.disconnected)
            pthread_cond_signal(ready)
        }
        control?.requestAttention()
    }

    // MARK: Sending (any thread)

    private func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return body()
    }

    /// Caller holds the lock.
    private func rawSend(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            off += n
        }
    }

    /// Sends one JSON text to the client, if one is connected.
    func send(_ v: JSONValue) {
        withLock { if connection >= 0 { rawSend(connection, v.text + "\r\n") } }
    }

    private func takeInput() -> Input? {
        withLock { inputs.isEmpty ? nil : inputs.removeFirst() }
    }

    private func nextInput() -> Input {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        while inputs.isEmpty { pthread_cond_wait(ready, lock) }
        return inputs.removeFirst()
    }

    // MARK: DebugHandler (CPU thread)

    public func attention(cpu: CPU, control: DebugControl) -> DebugStopReason? {
        while let input = takeInput() {
            switch commands.handle(input, cpu: cpu, server: self) {
            case .stop, .quit: return .interrupt   // the rest waits for `stopped`
            case .none, .cont: continue
            }
        }
        return nil
    }

    public func stopped(cpu: CPU, reason: DebugStopReason, control: DebugControl) -> DebugResume {
        if commands.quitting { return .kill }
        commands.stopped = true
        while true {
            switch commands.handle(nextInput(), cpu: cpu, server: self) {
            case .cont:
                commands.stopped = false
                return .continue
            case .quit:
                return .kill
            case .none, .stop:
                continue
            }
        }
    }

    /// The run ended (main thread, after the dispatcher returned): a guest
    /// that powered off is reported as QEMU does (SHUTDOWN, guest-shutdown).
    public func guestExited(status: Int32) {
        if !commands.shutdownSent {
            commands.shutdownSent = true
            send(QMPCommands.event("SHUTDOWN", data: .object([("guest", .bool(true)), ("reason", .string("guest-shutdown"))])))
        }
        withLock { if connection >= 0 { shutdown(connection, Int32(SHUT_RDWR)) } }
        if case .unix(let path) = address.endpoint { unlink(path) }
    }
}
