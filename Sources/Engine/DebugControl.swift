import Machine
import Synchronization

/// Why the CPU stopped for the debugger.
public enum DebugStopReason: Sendable, Equatable {
    /// Before the first instruction (`-S`), or when a debugger attached.
    case initial
    /// At a breakpoint (before the instruction at the PC runs).
    case breakpoint
    /// A single step finished.
    case step
    /// The debugger asked to stop (Ctrl-C).
    case interrupt
    /// After the instruction that made the access.
    case watchpoint(Watchpoint, address: UInt64)
    /// The run could not go on (an exception loop, a WFI nothing can wake:
    /// `System.fatal`'s message); with a debugger attached the CPU stops instead.
    case guestError(String)
}

/// How the debugger lets the CPU go on.
public enum DebugResume: Sendable, Equatable {
    case `continue`
    /// Run one instruction, then stop.
    case step
    /// End the run (the debugger's kill); the machine exits with status 0.
    case kill
}

/// What serves the debugger (the gdb stub). Both methods are called on the CPU
/// thread, from the dispatcher.
public protocol DebugHandler: AnyObject {
    /// Another thread called `requestAttention` (data from the debugger while
    /// the CPU runs): a stop reason to stop now, nil to go on running.
    func attention(cpu: CPU, control: DebugControl) -> DebugStopReason?
    /// The CPU stopped: serve the debugger until it resumes the CPU.
    func stopped(cpu: CPU, reason: DebugStopReason, control: DebugControl) -> DebugResume
}

/// The debugger's hold on the dispatcher: breakpoints, watchpoints (in
/// `System.debugWatch`), single steps and stop requests. The dispatcher asks
/// `wantsControl` before each block; while it is true, blocks are one
/// instruction long (their own cache key), never chained and never in the
/// jump cache, and `beforeInstruction` runs before each. With no breakpoint,
/// watchpoint or step pending the run is at full speed; another thread gets
/// the CPU's attention with `requestAttention` (exit request + flag).
public final class DebugControl: @unchecked Sendable {
    public let system: System
    public weak var handler: DebugHandler?
    public private(set) var breakpoints: Set<UInt64> = []
    /// One-instruction blocks and a check before each instruction.
    public private(set) var armed = false
    private var stepping = false
    /// PC and instruction count when a step was started: it is done once either changed.
    private var stepFrom: (pc: UInt64, count: UInt64) = (0, 0)
    /// The first instruction after a resume does not stop at a breakpoint at its own PC.
    private var resumedAt: UInt64?
    private var pendingStop: DebugStopReason?
    private let attentionFlag = Atomic<Bool>(false)

    public init(system: System) {
        self.system = system
    }

    /// Stops before the next instruction for `reason` (CPU thread; the current
    /// block is left at once).
    public func stopBeforeNextInstruction(_ reason: DebugStopReason) {
        pendingStop = reason
        updateArmed()
        for c in system.cpus { c.exitRequest = 1 }
    }

    /// Asks the CPU to stop before its first instruction (`-S`).
    public func stopBeforeFirstInstruction() {
        pendingStop = .initial
        updateArmed()
    }

    // MARK: Breakpoints and watchpoints (on the CPU thread, while stopped)

    public func insertBreakpoint(_ va: UInt64) {
        breakpoints.insert(va)
        updateArmed()
    }

    @discardableResult
    public func removeBreakpoint(_ va: UInt64) -> Bool {
        defer { updateArmed() }
        return breakpoints.remove(va) != nil
    }

    public func insertWatchpoint(_ w: Watchpoint) {
        if let set = system.debugWatch {
            set.insert(w)
        } else {
            let set = DebugWatch()
            set.insert(w)
            system.setDebugWatch(set)
        }
        updateArmed()
    }

    @discardableResult
    public func removeWatchpoint(_ w: Watchpoint) -> Bool {
        guard let set = system.debugWatch else { return false }
        let found = set.remove(w)
        if set.isEmpty { system.setDebugWatch(nil) }
        updateArmed()
        return found
    }

    /// Drops every breakpoint and watchpoint (detach).
    public func removeAll() {
        breakpoints.removeAll()
        if system.debugWatch != nil { system.setDebugWatch(nil) }
        stepping = false
        updateArmed()
    }

    public var watchpoints: [Watchpoint] { system.debugWatch?.points ?? [] }

    private func updateArmed() {
        armed = !breakpoints.isEmpty || system.debugWatch != nil || stepping || pendingStop != nil
    }

    // MARK: Other threads

    /// Makes the dispatcher call `DebugHandler.attention` soon (thread-safe).
    /// The flag stays set until the CPU thread takes it; callers may repeat the
    /// call (a chained JIT loop only leaves at an exit request, and the
    /// dispatcher clears those at block boundaries).
    public func requestAttention() {
        attentionFlag.store(true, ordering: .sequentiallyConsistent)
        for c in system.cpus { c.exitRequest = 1 }
    }

    /// Whether an attention request is still waiting for the CPU thread.
    public var attentionPending: Bool { attentionFlag.load(ordering: .sequentiallyConsistent) }

    // MARK: The dispatcher's side

    /// Checked before each block: true when `beforeInstruction` must run.
    @inline(__always) public var wantsControl: Bool {
        armed || attentionFlag.load(ordering: .relaxed)
    }

    /// Runs before the instruction at the PC (dispatcher): stops when a stop is
    /// due and serves the debugger until it resumes. False: the run must end.
    public func beforeInstruction(cpu: CPU) -> Bool {
        var reason: DebugStopReason? = nil
        if attentionFlag.exchange(false, ordering: .sequentiallyConsistent) {
            reason = handler?.attention(cpu: cpu, control: self)
        }
        if reason == nil, let r = pendingStop {
            reason = r
            pendingStop = nil
        }
        if reason == nil, let hit = system.debugWatch?.takeHit() {
            reason = .watchpoint(hit.point, address: hit.address)
        }
        let pc = cpu.pc
        if reason == nil, stepping, pc != stepFrom.pc || cpu.instructionCount != stepFrom.count {
            reason = .step
        }
        if reason == nil, breakpoints.contains(pc), resumedAt != pc {
            reason = .breakpoint
        }
        resumedAt = nil
        guard let reason else { return true }
        return stop(cpu: cpu, reason: reason)
    }

    private func stop(cpu: CPU, reason: DebugStopReason) -> Bool {
        stepping = false
        pendingStop = nil   // a debugger that attached before the first instruction saw this stop
        _ = system.debugWatch?.takeHit()
        let action = handler?.stopped(cpu: cpu, reason: reason, control: self) ?? .continue
        // The debugger may have changed the PC, memory or breakpoints.
        _ = system.debugWatch?.takeHit()
        resumedAt = cpu.pc
        switch action {
        case .continue:
            stepping = false
        case .step:
            stepping = true
            stepFrom = (cpu.pc, cpu.instructionCount)
        case .kill:
            system.requestExit(status: 0)
            updateArmed()
            return false
        }
        updateArmed()
        if !armed { resumedAt = nil }
        return true
    }

    /// Whether blocks must be one instruction long now.
    @inline(__always) public var oneInstructionBlocks: Bool { armed }
}
