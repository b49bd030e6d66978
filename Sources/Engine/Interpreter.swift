import Arch
import IR
import Machine

/// A block ready to run: its optimized IR plus where it came from.
public final class TranslatedBlock {
    public let key: BlockKey
    public let ir: IRBlock
    let insts: ContiguousArray<Inst>
    /// Host code for the JIT (nil under the interpreter).
    var hostCode: UnsafeRawPointer?
    /// The JIT's entry for chained jumps arriving with the guest MXCSR
    /// loaded, when the block starts with FP work (JITCompiler+FPScalar.swift).
    var guestMXCSREntry: UnsafeRawPointer?
    /// The JIT's exit records of this block: ids firstExit ..< firstExit + exitCount.
    var firstExit = 0
    var exitCount = 0
    /// JIT: runs left in the interpreter before the block is compiled (a
    /// block of a page whose code is rewritten often may not live long
    /// enough to repay compiling it); 0: compiled at translation.
    var interpretedRuns = 0
    /// The threaded interpreter's pre-decoded form (made at translation
    /// under `-accel interp`; nil for blocks it cannot take).
    var threaded: ThreadedCode?
    /// Guest bytes the block was translated from, from `key.pa`.
    var byteLength: UInt64 { UInt64(ir.guestInstructionCount) * 4 }

    init(key: BlockKey, ir: IRBlock) {
        self.key = key
        self.ir = ir
        insts = ContiguousArray(ir.insts)
    }
}

/// Executes IR blocks directly. Values live in a scratch array indexed by value
/// number; guest registers, flags and the TLB are read from the state block at
/// the same offsets the JIT uses; helpers are called through libffi.
final class IRInterpreter {
    private var values: UnsafeMutablePointer<UInt64>
    /// Bits 127:64 of v128 values (only v128 ops write and read them).
    private var high: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    private let ffi = FFIHelperCaller()
    private let helpers = HelperTable.functions

    init() {
        capacity = 1024
        values = .allocate(capacity: capacity)
        high = .allocate(capacity: capacity)
    }

    deinit {
        values.deallocate()
        high.deallocate()
    }

    /// Runs `block` once. On return the PC in the state is the next PC (or the
    /// exception vector); the result is the number of guest instructions executed.
    func execute(_ block: TranslatedBlock, cpu: CPU) -> Int {
        let state = cpu.state
        if block.insts.count > capacity {
            values.deallocate()
            high.deallocate()
            capacity = block.insts.count * 2
            values = .allocate(capacity: capacity)
            high = .allocate(capacity: capacity)
        }
        let v = values
        let vh = high
        var executed = 0
        var pc: UInt64 = block.ir.guestPC
        let mmuIndex = cpu.mmuIndex
        return block.insts.withUnsafeBufferPointer { insts -> Int in
            var i = 0
            while true {
                let inst = insts[i]
                switch inst.op {
                case .nop:
                    break
                case .insnStart:
                    // A store that hit a page of translated code stops the block at
                    // the next instruction boundary, so the new code is translated afresh.
                    if state.load(fromByteOffset: StateLayout.codeWritten, as: UInt64.self) != 0 {
                        cpu.pc = inst.imm
                        return executed
                    }
                    pc = inst.imm
                    executed += 1
                case .load:
                    let va = v[Int(inst.a.index)]
                    let size = inst.type.bits >> 3
                    let idx = AccessFlags(rawValue: inst.imm).contains(.unprivileged) ? CPU.unprivilegedIndex(mmuIndex) : mmuIndex
                    if let host = TLBFastPath.host(state, mmuIndex: idx, va: va, tagOffset: TLB.readTagOffset,
                                                   compareMask: TLB.pageMask | AccessFlags(rawValue: inst.imm).slowPathMask(size: size)) {
                        v[i] = TLBFastPath.load(host, size: size)
                    } else {
                        cpu.faultPC = pc
                        v[i] = cpu.loadSlow(va: va, size: size, mmuIndex: idx, flags: AccessFlags(rawValue: inst.imm))
                        if cpu.exceptionTaken { return executed - 1 }
                    }
                case .store:
                    let va = v[Int(inst.a.index)]
                    let value = v[Int(inst.b.index)]
                    let size = insts[Int(inst.b.index)].type.bits >> 3
                    let idx = AccessFlags(rawValue: inst.imm).contains(.unprivileged) ? CPU.unprivilegedIndex(mmuIndex) : mmuIndex
                    if let host = TLBFastPath.host(state, mmuIndex: idx, va: va, tagOffset: TLB.writeTagOffset,
                                                   compareMask: TLB.pageMask | AccessFlags(rawValue: inst.imm).slowPathMask(size: size)) {
                        TLBFastPath.store(host, size: size, value)
                    } else {
                        cpu.faultPC = pc
                        cpu.storeSlow(va: va, size: size, value: value, mmuIndex: idx, flags: AccessFlags(rawValue: inst.imm))
                        if cpu.exceptionTaken { return executed - 1 }
                    }
                case .call:
                    let id = Int(inst.imm)
                    cpu.faultPC = pc
                    let a = inst.a.isNone ? 0 : v[Int(inst.a.index)]
                    let b = inst.b.isNone ? 0 : v[Int(inst.b.index)]
                    let c = inst.c.isNone ? 0 : v[Int(inst.c.index)]
                    v[i] = ffi.call(helpers[id], state: state, a, b, c)
                    if cpu.exceptionTaken { return executed }
                case .exitJump:
                    cpu.pc = inst.imm
                    return executed
                case .exitIndirect:
                    cpu.pc = v[Int(inst.a.index)]
                    return executed
                case .exitIf:
                    if v[Int(inst.a.index)] & 1 == 1 {
                        cpu.pc = inst.imm
                        return executed
                    }
                case .exitState:
                    return executed
                default:
                    IRDataOps.evaluate(inst, at: i, insts: insts, v, vh, state: state)
                }
                i += 1
            }
        }
    }
}

