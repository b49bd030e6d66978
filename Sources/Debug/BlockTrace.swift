import Glibc
import A64
import Machine
import Engine

/// The `-trace-blocks FILE` format (Debug/TRACE-FORMAT.md has the full
/// layout): a 16-byte header, then 16-byte little-endian units. Each record
/// starts a unit with its kind; an execution record is one unit, a block
/// definition one unit plus its instruction words, the end record one unit.
public enum BlockTraceFormat {
    public static let magic: [UInt8] = Array("ARMBLKTR".utf8)
    public static let version: UInt16 = 1
    public static let unit = 16

    public enum Kind: UInt8 {
        /// One execution of a block: context, MECID, instructions retired, PC.
        case execution = 1
        /// The instruction words of a block, written before its first execution.
        case block = 2
        /// The last record: the CPU's instruction counter at exit.
        case end = 3
    }

    /// The context byte of a record: EL in bits 0-1, security state in bits
    /// 2-3 (0 Secure, 1 Non-secure, 2 Root, 3 Realm), CPU index in bits 4-7.
    @inline(__always) public static func context(el: Int, security: SecurityState, cpu: Int) -> UInt8 {
        UInt8(el & 3) | securityCode(security) << 2 | UInt8(cpu & 15) << 4
    }

    public static func securityCode(_ s: SecurityState) -> UInt8 {
        switch s {
        case .secure: return 0
        case .nonSecure: return 1
        case .root: return 2
        case .realm: return 3
        }
    }

    @inline(__always) public static func security(code: UInt8) -> SecurityState {
        switch code & 3 {
        case 0: return .secure
        case 1: return .nonSecure
        case 2: return .root
        default: return .realm
        }
    }

    /// Kinds from 0x80 up are extensions a reader skips: their u32 at offset 4
    /// counts the units that follow them.
    public static let firstSkippableKind: UInt8 = 0x80
}

/// Writes the `-trace-blocks` file while the guest runs. The dispatcher's
/// `onExecute` hook (with chaining off, so every block passes through it)
/// marks the start of each block; its record is written at the start of the
/// next block (or at exit), when the instructions it retired are known: a
/// block cut short by an exception retires fewer than its length, so the
/// records add up to the run's instruction count. `onTranslate` writes a block
/// definition (its instruction words) the first time a PC is seen, and again
/// when the code at that PC changes.
public final class BlockTraceRecorder: @unchecked Sendable {
    public let writer: LogWriter
    /// The open execution of each CPU (its record is written when the next starts).
    private struct Open {
        var start: UInt64 = 0     // the CPU's instruction counter when it started
        var pc: UInt64 = 0
        var mecid: UInt16 = 0
        var context: UInt8 = 0
        var isOpen = false
    }
    private let opens: UnsafeMutablePointer<Open>
    private let cpuCount: Int
    /// The words last defined at each PC.
    private var defined: [UInt64: [UInt32]] = [:]
    public private(set) var executions: UInt64 = 0

    /// Opens (creates or truncates) `path` and writes the header.
    public convenience init(path: String, cpus: Int) throws {
        try self.init(writer: LogWriter(file: path, option: "-trace-blocks", what: "block trace file", capacity: 1 << 20),
                      cpus: cpus)
    }

    public init(writer: LogWriter, cpus: Int) {
        self.writer = writer
        cpuCount = max(cpus, 1)
        opens = .allocate(capacity: cpuCount)
        opens.initialize(repeating: Open(), count: cpuCount)
        let p = writer.reserve(BlockTraceFormat.unit)
        for (i, b) in BlockTraceFormat.magic.enumerated() { p.storeBytes(of: b, toByteOffset: i, as: UInt8.self) }
        p.storeBytes(of: BlockTraceFormat.version.littleEndian, toByteOffset: 8, as: UInt16.self)
        p.storeBytes(of: UInt16(BlockTraceFormat.unit).littleEndian, toByteOffset: 10, as: UInt16.self)
        p.storeBytes(of: UInt32(0), toByteOffset: 12, as: UInt32.self)
    }

