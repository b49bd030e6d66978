/// The pass pipeline run on every block before it is interpreted or compiled.
public enum Optimizer {
    /// Runs the passes with working arrays of their own (tests, one-off use).
    public static func run(_ block: inout IRBlock) {
        var scratch = OptimizerScratch()
        run(&block, scratch: &scratch)
    }

    /// Runs the passes with the translator's working arrays: no heap
    /// allocation once they have grown to the largest block seen.
    public static func run(_ block: inout IRBlock, scratch: inout OptimizerScratch) {
        GetSetForwarding.run(&block, scratch: &scratch)
        ConstantFolding.run(&block, scratch: &scratch)
        DeadCodeElimination.run(&block, scratch: &scratch)
    }
}

/// The passes' working arrays, kept by a translator from one block to the
/// next (one per dispatcher; used by one thread at a time).
public struct OptimizerScratch {
    /// Value index -> the value replacing it (`UInt32.max`: none).
    var replace: [UInt32] = []
    /// GetSetForwarding: per register key, the value it holds and the pending set.
    var known: [UInt32] = []
    var pendingSet: [UInt32] = []
    var pendingKeys: [Int] = []
    /// DeadCodeElimination: values used, and the compacted numbering.
    var used: [Bool] = []
    var newIndex: [UInt32] = []

    public init() {}

    /// `array` as `count` copies of `value`, in its existing storage.
    @inline(__always) static func fill<T>(_ array: inout [T], _ value: T, count: Int) {
        array.removeAll(keepingCapacity: true)
        array.append(contentsOf: repeatElement(value, count: count))
    }
}
