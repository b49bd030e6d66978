import A64
import IR
import Machine
import Engine

/// Connects the selected `-d` items to the engine and the machine, and writes
/// what they report. It installs only the hooks the selection needs: with no
/// `-d`, the engine's optional callbacks stay nil and the machine has no
/// exception observer and no logger, so logging costs nothing.
public final class Tracer: @unchecked Sendable {
    public let selection: LogSelection
    public let writer: LogWriter
    public let system: System
    /// Names addresses in in_asm and exec lines (the kernel's ELF symbols).
    public var symbols: SymbolTable?
    public private(set) var exceptionsTaken: UInt64 = 0
    public private(set) var exceptionReturns: UInt64 = 0

    public init(selection: LogSelection, writer: LogWriter, system: System) {
        self.selection = selection
        self.writer = writer
        self.system = system
    }

    /// Installs the hooks: engine callbacks in `engine` (in_asm, op, op_opt,
    /// out_asm, exec, cpu; nochain), the exception observer on the system (int, stats),
    /// and the system's logger (guest_errors, unimp, mmu, semihosting, mec, gpc).
    public func install(into engine: inout EngineOptions) {
        let s = selection
        if s.contains(.nochain) { engine.chaining = false }

        let inAsm = s.contains(.inAsm), op = s.contains(.op), opOpt = s.contains(.opOpt)
        if inAsm || op || opOpt {
            engine.onTranslate = { [self] pc, raw, optimized in
                guard selection.logsBlock(at: pc) else { return }
                var text = ""
                if inAsm { text += inAsmText(pc: pc, count: raw.guestInstructionCount) }
                if op { text += TraceFormat.ir(title: TraceFormat.opTitle, raw) }
                if opOpt { text += TraceFormat.ir(title: TraceFormat.opOptTitle, optimized) }
                writer.write(text)
            }
        }

        if s.contains(.outAsm) {
            engine.onCompile = { [self] pc, code, host in
                guard selection.logsBlock(at: pc) else { return }
                writer.write(TraceFormat.outAsm(pc: pc, code: code, hostAddress: host))
            }
        }

        let exec = s.contains(.exec), regs = s.contains(.cpu)
        if exec || regs {
            engine.onExecute = { [self] cpu, pc in
                guard selection.logsBlock(at: pc) else { return }
                var text = ""
                if exec {
                    text += TraceFormat.exec(cpu: cpu.index, pc: pc, el: cpu.el, security: SecurityState(cpu: cpu),
                                             symbol: symbols?.name(at: pc)) + "\n"
                }
                if regs { text += TraceFormat.registers(RegisterSnapshot(cpu: cpu)) }
                writer.write(text)
            }
        }

        let int = s.contains(.int)
        if int || s.contains(.stats) {
            system.exceptionObserver = { [self] cpu, event in
                if event.isReturn { exceptionReturns &+= 1 } else { exceptionsTaken &+= 1 }
                if int { writer.line(TraceFormat.exception(event, cpu: cpu.index)) }
            }
        }

        let machineItems = s.items.compactMap(\.machineItem)
        if !machineItems.isEmpty {
            let log = MachineLog(items: machineItems) { [writer] _, message in writer.line(message) }
            log.disassemble = { word, pc in A64Disassembler.disassemble(word, pc: pc) }
            system.logger = log
        }
    }

    /// The in_asm text of the block of `count` instructions at `pc`, read back
    /// from guest memory (the block was just fetched from there).
    func inAsmText(pc: UInt64, count: Int) -> String {
        guard let cpu = system.cpus.first, let bytes = cpu.readVirtual(pc, count: 4 * count) else {
            return "----------------\nIN:\n\(TraceFormat.address(pc)):  (unreadable)\n\n"
        }
        let words = (0..<count).map { i in
            UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8 | UInt32(bytes[4 * i + 2]) << 16 | UInt32(bytes[4 * i + 3]) << 24
        }
        return TraceFormat.inAsm(pc: pc, words: words, symbol: symbols?.name(at: pc))
    }

    /// At exit: the `-d stats` lines (when selected), then everything flushed.
    public func finish(statistics: EngineStatistics, guestInstructions: UInt64, elapsedSeconds: Double) {
        if selection.contains(.stats) {
            var s = TraceFormat.Statistics(statistics, guestInstructions: guestInstructions, elapsedSeconds: elapsedSeconds)
            s.exceptionsTaken = exceptionsTaken
            s.exceptionReturns = exceptionReturns
            writer.write(TraceFormat.stats(s))
        }
        writer.flush()
    }
}
