// Instruction emitters of X64Assembler. Operand order is Intel's: destination first.

extension X64Assembler {
    // MARK: Data movement

    /// `mov dst, src` (88/89 /r).
    public func mov(_ dst: Reg, _ src: Reg, _ size: OpSize = .q) {
        emitRR(size, size == .b ? 0x88 : 0x89, reg: src.rawValue, rm: dst.rawValue,
               byteReg: size == .b, byteRM: size == .b)
    }

    /// Loads a 64-bit constant with the shortest encoding that leaves the flags alone:
    /// `mov r32, imm32` (B8+r, zero-extends) when it fits in 32 bits unsigned,
    /// `mov r/m64, simm32` (REX.W C7 /0) when it fits sign-extended, else `movabs` (REX.W B8+r imm64).
    public func mov(_ dst: Reg, imm: UInt64) {
        if imm <= 0xFFFF_FFFF {
            rex(w: false, reg: 0, rm: dst.rawValue)
            put(0xB8 | dst.low3)
            put32(UInt32(imm))
        } else if Int64(bitPattern: imm) >= Int64(Int32.min) && Int64(bitPattern: imm) < 0 {
            rex(w: true, reg: 0, rm: dst.rawValue)
            put(0xC7)
            modrm(reg: 0, rm: dst.rawValue)
            put32(UInt32(truncatingIfNeeded: imm))
        } else {
            movabs(dst, imm: imm)
        }
    }

    /// Always the 10-byte `movabs dst, imm64` (REX.W B8+r io); returns the offset of the
    /// 8-byte immediate, for code that patches the constant later.
    @discardableResult
    public func movabs(_ dst: Reg, imm: UInt64) -> Int {
        rex(w: true, reg: 0, rm: dst.rawValue)
        put(0xB8 | dst.low3)
        let field = offset
        put64(imm)
        return field
    }

    /// `mov r, [m]`; .b and .w use `movzx r32, byte/word [m]` (the 64-bit register is zero-extended,
    /// as is .d's `mov r32`).
    public func load(_ dst: Reg, _ m: Mem, _ size: OpSize) {
        switch size {
        case .b: emitRM(.d, escape: true, 0xB6, reg: dst.rawValue, mem: m)
        case .w: emitRM(.d, escape: true, 0xB7, reg: dst.rawValue, mem: m)
        case .d, .q: emitRM(size, 0x8B, reg: dst.rawValue, mem: m)
        }
    }

    /// Sign-extending load: `movsx r, byte/word [m]` (0F BE/BF), `movsxd r64, dword [m]` (REX.W 63).
    /// `from` .b/.w/.d, `to` wider than `from` (.w, .d or .q).
    public func loadSigned(_ dst: Reg, _ m: Mem, from: OpSize, to: OpSize) {
        precondition(to.bits > from.bits && to != .b, "loadSigned: bad sizes")
        switch from {
        case .b: emitRM(to, escape: true, 0xBE, reg: dst.rawValue, mem: m)
        case .w: emitRM(to, escape: true, 0xBF, reg: dst.rawValue, mem: m)
        case .d: emitRM(.q, 0x63, reg: dst.rawValue, mem: m)
        case .q: preconditionFailure("loadSigned from .q")
        }
    }

    /// `mov [m], r` (88/89 /r; spl/bpl/sil/dil get a REX).
    public func store(_ m: Mem, _ src: Reg, _ size: OpSize) {
        emitRM(size, size == .b ? 0x88 : 0x89, reg: src.rawValue, mem: m, byteReg: size == .b)
    }

    /// `mov size ptr [m], imm` (C6 /0 ib, C7 /0 iw/id; .q sign-extends the imm32).
    /// .b takes -128...255, .w -32768...65535.
    public func store(_ m: Mem, imm: Int32, _ size: OpSize) {
        let v = normalizedImm(imm, size)
        emitRM(size, size == .b ? 0xC6 : 0xC7, reg: 0, mem: m)
        putImm(v, size)
    }

