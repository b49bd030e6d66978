import IR
import Machine

/// Scalar FP on SSE, exact to the Arm ARM or not taken. With FPCR.FZ set
/// every op goes to `jitFP` (the exact `FPReference`). Otherwise the op runs
/// under an MXCSR with the rounding mode from FPCR.RMode, all exceptions
/// masked and DAZ/FTZ clear, where SSE computes what Arm does (IEEE 754,
/// denormal operands included) except for the cases the result shows, which
/// `jitFP` redoes: a NaN result (NaN operands, invalid ops: Arm's NaN rules
/// and default NaN differ from x86's), a denormal or ±smallest-normal result
/// (Arm detects tininess before rounding), a result with the largest
/// exponent or infinite (overflow, division by zero), and a zero product or
/// quotient of non-zero operands (underflow). What remains can only be
/// inexact: MXCSR.PE is FPSR.IXC.
///
/// MXCSR: the guest word (computed from FPCR at a block's entry or after a
/// helper call, in `StateLayout.hostMXCSR`) is loaded before the first FP op
/// of a run of FP and plain integer ops. A run ends before an op that may
/// call out, fault or leave other than by a direct exit: PE goes to
/// FPSR.IXC and the thread's own MXCSR (saved by the trampoline next to it)
/// is restored. A run open at a direct exit goes on in the next block when
/// that block starts with FP work (its guest entry skips the load; a chained
/// jump goes there), else the exit ends it. An op that `jitFP` redoes may
/// have set PE in its SSE attempt only where Arm sets IXC too (overflow, an
/// inexact tiny result), so PE accumulates over the run. Compares run
/// UCOMIS/COMIS and need no MXCSR; unordered goes to `jitFP` (IOC, FCMPE).
extension JITCompiler {
    static let guestMXCSRWord = Int32(StateLayout.hostMXCSR)
    static let hostMXCSRSaved = Int32(StateLayout.hostMXCSR + 4)
    /// MXCSR: exceptions masked, round to nearest, no DAZ/FTZ.
    static let mxcsrMasked: Int32 = 0x1F80

    /// Where `stmxcsr` leaves the guest MXCSR to take PE from.
    static let mxcsrScratch = Int32(StateLayout.hostMXCSR + 8)

    /// Ops between two FP ops that keep the guest MXCSR loaded: no helper
    /// call, no fault, no exit but a direct one (which hands the run on).
    func keepsGuestMXCSR(_ inst: Inst) -> Bool {
        switch inst.op {
        case .insnStart:
            return !instructionHasStore
        default:
            return JITCompiler.keepsGuestMXCSRStatically(inst)
        }
    }

    static func keepsGuestMXCSRStatically(_ inst: Inst) -> Bool {
        switch inst.op {
        case .fp, .vop, .nop, .const_, .bitcast, .getVec, .setVec, .vextract, .vinsert, .vdup, .vpack,
             .getReg, .setReg, .add, .sub, .mul, .and, .or, .xor, .shl, .lshr, .ashr, .ror,
             .not, .neg, .zext, .sext, .trunc, .insnStart, .cmp, .select, .addCarry, .umulh, .smulh,
             .udiv, .sdiv, .clz, .rbit, .bswap, .nzcvAdd, .nzcvLogic, .condHolds, .getFlags, .setFlags,
             .exitIf, .exitJump:
            return true
        default:
            return false
        }
    }

    /// Whether the block should start with the guest MXCSR loaded: an FP op
    /// comes before anything that would end the run.
    var startsWithFP: Bool {
        for inst in insts {
            if inst.op == .fp || inst.op == .vop { return true }
            if !JITCompiler.keepsGuestMXCSRStatically(inst) || inst.op == .exitIf || inst.op == .exitJump { return false }
        }
        return false
    }

    /// Before op `inst`: ends a run of FP ops when `inst` may leave it.
    func updateMXCSR(before inst: Inst) {
        if guestMXCSRLoaded && !keepsGuestMXCSR(inst) {
            emitLeaveGuestMXCSR()
            guestMXCSRLoaded = false
            x86Flags = nil
        }
        // A helper may write FPCR.
        if inst.op == .call { guestMXCSRComputed = false }
    }

