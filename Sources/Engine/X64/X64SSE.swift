// SSE2/SSSE3/SSE4.1/SSE4.2 and FMA3 emitters of X64Assembler (Intel SDM vol. 2).
//
// Legacy SSE form: [66/F2/F3] [REX] 0F [38/3A] opcode ModRM [imm8]; the
// mandatory prefix comes before REX. FMA3 uses a 3-byte VEX prefix:
// C4 [~R ~X ~B m-mmmm] [W ~vvvv L pp] opcode ModRM.

/// An XMM register; the raw value is its 4-bit encoding.
public enum XReg: UInt8, Sendable, CaseIterable {
    case xmm0 = 0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7
    case xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15
}

/// The opcode map after 0F: none, 0F 38 or 0F 3A.
public enum SSEMap: Sendable { case m0F, m0F38, m0F3A }

/// Packed integer and bitwise ops of the form `op xmm, xmm/m128` (66 prefix):
/// the raw value is (map << 8) | opcode, map 0 = 0F, 1 = 0F 38.
public enum PackedOp: UInt16, Sendable, CaseIterable {
    case pand = 0xDB, pandn = 0xDF, por = 0xEB, pxor = 0xEF
    case paddb = 0xFC, paddw = 0xFD, paddd = 0xFE, paddq = 0xD4
    case psubb = 0xF8, psubw = 0xF9, psubd = 0xFA, psubq = 0xFB
    case pmullw = 0xD5
    case pcmpeqb = 0x74, pcmpeqw = 0x75, pcmpeqd = 0x76
    case pcmpgtb = 0x64, pcmpgtw = 0x65, pcmpgtd = 0x66
    case pminub = 0xDA, pmaxub = 0xDE, pminsw = 0xEA, pmaxsw = 0xEE
    case punpcklqdq = 0x6C, punpckhqdq = 0x6D
    case punpcklbw = 0x60, punpcklwd = 0x61, punpckldq = 0x62, punpckhbw = 0x68, punpckhwd = 0x69, punpckhdq = 0x6A
    case paddsb = 0xEC, paddsw = 0xED, paddusb = 0xDC, paddusw = 0xDD
    case psubsb = 0xE8, psubsw = 0xE9, psubusb = 0xD8, psubusw = 0xD9
    case pmaddwd = 0xF5, pmuludq = 0xF4, pmulhw = 0xE5, pmulhuw = 0xE4
    // 0F 38 (SSSE3, SSE4.1, SSE4.2)
    case pshufb = 0x100, pabsb = 0x11C, pabsw = 0x11D, pabsd = 0x11E
    case pmulld = 0x140, pcmpeqq = 0x129, pcmpgtq = 0x137
    case pminsb = 0x138, pminsd = 0x139, pminuw = 0x13A, pminud = 0x13B
    case pmaxsb = 0x13C, pmaxsd = 0x13D, pmaxuw = 0x13E, pmaxud = 0x13F
    case ptest = 0x117
    case phaddd = 0x102, pmaddubsw = 0x104, pmuldq = 0x128
    /// AES-NI (66 0F 38 DB-DF).
    case aesimc = 0x1DB, aesenc = 0x1DC, aesenclast = 0x1DD, aesdec = 0x1DE, aesdeclast = 0x1DF

    var map: SSEMap { rawValue >> 8 == 1 ? .m0F38 : .m0F }
    var opcode: UInt8 { UInt8(truncatingIfNeeded: rawValue) }
}

/// Scalar FP arithmetic `op xmm, xmm/m` (F3: single, F2: double).
public enum ScalarFPOp: UInt8, Sendable, CaseIterable {
    case sqrt = 0x51, add = 0x58, mul = 0x59, sub = 0x5C, min = 0x5D, div = 0x5E, max = 0x5F
}

/// Shifts of packed lanes by an immediate (66 0F 71/72/73 /digit ib).
public enum PackedShift: Sendable, CaseIterable {
    case psrlw, psraw, psllw, psrld, psrad, pslld, psrlq, psllq, psrldq, pslldq