    /// `movzx dst32, src8/src16` (0F B6/B7); zero-extends into the whole 64-bit register.
    public func movzx(_ dst: Reg, _ src: Reg, from: OpSize) {
        precondition(from == .b || from == .w, "movzx from .b or .w")
        emitRR(.d, escape: true, from == .b ? 0xB6 : 0xB7, reg: dst.rawValue, rm: src.rawValue, byteRM: from == .b)
    }

    /// `movsx dst, src` from .b/.w (0F BE/BF) or `movsxd dst64, src32` (REX.W 63); `to` .w/.d/.q, wider than `from`.
    public func movsx(_ dst: Reg, _ src: Reg, from: OpSize, to: OpSize) {
        precondition(to.bits > from.bits && to != .b, "movsx: bad sizes")
        switch from {
        case .b: emitRR(to, escape: true, 0xBE, reg: dst.rawValue, rm: src.rawValue, byteRM: true)
        case .w: emitRR(to, escape: true, 0xBF, reg: dst.rawValue, rm: src.rawValue)
        case .d: emitRR(.q, 0x63, reg: dst.rawValue, rm: src.rawValue)
        case .q: preconditionFailure("movsx from .q")
        }
    }

    /// `lea dst, [m]` (8D /r); .w/.d/.q.
    public func lea(_ dst: Reg, _ m: Mem, _ size: OpSize = .q) {
        precondition(size != .b, "lea has no 8-bit form")
        emitRM(size, 0x8D, reg: dst.rawValue, mem: m)
    }

    /// `xchg a, b` (86/87 /r; 90+r when exactly one operand is rax and the size is not .b).
    /// `xchg eax, eax` is never the one-byte 0x90 (that is a NOP and would not zero-extend).
    public func xchg(_ a: Reg, _ b: Reg, _ size: OpSize) {
        if size != .b && (a == .rax) != (b == .rax) {
            let other = a == .rax ? b : a
            opSizePrefix(size)
            rex(w: size == .q, reg: 0, rm: other.rawValue)
            put(0x90 | other.low3)
        } else {
            emitRR(size, size == .b ? 0x86 : 0x87, reg: a.rawValue, rm: b.rawValue,
                   byteReg: size == .b, byteRM: size == .b)
        }
    }

    // MARK: Arithmetic and logic

    /// `op dst, src` (op*8 + 0/1, the MR form).
    public func alu(_ op: AluOp, _ dst: Reg, _ src: Reg, _ size: OpSize) {
        emitRR(size, op.rawValue << 3 | (size == .b ? 0 : 1), reg: src.rawValue, rm: dst.rawValue,
               byteReg: size == .b, byteRM: size == .b)
    }

    /// `op dst, imm`: 83 /op ib when the immediate fits in a signed byte, else the al/ax/eax/rax
    /// short form (op*8 + 4/5) or 80/81 /op. .b takes -128...255, .w -32768...65535,
    /// .q a sign-extended imm32.
    public func alu(_ op: AluOp, _ dst: Reg, imm: Int32, _ size: OpSize) {
        let v = normalizedImm(imm, size)
        if size == .b {
            if dst == .rax {
                put(op.rawValue << 3 | 4)
            } else {
                emitRR(.b, 0x80, reg: op.rawValue, rm: dst.rawValue, byteRM: size == .b)
            }
            putImm(v, .b)
        } else if X64Assembler.fitsInt8(v) {
            emitRR(size, 0x83, reg: op.rawValue, rm: dst.rawValue)
            putImm(v, .b)
        } else if dst == .rax {
            opSizePrefix(size)
            if size == .q { put(0x48) }
            put(op.rawValue << 3 | 5)
            putImm(v, size)
        } else {
            emitRR(size, 0x81, reg: op.rawValue, rm: dst.rawValue)
            putImm(v, size)
        }
    }

