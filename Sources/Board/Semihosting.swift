import Glibc
import Machine
import Devices

/// Arm semihosting v2 for A64 guests (`HLT #0xF000`): the operation number is
/// in W0, X1 holds the parameter (usually a pointer to a block of 64-bit
/// words), the result goes to X0. The behaviour follows QEMU 7.2's
/// `semihosting/arm-compat-semi.c`, except that console output (SYS_WRITEC,
/// SYS_WRITE0, writes to ":tt") goes to stdout through the console shared with
/// the PL011, so both streams interleave in guest order.
///
/// Differences from QEMU, on purpose:
///  - SYS_CLOCK counts host time since the handler was created (QEMU: process CPU time).
///  - Host files are confined (SemihostingSandbox.swift): SYS_OPEN, SYS_REMOVE
///    and SYS_RENAME reach regular files inside one tree only (the working
///    directory, or `-semihosting-config root=DIR`), never /proc, /sys or /dev.
///  - SYS_SYSTEM runs a host command only with `-semihosting-config system=on`.
///  - A refused call returns -1 with errno EACCES (EPERM for SYS_SYSTEM) and
///    says why under `-d guest_errors`.
///  - SYS_TMPNAM is not provided: it returns -1 with errno ENOSYS (and a
///    message on stderr, once).
///  - An unknown operation stops the run with a one-line message and exit status 1
///    (QEMU prints the registers and aborts).
public final class ArmSemihosting: SemihostingHandler {
    /// Operation numbers.
    public enum Op {
        public static let open: UInt32 = 0x01
        public static let close: UInt32 = 0x02
        public static let writec: UInt32 = 0x03
        public static let write0: UInt32 = 0x04
        public static let write: UInt32 = 0x05
        public static let read: UInt32 = 0x06
        public static let readc: UInt32 = 0x07
        public static let iserror: UInt32 = 0x08
        public static let istty: UInt32 = 0x09
        public static let seek: UInt32 = 0x0A
        public static let flen: UInt32 = 0x0C
        public static let tmpnam: UInt32 = 0x0D
        public static let remove: UInt32 = 0x0E
        public static let rename: UInt32 = 0x0F
        public static let clock: UInt32 = 0x10
        public static let time: UInt32 = 0x11
        public static let system: UInt32 = 0x12
        public static let errno: UInt32 = 0x13
        public static let getCmdline: UInt32 = 0x15
        public static let heapinfo: UInt32 = 0x16
        public static let exit: UInt32 = 0x18
        public static let synccache: UInt32 = 0x19
        public static let exitExtended: UInt32 = 0x20
        public static let elapsed: UInt32 = 0x30
        public static let tickfreq: UInt32 = 0x31

        public static func name(_ op: UInt32) -> String {
            switch op {
            case open: return "SYS_OPEN"
            case close: return "SYS_CLOSE"
            case writec: return "SYS_WRITEC"
            case write0: return "SYS_WRITE0"
            case write: return "SYS_WRITE"
            case read: return "SYS_READ"
            case readc: return "SYS_READC"
            case iserror: return "SYS_ISERROR"
            case istty: return "SYS_ISTTY"
            case seek: return "SYS_SEEK"
            case flen: return "SYS_FLEN"
            case tmpnam: return "SYS_TMPNAM"
            case remove: return "SYS_REMOVE"
            case rename: return "SYS_RENAME"
            case clock: return "SYS_CLOCK"
            case time: return "SYS_TIME"
            case system: return "SYS_SYSTEM"
            case errno: return "SYS_ERRNO"
            case getCmdline: return "SYS_GET_CMDLINE"
            case heapinfo: return "SYS_HEAPINFO"
            case exit: return "SYS_EXIT"
            case synccache: return "SYS_SYNCCACHE"
            case exitExtended: return "SYS_EXIT_EXTENDED"
            case elapsed: return "SYS_ELAPSED"
            case tickfreq: return "SYS_TICKFREQ"
            default: return "operation " + hex(UInt64(op))
            }
        }
    }

    /// ADP_Stopped_ApplicationExit: a normal exit.
    public static let applicationExit: UInt64 = 0x20026
    /// QEMU returns this for calls with no defined result (SYS_WRITEC, SYS_WRITE0).
    public static let noResult: UInt64 = 0xDEAD_BEEF
    static let failure = UInt64.max   // -1

