/// Packed FP, FMA3 on 128-bit vectors, shuffles and SHA-NI: the forms the
/// JIT's AdvSIMD code uses beyond X64SSE.swift's.

/// Packed FP arithmetic `op xmm, xmm` (no prefix: single, 66: double; 0F opcode).
public enum PackedFPOp: UInt8, Sendable, CaseIterable {
    case sqrt = 0x51, add = 0x58, mul = 0x59, sub = 0x5C, min = 0x5D, div = 0x5E, max = 0x5F
}

/// The packed FMA3 forms with the accumulator as destination (231).
public enum PackedFMA: UInt8, Sendable, CaseIterable {
    /// acc = a * b + acc
    case madd = 0xB8
    /// acc = -(a * b) + acc
    case nmadd = 0xBC
}

/// Sign and zero extension of the low lanes (SSE4.1 66 0F 38 2x/3x).
public enum PackedExtend: UInt8, Sendable, CaseIterable {
    case pmovsxbw = 0x20, pmovsxwd = 0x23, pmovsxdq = 0x25
    case pmovzxbw = 0x30, pmovzxwd = 0x33, pmovzxdq = 0x35
}

/// SHA-NI (NP 0F 38 C8-CD).
public enum SHAOp: UInt8, Sendable, CaseIterable {
    case sha1nexte = 0xC8, sha1msg1 = 0xC9, sha1msg2 = 0xCA
    /// Two SHA-256 rounds: dst = CDGH in, ABEF out; src = ABEF; xmm0 = WK0, WK1.
    case sha256rnds2 = 0xCB
    case sha256msg1 = 0xCC, sha256msg2 = 0xCD
}

extension X64Assembler {
    /// `addps/addpd...` dst, src.
    public func packedFP(_ op: PackedFPOp, _ dst: XReg, _ src: XReg, double: Bool) {
        sseRR(double ? 0x66 : 0, .m0F, op.rawValue, reg: dst.rawValue, rm: src.rawValue)
    }

    /// `pmovsx../pmovzx.. dst, src`: the low lanes of src widened.
    public func pmovx(_ op: PackedExtend, _ dst: XReg, _ src: XReg) {
        sseRR(0x66, .m0F38, op.rawValue, reg: dst.rawValue, rm: src.rawValue)
    }

    /// `cmpps/cmppd dst, src, predicate` (0F C2 /r ib): all-ones lanes where true.
    public func cmpFP(_ dst: XReg, _ src: XReg, predicate: UInt8, double: Bool) {
        sseRR(double ? 0x66 : 0, .m0F, 0xC2, reg: dst.rawValue, rm: src.rawValue, imm: predicate)
    }

    /// `haddps/haddpd dst, src` (F2/66 0F 7C): the sums of adjacent lanes of dst, then of src.
    public func haddFP(_ dst: XReg, _ src: XReg, double: Bool) {
        sseRR(double ? 0x66 : 0xF2, .m0F, 0x7C, reg: dst.rawValue, rm: src.rawValue)
    }

    /// `cvtdq2ps dst, src` (0F 5B): signed 32-bit lanes to single precision (MXCSR rounding).
    public func cvtdq2ps(_ dst: XReg, _ src: XReg) { sseRR(0, .m0F, 0x5B, reg: dst.rawValue, rm: src.rawValue) }

    /// `cvttps2dq dst, src` (F3 0F 5B): single precision to signed 32-bit lanes, truncating
    /// (0x80000000 for NaN and out-of-range lanes).
    public func cvttps2dq(_ dst: XReg, _ src: XReg) { sseRR(0xF3, .m0F, 0x5B, reg: dst.rawValue, rm: src.rawValue) }

    /// `shufps dst, src, imm` (0F C6 /r ib): dst's lanes imm[1:0], imm[3:2], then src's imm[5:4], imm[7:6].
    public func shufps(_ dst: XReg, _ src: XReg, _ imm: UInt8) {
        sseRR(0, .m0F, 0xC6, reg: dst.rawValue, rm: src.rawValue, imm: imm)
    }

    /// `palignr dst, src, imm` (66 0F 3A 0F /r ib): bytes imm...imm+15 of dst:src.
    public func palignr(_ dst: XReg, _ src: XReg, _ imm: UInt8) {
        sseRR(0x66, .m0F3A, 0x0F, reg: dst.rawValue, rm: src.rawValue, imm: imm)
    }

    /// SHA-NI `op dst, src` (sha256rnds2 also reads xmm0).
    public func sha(_ op: SHAOp, _ dst: XReg, _ src: XReg) {
        sseRR(0, .m0F38, op.rawValue, reg: dst.rawValue, rm: src.rawValue)
    }

    /// `sha1rnds4 dst, src, imm` (NP 0F 3A CC /r ib).
    public func sha1rnds4(_ dst: XReg, _ src: XReg, _ imm: UInt8) {
        sseRR(0, .m0F3A, 0xCC, reg: dst.rawValue, rm: src.rawValue, imm: imm)
    }

    /// `vfmadd231ps/pd` or `vfnmadd231ps/pd acc, a, b` on 128 bits
    /// (VEX.128.66.0F38.W0/W1 B8/BC /r).
    public func vfma231p(_ form: PackedFMA, _ acc: XReg, _ a: XReg, _ b: XReg, double: Bool) {
        put(0xC4)
        put((~(acc.rawValue >> 3) & 1) << 7 | 1 << 6 | (~(b.rawValue >> 3) & 1) << 5 | 2)
        put((double ? 0x80 : 0) | (~a.rawValue & 0xF) << 3 | 1)
        put(form.rawValue)
        modrm(reg: acc.rawValue, rm: b.rawValue)
    }
}
