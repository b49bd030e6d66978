/// softmmu counters for `-d stats`, counted on the slow paths only: the fast
/// path (the engines' inline tag compare) counts nothing, so TLB hits are not
/// known and logging stays free.
public struct TLBStatistics: Sendable, Equatable {
    /// Data accesses that took the slow path (loads and stores: a TLB miss, or
    /// a page the fast path never serves: MMIO, a code page written, an
    /// unaligned access, a watchpoint).
    public var dataMisses: UInt64 = 0
    /// Instruction fetches of the dispatcher that missed the code TLB.
    public var codeMisses: UInt64 = 0
    /// Stage 1 page-table walks (not the debugger's or the log's own lookups).
    public var walks: UInt64 = 0
    /// Stage 2 walks made (for a stage 1 descriptor or the output of an EL1&0
    /// translation), and those the stage 2 walk cache answered instead.
    public var stage2Walks: UInt64 = 0
    public var stage2CacheHits: UInt64 = 0
    public init() {}
}
