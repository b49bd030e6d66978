import Arch
import IR
import Machine

/// The threaded interpreter's operations: one byte, dispatched by one switch.
/// Each is an IR op specialised by what translation already knows (the type's
/// mask, a constant operand, the state-block offset of a register), or a pair
/// of IR ops fused (compare and exit, condition and exit). `generic` runs any
/// other data op through the IR interpreter's semantics (`IRDataOps`).
enum TOp: UInt8 {
    case generic
    /// Instruction boundary after an instruction that may have written
    /// translated code: leaves when it did (PC = imm).
    case check
    case const_, getReg, setReg, setRegI, getFlags, setFlags
    /// d = (a op b) & m; the `I` forms take b from imm.
    case add, addI, sub, subI, mul, mulI, and, andI, or, orI, xor, xorI
    /// Register shifts: x = width - 1; immediate shifts: imm = amount (< width).
    case shl, shlI, lshr, lshrI
    /// Arithmetic shifts: x = 64 - width (sign extension by shifting).
    case ashr, ashrI
    /// Rotate right by imm (0 < imm < width); x = width.
    case rorI
    case not, neg, mask
    /// d = a sign-extended from (64 - x) bits, & m.
    case sext
    /// d = a ? b : c; d = (a + b + c) & m.
    case select, addCarry
    /// NZCV of a + b + c at width 64 / at the width of mask m.
    case nzcvAdd64, nzcvAdd
    /// NZCV of a logical result; imm = the sign bit.
    case nzcvLogic
    /// x = condition.
    case condHolds
    /// Comparisons (result 0 or 1); the `I` forms compare with imm; signed
    /// forms sign-extend by x = 64 - width.
    case eq, eqI, ne, neI, ult, ultI, ule, uleI, ugt, ugtI, uge, ugeI
    case slt, sltI, sle, sleI, sgt, sgtI, sge, sgeI
    /// Loads and stores of 1, 2, 4, 8 bytes: imm = AccessFlags, m = the TLB
    /// compare mask, x = 1 for the unprivileged MMU index.
    case load8, load16, load32, load64, store8, store16, store32, store64
    /// Helper imm with the arguments of x's bits 0-2 (a, b, c) present.
    case call
    /// Exits; n = guest instructions done when leaving there. The direct
    /// ones (exitJump, exitIf and the fused forms) keep their chained target
    /// in m (a `ThreadedCode.Header` address, 0: none).
    case exitJump, exitIndirect, exitIf, exitState
    /// exitIf of a compare of a and b (exitIfCmpI: b is the constant itself)
    /// by predicate x; signed predicates sign-extend by c = 64 - width.
    case exitIfCmp, exitIfCmpI
    /// exitIf of ConditionHolds(x, a).
    case exitIfCond
    /// d = (a op shifted) & m, shifted = b << imm (x = 0) or b >> imm (x = 1):
    /// a shift by a constant fused into its only user (A64's shifted-register operands).
    case addSh, subSh, andSh, orSh, xorSh
    /// nzcvAdd64 / nzcvAdd / nzcvLogic whose result is also written to NZCV.
    case nzcvAdd64S, nzcvAddS, nzcvLogicS
    /// V registers at state offset imm: 16 bytes (v128), 8, 4, 2, 1.
    case getVec128, getVec64, getVec32, getVec16, getVec8
    /// setVec of a v128 value / of a narrower one (bits 127:64 zeroed).
    case setVec128, setVecScalar
    /// d = a (bitcast); d = (lo a, hi b) (vpack).
    case copy, vpack
    /// vextract / vinsert at bit offset imm of x-bit lanes; vdup of x-bit lanes.
    case vextract, vinsert, vdup
    /// vop: `ThreadedCode.vectorCodes[imm]`, operands a, b, c (b, c default to a).
    case vop
    /// fp: `ThreadedCode.fpCodes[imm]`, a result of x bits; m = operand a's
    /// bits | 0x100 when b is present | 0x200 when c is (absent ones read 0).
    case fp
}

