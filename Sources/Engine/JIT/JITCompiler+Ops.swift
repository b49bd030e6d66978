import IR
import Machine

/// Code for each IR op.
extension JITCompiler {
    func emit(_ i: Int) throws {
        let inst = insts[i]
        defer { release(operandsOf: i) }
        if !preservesX86Flags(inst) { x86Flags = nil }
        updateMXCSR(before: inst)
        if !keepsFPShadows(inst) { releaseFPShadows() }
        if !qAccesses.isEmpty {
            if fusedAway.contains(i) { return }
            if let q = qAccesses[i] { try emitQAccess(i, q); return }
        }
        switch inst.op {
        case .nop:
            break
        case .insnStart:
            if instructionHasStore { emitCodeWriteCheck(nextPC: inst.imm) }
            instructionHasStore = false
            instructionStarts.append((a.offset, inst.imm))   // -d out_asm marks guest instruction boundaries
            currentPC = inst.imm
            started += 1
        case .const_:
            loc[i] = .constant(inst.imm)
        case .getReg:
            let r = allocate(i)
            a.load(r, Mem(.rbx, Int32(StateLayout.gpr(Int(inst.imm)))), .q)
        case .setReg:
            storeValue(inst.a, to: Mem(.rbx, Int32(StateLayout.gpr(Int(inst.imm)))))
        case .getFlags:
            emitGetFlags(i)
        case .setFlags:
            if !directFlagStores.contains(inst.a.index) { storeNZCVValue(inst.a) }
        case .add where x86Flags != nil && (inst.type == .i64 || inst.type == .i32):
            emitFlagPreservingAdd(i, inst)
        case .add, .sub, .and, .or, .xor:
            let op: AluOp
            switch inst.op {
            case .add: op = .add
            case .sub: op = .sub
            case .and: op = .and
            case .or: op = .or
            default: op = .xor
            }
            let s = size(of: inst.type)
            let r = allocate(i, reusing: inst.a)
            move(inst.a, into: r)
            aluOperand(op, r, inst.b, s)
            maskNarrow(r, inst.type)
        case .mul:
            let s = size(of: inst.type)
            let r = allocate(i, reusing: inst.a)
            let m = reg(inst.b, scratch: .rcx)
            move(inst.a, into: r)
            a.imul(r, m, s)
            maskNarrow(r, inst.type)
        case .shl, .lshr, .ashr, .ror:
            try emitShift(i, inst)
        case .umulh, .smulh:
            let r = allocate(i)
            let m = reg(inst.b, scratch: .rcx)
            move(inst.a, into: .rax)
            if inst.op == .umulh { a.mul(m, .q) } else { a.imul1(m, .q) }
            a.mov(r, .rdx, .q)
        case .udiv, .sdiv:
            try emitDivide(i, inst)
        case .not, .neg:
            if lastUse[i] < 0 { break }   // only compared with (emitNZCVAdd): never computed
            let r = allocate(i, reusing: inst.a)
            move(inst.a, into: r)
            if inst.op == .not { a.not(r, size(of: inst.type)) } else { a.neg(r, size(of: inst.type)) }
            maskNarrow(r, inst.type)
        case .clz:
            guard inst.type == .i64 || inst.type == .i32 else { throw Unsupported(what: "clz.\(inst.type)") }
            let s = size(of: inst.type)
            let bits = UInt64(inst.type.bits)
            let r = allocate(i)
            let src = reg(inst.a, scratch: .rcx)
            let done = a.newLabel()
            a.mov(r, imm: bits)
            a.test(src, src, s)
            a.jcc(.e, done)
            a.bsr(r, src, s)
            a.alu(.xor, r, imm: Int32(bits - 1), .d)
            a.bind(done)
        case .rbit:
            try emitBitReverse(i, inst)
        case .bswap:
            let r = allocate(i, reusing: inst.a)
            move(inst.a, into: r)
            switch inst.type {
            case .i64: a.bswap(r, .q)
            case .i32: a.bswap(r, .d)
            case .i16:
                a.bswap(r, .d)
                a.shift(.shr, r, imm: 16, .d)
            default: throw Unsupported(what: "bswap.\(inst.type)")
            }
        case .zext, .trunc:
            let r = allocate(i, reusing: inst.a)
            if inst.type == .i32 && type(inst.a) == .i64 {
                a.mov(r, reg(inst.a, scratch: .rax), .d)   // 32-bit move: zero-extends
            } else {
                move(inst.a, into: r)   // zext: values are kept zero-extended already
                maskNarrow(r, inst.type)
            }
        case .sext:
            let from = type(inst.a)
            let r = allocate(i, reusing: inst.a)
            move(inst.a, into: r)
            switch from {
            case .i8: a.movsx(r, r, from: .b, to: size(of: inst.type))
            case .i16: a.movsx(r, r, from: .w, to: size(of: inst.type))
            case .i32: if inst.type == .i64 { a.movsx(r, r, from: .d, to: .q) }
            case .i1:
                a.neg(r, size(of: inst.type))
            default: break
            }
            maskNarrow(r, inst.type)
        case .cmp:
            try emitCompare(i, inst)
        case .select:
            guard inst.type != .v128 else { throw Unsupported(what: "select.v128") }
            let r = allocate(i)
            let cond = conditionFor(inst.a)   // flags first: the moves below keep them
            move(inst.c, into: r)
            let t = reg(inst.b, scratch: .rdx)
            a.cmov(cond, r, t, size(of: inst.type) == .q ? .q : .d)
        case .addCarry:
            let s = size(of: inst.type)
            let r = allocate(i, reusing: inst.a)
            move(inst.a, into: r)
            aluOperand(.add, r, inst.b, s)
            aluOperand(.add, r, inst.c, s)
            maskNarrow(r, inst.type)
        case .nzcvAdd:
            try emitNZCVAdd(i, inst)
        case .nzcvLogic:
            emitNZCVLogic(i, inst)
        case .condHolds:
            emitCondHolds(i, inst)
        case .load:
            try emitLoad(i, inst)
        case .store:
            try emitStore(i, inst)
        case .call:
            // A helper may write memory (atomics, CAS, store-exclusive, DC ZVA,
            // semihosting reads): check for code writes at the next boundary.
            if !inst.isPure { instructionHasStore = true }
            try emitCall(i, inst)
        case .exitJump:
            emitDirectExit(to: inst.imm, count: started - countedAhead, guestMXCSR: guestMXCSRLoaded)
        case .exitIndirect:
            emitIndirectExit(inst.a, count: started)
        case .exitIf:
            let cond = conditionFor(inst.a)
            let stub = a.newLabel()
            var count = started
            if onlyFinalExitFollows(i) {
                // Both ways leave the block with the same count: add it once
                // (lea keeps the flags of the condition).
                a.lea(JITCompiler.instructionCounter, Mem(JITCompiler.instructionCounter, Int32(started)))
                countedAhead = started
                count = 0
            }
            a.jcc(cond, stub)
            exitStubs.append(ExitStub(label: stub, pc: inst.imm, count: count, stopID: nil, guestMXCSR: guestMXCSRLoaded))
        case .exitState:
            emitStateExit(count: started)
        case .getVec, .setVec, .bitcast, .vpack, .vextract, .vinsert, .vdup, .vop, .fp:
            try emitFPSIMD(i, inst)
        }
    }

