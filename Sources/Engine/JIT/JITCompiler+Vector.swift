import IR
import Machine

/// v128 values in XMM registers. xmm2...xmm14 are allocated across the block
/// (furthest next use spilled to a 16-byte state slot, reloaded into a
/// register at its next use); xmm0, xmm1 and xmm15 are scratch. All XMM registers
/// are caller-saved: a helper call saves the live ones on the host stack
/// around the call (`emitHelperCall`). The `lanes` group is emitted with
/// SSE2/SSSE3/SSE4.1 (PCMPGTQ: SSE4.2), some `permute`, `reduce` and
/// `bitCount` ops (JITCompiler+VectorPermute.swift), the common shifts,
/// SXTL/UXTL and XTN (JITCompiler+VectorShift.swift), the AES and 64-bit
/// PMULL ops of `crypto` with AES-NI and PCLMULQDQ and SHA-256 with SHA-NI
/// (JITCompiler+Crypto.swift), the arithmetic of `fp` (JITCompiler+VectorFP.swift),
/// widening, absolute difference, multiply, dot product and saturating
/// ops (JITCompiler+VectorInteger.swift); every other `vop` calls `jitVectorOp`
/// with its operands staged in fixed state slots.
extension JITCompiler {
    static let allocatableXMM: [XReg] = [.xmm2, .xmm3, .xmm4, .xmm5, .xmm6, .xmm7, .xmm8,
                                         .xmm9, .xmm10, .xmm11, .xmm12, .xmm13, .xmm14]
    static let scratch0 = XReg.xmm0
    static let scratch1 = XReg.xmm1
    static let scratch2 = XReg.xmm15

    /// A free XMM register for value `owner`, spilling the value (not an
    /// operand of instruction `i`) whose last use is furthest away.
    private func takeXMM(for owner: Int, at i: Int) -> XReg {
        if let r = freeXRegs.popLast() {
            xmmOwner[Int(r.rawValue)] = owner
            return r
        }
        var victim = -1
        var victimReg = XReg.xmm2
        for r in JITCompiler.allocatableXMM {
            let o = xmmOwner[Int(r.rawValue)]
            guard o >= 0, insts[i].useCount(of: o) == 0 else { continue }
            if victim < 0 || lastUse[o] > lastUse[victim] {
                victim = o
                victimReg = r
            }
        }
        precondition(victim >= 0, "no XMM register to spill")
        let slot = freeVectorSlots.popLast()!
        a.movdqu(Mem(.rbx, slot), victimReg)
        loc[victim] = .vector(slot)
        xmmOwner[Int(victimReg.rawValue)] = owner
        return victimReg
    }

    /// An XMM register for the v128 value defined at `i`, taking over the
    /// register of operand `v` when `i` is its last use.
    func allocateXMM(_ i: Int, reusing v: Value? = nil) -> XReg {
        if let v, lastUse[Int(v.index)] == i, case .xmm(let r) = loc[Int(v.index)] {
            xmmOwner[Int(r.rawValue)] = i
            loc[i] = .xmm(r)
            return r
        }
        let r = takeXMM(for: i, at: i)
        loc[i] = .xmm(r)
        return r
    }

    /// The register holding v128 operand `v` of instruction `i` (reloaded from
    /// its slot into a register if it was spilled).
    func xmmOperand(_ v: Value, at i: Int) -> XReg {
        let j = Int(v.index)
        switch loc[j] {
        case .xmm(let r): return r
        case .vector(let slot):
            let r = takeXMM(for: j, at: i)
            a.movdqu(r, Mem(.rbx, slot))
            freeVectorSlots.append(slot)
            loc[j] = .xmm(r)
            return r
        default: preconditionFailure("v128 value v\(j) has no location")
        }
    }

    func copyXMM(_ dst: XReg, _ src: XReg) {
        if dst != src { a.movaps(dst, src) }
    }

    // MARK: Register file, lanes

    func emitVectorMove(_ i: Int, _ inst: Inst) {
        switch inst.op {
        case .getVec:
            a.movdqu(allocateXMM(i), Mem(.rbx, Int32(StateLayout.vreg(Int(inst.imm)))))
        case .setVec:
            a.movdqu(Mem(.rbx, Int32(StateLayout.vreg(Int(inst.imm)))), xmmOperand(inst.a, at: i))
        case .vpack:
            let r = allocateXMM(i)
            a.movq(r, reg(inst.a, scratch: .rax), .q)
            a.pinsr(r, reg(inst.b, scratch: .rax), lane: 1, .q)
        case .vextract:
            let x = xmmOperand(inst.a, at: i)
            let size = JITCompiler.laneSize(inst.type)
            let lane = UInt8(inst.imm / UInt64(inst.type.bits))
            let r = allocate(i)
            if lane == 0 && size == .q { a.movq(r, x, .q) } else if lane == 0 && size == .d { a.movq(r, x, .d) } else { a.pextr(r, x, lane: lane, size) }
        case .vinsert:
            let x = xmmOperand(inst.a, at: i)
            let r = allocateXMM(i, reusing: inst.a)
            copyXMM(r, x)
            let t = type(inst.b)
            a.pinsr(r, reg(inst.b, scratch: .rax), lane: UInt8(inst.imm / UInt64(t.bits)), JITCompiler.laneSize(t))
        case .vdup:
            emitVectorDup(i, inst)
        default:
            preconditionFailure("not a vector move: \(inst.op)")
        }
    }

