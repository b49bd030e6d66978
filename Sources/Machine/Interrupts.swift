import Glibc
import Synchronization

// Interrupt inputs and their delivery (Arm ARM D1.3 "Exceptions", the routing
// and masking tables of asynchronous exceptions), WFI/WFE and the event
// register (D1.6 "Mechanisms for entering a low-power state").
//
// Devices (and the generic timer, GenericTimer.swift) drive the CPU's IRQ, FIQ
// and SError inputs. A line is the OR of its sources, so several devices can
// share it. Raising a line from any thread stores `interruptCheck` and
// `exitRequest` in the state block: JIT code leaves at the next block entry,
// and the dispatcher calls `serviceInterrupts` before it fetches the next
// block, which takes an asserted, unmasked interrupt as an exception between
// two blocks (ELR = the PC of the next instruction, ESR untouched for IRQ/FIQ).

/// A CPU interrupt input.
public enum InterruptLine: Int, Sendable, CaseIterable {
    case irq = 0, fiq = 1, serror = 2

    /// Where the exception enters the vector table.
    public var kind: ExceptionKind {
        switch self {
        case .irq: return .irq
        case .fiq: return .fiq
        case .serror: return .serror
        }
    }

    /// The PSTATE mask bit, as DAIF holds it (A bit 8, I bit 7, F bit 6).
    public var daifBit: UInt64 {
        switch self {
        case .irq: return 1 << 7
        case .fiq: return 1 << 6
        case .serror: return 1 << 8
        }
    }

    /// SCR_EL3.IRQ (bit 1), FIQ (bit 2), EA (bit 3): route to EL3.
    var scrRouteBit: UInt64 {
        switch self {
        case .irq: return 1 << 1
        case .fiq: return 1 << 2
        case .serror: return 1 << 3
        }
    }

    /// HCR_EL2.IMO (bit 4), FMO (bit 3), AMO (bit 5): route to EL2.
    var hcrRouteBit: UInt64 {
        switch self {
        case .irq: return 1 << 4
        case .fiq: return 1 << 3
        case .serror: return 1 << 5
        }
    }

    /// HCR_EL2.VI (bit 7), VF (bit 6), VSE (bit 8): the virtual interrupt is pending.
    var hcrVirtualBit: UInt64 {
        switch self {
        case .irq: return 1 << 7
        case .fiq: return 1 << 6
        case .serror: return 1 << 8
        }
    }

    /// The order in which simultaneous interrupts are taken (the Arm ARM leaves
    /// it to the implementation; this is QEMU's: FIQ, IRQ, SError).
    static let priorityOrder: [InterruptLine] = [.fiq, .irq, .serror]
}

/// The routing and masking rules, as pure functions of the controls, for the
/// engine and for tests.
public enum InterruptRouting {

    /// The controls that decide where an interrupt goes and whether it is taken.
    public struct Controls: Sendable, Equatable {
        public var el: Int
        public var hasEL2: Bool
        public var hasEL3: Bool
        public var scr: UInt64
        public var hcr: UInt64
        public var daif: UInt64
        /// The virtual interrupt lines the interrupt controller's virtual CPU
        /// interface drives (GICv3 list registers): 1 << `InterruptLine.rawValue`.
        public var virtualLines: UInt64
        public init(el: Int, hasEL2: Bool = false, hasEL3: Bool = false, scr: UInt64 = 0, hcr: UInt64 = 0,
                    daif: UInt64 = 0, virtualLines: UInt64 = 0) {
            self.virtualLines = virtualLines
            self.el = el
            self.hasEL2 = hasEL2
            self.hasEL3 = hasEL3
            self.scr = scr
            self.hcr = hcr
            self.daif = daif
        }

        /// EL2 is implemented and enabled in the current Security state (`EL2State.enabled`).
        public var el2Enabled: Bool { EL2State.enabled(hasEL2: hasEL2, hasEL3: hasEL3, scr: scr) }

        /// HCR_EL2 as it acts (zero when EL2 is not enabled).
        var effectiveHCR: UInt64 { el2Enabled ? hcr : 0 }
    }

