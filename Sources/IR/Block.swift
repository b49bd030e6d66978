/// A translated guest block: a flat array of instructions in SSA form (a value
/// is the index of the instruction defining it). The last instruction is a
/// terminator; `exitIf` may leave earlier.
public struct IRBlock: Sendable {
    public var insts: [Inst] = []
    /// Guest virtual address of the first instruction.
    public var guestPC: UInt64
    /// Number of guest instructions lifted into the block.
    public var guestInstructionCount: Int = 0

    public init(guestPC: UInt64) { self.guestPC = guestPC }

    public subscript(_ v: Value) -> Inst { insts[Int(v.index)] }

    /// Rewrites the operands of instruction i through `replace`, indexed by
    /// value (`UInt32.max`: kept), and returns the rewritten instruction.
    @discardableResult @inline(__always)
    public mutating func rewriteOperands(at i: Int, _ replace: [UInt32]) -> Inst {
        var inst = insts[i]
        if !inst.a.isNone, case let r = replace[Int(inst.a.index)], r != UInt32.max { inst.a.index = r }
        if !inst.b.isNone, case let r = replace[Int(inst.b.index)], r != UInt32.max { inst.b.index = r }
        if !inst.c.isNone, case let r = replace[Int(inst.c.index)], r != UInt32.max { inst.c.index = r }
        insts[i] = inst
        return inst
    }

    /// Rewrites the operands of instruction i through `replace` (values a pass
    /// has replaced by others) and returns the rewritten instruction.
    @discardableResult
    public mutating func rewriteOperands(at i: Int, _ replace: [UInt32: Value]) -> Inst {
        var inst = insts[i]
        inst.a = replace[inst.a.index] ?? inst.a
        inst.b = replace[inst.b.index] ?? inst.b
        inst.c = replace[inst.c.index] ?? inst.c
        insts[i] = inst
        return inst
    }

    /// The constant a value holds, if it is defined by `const`.
    public func constant(_ v: Value) -> UInt64? {
        guard !v.isNone, insts[Int(v.index)].op == .const_ else { return nil }
        return insts[Int(v.index)].imm
    }
}

/// Appends instructions to a block. The lifter's only way to make IR.
public struct IRBuilder {
    public var block: IRBlock

    public init(guestPC: UInt64) {
        block = IRBlock(guestPC: guestPC)
        block.insts.reserveCapacity(64)   // a typical block's IR without growing it step by step
    }

    @discardableResult
    public mutating func emit(_ i: Inst) -> Value {
        block.insts.append(i)
        return Value(block.insts.count - 1)
    }

    public func type(of v: Value) -> IRType { block.insts[Int(v.index)].type }

    // MARK: Conveniences

    public mutating func insnStart(pc: UInt64) {
        emit(Inst(.insnStart, imm: pc))
        block.guestInstructionCount += 1
    }
    public mutating func const_(_ v: UInt64, _ t: IRType = .i64) -> Value { emit(Inst(.const_, t, imm: v & t.mask)) }
    public mutating func getReg(_ id: Int) -> Value { emit(Inst(.getReg, .i64, imm: UInt64(id))) }
    public mutating func setReg(_ id: Int, _ v: Value) { emit(Inst(.setReg, a: v, imm: UInt64(id))) }
    public mutating func getFlags() -> Value { emit(Inst(.getFlags, .i64)) }
    public mutating func setFlags(_ v: Value) { emit(Inst(.setFlags, a: v)) }

