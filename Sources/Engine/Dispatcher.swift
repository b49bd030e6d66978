import IR
import Lift
import Machine

/// Which engine runs guest code.
public enum EngineKind: String, Sendable, CaseIterable {
    case interp
    case jit
}

public struct EngineOptions: Sendable {
    public var kind: EngineKind = .interp
    /// Run the IR optimizer on each block (off only to test the optimizer against itself).
    public var optimize = true
    /// Called with each newly translated block (for `-d in_asm,op,op_opt`):
    /// (guest PC, the IR before optimization, the IR after).
    public var onTranslate: (@Sendable (UInt64, IRBlock, IRBlock) -> Void)? = nil
    /// Called before each executed block (for `-d exec,cpu`).
    public var onExecute: (@Sendable (CPU, UInt64) -> Void)? = nil
    public init() {}
}

/// Run statistics (`-d stats`).
public struct EngineStatistics: Sendable {
    public var guestInstructions: UInt64 = 0
    public var blocksExecuted: UInt64 = 0
    public var blocksTranslated = 0
    public var blocksInvalidated = 0
}

/// The dispatcher: finds (or translates) the block at the PC, runs it, and
/// handles what makes a block stop: exceptions, exit requests, code writes.
public final class Dispatcher {
    public let system: System
    public let options: EngineOptions
    private let cache = BlockCache()
    private let interpreter = IRInterpreter()
    public private(set) var statistics = EngineStatistics()

    public init(system: System, options: EngineOptions) {
        self.system = system
        self.options = options
        system.memory.onCodePageWrite = { [unowned self] page in
            self.cache.invalidate(page: page)
            self.interpreter.codeWritten = true
        }
    }

    /// Runs until the guest exits (or the run cannot go on); returns the exit status.
    public func run() -> Int32 {
        guard let cpu = system.cpus.first else { return 1 }
        let onExecute = options.onExecute
        var executed: UInt64 = cpu.instructionCount
        var blocks: UInt64 = 0
        while system.exitStatus == nil {
            cpu.exceptionTaken = false
            if cpu.exitRequest != 0 {
                cpu.exitRequest = 0
                if system.exitStatus != nil { break }
            }
            let pc = cpu.pc
            if pc & 3 != 0 {
                cpu.raisePCAlignment(pc: pc)
                continue
            }
            guard let (pa, host) = cpu.translateCode(va: pc) else { continue }
            let context = LiftContext(el: cpu.el, spSel: Int(cpu.spSel))
            let key = BlockKey(pa: pa, context: context)
            let block = cache.lookup(key) ?? translate(key: key, pc: pc, host: host)
            onExecute?(cpu, pc)
            executed &+= UInt64(interpreter.execute(block, cpu: cpu))
            blocks &+= 1
        }
        cpu.instructionCount = executed
        statistics.guestInstructions = executed
        statistics.blocksExecuted = blocks
        statistics.blocksTranslated = cache.translations
        statistics.blocksInvalidated = cache.invalidations
        return system.exitStatus ?? 1
    }

    private func translate(key: BlockKey, pc: UInt64, host: UnsafeRawPointer) -> TranslatedBlock {
        let pageOffset = pc & 0xFFF
        let pageHost = host - Int(pageOffset)
        var ir = Lifter.lift(pc: pc, context: key.context) { va in
            pageHost.load(fromByteOffset: Int(va & 0xFFF), as: UInt32.self)
        }
        let raw = ir
        if options.optimize { Optimizer.run(&ir) }
        options.onTranslate?(pc, raw, ir)
        let block = TranslatedBlock(key: key, ir: ir)
        markCode(pageOf: key.pa)
        cache.insert(block)
        return block
    }

    /// Marks a page as holding code: TLB write entries must now take the slow
    /// path for it, so every CPU drops its TLB the first time a page is marked.
    private func markCode(pageOf pa: UInt64) {
        let page = pa & ~UInt64(0xFFF)
        guard let r = system.memory.region(containing: page), !system.memory.isCodePage(r, pa: page) else { return }
        system.memory.markCodePage(pa: page)
        for c in system.cpus { c.flushTLB() }
    }
}
