import Machine
import Engine

/// A debug front end (the gdb stub, QMP, the human monitor) that can share
/// the machine with others: while the machine is stopped it serves what its
/// client sent without waiting, so one thread can serve every front end.
protocol SharedDebugHandler: DebugHandler {
    /// Its input queue: the set rings its doorbell on every input.
    var queueDoorbell: Doorbell? { get set }
    /// The machine stopped (for this front end or another): tell the client
    /// what it expects. A resume when this front end must end the stop at once.
    func beginStop(cpu: CPU, reason: DebugStopReason) -> DebugResume?
    /// Runs the inputs queued so far; a resume when one of them resumes or
    /// ends the machine.
    func serveQueued(cpu: CPU) -> DebugResume?
    /// Another front end resumed the machine (`how`), or ended the run (`.kill`).
    func resumedByOther(_ how: DebugResume)
}

/// Several front ends on one machine (`-gdb` with `-qmp` and a monitor, as
/// QEMU allows): the one `DebugHandler` of the `DebugControl`. Any of them
/// can stop the machine (a breakpoint, QMP's `stop`, the monitor's `stop`);
/// while it is stopped each serves its client, and the first that resumes or
/// ends the machine decides, the others are told.
public final class DebugHandlerSet: DebugHandler, @unchecked Sendable {
    private var handlers: [SharedDebugHandler] = []
    private let doorbell = Doorbell()

    public init() {}

    /// Adds a front end (before the run starts): the gdb stub, the QMP
    /// server or the monitor.
    public func add(_ handler: DebugHandler) {
        guard var shared = handler as? SharedDebugHandler else { return }
        shared.queueDoorbell = doorbell
        handlers.append(shared)
    }

    public var count: Int { handlers.count }

    public func attention(cpu: CPU, control: DebugControl) -> DebugStopReason? {
        // Every front end takes its input; the first stop asked for counts.
        var stop: DebugStopReason? = nil
        for h in handlers {
            if let r = h.attention(cpu: cpu, control: control), stop == nil { stop = r }
        }
        return stop
    }

    public func stopped(cpu: CPU, reason: DebugStopReason, control: DebugControl) -> DebugResume {
        for (i, h) in handlers.enumerated() {
            if let r = h.beginStop(cpu: cpu, reason: reason) { return resume(r, by: i) }
        }
        while true {
            let seen = doorbell.rings
            for (i, h) in handlers.enumerated() {
                if let r = h.serveQueued(cpu: cpu) { return resume(r, by: i) }
            }
            doorbell.wait(after: seen)
        }
    }

    private func resume(_ r: DebugResume, by index: Int) -> DebugResume {
        for (i, h) in handlers.enumerated() where i != index { h.resumedByOther(r) }
        return r
    }
}
