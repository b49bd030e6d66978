import IR

/// SSE forms of the `permute`, `reduce` and `bitCount` vops that libc's
/// string routines run in loops (SSE4.1 baseline; anything else calls
/// `jitVectorOp`):
/// - byte permutations (ZIP/UZP/TRN, EXT, REV16/32/64): two PSHUFBs whose
///   controls come from `VectorSemantics` itself, run at compile time on
///   operands of numbered bytes, so the SSE form cannot disagree with it;
/// - TBL/TBX steps: PSHUFB of the table register on the rebased indices,
///   PBLENDVB where the index falls in that register;
/// - pairwise ops: the lane op of the even and odd lanes (UZP1, UZP2);
/// - across-lane ops: halving PSRLDQ steps, then lane 0 masked;
/// - CNT: two PSHUFB lookups of a nibble count table.
extension JITCompiler {
    /// Emits `inst` with SSE when it has a form here; false (nothing emitted) otherwise.
    func emitPermuteReduce(_ i: Int, _ inst: Inst, _ code: VectorOpcode) -> Bool {
        guard runtime.features.sse41, !code.usesFPSR else { return false }
        let shape = VectorShape(rawValue: code.param2)
        guard shape.subtracting(.half).isEmpty else { return false }
        switch code.group {
        case .permute:
            guard let op = VectorPermuteOp(rawValue: code.op) else { return false }
            if op == .tableStep { return emitTableStep(i, inst, table: code.param, half: shape.contains(.half)) }
            guard let masks = JITCompiler.byteShuffle(code) else { return false }
            let r = emitShuffle(i, inst, masks, into: JITCompiler.scratch1, temp: JITCompiler.scratch2)
            copyXMM(allocateXMM(i, reusing: inst.a), r)
            return true
        case .bitCount:
            guard let op = VectorBitCountOp(rawValue: code.op) else { return false }
            switch op {
            case .rev:
                guard let masks = JITCompiler.byteShuffle(code) else { return false }
                let r = emitShuffle(i, inst, masks, into: JITCompiler.scratch1, temp: JITCompiler.scratch2)
                copyXMM(allocateXMM(i, reusing: inst.a), r)
                return true
            case .cnt:
                return emitCount(i, inst, half: shape.contains(.half))
            default:
                return false
            }
        case .reduce:
            guard let op = VectorReduceOp(rawValue: code.op) else { return false }
            return emitReduce(i, inst, op, bits: code.laneBits, half: shape.contains(.half))
        default:
            return false
        }
    }

    /// PSHUFB controls for a's and b's bytes when `code` moves whole bytes of
    /// a and b (0x80, a zero byte, where it takes neither); nil otherwise.
    static func byteShuffle(_ code: VectorOpcode) -> (a: V128, b: V128)? {
        var na = V128.zero, nb = V128.zero
        for k in 0..<16 {
            na.setLane(k, bits: 8, UInt64(0x40 + k))
            nb.setLane(k, bits: 8, UInt64(0x60 + k))
        }
        var fp = VectorFPState(fpcr: 0)
        let moved = VectorSemantics.evaluate(code, na, nb, .zero, &fp)
        var ma = V128.zero, mb = V128.zero
        for k in 0..<16 {
            let s = moved.lane(k, bits: 8)
            guard s == 0 || s >> 4 == 4 || s >> 4 == 6 else { return nil }
            ma.setLane(k, bits: 8, s >> 4 == 4 ? s & 15 : 0x80)
            mb.setLane(k, bits: 8, s >> 4 == 6 ? s & 15 : 0x80)
        }
        return (ma, mb)
    }

    /// A 128-bit constant in x (rax clobbered).
    func loadVectorConstant(_ x: XReg, _ v: V128) {
        if v == .zero { a.packed(.pxor, x, x); return }
        a.mov(.rax, imm: v.lo)
        a.movq(x, .rax, .q)
        if v.hi != 0 {
            a.mov(.rax, imm: v.hi)
            a.pinsr(x, .rax, lane: 1, .q)
        }
    }

    /// dst = PSHUFB(a, masks.a) OR PSHUFB(b, masks.b); uses scratch0 and temp.
    @discardableResult
    private func emitShuffle(_ i: Int, _ inst: Inst, _ masks: (a: V128, b: V128), into dst: XReg, temp: XReg) -> XReg {
        let xa = xmmOperand(inst.a, at: i)
        let xb = inst.b.isNone ? xa : xmmOperand(inst.b, at: i)
        let none = V128(lo: 0x8080_8080_8080_8080, hi: 0x8080_8080_8080_8080)
        loadVectorConstant(JITCompiler.scratch0, masks.a)
        copyXMM(dst, xa)
        a.packed(.pshufb, dst, JITCompiler.scratch0)
        if masks.b != none {
            loadVectorConstant(JITCompiler.scratch0, masks.b)
            copyXMM(temp, xb)
            a.packed(.pshufb, temp, JITCompiler.scratch0)
            a.packed(.por, dst, temp)
        }
        return dst
    }

