import Glibc

/// The host terminal while a guest runs, as QEMU's stdio character device sets
/// it: when stdin is a terminal (and we are in the foreground), no local echo and
/// no line editing, so the guest sees each key as it is typed (Enter arrives as
/// '\r') and echoes it itself. With `-serial stdio` Ctrl-C still stops
/// Armature (ISIG stays on); with `-nographic` or `mon:stdio` it goes to the
/// guest, as QEMU's, and Ctrl-A x quits.
///
/// The terminal is restored at exit, and on SIGINT, SIGTERM, SIGHUP and fatal
/// signals (the handlers only call async-signal-safe functions).
enum Terminal {
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var isRaw = false
    /// The handlers fatal signals had before ours (the Swift runtime's crash
    /// reporter), put back before the signal is raised again.
    nonisolated(unsafe) static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

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
        isRaw = true
        atexit { Terminal.restore() }
        for sig in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { s in
                Terminal.restore()
                // Back to the previous handler, which gets the signal on return.
                _ = sigaction(s, Terminal.previous + Int(s), nil)
                raise(s)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            _ = sigaction(sig, &action, previous + Int(sig))
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

/// SIGINT (Ctrl-C), SIGTERM, SIGHUP: stop at once with a one-line message, as
/// QEMU does ("terminating on signal N"). The guest's output is never buffered,
/// so nothing is lost.
enum Interrupt {
    static func install() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in
                // Async-signal-safe only: write(2), tcsetattr(3), _exit(2).
                Terminal.restore()
                let msg: StaticString
                switch s {
                case SIGINT: msg = "\narmature: interrupted (SIGINT)\n"
                case SIGTERM: msg = "armature: terminating on signal 15 (SIGTERM)\n"
                default: msg = "armature: terminating on signal 1 (SIGHUP)\n"
                }
                _ = write(STDERR_FILENO, msg.utf8Start, msg.utf8CodeUnitCount)
                _exit(128 + s)
            }
        }
    }
}