    /// Whether nothing after `i` but state writes and pure values comes before
    /// the block's final direct exit (nothing that can fault, call or stop).
    func onlyFinalExitFollows(_ i: Int) -> Bool {
        for j in (i + 1)..<insts.count {
            let op = insts[j].op
            switch op {
            case .exitJump: return true
            case .setReg, .setFlags, .setVec, .nop, .const_: continue
            case .call, .vop, .fp: return false
            default: if !insts[j].isPure { return false }
            }
        }
        return false
    }

    /// Whether the guest instruction of op `i` does nothing more after it that
    /// the state could show (no register, flags or memory write, no exit),
    /// so stopping right after `i` is stopping after the instruction.
    func restOfInstructionIsQuiet(after i: Int) -> Bool {
        for j in (i + 1)..<insts.count {
            let op = insts[j].op
            switch op {
            case .insnStart: return true
            case .nop, .const_: continue
            case .call, .vop, .fp, .setReg, .setFlags, .setVec: return false
            default: if !insts[j].isPure { return false }
            }
        }
        return false
    }

    /// A 64- or 32-bit add as `lea`, which leaves the x86 flags alone: a
    /// plain ADD between a flag-setting instruction and the branch on its
    /// flags (`cmp; add; b.ne`) then keeps them for the branch
    /// (`preservesX86Flags`). Only `mov`s (no flag writes) bring operands in.
    func emitFlagPreservingAdd(_ i: Int, _ inst: Inst) {
        let s = size(of: inst.type)
        var x = inst.a, y = inst.b
        if constantValue(x) != nil && constantValue(y) == nil { swap(&x, &y) }
        let r = allocate(i, reusing: x)
        let base = reg(x, scratch: r)
        // A 32-bit lea keeps the low 32 bits of base + sign-extended disp32.
        if let c = constantValue(y), let disp = s == .d ? Int32(truncatingIfNeeded: c) : immediate(y, .q) {
            a.lea(r, Mem(base, disp), s)
        } else {
            let index = reg(y, scratch: .rcx)
            a.lea(r, Mem(base: base, index: index, scale: 1), s)
        }
    }

