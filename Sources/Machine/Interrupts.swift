import Glibc
import Synchronization

// A CPU's interrupt inputs, its event register and its host alarm. Where an
// interrupt goes is InterruptRouting.swift (Arm ARM D1.3); taking it, and
// WFI/WFE (D1.6), InterruptService.swift.
//
// Devices (and the generic timer, GenericTimer.swift) drive the CPU's IRQ, FIQ
// and SError inputs. A line is the OR of its sources, so several devices can
// share it. Raising a line from any thread stores `interruptCheck` and
// `exitRequest` in the state block: JIT code leaves at the next block entry,
// and the dispatcher calls `serviceInterrupts` before it fetches the next
// block, which takes an asserted, unmasked interrupt as an exception between
// two blocks (ELR = the PC of the next instruction, ESR untouched for IRQ/FIQ).

/// The per-CPU interrupt inputs, the event register, and the host alarm that
/// wakes the CPU at the generic timer's next deadline. Lines may be driven from
/// any thread; everything else runs on the CPU's thread.
public final class InterruptState: @unchecked Sendable {
    /// Sources of the CPU's lines: the interrupt controller
    /// (`interruptControllerSource`) and, without one, devices driving a line
    /// directly (`firstDeviceSource` and up, at most 63).
    public static let firstDeviceSource = 8
    /// The source the interrupt controller (the GIC's CPU interface) drives
    /// the IRQ and FIQ inputs with.
    public static let interruptControllerSource = 16

    let state: UnsafeMutableRawPointer
    /// The machine's `WakeSignal`: its lock guards this state, and WFI/WFE
    /// sleep on its condition, which raised lines and the alarm broadcast.
    let wake: WakeSignal
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let wakeCond: UnsafeMutablePointer<pthread_cond_t>
    /// The alarm thread sleeps on this one until its deadline changes.
    private let alarmCond: UnsafeMutablePointer<pthread_cond_t>

    /// Per line, the sources asserting it (guarded by `mutex`).
    private var sources: (UInt64, UInt64, UInt64) = (0, 0, 0)
    /// One bit per asserted line (1 << line.rawValue); written under `mutex`.
    private let lineBits = Atomic<UInt64>(0)
    /// The virtual IRQ/FIQ the interrupt controller's virtual CPU interface
    /// drives (1 << line.rawValue).
    private let virtualLineBits = Atomic<UInt64>(0)
    /// Devices (or a debugger) that can wake a WFI from outside the CPU.
    private let wakeSources = Atomic<Int>(0)

    /// The event register (WFE, SEV, SEVL, exception return). Another CPU's
    /// SEV sets it from its thread.
    private let event = Atomic<Bool>(false)
    public var eventRegister: Bool {
        get { event.load(ordering: .acquiring) }
        set { event.store(newValue, ordering: .releasing) }
    }

    /// Host monotonic time (ns) at which the alarm fires; `.max`: disarmed.
    private var alarmDeadline: UInt64 = .max
    private var alarmThread: pthread_t?
    private var stopping = false
    /// The CPU's thread waits in `sleep` (under `mutex`): it cannot return
    /// from there, nor touch its TLB, until the mutex is free.
    private var asleep = false
    /// The earliest pending timer deadline in host nanoseconds (CPU thread;
    /// `.max` when no enabled, unmasked timer is waiting to fire).
    public internal(set) var nextTimerDeadline: UInt64 = .max

    /// The machine (for its device lock). Unowned as `CPU.system` (the
    /// machine holds its CPUs); not weak, which would slow every retain of it.
    unowned(unsafe) var system: System?

    init(state: UnsafeMutableRawPointer, wake: WakeSignal, system: System? = nil) {
        self.system = system
        self.state = state
        self.wake = wake
        mutex = wake.mutex
        wakeCond = wake.cond
        alarmCond = .allocate(capacity: 1)
        pthread_cond_init(alarmCond, WakeSignal.monotonicAttributes)
    }

    deinit {
        shutdown()
        pthread_cond_destroy(alarmCond)
        alarmCond.deallocate()
    }

    /// Stops the alarm thread; after this returns nothing touches the state
    /// block (the CPU calls it before freeing the block).
    func shutdown() {
        pthread_mutex_lock(mutex)
        stopping = true
        let t = alarmThread
        alarmThread = nil
        pthread_cond_broadcast(alarmCond)
        pthread_mutex_unlock(mutex)
        if let t { pthread_join(t, nil) }
    }

