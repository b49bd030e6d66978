import Glibc
import IR
import Synchronization
import Lift
import Machine

/// Which engine runs guest code.
public enum EngineKind: String, Sendable, CaseIterable {
    case interp
    case jit
}

public struct EngineOptions: Sendable {
    /// The JIT is the default engine (`-accel jit`, or QEMU's `-accel tcg`).
    public var kind: EngineKind = .jit
    /// Run the IR optimizer on each block (off only to test the optimizer against itself).
    public var optimize = true
    /// `-accel interp` runs the IR interpreter (the reference the threaded
    /// interpreter and the JIT are tested against) instead of the threaded
    /// interpreter of pre-decoded blocks.
    public var referenceInterpreter = false
    /// Chain direct branches and use the jump cache (JIT). Off for `-d nochain`,
    /// so that every block passes through the dispatcher.
    public var chaining = true
    /// Called with each newly translated block (for `-d in_asm,op,op_opt`):
    /// (guest PC, the IR before optimization, the IR after).
    public var onTranslate: (@Sendable (UInt64, IRBlock, IRBlock) -> Void)? = nil
    /// Called with the host code of each block the JIT compiles (for `-d out_asm`):
    /// its bytes, address, and where each guest instruction's code starts.
    public var onCompile: (@Sendable (HostCodeInfo) -> Void)? = nil
    /// Called before each block the dispatcher enters (for `-d exec,cpu`).
    public var onExecute: (@Sendable (CPU, UInt64) -> Void)? = nil
    /// At most this many translated blocks are kept; the cache is emptied when
    /// a translation would pass it (the JIT's code cache is bounded by its
    /// size as well). Without it a guest running wild through memory grew the
    /// interpreter's cache by gigabytes.
    public var maxTranslatedBlocks = 1 << 18
    /// JIT: a block translated from a page whose code has been rewritten at
    /// least `rewrittenPageThreshold` times runs in the interpreter for its
    /// first `rewrittenPageInterpretedRuns` runs, then is compiled (patch-and-
    /// call loops retranslate a block per patch and run it once or twice).
    public var rewrittenPageThreshold = 2
    public var rewrittenPageInterpretedRuns = 4
    /// With several CPUs on one thread (`-accel ...,thread=single`): the
    /// guest instructions each CPU runs before the next one's turn (a slice
    /// ends at the first block boundary at or past it).
    public var timeSlice: UInt64 = 8192
    /// Several CPUs: one host thread each (`-accel ...,thread=multi`, QEMU's
    /// multi-threaded TCG) rather than turns on one thread. Not with
    /// `onExecute` (its consumers expect one CPU at a time).
    public var multiThread = false
    public init() {}
}

/// Run statistics (`-d stats`).
public struct EngineStatistics: Sendable {
    public var guestInstructions: UInt64 = 0
    /// Blocks entered from the dispatcher (chained blocks are not counted).
    public var blocksExecuted: UInt64 = 0
    public var blocksTranslated = 0
    public var blocksInvalidated = 0
    public var hostCodeBytes = 0
    public var jitCompiledBlocks = 0
    /// Blocks the JIT could not compile, run by the interpreter instead.
    public var jitFallbackBlocks = 0
    /// Blocks of often rewritten code pages that the interpreter ran first
    /// (`EngineOptions.rewrittenPageThreshold`).
    public var jitDeferredBlocks = 0
    public var chainsMade = 0
    public var codeCacheFlushes = 0
    /// Changes of the JIT's current jump cache bank (of context), and banks
    /// emptied for a new context (JumpCacheBanks.swift).
    public var jumpCacheSwitches: UInt64 = 0
    public var jumpCacheEvictions: UInt64 = 0
    /// Times the translated-block cache was emptied for reaching `maxTranslatedBlocks`.
    public var blockCacheFlushes = 0
    /// Guest instructions in all translated blocks, and the time spent
    /// translating (lift, optimize, compile).
    public var guestInstructionsTranslated = 0
    public var translationNanoseconds: UInt64 = 0