    /// The EL a physical interrupt on `line` is routed to (Arm ARM D1.3.4):
    /// EL3 when SCR_EL3.{IRQ,FIQ,EA} is set, else EL2 when EL2 is enabled and
    /// HCR_EL2.{IMO,FMO,AMO} or TGE is set, else EL1.
    public static func targetEL(_ line: InterruptLine, _ c: Controls) -> Int {
        if c.hasEL3 && c.scr & line.scrRouteBit != 0 { return 3 }
        let hcr = c.effectiveHCR
        if hcr & (line.hcrRouteBit | HCRBits.tge) != 0 { return 2 }
        return 1
    }

    /// Whether a physical interrupt routed to `target` is taken now (Arm ARM
    /// D1.3.6, the physical interrupt masking table): never when it targets a
    /// lower EL than the current one; always when it targets a higher EL (EL2
    /// or EL3: PSTATE masks at a lower EL do not apply), except EL2 with
    /// HCR_EL2.{E2H,TGE} = {1,1}; otherwise (same EL, or EL0 → EL1) when
    /// PSTATE.{A,I,F} does not mask it.
    public static func isTaken(_ line: InterruptLine, target: Int, _ c: Controls) -> Bool {
        if target < c.el { return false }
        let pstateMasked = c.daif & line.daifBit != 0
        if target > c.el {
            if target == 3 { return true }
            if target == 2 {
                let hcr = c.effectiveHCR
                if hcr & HCRBits.host == HCRBits.host { return !pstateMasked }
                return true
            }
        }
        return !pstateMasked
    }

    /// A virtual interrupt (HCR_EL2.VI/VF/VSE, or the GIC's virtual CPU
    /// interface asserting vIRQ/vFIQ, with IMO/FMO/AMO set and TGE clear) is
    /// pending for EL0/EL1 while EL2 is enabled; it goes to EL1.
    public static func virtualPending(_ line: InterruptLine, _ c: Controls) -> Bool {
        guard c.el < 2 else { return false }
        let hcr = c.effectiveHCR
        let asserted = hcr & line.hcrVirtualBit != 0 || c.virtualLines & (1 << UInt64(line.rawValue)) != 0
        return hcr & HCRBits.tge == 0 && hcr & line.hcrRouteBit != 0 && asserted
    }

    /// What to take now, if anything: physical interrupts first (in
    /// `InterruptLine.priorityOrder`), then virtual ones (masked by PSTATE).
    /// `lines` holds one bit per asserted line (1 << rawValue).
    public static func select(lines: UInt64, _ c: Controls) -> (line: InterruptLine, target: Int, virtual: Bool)? {
        for line in InterruptLine.priorityOrder where lines & (1 << UInt64(line.rawValue)) != 0 {
            let t = targetEL(line, c)
            if isTaken(line, target: t, c) { return (line, t, false) }
        }
        for line in InterruptLine.priorityOrder where virtualPending(line, c) {
            if c.daif & line.daifBit == 0 { return (line, 1, true) }
        }
        return nil
    }
}

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
    /// The earliest pending timer deadline in host nanoseconds (CPU thread;
    /// `.max` when no enabled, unmasked timer is waiting to fire).
    public internal(set) var nextTimerDeadline: UInt64 = .max

    /// The machine (for its device lock).
    weak var system: System?

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
        _ = pthread_cond_timedwait(wakeCond, mutex, &ts)
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

extension CPU {
    /// True when the dispatcher must call `serviceInterrupts` before the next
    /// block (a line went up, a timer deadline passed, a mask may have opened).
    @inline(__always) public var interruptCheckRequested: Bool {
        state.load(fromByteOffset: StateLayout.interruptCheck, as: UInt64.self) != 0
    }

    /// Raises `line` on behalf of `source` (a device: `InterruptState.firstDeviceSource` and up). Any thread.
    public func raiseInterrupt(_ line: InterruptLine, source: Int = InterruptState.firstDeviceSource) {
        interrupts.setLine(line, source: source, asserted: true)
    }

    public func lowerInterrupt(_ line: InterruptLine, source: Int = InterruptState.firstDeviceSource) {
        interrupts.setLine(line, source: source, asserted: false)
    }

    /// The routing and masking controls as they stand.
    public var interruptControls: InterruptRouting.Controls {
        InterruptRouting.Controls(el: el, hasEL2: config.hasEL2, hasEL3: config.hasEL3,
                                  scr: config.hasEL3 ? sysreg(SysRegTable.scrEL3) : 0,
                                  hcr: config.hasEL2 ? sysreg(SysRegTable.hcrEL2) : 0, daif: daif,
                                  virtualLines: interrupts.virtualLines)
    }