/// The softmmu fast path of both interpreters (the JIT inlines the same in
/// JITCompiler+Memory.swift): the entry of va's page in the TLB of `mmuIndex`.
enum TLBFastPath {
    /// The host address of an access at va when the entry's tag at
    /// `tagOffset` (read or write) equals va & compareMask (the page, and the
    /// low bits that send the access to the slow path: an unaligned address
    /// never equals a tag, so one compare also catches it); nil: slow path.
    @inline(__always)
    static func host(_ state: UnsafeMutableRawPointer, mmuIndex: Int, va: UInt64, tagOffset: Int,
                     compareMask: UInt64) -> UnsafeMutableRawPointer? {
        let e = state + TLB.entryOffset(mmuIndex: mmuIndex, va: va)
        guard e.load(fromByteOffset: tagOffset, as: UInt64.self) == va & compareMask else { return nil }
        return UnsafeMutableRawPointer(bitPattern: UInt(va &+ e.load(fromByteOffset: TLB.addendOffset, as: UInt64.self)))
    }

    @inline(__always)
    static func load(_ host: UnsafeMutableRawPointer, size: Int) -> UInt64 {
        switch size {
        case 1: return UInt64(host.load(as: UInt8.self))
        case 2: return UInt64(host.load(as: UInt16.self))
        case 4: return UInt64(host.load(as: UInt32.self))
        default: return host.load(as: UInt64.self)
        }
    }