    public init() {}
}

public struct EngineError: Error, CustomStringConvertible {
    public let description: String
}

/// The dispatcher: finds (or translates) the block at the PC, runs it with the
/// interpreter or as JIT code, and handles what makes a block stop: exceptions,
/// exit requests, code writes.
public final class Dispatcher {
    public let system: System
    public let options: EngineOptions
    let cache = BlockCache()
    let jit: JITEngine?
    /// CPUs on their own host threads (ThreadedRun.swift); false: one
    /// thread, and none of the locks below is taken.
    public let threaded: Bool
    /// With `threaded`: guards the block cache, the JIT's code cache, exit
    /// records and chains, and the code-word marks of memory.
    let translationLock = HostMutex()
    /// With `threaded`: stops every CPU thread at a block boundary.
    let gate = ExclusiveGate()
    /// With `threaded`: the code cache or the block cache is full; the next
    /// CPU at a block boundary empties both while the others wait.
    let flushWanted = Atomic<Bool>(false)
    public internal(set) var statistics = EngineStatistics()
    /// Per CPU: its jump cache and what the dispatcher remembers between its blocks.
    var runners: [CPURunner] = []
    /// The debugger's breakpoints, steps and stops (DebugControl.swift); nil: no debugger, no cost.
    public var debug: DebugControl?
    /// Blocks dropped while code may still run in them (`retire`).
    var retired: [TranslatedBlock] = []
    /// The threaded translator's working arrays (used under `translationLock` with threads).
    var translatorScratch = ThreadedTranslator.Scratch()
    /// The optimizer's working arrays, kept from block to block (as `translatorScratch`).
    var optimizerScratch = OptimizerScratch()

    public init(system: System, options: EngineOptions) throws {
        self.system = system
        self.options = options
        // Several CPUs share this thread (thread=single) or have one each
        // (thread=multi); sharing, the JIT's blocks check the CPU's time
        // slice at entry.
        threaded = system.cpus.count > 1 && options.multiThread && options.onExecute == nil
        system.cpusShareThread = system.cpus.count > 1 && !threaded
        system.threaded = threaded
        if options.kind == .jit {
            do {
                jit = try JITEngine(chaining: options.chaining, timeSlices: system.cpusShareThread, threaded: threaded)
            } catch {
                throw EngineError(description: "cannot start the JIT: \(error)")
            }
        } else {
            jit = nil
        }
        system.memory.onCodeWrite = { [unowned self] pa, length in self.codeWritten(pa: pa, length: length) }
        system.memory.onInvalidateAllCode = { [unowned self] in
            // The next CPU thread at a block boundary (the caller's own next
            // block at the latest: its exit request) empties the caches while
            // every other CPU waits (ThreadedRun.swift).
            self.flushWanted.store(true, ordering: .sequentiallyConsistent)
            for c in self.system.cpus { c.interrupts.kick() }
        }
        system.addResetParticipant { [unowned self] _ in self.flushForReset() }
    }

    /// A machine reset: every translation goes (the boot images are written
    /// again and the CPUs start afresh), and no exit is chained to.
    private func flushForReset() {
        if threaded { translationLock.lock() }
        jit?.flushAll()
        removeAllBlocks()
        for r in runners { r.lastExit = 0 }
        if threaded { translationLock.unlock() }
    }