    var opcodeAndDigit: (UInt8, UInt8) {
        switch self {
        case .psrlw: return (0x71, 2)
        case .psraw: return (0x71, 4)
        case .psllw: return (0x71, 6)
        case .psrld: return (0x72, 2)
        case .psrad: return (0x72, 4)
        case .pslld: return (0x72, 6)
        case .psrlq: return (0x73, 2)
        case .psllq: return (0x73, 6)
        case .psrldq: return (0x73, 3)
        case .pslldq: return (0x73, 7)
        }
    }
}

extension X64Assembler {
    // MARK: Encoding helpers

    @inline(__always) private func escape(_ map: SSEMap) {
        put(0x0F)
        switch map {
        case .m0F: break
        case .m0F38: put(0x38)
        case .m0F3A: put(0x3A)
        }
    }

    /// `[prefix] [REX] 0F [map] opcode ModRM(reg, rm) [imm8]` with register operands.
    func sseRR(_ prefix: UInt8, _ map: SSEMap, _ opcode: UInt8, reg: UInt8, rm: UInt8, w: Bool = false, imm: UInt8? = nil) {
        if prefix != 0 { put(prefix) }
        rex(w: w, reg: reg, rm: rm)
        escape(map)
        put(opcode)
        modrm(reg: reg, rm: rm)
        if let imm { put(imm) }
    }

    /// `[prefix] [REX] 0F [map] opcode ModRM(reg, m)` with a memory operand.
    func sseRM(_ prefix: UInt8, _ map: SSEMap, _ opcode: UInt8, reg: UInt8, mem m: Mem, w: Bool = false) {
        if prefix != 0 { put(prefix) }
        rex(w: w, reg: reg, mem: m)
        escape(map)
        put(opcode)
        modrm(reg: reg, mem: m)
    }

    // MARK: Moves

    /// `movdqu dst, [m]` (F3 0F 6F; unaligned 128-bit load).
    public func movdqu(_ dst: XReg, _ m: Mem) { sseRM(0xF3, .m0F, 0x6F, reg: dst.rawValue, mem: m) }
    /// `movdqu [m], src` (F3 0F 7F).
    public func movdqu(_ m: Mem, _ src: XReg) { sseRM(0xF3, .m0F, 0x7F, reg: src.rawValue, mem: m) }
    /// `movdqa dst, [m]` (66 0F 6F; m 16-byte aligned).
    public func movdqa(_ dst: XReg, _ m: Mem) { sseRM(0x66, .m0F, 0x6F, reg: dst.rawValue, mem: m) }
    /// `movdqa [m], src` (66 0F 7F).
    public func movdqa(_ m: Mem, _ src: XReg) { sseRM(0x66, .m0F, 0x7F, reg: src.rawValue, mem: m) }
    /// `movaps dst, src` (0F 28): the shortest full register copy.
    public func movaps(_ dst: XReg, _ src: XReg) { sseRR(0, .m0F, 0x28, reg: dst.rawValue, rm: src.rawValue) }

    /// `movq xmm, r64` / `movd xmm, r32` (66 [REX.W] 0F 6E): the rest of xmm is zeroed.
    public func movq(_ dst: XReg, _ src: Reg, _ size: OpSize = .q) {
        precondition(size == .d || size == .q, "movd/movq: .d or .q")
        sseRR(0x66, .m0F, 0x6E, reg: dst.rawValue, rm: src.rawValue, w: size == .q)
    }

    /// `movq r64, xmm` / `movd r32, xmm` (66 [REX.W] 0F 7E).
    public func movq(_ dst: Reg, _ src: XReg, _ size: OpSize = .q) {
        precondition(size == .d || size == .q, "movd/movq: .d or .q")
        sseRR(0x66, .m0F, 0x7E, reg: src.rawValue, rm: dst.rawValue, w: size == .q)
    }