    /// Back to reset: lines low, no alarm, event register clear.
    func reset() {
        pthread_mutex_lock(mutex)
        sources = (0, 0, 0)
        lineBits.store(0, ordering: .relaxed)
        virtualLineBits.store(0, ordering: .relaxed)
        alarmDeadline = .max
        pthread_cond_broadcast(alarmCond)
        pthread_mutex_unlock(mutex)
        eventRegister = false
        nextTimerDeadline = .max
        timerOutputs = 0
        pmuOutput = false
    }

    // MARK: Lines

    /// One bit per asserted line (1 << `InterruptLine.rawValue`).
    public var assertedLines: UInt64 { lineBits.load(ordering: .acquiring) }

    public func isAsserted(_ line: InterruptLine) -> Bool { assertedLines & (1 << UInt64(line.rawValue)) != 0 }

    /// Drives `line` from `source` (0...63). Any thread.
    public func setLine(_ line: InterruptLine, source: Int, asserted: Bool) {
        precondition(source >= 0 && source < 64, "interrupt source out of range")
        pthread_mutex_lock(mutex)
        let bit = UInt64(1) << UInt64(source)
        switch line {
        case .irq: sources.0 = asserted ? sources.0 | bit : sources.0 & ~bit
        case .fiq: sources.1 = asserted ? sources.1 | bit : sources.1 & ~bit
        case .serror: sources.2 = asserted ? sources.2 | bit : sources.2 & ~bit
        }
        updateLineBitsLocked()
        pthread_mutex_unlock(mutex)
    }

    /// The virtual lines (vIRQ, vFIQ) the GIC's virtual CPU interface asserts.
    public var virtualLines: UInt64 { virtualLineBits.load(ordering: .acquiring) }

    /// Drives the virtual IRQ or FIQ (the GICv3 virtual CPU interface). A
    /// rising line asks the dispatcher to look and wakes a waiting CPU.
    public func setVirtualLine(_ line: InterruptLine, asserted: Bool) {
        let bit = UInt64(1) << UInt64(line.rawValue)
        let old = asserted ? virtualLineBits.bitwiseOr(bit, ordering: .acquiringAndReleasing).oldValue
            : virtualLineBits.bitwiseAnd(~bit, ordering: .acquiringAndReleasing).oldValue
        guard asserted && old & bit == 0 else { return }
        pthread_mutex_lock(mutex)
        if !stopping {
            requestCheck()
            pthread_cond_broadcast(wakeCond)
        }
        pthread_mutex_unlock(mutex)
    }

    /// The generic timers' outputs as last driven onto the interrupt
    /// controller (bit = `GenericTimerID.rawValue`). CPU thread.
    public internal(set) var timerOutputs: UInt64 = 0
    /// The PMU's overflow interrupt request as last driven (PMU.swift). CPU thread.
    public internal(set) var pmuOutput = false

    /// Arms the alarm for `deadline` (host ns; `.max`: none). CPU thread.
    func setTimerDeadline(_ deadline: UInt64) {
        pthread_mutex_lock(mutex)
        if deadline != alarmDeadline {
            alarmDeadline = deadline
            if deadline != .max && alarmThread == nil && !stopping { startAlarmThreadLocked() }
            pthread_cond_signal(alarmCond)
        }
        pthread_mutex_unlock(mutex)
        nextTimerDeadline = deadline
    }

    private func updateLineBitsLocked() {
        let bits: UInt64 = (sources.0 != 0 ? 1 : 0) | (sources.1 != 0 ? 2 : 0) | (sources.2 != 0 ? 4 : 0)
        let old = lineBits.exchange(bits, ordering: .acquiringAndReleasing)
        if bits & ~old != 0 && !stopping {
            // A line went up: the dispatcher must look before the next block.
            requestCheck()
            pthread_cond_broadcast(wakeCond)
        }
    }

    /// Asks the dispatcher to evaluate interrupts before the next block (and
    /// running JIT code to return to it). Any thread: plain aligned stores,
    /// the check flag first.
    @inline(__always) func requestCheck() {
        state.storeBytes(of: 1, toByteOffset: StateLayout.interruptCheck, as: UInt64.self)
        state.storeBytes(of: 1, toByteOffset: StateLayout.exitRequest, as: UInt64.self)
    }

    // MARK: Wake sources

    /// Registers something outside the CPU that can raise a line or otherwise
    /// wake a waiting CPU (a device with an interrupt output, a debugger). With
    /// none registered, a WFI that no timer can end stops the run instead of
    /// waiting forever.
    public func addWakeSource() { wakeSources.add(1, ordering: .relaxed) }
    public func removeWakeSource() { wakeSources.subtract(1, ordering: .relaxed) }
    public var hasWakeSource: Bool { wakeSources.load(ordering: .relaxed) > 0 }