    deinit { opens.deallocate() }

    /// The MECID of the block: the one the current EL uses for untranslated
    /// accesses and AMEC = 0 descriptors (`CPU.primaryMECID`, MEC/MECID.swift);
    /// 0 without FEAT_MEC, outside the Realm PA space or with EMEC clear.
    @inline(__always) static func fetchMECID(_ cpu: CPU) -> UInt16 { cpu.primaryMECID }

    /// Before a block runs (the dispatcher's `onExecute`).
    @inline(__always) public func willExecute(cpu: CPU, pc: UInt64) {
        let o = opens + (cpu.index < cpuCount ? cpu.index : 0)
        let now = cpu.instructionCount
        if o.pointee.isOpen { writeExecution(o.pointee, retired: now &- o.pointee.start) }
        o.pointee = Open(start: now, pc: pc, mecid: BlockTraceRecorder.fetchMECID(cpu),
                         context: BlockTraceFormat.context(el: cpu.el, security: SecurityState(cpu: cpu), cpu: cpu.index),
                         isOpen: true)
    }

    @inline(__always) private func writeExecution(_ o: Open, retired: UInt64) {
        let p = writer.reserve(BlockTraceFormat.unit)
        p.storeBytes(of: BlockTraceFormat.Kind.execution.rawValue, toByteOffset: 0, as: UInt8.self)
        p.storeBytes(of: o.context, toByteOffset: 1, as: UInt8.self)
        p.storeBytes(of: o.mecid.littleEndian, toByteOffset: 2, as: UInt16.self)
        p.storeBytes(of: UInt32(truncatingIfNeeded: retired).littleEndian, toByteOffset: 4, as: UInt32.self)
        p.storeBytes(of: o.pc.littleEndian, toByteOffset: 8, as: UInt64.self)
        executions &+= 1
    }

    /// A block was translated (the dispatcher's `onTranslate`): its words, read
    /// back from guest memory, define it unless that PC already has them.
    public func translated(cpu: CPU, pc: UInt64, words: [UInt32]) {
        guard defined[pc] != words else { return }
        defined[pc] = words
        let p = writer.reserve(BlockTraceFormat.unit)
        p.storeBytes(of: BlockTraceFormat.Kind.block.rawValue, toByteOffset: 0, as: UInt8.self)
        p.storeBytes(of: BlockTraceFormat.context(el: cpu.el, security: SecurityState(cpu: cpu), cpu: cpu.index),
                     toByteOffset: 1, as: UInt8.self)
        p.storeBytes(of: UInt16(0), toByteOffset: 2, as: UInt16.self)
        p.storeBytes(of: UInt32(words.count).littleEndian, toByteOffset: 4, as: UInt32.self)
        p.storeBytes(of: pc.littleEndian, toByteOffset: 8, as: UInt64.self)
        var i = 0
        while i < words.count {
            let q = writer.reserve(BlockTraceFormat.unit)
            for k in 0..<4 {
                let w = i + k < words.count ? words[i + k] : 0
                q.storeBytes(of: w.littleEndian, toByteOffset: 4 * k, as: UInt32.self)
            }
            i += 4
        }
    }

    /// At exit: closes the open executions against each CPU's final count,
    /// writes the end record (CPU 0's count) and flushes.
    public func finish(cpus: [CPU]) {
        for cpu in cpus where cpu.index < cpuCount && opens[cpu.index].isOpen {
            writeExecution(opens[cpu.index], retired: cpu.instructionCount &- opens[cpu.index].start)
            opens[cpu.index].isOpen = false
        }
        let p = writer.reserve(BlockTraceFormat.unit)
        p.storeBytes(of: BlockTraceFormat.Kind.end.rawValue, toByteOffset: 0, as: UInt8.self)
        for k in 1..<8 { p.storeBytes(of: UInt8(0), toByteOffset: k, as: UInt8.self) }
        p.storeBytes(of: (cpus.first?.instructionCount ?? 0).littleEndian, toByteOffset: 8, as: UInt64.self)
        writer.flush()
    }
}