/// One pre-decoded operation (32 bytes). Operands are value slots (the IR
/// value numbers); imm and m hold what the op needs inline.
extension TOp {
    /// The load or store op of 1, 2, 4 or 8 bytes (the four sizes are
    /// consecutive cases).
    static func memoryAccess(size: Int, store: Bool) -> TOp {
        let first = store ? TOp.store8 : TOp.load8
        return TOp(rawValue: first.rawValue + UInt8(min(size.trailingZeroBitCount, 3)))!
    }
}

struct PInst {
    var imm: UInt64 = 0
    var m: UInt64 = 0
    var op: TOp
    var x: UInt8 = 0
    var d: UInt16 = 0
    var a: UInt16 = 0
    var b: UInt16 = 0
    var c: UInt16 = 0
    /// Guest instructions of the block done at this op (this one included).
    var n: UInt16 = 0

    init(_ op: TOp) { self.op = op }
}

/// A block's pre-decoded form, made once per translated block and dropped
/// with it. One allocation: the header, then the ops; plus a copy of the
/// IR for the generic op.
final class ThreadedCode {
    struct Header {
        /// Cleared when the block is dropped: chains into it are not taken.
        var valid: UInt64
        var guestPC: UInt64
        /// Value slots the block uses (the IR's length).
        var slots: Int
        var ir: UnsafeMutablePointer<Inst>
        var irCount: Int
        /// May chain out: the block has no helper that changes the context
        /// (system registers, exception return, hints, exception calls).
        var chainable: Bool
        /// The `ThreadedCode` holding this header (unretained).
        var owner: UInt64
        /// The decoded opcodes of the block's vop and fp ops.
        var vectorCodes: UnsafeMutablePointer<VectorOpcode>
        var fpCodes: UnsafeMutablePointer<FPOpcode>
    }

    let header: UnsafeMutablePointer<Header>
    let ops: UnsafeMutablePointer<PInst>
    let opCount: Int
    /// Blocks this one's exits are chained to (kept alive while it is).
    var links: [TranslatedBlock] = []

    init(ops list: [PInst], block: IRBlock, chainable: Bool, vectorCodes: [VectorOpcode], fpCodes: [FPOpcode]) {
        // One allocation: header, ops, then the IR, the vector and the FP opcodes.
        func align(_ n: Int) -> Int { (n + 15) & ~15 }
        let irOffset = align(ThreadedCode.opsOffset + list.count * MemoryLayout<PInst>.stride)
        let vectorOffset = align(irOffset + block.insts.count * MemoryLayout<Inst>.stride)
        let fpOffset = align(vectorOffset + vectorCodes.count * MemoryLayout<VectorOpcode>.stride)
        let size = fpOffset + fpCodes.count * MemoryLayout<FPOpcode>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        header = raw.bindMemory(to: Header.self, capacity: 1)
        ops = (raw + ThreadedCode.opsOffset).bindMemory(to: PInst.self, capacity: list.count)
        opCount = list.count
        let ir = (raw + irOffset).bindMemory(to: Inst.self, capacity: block.insts.count)
        _ = UnsafeMutableBufferPointer(start: ir, count: block.insts.count).initialize(from: block.insts)
        header.initialize(to: Header(valid: 1, guestPC: block.guestPC, slots: block.insts.count, ir: ir,
                                     irCount: block.insts.count, chainable: chainable, owner: 0,
                                     vectorCodes: (raw + vectorOffset).bindMemory(to: VectorOpcode.self,
                                                                                  capacity: vectorCodes.count),
                                     fpCodes: (raw + fpOffset).bindMemory(to: FPOpcode.self, capacity: fpCodes.count)))
        _ = UnsafeMutableBufferPointer(start: header.pointee.vectorCodes, count: vectorCodes.count).initialize(from: vectorCodes)
        _ = UnsafeMutableBufferPointer(start: header.pointee.fpCodes, count: fpCodes.count).initialize(from: fpCodes)
        _ = UnsafeMutableBufferPointer(start: ops, count: list.count).initialize(from: list)
        header.pointee.owner = UInt64(UInt(bitPattern: Unmanaged.passUnretained(self).toOpaque()))
    }

