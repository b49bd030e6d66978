import Glibc
import Machine
import Devices

// MARK: Tracing (`-d semihosting`)

extension ArmSemihosting {
    /// ADP_Stopped_* reason codes of SYS_EXIT, by value.
    static let exitReasons: [UInt64: String] = [
        0x20000: "ADP_Stopped_BranchThroughZero", 0x20001: "ADP_Stopped_UndefinedInstr",
        0x20002: "ADP_Stopped_SoftwareInterrupt", 0x20003: "ADP_Stopped_PrefetchAbort",
        0x20004: "ADP_Stopped_DataAbort", 0x20005: "ADP_Stopped_AddressException",
        0x20006: "ADP_Stopped_IRQ", 0x20007: "ADP_Stopped_FIQ",
        0x20020: "ADP_Stopped_BreakPoint", 0x20021: "ADP_Stopped_WatchPoint",
        0x20022: "ADP_Stopped_StepComplete", 0x20023: "ADP_Stopped_RunTimeErrorUnknown",
        0x20024: "ADP_Stopped_InternalError", 0x20025: "ADP_Stopped_UserInterruption",
        0x20026: "ADP_Stopped_ApplicationExit", 0x20027: "ADP_Stopped_StackOverflow",
        0x20028: "ADP_Stopped_DivisionByZero", 0x20029: "ADP_Stopped_OSSpecific",
    ]

    /// SYS_OPEN modes as fopen spells them.
    static let openModes = ["r", "rb", "r+", "r+b", "w", "wb", "w+", "w+b", "a", "ab", "a+", "a+b"]

    /// Guest bytes as a C string literal in the style of strace: at most 32
    /// bytes shown, `...` after the quote when there are more.
    static func quoted(_ bytes: [UInt8], limit: Int = 32) -> String {
        var s = "\""
        for b in bytes.prefix(limit) {
            switch b {
            case 0x0A: s += "\\n"
            case 0x0D: s += "\\r"
            case 0x09: s += "\\t"
            case 0x22: s += "\\\""
            case 0x5C: s += "\\\\"
            case 0x20...0x7E: s.append(Character(Unicode.Scalar(b)))
            default:
                let h = String(b, radix: 16)
                s += "\\x" + (h.count < 2 ? "0" + h : h)
            }
        }
        s += "\""
        if bytes.count > limit { s += "..." }
        return s
    }

    /// One byte as a C character literal: 'A', '\\n', '\\x00'.
    static func charLiteral(_ b: UInt8) -> String {
        if b == 0x27 { return "'\\''" }
        if b == 0x22 { return "'\"'" }
        let q = quoted([b])
        return "'" + q.dropFirst().dropLast() + "'"
    }

    private func traceWords(_ cpu: CPU, _ va: UInt64, _ n: Int) -> [UInt64]? {
        guard let b = cpu.readVirtual(va, count: 8 * n) else { return nil }
        return (0..<n).map { i in (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[8 * i + $1]) << (8 * UInt64($1)) } }
    }

    private func guestString(_ cpu: CPU, _ va: UInt64, _ count: UInt64) -> String {
        guard count <= 1 << 20, let b = cpu.readVirtual(va, count: Int(count)) else { return hex(va) }
        return ArmSemihosting.quoted(b)
    }

    /// The arguments of a call, read before it runs.
    func traceArguments(op: UInt32, arg: UInt64, cpu: CPU) -> String {
        func block(_ n: Int, _ f: ([UInt64]) -> String) -> String {
            guard let a = traceWords(cpu, arg, n) else { return "\(hex(arg)) (unreadable block)" }
            return f(a)
        }
        switch op {
        case Op.open:
            return block(3) { a in
                let name = a[2] < 4096 ? guestString(cpu, a[0], a[2]) : hex(a[0])
                let mode = a[1] < 12 ? "\"\(ArmSemihosting.openModes[Int(a[1])])\"" : String(a[1])
                return "\(name), \(mode), \(a[2])"
            }
        case Op.close, Op.istty, Op.flen:
            return block(1) { "\($0[0])" }
        case Op.iserror:
            return block(1) { "\(Int64(bitPattern: $0[0]))" }
        case Op.writec:
            guard let b = cpu.readVirtual(arg, count: 1) else { return hex(arg) }
            return ArmSemihosting.charLiteral(b[0])
        case Op.write0:
            var bytes: [UInt8] = []
            var va = arg
            while bytes.count <= 32, let b = cpu.readVirtual(va, count: 1), b[0] != 0 {
                bytes.append(b[0]); va &+= 1
            }
            return ArmSemihosting.quoted(bytes)
        case Op.write:
            return block(3) { "\($0[0]), \(guestString(cpu, $0[1], min($0[2], 64))), \($0[2])" }
        case Op.read:
            return block(3) { "\($0[0]), \(hex($0[1])), \($0[2])" }
        case Op.seek:
            return block(2) { "\($0[0]), \($0[1])" }
        case Op.getCmdline:
            return block(2) { "\(hex($0[0])), \($0[1])" }
        case Op.exit, Op.exitExtended:
            return block(2) { a in
                let reason = ArmSemihosting.exitReasons[a[0]] ?? hex(a[0])
                return "\(reason), \(Int64(bitPattern: a[1]))"
            }
        case Op.heapinfo, Op.elapsed, Op.tmpnam, Op.remove, Op.rename, Op.system, Op.synccache:
            return hex(arg)
        default:
            // readc, clock, time, errno, tickfreq take nothing; unknown ones: the raw parameter.
            return Op.name(op).hasPrefix("SYS_") ? "" : hex(arg)
        }
    }

    /// One line for the call: its name and arguments, its result and, for
    /// calls that write guest memory, what they wrote.
    func traceLine(op: UInt32, arg: UInt64, cpu: CPU, arguments: String, result: UInt64) -> String {
        var line = "semihosting: \(Op.name(op))(\(arguments))"
        switch op {
        case Op.writec, Op.write0:
            return line   // no result (X0 is corrupted)
        default:
            break
        }
        if result == ArmSemihosting.failure && op != Op.readc && op != Op.iserror {
            line += " = -1"
            if lastErrno != 0 {
                line += " (errno \(lastErrno): \(String(cString: strerror(lastErrno))))"
            }
            return line
        }
        switch op {
        case Op.readc:
            line += " = " + (result < 0x100 ? ArmSemihosting.charLiteral(UInt8(result)) : "-1")
        case Op.read:
            line += " = \(result)"
            if let a = traceWords(cpu, arg, 3), result <= a[2] {
                line += " (read \(guestString(cpu, a[1], min(a[2] - result, 64))))"
            }
        case Op.getCmdline:
            line += " = \(result)"
            if let a = traceWords(cpu, arg, 2) { line += " (\(guestString(cpu, a[0], a[1])))" }
        case Op.heapinfo:
            line += " = \(result)"
            if let p = traceWords(cpu, arg, 1), let h = traceWords(cpu, p[0], 4) {
                line += " (heap \(hex(h[0]))..\(hex(h[1])), stack \(hex(h[2]))..\(hex(h[3])))"
            }
        case Op.elapsed:
            line += " = \(result)"
            if let t = traceWords(cpu, arg, 1) { line += " (\(t[0]) ticks)" }
        case Op.exit, Op.exitExtended, Op.synccache:
            line += " = \(result)"
        default:
            line += " = \(Int64(bitPattern: result))"
        }
        return line
    }
}
