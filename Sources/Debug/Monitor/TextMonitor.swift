import Glibc
import Machine
import Engine
import Devices

/// The human monitor on a terminal: `-monitor stdio`, or Ctrl-A c under
/// `-nographic` / `-serial mon:stdio`. It speaks the commands of QEMU's
/// monitor that Armature has (the ones QMP's human-monitor-command runs:
/// `info registers|status|mec`, `x`, `xp`, `stop`, `cont`, `system_powerdown`,
/// `system_reset`, `quit`, `help`) with QEMU's `(qemu) ` prompt, so scripts
/// that drive QEMU's monitor drive Armature's.
///
/// Bytes arrive on an input thread (`feed`), which edits the line (echo,
/// backspace) and queues whole lines; the lines run on the CPU thread through
/// `DebugControl`, as the gdb stub's and QMP's requests do: while the CPU
/// runs from `attention`, after `stop` from `stopped`, which holds the CPU
/// until `cont` or `quit`.
public final class TextMonitor: DebugHandler, @unchecked Sendable {
    private let outputFD: Int32
    /// Whole lines for the CPU thread; its lock also guards `editing` and `greeted`.
    private let lines = LockedQueue<String>()
    private var editing: [UInt8] = []
    private var greeted = false
    private var control: DebugControl?
    // CPU thread only.
    private var commands = QMPCommands()

    public static let banner = "Armature monitor (QEMU 7.2's commands) - type 'help' for more information\r\n"
    public static let prompt = "(qemu) "

    /// `system_powerdown`: presses the board's power button (CPU thread).
    public var powerdown: (() -> Void)? {
        get { commands.powerdown }
        set { commands.powerdown = newValue }
    }

    public init(outputFD: Int32 = STDOUT_FILENO) {
        self.outputFD = outputFD
    }

    /// Serves the monitor from now on; -S: the machine starts stopped.
    public func start(control: DebugControl, stopAtStart: Bool) {
        self.control = control
        commands.stopped = stopAtStart
        commands.prelaunch = stopAtStart
        control.handler = self
    }

    /// Reads `fd` on a thread of its own (`-monitor stdio`); shows the banner.
    public func startReading(fd: Int32) {
        showPrompt()
        ServerSocket.startThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    _ = poll(&pfd, 1, -1)
                    continue
                }
                if n <= 0 { return }   // end of input: the monitor stays quiet, the guest runs on
                feed(Array(buffer[0..<n]))
            }
        }
    }

    /// The terminal switched to the monitor (Ctrl-A c): the banner the first
    /// time, then a prompt.
    public func showPrompt() {
        let text = lines.withLock { () -> String in
            defer { greeted = true }
            return (greeted ? "\r\n" : TextMonitor.banner) + TextMonitor.prompt + String(decoding: editing, as: UTF8.self)
        }
        write(text)
    }

    /// Typed bytes (any thread): echoed and edited; Enter queues the line.
    public func feed(_ bytes: [UInt8]) {
        var echo: [UInt8] = []
        var complete: [String] = []
        lines.withLock {
            for b in bytes {
                switch b {
                case 0x0D, 0x0A:
                    // CR LF or a lone LF ends one line, not two.
                    if b == 0x0A, editing.isEmpty, echo.last == 0x0A { continue }
                    echo += [0x0D, 0x0A]
                    complete.append(String(decoding: editing, as: UTF8.self))
                    editing = []
                case 0x08, 0x7F:
                    if !editing.isEmpty {
                        editing.removeLast()
                        echo += [0x08, 0x20, 0x08]
                    }
                case 0x20...0x7E:
                    editing.append(b)
                    echo.append(b)
                default:
                    break   // other control keys are not edited
                }
            }
            if !complete.isEmpty { lines.pushLocked(complete) }
        }
        if !echo.isEmpty { echo.withUnsafeBytes { HostConsole.writeAll(fd: outputFD, $0) } }
        if !complete.isEmpty { control?.requestAttention() }
    }

    private func write(_ text: String) { HostConsole.writeAll(fd: outputFD, text) }

    /// Runs one line and prints its output and the next prompt.
    private func run(_ line: String, cpu: CPU) -> QMPCommands.Action {
        var (text, action) = commands.humanMonitorText(line, cpu: cpu)
        if action == .reset { action = commands.performReset(cpu.system) }
        write(text + (action == .quit || action == .shutdown ? "" : TextMonitor.prompt))
        return action
    }

    // MARK: DebugHandler (CPU thread)

    public func attention(cpu: CPU, control: DebugControl) -> DebugStopReason? {
        QMPCommands.runQueued { lines.take().map { run($0, cpu: cpu) } }
    }

    public func stopped(cpu: CPU, reason: DebugStopReason, control: DebugControl) -> DebugResume {
        if let r = commands.enterStop(reason) { return r }
        return QMPCommands.serveStopped(resumed: { commands.stopped = false }) { run(lines.next(), cpu: cpu) }
    }
}

extension TextMonitor: SharedDebugHandler {
    var queueDoorbell: Doorbell? {
        get { lines.doorbell }
        set { lines.doorbell = newValue }
    }

    func beginStop(cpu: CPU, reason: DebugStopReason) -> DebugResume? {
        commands.enterStop(reason)
    }

    func serveQueued(cpu: CPU) -> DebugResume? {
        QMPCommands.serveQueued(resumed: { commands.stopped = false }) { lines.take().map { run($0, cpu: cpu) } }
    }

    func resumedByOther(_ how: DebugResume) {
        commands.stopped = false
        commands.prelaunch = false
    }
}
