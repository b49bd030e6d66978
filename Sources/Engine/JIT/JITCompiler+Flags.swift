import IR
import Machine

/// Guest flags. The state keeps NZCV as a flags word in the layout of x86's
/// LAHF + SETO (N bit 15, Z bit 14, C bit 8, V bit 0; see `FlagsWord`), so:
/// - a flag-setting instruction is one x86 add/cmp/adc/test, then
///   `lahf; seto al; mov [nzcv], ax` when its flags must reach the state;
/// - a condition on flags from an earlier block restores them with
///   `movzx eax, word [nzcv]; add al, 0x7f; sahf` and branches with one jcc;
/// - a condition on flags produced in the same block reads the x86 flags
///   directly while nothing has clobbered them.
/// The architectural NZCV value (bits 31:28) is built only where an IR op
/// needs it as a value (CCMP's select, the carry of ADC).
extension JITCompiler {
    enum FlagForm { case add, subtract }

    /// Ops whose code leaves the x86 flags alone.
    func preservesX86Flags(_ inst: Inst) -> Bool {
        switch inst.op {
        case .nop, .const_, .getReg, .setReg, .condHolds: return true
        case .zext, .trunc: return inst.type != .i1          // movs (movzx) only
        case .insnStart: return !instructionHasStore
        case .add: return inst.type == .i64 || inst.type == .i32   // lea while flags are held
        case .setFlags: return directFlagStores.contains(inst.a.index)
        case .getFlags: return true     // deferred, or materialized and invalidated there
        default: return false
        }
    }

    /// Calls `body` with each instruction after i that uses value i, in order.
    @inline(__always) private func forEachUser(of i: Int, _ body: (Int) -> Void) {
        guard lastUse[i] > i else { return }
        for j in (i + 1)...lastUse[i] where insts[j].useCount(of: i) > 0 { body(j) }
    }

    /// No op strictly between i and j reads or writes guest flags or lets the
    /// state be observed (fault, helper, exit).
    private func quietBetween(_ i: Int, _ j: Int) -> Bool {
        guard j > i + 1 else { return true }
        for k in (i + 1)..<j {
            switch insts[k].op {
            case .load, .store, .call, .exitIf, .exitJump, .exitIndirect, .exitState,
                 .getFlags, .setFlags, .nzcvAdd, .nzcvLogic:
                return false
            default: continue
            }
        }
        return true
    }

    /// Whether the x86 flags set at i are still intact at j.
    private func flagsSurvive(_ i: Int, _ j: Int) -> Bool {
        guard j > i + 1 else { return true }
        for k in (i + 1)..<j where !preservesX86FlagsStatically(insts[k]) { return false }
        return true
    }

    private func preservesX86FlagsStatically(_ inst: Inst) -> Bool {
        switch inst.op {
        case .nop, .const_, .getReg, .setReg, .condHolds, .insnStart: return true
        case .add: return inst.type == .i64 || inst.type == .i32   // emitFlagPreservingAdd
        case .zext, .trunc: return inst.type != .i1
        case .setFlags: return directFlagStores.contains(inst.a.index)
        default: return false
        }
    }