    /// A write touched translated code at [pa, pa+length) (one page): drops the
    /// blocks built from those bytes, keeps the page's other blocks (their words
    /// are marked again), and makes every CPU leave its running block at the
    /// next instruction boundary, so the rest of it is translated afresh.
    /// Done before the writing instruction completes.
    private func codeWritten(pa: UInt64, length: UInt64) {
        if threaded { translationLock.lock() }
        defer { if threaded { translationLock.unlock() } }
        let memory = system.memory
        memory.clearCodeWords(pagePA: pa & TLB.pageMask)
        let removed = cache.invalidate(pa: pa, length: length) { memory.markCode(pa: $0.key.pa, length: $0.byteLength) }
        guard !removed.isEmpty else { return }
        if !threaded { for b in removed { retire(b) } }
        if let jit {
            for b in removed { jit.release(b) }
            if threaded {
                // Each CPU empties its own jump cache before its next block
                // (its running block leaves at the next entry; the old
                // code stays in place until the code cache is emptied).
                for r in runners {
                    r.jumpFlushPending.store(true, ordering: .sequentiallyConsistent)
                    r.cpu.exitRequest = 1
                }
            } else {
                jit.dropFromJumpCaches(removed)
            }
        }
        if threaded {
            // Only the writing CPU stops at its next instruction boundary
            // (its state is exact after the store); another CPU, stopped
            // anywhere, could leave registers the block had not yet
            // written: it leaves at its next block entry (exit request).
            let me = UInt(pthread_self())
            for r in runners where r.thread.load(ordering: .relaxed) == me {
                r.cpu.state.storeBytes(of: 1, toByteOffset: StateLayout.codeWritten, as: UInt64.self)
            }
            return
        }
        for c in system.cpus {
            c.state.storeBytes(of: 1, toByteOffset: StateLayout.codeWritten, as: UInt64.self)
        }
    }

    /// Runs until the guest exits (or the run cannot go on); returns the exit
    /// status. One CPU runs block after block; several take turns on this
    /// thread, `options.timeSlice` instructions each, in CPU order, so a run
    /// depends only on its input (and the host clock, through the timers).
    public func run() -> Int32 {
        guard !system.cpus.isEmpty else { return 1 }
        if runners.isEmpty {
            runners = system.cpus.map { CPURunner(cpu: $0, jumpCache: jit?.addJumpCache(state: $0.state)) }
        }
        if runners.count == 1 {
            let r = runners[0]
            while system.exitStatus == nil {
                guard step(r, threaded: false) else { break }
            }
        } else if threaded {
            runThreaded()
        } else {
            runRoundRobin()
        }
        statistics.guestInstructions = system.cpus.reduce(0) { $0 &+ $1.instructionCount }
        statistics.blocksExecuted = runners.reduce(0) { $0 &+ $1.blocks }
        statistics.blocksTranslated = cache.translations
        statistics.blocksInvalidated = cache.invalidations
        if let jit {
            statistics.hostCodeBytes = jit.hostBytes
            statistics.jitCompiledBlocks = jit.compiledBlocks
            statistics.jitFallbackBlocks = jit.fallbackBlocks
            statistics.chainsMade = jit.chainsMade
            statistics.codeCacheFlushes = jit.flushes
            statistics.jumpCacheSwitches = jit.jumpCaches.reduce(0) { $0 &+ $1.switches }
            statistics.jumpCacheEvictions = jit.jumpCaches.reduce(0) { $0 &+ $1.evictions }
        } else {
            statistics.chainsMade = runners.reduce(0) { $0 + $1.threadedInterpreter.chainsMade }
        }
        return system.exitStatus ?? 1
    }

