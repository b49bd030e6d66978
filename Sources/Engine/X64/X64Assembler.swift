// A small x86-64 assembler for the JIT backend: one method per instruction
// form, shortest encoding where there is a choice (imm8, disp8, the rax short
// forms), labels with rel8/rel32 jumps, and a rel32 patcher for block chaining.
//
// Encoding reminders (Intel SDM vol. 2, ch. 2):
//   [66] [F2/F3] [REX 0100WRXB] [0F] opcode ModRM [SIB] [disp] [imm]
//   REX.W: 64-bit operand size; R: ModRM.reg bit 3; X: SIB.index bit 3; B: ModRM.rm/SIB.base bit 3.
//   An 8-bit operand in register 4...7 is ah/ch/dh/bh without REX and spl/bpl/sil/dil with
//   one, so a REX (0x40 if nothing else) is always emitted for those.
//   rm = 100 means "SIB follows" (so rsp/r12 as a base need a SIB); mod = 00, rm = 101
//   means RIP-relative (so rbp/r13 as a base with no displacement need disp8 = 0);
//   SIB.index = 100 means "no index" (so rsp cannot be an index; r12 can, with REX.X).

public final class X64Assembler {
    public private(set) var bytes: [UInt8]

    /// The current position (the number of bytes emitted so far).
    public var offset: Int { bytes.count }

    /// Offset of each label, -1 while unbound.
    private var labelOffsets: [Int] = []
    /// rel32 fields of jumps to labels not yet bound.
    private var pending: [(field: Int, label: Int)] = []

    public init() {
        bytes = []
        bytes.reserveCapacity(1024)
        labelOffsets.reserveCapacity(64)
        pending.reserveCapacity(32)
    }

    public init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer (keeping its capacity) and forgets all labels, to assemble
    /// the next block with the same object.
    public func reset() {
        bytes.removeAll(keepingCapacity: true)
        labelOffsets.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
    }

    // MARK: Labels

    public func newLabel() -> Label {
        labelOffsets.append(-1)
        return Label(id: labelOffsets.count - 1)
    }

    /// Binds `l` to the current offset and resolves the jumps already emitted to it.
    public func bind(_ l: Label) {
        precondition(labelOffsets[l.id] < 0, "label bound twice")
        let target = offset
        labelOffsets[l.id] = target
        var i = 0
        while i < pending.count {
            if pending[i].label == l.id {
                patchField(pending[i].field, target: target)
                pending.swapAt(i, pending.count - 1)
                pending.removeLast()
            } else {
                i += 1
            }
        }
    }

    /// Whether `l` has been bound.
    public func isBound(_ l: Label) -> Bool { labelOffsets[l.id] >= 0 }

    /// The offset `l` is bound to, or nil.
    public func labelOffset(_ l: Label) -> Int? {
        let o = labelOffsets[l.id]
        return o >= 0 ? o : nil
    }

    /// Checks that every label jumped to has been bound (jumps are resolved as
    /// their labels are bound, so `bytes` is final afterwards).
    public func finish() {
        precondition(pending.isEmpty, "jump to a label that was never bound")
    }

    /// Records a rel32 field to patch when `l` is bound.
    func recordPending(field: Int, label l: Label) {
        pending.append((field: field, label: l.id))
    }

    private func patchField(_ field: Int, target: Int) {
        let rel = target - (field + 4)
        precondition(rel >= Int(Int32.min) && rel <= Int(Int32.max), "rel32 out of range")
        let v = UInt32(truncatingIfNeeded: rel)
        bytes[field] = UInt8(truncatingIfNeeded: v)
        bytes[field + 1] = UInt8(truncatingIfNeeded: v >> 8)
        bytes[field + 2] = UInt8(truncatingIfNeeded: v >> 16)
        bytes[field + 3] = UInt8(truncatingIfNeeded: v >> 24)
    }

    // MARK: Raw emission

    @inline(__always) func put(_ b: UInt8) { bytes.append(b) }

    @inline(__always) func put16(_ v: UInt16) {
        put(UInt8(truncatingIfNeeded: v))
        put(UInt8(truncatingIfNeeded: v >> 8))
    }

    @inline(__always) func put32(_ v: UInt32) {
        put(UInt8(truncatingIfNeeded: v))
        put(UInt8(truncatingIfNeeded: v >> 8))
        put(UInt8(truncatingIfNeeded: v >> 16))
        put(UInt8(truncatingIfNeeded: v >> 24))
    }

    @inline(__always) func put64(_ v: UInt64) {
        put32(UInt32(truncatingIfNeeded: v))
        put32(UInt32(truncatingIfNeeded: v >> 32))
    }