    /// ISR_EL1: A (bit 8), I (bit 7), F (bit 6) set while that interrupt is
    /// pending, masked or not: at EL0/EL1 with HCR_EL2.{AMO,IMO,FMO} set (and
    /// TGE clear) the virtual one (HCR_EL2.VSE/VI/VF, the GIC's virtual CPU
    /// interface), otherwise the physical line (Arm ARM D19 ISR_EL1).
    public var interruptStatus: UInt64 {
        let c = interruptControls
        let hcr = c.effectiveHCR
        var status: UInt64 = 0
        for line in InterruptLine.allCases {
            let virtualView = c.el < 2 && hcr & HCRBits.tge == 0 && hcr & line.hcrRouteBit != 0
            let pending = virtualView ? InterruptRouting.virtualPending(line, c)
                : interrupts.assertedLines & (1 << UInt64(line.rawValue)) != 0
            if pending { status |= line.daifBit }
        }
        return status
    }

    /// True when something is asserted that HCR_EL2 or a line holds (whether
    /// or not it can be taken now).
    var anyInterruptAsserted: Bool {
        if interrupts.assertedLines != 0 || interrupts.virtualLines != 0 { return true }
        return config.hasEL2 && sysreg(SysRegTable.hcrEL2) & (0x1C0) != 0   // VSE, VI, VF
    }

    /// The dispatcher's hook, between blocks: updates the timers' outputs,
    /// then takes the highest-priority asserted interrupt that is not masked.
    /// Returns true when it took one (the PC is now at the vector).
    public func serviceInterrupts() -> Bool {
        state.storeBytes(of: 0, toByteOffset: StateLayout.interruptCheck, as: UInt64.self)
        interrupts.serviceHostEvent()
        updateTimers()
        guard anyInterruptAsserted,
              let (line, target, virtual) = InterruptRouting.select(lines: interrupts.assertedLines, interruptControls)
        else { return false }
        var syndrome: UInt64 = 0
        if line == .serror {
            // EC 0x2F SError interrupt, IL = 1, ISS 0 (uncategorized; no RAS).
            syndrome = (0x2F << 26) | (1 << 25)
            if virtual { setSysreg(SysRegTable.hcrEL2, sysreg(SysRegTable.hcrEL2) & ~line.hcrVirtualBit) }
        }
        takeException(to: target, kind: line.kind, syndrome: syndrome, returnAddress: pc)
        exceptionTaken = false
        return true
    }

    /// Call after anything that may unmask or re-route an interrupt (a write
    /// to DAIF, HCR_EL2, SCR_EL3, a timer register; ERET; a debugger writing
    /// PSTATE): when something is asserted, the dispatcher looks again.
    public func interruptControlsChanged() {
        // A timer deadline may have passed before the alarm thread noticed.
        if interrupts.nextTimerDeadline != .max && HostClock.nanoseconds() >= interrupts.nextTimerDeadline {
            updateTimers()
        }
        if anyInterruptAsserted { interrupts.requestCheck() }
    }

    /// Exception return sets the event register (Arm ARM D1.6.1) and may unmask interrupts.
    func noteExceptionReturn() {
        interrupts.eventRegister = true
        interruptControlsChanged()
    }

    /// SEVL: sets the local event register.
    public func sendEvent() {
        interrupts.eventRegister = true
    }

    /// SEV: sets the event register of every PE (Arm ARM D1.6.1) and wakes
    /// those waiting in WFE.
    public func sendEventToAll() {
        for c in system.cpus {
            c.interrupts.eventRegister = true
            if c !== self { c.interrupts.kick() }
        }
    }

    // MARK: WFI / WFE

    /// A WFI/WFE wake-up event is pending: an asserted interrupt line
    /// (whatever PSTATE.{A,I,F} and the routing say, as the Arm ARM's
    /// WFI wake-up events), or a virtual interrupt for EL0/EL1.
    var wakeUpPending: Bool {
        if interrupts.assertedLines != 0 { return true }
        let c = interruptControls
        return InterruptLine.allCases.contains { InterruptRouting.virtualPending($0, c) }
    }