    /// Several CPUs on this thread: each CPU that is on and not waiting runs
    /// a slice in turn; a CPU waiting in WFI/WFE is polled (`pollWakeUp`);
    /// when none can run the thread sleeps until a line, an alarm, a kick or
    /// the earliest deadline.
    private func runRoundRobin() {
        let slice = max(options.timeSlice, 1)
        var turns: UInt64 = 0   // slices run so far, by any CPU
        while system.exitStatus == nil {
            var ranAny = false
            var deadline = UInt64.max
            for r in runners {
                let cpu = r.cpu
                cpu.interrupts.serviceHostEvent()
                guard cpu.startIfPoweredOn() else { continue }
                // The debugger resumed other CPUs only (DebugControl.holds).
                if let debug, debug.holds(cpu) { continue }
                // A WFE ends once another CPU has had a turn (a yield).
                if cpu.waiting?.isWFE == true && turns > r.waitTurn { cpu.endWaitForEvent() }
                if cpu.waiting != nil && !cpu.pollWakeUp(deadline: &deadline) { continue }
                ranAny = true
                turns &+= 1
                r.ownTurns &+= 1
                let limit = cpu.instructionCount &+ slice
                cpu.instructionLimit = limit
                while system.exitStatus == nil {
                    guard step(r, threaded: false) else { return }
                    if cpu.waiting != nil || cpu.instructionCount >= limit || cpu.powerState != .on { break }
                    if let debug, debug.holds(cpu) { break }
                }
                // A CPU that went waiting or off is looked at again when kicked.
                if cpu.waiting != nil || cpu.powerState != .on { cpu.exitRequest = 0 }
                r.waitTurn = turns
                if system.exitStatus != nil { return }
            }
            if ranAny { continue }
            let waiting = runners.filter { $0.cpu.powerState != .off }
            if waiting.isEmpty {
                system.fatal(Dispatcher.everyCPUOffMessage)
                return
            }
            if deadline == .max && !runners.contains(where: { $0.cpu.interrupts.hasWakeSource }) {
                if endWaitsForEventOnce(turns: turns) { continue }
                system.fatal(Dispatcher.everyCPUWaitingMessage(waiting.map { ($0.cpu.index, $0.cpu.pc) }))
                return
            }
            let now = HostClock.nanoseconds()
            guard deadline > now else { continue }
            let cpus = waiting.map(\.cpu)
            system.wake.wait(until: min(deadline, now &+ 10_000_000)) {
                cpus.contains { $0.exitRequest != 0 || $0.interrupts.assertedLines != 0 || $0.interrupts.hostEventPending }
            }
        }
    }

    /// No CPU can run and none has a timer: before calling that a hang, a
    /// CPU in WFE looks again once if another CPU had a turn since its last
    /// look. The other CPU may have stored what it waits for between its
    /// load and its WFE (a slice can end between them), then gone to WFI or
    /// off; a store that clears the exclusive monitor is a wake-up event
    /// (Arm ARM D1.6.1) the scheduler does not see. True when a wait ended.
    private func endWaitsForEventOnce(turns: UInt64) -> Bool {
        var ended = false
        for r in runners where r.cpu.waiting?.isWFE == true {
            let othersTurns = turns &- r.ownTurns
            if r.lookedAtOthersTurns != othersTurns {
                r.lookedAtOthersTurns = othersTurns
                r.cpu.endWaitForEvent()
                ended = true
            }
        }
        return ended
    }

    static let everyCPUOffMessage = "every CPU is powered off (PSCI CPU_OFF) and nothing can power one on"

    /// The CPUs that are on, as (index, PC), all waiting with nothing to wake them.
    static func everyCPUWaitingMessage(_ waiting: [(Int, UInt64)]) -> String {
        let pcs = waiting.map { "CPU \($0.0) at PC \(hex($0.1))" }.joined(separator: ", ")
        return "every CPU is waiting in WFI/WFE with nothing that can wake it (\(pcs); no timer armed, no interrupt source)"
    }