/// A `-trace-blocks` file, read back: its block definitions and the totals
/// of its execution records (per context, per block, per size), gathered as
/// the file is read, so a trace of millions of blocks needs little memory. The
/// records themselves are kept only when asked (`keepExecutions`).
public struct BlockTrace: Sendable {
    public struct Execution: Sendable, Equatable {
        public var pc: UInt64
        public var el: Int
        public var security: SecurityState
        public var cpu: Int
        public var mecid: UInt16
        public var instructions: UInt32
        /// Index in `definitions` of the code at `pc` when it ran (nil: none recorded).
        public var definition: Int?
    }

    public struct Definition: Sendable, Equatable {
        public var pc: UInt64
        public var words: [UInt32]
    }

    /// Executions and the instructions they retired.
    public struct Totals: Sendable, Equatable {
        public var executions: UInt64 = 0
        public var instructions: UInt64 = 0
        @inline(__always) mutating func add(_ n: UInt32) {
            executions &+= 1
            instructions &+= UInt64(n)
        }
    }

    /// EL and security state (the context byte without the CPU).
    public struct Context: Sendable, Hashable, Comparable {
        public var el: Int
        public var security: SecurityState
        public static func < (a: Context, b: Context) -> Bool {
            (a.el, BlockTraceFormat.securityCode(a.security)) < (b.el, BlockTraceFormat.securityCode(b.security))
        }
    }

    /// A block as the summary counts it: its PC, context and code.
    public struct BlockKey: Sendable, Hashable {
        public var pc: UInt64
        public var context: Context
        /// Index in `definitions`; nil when the trace has none for it.
        public var definition: Int?
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public var version: UInt16 = 0
    /// Distinct (PC, words) pairs, in the order first seen.
    public var definitions: [Definition] = []
    /// The end record's instruction count; nil when the file has none (the run was cut short).
    public var endInstructions: UInt64? = nil
    /// All execution records.
    public var total = Totals()
    public var byContext: [Context: Totals] = [:]
    public var byBlock: [BlockKey: Totals] = [:]
    /// By the bucket of instructions retired (`BlockTraceSummary.bucket`).
    public var bySize = [Totals](repeating: Totals(), count: 33)
    public var mecids: Set<UInt16> = []
    /// Every execution record, in order (only with `keepExecutions`).
    public var executions: [Execution] = []
    /// Records read (of every kind).
    public var records: UInt64 = 0
    /// Why the file is incomplete (a record cut at the end, or no end record);
    /// nil for a whole trace. What was read before is kept.
    public var problem: String? = nil

    public init() {}

    /// Reads the file at `path`.
    public init(path: String, keepExecutions: Bool = false) throws {
        // O_NONBLOCK: a FIFO must not wait for a writer (it is refused below).
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
        guard st.st_mode & S_IFMT == S_IFREG else { throw Failure(description: "\(path): not a regular file") }
        let size = Int(st.st_size)
        if size == 0 { throw Failure(description: "\(path): empty file, not a block trace") }
        guard let m = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), m != MAP_FAILED else {
            throw Failure(description: "\(path): cannot map: \(String(cString: strerror(errno)))")
        }
        defer { munmap(m, size) }
        do {
            try self.init(bytes: UnsafeRawBufferPointer(start: m, count: size), keepExecutions: keepExecutions)
        } catch let e as Failure {
            throw Failure(description: "\(path): \(e.description)")
        }
    }

