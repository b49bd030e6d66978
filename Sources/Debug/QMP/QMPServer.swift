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
    /// device_add and device_del: the board's run-time hot plug (CPU
    /// thread). nil: the commands are errors.
    public var hotplug: QMPHotplug? {
        get { commands.hotplug }
        set { commands.hotplug = newValue }
    }

    /// QEMU's DEVICE_DELETED: a device (`id`, nil for one without) at QOM
    /// `path` is gone (CPU thread).
    public func deviceDeleted(id: String?, path: String) {
        var data: [(String, JSONValue)] = []
        if let id { data.append(("device", .string(id))) }
        data.append(("path", .string(path)))
        send(QMPCommands.event("DEVICE_DELETED", data: .object(data)))
    }
    private let listenFD: Int32
    private var control: DebugControl?

    enum Input {
        case connected
        case disconnected
        case request(JSONValue)
        case parseError(String)
    }

    // Shared with the reader thread: guarded by the queue's lock.
    private let inputs = LockedQueue<Input>()
    private var connection: Int32 = -1

    // CPU thread only.
    var commands: QMPCommands

    public init(address: QMPAddress) throws {
        self.address = address
        commands = QMPCommands()
        let label: String
        do throws(ServerSocket.Failure) {
            switch address.endpoint {
            case .unix(let path):
                label = "unix:\(path)"
                listenFD = try ServerSocket.listenUnix(path: path)
            case .tcp(let host, let port):
                label = "tcp:\(host):\(port)"
                listenFD = try ServerSocket.listenTCP(host: host, port: port)
                boundPort = ServerSocket.boundPort(listenFD)
            }
        } catch {
            throw QMPAddress.ParseError(description: "-qmp \(label): \(error.reason)")
        }
    }

    /// Starts serving. Without `wait=off`, returns once the first client has
    /// connected (QEMU starts the machine then too).
    public func start(control: DebugControl, stopAtStart: Bool) {
        self.control = control
        commands.stopped = stopAtStart
        commands.prelaunch = stopAtStart
        control.handler = self
        // A machine reset, by the guest or by system_reset: QEMU's RESET event.
        control.system.addResetParticipant { [weak self] cause in
            self?.send(QMPCommands.event("RESET", data: .object([("guest", .bool(cause.byGuest)), ("reason", .string(cause.rawValue))])))
        }
        let first = address.wait ? ServerSocket.accept(listenFD) : nil
        ServerSocket.startThread { self.readerLoop(first: first) }
    }

    // MARK: Reader thread

    private func readerLoop(first: Int32?) {
        var pending = first
        while let fd = pending ?? ServerSocket.accept(listenFD) {
            pending = nil
            withLock {
                connection = fd
                rawSend(fd, QMPCommands.greeting.text + "\r\n")
                inputs.pushLocked([.connected])
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
            guard let ready = ServerSocket.wait(fd, short: pending) else { break }
            if !ready.data {
                if pending { control?.requestAttention() }
                continue
            }
            guard let bytes = ServerSocket.receive(fd, into: &buffer) else { break }
            let items = splitter.feed(bytes)
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
            inputs.withLock { inputs.pushLocked(parsed) }
            control?.requestAttention()
        }
        withLock {
            close(fd)
            connection = -1
            inputs.pushLocked([.disconnected])
        }
        control?.requestAttention()
    }

    // MARK: Sending (any thread)

    private func withLock<T>(_ body: () -> T) -> T { inputs.withLock(body) }

    /// Caller holds the lock.
    private func rawSend(_ fd: Int32, _ text: String) { ServerSocket.sendAll(fd, Array(text.utf8)) }

    /// Sends one JSON text to the client, if one is connected.
    func send(_ v: JSONValue) {
        withLock { if connection >= 0 { rawSend(connection, v.text + "\r\n") } }
    }

    private func takeInput() -> Input? { inputs.take() }

    private func nextInput() -> Input { inputs.next() }

    // MARK: DebugHandler (CPU thread)

    public func attention(cpu: CPU, control: DebugControl) -> DebugStopReason? {
        QMPCommands.runQueued { takeInput().map { commands.handle($0, cpu: cpu, server: self) } }
    }

    public func stopped(cpu: CPU, reason: DebugStopReason, control: DebugControl) -> DebugResume {
        if let r = commands.enterStop(reason) { return r }
        return QMPCommands.serveStopped(resumed: { commands.stopped = false }) {
            commands.handle(nextInput(), cpu: cpu, server: self)
        }
    }

    /// The run ended (main thread, after the dispatcher returned): a guest
    /// that powered off is reported as QEMU does (SHUTDOWN with its cause:
    /// guest-shutdown, or with -no-reboot guest-reset or host-qmp-system-reset).
    public func guestExited(status: Int32, cause: ShutdownCause? = nil) {
        if !commands.shutdownSent {
            commands.shutdownSent = true
            let c = cause ?? .guestShutdown
            send(QMPCommands.event("SHUTDOWN", data: .object([("guest", .bool(c.byGuest)), ("reason", .string(c.rawValue))])))
        }
        withLock { if connection >= 0 { shutdown(connection, Int32(SHUT_RDWR)) } }
        if case .unix(let path) = address.endpoint { unlink(path) }
    }
}

extension QMPServer: SharedDebugHandler {
    var queueDoorbell: Doorbell? {
        get { inputs.doorbell }
        set { inputs.doorbell = newValue }
    }

    /// Stopped by another front end (a breakpoint, the monitor): the STOP event.
    func beginStop(cpu: CPU, reason: DebugStopReason) -> DebugResume? {
        commands.enterStop(reason) { send(QMPCommands.event("STOP")) }
    }

    func serveQueued(cpu: CPU) -> DebugResume? {
        QMPCommands.serveQueued(resumed: { commands.stopped = false }) {
            takeInput().map { commands.handle($0, cpu: cpu, server: self) }
        }
    }

    /// Resumed by another front end: the RESUME event (the end of the run
    /// is SHUTDOWN, from `guestExited`).
    func resumedByOther(_ how: DebugResume) {
        guard how != .kill else { return }
        if commands.stopped { send(QMPCommands.event("RESUME")) }
        commands.stopped = false
        commands.prelaunch = false
    }
}
