import Dispatch
import Machine
import Engine

/// A small program to run in-process on a minimal machine (differential tests
/// of the engines, fuzzing): code, initial registers and the bytes of a data area.
///
/// The machine has RAM only (`ramBase`, `ramSize`) and one CPU at EL1 (no EL2/EL3):
///
/// | address       | what                                                        |
/// |---------------|-------------------------------------------------------------|
/// | `vectorBase`  | VBAR_EL1: a vector table whose 16 entries are `hlt #0xf000` |
/// | `codeBase`    | the program                                                 |
/// | `dataBase`    | the data area (`dataSize` bytes, filled from `data`)        |
///
/// `hlt #0xf000` (semihosting) ends the run whatever W0 holds, so the program's
/// last instruction should be `hlt #0xf000`, and an exception ends the run at
/// its vector with ESR/ELR/FAR/SPSR_EL1 written: faults are part of the result.
public struct Snippet: Sendable {
    public static let ramBase: UInt64 = 0x4000_0000
    public static let ramSize: UInt64 = 2 << 20
    public static let vectorBase: UInt64 = 0x4007_0000
    public static let codeBase: UInt64 = 0x4008_0000
    public static let dataBase: UInt64 = 0x4010_0000
    public static let dataSize = 64 << 10
    /// `hlt #0xf000`.
    public static let haltWord: UInt32 = 0xD45E_0000

    public var code: [UInt32]
    /// Where the code goes and the PC starts: `codeBase` or above (below
    /// `dataBase`), e.g. near the end of a page so blocks split at the page end.
    public var codeAddress = Snippet.codeBase
    /// Initial X0...X30 (missing entries are 0).
    public var x: [UInt64]
    public var spEL0: UInt64 = 0
    public var spEL1: UInt64 = 0
    /// NZCV in bits 31:28.
    public var nzcv: UInt64 = 0
    /// Initial PSTATE.SPSel (1: SP_EL1 is the stack pointer; ignored at EL0).
    public var spSel: UInt64 = 1
    /// Initial exception level: 1, or 0 (exceptions are then taken to EL1
    /// from a lower EL, at VBAR_EL1 + 0x400).
    public var el = 1
    /// Initial contents of the data area (shorter: the rest is zero).
    public var data: [UInt8]
    /// Initial V0...V31 as (low, high) 64-bit pairs (missing entries are 0).
    public var v: [UInt64] = []
    public var fpcr: UInt64 = 0
    /// CPACR_EL1.FPEN = 0b11 (FP/SIMD not trapped at EL0 and EL1); off, FP/SIMD traps.
    public var fpEnabled = false

    public init(code: [UInt32], x: [UInt64] = [], data: [UInt8] = []) {
        self.code = code
        self.x = x
        self.data = data
    }
}

/// The architectural state at the end of a snippet's run.
public struct SnippetState: Sendable, Equatable {
    public enum Exit: Sendable, Equatable {
        /// `hlt #0xf000` ran (the program's last instruction, or a vector entry).
        case halted
        /// The instruction budget or the timeout ran out.
        case budget
        /// The run stopped with a message (System.fatal).
        case fatal(String)
    }
    public var exit: Exit = .halted
    /// X0...X30.
    public var x: [UInt64] = []
    public var spEL0: UInt64 = 0
    public var spEL1: UInt64 = 0
    public var pc: UInt64 = 0
    public var nzcv: UInt64 = 0
    public var el = 0
    public var spSel: UInt64 = 0
    public var daif: UInt64 = 0
    public var pstateMisc: UInt64 = 0
    /// Every system register slot, in `SysRegTable.all` order (includes
    /// ESR/ELR/FAR/SPSR_EL1).
    public var sysregs: [UInt64] = []
    /// FNV-1a (over little-endian 64-bit words) of the data area.
    public var dataChecksum: UInt64 = 0

    /// Guest instructions the engine counted (not part of equality: reported apart).
    public var instructions: UInt64 = 0
    /// Blocks the JIT compiled, and blocks it left to the interpreter (not part of equality).
    public var jitCompiledBlocks = 0
    public var jitFallbackBlocks = 0
    /// The data area's bytes (not part of equality: `dataChecksum` is).
    public var data: [UInt8] = []
    /// V0...V31 as (low, high) pairs, FPSR and FPCR.
    public var v: [UInt64] = []
    public var fpsr: UInt64 = 0
    public var fpcr: UInt64 = 0