    /// Runs one block (or takes one interrupt or exception) on `r`'s CPU.
    /// False when the debugger ends the run.
    /// `threaded`: this CPU has its own thread (a constant at each call).
    @inline(__always)
    func step(_ r: CPURunner, threaded: Bool) -> Bool {
        let cpu = r.cpu
        // The direct exit the CPU's last threaded block left by: chained to
        // the block found below when nothing happened in between.
        let chainFrom = r.threadedInterpreter.takeLastExit()
        if !retired.isEmpty && !threaded { retired.removeAll() }
        cpu.exceptionTaken = false
        cpu.state.storeBytes(of: 0, toByteOffset: StateLayout.codeWritten, as: UInt64.self)
        if cpu.exitRequest != 0 {
            cpu.exitRequest = 0
            if system.exitStatus != nil { return true }
            // PSCI SYSTEM_RESET, QMP system_reset: the machine resets here, between blocks.
            if threaded {
                if system.pendingReset != nil { resetExclusively(r); return true }
            } else if system.performPendingReset() { return true }
        }
        if threaded {
            // Other CPUs' requests: TLB flushes, a jump cache made stale by a code write.
            cpu.serviceRemoteWork()
            if r.jumpFlushPending.load(ordering: .relaxed) {
                r.jumpFlushPending.store(false, ordering: .sequentiallyConsistent)
                r.jumpCache?.flushAll()
            }
        }
        // Interrupts (InterruptService.swift): taken between blocks, at the PC of the next instruction.
        if cpu.interruptCheckRequested && cpu.serviceInterrupts() { r.lastExit = 0; return true }
        if cpu.waiting != nil || cpu.powerState != .on { r.lastExit = 0; return true }
        // Debugger: stop before this instruction? Then one-instruction blocks (DebugControl.swift).
        var oneInstruction = false
        if let debug, debug.wantsControl {
            if threaded {
                // The debugger sees every CPU stopped (all-stop).
                var go = true
                withAllCPUsStopped(from: cpu) { go = debug.beforeInstruction(cpu: cpu) }
                guard go else { return false }
            } else {
                guard debug.beforeInstruction(cpu: cpu) else { return false }
            }
            // Asked for while the debugger ran (a reset, a stop): look again.
            if cpu.exitRequest != 0 { return true }
            oneInstruction = debug.oneInstructionBlocks
        }
        let pc = cpu.pc
        // PSTATE.IL after an illegal exception return: the next instruction
        // takes an Illegal Execution state exception (Arm ARM D1.4.4).
        if cpu.pstateMisc & (1 << 20) != 0 {
            cpu.raiseIllegalState(at: pc)
            r.lastExit = 0
            return true
        }
        if pc & 3 != 0 {
            cpu.raisePCAlignment(pc: pc)
            r.lastExit = 0
            return true
        }
        guard let (pa, host) = cpu.translateCode(va: pc) else { r.lastExit = 0; return true }
        var context = LiftContext(el: cpu.el, spSel: Int(cpu.spSel))
        context.pan = cpu.panActive
        context.features = cpu.config.isa
        context.el2Host = context.el != 1 && cpu.el2Host
        context.fpTrapped = cpu.fpAccessTrap != nil
        if oneInstruction { context.maxInstructions = 1 }
        let key = BlockKey(pa: pa, va: pc, context: context, codeView: cpu.codeView(host: host))
        if threaded { translationLock.lock() }
        let cached = cache.lookup(key)
        let block = cached ?? translate(key: key, pc: pc, host: host, mmuIndex: cpu.mmuIndex)
        options.onExecute?(cpu, pc)
        r.blocks &+= 1
        if let jit, block.interpretedRuns > 0 {
            block.interpretedRuns -= 1
            if block.interpretedRuns == 0 {
                let start = HostClock.nanoseconds()
                compile(block, jit: jit, mmuIndex: cpu.mmuIndex)
                statistics.translationNanoseconds &+= HostClock.nanoseconds() &- start
            }
        }
        if let jit, let banks = r.jumpCache, block.hostCode != nil {
            // TLB maintenance drops what it changed from every context's
            // bank (a TLBI by VA, that page's slots); a new context selects
            // its own bank (JumpCacheBanks.swift).
            if r.jumpTLB != cpu.tlbFlushCount {
                banks.drop(cpu.translationChanges)
                r.jumpTLB = cpu.tlbFlushCount
                cpu.translationChanges.removeAll()
            }
            let mmuIndex = cpu.mmuIndex
            if r.jumpContext != context || r.jumpMMUIndex != mmuIndex {
                banks.select(.init(context: context, mmuIndex: mmuIndex))
                r.jumpContext = context
                r.jumpMMUIndex = mmuIndex
            }
            let jumpCache = banks.currentBank
            if !oneInstruction {
                if r.lastExit != 0 && options.chaining { jit.chain(exit: r.lastExit, to: block) }
                jumpCache.insert(va: pc, host: UInt64(UInt(bitPattern: block.hostCode!)))
            }
            if threaded {
                translationLock.unlock()
                let id = jit.enter(block, state: cpu.state)
                if id > 0 {
                    translationLock.lock()
                    jit.storeExitPC(id, state: cpu.state)
                    translationLock.unlock()
                }
                r.lastExit = id
            } else {
                r.lastExit = jit.run(block, state: cpu.state)
            }
            if oneInstruction { r.lastExit = 0 }
        } else {
            if threaded { translationLock.unlock() }
            if let code = block.threaded {
                // Chains only with one CPU on the thread, every block through
                // the dispatcher otherwise (-d nochain, -d exec, the debugger).
                let chain = options.chaining && !threaded && runners.count == 1 && options.onExecute == nil
                    && !oneInstruction && debug?.wantsControl != true
                if chain, let chainFrom, cached != nil { r.threadedInterpreter.chain(chainFrom, to: block) }
                cpu.instructionCount &+= UInt64(r.threadedInterpreter.execute(code, cpu: cpu, chain: chain))
            } else {
                cpu.instructionCount &+= UInt64(r.interpreter.execute(block, cpu: cpu))
            }
            r.lastExit = 0
        }
        return true
    }