    private func emitVectorDup(_ i: Int, _ inst: Inst) {
        let bits = type(inst.a).bits
        let r = allocateXMM(i)
        if let c = constantValue(inst.a) {
            let w = VectorSemantics.dup(c & (bits == 64 ? ~0 : (1 << UInt64(bits)) - 1), bits: bits).lo
            if w == 0 {
                a.packed(.pxor, r, r)
            } else if w == ~0 {
                a.packed(.pcmpeqd, r, r)
            } else {
                a.mov(.rax, imm: w)
                a.movq(r, .rax, .q)
                a.packed(.punpcklqdq, r, r)
            }
            return
        }
        let g = reg(inst.a, scratch: .rax)
        switch bits {
        case 8:
            a.movq(r, g, .d)
            a.packed(.pxor, JITCompiler.scratch0, JITCompiler.scratch0)
            a.packed(.pshufb, r, JITCompiler.scratch0)
        case 16:
            a.movq(r, g, .d)
            a.pshuflw(r, r, 0)
            a.pshufd(r, r, 0)
        case 32:
            a.movq(r, g, .d)
            a.pshufd(r, r, 0)
        default:
            a.movq(r, g, .q)
            a.packed(.punpcklqdq, r, r)
        }
    }

    // MARK: vop

    func emitVectorOp(_ i: Int, _ inst: Inst) {
        let code = VectorOpcode(imm: inst.imm)
        if runtime.features.sse41, code.group == .lanes, !code.usesFPSR, let op = VectorOp(rawValue: code.op),
           emitLanes(i, inst, op, bits: code.laneBits) {
            return
        }
        if code.group == .crypto, emitCrypto(i, inst, code) { return }
        if code.group == .fp, emitVectorFP(i, inst, code) { return }
        if emitVectorInteger(i, inst, code) { return }
        if emitPermuteReduce(i, inst, code) { return }
        if runtime.features.sse41, code.group == .shift || code.group == .widen, !code.usesFPSR,
           emitShiftWiden(i, inst, code) {
            return
        }
        emitVectorHelper(i, inst)
    }

    /// `jitVectorOp` on a, b, c staged in the helper slots.
    private func emitVectorHelper(_ i: Int, _ inst: Inst) {
        let s = helperVectorSlots
        a.movdqu(Mem(.rbx, s.a), xmmOperand(inst.a, at: i))
        if !inst.b.isNone { a.movdqu(Mem(.rbx, s.b), xmmOperand(inst.b, at: i)) }
        if !inst.c.isNone { a.movdqu(Mem(.rbx, s.c), xmmOperand(inst.c, at: i)) }
        let slots = UInt64(UInt16(s.a)) | UInt64(UInt16(s.b)) << 16 | UInt64(UInt16(s.c)) << 32 | UInt64(UInt16(s.result)) << 48
        emitHelperCall(runtime.vectorOp, args: [.constant(slots), .constant(inst.imm), .constant(0)],
                       save: liveCallerSaved(after: i), pc: currentPC, raiseCount: nil)
        a.movdqu(allocateXMM(i), Mem(.rbx, s.result))
    }

    /// The packed op of `op` at `bits` lanes, when SSE has one.
    private func packedOp(_ op: VectorOp, bits: Int) -> PackedOp? {
        let k = [8: 0, 16: 1, 32: 2, 64: 3][bits] ?? -1
        guard k >= 0 else { return nil }
        func pick(_ forms: [PackedOp?]) -> PackedOp? { forms[k] }
        switch op {
        case .add: return pick([.paddb, .paddw, .paddd, .paddq])
        case .sub: return pick([.psubb, .psubw, .psubd, .psubq])
        case .mul: return pick([nil, .pmullw, .pmulld, nil])
        case .and: return .pand
        case .or: return .por
        case .xor: return .pxor
        case .cmeq: return pick([.pcmpeqb, .pcmpeqw, .pcmpeqd, .pcmpeqq])
        case .cmgt: return pick([.pcmpgtb, .pcmpgtw, .pcmpgtd, runtime.features.sse42 ? .pcmpgtq : nil])
        case .umax: return pick([.pmaxub, .pmaxuw, .pmaxud, nil])
        case .umin: return pick([.pminub, .pminuw, .pminud, nil])
        case .smax: return pick([.pmaxsb, .pmaxsw, .pmaxsd, nil])
        case .smin: return pick([.pminsb, .pminsw, .pminsd, nil])
        case .abs: return pick([.pabsb, .pabsw, .pabsd, nil])
        default: return nil
        }
    }