    @inline(__always)
    static func store(_ host: UnsafeMutableRawPointer, size: Int, _ value: UInt64) {
        switch size {
        case 1: host.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        case 2: host.storeBytes(of: UInt16(truncatingIfNeeded: value), as: UInt16.self)
        case 4: host.storeBytes(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
        default: host.storeBytes(of: value, as: UInt64.self)
        }
    }
}

/// The IR ops that only compute values or move them between values and the
/// state block (everything but markers, memory, calls and exits), shared by
/// the IR interpreter and the threaded interpreter's generic op: the
/// semantics of each op are written once.
enum IRDataOps {
    @inline(__always)
    static func evaluate(_ inst: Inst, at i: Int, insts: UnsafeBufferPointer<Inst>,
                         _ v: UnsafeMutablePointer<UInt64>, _ vh: UnsafeMutablePointer<UInt64>,
                         state: UnsafeMutableRawPointer) {
        switch inst.op {
        case .const_:
            v[i] = inst.imm
        case .getReg:
            v[i] = state.load(fromByteOffset: StateLayout.gpr(Int(inst.imm)), as: UInt64.self)
        case .setReg:
            state.storeBytes(of: v[Int(inst.a.index)], toByteOffset: StateLayout.gpr(Int(inst.imm)), as: UInt64.self)
        case .getFlags:
            v[i] = FlagsWord.nzcv(fromWord: state.load(fromByteOffset: StateLayout.nzcv, as: UInt64.self))
        case .setFlags:
            state.storeBytes(of: FlagsWord.word(fromNZCV: v[Int(inst.a.index)]), toByteOffset: StateLayout.nzcv, as: UInt64.self)
        case .add, .sub, .mul, .and, .or, .xor, .shl, .lshr, .ashr, .ror, .umulh, .smulh, .udiv, .sdiv:
            v[i] = IRSemantics.binary(inst.op, inst.type, v[Int(inst.a.index)], v[Int(inst.b.index)])
        case .not, .neg, .clz, .rbit, .bswap:
            v[i] = IRSemantics.unary(inst.op, inst.type, v[Int(inst.a.index)])
        case .zext, .trunc:
            v[i] = v[Int(inst.a.index)] & inst.type.mask
        case .sext:
            v[i] = IRSemantics.convert(.sext, from: insts[Int(inst.a.index)].type, to: inst.type, v[Int(inst.a.index)])
        case .cmp:
            v[i] = IRSemantics.compare(inst.imm, insts[Int(inst.a.index)].type, v[Int(inst.a.index)], v[Int(inst.b.index)])
        case .select:
            v[i] = v[Int(inst.a.index)] & 1 == 1 ? v[Int(inst.b.index)] : v[Int(inst.c.index)]
        case .addCarry:
            v[i] = (v[Int(inst.a.index)] &+ v[Int(inst.b.index)] &+ v[Int(inst.c.index)]) & inst.type.mask
        case .nzcvAdd:
            v[i] = IRSemantics.nzcvAdd(insts[Int(inst.a.index)].type, v[Int(inst.a.index)], v[Int(inst.b.index)], v[Int(inst.c.index)])
        case .nzcvLogic:
            v[i] = IRSemantics.nzcvLogic(insts[Int(inst.a.index)].type, v[Int(inst.a.index)])
        case .condHolds:
            v[i] = IRSemantics.conditionHolds(inst.imm, v[Int(inst.a.index)])
        case .getVec:
            let off = StateLayout.vreg(Int(inst.imm))
            switch inst.type {
            case .v128:
                v[i] = state.load(fromByteOffset: off, as: UInt64.self)
                vh[i] = state.load(fromByteOffset: off + 8, as: UInt64.self)
            case .i8: v[i] = UInt64(state.load(fromByteOffset: off, as: UInt8.self))
            case .i16: v[i] = UInt64(state.load(fromByteOffset: off, as: UInt16.self))
            case .i32, .f32: v[i] = UInt64(state.load(fromByteOffset: off, as: UInt32.self))
            default: v[i] = state.load(fromByteOffset: off, as: UInt64.self)
            }
        case .setVec:
            // Values are kept zero-extended: the low 64 bits are the value, the rest zero.
            let a = Int(inst.a.index)
            let off = StateLayout.vreg(Int(inst.imm))
            state.storeBytes(of: v[a], toByteOffset: off, as: UInt64.self)
            state.storeBytes(of: insts[a].type == .v128 ? vh[a] : 0, toByteOffset: off + 8, as: UInt64.self)
        case .bitcast:
            v[i] = v[Int(inst.a.index)]
        case .vpack:
            v[i] = v[Int(inst.a.index)]
            vh[i] = v[Int(inst.b.index)]
        case .vextract:
            let a = Int(inst.a.index)
            v[i] = V128(lo: v[a], hi: vh[a]).lane(at: Int(inst.imm), bits: inst.type.bits)
        case .vinsert:
            let a = Int(inst.a.index), b = Int(inst.b.index)
            var r = V128(lo: v[a], hi: vh[a])
            r.setLane(at: Int(inst.imm), bits: insts[b].type.bits, v[b])
            v[i] = r.lo
            vh[i] = r.hi
        case .vdup:
            let r = VectorSemantics.dup(v[Int(inst.a.index)], bits: insts[Int(inst.a.index)].type.bits)
            v[i] = r.lo
            vh[i] = r.hi
        case .vop:
            let a = Int(inst.a.index)
            let b = inst.b.isNone ? a : Int(inst.b.index)
            let c = inst.c.isNone ? a : Int(inst.c.index)
            let r = InterpreterFP.vop(VectorOpcode(imm: inst.imm), V128(lo: v[a], hi: vh[a]), V128(lo: v[b], hi: vh[b]),
                                      V128(lo: v[c], hi: vh[c]), state: state)
            v[i] = r.lo
            vh[i] = r.hi
        case .fp:
            let a = Int(inst.a.index)
            v[i] = InterpreterFP.fp(FPOpcode(imm: inst.imm), outBits: inst.type.bits, inBits: insts[a].type.bits,
                                    v[a], inst.b.isNone ? 0 : v[Int(inst.b.index)],
                                    inst.c.isNone ? 0 : v[Int(inst.c.index)], state: state)
        default:
            preconditionFailure("not a data op: \(inst.op)")
        }
    }
}