    public init() {}
    public init(exit: Exit) { self.exit = exit }

    public var esr: UInt64 { sysreg("ESR_EL1") }
    public var elr: UInt64 { sysreg("ELR_EL1") }
    public var far: UInt64 { sysreg("FAR_EL1") }
    public var spsr: UInt64 { sysreg("SPSR_EL1") }

    /// A system register's final value (0 when the state has none, e.g. from an oracle).
    public func sysreg(_ name: String) -> UInt64 {
        let i = SysRegTable.slot(name).slot
        return i < sysregs.count ? sysregs[i] : 0
    }

    /// True when the run ended in an exception vector (rather than at the program's halt).
    public var endedInVector: Bool {
        pc >= Snippet.vectorBase && pc < Snippet.vectorBase + 0x800
    }

    public static func == (a: SnippetState, b: SnippetState) -> Bool {
        a.exit == b.exit && a.x == b.x && a.spEL0 == b.spEL0 && a.spEL1 == b.spEL1 && a.pc == b.pc
            && a.nzcv == b.nzcv && a.el == b.el && a.spSel == b.spSel && a.daif == b.daif
            && a.pstateMisc == b.pstateMisc && a.sysregs == b.sysregs && a.dataChecksum == b.dataChecksum
            && a.v == b.v && a.fpsr == b.fpsr && a.fpcr == b.fpcr
    }

