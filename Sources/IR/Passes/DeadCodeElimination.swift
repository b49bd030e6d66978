/// Removes pure instructions whose values nobody uses (walking backwards, so
/// chains of dead values go in one pass), then compacts the block.
public enum DeadCodeElimination {
    public static func run(_ block: inout IRBlock) {
        var scratch = OptimizerScratch()
        run(&block, scratch: &scratch)
    }

    public static func run(_ block: inout IRBlock, scratch: inout OptimizerScratch) {
        OptimizerScratch.fill(&scratch.used, false, count: block.insts.count)
        for i in block.insts.indices.reversed() {
            let inst = block.insts[i]
            if inst.op == .nop { continue }
            if inst.isPure && !scratch.used[i] {
                block.insts[i] = Inst(.nop)
                continue
            }
            if !inst.a.isNone { scratch.used[Int(inst.a.index)] = true }
            if !inst.b.isNone { scratch.used[Int(inst.b.index)] = true }
            if !inst.c.isNone { scratch.used[Int(inst.c.index)] = true }
        }
        compact(&block, scratch: &scratch)
    }

    /// Drops `nop`s and renumbers values.
    public static func compact(_ block: inout IRBlock) {
        var scratch = OptimizerScratch()
        compact(&block, scratch: &scratch)
    }

    /// Drops `nop`s and renumbers values, in place (a value's new index is
    /// never above its old one, so each instruction moves down or stays).
    public static func compact(_ block: inout IRBlock, scratch: inout OptimizerScratch) {
        let count = block.insts.count
        OptimizerScratch.fill(&scratch.newIndex, UInt32.max, count: count)
        var out = 0
        for i in 0..<count {
            var inst = block.insts[i]
            if inst.op == .nop { continue }
            if !inst.a.isNone { inst.a.index = scratch.newIndex[Int(inst.a.index)] }
            if !inst.b.isNone { inst.b.index = scratch.newIndex[Int(inst.b.index)] }
            if !inst.c.isNone { inst.c.index = scratch.newIndex[Int(inst.c.index)] }
            scratch.newIndex[i] = UInt32(out)
            block.insts[out] = inst
            out += 1
        }
        block.insts.removeLast(count - out)
    }
}