    /// Contents of the ":semihosting-features" file: magic "SHFB", then feature
    /// byte 0 with SH_EXT_EXIT_EXTENDED and SH_EXT_STDOUT_STDERR.
    public static let featureFile: [UInt8] = [0x53, 0x48, 0x46, 0x42, 0x03]

    enum GuestFile {
        case consoleIn
        case consoleOut
        case hostFD(Int32, owned: Bool)
        case staticData([UInt8], position: Int)
    }

    public unowned let system: System
    public let console: HostConsole
    /// Where ":tt" opened for append (stderr) writes.
    public let errorFD: Int32
    /// The string SYS_GET_CMDLINE returns (QEMU: the kernel's file name and -append).
    public var commandLine: String = ""
    /// What SYS_HEAPINFO reports: heap base, heap limit, stack base, stack limit.
    public var heapInfo: (heapBase: UInt64, heapLimit: UInt64, stackBase: UInt64, stackLimit: UInt64) = (0, 0, 0, 0)
    /// Receives warnings (operations not provided); stderr by default.
    public var warn: (String) -> Void = { msg in
        HostConsole.writeAll(fd: STDERR_FILENO, "armature: " + msg + "\n")
    }

    /// Where host files may be opened, removed and renamed, and whether
    /// SYS_SYSTEM may run commands; nil: no host file at all.
    public var sandbox: SemihostingSandbox? = try? SemihostingSandbox()

    public private(set) var lastErrno: Int32 = 0
    private var files: [Int: GuestFile] = [:]
    private var warned: Set<UInt32> = []
    private let startNanos: UInt64

    public init(system: System, console: HostConsole = .standard, errorFD: Int32 = STDERR_FILENO) {
        self.system = system
        self.console = console
        self.errorFD = errorFD
        startNanos = HostClock.nanoseconds()
    }

    deinit {
        for case .hostFD(let fd, true) in files.values { close(fd) }
    }

    /// Sets the SYS_HEAPINFO answer as QEMU does: the largest gap of RAM that
    /// the loaded image does not occupy is split between a heap (growing up
    /// from its bottom) and a stack (growing down from its top).
    public func setMemoryLayout(ramBase: UInt64, ramSize: UInt64, occupied: [(start: UInt64, end: UInt64)]) {
        let gap = ArmSemihosting.largestGap(base: ramBase, size: ramSize, occupied: occupied)
        heapInfo = (gap.start, gap.end, gap.end, gap.start)
    }

    /// The largest range of [base, base+size) not covered by `occupied`.
    public static func largestGap(base: UInt64, size: UInt64, occupied: [(start: UInt64, end: UInt64)]) -> (start: UInt64, end: UInt64) {
        let end = base + size
        let ranges = occupied.map { (max($0.start, base), min($0.end, end)) }.filter { $0.0 < $0.1 }.sorted { $0.0 < $1.0 }
        var best: (UInt64, UInt64) = (base, base)
        var cursor = base
        for (s, e) in ranges {
            if s > cursor && s - cursor > best.1 - best.0 { best = (cursor, s) }
            cursor = max(cursor, e)
        }
        if end > cursor && end - cursor > best.1 - best.0 { best = (cursor, end) }
        return best
    }

    // MARK: The call

    public func semihostingCall(cpu: CPU) -> UInt64 {
        let op = UInt32(truncatingIfNeeded: cpu.x(0))
        let arg = cpu.x(1)
        // `-d semihosting`: the arguments are read before the call (it may
        // change the parameter block), what the call wrote after it.
        let tracing = system.isLogging(.semihosting)
        let before = tracing ? traceArguments(op: op, arg: arg, cpu: cpu) : nil
        let result = perform(op: op, arg: arg, cpu: cpu)
        if let before {
            system.log(.semihosting, traceLine(op: op, arg: arg, cpu: cpu, arguments: before, result: result))
        }
        return result
    }

