import Synchronization

/// A CPU's power state as PSCI AFFINITY_INFO reports it (Arm DEN 0022 5.1.8).
public enum PowerState: Int, Sendable {
    case on = 0, off = 1, onPending = 2
}

/// Where a CPU powered on by PSCI CPU_ON starts (DEN 0022 6.4: the entry
/// point, the context ID in X0, the exception level the firmware chooses).
public struct PowerOnRequest: Sendable, Equatable {
    public var entry: UInt64
    public var contextID: UInt64
    public var el: Int
    public init(entry: UInt64, contextID: UInt64, el: Int) {
        self.entry = entry
        self.contextID = contextID
        self.el = el
    }
}

/// The power state of one CPU and a CPU_ON waiting for it, changed by any
/// CPU (PSCI) under one lock; the state is read without it (the dispatcher
/// looks at it between blocks). The CPU itself starts when its runner calls
/// `CPU.startIfPoweredOn`.
final class PowerControl: @unchecked Sendable {
    private let current = Atomic<Int>(PowerState.on.rawValue)
    private let lock = Mutex<PowerOnRequest?>(nil)
    var state: PowerState { PowerState(rawValue: current.load(ordering: .acquiring))! }
    func set(_ s: PowerState) {
        lock.withLock {
            $0 = nil
            current.store(s.rawValue, ordering: .releasing)
        }
    }
    /// CPU_ON: off → on pending with the request; returns the state found.
    func requestOn(_ r: PowerOnRequest) -> PowerState {
        lock.withLock {
            let s = state
            guard s == .off else { return s }
            $0 = r
            current.store(PowerState.onPending.rawValue, ordering: .releasing)
            return .off
        }
    }
    /// The pending request, taken (the state becomes on).
    func takeRequest() -> PowerOnRequest? {
        guard state == .onPending else { return nil }
        return lock.withLock {
            guard state == .onPending, let r = $0 else { return nil }
            $0 = nil
            current.store(PowerState.on.rawValue, ordering: .releasing)
            return r
        }
    }
}

/// What a CPU waits for while CPUs share a host thread: an interrupt (WFI,
/// PSCI CPU_SUSPEND) or an event (WFE; `streamFrom`: the event-stream
/// counters when it started waiting).
public struct WaitState {
    public var isWFE: Bool
    var streamFrom: (virtual: UInt64, physical: UInt64)?
}

extension CPU {
    /// PSCI's view of the CPU.
    public var powerState: PowerState { power.state }

    /// Powers the CPU off (PSCI CPU_OFF, or a secondary at board reset); it
    /// leaves its block and runs nothing until CPU_ON.
    public func powerOff() {
        power.set(.off)
        waiting = nil
        interrupts.kick()
    }

    /// PSCI CPU_ON from another CPU: records where this one starts and
    /// wakes its runner; returns the state it was in (only `.off` started it).
    public func requestPowerOn(_ r: PowerOnRequest) -> PowerState {
        let was = power.requestOn(r)
        if was == .off {
            interrupts.kick()
            system.wake.broadcast()
        }
        return was
    }

    /// SCR_EL3 for software entered below EL3 with no firmware at EL3 (a
    /// direct kernel boot's CPUs, the boot CPU and those PSCI starts): NS (bit
    /// 0), RW (10), HCE (8) with EL2, and APK/API (16, 17) with FEAT_PAuth so
    /// that the kernel's pointer authentication does not trap to an empty EL3.
    public func setUpEL3ForNonSecureEntry() {
        var scr = sysreg(SysRegTable.scrEL3) | 1 << 0 | 1 << 10
        if config.hasEL2 { scr |= 1 << 8 }
        if config.isa.contains(.pauth) { scr |= 1 << 16 | 1 << 17 }
        setSysreg(SysRegTable.scrEL3, scr)
    }

    /// The runner's call before it runs the CPU: performs a pending CPU_ON
    /// (a reset, then the entry point, X0 and EL of the request, SPSel 1,
    /// DAIF masked, the MMU and caches off) and says whether the CPU is on.
    public func startIfPoweredOn() -> Bool {
        if let r = power.takeRequest() {
            reset()
            // The emulator's PSCI starts the CPU Non-secure below EL3 (as QEMU's
            // arm_set_cpu_on), with the EL3 set-up of a direct kernel boot;
            // HCR_EL2.RW when it starts at EL1 under EL2.
            if config.hasEL3 && r.el < 3 { setUpEL3ForNonSecureEntry() }
            if config.hasEL2 && r.el < 2 {
                setSysreg(SysRegTable.hcrEL2, sysreg(SysRegTable.hcrEL2) | 1 << 31)
            }
            setEL(r.el)
            spSel = 1
            daif = 0b1111 << 6
            pc = r.entry
            setX(0, r.contextID)
            interruptController?.cpuContextChanged(self)
            return true
        }
        return power.state == .on
    }

    // MARK: Waiting while CPUs share a thread

    /// WFI/WFE (or CPU_SUSPEND) with nothing pending, CPUs sharing a thread:
    /// the CPU leaves its block and the scheduler runs the others until
    /// `pollWakeUp` says it woke.
    func beginWaiting(isWFE: Bool) {
        waiting = WaitState(isWFE: isWFE, streamFrom: isWFE ? eventStreamCounts() : nil)
        exitRequest = 1
    }

    /// PSCI CPU_SUSPEND: a standby (as WFI, untrapped) until an interrupt.
    public func standby() {
        updateTimers()
        if wakeUpPending { return interrupts.requestCheck() }
        if system.cpusShareThread || system.threaded { return beginWaiting(isWFE: false) }
        waitForWakeUp(isWFE: false)
    }

    /// Ends a WFE early, as the architecture allows (WFE may complete at any
    /// time): the scheduler does so once another CPU has run since, as
    /// QEMU's TCG treats WFE as a yield. Another CPU's store that clears this
    /// CPU's exclusive monitor is an event the scheduler cannot see; a spin
    /// on LDXR + WFE (Linux's smp_cond_load) must look again after the other
    /// CPUs had their turn.
    public func endWaitForEvent() {
        if waiting?.isWFE == true { waiting = nil }
    }

    /// For a waiting CPU: true when it woke (an interrupt line, a virtual
    /// interrupt, or for WFE the event register or an event-stream edge);
    /// `deadline` is when it should be looked at again (host ns, `.max`: only
    /// when something is signalled).
    public func pollWakeUp(deadline: inout UInt64) -> Bool {
        guard let w = waiting else { return true }
        updateTimers()
        var woke = wakeUpPending
        if woke { interrupts.requestCheck() }
        if !woke && w.isWFE {
            if interrupts.eventRegister { woke = true }
            else if let from = w.streamFrom, let to = eventStreamCounts() {
                if eventStreamEdge(from: from, to: to) { woke = true }
                else { deadline = min(deadline, nextEventStreamDeadline()) }
            }
        }
        if woke {
            waiting = nil
            return true
        }
        deadline = min(deadline, interrupts.nextTimerDeadline)
        return false
    }
}