    /// `op dst, size ptr [m]` (op*8 + 2/3).
    public func alu(_ op: AluOp, _ dst: Reg, _ m: Mem, _ size: OpSize) {
        emitRM(size, op.rawValue << 3 | (size == .b ? 2 : 3), reg: dst.rawValue, mem: m, byteReg: size == .b)
    }

    /// `op size ptr [m], imm` (80 /op ib, 83 /op ib, 81 /op iw/id).
    public func alu(_ op: AluOp, _ m: Mem, imm: Int32, _ size: OpSize) {
        let v = normalizedImm(imm, size)
        if size == .b {
            emitRM(.b, 0x80, reg: op.rawValue, mem: m)
            putImm(v, .b)
        } else if X64Assembler.fitsInt8(v) {
            emitRM(size, 0x83, reg: op.rawValue, mem: m)
            putImm(v, .b)
        } else {
            emitRM(size, 0x81, reg: op.rawValue, mem: m)
            putImm(v, size)
        }
    }

    /// `op size ptr [m], src` (op*8 + 0/1).
    public func alu(_ op: AluOp, _ m: Mem, _ src: Reg, _ size: OpSize) {
        emitRM(size, op.rawValue << 3 | (size == .b ? 0 : 1), reg: src.rawValue, mem: m, byteReg: size == .b)
    }

    /// `test a, b` (84/85 /r).
    public func test(_ a: Reg, _ b: Reg, _ size: OpSize) {
        emitRR(size, size == .b ? 0x84 : 0x85, reg: b.rawValue, rm: a.rawValue,
               byteReg: size == .b, byteRM: size == .b)
    }

    /// `test a, imm` (A8/A9 for al/ax/eax/rax, else F6/F7 /0; no imm8 form exists for wider sizes).
    public func test(_ a: Reg, imm: Int32, _ size: OpSize) {
        let v = normalizedImm(imm, size)
        if a == .rax {
            opSizePrefix(size)
            if size == .q { put(0x48) }
            put(size == .b ? 0xA8 : 0xA9)
        } else {
            emitRR(size, size == .b ? 0xF6 : 0xF7, reg: 0, rm: a.rawValue, byteRM: size == .b)
        }
        putImm(v, size)
    }

    /// `test size ptr [m], imm` (F6/F7 /0).
    public func test(_ m: Mem, imm: Int32, _ size: OpSize) {
        let v = normalizedImm(imm, size)
        emitRM(size, size == .b ? 0xF6 : 0xF7, reg: 0, mem: m)
        putImm(v, size)
    }

    /// `op dst, imm` (D0/D1 /n when imm == 1, which disassembles as `shl eax`; else C0/C1 /n ib).
    /// `sal` is emitted as `shl` (/4).
    public func shift(_ op: ShiftOp, _ dst: Reg, imm: UInt8, _ size: OpSize) {
        let digit = op == .sal ? ShiftOp.shl.rawValue : op.rawValue
        if imm == 1 {
            emitRR(size, size == .b ? 0xD0 : 0xD1, reg: digit, rm: dst.rawValue, byteRM: size == .b)
        } else {
            emitRR(size, size == .b ? 0xC0 : 0xC1, reg: digit, rm: dst.rawValue, byteRM: size == .b)
            put(imm)
        }
    }

    /// `op dst, cl` (D2/D3 /n).
    public func shiftCL(_ op: ShiftOp, _ dst: Reg, _ size: OpSize) {
        let digit = op == .sal ? ShiftOp.shl.rawValue : op.rawValue
        emitRR(size, size == .b ? 0xD2 : 0xD3, reg: digit, rm: dst.rawValue, byteRM: size == .b)
    }

    /// `rol r16, 8`: swaps the two low bytes (a 16-bit byte swap).
    public func rol16(_ r: Reg) {
        shift(.rol, r, imm: 8, .w)
    }