    /// `movq dst, src` (F3 0F 7E): the low 64 bits, bits 127:64 zeroed.
    public func movq(_ dst: XReg, _ src: XReg) { sseRR(0xF3, .m0F, 0x7E, reg: dst.rawValue, rm: src.rawValue) }
    /// `movq xmm, qword [m]` (F3 0F 7E), the rest zeroed.
    public func movq(_ dst: XReg, _ m: Mem) { sseRM(0xF3, .m0F, 0x7E, reg: dst.rawValue, mem: m) }
    /// `movq qword [m], xmm` (66 0F D6).
    public func movq(_ m: Mem, _ src: XReg) { sseRM(0x66, .m0F, 0xD6, reg: src.rawValue, mem: m) }
    /// `movd xmm, dword [m]` (66 0F 6E), the rest zeroed.
    public func movd(_ dst: XReg, _ m: Mem) { sseRM(0x66, .m0F, 0x6E, reg: dst.rawValue, mem: m) }
    /// `movd dword [m], xmm` (66 0F 7E).
    public func movd(_ m: Mem, _ src: XReg) { sseRM(0x66, .m0F, 0x7E, reg: src.rawValue, mem: m) }

    /// `pinsrb/pinsrw/pinsrd/pinsrq dst, r32/r64, lane` (SSE4.1 66 0F 3A 20/22, SSE2 66 0F C4).
    public func pinsr(_ dst: XReg, _ src: Reg, lane: UInt8, _ size: OpSize) {
        let (map, opcode): (SSEMap, UInt8) = size == .w ? (.m0F, 0xC4) : (.m0F3A, size == .b ? 0x20 : 0x22)
        sseRR(0x66, map, opcode, reg: dst.rawValue, rm: src.rawValue, w: size == .q, imm: lane)
    }

    /// `pextrb/pextrw/pextrd/pextrq r32/r64, src, lane` (SSE4.1 66 0F 3A 14/16, SSE2 66 0F C5);
    /// b and w zero-extend into the 64-bit register.
    public func pextr(_ dst: Reg, _ src: XReg, lane: UInt8, _ size: OpSize) {
        if size == .w {   // the only one with the general register in ModRM.reg
            sseRR(0x66, .m0F, 0xC5, reg: dst.rawValue, rm: src.rawValue, imm: lane)
        } else {
            sseRR(0x66, .m0F3A, size == .b ? 0x14 : 0x16, reg: src.rawValue, rm: dst.rawValue, w: size == .q, imm: lane)
        }
    }

    // MARK: Packed integer

    /// `op dst, src` (66 0F [38] opcode).
    public func packed(_ op: PackedOp, _ dst: XReg, _ src: XReg) {
        sseRR(0x66, op.map, op.opcode, reg: dst.rawValue, rm: src.rawValue)
    }

    /// `op dst, xmmword [m]` (m 16-byte aligned).
    public func packed(_ op: PackedOp, _ dst: XReg, _ m: Mem) {
        sseRM(0x66, op.map, op.opcode, reg: dst.rawValue, mem: m)
    }

    /// `pshufd dst, src, imm` (66 0F 70 /r ib).
    public func pshufd(_ dst: XReg, _ src: XReg, _ imm: UInt8) {
        sseRR(0x66, .m0F, 0x70, reg: dst.rawValue, rm: src.rawValue, imm: imm)
    }

    /// `pclmulqdq dst, src, imm` (66 0F 3A 44 /r ib): imm bit 0 picks dst's
    /// quadword, bit 4 src's.
    public func pclmulqdq(_ dst: XReg, _ src: XReg, _ imm: UInt8) {
        sseRR(0x66, .m0F3A, 0x44, reg: dst.rawValue, rm: src.rawValue, imm: imm)
    }

    /// `pshuflw dst, src, imm` (F2 0F 70 /r ib).
    public func pshuflw(_ dst: XReg, _ src: XReg, _ imm: UInt8) {
        sseRR(0xF2, .m0F, 0x70, reg: dst.rawValue, rm: src.rawValue, imm: imm)
    }

    /// Lane shifts by an immediate (66 0F 71/72/73 /digit ib).
    public func shift(_ op: PackedShift, _ dst: XReg, imm: UInt8) {
        let (opcode, digit) = op.opcodeAndDigit
        sseRR(0x66, .m0F, opcode, reg: digit, rm: dst.rawValue, imm: imm)
    }

    /// `pblendvb dst, src, xmm0` (66 0F 38 10; the mask is xmm0).
    public func pblendvb(_ dst: XReg, _ src: XReg) { sseRR(0x66, .m0F38, 0x10, reg: dst.rawValue, rm: src.rawValue) }