    private func perform(op: UInt32, arg: UInt64, cpu: CPU) -> UInt64 {
        switch op {
        case Op.open:
            guard let a = args(cpu, arg, 3) else { return fault() }
            return open(cpu, name: a[0], mode: a[1], length: a[2])
        case Op.close:
            guard let a = args(cpu, arg, 1) else { return fault() }
            guard let f = files.removeValue(forKey: Int(truncatingIfNeeded: a[0])) else { return fail(EBADF) }
            if case .hostFD(let fd, true) = f { close(fd) }
            return 0
        case Op.writec:
            if let b = cpu.readVirtual(arg, count: 1) { console.write(b) }
            return ArmSemihosting.noResult
        case Op.write0:
            if let s = readCString(cpu, arg) { console.write(s) }
            return ArmSemihosting.noResult
        case Op.write:
            guard let a = args(cpu, arg, 3) else { return fault() }
            return write(cpu, handle: a[0], buffer: a[1], length: a[2])
        case Op.read:
            guard let a = args(cpu, arg, 3) else { return fault() }
            return read(cpu, handle: a[0], buffer: a[1], length: a[2])
        case Op.readc:
            let b = console.readBlocking(max: 1)
            return b.isEmpty ? fail(EIO) : UInt64(b[0])
        case Op.iserror:
            guard let a = args(cpu, arg, 1) else { return fault() }
            return Int64(bitPattern: a[0]) < 0 ? 1 : 0
        case Op.istty:
            guard let a = args(cpu, arg, 1) else { return fault() }
            guard let f = files[Int(truncatingIfNeeded: a[0])] else { return fail(EBADF) }
            switch f {
            case .consoleIn: return isatty(console.inputFD) != 0 ? 1 : 0
            case .consoleOut: return isatty(console.outputFD) != 0 ? 1 : 0
            case .hostFD(let fd, _): return isatty(fd) != 0 ? 1 : 0
            case .staticData: return 0
            }
        case Op.seek:
            guard let a = args(cpu, arg, 2) else { return fault() }
            return seek(handle: a[0], position: a[1])
        case Op.flen:
            guard let a = args(cpu, arg, 1) else { return fault() }
            return flen(handle: a[0])
        case Op.clock:
            return (HostClock.nanoseconds() &- startNanos) / 10_000_000
        case Op.time:
            return UInt64(max(0, Glibc.time(nil)))
        case Op.errno:
            return UInt64(lastErrno)
        case Op.getCmdline:
            guard let a = args(cpu, arg, 2) else { return fault() }
            let bytes = Array(commandLine.utf8) + [0]
            if UInt64(bytes.count) > a[1] { return fail(E2BIG) }
            guard writeWords(cpu, arg + 8, [UInt64(bytes.count - 1)]),
                  cpu.writeVirtual(a[0], bytes: bytes) else { return fault() }
            return 0
        case Op.heapinfo:
            guard let a = args(cpu, arg, 1) else { return fault() }
            let h = heapInfo
            guard writeWords(cpu, a[0], [h.heapBase, h.heapLimit, h.stackBase, h.stackLimit]) else { return fault() }
            return 0
        case Op.exit, Op.exitExtended:
            // On A64, SYS_EXIT takes the same block as SYS_EXIT_EXTENDED:
            // [reason, subcode]; an application exit's subcode is the status.
            guard let a = args(cpu, arg, 2) else { return fault() }
            let status: Int32 = a[0] == ArmSemihosting.applicationExit
                ? Int32(bitPattern: UInt32(truncatingIfNeeded: a[1])) : 1
            system.requestExit(status: status)
            return 0
        case Op.elapsed:
            guard writeWords(cpu, arg, [HostClock.nanoseconds() &- startNanos]) else { return fault() }
            return 0
        case Op.tickfreq:
            return 1_000_000_000
        case Op.synccache:
            return 0
        case Op.remove:
            guard let a = args(cpu, arg, 2) else { return fault() }
            guard let name = pathArgument(cpu, a[0]) else { return fault() }
            guard let sandbox else { return refuse(op, .init(errno: EACCES, reason: "host files are not available")) }
            do { try sandbox.remove(name) } catch { return refuse(op, error) }
            return 0
        case Op.rename:
            guard let a = args(cpu, arg, 4) else { return fault() }
            guard let from = pathArgument(cpu, a[0]), let to = pathArgument(cpu, a[2]) else { return fault() }
            guard let sandbox else { return refuse(op, .init(errno: EACCES, reason: "host files are not available")) }
            do { try sandbox.rename(from, to: to) } catch { return refuse(op, error) }
            return 0
        case Op.system:
            guard let a = args(cpu, arg, 2) else { return fault() }
            guard let raw = readCString(cpu, a[0], limit: 1 << 16) else { return fault() }
            let command = String(decoding: raw, as: UTF8.self)
            guard sandbox?.allowSystem == true else {
                return refuse(op, .init(errno: EPERM, reason: "the guest asked to run \"\(command)\" on the host; refused without -semihosting-config system=on"))
            }
            return UInt64(bitPattern: Int64(ArmSemihosting.runHostCommand(command)))
        case Op.tmpnam:
            if warned.insert(op).inserted {
                warn("semihosting \(Op.name(op)) is not supported; the call returns -1")
            }
            return fail(ENOSYS)
        default:
            // The engine sets faultPC to the HLT instruction before calling out.
            system.fatal("unsupported semihosting operation \(hex(UInt64(op))) (PC \(hex(cpu.faultPC)))")
            return ArmSemihosting.failure
        }
    }

