import IR
import Machine

/// FP/SIMD ops. v128 values live in XMM registers (JITCompiler+Vector.swift);
/// scalar FP values (f32, f64 bit patterns) live in general registers like
/// integers. `fp` ops with a host form run on SSE with the fix-ups of
/// JITCompiler+FPScalar.swift, the others call `jitFP` (the Arm ARM's
/// pseudocode, `FPReference`); `vop`s without an SSE form call `jitVectorOp`.
/// The SSE code needs SSE4.1: without it, blocks with FP/SIMD ops are
/// left to the interpreter.
extension JITCompiler {
    static func laneSize(_ t: IRType) -> OpSize {
        switch t.bits {
        case 8: return .b
        case 16: return .w
        case 32: return .d
        default: return .q
        }
    }

    func emitFPSIMD(_ i: Int, _ inst: Inst) throws {
        guard runtime.features.sse41 else { throw Unsupported(what: "FP/SIMD without SSE4.1") }
        switch inst.op {
        case .getVec where inst.type != .v128:
            a.load(allocate(i), Mem(.rbx, Int32(StateLayout.vreg(Int(inst.imm)))), JITCompiler.laneSize(inst.type))
        case .setVec where type(inst.a) != .v128:
            let off = Int32(StateLayout.vreg(Int(inst.imm)))
            storeValue(inst.a, to: Mem(.rbx, off))   // zero-extended: the low 64 bits
            a.store(Mem(.rbx, off + 8), imm: 0, .q)
        case .bitcast:
            let r = allocate(i, reusing: inst.a)
            move(inst.a, into: r)
        case .getVec, .setVec, .vpack, .vextract, .vinsert, .vdup:
            emitVectorMove(i, inst)
        case .vop:
            emitVectorOp(i, inst)
        case .fp:
            guard type(inst.a) != .v128 else { throw Unsupported(what: "fp on v128") }
            if emitScalarFP(i, inst) { return }
            emitFPHelper(fpHelperCall(inst), save: liveCallerSaved(after: i, excluding: i))
            if lastUse[i] >= 0 { a.mov(allocate(i), .rax, .q) }
        default:
            preconditionFailure("not an FP/SIMD op: \(inst.op)")
        }
    }

    /// The operands of `fp` op `inst` where they are now, for a call to
    /// `jitFP` emitted now or out of line.
    struct FPHelperCall {
        var a: Argument, b: Argument, c: Argument?
        var packed: UInt64
        var pc: UInt64
    }

    func fpHelperCall(_ inst: Inst) -> FPHelperCall {
        FPHelperCall(a: capture(inst.a), b: inst.b.isNone ? .constant(0) : capture(inst.b),
                     c: inst.c.isNone ? nil : capture(inst.c),
                     packed: inst.imm & 0xFFFF_FFFF | UInt64(inst.type.bits) << 32 | UInt64(type(inst.a).bits) << 40,
                     pc: currentPC)
    }

    /// Calls `jitFP` (result in rax).
    func emitFPHelper(_ call: FPHelperCall, save: SaveSet) {
        if let c = call.c {
            let slot = Mem(.rbx, Int32(StateLayout.fpScratch))
            switch c {
            case .location(.reg(let r)): a.store(slot, r, .q)
            case .location(.spill(let off)):
                a.load(.rax, Mem(.rbx, off), .q)
                a.store(slot, .rax, .q)
            case .location(let l): preconditionFailure("fp operand has no location (\(l))")
            case .constant(let v):
                a.mov(.rax, imm: v)
                a.store(slot, .rax, .q)
            }
        }
        emitHelperCall(runtime.fp, args: [call.a, call.b, .constant(call.packed)], save: save, pc: call.pc, raiseCount: nil)
    }
}

/// `fp` ops from JIT code: a, b = operands, c in the state's `fpScratch`
/// slot; packed = the op's imm (bits 31:0) | result bits << 32 | operand bits << 40.
let jitFP: HelperFunction = { state, x, y, packed in
    let fpcr = state.load(fromByteOffset: StateLayout.fpcr, as: UInt64.self)
    let z = state.load(fromByteOffset: StateLayout.fpScratch, as: UInt64.self)
    var flags: UInt64 = 0
    let r = FPReference.execute(FPOpcode(imm: packed & 0xFFFF_FFFF), outBits: Int((packed >> 32) & 0xFF),
                                inBits: Int((packed >> 40) & 0xFF), x, y, z, fpcr: fpcr, flags: &flags)
    if flags != 0 {
        state.storeBytes(of: state.load(fromByteOffset: StateLayout.fpsr, as: UInt64.self) | flags,
                         toByteOffset: StateLayout.fpsr, as: UInt64.self)
    }
    return r
}

/// `vop` from JIT code on the operands' slots: slots = the state-block
/// offsets of a, b, c and the result, 16 bits each (a in bits 15:0);
/// imm = the op's `VectorOpcode`.
let jitVectorOp: HelperFunction = { state, slots, imm, _ in
    func load(_ which: UInt64) -> V128 {
        let off = Int((slots >> (16 * which)) & 0xFFFF)
        return V128(lo: state.load(fromByteOffset: off, as: UInt64.self), hi: state.load(fromByteOffset: off + 8, as: UInt64.self))
    }
    let code = VectorOpcode(imm: imm)
    var fp = VectorFPState(fpcr: code.usesFPSR ? state.load(fromByteOffset: StateLayout.fpcr, as: UInt64.self) : 0)
    let r = VectorSemantics.evaluate(code, load(0), load(1), load(2), &fp)
    if fp.fpsrFlags != 0 {
        state.storeBytes(of: state.load(fromByteOffset: StateLayout.fpsr, as: UInt64.self) | fp.fpsrFlags,
                         toByteOffset: StateLayout.fpsr, as: UInt64.self)
    }
    let off = Int(slots >> 48)
    state.storeBytes(of: r.lo, toByteOffset: off, as: UInt64.self)
    state.storeBytes(of: r.hi, toByteOffset: off + 8, as: UInt64.self)
    return 0
}