    /// FPSR.IXC |= MXCSR.PE (bit 5), then the thread's MXCSR (clobbers rcx
    /// and the x86 flags; the compiler's state is the caller's).
    func emitLeaveGuestMXCSR() {
        let slot = Mem(.rbx, JITCompiler.mxcsrScratch)
        a.stmxcsr(slot)
        a.load(.rcx, slot, .d)
        a.alu(.and, .rcx, imm: 0x20, .d)
        a.shift(.shr, .rcx, imm: 1, .d)
        a.alu(.or, Mem(.rbx, Int32(StateLayout.fpsr)), .rcx, .q)
        a.ldmxcsr(Mem(.rbx, JITCompiler.hostMXCSRSaved))
    }

    /// Loads the guest MXCSR (computing it from FPCR first in this block).
    func enterGuestMXCSR() {
        if !guestMXCSRComputed {
            emitComputeGuestMXCSR()
            guestMXCSRComputed = true
        }
        if !guestMXCSRLoaded {
            a.ldmxcsr(Mem(.rbx, JITCompiler.guestMXCSRWord))
            guestMXCSRLoaded = true
        }
    }

    /// The guest MXCSR word from FPCR.RMode (clobbers rax, rcx).
    func emitComputeGuestMXCSR() {
        // RC = FPCR.RMode with RP (01) and RM (10) swapped: x86 has RM = 01, RP = 10.
        a.load(.rax, Mem(.rbx, Int32(StateLayout.fpcr)), .d)
        a.shift(.shr, .rax, imm: 22, .d)
        a.alu(.and, .rax, imm: 3, .d)
        a.lea(.rcx, Mem(base: .rax, index: .rax, scale: 1), .d)
        a.shift(.shr, .rax, imm: 1, .d)
        a.alu(.or, .rax, .rcx, .d)
        a.alu(.and, .rax, imm: 3, .d)
        a.shift(.shl, .rax, imm: 13, .d)
        a.alu(.or, .rax, imm: JITCompiler.mxcsrMasked, .d)
        a.store(Mem(.rbx, JITCompiler.guestMXCSRWord), .rax, .d)
    }

    /// Ops that leave the FP shadow registers alone: they use no XMM
    /// register and call nothing (FP ops keep them live around their helper
    /// calls: `liveCallerSaved`).
    func keepsFPShadows(_ inst: Inst) -> Bool {
        switch inst.op {
        case .fp, .nop, .const_, .insnStart, .getReg, .setReg, .getFlags, .setFlags, .add, .sub, .mul, .and, .or,
             .xor, .shl, .lshr, .ashr, .ror, .not, .neg, .zext, .sext, .trunc, .cmp, .addCarry, .nzcvAdd,
             .nzcvLogic, .condHolds, .exitIf, .bitcast, .umulh, .smulh, .clz, .rbit, .bswap, .udiv, .sdiv:
            return true
        case .getVec, .select:
            return inst.type != .v128
        case .setVec:
            return type(inst.a) != .v128
        default:
            return false
        }
    }

    /// Gives the shadow registers back to the v128 allocator.
    func releaseFPShadows() {
        for r in JITCompiler.allocatableXMM where fpShadow[Int(r.rawValue)] >= 0 {
            fpShadow[Int(r.rawValue)] = -1
            freeXRegs.append(r)
        }
    }

    /// A register to keep the result of FP op `i` in: one whose value is
    /// dead, or a free one; nil when the result has no later use or no
    /// register is free.
    func takeFPShadow(for i: Int) -> XReg? {
        guard lastUse[i] > i else { return nil }
        for r in JITCompiler.allocatableXMM {
            let v = fpShadow[Int(r.rawValue)]
            if v >= 0 && lastUse[v] <= i {
                fpShadow[Int(r.rawValue)] = i
                return r
            }
        }
        guard let r = freeXRegs.popLast() else { return nil }
        fpShadow[Int(r.rawValue)] = i
        return r
    }

