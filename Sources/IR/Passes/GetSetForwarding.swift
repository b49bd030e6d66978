/// Guest register get/set forwarding, per register (X, SP and V) and for NZCV:
/// - a `get` of a register whose value is known in the block (an earlier get or
///   set, with no helper call in between that may change it) becomes that value;
/// - a `set` overwritten by a later `set` of the same register, with nothing in
///   between that can observe the state (a memory access that may fault, a
///   non-pure helper, an exit, or the boundary after an instruction that wrote
///   memory: a store into translated code ends the block there, with the
///   registers as that instruction left them), is dropped.
public enum GetSetForwarding {
    /// Keys: NZCV 0, X registers and SPs 1 + id (ids 0...34, room to 62), V registers 64 + n.
    static let flagsKey = 0
    static let vecKey = 64
    static let keyCount = 96

    @inline(__always) static func registerKey(_ imm: UInt64) -> Int {
        precondition(imm < UInt64(vecKey - 1), "register id \(imm) out of range")
        return 1 + Int(imm)
    }

    public static func run(_ block: inout IRBlock) {
        var scratch = OptimizerScratch()
        run(&block, scratch: &scratch)
    }

    public static func run(_ block: inout IRBlock, scratch s: inout OptimizerScratch) {
        let none = UInt32.max
        // Per key: the value the register holds now, and the index of a set not
        // yet observed (none: absent). Arrays of fixed size, no hashing, kept
        // in the scratch from block to block.
        OptimizerScratch.fill(&s.known, none, count: keyCount)
        OptimizerScratch.fill(&s.pendingSet, none, count: keyCount)
        s.pendingKeys.removeAll(keepingCapacity: true)   // keys with a pending set, to clear them quickly
        OptimizerScratch.fill(&s.replace, none, count: block.insts.count)
        func setPending(_ key: Int, _ i: Int) {
            if s.pendingSet[key] == none { s.pendingKeys.append(key) }
            s.pendingSet[key] = UInt32(i)
        }
        var wroteMemory = false             // since the last instruction boundary
        for i in block.insts.indices {
            let inst = block.rewriteOperands(at: i, s.replace)
            switch inst.op {
            case .insnStart:
                if wroteMemory {
                    for k in s.pendingKeys { s.pendingSet[k] = none }
                    s.pendingKeys.removeAll(keepingCapacity: true)
                    wroteMemory = false
                }
            case .getReg, .getFlags:
                let key = inst.op == .getFlags ? flagsKey : registerKey(inst.imm)
                if s.known[key] != none {
                    s.replace[i] = s.known[key]
                    block.insts[i] = Inst(.nop)
                } else {
                    s.known[key] = UInt32(i)
                }
            case .setReg, .setFlags:
                let key = inst.op == .setFlags ? flagsKey : registerKey(inst.imm)
                if s.pendingSet[key] != none { block.insts[Int(s.pendingSet[key])] = Inst(.nop) }
                setPending(key, i)
                s.known[key] = inst.a.index
            case .getVec:
                // Forwarded when the known value has the type read (a set of
                // another width, or a get of another type, is read from the state).
                let key = vecKey + Int(inst.imm)
                if s.known[key] != none, block.insts[Int(s.known[key])].type == inst.type {
                    s.replace[i] = s.known[key]
                    block.insts[i] = Inst(.nop)
                } else {
                    // This get reads the state: an earlier set must stay (its key
                    // may stay in pendingKeys: clearing it again is harmless).
                    s.pendingSet[key] = none
                    if s.known[key] == none { s.known[key] = UInt32(i) }
                }
            case .setVec:
                // Every write of Vn replaces all 128 bits.
                let key = vecKey + Int(inst.imm)
                if s.pendingSet[key] != none { block.insts[Int(s.pendingSet[key])] = Inst(.nop) }
                setPending(key, i)
                s.known[key] = inst.a.index
            default:
                if inst.op == .store || (inst.op == .call && !inst.isPure) { wroteMemory = true }
                if inst.observesGuestState {
                    for k in s.pendingKeys { s.pendingSet[k] = none }
                    s.pendingKeys.removeAll(keepingCapacity: true)
                }
                if inst.op == .call && !inst.isPure {
                    for k in 0..<keyCount { s.known[k] = none }
                }
            }
        }
    }
}
