import Glibc
import Machine
import Engine

/// QMP's commands and events, answered on the CPU thread. Replies and events
/// have QEMU 7.2's shapes: `{"return": ...}` or `{"error": {"class": ...,
/// "desc": ...}}` (with the request's `id` echoed), events with a timestamp.
struct QMPCommands {
    /// What a command does to the run. `reset`: a machine reset to perform
    /// once the reply is out (`performReset`); `shutdown`: the run ends
    /// (a reset with `-no-reboot`), SHUTDOWN is sent at the end.
    enum Action { case none, stop, cont, quit, reset, shutdown }

    /// The client sent qmp_capabilities (per connection).
    var negotiated = false
    /// The CPU is held (stop, -S).
    var stopped = false
    /// -S and no `cont` yet (query-status says "prelaunch").
    var prelaunch = false
    /// Stopped by the debugger's own events (a breakpoint, a step, a
    /// watchpoint): QEMU's run state is then "debug", not "paused".
    var debugStop = false
    var quitting = false
    var shutdownSent = false
    /// Events a command raised, sent after its reply.
    private var pendingEvents: [JSONValue] = []

    static let names = ["qmp_capabilities", "query-status", "query-version", "query-commands", "stop", "cont",
                        "system_powerdown", "system_reset", "quit", "human-monitor-command", "device_add", "device_del"]

    static let version: JSONValue = .object([
        ("qemu", .object([("micro", .number(0)), ("minor", .number(2)), ("major", .number(7))])),
        ("package", .string("armature")),
    ])

    static let greeting: JSONValue = .object([("QMP", .object([("version", version), ("capabilities", .array([]))]))])

    static func event(_ name: String, data: JSONValue? = nil) -> JSONValue {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var m: [(String, JSONValue)] = [
            ("timestamp", .object([("seconds", .number(Double(ts.tv_sec))), ("microseconds", .number(Double(ts.tv_nsec / 1000)))])),
            ("event", .string(name)),
        ]
        if let data { m.append(("data", data)) }
        return .object(m)
    }

    /// QEMU's run state (query-status's `status`): "running"; "prelaunch"
    /// after -S until the first `cont`; "debug" when the gdb stub's event
    /// stopped it (QEMU's vm_stop(RUN_STATE_DEBUG) for EXCP_DEBUG); "paused"
    /// for `stop`, gdb's Ctrl-C and a debugger attaching to a running machine.
    var runState: String {
        !stopped ? "running" : prelaunch ? "prelaunch" : debugStop ? "debug" : "paused"
    }

    static func error(_ cls: String, _ desc: String) -> JSONValue {
        .object([("error", .object([("class", .string(cls)), ("desc", .string(desc))]))])
    }

    mutating func handle(_ input: QMPServer.Input, cpu: CPU, server: QMPServer) -> Action {
        switch input {
        case .connected, .disconnected:
            negotiated = false
            return .none
        case .parseError(let why):
            server.send(Self.error("GenericError", why))
            return .none
        case .request(let request):
            let id = request["id"]
            var (reply, action) = execute(request, cpu: cpu, server: server)
            if let id, case .object(var m) = reply {
                m.append(("id", id))
                reply = .object(m)
            }
            server.send(reply)
            // The reset sends its RESET event (QMPServer's reset participant).
            if action == .reset { action = performReset(cpu.system) }
            // Events follow the reply, as QEMU sends them.
            switch action {
            case .stop: server.send(Self.event("STOP"))
            case .cont: server.send(Self.event("RESUME"))
            case .quit:
                shutdownSent = true
                server.send(Self.event("SHUTDOWN", data: .object([("guest", .bool(false)), ("reason", .string("host-qmp-quit"))])))
            case .none, .reset, .shutdown: break
            }
            for e in pendingEvents { server.send(e) }
            pendingEvents = []
            return action
        }
    }

