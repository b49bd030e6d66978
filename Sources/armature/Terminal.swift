import Glibc
import Debug

/// The host terminal while a guest runs, as QEMU's stdio character device sets
/// it: when stdin is a terminal (and we are in the foreground), no local echo and
/// no line editing, so the guest sees each key as it is typed (Enter arrives as
/// '\r') and echoes it itself. With `-serial stdio` Ctrl-C still stops
/// Armature (ISIG stays on); with `-nographic` or `mon:stdio` it goes to the
/// guest, as QEMU's, and Ctrl-A x quits.
///
/// The terminal is restored on every way out but SIGKILL: at exit (the guest's
/// end, SYSTEM_OFF, a fatal guest error), on SIGINT, SIGTERM, SIGHUP, SIGQUIT,
/// SIGPIPE and the other signals whose default action ends the process
/// (`Interrupt`), and on crashes (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT,
/// SIGFPE, re-raised to the handler before ours). Ctrl-Z (SIGTSTP) restores it
/// while Armature is stopped and sets it again on `fg`. The handlers only call
/// async-signal-safe functions.
enum Terminal {
    nonisolated(unsafe) static var saved = termios()
    /// The guest's settings, put back after a stop (SIGTSTP, then SIGCONT).
    nonisolated(unsafe) static var guestMode = termios()
    nonisolated(unsafe) static var isRaw = false
    /// Fatal signals restore the terminal, then go to the handlers they had
    /// before ours (the Swift runtime's crash reporter).
    static let fatalSignals = ChainedSignals()

    static func enterGuestMode(signalsToGuest: Bool = false) {
        guard isatty(STDIN_FILENO) != 0, tcgetpgrp(STDIN_FILENO) == getpgrp() else { return }
        var t = termios()
        guard tcgetattr(STDIN_FILENO, &t) == 0 else { return }
        saved = t
        t.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        t.c_oflag |= tcflag_t(OPOST)
        t.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | IEXTEN)
        if signalsToGuest { t.c_lflag &= ~tcflag_t(ISIG) }
        t.c_cflag &= ~tcflag_t(CSIZE | PARENB)
        t.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0 else { return }
        guestMode = t
        isRaw = true
        atexit { Terminal.restore() }
        installStopHandler()
        fatalSignals.install([SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]) { s in
            Terminal.restore()
            Terminal.fatalSignals.handOn(s)
        }
    }

    /// Ctrl-Z: the shell gets its terminal back while Armature is stopped; on
    /// `fg` (SIGCONT) the guest's settings return.
    static func installStopHandler() {
        signal(SIGTSTP) { _ in
            let wasRaw = Terminal.isRaw
            Terminal.restore()
            // Stop for real: the default action, with the signal unblocked.
            signal(SIGTSTP, SIG_DFL)
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGTSTP)
            raise(SIGTSTP)
            sigprocmask(SIG_UNBLOCK, &set, nil)
            // Continued.
            if wasRaw && tcsetattr(STDIN_FILENO, TCSANOW, &Terminal.guestMode) == 0 { Terminal.isRaw = true }
            Terminal.installStopHandler()
        }
    }

    /// Async-signal-safe.
    static func restore() {
        if isRaw {
            isRaw = false
            _ = tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        }
    }
}

/// SIGINT (Ctrl-C), SIGTERM, SIGHUP and the other signals that would end the
/// process: stop at once with the terminal restored and a one-line message, as
/// QEMU does ("terminating on signal N"), status 128 + N. SIGPIPE (the reader
/// of stdout went away, as `armature ... | head`) ends the run quietly, status
/// 141, like other tools that write to a pipe. The guest's output is never
/// buffered, so nothing is lost.
enum Interrupt {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2,
                                   SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGPOLL, SIGPWR, SIGSTKFLT]

    static func install() {
        for sig in signals {
            signal(sig) { s in
                // Async-signal-safe only: write(2), tcsetattr(3), _exit(2).
                Terminal.restore()
                let msg: StaticString
                switch s {
                case SIGINT: msg = "\narmature: interrupted (SIGINT)\n"
                case SIGTERM: msg = "armature: terminating on signal 15 (SIGTERM)\n"
                case SIGHUP: msg = "armature: terminating on signal 1 (SIGHUP)\n"
                case SIGQUIT: msg = "armature: terminating on signal 3 (SIGQUIT)\n"
                case SIGPIPE: msg = ""
                default: msg = "armature: terminating on a signal\n"
                }
                if msg.utf8CodeUnitCount > 0 { _ = write(STDERR_FILENO, msg.utf8Start, msg.utf8CodeUnitCount) }
                _exit(128 + s)
            }
        }
    }
}