    public func emitBytes(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    /// An immediate of the operand size (1, 2 or 4 bytes; .q takes a sign-extended imm32).
    @inline(__always) func putImm(_ imm: Int32, _ size: OpSize) {
        switch size {
        case .b: put(UInt8(truncatingIfNeeded: imm))
        case .w: put16(UInt16(truncatingIfNeeded: imm))
        case .d, .q: put32(UInt32(bitPattern: imm))
        }
    }

    // MARK: Prefixes, REX, ModRM

    /// 0x66 for 16-bit operands.
    @inline(__always) func opSizePrefix(_ size: OpSize) {
        if size == .w { put(0x66) }
    }

    /// REX for a register-direct ModRM (`reg`: register number or /digit, `rm`: register number).
    @inline(__always) func rex(w: Bool, reg: UInt8, rm: UInt8, force: Bool = false) {
        let r: UInt8 = 0x40 | (w ? 8 : 0) | ((reg >> 3) & 1) << 2 | ((rm >> 3) & 1)
        if r != 0x40 || force { put(r) }
    }

    /// REX for a memory ModRM.
    @inline(__always) func rex(w: Bool, reg: UInt8, mem m: Mem, force: Bool = false) {
        let x: UInt8 = m.index.map { $0.ext } ?? 0
        let r: UInt8 = 0x40 | (w ? 8 : 0) | ((reg >> 3) & 1) << 2 | x << 1 | m.base.ext
        if r != 0x40 || force { put(r) }
    }

    @inline(__always) func modrm(reg: UInt8, rm: UInt8) {
        put(0xC0 | (reg & 7) << 3 | (rm & 7))
    }

    /// ModRM [+ SIB] [+ disp8/disp32] for `m`, with `reg` in ModRM.reg.
    func modrm(reg: UInt8, mem m: Mem) {
        let r = (reg & 7) << 3
        let base = m.base.low3
        let mod: UInt8
        if m.disp == 0 && base != 5 {
            mod = 0x00
        } else if m.disp >= -128 && m.disp <= 127 {
            mod = 0x40
        } else {
            mod = 0x80
        }
        if let index = m.index {
            precondition(index != .rsp, "rsp cannot be an index register")
            let ss: UInt8
            switch m.scale {
            case 1: ss = 0
            case 2: ss = 1
            case 4: ss = 2
            case 8: ss = 3
            default: preconditionFailure("scale must be 1, 2, 4 or 8")
            }
            put(mod | r | 4)
            put(ss << 6 | index.low3 << 3 | base)
        } else if base == 4 {
            put(mod | r | 4)
            put(0x24)       // scale 1, no index, base rsp/r12
        } else {
            put(mod | r | base)
        }
        if mod == 0x40 {
            put(UInt8(bitPattern: Int8(truncatingIfNeeded: m.disp)))
        } else if mod == 0x80 {
            put32(UInt32(bitPattern: m.disp))
        }
    }

    /// `[66] [prefix] [REX] [0F] opcode ModRM(reg, rm)` with register operands.
    /// `byteReg`/`byteRM`: that field is an 8-bit register (REX needed for 4...7).
    @inline(__always)
    func emitRR(_ size: OpSize, prefix: UInt8 = 0, escape: Bool = false, _ opcode: UInt8,
                reg: UInt8, rm: UInt8, byteReg: Bool = false, byteRM: Bool = false) {
        opSizePrefix(size)
        if prefix != 0 { put(prefix) }
        let force = (byteReg && reg >= 4 && reg <= 7) || (byteRM && rm >= 4 && rm <= 7)
        rex(w: size == .q, reg: reg, rm: rm, force: force)
        if escape { put(0x0F) }
        put(opcode)
        modrm(reg: reg, rm: rm)
    }

    /// `[66] [prefix] [REX] [0F] opcode ModRM(reg, m) ...` with a memory operand.
    @inline(__always)
    func emitRM(_ size: OpSize, prefix: UInt8 = 0, escape: Bool = false, _ opcode: UInt8,
                reg: UInt8, mem m: Mem, byteReg: Bool = false) {
        opSizePrefix(size)
        if prefix != 0 { put(prefix) }
        rex(w: size == .q, reg: reg, mem: m, force: byteReg && reg >= 4 && reg <= 7)
        if escape { put(0x0F) }
        put(opcode)
        modrm(reg: reg, mem: m)
    }

    /// The immediate of an ALU-class instruction brought to its operand size:
    /// .b accepts -128...255, .w -32768...65535 (the bit pattern is what counts),
    /// and the result is that pattern sign-extended (so the imm8 test is a range check).
    @inline(__always) func normalizedImm(_ imm: Int32, _ size: OpSize) -> Int32 {
        switch size {
        case .b:
            precondition(imm >= -128 && imm <= 255, "8-bit immediate out of range")
            return Int32(Int8(truncatingIfNeeded: imm))
        case .w:
            precondition(imm >= -32768 && imm <= 65535, "16-bit immediate out of range")
            return Int32(Int16(truncatingIfNeeded: imm))
        case .d, .q:
            return imm
        }
    }

    @inline(__always) static func fitsInt8(_ v: Int32) -> Bool { v >= -128 && v <= 127 }
}

/// Patches a rel32 field at `at` inside executable memory so the jmp goes to `target` (absolute addresses).
/// `field` is where to write (e.g. the writable view of the code); `fieldAddress` is the
/// address the field has when the code runs. The displacement is relative to the end of
/// the field, which is the end of the jmp/jcc/call that holds it.
public func patchRel32(field: UnsafeMutableRawPointer, fieldAddress: UInt64, target: UInt64) {
    let rel = Int64(bitPattern: target &- (fieldAddress &+ 4))
    precondition(rel >= Int64(Int32.min) && rel <= Int64(Int32.max), "patchRel32: target out of rel32 range")
    field.storeBytes(of: Int32(truncatingIfNeeded: rel).littleEndian, as: Int32.self)
}