    private mutating func execute(_ request: JSONValue, cpu: CPU, server: QMPServer) -> (JSONValue, Action) {
        guard case .object(let members) = request else {
            return (Self.error("GenericError", "QMP input must be a JSON object"), .none)
        }
        guard let executeValue = request["execute"] else {
            return (Self.error("GenericError", "QMP input lacks member 'execute'"), .none)
        }
        guard let name = executeValue.stringValue else {
            return (Self.error("GenericError", "QMP input member 'execute' must be a string"), .none)
        }
        for (k, _) in members where k != "execute" && k != "arguments" && k != "id" {
            return (Self.error("GenericError", "QMP input member '\(k)' is unexpected"), .none)
        }
        let arguments = request["arguments"] ?? .object([])
        guard case .object(let args) = arguments else {
            return (Self.error("GenericError", "QMP input member 'arguments' must be an object"), .none)
        }
        if !negotiated {
            guard name == "qmp_capabilities" else {
                return (Self.error("CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'"), .none)
            }
            negotiated = true
            return (.object([("return", .object([]))]), .none)
        }
        func ok(_ v: JSONValue = .object([])) -> JSONValue { .object([("return", v)]) }
        func noArguments() -> JSONValue? {
            args.first.map { Self.error("GenericError", "Parameter '\($0.0)' is unexpected") }
        }
        switch name {
        case "qmp_capabilities":
            return (Self.error("CommandNotFound", "Capabilities negotiation is already complete, command ignored"), .none)
        case "query-status":
            if let e = noArguments() { return (e, .none) }
            return (ok(.object([("status", .string(runState)), ("singlestep", .bool(false)), ("running", .bool(!stopped))])), .none)
        case "query-version":
            if let e = noArguments() { return (e, .none) }
            return (ok(Self.version), .none)
        case "query-commands":
            if let e = noArguments() { return (e, .none) }
            return (ok(.array(Self.names.map { .object([("name", .string($0))]) })), .none)
        case "stop", "cont", "quit", "system_powerdown", "system_reset":
            if let e = noArguments() { return (e, .none) }
            return control(name)
        case "human-monitor-command":
            guard let line = request["arguments"]?["command-line"] else {
                return (Self.error("GenericError", "Parameter 'command-line' is missing"), .none)
            }
            guard let text = line.stringValue else {
                return (Self.error("GenericError", "Parameter 'command-line' expects string"), .none)
            }
            for (k, _) in args where k != "command-line" && k != "cpu-index" {
                return (Self.error("GenericError", "Parameter '\(k)' is unexpected"), .none)
            }
            return humanMonitor(text, cpu: cpu)
        case "device_add", "device_del":
            return (hotplugCommand(name, args), .none)
        default:
            return (Self.error("CommandNotFound", "The command \(name) has not been found"), .none)
        }
    }

    /// stop, cont, quit, system_powerdown, system_reset (QMP and the monitor).
    private mutating func control(_ name: String) -> (JSONValue, Action) {
        let ok: JSONValue = .object([("return", .object([]))])
        switch name {
        case "stop":
            // Stopping a stopped machine is no change and no event.
            if stopped { return (ok, .none) }
            enterStop(.interrupt)
            return (ok, .stop)
        case "cont":
            if !stopped { return (ok, .none) }
            prelaunch = false
            return (ok, .cont)
        case "quit":
            quitting = true
            return (ok, .quit)
        case "system_powerdown":
            guard let press = powerdown else {
                return (Self.error("GenericError", "system_powerdown: this machine has no power button"), .none)
            }
            press()
            pendingEvents.append(Self.event("POWERDOWN"))
            return (ok, .none)
        default:   // system_reset
            return (ok, .reset)
        }
    }

    /// system_reset, after its reply: the machine resets now (the CPU thread
    /// is between blocks, in the dispatcher), or with `-no-reboot` the run
    /// ends (`.shutdown`).
    mutating func performReset(_ system: System) -> Action {
        system.requestReset(.hostQMPSystemReset)
        if system.exitStatus != nil {
            quitting = true
            return .shutdown
        }
        system.performPendingReset()
        // QEMU: a machine reset while paused leaves it in prelaunch.
        if stopped { prelaunch = true }
        return .none
    }

    /// While the CPU runs (`DebugHandler.attention`): `runNext` runs one
    /// queued input and returns its action, nil when none is queued. A stop
    /// or quit stops the CPU; the inputs after it wait for `serveStopped`.
    static func runQueued(_ runNext: () -> Action?) -> DebugStopReason? {
        while let action = runNext() {
            switch action {
            case .stop, .quit, .shutdown: return .interrupt
            case .none, .cont, .reset: continue
            }
        }
        return nil
    }

    /// The machine stops for `reason` (a front end's `stopped` or
    /// `beginStop`): `.kill` when `quit` already ended the run, else held
    /// (`announce` first when it was running: QMP's STOP event). The run
    /// state follows the reason; a stop while already stopped keeps it, as
    /// QEMU's vm_stop does.
    @discardableResult
    mutating func enterStop(_ reason: DebugStopReason, announce: () -> Void = {}) -> DebugResume? {
        if quitting { return .kill }
        if !stopped {
            announce()
            switch reason {
            case .breakpoint, .step, .watchpoint, .guestError: debugStop = true
            case .initial, .interrupt: debugStop = false
            }
        }
        stopped = true
        return nil
    }

    /// While the CPU is stopped (`DebugHandler.stopped`): `runNext` waits for
    /// an input, runs it and returns its action, until `cont` (`resumed` is
    /// called) or `quit`.
    static func serveStopped(resumed: () -> Void, _ runNext: () -> Action) -> DebugResume {
        while true {
            if let r = resumption(runNext(), resumed: resumed) { return r }
        }
    }