    /// WFI at `pc`. Completes at once when an interrupt is pending; may trap
    /// (SCTLR_EL1.nTWI, HCR_EL2.TWI, SCR_EL3.TWI); otherwise the host thread
    /// sleeps until a timer deadline or an interrupt. When nothing could ever
    /// wake the CPU (no timer armed, no line up, nothing outside registered as
    /// a wake source), the run ends with a message instead: QEMU would halt the
    /// CPU forever (a hung process); a one-line reason is more useful.
    public func executeWFI(at pc: UInt64) {
        updateTimers()
        if wakeUpPending { return interrupts.requestCheck() }
        if trapWFx(isWFE: false, at: pc) { return }
        if system.cpusShareThread || system.threaded { return beginWaiting(isWFE: false) }
        waitForWakeUp(isWFE: false)
    }

    /// WFE at `pc`: clears the event register and completes when it was set;
    /// otherwise as WFI, also ending at an event (the event stream of
    /// CNTKCTL_EL1/CNTHCTL_EL2; SEV from another PE cannot happen with one).
    public func executeWFE(at pc: UInt64) {
        if interrupts.eventRegister {
            interrupts.eventRegister = false
            return
        }
        updateTimers()
        if wakeUpPending { return interrupts.requestCheck() }
        if trapWFx(isWFE: true, at: pc) { return }
        if system.cpusShareThread || system.threaded { return beginWaiting(isWFE: true) }
        waitForWakeUp(isWFE: true)
    }

    /// The WFx traps (Arm ARM AArch64.CheckForWFxTrap), taken only when the
    /// instruction would wait: EL0 by SCTLR_EL1.nTWI/nTWE = 0 (to EL1, or EL2
    /// with HCR_EL2.TGE), EL0/EL1 by HCR_EL2.TWI/TWE, EL0-EL2 by SCR_EL3.TWI/TWE.
    /// ESR: EC 0x01, CV = 1, COND = 0xE, TI = 0 (WFI) or 1 (WFE).
    func trapWFx(isWFE: Bool, at pc: UInt64) -> Bool {
        let c = interruptControls
        var target: Int?
        if el == 0 && (sysreg(SysRegTable.sctlr[1]) >> (isWFE ? 18 : 16)) & 1 == 0 {
            target = syncTargetEL
        } else if el < 2 && c.el2Enabled && (sysreg(SysRegTable.hcrEL2) >> (isWFE ? 14 : 13)) & 1 == 1 {
            target = 2
        } else if el < 3 && config.hasEL3 && (sysreg(SysRegTable.scrEL3) >> (isWFE ? 13 : 12)) & 1 == 1 {
            target = 3
        }
        guard let target else { return false }
        let iss: UInt64 = (1 << 24) | (0xE << 20) | (isWFE ? 1 : 0)
        takeException(to: target, syndrome: CPU.syndrome(.wfx, iss: iss), returnAddress: pc)
        return true
    }

    /// Sleeps (host thread idle) until a wake-up event; the interrupt itself is
    /// taken by the dispatcher after the WFI/WFE completes.
    func waitForWakeUp(isWFE: Bool) {
        let slice: UInt64 = 10_000_000   // re-check at least every 10 ms (exit, debugger)
        var streamCheckedTo = isWFE ? eventStreamCounts() : nil
        while system.exitStatus == nil {
            updateTimers()
            if wakeUpPending { return interrupts.requestCheck() }
            if isWFE && interrupts.eventRegister { return }   // another PE's SEV
            var deadline = interrupts.nextTimerDeadline
            if isWFE, let from = streamCheckedTo, let to = eventStreamCounts() {
                if eventStreamEdge(from: from, to: to) { return }
                streamCheckedTo = to
                deadline = min(deadline, nextEventStreamDeadline())
            }
            if exitRequest != 0 { return }   // the dispatcher is wanted (exit, debugger, kick)
            if deadline == .max && !interrupts.hasWakeSource {
                let what = isWFE ? "WFE" : "WFI"
                var msg = "guest is waiting in \(what) with nothing that can wake it (PC \(hex(faultPC)), EL\(el)"
                msg += ", no timer armed, no interrupt source)"
                system.fatal(msg)
                return
            }
            let now = HostClock.nanoseconds()
            if deadline <= now { continue }
            interrupts.sleep(until: min(deadline, now &+ slice))
        }
    }
}
