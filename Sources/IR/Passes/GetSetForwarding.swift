/// Guest register get/set forwarding, per register (X, SP and V) and for NZCV:
/// - a `get` of a register whose value is known in the block (an earlier get or
///   set, with no helper call in between that may change it) becomes that value;
/// - a `set` overwritten by a later `set` of the same register, with nothing in
///   between that can observe the state (a memory access that may fault, a
///   non-pure helper, an exit), is dropped.
public enum GetSetForwarding {
    static let flagsKey = -1
    /// V registers: keys 1000...1031 (X registers and SPs are 0...34).
    static let vecKey = 1000

    public static func run(_ block: inout IRBlock) {
        var known: [Int: Value] = [:]          // register -> current value
        var pendingSet: [Int: Int] = [:]       // register -> index of a set not yet observed
        var replace: [UInt32: Value] = [:]
        for i in block.insts.indices {
            let inst = block.rewriteOperands(at: i, replace)
            switch inst.op {
            case .getReg, .getFlags:
                let key = inst.op == .getFlags ? flagsKey : Int(inst.imm)
                if let v = known[key] {
                    replace[UInt32(i)] = v
                    block.insts[i] = Inst(.nop)
                } else {
                    known[key] = Value(i)
                }
            case .setReg, .setFlags:
                let key = inst.op == .setFlags ? flagsKey : Int(inst.imm)
                if let earlier = pendingSet[key] { block.insts[earlier] = Inst(.nop) }
                pendingSet[key] = i
                known[key] = inst.a
            case .getVec:
                // Forwarded when the known value has the type read (a set of
                // another width, or a get of another type, is read from the state).
                let key = vecKey + Int(inst.imm)
                if let v = known[key], block.insts[Int(v.index)].type == inst.type {
                    replace[UInt32(i)] = v
                    block.insts[i] = Inst(.nop)
                } else {
                    // This get reads the state: an earlier set must stay.
                    pendingSet[key] = nil
                    if known[key] == nil { known[key] = Value(i) }
                }
            case .setVec:
                // Every write of Vn replaces all 128 bits.
                let key = vecKey + Int(inst.imm)
                if let earlier = pendingSet[key] { block.insts[earlier] = Inst(.nop) }
                pendingSet[key] = i
                known[key] = inst.a
            default:
                if inst.observesGuestState { pendingSet.removeAll(keepingCapacity: true) }
                if inst.op == .call && !inst.isPure { known.removeAll(keepingCapacity: true) }
            }
        }
    }
}
