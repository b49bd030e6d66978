import Glibc
import Machine
import Engine

/// Where the gdb stub listens: `-gdb tcp::PORT` (every interface, as QEMU),
/// `-gdb tcp:HOST:PORT`, `-s` (= tcp::1234), `-gdb none` (no stub).
public struct GDBAddress: Equatable, Sendable {
    /// Empty: every interface.
    public var host: String
    public var port: UInt16

    public init(host: String = "", port: UInt16) {
        self.host = host
        self.port = port
    }

    public static let defaultPort: UInt16 = 1234

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses a `-gdb` device; nil for `none`. QEMU's socket options
    /// `server`, `wait`, `nowait`, `nodelay` and `ipv4`/`ipv6` are accepted
    /// (the stub is always a server that does not wait).
    public static func parse(_ device: String) throws -> GDBAddress? {
        let fail = { (why: String) in ParseError(description: "-gdb \(device): \(why)") }
        if device == "none" { return nil }
        var spec = Substring(device)
        if spec.allSatisfy(\.isNumber) { spec = "tcp::" + spec }   // a bare port number
        guard spec.hasPrefix("tcp:") else {
            throw fail("only tcp:[HOST]:PORT is supported (e.g. -gdb tcp::1234)")
        }
        let items = spec.dropFirst(4).split(separator: ",", omittingEmptySubsequences: false)
        let hostPort = items[0]
        for opt in items.dropFirst() {
            let name = opt.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            guard ["server", "wait", "nowait", "nodelay", "ipv4", "ipv6", "reconnect"].contains(name) || opt.isEmpty else {
                throw fail("unsupported socket option '\(opt)'")
            }
        }
        guard let colon = hostPort.lastIndex(of: ":") else {
            throw fail("expected tcp:[HOST]:PORT")
        }
        var host = String(hostPort[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = UInt16(hostPort[hostPort.index(after: colon)...]), port > 0 else {
            throw fail("bad port '\(hostPort[hostPort.index(after: colon)...])'")
        }
        return GDBAddress(host: host, port: port)
    }
}

/// The gdb remote stub: listens on TCP, and serves one debugger at a time; a
/// second connection while one is attached is answered with an error packet
/// saying so and closed at once (and a line on stderr).
///
/// While a debugger is attached, a guest error that would end the run
/// (`System.fatal`: an exception loop, a WFI nothing can wake) stops the CPU
/// and is reported to the debugger (console output, then a stop reply), and
/// the guest's end (`W` packet) keeps Armature until the debugger goes.
///
/// A reader thread accepts connections and reads the socket: it answers
/// acknowledgements, queues packets, and gets the CPU's attention
/// (`DebugControl.requestAttention`) for Ctrl-C, a new connection or a lost
/// one. Packets are answered on the CPU thread while the CPU is stopped
/// (`DebugHandler.stopped`), so the machine is never touched from two threads.
public final class GDBServer: DebugHandler, @unchecked Sendable {
    public let address: GDBAddress
    /// The port actually bound (differs from `address.port` when that is 0).
    public private(set) var boundPort: UInt16 = 0
    private let listenFD: Int32
    private var control: DebugControl?
    private var session: GDBSession?

    private enum Event {
        case connected
        case disconnected
        case interrupt
        case nack
        case packet([UInt8])
    }

    // Shared with the reader thread: guarded by the queue's lock.
    private let events = LockedQueue<Event>()
    private var connection: Int32 = -1
    private var noAck = false
    private var lastSent: [UInt8] = []
    /// The debugger waits for a stop reply (it resumed the CPU).
    private var waitingForStop = false

    /// Binds and listens at once, so a debugger can connect before the first
    /// instruction runs.
    public init(address: GDBAddress) throws {
        self.address = address
        do throws(ServerSocket.Failure) {
            listenFD = try ServerSocket.listenTCP(host: address.host, port: address.port)
        } catch {
            throw GDBAddress.ParseError(description: "-gdb tcp:\(address.host):\(address.port): \(error.reason)")
        }
        boundPort = ServerSocket.boundPort(listenFD)
    }

    /// Starts serving: the reader thread accepts debuggers from now on.
    public func start(control: DebugControl, cpu: CPU) {
        self.control = control
        session = GDBSession(cpu: cpu, control: control)
        control.handler = self
        cpu.system.onFatal = { [unowned self, unowned control] message in
            guard self.attached else { return false }
            control.stopBeforeNextInstruction(.guestError(message))
            return true
        }
        ServerSocket.startThread { self.readerLoop() }
    }

    // MARK: Reader thread

    private func readerLoop() {
        while let fd = ServerSocket.accept(listenFD) {
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            withLock {
                if connection >= 0 {
                    close(fd)   // one debugger at a time
                    return
                }
                connection = fd
                noAck = false
                events.pushLocked([.connected])
            }
            guard withLock({ connection == fd }) else { continue }
            control?.requestAttention()
            serve(fd)
        }
    }

    /// A debugger is connected (any thread).
    var attached: Bool { withLock { connection >= 0 } }

    /// Most events queued for the CPU thread; past it the socket is not read
    /// (the debugger waits) until the CPU takes some.
    static let maxQueuedEvents = 1024

    private func serve(_ fd: Int32) {
        var parser = GDBPacketParser()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            // While an attention request is not yet taken, repeat it (the
            // dispatcher may have cleared the exit request in between).
            let pending = control?.attentionPending ?? false
            let full = withLock { events.items.count >= GDBServer.maxQueuedEvents }
            guard let ready = ServerSocket.wait(fd, readable: !full, alsoListen: listenFD, short: pending || full) else { break }
            if ready.listen { refuseSecondDebugger() }
            if !ready.data {
                if pending { control?.requestAttention() }
                continue
            }
            guard let bytes = ServerSocket.receive(fd, into: &buffer) else { break }
            var attention = false
            for input in parser.feed(bytes) {
                switch input {
                case .packet(let payload, let ok):
                    withLock {
                        if !noAck { rawSend(fd, ok ? [0x2B] : [0x2D]) }
                        if ok { events.pushLocked([.packet(payload)]) }
                    }
                case .interrupt:
                    events.push(.interrupt)
                    attention = true
                case .nack:
                    events.push(.nack)
                case .ack:
                    break
                }
            }
            if attention { control?.requestAttention() }
        }
        withLock {
            close(fd)
            connection = -1
            events.pushLocked([.disconnected])
        }
        control?.requestAttention()
    }

    /// Another debugger connects while one is attached: it gets an error
    /// packet naming the reason (gdb shows it as the reply to its first
    /// request) and the connection is closed; one line on stderr says so.
    private func refuseSecondDebugger() {
        guard let fd = ServerSocket.accept(listenFD) else { return }
        let why = "another debugger is already attached to this Armature"
        rawSend(fd, GDBPacket.encode("E." + why))
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        let line = "armature: gdb: refused a second connection: \(why)\n"
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }

    // MARK: Sending (any thread)

    private func withLock<T>(_ body: () -> T) -> T { events.withLock(body) }

    /// Caller holds the lock.
    private func rawSend(_ fd: Int32, _ bytes: [UInt8]) { ServerSocket.sendAll(fd, bytes) }

    private func send(packet payload: String) {
        let framed = GDBPacket.encode(payload)
        withLock {
            lastSent = framed
            if connection >= 0 { rawSend(connection, framed) }
        }
    }

    private func nextEvent() -> Event { events.next() }

    // MARK: DebugHandler (CPU thread)

    public func attention(cpu: CPU, control: DebugControl) -> DebugStopReason? {
        // Running: act on Ctrl-C and on connections; packets wait for the stop.
        var stop: DebugStopReason? = nil
        let taken: [Event] = withLock {
            var keep: [Event] = []
            var taken: [Event] = []
            for e in events.items {
                if case .packet = e { keep.append(e) } else { taken.append(e) }
            }
            events.items = keep
            return taken
        }
        for e in taken {
            switch e {
            case .connected:
                session?.reset()
                waitingForStop = false
                stop = .initial
            case .disconnected:
                // As QEMU: breakpoints stay; one that is hit waits for a debugger.
                session?.reset()
                waitingForStop = false
            case .interrupt:
                if stop == nil { stop = .interrupt }
            case .nack, .packet:
                break
            }
        }
        return stop
    }

    public func stopped(cpu: CPU, reason: DebugStopReason, control: DebugControl) -> DebugResume {
        if let r = beginStop(cpu: cpu, reason: reason) { return r }
        while true {
            if let r = handle(nextEvent()) { return r }
        }
    }

    /// One event while the machine is stopped; a resume when the debugger resumed it.
    private func handle(_ event: Event) -> DebugResume? {
        guard let session else { return .continue }
        switch event {
        case .connected:
            session.reset()
            waitingForStop = false
        case .disconnected:
            // The debugger went away without detaching: stay stopped until
            // another one connects (as QEMU).
            session.reset()
            waitingForStop = false
        case .interrupt:
            break   // already stopped
        case .nack:
            withLock { if connection >= 0 && !lastSent.isEmpty { rawSend(connection, lastSent) } }
        case .packet(let payload):
            let out = session.handle(payload)
            // Acknowledgements stop with the OK to QStartNoAckMode.
            if session.noAck { withLock { noAck = true } }
            for r in out.replies { send(packet: r) }
            if let resume = out.resume {
                waitingForStop = !out.detached && resume != .kill
                if resume == .kill {
                    let message = "armature: terminated via the gdb stub\n"
                    _ = message.withCString { write(STDERR_FILENO, $0, strlen($0)) }
                }
                return resume
            }
        }
        return nil
    }

    /// The guest ended: a debugger that waits for the CPU is told (`W`
    /// packet), and Armature stays until it goes (it may still ask `?`; `k`,
    /// `D` or closing the connection end the wait).
    public func guestExited(status: Int32) {
        guard waitingForStop else { return }
        waitingForStop = false
        let exit = GDBSession.exitReply(status: status)
        send(packet: exit)
        while attached {
            switch nextEvent() {
            case .disconnected: return
            case .connected, .interrupt: continue
            case .nack: withLock { if connection >= 0 && !lastSent.isEmpty { rawSend(connection, lastSent) } }
            case .packet(let payload):
                switch payload.first {
                case UInt8(ascii: "?"): send(packet: exit)
                case UInt8(ascii: "D"): send(packet: "OK"); return
                case UInt8(ascii: "k"): return
                case UInt8(ascii: "v") where payload.starts(with: Array("vKill".utf8)): send(packet: "OK"); return
                case UInt8(ascii: "v") where payload == Array("vMustReplyEmpty".utf8): send(packet: "")
                default: send(packet: "E01")   // the guest is gone
                }
            }
        }
    }
}

extension GDBServer: SharedDebugHandler {
    var queueDoorbell: Doorbell? {
        get { events.doorbell }
        set { events.doorbell = newValue }
    }

    /// The debugger that waits for the machine gets the stop reply.
    func beginStop(cpu: CPU, reason: DebugStopReason) -> DebugResume? {
        guard let session else { return .continue }
        session.lastStop = reason
        session.stopped(on: cpu)
        if waitingForStop {
            waitingForStop = false
            // Why the run could not go on, as console output before the stop reply.
            if case .guestError(let message) = reason { send(packet: "O" + GDBPacket.hex("armature: \(message)\n")) }
            send(packet: session.stopReply(reason))
        }
        return nil
    }

    func serveQueued(cpu: CPU) -> DebugResume? {
        while let e = events.take() {
            if let r = handle(e) { return r }
        }
        return nil
    }

    /// The machine runs again: an attached debugger is told of the next stop
    /// (QEMU's stub reports every stop to it). The run ends (QMP's or the
    /// monitor's quit): it is told so at once (`W00`), as QEMU does, and the
    /// end does not wait for it.
    func resumedByOther(_ how: DebugResume) {
        guard attached else { return }
        if how == .kill {
            waitingForStop = false
            send(packet: GDBSession.exitReply(status: 0))
        } else {
            waitingForStop = true
        }
    }
}
