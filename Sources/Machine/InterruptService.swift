// The CPU side of its interrupt inputs: raising and lowering lines, taking
// an asserted, unmasked interrupt between blocks (`serviceInterrupts`), the
// event register, and WFI/WFE (Arm ARM D1.6 "Mechanisms for entering a
// low-power state"). The inputs are InterruptState (Interrupts.swift), the
// routing and masking InterruptRouting (InterruptRouting.swift).

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