    func emitNZCVAdd(_ i: Int, _ inst: Inst) throws {
        let t = type(inst.a)
        guard t == .i64 || t == .i32 else { throw Unsupported(what: "nzcvAdd.\(t)") }
        let s = size(of: t)
        let form: FlagForm
        let carry = constantValue(inst.c)
        let bInst = insts[Int(inst.b.index)]
        if carry == 0 {
            move(inst.a, into: .rax)
            aluOperand(.add, .rax, inst.b, s)
            form = .add
        } else if carry == 1, let b = constantValue(inst.b) {
            // a + NOT(x) + 1 = a - x, with x = NOT(b); cmp leaves a in place
            let ra = reg(inst.a, scratch: .rax)
            let x = ~b & t.mask
            if s == .q, Int64(bitPattern: x) >= Int64(Int32.min), Int64(bitPattern: x) <= Int64(Int32.max) {
                a.alu(.cmp, ra, imm: Int32(Int64(bitPattern: x)), s)
            } else if s == .d {
                a.alu(.cmp, ra, imm: Int32(bitPattern: UInt32(truncatingIfNeeded: x)), s)
            } else {
                a.mov(.rcx, imm: x)
                a.alu(.cmp, ra, .rcx, s)
            }
            form = .subtract
        } else if carry == 1, bInst.op == .not, type(bInst.a) == t {
            aluOperand(.cmp, reg(inst.a, scratch: .rax), bInst.a, s)
            form = .subtract
        } else {
            move(inst.a, into: .rax)
            move(inst.b, into: .rdx)
            move(inst.c, into: .rcx)
            a.bt(.rcx, imm: 0, .d)          // CF = carry in
            a.alu(.adc, .rax, .rdx, s)
            form = .add
        }
        finishFlags(i, form: form)
    }

    func emitNZCVLogic(_ i: Int, _ inst: Inst) {
        let s = size(of: type(inst.a))
        let v = reg(inst.a, scratch: .rcx)
        a.test(v, v, s)                      // N, Z from the value; C = V = 0
        finishFlags(i, form: .add)
    }

    /// After the x86 op that set the flags of value i: store them to the state
    /// where a `setFlags` follows, take conditions, build the NZCV value if needed.
    private func finishFlags(_ i: Int, form: FlagForm) {
        var needValue = false
        var storeAt: Int? = nil
        // The condHolds users taken from these flags: a range of instructions
        // (no array per flag-setting op), tested again below.
        var firstCondition = Int.max, lastCondition = -1
        forEachUser(of: i) { j in
            switch insts[j].op {
            case .setFlags where storeAt == nil && quietBetween(i, j):
                storeAt = j
            case .condHolds where JITCompiler.x86Condition(a64: insts[j].imm, form: form) != nil
                || insts[j].imm >> 1 == 7:
                firstCondition = min(firstCondition, j)
                lastCondition = j
            default:
                needValue = true
            }
        }
        if let j = storeAt {
            storeFlagsWord(form: form)
            directFlagStores.insert(UInt32(i))
            _ = j
        }
        x86Flags = (i, form)
        // Conditions whose flags will not survive until they are used, or all of
        // them when the NZCV value is built below: take them now.
        for j in stride(from: firstCondition, through: lastCondition, by: 1)
        where isTakenCondition(j, of: i, form: form) && (needValue || !flagsSurvive(i, j)) {
            if lastUse[j] < 0 { precomputed.insert(j); continue }
            let rj = allocate(j)
            if insts[j].imm >> 1 == 7 {
                a.mov(rj, imm: 1)
            } else {
                a.setcc(JITCompiler.x86Condition(a64: insts[j].imm, form: form)!, rj)
                a.movzx(rj, rj, from: .b)
            }
            precomputed.insert(j)
        }
        if needValue {
            let r = allocate(i)
            packFlags(into: r, carryInverted: form == .subtract)
            x86Flags = nil
        }
    }

    /// Whether j is a condHolds on value i that `finishFlags` takes from the x86 flags.
    private func isTakenCondition(_ j: Int, of i: Int, form: FlagForm) -> Bool {
        let inst = insts[j]
        return inst.op == .condHolds && inst.a.index == UInt32(i)
            && (JITCompiler.x86Condition(a64: inst.imm, form: form) != nil || inst.imm >> 1 == 7)
    }

    /// Writes the current x86 flags as the guest's flags word; the x86 flags are
    /// unchanged afterwards. After a subtraction, A64's C is NOT(x86 CF).
    private func storeFlagsWord(form: FlagForm) {
        if form == .subtract { a.put(0xF5) }          // cmc
        a.put(0x9F)                                   // lahf
        a.setcc(.o, .rax)                                     // al = V
        a.store(Mem(.rbx, Int32(StateLayout.nzcv)), .rax, .w)
        if form == .subtract { a.put(0xF5) }          // cmc back
    }