    /// x = FP operand `v` (zero-extended), from its shadow register if it has one.
    func loadFPOperand(_ x: XReg, _ v: Value, _ s: OpSize) {
        if constantValue(v) == nil {
            for r in JITCompiler.allocatableXMM where fpShadow[Int(r.rawValue)] == Int(v.index) {
                copyXMM(x, r)
                return
            }
        }
        a.movq(x, reg(v, scratch: .rax), s)
    }

    /// Jumps to `slow` when FPCR.FZ is set (bit 24: bit 0 of byte 3).
    func jumpIfFlushToZero(_ slow: Label) {
        a.test(Mem(.rbx, Int32(StateLayout.fpcr) + 3), imm: 1, .b)
        a.jcc(.ne, slow)
    }

    /// rcx = the FP value `arg` with its sign dropped (zero flag: ±0).
    private func loadMagnitude(_ arg: Argument, _ s: OpSize) {
        switch arg {
        case .location(.reg(let r)): a.mov(.rcx, r, .q)
        case .location(.spill(let off)): a.load(.rcx, Mem(.rbx, off), .q)
        case .constant(let c): a.mov(.rcx, imm: c)
        case .location(let l): preconditionFailure("fp operand has no location (\(l))")
        }
        a.alu(.add, .rcx, .rcx, s)
    }

    /// `fp` op `inst` on SSE; false (nothing emitted) when it has no fast path.
    func emitScalarFP(_ i: Int, _ inst: Inst) -> Bool {
        let code = FPOpcode(imm: inst.imm)
        let bits = type(inst.a).bits
        switch code.kind {
        case .fromInt: return emitIntToFP(i, inst, code)
        case .toInt: return emitFPToInt(i, inst, code)
        default: break
        }
        guard bits == 32 || bits == 64, code.rounding == nil else { return false }
        let double = bits == 64
        switch code.kind {
        case .abs, .neg:
            guard inst.type.bits == bits else { return false }
            let r = allocate(i, reusing: inst.a)
            move(inst.a, into: r)
            if double {
                if code.kind == .abs {
                    a.shift(.shl, r, imm: 1, .q)
                    a.shift(.shr, r, imm: 1, .q)
                } else {
                    a.mov(.rcx, imm: 1 << 63)
                    a.alu(.xor, r, .rcx, .q)
                }
            } else {
                a.alu(code.kind == .abs ? .and : .xor, r, imm: code.kind == .abs ? 0x7FFF_FFFF : Int32.min, .d)
            }
            return true
        case .add, .sub, .mul, .div, .nmul, .sqrt:
            guard inst.type.bits == bits else { return false }
        case .fma:
            guard inst.type.bits == bits, runtime.features.fma else { return false }
        case .cmp, .cmpe:
            emitFPCompare(i, inst, double: double, signalling: code.kind == .cmpe)
            return true
        case .max, .min, .maxnm, .minnm:
            guard inst.type.bits == bits else { return false }
            emitScalarMinMax(i, inst, code.kind, double: double)
            return true
        default:
            return false
        }
        emitFPArithmetic(i, inst, code.kind, double: double)
        return true
    }

