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
    /// Before the instruction that makes the access (DebugWatch.swift).
    case watchpoint(Watchpoint, address: UInt64)
    /// The run could not go on (an exception loop, a WFI nothing can wake:
    /// `System.fatal`'s message); with a debugger attached the CPU stops instead.
    case guestError(String)
}

/// How the debugger lets the CPUs go on. The machine stops as a whole (gdb's
/// all-stop mode): when one CPU stops, none runs until the debugger resumes.
public enum DebugResume: Sendable, Equatable {
    /// Every CPU runs.
    case `continue`
    /// The CPU that stopped runs one instruction, then the machine stops; the
    /// other CPUs run meanwhile.
    case step
    /// Per CPU (by index): those in `step` run one instruction each (the first
    /// to finish stops the machine), those in `held` stay stopped until the
    /// next stop, the others run (gdb's vCont with per-thread actions).
    case threads(step: Set<Int>, held: Set<Int>)
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
///
/// Several CPUs: a stop on any CPU stops the machine (all-stop). The handler
/// is served on the thread of the CPU that stopped, inside
/// `beforeInstruction`; while CPUs take turns on one host thread nothing else
/// runs meanwhile. A resume may step some CPUs and hold others
/// (`DebugResume.threads`): the dispatcher skips a CPU while `holds` says so.
public final class DebugControl: @unchecked Sendable {
    public let system: System
    public weak var handler: DebugHandler?
    public private(set) var breakpoints: Set<UInt64> = []
    /// One-instruction blocks and a check before each instruction.
    public private(set) var armed = false
    /// CPUs (by index) running one instruction, with the PC and instruction
    /// count each had when the step started: a step is done once either changed.
    private var stepping: [Int: (pc: UInt64, count: UInt64)] = [:]
    /// CPUs the debugger left stopped at the last resume.
    private var held: Set<Int> = []
    /// The first instruction of the CPU that stopped, after a resume, does not
    /// stop at a breakpoint at its own PC.
    private var resumedAt: (cpu: Int, pc: UInt64)?
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
        stepping.removeAll()
        held.removeAll()
        updateArmed()
    }

    public var watchpoints: [Watchpoint] { system.debugWatch?.points ?? [] }

    private func updateArmed() {
        armed = !breakpoints.isEmpty || system.debugWatch != nil || !stepping.isEmpty || pendingStop != nil
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

    /// Whether the dispatcher must leave `cpu` stopped (the debugger resumed
    /// other CPUs only). A pending stop or attention request releases it, so
    /// that some CPU reaches `beforeInstruction` and stops the machine.
    @inline(__always) public func holds(_ cpu: CPU) -> Bool {
        !held.isEmpty && held.contains(cpu.index) && pendingStop == nil && !attentionPending
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
        if reason == nil, let hit = system.debugWatch?.takeHit(cpu: cpu.index) {
            reason = .watchpoint(hit.point, address: hit.address)
        }
        let pc = cpu.pc
        if reason == nil, let from = stepping[cpu.index], pc != from.pc || cpu.instructionCount != from.count {
            reason = .step
        }
        let resumed = resumedAt.map { $0.cpu == cpu.index && $0.pc == pc } ?? false
        if reason == nil, breakpoints.contains(pc), !resumed {
            reason = .breakpoint
        }
        if resumedAt?.cpu == cpu.index { resumedAt = nil }
        guard let reason else { return true }
        return stop(cpu: cpu, reason: reason)
    }

    private func stop(cpu: CPU, reason: DebugStopReason) -> Bool {
        stepping.removeAll()
        held.removeAll()
        pendingStop = nil   // a debugger that attached before the first instruction saw this stop
        system.debugWatch?.clearHit()
        let action = handler?.stopped(cpu: cpu, reason: reason, control: self) ?? .continue
        // The debugger may have changed the PC, memory or breakpoints.
        system.debugWatch?.clearHit()
        resumedAt = (cpu.index, cpu.pc)
        if case .watchpoint = reason {
            system.debugWatch?.resume(cpu: cpu.index, pc: cpu.pc, count: cpu.instructionCount)
        }
        switch action {
        case .continue:
            break
        case .step:
            stepping[cpu.index] = (cpu.pc, cpu.instructionCount)
        case .threads(let step, let hold):
            for c in system.cpus where step.contains(c.index) {
                stepping[c.index] = (c.pc, c.instructionCount)
            }
            held = hold.subtracting(step)
        case .kill:
            system.requestExit(status: 0)
            updateArmed()
            return false
        }
        updateArmed()
        if !armed { resumedAt = nil }
        // The CPU that stopped may be held now: leave its turn.
        if holds(cpu) { cpu.exitRequest = 1 }
        return true
    }

    /// Whether blocks must be one instruction long now.
    @inline(__always) public var oneInstructionBlocks: Bool { armed }
}