    /// Parses a whole trace.
    public init(bytes: UnsafeRawBufferPointer, keepExecutions: Bool = false) throws {
        let u = BlockTraceFormat.unit
        guard bytes.count >= u, Array(bytes[0..<8]) == BlockTraceFormat.magic else {
            throw Failure(description: "not a block trace (no ARMBLKTR header)")
        }
        version = bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self).littleEndian
        let unitSize = bytes.loadUnaligned(fromByteOffset: 10, as: UInt16.self).littleEndian
        guard version == BlockTraceFormat.version, Int(unitSize) == u else {
            throw Failure(description: "block trace format \(version) (unit \(unitSize)) is not supported (this Armature reads format \(BlockTraceFormat.version))")
        }
        var byContent: [UInt64: [([UInt32], Int)]] = [:]
        var current: [UInt64: Int] = [:]
        // Per context byte (EL and security state), without hashing.
        var ctxTotals = [Totals](repeating: Totals(), count: 16)
        var lastMECID: UInt16? = nil
        var o = u
        let n = bytes.count - bytes.count % u   // a torn last unit is reported, not read
        func cut(_ what: String, at offset: Int) {
            problem = "truncated: \(what) at offset \(offset) is cut by the end of the file (\(bytes.count) bytes) after \(records) records"
        }
        while o < n {
            let kind = bytes[o]
            let ctx = bytes[o + 1]
            let w4 = bytes.loadUnaligned(fromByteOffset: o + 4, as: UInt32.self).littleEndian
            let w8 = bytes.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self).littleEndian
            switch kind {
            case BlockTraceFormat.Kind.execution.rawValue:
                let mecid = bytes.loadUnaligned(fromByteOffset: o + 2, as: UInt16.self).littleEndian
                let context = Context(el: Int(ctx & 3), security: BlockTraceFormat.security(code: ctx >> 2))
                byBlock[BlockKey(pc: w8, context: context, definition: current[w8]), default: Totals()].add(w4)
                ctxTotals[Int(ctx & 0x0F)].add(w4)
                bySize[BlockTraceSummary.bucket(w4)].add(w4)
                total.add(w4)
                if mecid != lastMECID { mecids.insert(mecid); lastMECID = mecid }
                if keepExecutions {
                    executions.append(Execution(pc: w8, el: Int(ctx & 3), security: BlockTraceFormat.security(code: ctx >> 2),
                                                cpu: Int(ctx >> 4), mecid: mecid, instructions: w4, definition: current[w8]))
                }
                records += 1
                o += u
            case BlockTraceFormat.Kind.block.rawValue:
                let count = Int(w4)
                let units = (count + 3) / 4
                guard o + u * (1 + units) <= n else {
                    cut("the block definition (\(count) instructions)", at: o)
                    o = n
                    break
                }
                var words = [UInt32](repeating: 0, count: count)
                for i in 0..<count {
                    words[i] = bytes.loadUnaligned(fromByteOffset: o + u + 4 * i, as: UInt32.self).littleEndian
                }
                if let known = byContent[w8]?.first(where: { $0.0 == words }) {
                    current[w8] = known.1
                } else {
                    definitions.append(Definition(pc: w8, words: words))
                    byContent[w8, default: []].append((words, definitions.count - 1))
                    current[w8] = definitions.count - 1
                }
                records += 1
                o += u * (1 + units)
            case BlockTraceFormat.Kind.end.rawValue:
                endInstructions = w8
                records += 1
                o += u
            default:
                guard kind >= BlockTraceFormat.firstSkippableKind else {
                    throw Failure(description: "corrupt: unknown record kind \(kind) at offset \(o) after \(records) records")
                }
                guard o + u * (1 + Int(w4)) <= n else {
                    cut("record kind \(kind) (\(w4) units)", at: o)
                    break
                }
                records += 1
                o += u * (1 + Int(w4))
            }
            if problem != nil { break }
        }
        if problem == nil && n != bytes.count {
            cut("a record", at: n)
        }
        if problem == nil && endInstructions == nil {
            problem = "no end record after \(records) records: the run was cut short or the file is truncated"
        }
        for (i, v) in ctxTotals.enumerated() where v.executions > 0 {
            byContext[Context(el: i & 3, security: BlockTraceFormat.security(code: UInt8(i >> 2)))] = v
        }
    }

    /// Instructions retired by all executions.
    public var totalInstructions: UInt64 { total.instructions }
    public var executionCount: UInt64 { total.executions }
}

/// What `armature trace` prints.
public enum BlockTraceSummary {
    /// Blocks with their totals, most executed first.
    public static func hottest(_ t: BlockTrace) -> [(block: BlockTrace.BlockKey, totals: BlockTrace.Totals)] {
        t.byBlock.map { ($0.key, $0.value) }.sorted {
            ($0.1.executions, $0.1.instructions, $1.0.pc) > ($1.1.executions, $1.1.instructions, $0.0.pc)
        }
    }

