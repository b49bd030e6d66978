/// Constant folding and a few algebraic identities. Folding evaluates through
/// `IRSemantics`, the same code the interpreter runs.
public enum ConstantFolding {
    public static func run(_ block: inout IRBlock) {
        var replace: [UInt32: Value] = [:]
        for i in block.insts.indices {
            let inst = block.rewriteOperands(at: i, replace)
            func constant(_ v: Value) -> UInt64? { block.constant(v) }
            // 128-bit values are folded nowhere (a constant holds 64 bits).
            let vector = inst.type == .v128 || inst.operands.contains { block.insts[Int($0.index)].type == .v128 }
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
            let ops = inst.operands
            let values = ops.map(constant)
            if values.allSatisfy({ $0 != nil }) {
                let v = values.map { $0! } + [0, 0, 0]
                if let r = IRSemantics.evaluate(inst, types: { block.insts[Int($0.index)].type }, v[0], v[1], v[2]) {
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
                    replace[UInt32(i)] = source
                    block.insts[i] = Inst(.nop)
                } else if inner.op == .zext && sourceType.bits < inst.type.bits {
                    block.insts[i] = Inst(.zext, inst.type, a: source)
                } else if inner.op == .trunc || sourceType.bits > inst.type.bits {
                    block.insts[i] = Inst(.trunc, inst.type, a: source)
                }
            case .add, .sub, .or, .xor, .shl, .lshr, .ashr, .ror:
                if b == 0 { replace[UInt32(i)] = inst.a; block.insts[i] = Inst(.nop) }
                else if inst.op == .add || inst.op == .or || inst.op == .xor, constant(inst.a) == 0 {
                    replace[UInt32(i)] = inst.b; block.insts[i] = Inst(.nop)
                }
            case .and:
                if b == 0 || constant(inst.a) == 0 { block.insts[i] = Inst(.const_, inst.type, imm: 0) }
                else if b == inst.type.mask { replace[UInt32(i)] = inst.a; block.insts[i] = Inst(.nop) }
            case .mul:
                if b == 0 || constant(inst.a) == 0 { block.insts[i] = Inst(.const_, inst.type, imm: 0) }
            case .select:
                if let c = constant(inst.a) {
                    replace[UInt32(i)] = c & 1 == 1 ? inst.b : inst.c
                    block.insts[i] = Inst(.nop)
                }
            default: break
            }
        }
    }
}
