import IR
import Machine

/// NZCV: computed with one x86 add/cmp/adc and packed into bits 31:28 only
/// where a value needs it; conditions on flags produced in the same block are
/// read straight from the x86 flags (setcc right after the compare).
extension JITCompiler {
    enum FlagForm { case add, subtract, addWithCarry }

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
            // a + NOT(x) + 1 = a - x, with x = NOT(b)
            move(inst.a, into: .rax)
            let x = ~b & t.mask
            if s == .q, Int64(bitPattern: x) >= Int64(Int32.min), Int64(bitPattern: x) <= Int64(Int32.max) {
                a.alu(.cmp, .rax, imm: Int32(Int64(bitPattern: x)), s)
            } else if s == .d {
                a.alu(.cmp, .rax, imm: Int32(bitPattern: UInt32(truncatingIfNeeded: x)), s)
            } else {
                a.mov(.rcx, imm: x)
                a.alu(.cmp, .rax, .rcx, s)
            }
            form = .subtract
        } else if carry == 1, bInst.op == .not, type(bInst.a) == t {
            move(inst.a, into: .rax)
            aluOperand(.cmp, .rax, bInst.a, s)
            form = .subtract
        } else {
            move(inst.a, into: .rax)
            move(inst.b, into: .rdx)
            move(inst.c, into: .rcx)
            a.bt(.rcx, imm: 0, .d)          // CF = carry in
            a.alu(.adc, .rax, .rdx, s)
            form = .addWithCarry
        }
        // Conditions on these flags later in the block: take them now.
        var allUsersPrecomputed = lastUse[i] >= 0
        for j in (i + 1)..<insts.count where insts[j].operands.contains(where: { Int($0.index) == i }) {
            guard insts[j].op == .condHolds, let c = JITCompiler.x86Condition(a64: insts[j].imm, form: form) else {
                allUsersPrecomputed = false
                continue
            }
            if lastUse[j] < 0 { precomputed.insert(j); continue }
            let rj = allocate(j)
            a.setcc(c, rj)
            a.movzx(rj, rj, from: .b)
            precomputed.insert(j)
        }
        if allUsersPrecomputed && !hasNonConditionUser(i) { return }
        let r = allocate(i)
        packFlags(into: r, carryInverted: form == .subtract, carryAndOverflowClear: false)
    }

    private func hasNonConditionUser(_ i: Int) -> Bool {
        for j in (i + 1)..<insts.count where insts[j].operands.contains(where: { Int($0.index) == i }) {
            if insts[j].op != .condHolds { return true }
        }
        return false
    }

    /// The x86 condition equal to A64 condition `cond` right after the flag-setting
    /// op of `form` (nil where no single x86 condition matches).
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
        default: return nil                    // AL/NV: not worth a register
        }
        guard let b = base else { return nil }
        return cond & 1 == 1 ? b.inverted : b
    }

    /// Packs the x86 flags of the last add/cmp/adc/test into NZCV (bits 31:28) in r.
    func packFlags(into r: Reg, carryInverted: Bool, carryAndOverflowClear: Bool) {
        a.emitBytes([0x9F])                      // lahf: AH = SF ZF 0 AF 0 PF 1 CF
        if !carryAndOverflowClear { a.setcc(.o, .rax) }   // AL = OF
        a.movzx(.rcx, .rax, from: .w)            // ecx = AH:AL
        a.mov(.rdx, .rcx, .d)
        a.alu(.and, .rdx, imm: 0xC000, .d)
        a.shift(.shl, .rdx, imm: 16, .d)         // N, Z -> bits 31, 30
        if !carryAndOverflowClear {
            a.mov(.rax, .rcx, .d)
            a.alu(.and, .rax, imm: 0x100, .d)
            a.shift(.shl, .rax, imm: 21, .d)     // C -> bit 29
            if carryInverted { a.alu(.xor, .rax, imm: 0x2000_0000, .d) }
            a.alu(.or, .rdx, .rax, .d)
            a.alu(.and, .rcx, imm: 1, .d)
            a.shift(.shl, .rcx, imm: 28, .d)     // V -> bit 28
            a.alu(.or, .rdx, .rcx, .d)
        }
        a.mov(r, .rdx, .d)
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
