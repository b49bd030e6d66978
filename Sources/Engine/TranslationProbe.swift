import IR
import Lift
import Machine

/// The translator's stages on guest code in memory, without a CPU or a
/// dispatcher, as `Dispatcher.translate` runs them: lift, optimize, then the
/// threaded interpreter's pre-decoding or the JIT's compilation. For the
/// translation benchmark (Benchmarks/TranslateBench), which times them per
/// block and counts heap allocations.
public final class TranslationProbe {
    /// Nanoseconds spent in each stage, summed over `translate` calls.
    public struct Times: Sendable {
        public var lift: UInt64 = 0
        public var optimize: UInt64 = 0
        public var backEnd: UInt64 = 0
        public init() {}
    }

    /// A counter of heap allocations to read between the stages (the
    /// benchmark's preloaded malloc-count.so), nil: none.
    public var allocationCounter: UnsafeMutablePointer<UInt64>?
    /// Allocations per stage, summed (with `allocationCounter`).
    public private(set) var allocations = Times()

    private let jit: JITEngine?
    private var scratch = ThreadedTranslator.Scratch()
    private var optimizerScratch = OptimizerScratch()
    public private(set) var times = Times()
    /// Host code bytes the JIT emitted (0 with the interpreter).
    public private(set) var hostBytes = 0

    /// `jit`: compile with the JIT; otherwise pre-decode for the threaded interpreter.
    public init(jit: Bool) throws {
        self.jit = jit ? try JITEngine(chaining: true) : nil
    }

    /// Translates the block at `pc`; returns its guest instruction count.
    /// `fetch` gives the instruction word at a VA in the block's page.
    public func translate(pc: UInt64, context: LiftContext, fetch: (UInt64) -> UInt32) -> Int {
        let m0 = allocationCounter?.pointee ?? 0
        let t0 = HostClock.nanoseconds()
        var ir = Lifter.lift(pc: pc, context: context, fetch: fetch)
        let t1 = HostClock.nanoseconds()
        let m1 = allocationCounter?.pointee ?? 0
        Optimizer.run(&ir, scratch: &optimizerScratch)
        let t2 = HostClock.nanoseconds()
        let m2 = allocationCounter?.pointee ?? 0
        let block = TranslatedBlock(key: BlockKey(pa: pc, va: pc, context: context), ir: ir)
        if let jit {
            if jit.compile(block, mmuIndex: 1, onFlush: {}) { hostBytes += jit.lastCode.bytes.count }
        } else {
            block.threaded = ThreadedTranslator.translate(ir, scratch: &scratch)
        }
        let t3 = HostClock.nanoseconds()
        let m3 = allocationCounter?.pointee ?? 0
        allocations.lift &+= m1 &- m0
        allocations.optimize &+= m2 &- m1
        allocations.backEnd &+= m3 &- m2
        times.lift &+= t1 &- t0
        times.optimize &+= t2 &- t1
        times.backEnd &+= t3 &- t2
        return ir.guestInstructionCount
    }
}