    /// Stores a value into a state slot (immediate when it fits).
    func storeValue(_ v: Value, to m: Mem) {
        if let imm = immediate(v, .q) { a.store(m, imm: imm, .q); return }
        let r = reg(v, scratch: .rax)
        a.store(m, r, .q)
    }

    func emitShift(_ i: Int, _ inst: Inst) throws {
        guard inst.type == .i64 || inst.type == .i32 else { throw Unsupported(what: "shift.\(inst.type)") }
        let s = size(of: inst.type)
        let op: ShiftOp
        switch inst.op {
        case .shl: op = .shl
        case .lshr: op = .shr
        case .ashr: op = .sar
        default: op = .ror
        }
        // The amount goes to rcx (never allocated) before the value is copied:
        // taking over the value's register is safe.
        let r = allocate(i, reusing: inst.a)
        if let c = constantValue(inst.b) {
            move(inst.a, into: r)
            let amount = UInt8(c % UInt64(inst.type.bits))
            if amount != 0 { a.shift(op, r, imm: amount, s) }
        } else {
            move(inst.b, into: .rcx)
            move(inst.a, into: r)
            a.shiftCL(op, r, s)   // x86 masks the count to 5/6 bits: A64's "amount MOD datasize"
        }
    }

    /// A64 division: x / 0 = 0; INT_MIN / -1 = INT_MIN (x86 would trap on both).
    func emitDivide(_ i: Int, _ inst: Inst) throws {
        guard inst.type == .i64 || inst.type == .i32 else { throw Unsupported(what: "div.\(inst.type)") }
        let s = size(of: inst.type)
        let r = allocate(i)
        move(inst.b, into: .rcx)
        let zero = a.newLabel(), done = a.newLabel(), normal = a.newLabel()
        a.test(.rcx, .rcx, s)
        a.jcc(.e, zero)
        if inst.op == .sdiv {
            a.alu(.cmp, .rcx, imm: -1, s)
            a.jcc(.ne, normal)
            move(inst.a, into: r)
            a.neg(r, s)
            a.jmp(done)
            a.bind(normal)
            move(inst.a, into: .rax)
            if s == .q { a.cqo() } else { a.cdq() }
            a.idiv(.rcx, s)
        } else {
            move(inst.a, into: .rax)
            a.alu(.xor, .rdx, .rdx, .d)
            a.div(.rcx, s)
        }
        a.mov(r, .rax, s)
        a.jmp(done)
        a.bind(zero)
        a.alu(.xor, r, r, .d)
        a.bind(done)
    }