    // MARK: Host events

    private let hostEvent = Atomic<Int>(0)
    /// Run on the CPU thread, between blocks, after `postHostEvent` (the board
    /// lets its devices take host input here: their interrupt outputs then
    /// change on the CPU thread, like every other device access).
    public var hostEventHandler: (() -> Void)?

    /// Something arrived from the host (console input): the CPU runs
    /// `hostEventHandler` before its next block, waking from WFI. Any thread.
    /// After `shutdown` (the CPU is freeing its state block) it does nothing:
    /// a host thread (console reader at end of input, gdb) may still call it.
    public func postHostEvent() {
        hostEvent.store(1, ordering: .releasing)
        pthread_mutex_lock(mutex)
        if !stopping {
            requestCheck()
            pthread_cond_broadcast(wakeCond)
        }
        pthread_mutex_unlock(mutex)
    }

    /// An event was posted and not yet serviced. Any thread.
    public var hostEventPending: Bool { hostEvent.load(ordering: .relaxed) != 0 }

    /// Runs the handler if an event was posted. CPU thread.
    public func serviceHostEvent() {
        if hostEvent.load(ordering: .relaxed) != 0 && hostEvent.exchange(0, ordering: .acquiringAndReleasing) != 0 {
            guard let hostEventHandler else { return }
            // Devices run under the big lock while CPUs have threads.
            if let system, system.threaded {
                system.deviceLock.lock()
                hostEventHandler()
                system.deviceLock.unlock()
            } else {
                hostEventHandler()
            }
        }
    }

    /// Wakes a CPU sleeping in WFI/WFE (it re-checks and returns to the
    /// dispatcher) and makes running code return to the dispatcher. Any thread.
    /// Does nothing after `shutdown`, as `postHostEvent`.
    public func kick() {
        pthread_mutex_lock(mutex)
        if !stopping {
            state.storeBytes(of: 1, toByteOffset: StateLayout.exitRequest, as: UInt64.self)
            pthread_cond_broadcast(wakeCond)
        }
        pthread_mutex_unlock(mutex)
    }

    /// Sleeps until `deadline` (host monotonic ns), a line goes up, the alarm
    /// fires or someone kicks the CPU (exitRequest set). CPU thread.
    public func sleep(until deadline: UInt64) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if lineBits.load(ordering: .relaxed) != 0 { return }
        if state.load(fromByteOffset: StateLayout.exitRequest, as: UInt64.self) != 0 { return }
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        asleep = true
        _ = pthread_cond_timedwait(wakeCond, mutex, &ts)
        asleep = false
    }

    /// Runs `body` for the CPU if its thread sleeps in `sleep` (WFI, off),
    /// holding it there until `body` returns; returns false (and does not
    /// run `body`) when the thread is not asleep. Any thread: another CPU
    /// does the TLB maintenance it would otherwise wake this thread for.
    func whileAsleep(_ body: () -> Void) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard asleep && !stopping else { return false }
        body()
        return true
    }

    // MARK: The host alarm

    private func startAlarmThreadLocked() {
        var tid = pthread_t()
        let arg = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&tid, nil, { arg in
            let me = Unmanaged<InterruptState>.fromOpaque(arg!).takeRetainedValue()
            me.alarmLoop()
            return nil
        }, arg)
        if rc == 0 {
            alarmThread = tid
        } else {
            Unmanaged<InterruptState>.fromOpaque(arg).release()
        }
    }

    /// The alarm thread: sleeps until the deadline, then asks the CPU to
    /// re-evaluate its timers (the CPU re-arms it for the next deadline).
    private func alarmLoop() {
        pthread_mutex_lock(mutex)
        while !stopping {
            if alarmDeadline == .max {
                pthread_cond_wait(alarmCond, mutex)
                continue
            }
            let now = HostClock.nanoseconds()
            if now >= alarmDeadline {
                alarmDeadline = .max
                requestCheck()
                pthread_cond_broadcast(wakeCond)
                continue
            }
            var ts = timespec(tv_sec: Int(alarmDeadline / 1_000_000_000), tv_nsec: Int(alarmDeadline % 1_000_000_000))
            _ = pthread_cond_timedwait(alarmCond, mutex, &ts)
        }
        pthread_mutex_unlock(mutex)
    }
}
