/// Why the machine resets or shuts down, with QEMU 7.2's names (QAPI's
/// ShutdownCause, reported in QMP's RESET and SHUTDOWN events).
public enum ShutdownCause: String, Sendable {
    /// QMP `quit` (or the monitor's).
    case hostQMPQuit = "host-qmp-quit"
    /// QMP `system_reset` (or the monitor's).
    case hostQMPSystemReset = "host-qmp-system-reset"
    /// Ctrl-A x, a signal.
    case hostSignal = "host-signal"
    /// PSCI SYSTEM_OFF, or the last CPU powered off.
    case guestShutdown = "guest-shutdown"
    /// PSCI SYSTEM_RESET / SYSTEM_RESET2.
    case guestReset = "guest-reset"

    /// The guest asked for it (QMP's `guest` member).
    public var byGuest: Bool { self == .guestShutdown || self == .guestReset }
}

/// What a reset request does (`-no-reboot`, `-action reboot=`).
public enum RebootAction: String, Sendable {
    /// Restart the machine (QEMU's default).
    case reset
    /// End the run with status 0, as a shutdown (`-no-reboot`).
    case shutdown
}

extension System {
    /// Asks for a machine reset (PSCI SYSTEM_RESET, QMP `system_reset`); CPU
    /// thread. Every CPU leaves its block and the dispatcher performs the
    /// reset before the next one (`performPendingReset`). With
    /// `rebootAction == .shutdown` the run ends instead, with status 0.
    public func requestReset(_ cause: ShutdownCause) {
        if rebootAction == .shutdown { return requestShutdown(cause) }
        pendingReset = cause
        for c in cpus { c.exitRequest = 1 }
    }

    /// Ends the run with status 0 for `cause` (PSCI SYSTEM_OFF, a reset with
    /// `-no-reboot`).
    public func requestShutdown(_ cause: ShutdownCause) {
        if shutdownCause == nil { shutdownCause = cause }
        requestExit(status: 0)
    }

    /// Adds what a machine reset must do, in the order added: the board
    /// (CPUs, devices, boot images), the engine (its translations), the
    /// QMP server (the RESET event).
    public func addResetParticipant(_ body: @escaping (ShutdownCause) -> Void) {
        resetParticipants.append(body)
    }

    /// Performs the reset asked for, if any (the dispatcher, between blocks:
    /// no translated code is running). True when it did.
    @discardableResult
    public func performPendingReset() -> Bool {
        guard let cause = pendingReset, exitStatus == nil else { return false }
        pendingReset = nil
        for p in resetParticipants { p(cause) }
        return true
    }

    /// Every CPU back to its reset state (`CPU.reset`, not waiting, powered
    /// on; the board powers the secondaries off and sets the entry point).
    /// The system counter keeps counting, as the host clock does.
    public func resetCPUs() {
        for c in cpus {
            c.power.set(.on)
            c.waiting = nil
            c.reset()
            c.pc = 0
            c.interruptController?.cpuContextChanged(c)
        }
    }
}
