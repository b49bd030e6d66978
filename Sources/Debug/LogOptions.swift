import Options
import Machine

/// The `-d` log items, as QEMU names them.
public enum TraceItem: String, CaseIterable, Sendable {
    case inAsm = "in_asm"
    case op
    case opOpt = "op_opt"
    case outAsm = "out_asm"
    case exec
    case cpu
    case nochain
    case int
    case mmu
    case mec
    case gpc
    case guestErrors = "guest_errors"
    case unimp
    case semihosting
    case stats

    /// The one-line description `-d help` prints.
    public var help: String {
        switch self {
        case .inAsm: return "guest instructions of each newly translated block (disassembled)"
        case .op: return "IR of each newly translated block, before optimization"
        case .opOpt: return "IR of each newly translated block, after optimization"
        case .outAsm: return "host code the JIT makes for each block (x86-64, Intel syntax), guest instruction boundaries marked"
        case .exec: return "one line per executed block: CPU, PC, EL, security state"
        case .cpu: return "registers (X0-X30, SP, PC, NZCV, EL, SPSel, DAIF) before each executed block"
        case .nochain: return "do not chain translated blocks, so exec/cpu see every block (JIT)"
        case .int: return "every exception taken (EC, ESR, ELR, FAR, SPSR) and every exception return"
        case .mmu: return "address translations (page-table walks, AT) and MMU faults"
        case .mec: return "FEAT_MEC: MECID register and EMEC/AMEC changes, page re-tags, reads and fetches with a mismatched MECID (PA, page, MECID used vs stored; once per page and MECID until it is re-tagged)"
        case .gpc: return "RME: granule protection faults (VA, PA, PA space, GPI, how reported), GPCCR_EL3/GPTBR_EL3 writes, TLBI PA*"
        case .guestErrors: return "invalid guest actions: writes to ROM, unmapped addresses, bad device/system registers"
        case .unimp: return "guest use of unimplemented features: system registers and instructions, PSCI calls"
        case .semihosting: return "every semihosting call with its arguments and result"
        case .stats: return "at exit: guest instructions, time, MIPS, blocks, translation cost, host bytes, TLB misses/walks, exceptions"
        }
    }

    /// The items that log per translated or executed block; `-dfilter` limits them.
    public var isBlockBased: Bool {
        switch self {
        case .inAsm, .op, .opOpt, .outAsm, .exec, .cpu: return true
        default: return false
        }
    }

    /// The Machine-level item this one is, for items reported through `System.log`.
    var machineItem: LogItem? {
        switch self {
        case .mmu: return .mmu
        case .mec: return .mec
        case .gpc: return .gpc
        case .guestErrors: return .guestErrors
        case .unimp: return .unimp
        case .semihosting: return .semihosting
        default: return nil
        }
    }
}

/// What `-d` and `-dfilter` asked for.
public struct LogSelection: Sendable, Equatable {
    public var items: Set<TraceItem> = []
    /// Start addresses of the blocks that block-based items log; nil: all.
    public var filter: AddressRanges? = nil

    public init() {}

    /// Parses every `-d` value (their items add up, "all" is every item) and
    /// every `-dfilter` value (their ranges add up).
    public init(logValues: [String], filterValues: [String] = []) throws {
        for v in logValues { items.formUnion(try LogSelection.parseItems(v)) }
        if !filterValues.isEmpty {
            var ranges = AddressRanges()
            for v in filterValues { ranges.ranges += try AddressRanges(parsing: v).ranges }
            filter = ranges
        }
    }

    public func contains(_ item: TraceItem) -> Bool { items.contains(item) }

    /// True when a block starting at `pc` is to be logged by block-based items.
    @inline(__always) public func logsBlock(at pc: UInt64) -> Bool {
        filter?.contains(pc) ?? true
    }