    // MARK: Files

    private func open(_ cpu: CPU, name: UInt64, mode: UInt64, length: UInt64) -> UInt64 {
        // The name is read up to its NUL, as QEMU does (the length is not trusted).
        guard let raw = readCString(cpu, name, limit: 4096) else { return fault() }
        if mode >= 12 { return fail(EINVAL) }
        let path = String(decoding: raw, as: UTF8.self)
        let file: GuestFile
        switch path {
        case ":tt":
            // open for read: stdin; for write: stdout; for append: stderr.
            if mode < 4 { file = .consoleIn }
            else if mode < 8 { file = .consoleOut }
            else { file = .hostFD(errorFD, owned: false) }
        case ":semihosting-features":
            guard mode <= 1 else { return fail(EACCES) }
            file = .staticData(ArmSemihosting.featureFile, position: 0)
        default:
            if raw.count >= 4096 { return fail(ENAMETOOLONG) }
            guard let sandbox else { return refuse(Op.open, .init(errno: EACCES, reason: "host files are not available")) }
            do {
                file = .hostFD(try sandbox.open(path, flags: ArmSemihosting.openFlags[Int(mode) / 2]), owned: true)
            } catch {
                return refuse(Op.open, error)
            }
        }
        var h = 1
        while files[h] != nil { h += 1 }
        files[h] = file
        return UInt64(h)
    }