    public mutating func binary(_ op: Opcode, _ a: Value, _ b: Value) -> Value {
        emit(Inst(op, type(of: a), a: a, b: b))
    }
    public mutating func unary(_ op: Opcode, _ a: Value) -> Value { emit(Inst(op, type(of: a), a: a)) }
    public mutating func add(_ a: Value, _ b: Value) -> Value { binary(.add, a, b) }
    public mutating func sub(_ a: Value, _ b: Value) -> Value { binary(.sub, a, b) }
    public mutating func and(_ a: Value, _ b: Value) -> Value { binary(.and, a, b) }
    public mutating func or(_ a: Value, _ b: Value) -> Value { binary(.or, a, b) }
    public mutating func xor(_ a: Value, _ b: Value) -> Value { binary(.xor, a, b) }
    public mutating func shl(_ a: Value, _ b: Value) -> Value { binary(.shl, a, b) }
    public mutating func lshr(_ a: Value, _ b: Value) -> Value { binary(.lshr, a, b) }
    public mutating func ashr(_ a: Value, _ b: Value) -> Value { binary(.ashr, a, b) }
    public mutating func ror(_ a: Value, _ b: Value) -> Value { binary(.ror, a, b) }
    public mutating func not(_ a: Value) -> Value { unary(.not, a) }
    public mutating func zext(_ a: Value, to t: IRType) -> Value {
        type(of: a) == t ? a : emit(Inst(.zext, t, a: a))
    }
    public mutating func sext(_ a: Value, to t: IRType) -> Value {
        type(of: a) == t ? a : emit(Inst(.sext, t, a: a))
    }
    public mutating func trunc(_ a: Value, to t: IRType) -> Value {
        type(of: a) == t ? a : emit(Inst(.trunc, t, a: a))
    }
    public mutating func cmp(_ p: Predicate, _ a: Value, _ b: Value) -> Value {
        emit(Inst(.cmp, .i1, a: a, b: b, imm: p.rawValue))
    }
    public mutating func select(_ c: Value, _ a: Value, _ b: Value) -> Value {
        emit(Inst(.select, type(of: a), a: c, b: a, c: b))
    }
    public mutating func load(_ t: IRType, _ addr: Value, flags: UInt64 = 0) -> Value {
        emit(Inst(.load, t, a: addr, imm: flags))
    }
    public mutating func store(_ addr: Value, _ v: Value, flags: UInt64 = 0) {
        emit(Inst(.store, a: addr, b: v, imm: flags))
    }
    @discardableResult
    public mutating func call(_ h: HelperID, _ args: [Value] = []) -> Value {
        precondition(args.count == h.info.argCount, "helper \(h.info.name) takes \(h.info.argCount) arguments")
        return emit(Inst(.call, h.info.returnsValue ? .i64 : .void,
                         a: args.count > 0 ? args[0] : .none,
                         b: args.count > 1 ? args[1] : .none,
                         c: args.count > 2 ? args[2] : .none,
                         imm: UInt64(h.rawValue)))
    }
    // MARK: FP/SIMD

    public mutating func getVec(_ n: Int, _ t: IRType) -> Value { emit(Inst(.getVec, t, imm: UInt64(n))) }
    public mutating func setVec(_ n: Int, _ v: Value) { emit(Inst(.setVec, a: v, imm: UInt64(n))) }
    public mutating func bitcast(_ a: Value, to t: IRType) -> Value {
        type(of: a) == t ? a : emit(Inst(.bitcast, t, a: a))
    }
    public mutating func vpack(_ lo: Value, _ hi: Value) -> Value { emit(Inst(.vpack, .v128, a: lo, b: hi)) }
    public mutating func vextract(_ v: Value, bitOffset: Int, _ t: IRType) -> Value {
        emit(Inst(.vextract, t, a: v, imm: UInt64(bitOffset)))
    }
    public mutating func vinsert(_ v: Value, bitOffset: Int, _ lane: Value) -> Value {
        emit(Inst(.vinsert, .v128, a: v, b: lane, imm: UInt64(bitOffset)))
    }
    public mutating func vdup(_ lane: Value) -> Value { emit(Inst(.vdup, .v128, a: lane)) }
    /// A lane-wise op of the `lanes` group.
    public mutating func vop(_ op: VectorOp, laneBits: Int, _ a: Value, _ b: Value = .none) -> Value {
        vop(VectorOpcode(group: .lanes, op: op.rawValue, laneBits: laneBits), a, b)
    }
    /// Any vector op (`VectorOpcode`); b and c optional.
    public mutating func vop(_ code: VectorOpcode, _ a: Value, _ b: Value = .none, _ c: Value = .none) -> Value {
        emit(Inst(.vop, .v128, a: a, b: b, c: c, imm: code.imm))
    }
    /// An FP op (`FPOpcode`) with result type `t`.
    public mutating func fp(_ op: FPOpcode, _ t: IRType, _ a: Value, _ b: Value = .none, _ c: Value = .none) -> Value {
        emit(Inst(.fp, t, a: a, b: b, c: c, imm: op.imm))
    }

    public mutating func exitJump(_ pc: UInt64) { emit(Inst(.exitJump, imm: pc)) }
    public mutating func exitIndirect(_ v: Value) { emit(Inst(.exitIndirect, a: v)) }
    public mutating func exitIf(_ c: Value, _ pc: UInt64) { emit(Inst(.exitIf, a: c, imm: pc)) }
    public mutating func exitState() { emit(Inst(.exitState)) }

    public var isTerminated: Bool { block.insts.last?.isTerminator ?? false }
}