    /// Two-operand `imul dst, src` (0F AF /r); .w/.d/.q.
    public func imul(_ dst: Reg, _ src: Reg, _ size: OpSize) {
        precondition(size != .b, "imul r, r has no 8-bit form")
        emitRR(size, escape: true, 0xAF, reg: dst.rawValue, rm: src.rawValue)
    }

    /// Three-operand `imul dst, src, imm` (6B /r ib or 69 /r iw/id); .w/.d/.q.
    public func imul(_ dst: Reg, _ src: Reg, imm: Int32, _ size: OpSize) {
        precondition(size != .b, "imul r, r, imm has no 8-bit form")
        let v = normalizedImm(imm, size)
        if X64Assembler.fitsInt8(v) {
            emitRR(size, 0x6B, reg: dst.rawValue, rm: src.rawValue)
            putImm(v, .b)
        } else {
            emitRR(size, 0x69, reg: dst.rawValue, rm: src.rawValue)
            putImm(v, size)
        }
    }

    /// Group 3 (F6/F7 /digit) with a register operand.
    @inline(__always) private func group3(_ digit: UInt8, _ r: Reg, _ size: OpSize) {
        emitRR(size, size == .b ? 0xF6 : 0xF7, reg: digit, rm: r.rawValue, byteRM: size == .b)
    }

    /// Unsigned `mul src`: rdx:rax = rax * src (ax = al * src for .b).
    public func mul(_ src: Reg, _ size: OpSize) { group3(4, src, size) }
    /// Signed one-operand `imul src`: rdx:rax = rax * src.
    public func imul1(_ src: Reg, _ size: OpSize) { group3(5, src, size) }
    /// Unsigned `div src`: rax = rdx:rax / src, rdx = remainder.
    public func div(_ src: Reg, _ size: OpSize) { group3(6, src, size) }
    /// Signed `idiv src`.
    public func idiv(_ src: Reg, _ size: OpSize) { group3(7, src, size) }
    public func neg(_ r: Reg, _ size: OpSize) { group3(3, r, size) }
    public func not(_ r: Reg, _ size: OpSize) { group3(2, r, size) }

    /// `cqo`: rdx = sign of rax (48 99).
    public func cqo() { put(0x48); put(0x99) }
    /// `cdq`: edx = sign of eax (99).
    public func cdq() { put(0x99) }
    /// `cdqe`: rax = sign-extended eax (48 98).
    public func cdqe() { put(0x48); put(0x98) }

    /// `bsr dst, src` (0F BD); .w/.d/.q. dst is undefined (unchanged on Intel/AMD) when src == 0; ZF = (src == 0).
    public func bsr(_ dst: Reg, _ src: Reg, _ size: OpSize) {
        precondition(size != .b, "bsr has no 8-bit form")
        emitRR(size, escape: true, 0xBD, reg: dst.rawValue, rm: src.rawValue)
    }

    /// `bsf dst, src` (0F BC); .w/.d/.q.
    public func bsf(_ dst: Reg, _ src: Reg, _ size: OpSize) {
        precondition(size != .b, "bsf has no 8-bit form")
        emitRR(size, escape: true, 0xBC, reg: dst.rawValue, rm: src.rawValue)
    }

    /// `lzcnt dst, src` (F3 0F BD; needs ABM/LZCNT, else it executes as bsr).
    public func lzcnt(_ dst: Reg, _ src: Reg, _ size: OpSize) {
        precondition(size != .b, "lzcnt has no 8-bit form")
        emitRR(size, prefix: 0xF3, escape: true, 0xBD, reg: dst.rawValue, rm: src.rawValue)
    }

    /// `tzcnt dst, src` (F3 0F BC; needs BMI1, else it executes as bsf).
    public func tzcnt(_ dst: Reg, _ src: Reg, _ size: OpSize) {
        precondition(size != .b, "tzcnt has no 8-bit form")
        emitRR(size, prefix: 0xF3, escape: true, 0xBC, reg: dst.rawValue, rm: src.rawValue)
    }

