/// Constant folding and a few algebraic identities. Folding evaluates through
/// `IRSemantics`, the same code the interpreter runs.
public enum ConstantFolding {
    public static func run(_ block: inout IRBlock) {
        var scratch = OptimizerScratch()
        run(&block, scratch: &scratch)
    }

    public static func run(_ block: inout IRBlock, scratch: inout OptimizerScratch) {
        // Value index -> the value replacing it (UInt32.max: none).
        OptimizerScratch.fill(&scratch.replace, UInt32.max, count: block.insts.count)
        for i in block.insts.indices {
            let inst = block.rewriteOperands(at: i, scratch.replace)
            func constant(_ v: Value) -> UInt64? { block.constant(v) }
            func isVector(_ v: Value) -> Bool { !v.isNone && block.insts[Int(v.index)].type == .v128 }
            // 128-bit values are folded nowhere (a constant holds 64 bits).
            let vector = inst.type == .v128 || isVector(inst.a) || isVector(inst.b) || isVector(inst.c)
            guard inst.isPure, !vector, inst.op != .const_, inst.op != .getReg, inst.op != .getFlags,
                  inst.op != .call, inst.op != .getVec else {
                if inst.op == .exitIf, let c = constant(inst.a) {
                    // A condition known at translation time: always or never leave here.
                    block.insts[i] = c & 1 == 1 ? Inst(.exitJump, imm: inst.imm) : Inst(.nop)
                    if c & 1 == 1 {
                        for j in (i + 1)..<block.insts.count { block.insts[j] = Inst(.nop) }
                        return
                    }
                }
                continue
            }
            // The operands' constants in order (absent operands skipped), if all are.
            var v: (UInt64, UInt64, UInt64) = (0, 0, 0)
            var count = 0, allConstant = true
            inst.forEachOperand { o in
                guard allConstant, let c = constant(o) else { allConstant = false; return }
                switch count {
                case 0: v.0 = c
                case 1: v.1 = c
                default: v.2 = c
                }
                count += 1
            }
            if allConstant {
                if let r = IRSemantics.evaluate(inst, types: { block.insts[Int($0.index)].type }, v.0, v.1, v.2) {
                    block.insts[i] = Inst(.const_, inst.type, imm: r & inst.type.mask)
                }
                continue
            }
            // Identities: x+0, x-0, x|0, x^0, x<<0, x>>0 → x; x&0, x*0 → 0; select on a constant;
            // trunc/zext of a zext or trunc collapse to one conversion (or none).
            let b = constant(inst.b)
            switch inst.op {
            case .trunc, .zext:
                let inner = block.insts[Int(inst.a.index)]
                guard inner.op == .zext || (inner.op == .trunc && inst.op == .trunc) else { break }
                let source = inner.a
                let sourceType = block.insts[Int(source.index)].type
                if sourceType == inst.type {
                    scratch.replace[i] = source.index
                    block.insts[i] = Inst(.nop)
                } else if inner.op == .zext && sourceType.bits < inst.type.bits {
                    block.insts[i] = Inst(.zext, inst.type, a: source)
                } else if inner.op == .trunc || sourceType.bits > inst.type.bits {
                    block.insts[i] = Inst(.trunc, inst.type, a: source)
                }
            case .add, .sub, .or, .xor, .shl, .lshr, .ashr, .ror:
                if b == 0 { scratch.replace[i] = inst.a.index; block.insts[i] = Inst(.nop) }
                else if inst.op == .add || inst.op == .or || inst.op == .xor, constant(inst.a) == 0 {
                    scratch.replace[i] = inst.b.index; block.insts[i] = Inst(.nop)
                }
            case .and:
                if b == 0 || constant(inst.a) == 0 { block.insts[i] = Inst(.const_, inst.type, imm: 0) }
                else if b == inst.type.mask { scratch.replace[i] = inst.a.index; block.insts[i] = Inst(.nop) }
            case .mul:
                if b == 0 || constant(inst.a) == 0 { block.insts[i] = Inst(.const_, inst.type, imm: 0) }
            case .select:
                if let c = constant(inst.a) {
                    scratch.replace[i] = (c & 1 == 1 ? inst.b : inst.c).index
                    block.insts[i] = Inst(.nop)
                }
            default: break
            }
        }
    }
}
