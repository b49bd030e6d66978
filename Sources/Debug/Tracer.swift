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
    /// The `-trace-blocks` file; set before `install`.
    public var blockTrace: BlockTraceRecorder?
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
        // -trace-blocks sees every block only if none is chained.
        if s.contains(.nochain) || blockTrace != nil { engine.chaining = false }
        let trace = blockTrace

        let inAsm = s.contains(.inAsm), op = s.contains(.op), opOpt = s.contains(.opOpt)
        if inAsm || op || opOpt || trace != nil {
            engine.onTranslate = { [self] pc, raw, optimized in
                if let trace, let cpu = system.cpus.first {
                    trace.translated(cpu: cpu, pc: pc, words: guestWords(pc: pc, count: raw.guestInstructionCount) ?? [])
                }
                guard inAsm || op || opOpt, selection.logsBlock(at: pc) else { return }
                var text = ""
                if inAsm { text += inAsmText(pc: pc, count: raw.guestInstructionCount) }
                if op { text += TraceFormat.ir(title: TraceFormat.opTitle, raw) }
                if opOpt { text += TraceFormat.ir(title: TraceFormat.opOptTitle, optimized) }
                writer.write(text)
            }
        }

        if s.contains(.outAsm) {
            let disassembler = HostDisassembler()
            engine.onCompile = { [self] info in
                guard selection.logsBlock(at: info.guestPC) else { return }
                let words = guestWords(pc: info.guestPC, count: info.instructionStarts.count) ?? []
                writer.write(TraceFormat.outAsm(info, disassembler: disassembler) { pc in
                    let i = Int((pc &- info.guestPC) / 4)
                    return pc >= info.guestPC && i < words.count ? words[i] : nil
                })
            }
        }

        let exec = s.contains(.exec), regs = s.contains(.cpu)
        if exec || regs || trace != nil {
            engine.onExecute = { [self] cpu, pc in
                trace?.willExecute(cpu: cpu, pc: pc)
                guard exec || regs, selection.logsBlock(at: pc) else { return }
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
        guard let words = guestWords(pc: pc, count: count) else {
            return "----------------\nIN:\n\(TraceFormat.address(pc)):  (unreadable)\n\n"
        }
        return TraceFormat.inAsm(pc: pc, words: words, symbol: symbols?.name(at: pc))
    }

    /// The `count` instruction words at `pc`, read from guest memory without
    /// side effects; nil when they do not all translate.
    func guestWords(pc: UInt64, count: Int) -> [UInt32]? {
        guard let cpu = system.cpus.first, let bytes = cpu.readVirtual(pc, count: 4 * count) else { return nil }
        var words: [UInt32] = []
        words.reserveCapacity(count)
        for i in 0..<count {
            var w: UInt32 = 0
            for k in 0..<4 { w |= UInt32(bytes[4 * i + k]) << UInt32(8 * k) }
            words.append(w)
        }
        return words
    }

    /// At exit: the `-d stats` lines (when selected), then everything flushed.
    public func finish(statistics: EngineStatistics, guestInstructions: UInt64, elapsedSeconds: Double) {
        if selection.contains(.stats) {
            var s = TraceFormat.Statistics(statistics, guestInstructions: guestInstructions, elapsedSeconds: elapsedSeconds)
            s.exceptionsTaken = exceptionsTaken
            s.exceptionReturns = exceptionReturns
            if let cpu = system.cpus.first {
                s.tlb = cpu.tlbStatistics
                s.tlbFlushes = cpu.tlbFlushCount
            }
            s.mecidMismatches = UInt64(system.memory.mecTags?.statistics.substituteReads ?? 0)
            writer.write(TraceFormat.stats(s))
        }
        blockTrace?.finish(cpus: system.cpus)
        writer.flush()
    }
}