    private func translate(key: BlockKey, pc: UInt64, host: UnsafeRawPointer, mmuIndex: Int) -> TranslatedBlock {
        let start = HostClock.nanoseconds()
        defer { statistics.translationNanoseconds &+= HostClock.nanoseconds() &- start }
        let pageOffset = pc & TLB.pageOffsetMask
        let pageHost = host - Int(pageOffset)
        var ir = Lifter.lift(pc: pc, context: key.context) { va in
            pageHost.load(fromByteOffset: Int(va & TLB.pageOffsetMask), as: UInt32.self)
        }
        // The lifted IR is kept for `onTranslate` only (a copy costs the optimizer an allocation).
        let raw = options.onTranslate != nil ? ir : nil
        if options.optimize { Optimizer.run(&ir, scratch: &optimizerScratch) }
        if let raw { options.onTranslate?(pc, raw, ir) }
        let block = TranslatedBlock(key: key, ir: ir)
        if jit == nil && !options.referenceInterpreter { block.threaded = ThreadedTranslator.translate(ir, scratch: &translatorScratch) }
        statistics.guestInstructionsTranslated += ir.guestInstructionCount
        // The first time a page holds code, every CPU's TLB write entries for
        // it get the code flag (stores to it must take the slow path).
        if system.memory.markCode(pa: key.pa, length: block.byteLength) {
            for c in system.cpus { c.protectCodePage(key.pa, threadedCaller: threaded) }
        }
        if cache.count >= options.maxTranslatedBlocks && threaded {
            // Other CPUs may be running the code: emptied at the next block
            // boundary, while they wait (ThreadedRun.swift).
            flushWanted.store(true, ordering: .relaxed)
        } else if cache.count >= options.maxTranslatedBlocks {
            // Full: start again. The JIT's code goes too: code chained to a block
            // the cache no longer holds could not be unchained when its page is
            // written.
            jit?.flushAll()
            removeAllBlocks()
            statistics.blockCacheFlushes += 1
        }
        cache.insert(block)
        if let jit {
            if system.memory.codeRewrites(pa: key.pa) >= options.rewrittenPageThreshold {
                block.interpretedRuns = max(options.rewrittenPageInterpretedRuns, 1)
                statistics.jitDeferredBlocks += 1
            } else {
                compile(block, jit: jit, mmuIndex: mmuIndex)
            }
        }
        return block
    }