    /// One TBL/TBX step: bytes whose index b lies in table register `table`
    /// (16 × table ... + 15) take PSHUFB(a, b - 16 × table), the others c's.
    private func emitTableStep(_ i: Int, _ inst: Inst, table: Int, half: Bool) -> Bool {
        guard !inst.b.isNone, !inst.c.isNone else { return false }
        let mask = JITCompiler.scratch0, index = JITCompiler.scratch1, picked = JITCompiler.scratch2
        let xa = xmmOperand(inst.a, at: i), xb = xmmOperand(inst.b, at: i), xc = xmmOperand(inst.c, at: i)
        copyXMM(index, xb)
        if table > 0 {
            loadVectorConstant(mask, VectorSemantics.dup(UInt64(16 * table), bits: 8))
            a.packed(.psubb, index, mask)
        }
        // In range: min(index, 15) == index (unsigned).
        loadVectorConstant(mask, VectorSemantics.dup(15, bits: 8))
        a.packed(.pminub, mask, index)
        a.packed(.pcmpeqb, mask, index)
        copyXMM(picked, xa)
        a.packed(.pshufb, picked, index)
        let r = allocateXMM(i, reusing: inst.c)
        copyXMM(r, xc)
        a.pblendvb(r, picked)
        if half { a.movq(r, r) }
        return true
    }

    private func lanesOp(_ op: VectorReduceOp, bits: Int) -> PackedOp? {
        let k = [8: 0, 16: 1, 32: 2, 64: 3][bits] ?? -1
        guard k >= 0 else { return nil }
        let forms: [PackedOp?]
        switch op {
        case .addv, .addp: forms = [.paddb, .paddw, .paddd, .paddq]
        case .umaxv, .umaxp: forms = [.pmaxub, .pmaxuw, .pmaxud, nil]
        case .uminv, .uminp: forms = [.pminub, .pminuw, .pminud, nil]
        case .smaxv, .smaxp: forms = [.pmaxsb, .pmaxsw, .pmaxsd, nil]
        case .sminv, .sminp: forms = [.pminsb, .pminsw, .pminsd, nil]
        default: return nil
        }
        return forms[k]
    }

    private func emitReduce(_ i: Int, _ inst: Inst, _ op: VectorReduceOp, bits: Int, half: Bool) -> Bool {
        guard let p = lanesOp(op, bits: bits) else { return false }
        let shape: VectorShape = half ? .half : []
        switch op {
        case .addp, .umaxp, .uminp, .smaxp, .sminp:
            // op(even lanes, odd lanes) of b:a = op(UZP1(a, b), UZP2(a, b)).
            func uzp(_ u: VectorPermuteOp) -> (a: V128, b: V128)? {
                JITCompiler.byteShuffle(VectorOpcode(group: .permute, op: u.rawValue, laneBits: bits, param2: shape.rawValue))
            }
            guard !inst.b.isNone, let even = uzp(.uzp1), let odd = uzp(.uzp2) else { return false }
            emitShuffle(i, inst, even, into: JITCompiler.scratch1, temp: JITCompiler.scratch2)
            let r = allocateXMM(i)
            emitShuffle(i, inst, odd, into: r, temp: JITCompiler.scratch2)
            a.packed(p, r, JITCompiler.scratch1)
            return true
        case .addv, .umaxv, .uminv, .smaxv, .sminv:
            // Lane 0 of the datasize's lanes combined in halving steps.
            let acc = JITCompiler.scratch1, t = JITCompiler.scratch0
            copyXMM(acc, xmmOperand(inst.a, at: i))
            var step = (half ? 8 : 16) / 2
            while step >= bits / 8 {
                copyXMM(t, acc)
                a.shift(.psrldq, t, imm: UInt8(step))
                a.packed(p, acc, t)
                step /= 2
            }
            loadVectorConstant(t, V128(lo: bits == 64 ? ~0 : (1 << UInt64(bits)) - 1, hi: 0))
            a.packed(.pand, acc, t)
            copyXMM(allocateXMM(i, reusing: inst.a), acc)
            return true
        default:
            return false
        }
    }

    /// CNT: the set bits of each byte from a 16-entry table, low and high nibble.
    private func emitCount(_ i: Int, _ inst: Inst, half: Bool) -> Bool {
        let t0 = JITCompiler.scratch0, low = JITCompiler.scratch1, high = JITCompiler.scratch2
        let xa = xmmOperand(inst.a, at: i)
        loadVectorConstant(t0, VectorSemantics.dup(0x0F, bits: 8))
        copyXMM(low, xa)
        a.packed(.pand, low, t0)
        copyXMM(high, xa)
        a.shift(.psrlw, high, imm: 4)
        a.packed(.pand, high, t0)
        let table = V128(lo: 0x0302_0201_0201_0100, hi: 0x0403_0302_0302_0201)
        let r = allocateXMM(i, reusing: inst.a)
        loadVectorConstant(r, table)
        a.packed(.pshufb, r, low)
        loadVectorConstant(t0, table)
        a.packed(.pshufb, t0, high)
        a.packed(.paddb, r, t0)
        if half { a.movq(r, r) }
        return true
    }
}
