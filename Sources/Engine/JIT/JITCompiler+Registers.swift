import IR
import Machine

/// The block-local register allocator: a linear scan over value lifetimes,
/// spilling the value whose last use is furthest away to a state slot.
extension JITCompiler {
    // MARK: Allocation

    func type(_ v: Value) -> IRType { insts[Int(v.index)].type }

    /// A register for the value defined at `i`, taking over the register of
    /// operand `v` when this instruction is its last use (saves the copy of
    /// two-address x86 code: `mov rd, a; op rd, b`).
    func allocate(_ i: Int, reusing v: Value, avoiding: RegSet = []) -> Reg {
        let j = Int(v.index)
        if constantValue(v) == nil, lastUse[j] == i, case .reg(let r) = loc[j], !avoiding.contains(r) {
            // v keeps its location for reading in this instruction; `release`
            // then sees that the register now belongs to i.
            regOwner[Int(r.rawValue)] = i
            loc[i] = .reg(r)
            return r
        }
        return allocate(i, avoiding: avoiding)
    }

    /// A register for the value defined at `i` (spilling another value if needed).
    func allocate(_ i: Int, avoiding: RegSet = []) -> Reg {
        if let idx = freeRegs.lastIndex(where: { !avoiding.contains($0) }) {
            let r = freeRegs.remove(at: idx)
            regOwner[Int(r.rawValue)] = i
            loc[i] = .reg(r)
            return r
        }
        // Spill the value whose last use is furthest away.
        var victim = -1
        var victimReg = Reg.rsi
        for r in JITCompiler.allocatable where !avoiding.contains(r) {
            let owner = regOwner[Int(r.rawValue)]
            if owner >= 0 && (victim < 0 || lastUse[owner] > lastUse[victim]) {
                victim = owner
                victimReg = r
            }
        }
        precondition(victim >= 0, "no register to spill")
        let slot = freeSpills.popLast()!
        a.store(Mem(.rbx, slot), victimReg, .q)
        loc[victim] = .spill(slot)
        regOwner[Int(victimReg.rawValue)] = i
        loc[i] = .reg(victimReg)
        return victimReg
    }

    /// Frees the locations of operands whose last use is instruction `i`.
    func release(operandsOf i: Int) {
        let inst = insts[i]
        if !inst.a.isNone, lastUse[Int(inst.a.index)] == i { free(Int(inst.a.index)) }
        if !inst.b.isNone, lastUse[Int(inst.b.index)] == i { free(Int(inst.b.index)) }
        if !inst.c.isNone, lastUse[Int(inst.c.index)] == i { free(Int(inst.c.index)) }
        // A value nobody uses is freed at once.
        if lastUse[i] < 0 { free(i) }
    }

    func free(_ j: Int) {
        switch loc[j] {
        case .reg(let r):
            if regOwner[Int(r.rawValue)] == j {
                regOwner[Int(r.rawValue)] = -1
                freeRegs.append(r)
            }
        case .spill(let s):
            freeSpills.append(s)
        case .vector(let s):
            freeVectorSlots.append(s)
        case .xmm(let r):
            if xmmOwner[Int(r.rawValue)] == j {
                xmmOwner[Int(r.rawValue)] = -1
                freeXRegs.append(r)
            }
        default: break
        }
        loc[j] = .none
    }

    /// Values live after instruction `i` that sit in caller-saved registers
    /// (every XMM register is caller-saved in System V).
    func liveCallerSaved(after i: Int, excluding: Int = -1) -> SaveSet {
        var out = SaveSet()
        for r in JITCompiler.callerSavedAllocatable {
            let owner = regOwner[Int(r.rawValue)]
            if owner >= 0 && owner != excluding && lastUse[owner] > i { out.gprs |= 1 << UInt16(r.rawValue) }
        }
        for r in JITCompiler.allocatableXMM {
            let owner = max(xmmOwner[Int(r.rawValue)], fpShadow[Int(r.rawValue)])
            if owner >= 0 && owner != excluding && lastUse[owner] > i { out.xmms |= 1 << UInt16(r.rawValue) }
        }
        return out
    }
}