    /// SYS_WRITE: returns the number of bytes NOT written.
    private func write(_ cpu: CPU, handle: UInt64, buffer: UInt64, length: UInt64) -> UInt64 {
        guard let f = files[Int(truncatingIfNeeded: handle)] else { _ = fail(EBADF); return length }
        guard length <= UInt64(Int32.max), let bytes = cpu.readVirtual(buffer, count: Int(length)) else {
            _ = fail(EFAULT); return length
        }
        switch f {
        case .consoleOut:
            console.write(bytes)
            return 0
        case .hostFD(let fd, let owned):
            guard owned else {
                bytes.withUnsafeBytes { HostConsole.writeAll(fd: fd, $0) }
                return 0
            }
            if fcntl(fd, F_GETFL) & O_ACCMODE == O_RDONLY { _ = fail(EBADF); return length }
            var done = 0
            while done < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
                if n < 0 && Glibc.errno == EINTR { continue }
                if n <= 0 { _ = fail(n < 0 ? Glibc.errno : EIO); break }
                done += n
            }
            return length - UInt64(done)
        case .consoleIn, .staticData:
            _ = fail(EBADF)
            return length
        }
    }

    /// SYS_READ: returns the number of bytes NOT read.
    private func read(_ cpu: CPU, handle: UInt64, buffer: UInt64, length: UInt64) -> UInt64 {
        let h = Int(truncatingIfNeeded: handle)
        guard let f = files[h] else { _ = fail(EBADF); return length }
        let want = Int(min(length, 1 << 20))
        var data: [UInt8]
        switch f {
        case .consoleIn:
            data = console.readBlocking(max: want)
        case .consoleOut:
            _ = fail(EBADF); return length
        case .hostFD(let fd, _):
            data = [UInt8](repeating: 0, count: want)
            var n: Int
            repeat {
                n = data.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            } while n < 0 && Glibc.errno == EINTR
            if n < 0 { _ = fail(Glibc.errno); return length }
            data.removeSubrange(n...)
        case .staticData(let bytes, let pos):
            let n = max(0, min(want, bytes.count - pos))
            data = Array(bytes[pos..<(pos + n)])
            files[h] = .staticData(bytes, position: pos + n)
        }
        if !data.isEmpty && !cpu.writeVirtual(buffer, bytes: data) { _ = fail(EFAULT); return length }
        return length - UInt64(data.count)
    }

    private func seek(handle: UInt64, position: UInt64) -> UInt64 {
        let h = Int(truncatingIfNeeded: handle)
        guard let f = files[h] else { return fail(EBADF) }
        switch f {
        case .hostFD(let fd, _):
            if lseek(fd, off_t(Int64(bitPattern: position)), SEEK_SET) < 0 { return fail(Glibc.errno) }
            return 0
        case .staticData(let bytes, _):
            guard position <= UInt64(bytes.count) else { return fail(EINVAL) }
            files[h] = .staticData(bytes, position: Int(position))
            return 0
        case .consoleIn, .consoleOut:
            return fail(ESPIPE)
        }
    }

    private func flen(handle: UInt64) -> UInt64 {
        guard let f = files[Int(truncatingIfNeeded: handle)] else { return fail(EBADF) }
        let fd: Int32
        switch f {
        case .hostFD(let d, _): fd = d
        case .consoleIn: fd = console.inputFD
        case .consoleOut: fd = console.outputFD
        case .staticData(let bytes, _): return UInt64(bytes.count)
        }
        var st = stat()
        if fstat(fd, &st) != 0 { return fail(Glibc.errno) }
        return UInt64(st.st_size)
    }

    // MARK: Helpers

    /// Records `e` as the semihosting errno and returns -1.
    private func fail(_ e: Int32) -> UInt64 {
        lastErrno = e
        return ArmSemihosting.failure
    }

    /// The parameter block could not be read or written: -1, errno EFAULT (as QEMU).
    private func fault() -> UInt64 { fail(EFAULT) }

    /// A call the sandbox refused: its errno, and why under `-d guest_errors`.
    private func refuse(_ op: UInt32, _ r: SemihostingSandbox.Refusal) -> UInt64 {
        system.log(.guestErrors, "semihosting: \(Op.name(op)) refused: \(r.reason)")
        return fail(r.errno)
    }

    /// A path parameter (NUL-terminated, as QEMU reads it; the length is not trusted).
    private func pathArgument(_ cpu: CPU, _ va: UInt64) -> String? {
        guard let raw = readCString(cpu, va, limit: 4096) else { return nil }
        return String(decoding: raw, as: UTF8.self)
    }

    /// open(2) flags per SYS_OPEN mode pair (r, r+, w, w+, a, a+; the b modes are the same).
    static let openFlags: [Int32] = [O_RDONLY, O_RDWR, O_WRONLY | O_CREAT | O_TRUNC, O_RDWR | O_CREAT | O_TRUNC,
                                     O_WRONLY | O_CREAT | O_APPEND, O_RDWR | O_CREAT | O_APPEND]

    /// SYS_SYSTEM (only with `system=on`): `/bin/sh -c command`, its wait
    /// status as system(3) returns it; -1 when it cannot start.
    static func runHostCommand(_ command: String) -> Int32 {
        var pid = pid_t()
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("sh"), strdup("-c"), strdup(command), nil]
        defer { for p in argv { free(p) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && Glibc.errno == EINTR {}
        return status
    }

    private func args(_ cpu: CPU, _ va: UInt64, _ n: Int) -> [UInt64]? {
        guard let b = cpu.readVirtual(va, count: 8 * n) else { return nil }
        return (0..<n).map { i in (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[8 * i + $1]) << (8 * UInt64($1)) } }
    }

    private func writeWords(_ cpu: CPU, _ va: UInt64, _ words: [UInt64]) -> Bool {
        var bytes: [UInt8] = []
        for w in words { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: w >> (8 * UInt64(i)))) } }
        return cpu.writeVirtual(va, bytes: bytes)
    }

    /// A NUL-terminated guest string (without the NUL), read a page at a time.
    /// Nil if a byte before the NUL cannot be read.
    private func readCString(_ cpu: CPU, _ va: UInt64, limit: Int = 1 << 20) -> [UInt8]? {
        var out: [UInt8] = []
        var addr = va
        while out.count < limit {
            let chunk = Int(TLB.pageSize - (addr & ~TLB.pageMask))
            guard let bytes = cpu.readVirtual(addr, count: chunk) else {
                // The rest of the page may be unmapped: go byte by byte.
                guard let b = cpu.readVirtual(addr, count: 1) else { return nil }
                if b[0] == 0 { return out }
                out.append(b[0]); addr &+= 1
                continue
            }
            if let z = bytes.firstIndex(of: 0) { return out + bytes[..<z] }
            out += bytes
            addr &+= UInt64(chunk)
        }
        return out
    }

}
