import Machine

/// The gdb stub's `monitor` commands (qRcmd), in the spirit of QEMU's monitor:
/// `info registers`, `info mec`, `info mtree`, `xp /FMT ADDR`, `help`.
public enum GDBMonitor {
    public static let help = """
    info registers  -- the CPU's registers (as -d cpu prints them)
    info mec        -- the MEC model's state
    info mtree [-f] -- the physical address space's regions (-f: the flat view)
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
            case "mtree":
                return memoryTree(cpu.system, flat: words.dropFirst(2).contains("-f"))
            default:
                return "info: unknown item '\(words.dropFirst().first ?? "")' (registers, mec, mtree)\n"
            }
        case "xp":
            return physicalDump(Array(words.dropFirst()), memory: cpu.system.memory)
        case "x":
            return virtualDump(Array(words.dropFirst()), cpu: cpu)
        default:
            return "unknown command: '\(command)' (try 'monitor help')\n"
        }
    }

    /// `info mtree` in QEMU 7.2's layout: the address spaces (one per CPU and
    /// `memory`, all rooted at `system`), then the regions under the root,
    /// `START-END (prio 0, KIND): NAME` with KIND ram, romd (flash) or i/o
    /// (a device). `-f`: QEMU's flat view of the same regions.
    static func memoryTree(_ system: System, flat: Bool) -> String {
        let regions = system.memory.regions.sorted { $0.base < $1.base }
        func line(_ r: MemoryRegion, indent: String) -> String {
            let kind = switch r.kind {
            case .ram: "ram"
            case .rom: "romd"
            case .mmio: "i/o"
            }
            return "\(indent)\(hex16(r.base))-\(hex16(r.base &+ r.size &- 1)) (prio 0, \(kind)): \(r.name)\n"
        }
        let cpuSpaces = system.cpus.indices.map { "cpu-memory-\($0)" }
        if flat {
            var s = "FlatView #0\n AS \"memory\", root: system\n"
            for name in cpuSpaces { s += " AS \"\(name)\", root: system\n" }
            s += " Root memory region: system\n"
            for r in regions { s += line(r, indent: "  ") }
            return s + "\n"
        }
        var s = cpuSpaces.map { "address-space: \($0)\n" }.joined()
        s += "address-space: memory\n  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n"
        for r in regions { s += line(r, indent: "    ") }
        return s + "\n"
    }

    static func hex16(_ v: UInt64) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: 16 - h.count) + h
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