    /// RBIT by swapping bit pairs, nibbles' halves and nibbles, then bytes.
    func emitBitReverse(_ i: Int, _ inst: Inst) throws {
        guard inst.type == .i64 || inst.type == .i32 else { throw Unsupported(what: "rbit.\(inst.type)") }
        let s = size(of: inst.type)
        let r = allocate(i)
        move(inst.a, into: r)
        let masks: [(UInt64, UInt8)] = [(0x5555_5555_5555_5555, 1), (0x3333_3333_3333_3333, 2), (0x0F0F_0F0F_0F0F_0F0F, 4)]
        for (m, sh) in masks {
            a.mov(.rdx, imm: s == .q ? m : m & 0xFFFF_FFFF)
            a.mov(.rax, r, s)
            a.shift(.shr, .rax, imm: sh, s)
            a.alu(.and, .rax, .rdx, s)
            a.alu(.and, r, .rdx, s)
            a.shift(.shl, r, imm: sh, s)
            a.alu(.or, r, .rax, s)
        }
        a.bswap(r, s)
    }

    static func x86Condition(_ p: Predicate) -> Cond {
        switch p {
        case .eq: return .e
        case .ne: return .ne
        case .ult: return .b
        case .ule: return .be
        case .ugt: return .a
        case .uge: return .ae
        case .slt: return .l
        case .sle: return .le
        case .sgt: return .g
        case .sge: return .ge
        }
    }

    /// cmp: fused with an `exit.if` or `select` right after it that is its only
    /// user (the x86 flags then feed the jump/cmov directly).
    func emitCompare(_ i: Int, _ inst: Inst) throws {
        let t = type(inst.a)
        let s: OpSize
        switch t {
        case .i64: s = .q
        case .i32: s = .d
        case .i16: s = .w
        default: s = .b
        }
        let lhs = reg(inst.a, scratch: .rax)
        if let imm = immediate(inst.b, s == .q ? .q : .d), s != .b, s != .w {
            a.alu(.cmp, lhs, imm: imm, s)
        } else {
            let rhs = reg(inst.b, scratch: .rcx)
            a.alu(.cmp, lhs, rhs, s)
        }
        let cond = JITCompiler.x86Condition(Predicate(rawValue: inst.imm)!)
        if let user = soleNextUser(i), insts[user].op == .exitIf {
            fusedConditions[i] = cond
            return
        }
        let r = allocate(i)
        a.setcc(cond, r)
        a.movzx(r, r, from: .b)
    }

    /// The instruction right after `i`, when it is the only user of value i.
    func soleNextUser(_ i: Int) -> Int? {
        let n = i + 1
        guard n < insts.count, lastUse[i] == n else { return nil }
        guard insts[n].useCount(of: i) == 1 else { return nil }
        for j in 0..<i where insts[j].useCount(of: i) > 0 { return nil }
        return n
    }

    /// The x86 condition that is true when the i1 value `v` is 1: a fused
    /// comparison's flags, or a test of the register holding it.
    func conditionFor(_ v: Value) -> Cond {
        let j = Int(v.index)
        if let c = fusedConditions[j] {
            fusedConditions[j] = nil
            return c
        }
        if let c = constantValue(v) {
            a.alu(.xor, .rax, .rax, .d)
            a.alu(.cmp, .rax, imm: c & 1 == 1 ? 0 : 1, .d)
            return .e
        }
        let r = reg(v, scratch: .rax)
        a.test(r, imm: 1, .d)
        return .ne
    }
}