    // MARK: Scalar floating point

    /// `addss/addsd...` dst, src (F3 single, F2 double, 0F opcode).
    public func scalarFP(_ op: ScalarFPOp, _ dst: XReg, _ src: XReg, double: Bool) {
        sseRR(double ? 0xF2 : 0xF3, .m0F, op.rawValue, reg: dst.rawValue, rm: src.rawValue)
    }

    /// `ucomiss/ucomisd a, b` (quiet: invalid only on signalling NaNs); `comiss/comisd`
    /// with `signalling` (invalid on every NaN). [66] 0F 2E/2F.
    public func ucomis(_ a: XReg, _ b: XReg, double: Bool, signalling: Bool = false) {
        sseRR(double ? 0x66 : 0, .m0F, signalling ? 0x2F : 0x2E, reg: a.rawValue, rm: b.rawValue)
    }

    /// `cvtsi2ss/cvtsi2sd dst, r32/r64` (F3/F2 [REX.W] 0F 2A).
    public func cvtsi2s(_ dst: XReg, _ src: Reg, _ size: OpSize, double: Bool) {
        precondition(size == .d || size == .q, "cvtsi2s: .d or .q")
        sseRR(double ? 0xF2 : 0xF3, .m0F, 0x2A, reg: dst.rawValue, rm: src.rawValue, w: size == .q)
    }

    /// `cvtss2si/cvtsd2si r, src` (rounding from MXCSR; F3/F2 [REX.W] 0F 2D) or, with
    /// `truncate`, `cvttss2si/cvttsd2si` (0F 2C).
    public func cvts2si(_ dst: Reg, _ src: XReg, _ size: OpSize, double: Bool, truncate: Bool = false) {
        precondition(size == .d || size == .q, "cvts2si: .d or .q")
        sseRR(double ? 0xF2 : 0xF3, .m0F, truncate ? 0x2C : 0x2D, reg: dst.rawValue, rm: src.rawValue, w: size == .q)
    }

    /// `cvtss2sd dst, src` (F3 0F 5A) or, with `fromDouble`, `cvtsd2ss` (F2 0F 5A).
    public func cvtFP(_ dst: XReg, _ src: XReg, fromDouble: Bool) {
        sseRR(fromDouble ? 0xF2 : 0xF3, .m0F, 0x5A, reg: dst.rawValue, rm: src.rawValue)
    }

    /// `roundss/roundsd dst, src, imm` (SSE4.1 66 0F 3A 0A/0B).
    public func rounds(_ dst: XReg, _ src: XReg, imm: UInt8, double: Bool) {
        sseRR(0x66, .m0F3A, double ? 0x0B : 0x0A, reg: dst.rawValue, rm: src.rawValue, imm: imm)
    }

    /// `stmxcsr dword [m]` (0F AE /3).
    public func stmxcsr(_ m: Mem) { sseRM(0, .m0F, 0xAE, reg: 3, mem: m) }
    /// `ldmxcsr dword [m]` (0F AE /2).
    public func ldmxcsr(_ m: Mem) { sseRM(0, .m0F, 0xAE, reg: 2, mem: m) }

    // MARK: FMA3 (VEX)

    /// `vfmadd231ss/sd acc, a, b`: acc = a * b + acc, rounded once
    /// (VEX.LIG.66.0F38.W0/W1 B9 /r).
    public func vfmadd231s(_ acc: XReg, _ a: XReg, _ b: XReg, double: Bool) {
        vex3(map: 2, w: double, vvvv: a.rawValue, pp: 1, opcode: 0xB9, reg: acc.rawValue, rm: b.rawValue)
    }

    /// A 3-byte VEX instruction with register operands (L = 0).
    private func vex3(map: UInt8, w: Bool, vvvv: UInt8, pp: UInt8, opcode: UInt8, reg: UInt8, rm: UInt8) {
        put(0xC4)
        put((~(reg >> 3) & 1) << 7 | 1 << 6 | (~(rm >> 3) & 1) << 5 | map)
        put((w ? 0x80 : 0) | (~vvvv & 0xF) << 3 | pp)
        put(opcode)
        modrm(reg: reg, rm: rm)
    }
}