    /// The x86 condition equal to A64 condition `cond` right after the flag-setting
    /// op of `form` (nil where no single x86 condition matches, or for AL/NV).
    static func x86Condition(a64 cond: UInt64, form: FlagForm) -> Cond? {
        let sub = form == .subtract
        let base: Cond?
        switch cond >> 1 {
        case 0: base = .e                      // EQ
        case 1: base = sub ? .ae : .b          // CS: A64 C is NOT borrow after a subtraction
        case 2: base = .s                      // MI
        case 3: base = .o                      // VS
        case 4: base = sub ? .a : nil          // HI = C && !Z
        case 5: base = .ge                     // GE = N == V
        case 6: base = .g                      // GT
        default: return nil
        }
        guard let b = base else { return nil }
        return cond & 1 == 1 ? b.inverted : b
    }

    /// Builds architectural NZCV (bits 31:28) in r from the x86 flags of the last
    /// add/cmp/adc/test.
    func packFlags(into r: Reg, carryInverted: Bool) {
        a.put(0x9F)                      // lahf: AH = SF ZF 0 AF 0 PF 1 CF
        a.setcc(.o, .rax)                        // AL = OF
        a.movzx(.rcx, .rax, from: .w)            // ecx = AH:AL, the flags word
        wordToNZCV(word: .rcx, into: r, invertCarry: carryInverted)
    }

    /// r = architectural NZCV from a flags word in `w` (clobbers rax, rdx, w).
    func wordToNZCV(word w: Reg, into r: Reg, invertCarry: Bool = false) {
        a.mov(.rdx, w, .d)
        a.alu(.and, .rdx, imm: 0xC000, .d)
        a.shift(.shl, .rdx, imm: 16, .d)         // N, Z -> bits 31, 30
        a.mov(.rax, w, .d)
        a.alu(.and, .rax, imm: 0x100, .d)
        a.shift(.shl, .rax, imm: 21, .d)         // C -> bit 29
        if invertCarry { a.alu(.xor, .rax, imm: 0x2000_0000, .d) }
        a.alu(.or, .rdx, .rax, .d)
        a.alu(.and, w, imm: 1, .d)
        a.shift(.shl, w, imm: 28, .d)            // V -> bit 28
        a.alu(.or, .rdx, w, .d)
        a.mov(r, .rdx, .d)
    }

    /// Stores an architectural NZCV value as the flags word.
    func storeNZCVValue(_ v: Value) {
        if let c = constantValue(v) {
            let nzcv = (c >> 28) & 0xF
            let word = (nzcv & 0xC) << 12 | (nzcv & 2) << 7 | (nzcv & 1)
            a.store(Mem(.rbx, Int32(StateLayout.nzcv)), imm: Int32(word), .q)
            x86Flags = nil
            return
        }
        move(v, into: .rax)
        a.shift(.shr, .rax, imm: 28, .d)         // eax = NZCV in bits 3:0
        a.mov(.rcx, .rax, .d)
        a.alu(.and, .rcx, imm: 1, .d)            // V -> bit 0
        a.mov(.rdx, .rax, .d)
        a.alu(.and, .rdx, imm: 2, .d)
        a.shift(.shl, .rdx, imm: 7, .d)          // C -> bit 8
        a.alu(.or, .rcx, .rdx, .d)
        a.alu(.and, .rax, imm: 0xC, .d)
        a.shift(.shl, .rax, imm: 12, .d)         // N, Z -> bits 15, 14
        a.alu(.or, .rax, .rcx, .d)
        a.store(Mem(.rbx, Int32(StateLayout.nzcv)), .rax, .q)
        x86Flags = nil
    }

    /// getFlags: deferred when only conditions use it and nothing changes the
    /// flags before they do; otherwise the NZCV value is built from the word.
    func emitGetFlags(_ i: Int) {
        var anyUser = false, onlyConditions = true
        forEachUser(of: i) { j in
            anyUser = true
            if insts[j].op != .condHolds { onlyConditions = false }
        }
        if anyUser, onlyConditions, quietForDeferred(i, lastUse[i]) {
            deferredFlags.insert(i)
            return
        }
        let r = allocate(i)
        a.load(.rcx, Mem(.rbx, Int32(StateLayout.nzcv)), .q)
        wordToNZCV(word: .rcx, into: r)
        x86Flags = nil
    }

