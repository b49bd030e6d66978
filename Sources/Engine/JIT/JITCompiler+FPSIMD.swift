import IR
import Machine

/// FP/SIMD ops. A v128 value lives in a 16-byte slot of the state block
/// (`Location.vector`), so a helper call has no vector register to save;
/// scalar FP values (f32, f64 bit patterns) live in general registers like
/// integers. FP arithmetic calls `jitFP` (the Arm ARM's pseudocode,
/// `FPReference`); lane-wise ops call `jitVectorOp` on the slots.
extension JITCompiler {
    /// A 16-byte slot for the v128 value defined at `i`.
    func allocateVector(_ i: Int) throws -> Int32 {
        guard let s = freeVectorSlots.popLast() else { throw Unsupported(what: "more than \(StateLayout.vectorSpillSlots) live v128 values") }
        loc[i] = .vector(s)
        return s
    }

    func vectorSlot(_ v: Value) throws -> Int32 {
        guard case .vector(let s) = loc[Int(v.index)] else { throw Unsupported(what: "v128 value without a slot") }
        return s
    }

    /// Copies 16 bytes within the state block (through rax).
    func copy16(from src: Int32, to dst: Int32) {
        a.load(.rax, Mem(.rbx, src), .q)
        a.store(Mem(.rbx, dst), .rax, .q)
        a.load(.rax, Mem(.rbx, src + 8), .q)
        a.store(Mem(.rbx, dst + 8), .rax, .q)
    }

    static func laneSize(_ t: IRType) -> OpSize {
        switch t.bits {
        case 8: return .b
        case 16: return .w
        case 32: return .d
        default: return .q
        }
    }

    func emitFPSIMD(_ i: Int, _ inst: Inst) throws {
        switch inst.op {
        case .getVec:
            let off = Int32(StateLayout.vreg(Int(inst.imm)))
            if inst.type == .v128 {
                copy16(from: off, to: try allocateVector(i))
            } else {
                a.load(allocate(i), Mem(.rbx, off), JITCompiler.laneSize(inst.type))
            }
        case .setVec:
            let off = Int32(StateLayout.vreg(Int(inst.imm)))
            if type(inst.a) == .v128 {
                copy16(from: try vectorSlot(inst.a), to: off)
            } else {
                storeValue(inst.a, to: Mem(.rbx, off))   // zero-extended: the low 64 bits
                a.store(Mem(.rbx, off + 8), imm: 0, .q)
            }
        case .bitcast:
            let r = allocate(i, reusing: inst.a)
            move(inst.a, into: r)
        case .vpack:
            let s = try allocateVector(i)
            storeValue(inst.a, to: Mem(.rbx, s))
            storeValue(inst.b, to: Mem(.rbx, s + 8))
        case .vextract:
            let s = try vectorSlot(inst.a)
            a.load(allocate(i), Mem(.rbx, s + Int32(inst.imm / 8)), JITCompiler.laneSize(inst.type))
        case .vinsert:
            let src = try vectorSlot(inst.a)
            let s = try allocateVector(i)
            copy16(from: src, to: s)
            let lane = reg(inst.b, scratch: .rax)
            a.store(Mem(.rbx, s + Int32(inst.imm / 8)), lane, JITCompiler.laneSize(type(inst.b)))
        case .vdup:
            let s = try allocateVector(i)
            move(inst.a, into: .rax)
            let repeatMultiplier: UInt64
            switch type(inst.a).bits {
            case 8: repeatMultiplier = 0x0101_0101_0101_0101
            case 16: repeatMultiplier = 0x0001_0001_0001_0001
            case 32: repeatMultiplier = 0x0000_0001_0000_0001
            default: repeatMultiplier = 1
            }
            if repeatMultiplier != 1 {
                a.mov(.rcx, imm: repeatMultiplier)
                a.imul(.rax, .rcx, .q)
            }
            a.store(Mem(.rbx, s), .rax, .q)
            a.store(Mem(.rbx, s + 8), .rax, .q)
        case .vop:
            let sa = try vectorSlot(inst.a)
            let sb = inst.b.isNone ? sa : try vectorSlot(inst.b)
            let sc = inst.c.isNone ? sa : try vectorSlot(inst.c)
            let s = try allocateVector(i)
            let slots = UInt64(UInt16(sa)) | UInt64(UInt16(sb)) << 16 | UInt64(UInt16(sc)) << 32 | UInt64(UInt16(s)) << 48
            emitHelperCall(runtime.vectorOp, args: [.constant(slots), .constant(inst.imm), .constant(0)],
                           save: liveCallerSaved(after: i), pc: currentPC, raiseCount: nil)
        case .fp:
            guard type(inst.a) != .v128 else { throw Unsupported(what: "fp on v128") }
            if !inst.c.isNone { storeValue(inst.c, to: Mem(.rbx, Int32(StateLayout.fpScratch))) }
            let packed = inst.imm & 0xFFFF_FFFF | UInt64(inst.type.bits) << 32 | UInt64(type(inst.a).bits) << 40
            emitHelperCall(runtime.fp, args: [capture(inst.a), inst.b.isNone ? .constant(0) : capture(inst.b), .constant(packed)],
                           save: liveCallerSaved(after: i, excluding: i), pc: currentPC, raiseCount: nil)
            if lastUse[i] >= 0 { a.mov(allocate(i), .rax, .q) }
        default:
            preconditionFailure("not an FP/SIMD op: \(inst.op)")
        }
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