    /// One line per difference from `other` (`name: self != other`); empty when equal.
    public func differences(from other: SnippetState) -> [String] {
        var out: [String] = []
        func h(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
        func cmp(_ name: String, _ a: UInt64, _ b: UInt64) { if a != b { out.append("\(name): \(h(a)) != \(h(b))") } }
        if exit != other.exit { out.append("exit: \(exit) != \(other.exit)") }
        for i in 0..<min(x.count, other.x.count) { cmp("x\(i)", x[i], other.x[i]) }
        cmp("sp_el0", spEL0, other.spEL0)
        cmp("sp_el1", spEL1, other.spEL1)
        cmp("pc", pc, other.pc)
        cmp("nzcv", nzcv, other.nzcv)
        cmp("el", UInt64(el), UInt64(other.el))
        cmp("spsel", spSel, other.spSel)
        cmp("daif", daif, other.daif)
        cmp("pstate(misc)", pstateMisc, other.pstateMisc)
        for i in 0..<min(v.count, other.v.count) { cmp("v\(i / 2).\(i % 2 == 0 ? "lo" : "hi")", v[i], other.v[i]) }
        cmp("fpsr", fpsr, other.fpsr)
        cmp("fpcr", fpcr, other.fpcr)
        for (i, def) in SysRegTable.all.enumerated() where i < sysregs.count && i < other.sysregs.count {
            cmp(def.name, sysregs[i], other.sysregs[i])
        }
        if dataChecksum != other.dataChecksum {
            var lines: [String] = []
            var shown = 0
            if data.count == other.data.count {
                var i = 0
                while i < data.count {
                    if data[i] != other.data[i] {
                        if shown < 8 {
                            let start = i & ~7
                            func word(_ d: [UInt8]) -> String {
                                (start..<start + 8).reversed().map { j -> String in
                                    let s = String(d[j], radix: 16)
                                    return s.count == 1 ? "0" + s : s
                                }.joined()
                            }
                            lines.append("  [\(h(Snippet.dataBase + UInt64(start)))] \(word(data)) != \(word(other.data))")
                        }
                        shown += 1
                        i = (i & ~7) + 8
                        continue
                    }
                    i += 1
                }
            }
            out.append("data checksum: \(h(dataChecksum)) != \(h(other.dataChecksum)) (\(shown) differing 8-byte words)")
            out += lines
        }
        return out
    }

    /// A multi-line dump (registers, PSTATE, exception registers).
    public var summary: String {
        func h(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
        var s = "exit \(exit) pc \(h(pc)) el \(el) spsel \(spSel) nzcv \(h(nzcv >> 28)) daif \(h(daif))"
        s += " esr \(h(esr)) elr \(h(elr)) far \(h(far)) spsr \(h(spsr)) insns \(instructions)\n"
        for i in 0..<x.count {
            s += "x\(i)=\(h(x[i]))" + (i % 4 == 3 ? "\n" : " ")
        }
        s += "sp_el0=\(h(spEL0)) sp_el1=\(h(spEL1)) data=\(h(dataChecksum))"
        return s
    }
}

/// Builds a minimal machine in-process, runs a `Snippet` on it with the given
/// engine options and returns the final architectural state.
public enum SnippetRunner {
    /// Ends the run at the semihosting call, leaving X0 as it was.
    final class Halt: SemihostingHandler {
        func semihostingCall(cpu: CPU) -> UInt64 {
            cpu.system.requestExit(status: 0)
            return cpu.x(0)
        }
    }

    /// Counts blocks for the budget (the dispatcher's per-block hook).
    final class BlockBudget: @unchecked Sendable {
        var left: Int
        var exhausted = false
        init(_ n: Int) { left = n }
    }

    /// Runs `snippet`. `budget` bounds the guest instructions (counted as
    /// blocks entered, each at least one instruction); `timeoutSeconds` bounds
    /// the wall-clock time (a watchdog asks the CPU to stop).
    public static func run(_ snippet: Snippet, options: EngineOptions, budget: Int = 1_000_000,
                           timeoutSeconds: Double = 30) -> SnippetState {
        runKeepingDispatcher(snippet, options: options, budget: budget, timeoutSeconds: timeoutSeconds).state
    }

    public static func runKeepingDispatcher(_ snippet: Snippet, options: EngineOptions, budget: Int,
                                     timeoutSeconds: Double) -> (state: SnippetState, dispatcher: Dispatcher?) {
        let memory = AddressSpace()
        do {
            try memory.addRAM(name: "snippet.ram", base: Snippet.ramBase, size: Snippet.ramSize)
        } catch {
            return (SnippetState(exit: .fatal("cannot build the snippet machine: \(error)")), nil)
        }
        let system = System(memory: memory)
        let cpu = system.addCPU(config: CPUConfig())
        let halt = Halt()
        system.semihosting = halt

        // Vector table: every entry is `hlt #0xf000`.
        var vectors = [UInt32](repeating: 0, count: 0x800 / 4)
        for i in stride(from: 0, to: vectors.count, by: 0x80 / 4) { vectors[i] = Snippet.haltWord }
        write(memory, Snippet.vectorBase, vectors)
        write(memory, snippet.codeAddress, snippet.code)
        var data = snippet.data
        if data.count < Snippet.dataSize { data += [UInt8](repeating: 0, count: Snippet.dataSize - data.count) }
        data.withUnsafeBytes { _ = memory.writePhysical(pa: Snippet.dataBase, bytes: UnsafeRawBufferPointer(rebasing: $0[0..<Snippet.dataSize])) }

        cpu.setSysreg(SysRegTable.vbar[1], Snippet.vectorBase)
        for i in 0..<31 { cpu.setX(i, i < snippet.x.count ? snippet.x[i] : 0) }
        cpu.setX(StateLayout.spEL0Id, snippet.spEL0)
        cpu.setX(StateLayout.spEL0Id + 1, snippet.spEL1)
        cpu.nzcv = snippet.nzcv
        cpu.spSel = snippet.el == 0 ? 0 : snippet.spSel
        cpu.setEL(snippet.el == 0 ? 0 : 1)
        cpu.pc = snippet.codeAddress
        for n in 0..<32 {
            cpu.setVreg(n, lo: 2 * n < snippet.v.count ? snippet.v[2 * n] : 0,
                        hi: 2 * n + 1 < snippet.v.count ? snippet.v[2 * n + 1] : 0)
        }
        cpu.fpcr = snippet.fpcr
        cpu.fpsr = 0
        if snippet.fpEnabled { cpu.setSysreg(SysRegTable.slot("CPACR_EL1"), 3 << 20) }

        var opts = options
        let counter = BlockBudget(budget)
        let previous = options.onExecute
        opts.onExecute = { cpu, pc in
            previous?(cpu, pc)
            counter.left -= 1
            if counter.left < 0 && !counter.exhausted {
                counter.exhausted = true
                cpu.system.requestExit(status: 2)
            }
        }
        let dispatcher: Dispatcher
        do {
            dispatcher = try Dispatcher(system: system, options: opts)
        } catch {
            return (SnippetState(exit: .fatal("cannot start the engine: \(error)")), nil)
        }

        // Watchdog: stops an engine that runs without returning to the dispatcher.
        let watch = Watchdog(system: system)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeoutSeconds) { watch.fire() }
        _ = dispatcher.run()
        watch.cancel()

        var s = SnippetState()
        if let msg = system.fatalMessage {
            s.exit = .fatal(msg)
        } else if counter.exhausted || watch.fired {
            s.exit = .budget
        } else {
            s.exit = .halted
        }
        s.x = (0..<31).map { cpu.x($0) }
        s.spEL0 = cpu.x(StateLayout.spEL0Id)
        s.spEL1 = cpu.x(StateLayout.spEL0Id + 1)
        s.pc = cpu.pc
        s.nzcv = cpu.nzcv
        s.el = cpu.el
        s.spSel = cpu.spSel
        s.daif = cpu.daif
        s.pstateMisc = cpu.pstateMisc
        s.sysregs = allSlots.map { cpu.sysreg($0) }
        s.v = (0..<32).flatMap { [cpu.vreg($0).lo, cpu.vreg($0).hi] }
        s.fpsr = cpu.fpsr
        s.fpcr = cpu.fpcr
        s.instructions = dispatcher.statistics.guestInstructions
        s.jitCompiledBlocks = dispatcher.statistics.jitCompiledBlocks
        s.jitFallbackBlocks = dispatcher.statistics.jitFallbackBlocks
        let bytes = memory.readPhysical(pa: Snippet.dataBase, count: Snippet.dataSize) ?? []
        s.data = bytes
        s.dataChecksum = checksum(bytes)
        return (s, dispatcher)
    }

    private static let allSlots = SysRegTable.all.map { SysRegTable.slot($0.name) }

    /// FNV-1a over little-endian 64-bit words.
    public static func checksum(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        bytes.withUnsafeBytes { raw in
            let n = raw.count / 8
            for i in 0..<n {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            }
            for i in (n * 8)..<raw.count { h = (h ^ UInt64(raw[i])) &* 0x0000_0100_0000_01B3 }
        }
        return h
    }

    private static func write(_ memory: AddressSpace, _ pa: UInt64, _ words: [UInt32]) {
        words.withUnsafeBytes { _ = memory.writePhysical(pa: pa, bytes: $0) }
    }

    /// Whether an engine runs a trivial snippet correctly (`mov x0, #42;
    /// add x1, x0, #1; hlt #0xf000`), and for the JIT whether it compiled
    /// blocks to host code (false when it ran them with the interpreter).
    public static func probe(_ kind: EngineKind) -> (runs: Bool, compiled: Bool) {
        let code: [UInt32] = [0xD280_0540, 0x9100_0401, Snippet.haltWord]
        var o = EngineOptions()
        o.kind = kind
        let (s, dispatcher) = runKeepingDispatcher(Snippet(code: code), options: o, budget: 100, timeoutSeconds: 10)
        let runs = s.exit == .halted && s.x[0] == 42 && s.x[1] == 43 && s.pc == Snippet.codeBase + 12
        return (runs, (dispatcher?.statistics.jitCompiledBlocks ?? 0) > 0)
    }
}

/// Stops a run from another thread after a timeout.
private final class Watchdog: @unchecked Sendable {
    private let lock = DispatchQueue(label: "armature.snippet.watchdog")
    private weak var system: System?
    private var done = false
    private(set) var fired = false

    init(system: System) { self.system = system }

    func fire() {
        lock.sync {
            guard !done, let system else { return }
            fired = true
            system.requestExit(status: 3)
        }
    }

    func cancel() { lock.sync { done = true } }
}