    /// A block leaves the cache: no chain enters its pre-decoded code again.
    /// It and the blocks it was chained to stay alive until the next block
    /// boundary (the running code may be one of them).
    func retire(_ block: TranslatedBlock) {
        guard let code = block.threaded else { return }
        retired.append(block)
        retired += code.retire()
    }

    /// Empties the block cache (its blocks retired).
    func removeAllBlocks() {
        if !threaded { cache.forEach { retire($0) } }
        cache.removeAll()
    }

    private func compile(_ block: TranslatedBlock, jit: JITEngine, mmuIndex: Int) {
        // CPUs on threads: a full code cache is emptied when no CPU runs its
        // code; until then blocks that do not fit run in the interpreter.
        let compiled = threaded ? jit.compile(block, mmuIndex: mmuIndex, onFlush: nil)
            : jit.compile(block, mmuIndex: mmuIndex) { self.cache.removeAll(); self.cache.insert(block) }
        if threaded && !compiled && jit.full { flushWanted.store(true, ordering: .relaxed) }
        if compiled, let onCompile = options.onCompile, let host = block.hostCode {
            let c = jit.lastCode
            onCompile(HostCodeInfo(guestPC: block.ir.guestPC, code: c.bytes, hostAddress: UInt64(UInt(bitPattern: host)),
                                   instructionStarts: c.instructionStarts.map { .init(hostOffset: $0.hostOffset, guestPC: $0.guestPC) },
                                   bodySize: c.bodySize))
        }
    }
}

/// What the dispatcher keeps per CPU between its blocks.
final class CPURunner {
    let cpu: CPU
    /// The CPU's JIT jump caches, a bank per context (nil with the interpreter).
    let jumpCache: JumpCacheBanks?
    /// The exit the CPU's last JIT block left by (0: none to chain).
    var lastExit = 0
    /// The context of the current jump cache bank, and the TLB generation
    /// the banks have seen.
    var jumpContext: LiftContext? = nil
    var jumpMMUIndex = -1
    var jumpTLB: UInt64 = 0
    var blocks: UInt64 = 0
    /// The scheduler's turn count when the CPU's last slice ended (several CPUs on one thread).
    var waitTurn: UInt64 = 0
    /// Slices this CPU ran (several CPUs on one thread).
    var ownTurns: UInt64 = 0
    /// The other CPUs' slices when a WFE of this CPU last looked again
    /// instead of the run ending as a hang (`endWaitsForEventOnce`).
    var lookedAtOthersTurns: UInt64 = .max
    /// The interpreter's value arrays (one per CPU: CPUs may have threads).
    let interpreter = IRInterpreter()
    let threadedInterpreter = ThreadedInterpreter()
    /// CPUs on threads: another thread dropped blocks; the jump cache is
    /// emptied before the next block (its owner's thread only writes it).
    let jumpFlushPending = Atomic<Bool>(false)
    /// CPUs on threads: the host thread running this CPU (`pthread_self`), 0 before it starts.
    let thread = Atomic<UInt>(0)
    /// CPUs on threads: the CPU's thread sleeps and only another CPU could
    /// wake it (a `Park` raw value: off, or WFI/WFE with no timer armed and
    /// no wake source); cleared when it runs again (ThreadedRun.swift).
    let parked = Atomic<UInt8>(0)
    /// The PC `parked` was set at (.max: off).
    let parkedPC = Atomic<UInt64>(0)
    /// Times this CPU parked `hard`: written by its thread under the wake
    /// lock, read under it by a CPU in WFE (ThreadedRun.swift).
    let hardParks = Atomic<UInt64>(0)
    /// The other CPUs' `hardParks` sum when this CPU's WFE last found them
    /// all parked hard and looked again instead of parking (its thread only).
    var lookedAtHardParks: UInt64 = .max
    init(cpu: CPU, jumpCache: JumpCacheBanks?) {
        self.cpu = cpu
        self.jumpCache = jumpCache
    }
}