    private func emitFPArithmetic(_ i: Int, _ inst: Inst, _ kind: FPOpcode.Kind, double: Bool) {
        let s: OpSize = double ? .q : .d
        let x0 = JITCompiler.scratch0, x1 = JITCompiler.scratch1, x2 = JITCompiler.scratch2
        let slow = a.newLabel(), special = a.newLabel(), back = a.newLabel(), join = a.newLabel()
        let r = allocate(i, reusing: inst.a)
        enterGuestMXCSR()                            // on every path: later ops count on it
        jumpIfFlushToZero(slow)
        switch kind {
        case .sqrt:
            loadFPOperand(x0, inst.a, s)
            a.scalarFP(.sqrt, x0, x0, double: double)
        case .fma:                                   // c + a * b, rounded once
            loadFPOperand(x0, inst.c, s)
            loadFPOperand(x1, inst.a, s)
            loadFPOperand(x2, inst.b, s)
            a.vfmadd231s(x0, x1, x2, double: double)
        default:
            let op: ScalarFPOp
            switch kind {
            case .add: op = .add
            case .sub: op = .sub
            case .div: op = .div
            default: op = .mul
            }
            loadFPOperand(x0, inst.a, s)
            loadFPOperand(x1, inst.b, s)
            a.scalarFP(op, x0, x1, double: double)
        }
        // The result stays in a shadow register for the FP ops after it (not
        // FNMUL's, negated below); the slow paths put theirs there too.
        let shadow = kind == .nmul ? nil : takeFPShadow(for: i)
        if let x = shadow { copyXMM(x, x0) }
        a.movq(.rax, x0, s)
        // Biased exponent 0, 1, max - 1 or max: zero, denormal, smallest
        // normal, largest exponent, infinity, NaN.
        a.mov(.rcx, .rax, s)
        a.shift(.shr, .rcx, imm: double ? 52 : 23, s)
        a.alu(.and, .rcx, imm: double ? 0x7FF : 0xFF, .d)
        a.alu(.sub, .rcx, imm: 2, .d)
        a.alu(.cmp, .rcx, imm: double ? 0x7FC : 0xFC, .d)
        a.jcc(.ae, special)
        a.bind(back)
        if kind == .nmul {                            // FPNeg(FPMul(a, b))
            if double {
                a.mov(.rcx, imm: 1 << 63)
                a.alu(.xor, .rax, .rcx, .q)
            } else {
                a.alu(.xor, .rax, imm: Int32.min, .d)
            }
        }
        a.bind(join)
        a.mov(r, .rax, .q)
        let save = liveCallerSaved(after: i, excluding: i), call = fpHelperCall(inst)
        stubs.append { [self] in
            // A zero is exact from add, sub and sqrt, and from mul or div with
            // a zero (dividend); otherwise it is an underflow: the helper's.
            a.bind(special)
            a.mov(.rcx, .rax, s)
            a.alu(.add, .rcx, .rcx, s)                // drops the sign
            a.jcc(.ne, slow)
            switch kind {
            case .add, .sub, .sqrt:
                a.jmp(back)
            case .mul, .nmul, .div:
                loadMagnitude(call.a, s)
                a.jcc(.e, back)
                if kind != .div {
                    loadMagnitude(call.b, s)
                    a.jcc(.e, back)
                }
            default:
                break
            }
            a.bind(slow)
            emitFPHelper(call, save: save)
            if let x = shadow { a.movq(x, .rax, s) }
            a.jmp(join)
        }
    }

    /// FCMP/FCMPE: NZCV = 0110 equal, 1000 less, 0010 greater; unordered
    /// (and FZ, which flushes denormal operands and sets IDC) go to the helper.
    private func emitFPCompare(_ i: Int, _ inst: Inst, double: Bool, signalling: Bool) {
        let s: OpSize = double ? .q : .d
        let x0 = JITCompiler.scratch0, x1 = JITCompiler.scratch1
        let slow = a.newLabel(), join = a.newLabel()
        let r = allocate(i, reusing: inst.a)
        jumpIfFlushToZero(slow)
        loadFPOperand(x0, inst.a, s)
        loadFPOperand(x1, inst.b, s)
        a.ucomis(x0, x1, double: double, signalling: signalling)
        a.jcc(.p, slow)
        a.mov(.rax, imm: 0x2000_0000)
        a.mov(.rcx, imm: 0x6000_0000)
        a.cmov(.e, .rax, .rcx, .d)
        a.mov(.rcx, imm: 0x8000_0000)
        a.cmov(.b, .rax, .rcx, .d)
        a.bind(join)
        a.mov(r, .rax, .q)
        let save = liveCallerSaved(after: i, excluding: i), call = fpHelperCall(inst)
        stubs.append { [self] in
            a.bind(slow)
            emitFPHelper(call, save: save)
            a.jmp(join)
        }
    }
}
