import Glibc

/// The host terminal while a guest runs, as QEMU's stdio character device sets
/// it: when stdin is a terminal (and we are in the foreground), no local echo and
/// no line editing, so the guest sees each key as it is typed (Enter arrives as
/// '\r') and echoes it itself. Unlike QEMU's -nographic, Ctrl-C still stops
/// Armature (ISIG stays on).
///
/// The terminal is restored at exit, and on SIGINT, SIGTERM, SIGHUP and fatal
/// signals (the handlers only call async-signal-safe functions).
enum Terminal {
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var isRaw = false

    static func enterGuestMode() {
        guard isatty(STDIN_FILENO) != 0, tcgetpgrp(STDIN_FILENO) == getpgrp() else { return }
        var t = termios()
        guard tcgetattr(STDIN_FILENO, &t) == 0 else { return }
        saved = t
        t.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        t.c_oflag |= tcflag_t(OPOST)
        t.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | IEXTEN)
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
            signal(sig) { s in
                Terminal.restore()
                signal(s, SIG_DFL)
                raise(s)
            }
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