    /// The items of one `-d` value ("help" is for the caller to handle).
    public static func parseItems(_ value: String) throws -> [TraceItem] {
        var out: [TraceItem] = []
        for name in value.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            if name == "all" {
                out += TraceItem.allCases
                continue
            }
            guard let item = TraceItem(rawValue: name) else {
                if name.isEmpty { throw OptionError("-d \(value): empty log item") }
                if name.hasPrefix("trace:") {
                    throw OptionError("-d \(value): trace events ('\(name)') are not supported; use the log items (-d help)")
                }
                throw OptionError("-d \(value): unknown log item '\(name)' (use -d help)")
            }
            if !out.contains(item) { out.append(item) }
        }
        return out
    }

    /// The text `-d help` prints: every item with a one-line description.
    public static var help: String {
        let w = TraceItem.allCases.map(\.rawValue.count).max() ?? 0
        var s = "Log items (comma separated; 'all' for every item):\n"
        for item in TraceItem.allCases {
            s += item.rawValue + String(repeating: " ", count: w - item.rawValue.count + 2) + item.help + "\n"
        }
        s += """
            Output goes to stderr, or to the file named by -D FILE.
            -dfilter RANGE[,RANGE...] limits in_asm, op, op_opt, out_asm, exec and cpu to blocks
            starting in a range: START..END (inclusive), START+LENGTH, END-LENGTH, or ADDRESS.

            """
        return s
    }
}

/// `-dfilter` address ranges, as QEMU reads them: `0x1000..0x1fff` (both
/// ends included), `0x1000+0x100` (start and length), `0x1000-0x100` (the
/// last address and length, going down), and, beyond QEMU, a bare address.
/// Numbers are C literals: decimal, 0x hex, or 0 octal.
public struct AddressRanges: Sendable, Equatable {
    public var ranges: [ClosedRange<UInt64>] = []

    public init() {}

    public init(parsing value: String) throws {
        for item in value.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            ranges.append(try AddressRanges.parseRange(item, in: value))
        }
    }

    @inline(__always) public func contains(_ address: UInt64) -> Bool {
        for r in ranges where r.contains(address) { return true }
        return false
    }

    static func parseRange(_ item: String, in value: String) throws -> ClosedRange<UInt64> {
        func bad(_ why: String) -> OptionError { OptionError("-dfilter \(value): \(why) in '\(item)'") }
        guard !item.isEmpty else { throw OptionError("-dfilter \(value): empty range") }
        let chars = Array(item)
        // The first number ends at the operator (a hex number may not contain '+', '-' or '.').
        var i = 0
        while i < chars.count && chars[i] != "+" && chars[i] != "-" && chars[i] != "." { i += 1 }
        guard let start = parseNumber(String(chars[0..<i])) else { throw bad("bad address") }
        if i == chars.count { return start...start }
        let op: String
        if chars[i] == "." {
            guard i + 1 < chars.count && chars[i + 1] == "." else { throw bad("bad range operator (use .., + or -)") }
            op = ".."
        } else {
            op = String(chars[i])
        }
        guard let second = parseNumber(String(chars[(i + op.count)...])) else {
            throw bad("bad \(op == ".." ? "end address" : "length")")
        }
        switch op {
        case "+":
            guard second > 0 else { throw bad("empty range") }
            let (last, o) = start.addingReportingOverflow(second - 1)
            guard !o else { throw bad("range past the end of the address space") }
            return start...last
        case "-":
            guard second > 0 else { throw bad("empty range") }
            guard second - 1 <= start else { throw bad("range below address 0") }
            return (start - (second - 1))...start
        default:
            guard second >= start else { throw bad("end before start") }
            return start...second
        }
    }

    /// A C integer literal as strtoull(…, 0) reads it: 0x hex, leading-0 octal, decimal.
    static func parseNumber(_ s: String) -> UInt64? {
        guard !s.isEmpty else { return nil }
        if s.hasPrefix("0x") || s.hasPrefix("0X") { return UInt64(s.dropFirst(2), radix: 16) }
        if s.count > 1 && s.hasPrefix("0") { return UInt64(s.dropFirst(), radix: 8) }
        return UInt64(s, radix: 10)
    }
}