    /// The size buckets of the histogram: 0, 1, 2-3, 4-7, ... (powers of two).
    @inline(__always) public static func bucket(_ n: UInt32) -> Int { n == 0 ? 0 : 32 - n.leadingZeroBitCount }

    static func bucketName(_ b: Int) -> String {
        switch b {
        case 0: return "0"
        case 1: return "1"
        default: return "\(1 << (b - 1))-\((1 << b) - 1)"
        }
    }

    public static func text(_ t: BlockTrace, name: String, top: Int = 10, symbols: SymbolTable? = nil) -> String {
        let total = t.totalInstructions
        func pct(_ v: UInt64) -> String {
            total == 0 ? "-" : TraceFormat.fixed(100 * Double(v) / Double(total), 1) + "%"
        }
        func pad(_ s: String, _ w: Int, right: Bool = true) -> String {
            s.count >= w ? s : (right ? String(repeating: " ", count: w - s.count) + s : s + String(repeating: " ", count: w - s.count))
        }
        let hot = hottest(t)
        var s = "Block trace \(name) (format \(t.version))\n"
        s += "  block executions:  \(t.executionCount)\n"
        s += "  instructions:      \(total)"
        if let end = t.endInstructions {
            s += end == total ? " (equal to the run's count)" : " (the run's count at exit: \(end))"
        } else {
            s += " (no end record: the run was cut short)"
        }
        s += "\n  distinct blocks:   \(hot.count)\n"
        if t.mecids != [0] && !t.mecids.isEmpty {
            s += "  MECIDs:            " + t.mecids.sorted().map { "0x" + String($0, radix: 16) }.joined(separator: ", ") + "\n"
        }

        s += "\nExecutions by exception level and security state:\n"
        s += "  " + pad("state", 16, right: false) + pad("blocks", 12) + pad("instructions", 14) + pad("share", 8) + "\n"
        for c in t.byContext.keys.sorted() {
            let v = t.byContext[c]!
            s += "  " + pad("EL\(c.el) " + c.security.name, 16, right: false)
                + pad(String(v.executions), 12) + pad(String(v.instructions), 14) + pad(pct(v.instructions), 8) + "\n"
        }

        let maxCount = t.bySize.map(\.executions).max() ?? 0
        s += "\nBlock sizes (instructions retired per execution):\n"
        s += "  " + pad("size", 9, right: false) + pad("executions", 12) + pad("instructions", 14) + "\n"
        for (b, v) in t.bySize.enumerated() where v.executions > 0 {
            let bar = maxCount == 0 ? 0 : Int((Double(v.executions) / Double(maxCount) * 40).rounded(.up))
            s += "  " + pad(bucketName(b), 9, right: false) + pad(String(v.executions), 12) + pad(String(v.instructions), 14)
                + "  " + String(repeating: "#", count: bar) + "\n"
        }

        s += "\nHottest blocks (of \(hot.count), by executions):\n"
        for (rank, (b, v)) in hot.prefix(top).enumerated() {
            let size = b.definition.map { t.definitions[$0].words.count }
            s += "#\(rank + 1)  " + TraceFormat.address(b.pc) + "  EL\(b.context.el) " + b.context.security.rawValue
                + "  \(v.executions) executions, \(v.instructions) instructions (\(pct(v.instructions)))"
                + (size.map { ", \($0) in the block" } ?? "")
                + (symbols?.name(at: b.pc).map { "  <\($0)>" } ?? "") + "\n"
            if let d = b.definition {
                var a = b.pc
                for w in t.definitions[d].words {
                    s += "    " + TraceFormat.address(a) + ":  " + TraceFormat.hex(UInt64(w), digits: 8) + "  "
                        + A64Disassembler.disassemble(w, pc: a) + "\n"
                    a &+= 4
                }
            } else {
                s += "    (no code recorded for this block)\n"
            }
        }
        return s
    }
}
