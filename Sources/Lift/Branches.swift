import A64
import IR

/// Branches: B, BL, CBZ/CBNZ, TBZ/TBNZ, B.cond, BR, BLR, RET.
extension LiftState {
    mutating func liftBranchImmediate(_ w: UInt32) {
        let target = pc &+ UInt64(bitPattern: w.imm26Offset)
        if w.bit(31) { setReg(30, b.const_(pc &+ 4)) }   // BL
        b.exitJump(target)
    }

    mutating func liftCompareAndBranch(_ w: UInt32) {
        let sf = w.sf, t = type(sf)
        let v = reg(w.rt, sf)
        let taken = b.cmp(w.bit(24) ? .ne : .eq, v, constant(0, t))
        b.exitIf(taken, pc &+ UInt64(bitPattern: w.imm19Offset))
        b.exitJump(pc &+ 4)
    }

    mutating func liftTestAndBranch(_ w: UInt32) {
        let bitPos = (w.field(31, 1) << 5) | w.field(19, 5)
        let v = x(w.rt)
        let bit = b.and(b.lshr(v, b.const_(UInt64(bitPos))), b.const_(1))
        let taken = b.cmp(w.bit(24) ? .ne : .eq, bit, b.const_(0))
        b.exitIf(taken, pc &+ UInt64(bitPattern: w.imm14Offset))
        b.exitJump(pc &+ 4)
    }

    mutating func liftConditionalBranch(_ w: UInt32) {
        let holds = b.emit(Inst(.condHolds, .i1, a: b.getFlags(), imm: UInt64(w.field(0, 4))))
        b.exitIf(holds, pc &+ UInt64(bitPattern: w.imm19Offset))
        b.exitJump(pc &+ 4)
    }

    mutating func liftBranchRegister(_ w: UInt32) {
        let target = x(w.rn)
        if A64Decoder.decode(w) == .blr { setReg(30, b.const_(pc &+ 4)) }
        b.exitIndirect(target)
    }
}