    /// `popcnt dst, src` (F3 0F B8; needs POPCNT).
    public func popcnt(_ dst: Reg, _ src: Reg, _ size: OpSize) {
        precondition(size != .b, "popcnt has no 8-bit form")
        emitRR(size, prefix: 0xF3, escape: true, 0xB8, reg: dst.rawValue, rm: src.rawValue)
    }

    /// `bswap r32/r64` (0F C8+r). For 16 bits use `rol16`.
    public func bswap(_ r: Reg, _ size: OpSize) {
        precondition(size == .d || size == .q, "bswap is .d or .q")
        rex(w: size == .q, reg: 0, rm: r.rawValue)
        put(0x0F)
        put(0xC8 | r.low3)
    }

    /// `bt r, imm8` (0F BA /4 ib): CF = bit `imm` of r; .w/.d/.q.
    public func bt(_ r: Reg, imm: UInt8, _ size: OpSize) {
        precondition(size != .b, "bt has no 8-bit form")
        emitRR(size, escape: true, 0xBA, reg: 4, rm: r.rawValue)
        put(imm)
    }

    /// `setcc r8` (0F 90+cc /0); spl/bpl/sil/dil and r8b-r15b get a REX. Writes only the low byte.
    public func setcc(_ c: Cond, _ dst: Reg) {
        emitRR(.b, escape: true, 0x90 | c.rawValue, reg: 0, rm: dst.rawValue, byteRM: true)
    }

    /// `cmovcc dst, src` (0F 40+cc /r); .w/.d/.q (.d zero-extends dst even when the condition is false).
    public func cmov(_ c: Cond, _ dst: Reg, _ src: Reg, _ size: OpSize) {
        precondition(size != .b, "cmov has no 8-bit form")
        emitRR(size, escape: true, 0x40 | c.rawValue, reg: dst.rawValue, rm: src.rawValue)
    }

    // MARK: Control flow

    /// `jmp label`: EB rel8 when the label is bound and within reach, else E9 rel32
    /// (always rel32 for a label not yet bound; resolved when it is bound).
    public func jmp(_ l: Label) {
        if let target = labelOffset(l) {
            let rel = target - (offset + 2)
            if rel >= -128 && rel <= 127 {
                put(0xEB)
                put(UInt8(bitPattern: Int8(rel)))
                return
            }
            put(0xE9)
            putRel32(to: target)
        } else {
            put(0xE9)
            putPendingRel32(l)
        }
    }

    /// `jcc label`: 70+cc rel8 when bound and near, else 0F 80+cc rel32.
    public func jcc(_ c: Cond, _ l: Label) {
        if let target = labelOffset(l) {
            let rel = target - (offset + 2)
            if rel >= -128 && rel <= 127 {
                put(0x70 | c.rawValue)
                put(UInt8(bitPattern: Int8(rel)))
                return
            }
            put(0x0F)
            put(0x80 | c.rawValue)
            putRel32(to: target)
        } else {
            put(0x0F)
            put(0x80 | c.rawValue)
            putPendingRel32(l)
        }
    }

    /// `call label` (E8 rel32).
    public func call(_ l: Label) {
        put(0xE8)
        if let target = labelOffset(l) {
            putRel32(to: target)
        } else {
            putPendingRel32(l)
        }
    }

    private func putRel32(to target: Int) {
        let rel = target - (offset + 4)
        precondition(rel >= Int(Int32.min) && rel <= Int(Int32.max), "rel32 out of range")
        put32(UInt32(truncatingIfNeeded: rel))
    }

    private func putPendingRel32(_ l: Label) {
        recordPending(field: offset, label: l)
        put32(0)
    }

    /// `jmp r` (FF /4).
    public func jmp(_ r: Reg) {
        rex(w: false, reg: 4, rm: r.rawValue)
        put(0xFF)
        modrm(reg: 4, rm: r.rawValue)
    }