    /// The `lanes` ops with an SSE form; false (nothing emitted) otherwise.
    private func emitLanes(_ i: Int, _ inst: Inst, _ op: VectorOp, bits: Int) -> Bool {
        let t0 = JITCompiler.scratch0, t1 = JITCompiler.scratch1
        let k = [8: 0, 16: 1, 32: 2, 64: 3][bits] ?? -1
        guard k >= 0 else { return false }
        let eq: PackedOp = [.pcmpeqb, .pcmpeqw, .pcmpeqd, .pcmpeqq][k]
        switch op {
        case .add, .sub, .mul, .and, .or, .xor, .cmeq, .cmgt, .umax, .umin, .smax, .smin:
            guard let p = packedOp(op, bits: bits) else { return false }
            let xa = xmmOperand(inst.a, at: i), xb = xmmOperand(inst.b, at: i)
            // r is a's register or a free one: never b's (b is still live here).
            let r = allocateXMM(i, reusing: inst.a)
            copyXMM(r, xa)
            a.packed(p, r, xb == xa ? r : xb)
        case .abs:
            guard let p = packedOp(op, bits: bits) else { return false }
            let xa = xmmOperand(inst.a, at: i)
            a.packed(p, allocateXMM(i, reusing: inst.a), xa)
        case .bic, .orn, .not, .neg, .cmtst:
            let xa = xmmOperand(inst.a, at: i)
            let xb = inst.b.isNone ? xa : xmmOperand(inst.b, at: i)
            switch op {
            case .bic:                              // a AND NOT b = pandn(b, a)
                copyXMM(t1, xb)
                a.packed(.pandn, t1, xa)
            case .orn:                              // a OR NOT b
                a.packed(.pcmpeqd, t1, t1)
                a.packed(.pxor, t1, xb)
                a.packed(.por, t1, xa)
            case .not:
                a.packed(.pcmpeqd, t1, t1)
                a.packed(.pxor, t1, xa)
            case .neg:
                a.packed(.pxor, t1, t1)
                a.packed([.psubb, .psubw, .psubd, .psubq][k], t1, xa)
            default:                                // cmtst: (a AND b) != 0
                copyXMM(t1, xa)
                a.packed(.pand, t1, xb)
                a.packed(.pxor, t0, t0)
                a.packed(eq, t1, t0)
                a.packed(.pcmpeqd, t0, t0)
                a.packed(.pxor, t1, t0)
            }
            copyXMM(allocateXMM(i, reusing: inst.a), t1)
        case .cmge, .cmhs, .cmhi:
            let xa = xmmOperand(inst.a, at: i), xb = xmmOperand(inst.b, at: i)
            if k == 3 {
                // 64-bit lanes: PCMPGTQ, on sign-flipped values for the unsigned ones.
                guard runtime.features.sse42 else { return false }
                if op == .cmge {                    // NOT(b > a)
                    copyXMM(t1, xb)
                    a.packed(.pcmpgtq, t1, xa)
                } else {
                    a.packed(.pcmpeqd, t0, t0)
                    a.shift(.psllq, t0, imm: 63)
                    copyXMM(t1, xb)
                    a.packed(.pxor, t1, t0)         // b ^ sign
                    a.packed(.pxor, t0, xa)         // a ^ sign
                    if op == .cmhi {                // a > b
                        a.packed(.pcmpgtq, t0, t1)
                        copyXMM(t1, t0)
                    } else {                        // cmhs: NOT(b > a)
                        a.packed(.pcmpgtq, t1, t0)
                    }
                }
                if op != .cmhi {
                    a.packed(.pcmpeqd, t0, t0)
                    a.packed(.pxor, t1, t0)
                }
                copyXMM(allocateXMM(i, reusing: inst.a), t1)
                return true
            }
            // a >= b  <=>  max(a, b) == a; a > b (unsigned) <=> NOT(max(a, b) == b).
            let max: PackedOp = op == .cmge ? [.pmaxsb, .pmaxsw, .pmaxsd][k] : [.pmaxub, .pmaxuw, .pmaxud][k]
            copyXMM(t1, xa)
            a.packed(max, t1, xb)
            a.packed(eq, t1, op == .cmhi ? xb : xa)
            if op == .cmhi {
                a.packed(.pcmpeqd, t0, t0)
                a.packed(.pxor, t1, t0)
            }
            copyXMM(allocateXMM(i, reusing: inst.a), t1)
        }
        return true
    }
}
