/// Removes pure instructions whose values nobody uses (walking backwards, so
/// chains of dead values go in one pass), then compacts the block.
public enum DeadCodeElimination {
    public static func run(_ block: inout IRBlock) {
        var used = [Bool](repeating: false, count: block.insts.count)
        for i in block.insts.indices.reversed() {
            let inst = block.insts[i]
            if inst.op == .nop { continue }
            if inst.isPure && !used[i] {
                block.insts[i] = Inst(.nop)
                continue
            }
            inst.forEachOperand { used[Int($0.index)] = true }
        }
        compact(&block)
    }

    /// Drops `nop`s and renumbers values.
    public static func compact(_ block: inout IRBlock) {
        var newIndex = [UInt32](repeating: UInt32.max, count: block.insts.count)
        var out: [Inst] = []
        out.reserveCapacity(block.insts.count)
        for (i, var inst) in block.insts.enumerated() where inst.op != .nop {
            if !inst.a.isNone { inst.a = Value(Int(newIndex[Int(inst.a.index)])) }
            if !inst.b.isNone { inst.b = Value(Int(newIndex[Int(inst.b.index)])) }
            if !inst.c.isNone { inst.c = Value(Int(newIndex[Int(inst.c.index)])) }
            newIndex[i] = UInt32(out.count)
            out.append(inst)
        }
        block.insts = out
    }
}
