import Machine

/// The gdb stub's `monitor` commands (qRcmd), in the spirit of QEMU's monitor:
/// `info registers`, `info mec`, `xp /FMT ADDR`, `help`.
public enum GDBMonitor {
    public static let help = """
    info registers  -- the CPU's registers (as -d cpu prints them)
    info mec        -- the MEC model's state
    x /FMT ADDR     -- virtual memory dump (the CPU's current translation), as xp
    xp /FMT ADDR    -- physical memory dump: FMT is [count][format][size], format
                       x (hex), d (signed), u (unsigned); size b, h, w (default), g

    """

    /// The text a command prints (ending with a newline).
    public static func run(_ line: String, cpu: CPU) -> String {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        guard let command = words.first else { return "" }
        switch command {
        case "help", "?":
            return help
        case "info", "i":
            switch words.dropFirst().first {
            case "registers", "reg", "r":
                return TraceFormat.registers(RegisterSnapshot(cpu: cpu))
            case "mec":
                return "MEC model: off/no tags yet\n"
            default:
                return "info: unknown item '\(words.dropFirst().first ?? "")' (registers, mec)\n"
            }
        case "xp":
            return physicalDump(Array(words.dropFirst()), memory: cpu.system.memory)
        case "x":
            return virtualDump(Array(words.dropFirst()), cpu: cpu)
        default:
            return "unknown command: '\(command)' (try 'monitor help')\n"
        }
    }

    /// `xp /FMT ADDR`: lines of 16 bytes, `ADDRESS: value value ...` as QEMU's
    /// monitor writes them.
    static func physicalDump(_ args: [String], memory: AddressSpace) -> String {
        memoryDump(args, command: "xp", space: "physical memory (not RAM or ROM)") { memory.readPhysical(pa: $0, count: $1) }
    }

    /// `x /FMT ADDR`: the same through the CPU's current translation.
    static func virtualDump(_ args: [String], cpu: CPU) -> String {
        memoryDump(args, command: "x", space: "virtual memory (not mapped)") { cpu.readVirtual($0, count: $1) }
    }

    static func memoryDump(_ args: [String], command: String, space: String,
                           read: (UInt64, Int) -> [UInt8]?) -> String {
        var count = 1
        var format: Character = "x"
        var size = 4
        var addressText: String?
        for a in args {
            if a.hasPrefix("/") {
                var digits = ""
                for c in a.dropFirst() {
                    if c.isNumber { digits.append(c); continue }
                    switch c {
                    case "x", "d", "u": format = c
                    case "b": size = 1
                    case "h": size = 2
                    case "w": size = 4
                    case "g": size = 8
                    default: return "\(command): bad format '\(a)'\n"
                    }
                }
                if !digits.isEmpty { count = Int(digits) ?? 1 }
            } else {
                addressText = a
            }
        }
        guard let text = addressText, let address = parseNumber(text) else {
            return "\(command): usage: \(command) /FMT ADDR\n"
        }
        guard count > 0, count <= 65536 else { return "\(command): bad count \(count)\n" }
        guard let bytes = read(address, count * size) else {
            return "\(command): cannot read \(count * size) bytes of \(space) at \(hex(address))\n"
        }
        let perLine = max(1, 16 / size)
        var out = ""
        for i in 0..<count {
            if i % perLine == 0 {
                if i > 0 { out += "\n" }
                out += TraceFormat.hex(address &+ UInt64(i * size), digits: 16) + ":"
            }
            var v: UInt64 = 0
            for k in 0..<size { v |= UInt64(bytes[i * size + k]) << UInt64(8 * k) }
            switch format {
            case "d":
                let shift = UInt64(64 - 8 * size)
                out += " " + String(Int64(bitPattern: v << shift) >> Int64(shift))
            case "u":
                out += " " + String(v)
            default:
                out += " 0x" + TraceFormat.hex(v, digits: 2 * size)
            }
        }
        return out + "\n"
    }

    /// 0x-prefixed hex or decimal.
    static func parseNumber(_ s: String) -> UInt64? {
        if s.hasPrefix("0x") || s.hasPrefix("0X") { return UInt64(s.dropFirst(2), radix: 16) }
        return UInt64(s)
    }
}
