/// Checks the invariants every pass relies on: operands defined before use and
/// of a value-producing op, integer types agreeing where the op requires it, one
/// terminator at the end and none before.
public enum IRVerifier {
    public struct Failure: Error, CustomStringConvertible {
        public let index: Int
        public let message: String
        public var description: String { "v\(index): \(message)" }
    }

    public static func verify(_ block: IRBlock) -> [Failure] {
        var failures: [Failure] = []
        let insts = block.insts
        func fail(_ i: Int, _ m: String) { failures.append(Failure(index: i, message: m)) }
        for (i, inst) in insts.enumerated() {
            for v in inst.operands {
                if Int(v.index) >= i { fail(i, "uses \(v) before it is defined"); continue }
                if insts[Int(v.index)].type == .void { fail(i, "uses \(v), which has no value") }
            }
            switch inst.op {
            case .add, .sub, .mul, .and, .or, .xor, .umulh, .smulh, .udiv, .sdiv, .addCarry:
                if insts[Int(inst.a.index)].type != inst.type || insts[Int(inst.b.index)].type != inst.type {
                    fail(i, "operand types differ from \(inst.type)")
                }
            case .shl, .lshr, .ashr, .ror:
                if insts[Int(inst.a.index)].type != inst.type { fail(i, "shifted operand is not \(inst.type)") }
            case .cmp:
                if insts[Int(inst.a.index)].type != insts[Int(inst.b.index)].type { fail(i, "compares different types") }
            case .select:
                if insts[Int(inst.a.index)].type != .i1 { fail(i, "select condition is not i1") }
            case .exitIf:
                if insts[Int(inst.a.index)].type != .i1 { fail(i, "exit.if condition is not i1") }
            case .zext, .sext:
                if insts[Int(inst.a.index)].type.bits > inst.type.bits { fail(i, "extends to a narrower type") }
            case .trunc:
                if insts[Int(inst.a.index)].type.bits < inst.type.bits { fail(i, "truncates to a wider type") }
            case .bitcast:
                if insts[Int(inst.a.index)].type.bits != inst.type.bits { fail(i, "bitcast changes the width") }
            case .vpack:
                if insts[Int(inst.a.index)].type != .i64 || insts[Int(inst.b.index)].type != .i64 { fail(i, "vpack halves are not i64") }
            case .vextract, .vinsert:
                if insts[Int(inst.a.index)].type != .v128 { fail(i, "\(inst.op) operand is not v128") }
            case .vop:
                if inst.operands.contains(where: { insts[Int($0.index)].type != .v128 }) { fail(i, "vop operand is not v128") }
                if VectorGroup(rawValue: UInt8((inst.imm >> 16) & 0xFF)) == nil { fail(i, "vop of an unknown group") }
            default: break
            }
            if inst.isTerminator && i != insts.count - 1 { fail(i, "terminator before the end of the block") }
        }
        if !(insts.last?.isTerminator ?? false) { fail(max(0, insts.count - 1), "block does not end with a terminator") }
        return failures
    }
}