    /// `call r` (FF /2).
    public func call(_ r: Reg) {
        rex(w: false, reg: 2, rm: r.rawValue)
        put(0xFF)
        modrm(reg: 2, rm: r.rawValue)
    }

    /// `jmp qword ptr [m]` (FF /4).
    public func jmp(_ m: Mem) {
        emitRM(.d, 0xFF, reg: 4, mem: m)
    }

    /// `call qword ptr [m]` (FF /2).
    public func call(_ m: Mem) {
        emitRM(.d, 0xFF, reg: 2, mem: m)
    }

    /// `mov scratch, address; call scratch` (the mov is the shortest form, see `mov(_:imm:)`).
    public func call(absolute address: UInt64, scratch: Reg) {
        mov(scratch, imm: address)
        call(scratch)
    }

    /// `jmp rel32` (E9) with a zero displacement (it falls through until patched);
    /// returns the offset of the rel32 field, for `patchRel32`.
    public func jmpRel32Placeholder() -> Int {
        put(0xE9)
        let field = offset
        put32(0)
        return field
    }

    /// Like `jmpRel32Placeholder()`, but with NOPs before the jmp so the rel32 field is
    /// 4-byte aligned (relative to the buffer start): when the code is placed 4-aligned,
    /// `patchRel32` is then a single aligned store, which other threads running the
    /// code see whole.
    public func jmpRel32Placeholder(alignedField: Bool) -> Int {
        if alignedField {
            let pad = (3 - offset & 3) & 3      // (offset + pad + 1) % 4 == 0
            if pad > 0 { nop(length: pad) }
        }
        return jmpRel32Placeholder()
    }

    /// `jcc rel32` (0F 80+cc) with a zero displacement; returns the offset of the rel32 field.
    public func jccRel32Placeholder(_ c: Cond) -> Int {
        put(0x0F)
        put(0x80 | c.rawValue)
        let field = offset
        put32(0)
        return field
    }

    public func ret() { put(0xC3) }

    /// `push r` (50+r; 64-bit).
    public func push(_ r: Reg) {
        rex(w: false, reg: 0, rm: r.rawValue)
        put(0x50 | r.low3)
    }

    /// `pop r` (58+r; 64-bit).
    public func pop(_ r: Reg) {
        rex(w: false, reg: 0, rm: r.rawValue)
        put(0x58 | r.low3)
    }

    /// `lock or dword [rsp], 0`: a full fence for ordinary memory (earlier
    /// stores visible before later loads), cheaper than MFENCE, which also
    /// orders non-temporal stores the JIT never emits.
    public func lockedFence() { put(0xF0); put(0x83); put(0x0C); put(0x24); put(0x00) }

    public func int3() { put(0xCC) }
    public func ud2() { put(0x0F); put(0x0B) }
    public func nop() { put(0x90) }

    /// Pads with NOPs (the recommended 1- to 9-byte forms) up to a multiple of `n`
    /// (a power of two), counted from the start of this buffer.
    public func align(_ n: Int) {
        precondition(n > 0 && n & (n - 1) == 0, "alignment must be a power of two")
        var pad = (n - offset & (n - 1)) & (n - 1)
        while pad > 0 {
            let k = min(pad, 9)
            nop(length: k)
            pad -= k
        }
    }

    /// One NOP instruction of `length` bytes (1...9).
    public func nop(length: Int) {
        switch length {
        case 1: put(0x90)
        case 2: put(0x66); put(0x90)
        case 3: emitBytes([0x0F, 0x1F, 0x00])
        case 4: emitBytes([0x0F, 0x1F, 0x40, 0x00])
        case 5: emitBytes([0x0F, 0x1F, 0x44, 0x00, 0x00])
        case 6: emitBytes([0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00])
        case 7: emitBytes([0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00])
        case 8: emitBytes([0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00])
        case 9: emitBytes([0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00])
        default: preconditionFailure("nop length must be 1...9")
        }
    }
}