    deinit {
        // Header, ops, IR and opcodes are plain values: no deinitialization.
        UnsafeMutableRawPointer(header).deallocate()
    }

    /// The ops follow the header at this offset.
    static let opsOffset = (MemoryLayout<Header>.stride + 31) & ~31

    /// The ops of the code whose header is at `h`.
    @inline(__always) static func ops(of h: UnsafeMutablePointer<Header>) -> UnsafeMutablePointer<PInst> {
        (UnsafeMutableRawPointer(h) + opsOffset).assumingMemoryBound(to: PInst.self)
    }

    /// The block is dropped: no chain enters it again, and its own chains go.
    /// Returns the blocks it was linked to (kept alive by the caller until
    /// no code of theirs can be running).
    func retire() -> [TranslatedBlock] {
        header.pointee.valid = 0
        for i in 0..<opCount where ops[i].m != 0 && ThreadedCode.isDirectExit(ops[i].op) { ops[i].m = 0 }
        defer { links = [] }
        return links
    }

    @inline(__always) static func isDirectExit(_ op: TOp) -> Bool {
        switch op {
        case .exitJump, .exitIf, .exitIfCmp, .exitIfCmpI, .exitIfCond: return true
        default: return false
        }
    }
}

/// IR block -> pre-decoded ops.
enum ThreadedTranslator {
    /// Value slots are UInt16; a longer block stays with the IR interpreter.
    static let maxSlots = Int(UInt16.max)

    /// The translator's working arrays, kept from one block to the next so
    /// that translating a block allocates only its `ThreadedCode` (the
    /// dispatcher keeps one, used under its translation lock).
    struct Scratch {
        var uses: [UInt16] = []
        var readSlot: [Bool] = []
        var out: [PInst] = []
        var constAt: [Int] = []
        var vectorCodes: [VectorOpcode] = []
        var fpCodes: [FPOpcode] = []
        init() {}
    }

    static func translate(_ block: IRBlock) -> ThreadedCode? {
        var scratch = Scratch()
        return translate(block, scratch: &scratch)
    }