    private func quietForDeferred(_ i: Int, _ last: Int) -> Bool {
        guard last > i + 1 else { return true }
        for k in (i + 1)..<last {
            switch insts[k].op {
            case .setFlags, .call, .nzcvAdd, .nzcvLogic: return false
            default: continue
            }
        }
        return true
    }

    /// condHolds: an x86 condition from live x86 flags, from the state's flags
    /// word, or by testing bits of an NZCV value.
    func emitCondHolds(_ i: Int, _ inst: Inst) {
        if precomputed.contains(i) { return }
        if inst.imm >> 1 == 7 { loc[i] = .constant(1); return }   // AL, NV
        let v = Int(inst.a.index)
        var cond: Cond
        if let (fv, form) = x86Flags, fv == v, let c = JITCompiler.x86Condition(a64: inst.imm, form: form) {
            cond = c
        } else if deferredFlags.contains(v) {
            a.load(.rax, Mem(.rbx, Int32(StateLayout.nzcv)), .w)   // movzx eax, word
            a.alu(.add, .rax, imm: 0x7F, .b)                        // OF = V (al is 0 or 1)
            a.put(0x9E)                                     // sahf: SF, ZF, CF = N, Z, C
            x86Flags = (v, .add)
            if let c = JITCompiler.x86Condition(a64: inst.imm, form: .add) {
                cond = c
            } else {
                a.put(0xF5)                                 // cmc: subtraction form for HI/LS
                x86Flags = (v, .subtract)
                cond = JITCompiler.x86Condition(a64: inst.imm, form: .subtract)!
            }
        } else {
            cond = emitConditionTest(flags: inst.a, cond: inst.imm)
            x86Flags = nil
        }
        if let user = soleNextUser(i), insts[user].op == .exitIf || insts[user].op == .select {
            fusedConditions[i] = cond
            return
        }
        let r = allocate(i)
        a.setcc(cond, r)
        a.movzx(r, r, from: .b)
    }

    /// Sets the x86 flags from an NZCV value so that the returned condition is
    /// true exactly when A64 condition `cond` holds (ConditionHolds, Arm ARM J1).
    func emitConditionTest(flags v: Value, cond: UInt64) -> Cond {
        let f = reg(v, scratch: .rdx)
        let negate = cond & 1 == 1 && cond != 0xF
        var holds: Cond
        switch cond >> 1 {
        case 0, 1, 2, 3:
            let bit: [UInt8] = [30, 29, 31, 28]
            a.bt(f, imm: bit[Int(cond >> 1)], .d)
            holds = .b                            // CF = the flag
        case 4:
            a.mov(.rax, f, .d)
            a.alu(.and, .rax, imm: 0x6000_0000, .d)
            a.alu(.cmp, .rax, imm: 0x2000_0000, .d)
            holds = .e                            // C set, Z clear
        case 5:
            a.mov(.rax, f, .d)
            a.shift(.shr, .rax, imm: 3, .d)
            a.alu(.xor, .rax, f, .d)
            a.bt(.rax, imm: 28, .d)
            holds = .ae                           // N == V
        case 6:
            a.mov(.rax, f, .d)
            a.shift(.shr, .rax, imm: 3, .d)
            a.alu(.xor, .rax, f, .d)
            a.mov(.rcx, f, .d)
            a.shift(.shr, .rcx, imm: 2, .d)
            a.alu(.or, .rax, .rcx, .d)
            a.bt(.rax, imm: 28, .d)
            holds = .ae                           // Z clear and N == V
        default:
            a.alu(.xor, .rax, .rax, .d)           // AL, NV: always (ZF = 1)
            return .e
        }
        if negate { holds = holds.inverted }
        return holds
    }
}