    /// While the machine is stopped and shared with other front ends
    /// (`SharedDebugHandler.serveQueued`): runs the inputs already queued
    /// (`runNext` returns nil when there are none left), until `cont` or `quit`.
    static func serveQueued(resumed: () -> Void, _ runNext: () -> Action?) -> DebugResume? {
        while let action = runNext() {
            if let r = resumption(action, resumed: resumed) { return r }
        }
        return nil
    }

    /// How an action taken while stopped ends the stop: `cont` resumes (after
    /// `resumed`), `quit` and a shutdown end the run; the others keep it stopped.
    private static func resumption(_ action: Action, resumed: () -> Void) -> DebugResume? {
        switch action {
        case .cont:
            resumed()
            return .continue
        case .quit, .shutdown:
            return .kill
        case .none, .stop, .reset:
            return nil
        }
    }

    /// Set by the server from its `powerdown`.
    var powerdown: (() -> Void)?
    /// Set by the server from its `hotplug`.
    var hotplug: QMPHotplug?

    /// device_add (its arguments as -device properties: text, numbers, on/off)
    /// and device_del {"id": ...}, through the board's hot plug.
    private func hotplugCommand(_ name: String, _ args: [(String, JSONValue)]) -> JSONValue {
        guard let hotplug else { return Self.error("GenericError", "\(name): this machine has no hot plug") }
        if name == "device_del" {
            guard let id = args.first(where: { $0.0 == "id" })?.1 else {
                return Self.error("GenericError", "Parameter 'id' is missing")
            }
            guard let text = id.stringValue else { return Self.error("GenericError", "Parameter 'id' expects string") }
            for (k, _) in args where k != "id" { return Self.error("GenericError", "Parameter '\(k)' is unexpected") }
            if let e = hotplug.deviceDel(text) { return Self.error(e.0, e.1) }
            return .object([("return", .object([]))])
        }
        var driver: String? = nil
        var properties: [(String, String)] = []
        for (k, v) in args {
            let text: String
            switch v {
            case .string(let s): text = s
            case .bool(let b): text = b ? "on" : "off"
            case .number(let n) where n == n.rounded() && abs(n) < 1e15: text = String(Int64(n))
            default: return Self.error("GenericError", "Parameter '\(k)' expects a string, number or boolean")
            }
            if k == "driver" { driver = text } else { properties.append((k, text)) }
        }
        if let desc = hotplug.deviceAdd(driver, properties) { return Self.error("GenericError", desc) }
        return .object([("return", .object([]))])
    }

    /// human-monitor-command: the monitor's text (CR LF line ends), or its error.
    private mutating func humanMonitor(_ line: String, cpu: CPU) -> (JSONValue, Action) {
        let (text, action) = humanMonitorText(line, cpu: cpu)
        return (.object([("return", .string(text))]), action)
    }

    static let humanMonitorHelp = """
        cont|c -- resume emulation
        help|? -- show the commands
        info registers -- show the cpu registers
        info status -- show the current VM status (running|paused)
        info mec -- show the MEC model's state
        info mtree [-f] -- show memory tree (-f: flat view)
        quit|q -- quit the emulator
        stop|s -- stop emulation
        system_powerdown -- send system power down event
        system_reset -- reset the system
        x /fmt addr -- virtual memory dump starting at addr
        xp /fmt addr -- physical memory dump starting at addr

        """

    /// A monitor command line (QEMU's HMP, the commands Armature has): what it
    /// prints, with QEMU's CR LF line ends, and what it does to the run.
    mutating func humanMonitorText(_ line: String, cpu: CPU) -> (String, Action) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let word = words.first ?? ""
        let control: String? = switch word {
        case "stop", "s": "stop"
        case "cont", "c": "cont"
        case "quit", "q": "quit"
        case "system_powerdown", "system_reset": word
        default: nil
        }
        var text: String
        if let control {
            let (reply, action) = self.control(control)
            if let e = reply["error"], let desc = e["desc"]?.stringValue { return (desc + "\r\n", .none) }
            return ("", action)
        } else if words == ["info", "status"] {
            // QEMU's HMP: "paused" with the run state after it unless it is "paused".
            text = "VM status: \(stopped ? "paused" : "running")\(stopped && runState != "paused" ? " (\(runState))" : "")\n"
        } else if word == "help" || word == "?" {
            text = Self.humanMonitorHelp
        } else if word.isEmpty {
            text = ""
        } else if ["info", "i", "x", "xp"].contains(word) {
            text = GDBMonitor.run(line, cpu: cpu)
        } else {
            text = "unknown command: '\(word)'\n"
        }
        // QEMU's monitor ends its lines with CR LF.
        var crlf = ""
        for c in text { crlf += c == "\n" ? "\r\n" : String(c) }
        return (crlf, .none)
    }
}