    static func translate(_ block: IRBlock, scratch: inout Scratch) -> ThreadedCode? {
        let insts = block.insts
        guard insts.count < maxSlots else { return nil }
        // The scratch arrays are moved in (not copied) and handed back at the end.
        var uses: [UInt16] = [], out: [PInst] = [], readSlot: [Bool] = [], constAt: [Int] = []
        var vectorCodes: [VectorOpcode] = [], fpCodes: [FPOpcode] = []
        swap(&uses, &scratch.uses); swap(&out, &scratch.out); swap(&readSlot, &scratch.readSlot)
        swap(&constAt, &scratch.constAt); swap(&vectorCodes, &scratch.vectorCodes); swap(&fpCodes, &scratch.fpCodes)
        defer {
            swap(&uses, &scratch.uses); swap(&out, &scratch.out); swap(&readSlot, &scratch.readSlot)
            swap(&constAt, &scratch.constAt); swap(&vectorCodes, &scratch.vectorCodes); swap(&fpCodes, &scratch.fpCodes)
        }
        uses.removeAll(keepingCapacity: true)
        uses.append(contentsOf: repeatElement(0, count: insts.count))
        for inst in insts {
            inst.forEachOperand { uses[Int($0.index)] &+= 1 }
        }
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(insts.count)
        /// Slots some emitted op reads (a constant nobody reads as a slot is not emitted).
        readSlot.removeAll(keepingCapacity: true)
        readSlot.append(contentsOf: repeatElement(false, count: insts.count))
        constAt.removeAll(keepingCapacity: true)   // indices in `out` of const ops
        vectorCodes.removeAll(keepingCapacity: true)
        fpCodes.removeAll(keepingCapacity: true)
        var count: UInt16 = 0
        var pendingCheck = false
        var chainable = true
        var i = 0

        func constant(_ v: Value) -> UInt64? {
            guard !v.isNone, insts[Int(v.index)].op == .const_ else { return nil }
            return insts[Int(v.index)].imm
        }
        func slot(_ v: Value) -> UInt16 {
            if v.isNone { return 0 }
            readSlot[Int(v.index)] = true
            return UInt16(v.index)
        }
        func typeOf(_ v: Value) -> IRType { insts[Int(v.index)].type }

        while i < insts.count {
            let inst = insts[i]
            var p = PInst(.generic)
            p.d = UInt16(i)
            p.n = count
            switch inst.op {
            case .nop:
                i += 1
                continue
            case .insnStart:
                if pendingCheck {
                    var c = PInst(.check)
                    c.imm = inst.imm
                    c.n = count
                    out.append(c)
                    pendingCheck = false
                }
                count += 1
                i += 1
                continue
            case .const_:
                p.op = .const_
                p.imm = inst.imm
                constAt.append(out.count)
            case .getReg:
                p.op = .getReg
                p.imm = UInt64(StateLayout.gpr(Int(inst.imm)))
            case .setReg:
                if let k = constant(inst.a) {
                    p.op = .setRegI
                    p.imm = k
                    p.m = UInt64(StateLayout.gpr(Int(inst.imm)))
                } else {
                    p.op = .setReg
                    p.a = slot(inst.a)
                    p.imm = UInt64(StateLayout.gpr(Int(inst.imm)))
                }
            case .getFlags:
                p.op = .getFlags
            case .setFlags:
                p.op = .setFlags
                p.a = slot(inst.a)
            case .shl, .lshr:
                // Fused into the next op when that is its only user.
                if let k = constant(inst.b), i + 1 < insts.count, uses[i] == 1, case let next = insts[i + 1],
                   next.type == inst.type, [.add, .sub, .and, .or, .xor].contains(next.op), constant(next.a) == nil,
                   next.b.index == UInt32(i) || (next.a.index == UInt32(i) && next.op != .sub) {
                    let other = next.b.index == UInt32(i) ? next.a : next.b
                    if constant(other) == nil {
                        p.d = UInt16(i + 1)
                        p.a = slot(other)
                        p.b = slot(inst.a)
                        p.imm = k % UInt64(inst.type.bits)
                        p.x = inst.op == .shl ? 0 : 1
                        p.m = inst.type.mask
                        switch next.op {
                        case .add: p.op = .addSh
                        case .sub: p.op = .subSh
                        case .and: p.op = .andSh
                        case .or: p.op = .orSh
                        default: p.op = .xorSh
                        }
                        p.n = count
                        out.append(p)
                        i += 2
                        continue
                    }
                }
                fallthrough
            case .add, .sub, .mul, .and, .or, .xor, .ashr, .ror:
                let bits = UInt64(inst.type.bits)
                p.m = inst.type.mask
                p.a = slot(inst.a)
                if let k = constant(inst.b) {
                    p.imm = k
                    switch inst.op {
                    case .add: p.op = .addI
                    case .sub: p.op = .subI
                    case .mul: p.op = .mulI
                    case .and: p.op = .andI
                    case .or: p.op = .orI
                    case .xor: p.op = .xorI
                    case .shl: p.op = .shlI; p.imm = k % bits
                    case .lshr: p.op = .lshrI; p.imm = k % bits
                    case .ashr: p.op = .ashrI; p.imm = k % bits; p.x = UInt8(64 - bits)
                    default:   // ror
                        p.imm = k % bits
                        if p.imm == 0 { p.op = .mask } else { p.op = .rorI; p.x = UInt8(bits) }
                    }
                } else if inst.op == .ror {
                    p = generic(i, inst, slot)
                } else {
                    p.b = slot(inst.b)
                    switch inst.op {
                    case .add: p.op = .add
                    case .sub: p.op = .sub
                    case .mul: p.op = .mul
                    case .and: p.op = .and
                    case .or: p.op = .or
                    case .xor: p.op = .xor
                    case .shl: p.op = .shl; p.x = UInt8(bits - 1)
                    case .lshr: p.op = .lshr; p.x = UInt8(bits - 1)
                    default: p.op = .ashr; p.x = UInt8(64 - bits)   // ashr
                    }
                }
            case .not, .neg:
                p.op = inst.op == .not ? .not : .neg
                p.a = slot(inst.a)
                p.m = inst.type.mask
            case .zext, .trunc:
                p.op = .mask
                p.a = slot(inst.a)
                p.m = inst.type.mask
            case .sext:
                p.op = .sext
                p.a = slot(inst.a)
                p.m = inst.type.mask
                p.x = UInt8(64 - typeOf(inst.a).bits)
            case .select:
                p.op = .select
                p.a = slot(inst.a); p.b = slot(inst.b); p.c = slot(inst.c)
            case .addCarry:
                p.op = .addCarry
                p.a = slot(inst.a); p.b = slot(inst.b); p.c = slot(inst.c)
                p.m = inst.type.mask
            case .nzcvAdd, .nzcvLogic:
                let t = typeOf(inst.a)
                let setsFlags = i + 1 < insts.count && insts[i + 1].op == .setFlags && insts[i + 1].a.index == UInt32(i)
                if inst.op == .nzcvAdd {
                    p.op = t == .i64 ? (setsFlags ? .nzcvAdd64S : .nzcvAdd64) : (setsFlags ? .nzcvAddS : .nzcvAdd)
                    p.a = slot(inst.a); p.b = slot(inst.b); p.c = slot(inst.c)
                    p.m = t.mask
                } else {
                    p.op = setsFlags ? .nzcvLogicS : .nzcvLogic
                    p.a = slot(inst.a)
                    p.imm = UInt64(1) << UInt64(t.bits - 1)
                }
                if setsFlags {
                    p.n = count
                    out.append(p)
                    i += 2
                    continue
                }
            case .cmp, .condHolds:
                // Fused with the exit right after it when that is its only use.
                if i + 1 < insts.count, insts[i + 1].op == .exitIf, insts[i + 1].a.index == UInt32(i), uses[i] == 1 {
                    let exit = insts[i + 1]
                    p.imm = exit.imm
                    p.a = slot(inst.a)
                    if inst.op == .cmp {
                        p.x = UInt8(inst.imm)
                        p.c = UInt16(64 - typeOf(inst.a).bits)
                        if let k = constant(inst.b), k <= UInt64(UInt16.max) {
                            p.op = .exitIfCmpI
                            p.b = UInt16(k)
                        } else {
                            p.op = .exitIfCmp
                            p.b = slot(inst.b)
                        }
                    } else {
                        p.op = .exitIfCond
                        p.x = UInt8(inst.imm)
                    }
                    out.append(p)
                    i += 2
                    continue
                }
                p.a = slot(inst.a)
                if inst.op == .condHolds {
                    p.op = .condHolds
                    p.x = UInt8(inst.imm)
                } else {
                    let t = typeOf(inst.a)
                    p.x = UInt8(64 - t.bits)
                    let pred = Predicate(rawValue: inst.imm)!
                    let k = constant(inst.b)
                    if let k { p.imm = k } else { p.b = slot(inst.b) }
                    let imm = k != nil
                    switch pred {
                    case .eq: p.op = imm ? .eqI : .eq
                    case .ne: p.op = imm ? .neI : .ne
                    case .ult: p.op = imm ? .ultI : .ult
                    case .ule: p.op = imm ? .uleI : .ule
                    case .ugt: p.op = imm ? .ugtI : .ugt
                    case .uge: p.op = imm ? .ugeI : .uge
                    case .slt: p.op = imm ? .sltI : .slt
                    case .sle: p.op = imm ? .sleI : .sle
                    case .sgt: p.op = imm ? .sgtI : .sgt
                    case .sge: p.op = imm ? .sgeI : .sge
                    }
                }
            case .load, .store:
                let isStore = inst.op == .store
                let size = (isStore ? typeOf(inst.b) : inst.type).bits >> 3
                let flags = AccessFlags(rawValue: inst.imm)
                p.op = TOp.memoryAccess(size: size, store: isStore)
                p.a = slot(inst.a)
                if isStore {
                    p.b = slot(inst.b)
                    pendingCheck = true
                }
                p.imm = inst.imm
                p.m = TLB.pageMask | flags.slowPathMask(size: size)
                p.x = flags.contains(.unprivileged) ? 1 : 0
            case .call:
                p.op = .call
                p.imm = inst.imm
                if !inst.a.isNone { p.a = slot(inst.a); p.x |= 1 }
                if !inst.b.isNone { p.b = slot(inst.b); p.x |= 2 }
                if !inst.c.isNone { p.c = slot(inst.c); p.x |= 4 }
                if let id = HelperID(rawValue: UInt16(inst.imm)) {
                    if !id.info.pure { pendingCheck = true }
                    switch id {
                    case .msr, .msrImmediate, .sys, .eret, .hint, .hlt, .hvc, .smc, .svc, .brk, .undefined, .fpAccessTrap:
                        chainable = false
                    default: break
                    }
                }
            case .exitJump:
                p.op = .exitJump
                p.imm = inst.imm
            case .exitIndirect:
                p.op = .exitIndirect
                p.a = slot(inst.a)
            case .exitIf:
                p.op = .exitIf
                p.a = slot(inst.a)
                p.imm = inst.imm
            case .exitState:
                p.op = .exitState
            case .getVec:
                p.imm = UInt64(StateLayout.vreg(Int(inst.imm)))
                switch inst.type {
                case .v128: p.op = .getVec128
                case .i8: p.op = .getVec8
                case .i16: p.op = .getVec16
                case .i32, .f32: p.op = .getVec32
                default: p.op = .getVec64
                }
            case .setVec:
                p.op = typeOf(inst.a) == .v128 ? .setVec128 : .setVecScalar
                p.a = slot(inst.a)
                p.imm = UInt64(StateLayout.vreg(Int(inst.imm)))
            case .bitcast:
                p.op = .copy
                p.a = slot(inst.a)
            case .vpack:
                p.op = .vpack
                p.a = slot(inst.a); p.b = slot(inst.b)
            case .vextract:
                p.op = .vextract
                p.a = slot(inst.a)
                p.imm = inst.imm
                p.x = UInt8(inst.type.bits)
            case .vinsert:
                p.op = .vinsert
                p.a = slot(inst.a); p.b = slot(inst.b)
                p.imm = inst.imm
                p.x = UInt8(typeOf(inst.b).bits)
            case .vdup:
                p.op = .vdup
                p.a = slot(inst.a)
                p.x = UInt8(typeOf(inst.a).bits)
            case .vop:
                p.op = .vop
                p.a = slot(inst.a)
                p.b = inst.b.isNone ? p.a : slot(inst.b)
                p.c = inst.c.isNone ? p.a : slot(inst.c)
                p.imm = UInt64(vectorCodes.count)
                vectorCodes.append(VectorOpcode(imm: inst.imm))
            case .fp:
                p.op = .fp
                p.a = slot(inst.a)
                if !inst.b.isNone { p.b = slot(inst.b); p.m |= 1 << 8 }
                if !inst.c.isNone { p.c = slot(inst.c); p.m |= 1 << 9 }
                p.m |= UInt64(typeOf(inst.a).bits)
                p.x = UInt8(inst.type.bits)
                p.imm = UInt64(fpCodes.count)
                fpCodes.append(FPOpcode(imm: inst.imm))
            default:
                p = generic(i, inst, slot)
            }
            p.n = count
            out.append(p)
            i += 1
        }
        // Constants only read as immediates need no op.
        if constAt.contains(where: { !readSlot[Int(out[$0].d)] }) {
            var kept = 0
            for k in out.indices where out[k].op != .const_ || readSlot[Int(out[k].d)] {
                out[kept] = out[k]
                kept += 1
            }
            out.removeLast(out.count - kept)
        }
        return ThreadedCode(ops: out, block: block, chainable: chainable, vectorCodes: vectorCodes, fpCodes: fpCodes)
    }

    private static func generic(_ i: Int, _ inst: Inst, _ slot: (Value) -> UInt16) -> PInst {
        var p = PInst(.generic)
        p.d = UInt16(i)
        inst.forEachOperand { _ = slot($0) }
        return p
    }
}
