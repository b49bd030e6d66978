import IR

/// The `crypto` group's AES and 64×64 PMULL ops as host instructions, when
/// the host has AES-NI and PCLMULQDQ (the others, and every op on a host
/// without them, call `jitVectorOp`). x86's AES state has the same byte
/// order as Arm's, and (Inv)SubBytes commutes with (Inv)ShiftRows:
///  - AESE d, n  = SubBytes(ShiftRows(d ^ n))        = AESENCLAST(d ^ n, 0)
///  - AESD d, n  = InvSubBytes(InvShiftRows(d ^ n))  = AESDECLAST(d ^ n, 0)
///  - AESMC n    = MixColumns(n)                     = AESENC(AESDECLAST(n, 0), 0)
///  - AESIMC n   = InvMixColumns(n)                  = AESIMC(n)
///  - PMULL{2} .1Q = PCLMULQDQ with imm 0x00 (low quadwords) or 0x11 (high).
/// With SHA-NI, SHA256SU0 is SHA256MSG1 (the same σ0 words), SHA256SU1 is
/// SHA256MSG2 of Vd + (Vm<31:0> : Vn<127:32>) and Vm, and SHA256H/H2 run the
/// four rounds as two SHA256RNDS2 on x86's state halves ABEF and CDGH
/// (shuffled from Arm's ABCD and EFGH, and back).
/// EOR3, BCAX, RAX1 and XAR are SSE2 bit operations and 64-bit shifts.
extension JITCompiler {
    /// Emits the op and returns true, or emits nothing and returns false.
    func emitCrypto(_ i: Int, _ inst: Inst, _ code: VectorOpcode) -> Bool {
        guard let op = CryptoOp(rawValue: code.op) else { return false }
        let zero = JITCompiler.scratch0
        switch op {
        case .aese, .aesd:
            guard runtime.features.aes else { return false }
            let xn = xmmOperand(inst.a, at: i), xd = xmmOperand(inst.c, at: i)
            // r is d's register or a free one: never n's unless n and d are one value.
            let r = allocateXMM(i, reusing: inst.c)
            copyXMM(r, xd)
            a.packed(.pxor, r, xn)
            a.packed(.pxor, zero, zero)
            a.packed(op == .aese ? .aesenclast : .aesdeclast, r, zero)
        case .aesmc:
            guard runtime.features.aes else { return false }
            let xn = xmmOperand(inst.a, at: i)
            let r = allocateXMM(i, reusing: inst.a)
            copyXMM(r, xn)
            a.packed(.pxor, zero, zero)
            a.packed(.aesdeclast, r, zero)
            a.packed(.aesenc, r, zero)
        case .aesimc:
            guard runtime.features.aes else { return false }
            let xn = xmmOperand(inst.a, at: i)
            a.packed(.aesimc, allocateXMM(i, reusing: inst.a), xn)
        case .pmull:
            guard runtime.features.pclmul, code.laneBits == 64 else { return false }
            let xn = xmmOperand(inst.a, at: i), xm = xmmOperand(inst.b, at: i)
            let r = allocateXMM(i, reusing: inst.a)
            copyXMM(r, xn)
            a.pclmulqdq(r, xm, code.param == 0 ? 0x00 : 0x11)
        case .sha256su0:
            guard runtime.features.sha else { return false }
            let xn = xmmOperand(inst.a, at: i), xd = xmmOperand(inst.c, at: i)
            let t = JITCompiler.scratch1
            copyXMM(t, xd)
            a.sha(.sha256msg1, t, xn)
            copyXMM(allocateXMM(i, reusing: inst.c), t)
        case .sha256su1:
            guard runtime.features.sha else { return false }
            let xn = xmmOperand(inst.a, at: i), xm = xmmOperand(inst.b, at: i), xd = xmmOperand(inst.c, at: i)
            let t = JITCompiler.scratch1
            copyXMM(t, xm)
            a.palignr(t, xn, 4)                         // Vm<31:0> : Vn<127:32>
            a.packed(.paddd, t, xd)
            a.sha(.sha256msg2, t, xm)
            copyXMM(allocateXMM(i, reusing: inst.c), t)
        case .sha256h, .sha256h2:
            guard runtime.features.sha else { return false }
            // SHA256H: Vd = ABCD (c), Vn = EFGH (a); SHA256H2: Vd = EFGH (c), Vn = ABCD (a).
            let xabcd = xmmOperand(op == .sha256h ? inst.c : inst.a, at: i)
            let xefgh = xmmOperand(op == .sha256h ? inst.a : inst.c, at: i)
            let xw = xmmOperand(inst.b, at: i)
            let abef = JITCompiler.scratch1, cdgh = JITCompiler.scratch2, wk = JITCompiler.scratch0
            copyXMM(abef, xefgh)
            a.shufps(abef, xabcd, 0x11)                 // F, E, B, A
            copyXMM(cdgh, xefgh)
            a.shufps(cdgh, xabcd, 0xBB)                 // H, G, D, C
            copyXMM(wk, xw)
            a.sha(.sha256rnds2, cdgh, abef)             // cdgh = ABEF after 2 rounds
            a.pshufd(wk, xw, 0x0E)
            a.sha(.sha256rnds2, abef, cdgh)             // abef = ABEF after 4, cdgh = CDGH
            let r = allocateXMM(i, reusing: inst.c)
            copyXMM(r, abef)
            a.shufps(r, cdgh, op == .sha256h ? 0xBB : 0x11)   // A, B, C, D or E, F, G, H
        case .eor3, .bcax:
            let xn = xmmOperand(inst.a, at: i), xm = xmmOperand(inst.b, at: i), xa = xmmOperand(inst.c, at: i)
            let t = JITCompiler.scratch1
            copyXMM(t, xa)
            if op == .eor3 { a.packed(.pxor, t, xm) } else { a.packed(.pandn, t, xm) }   // m ^ a, or m & ~a
            let r = allocateXMM(i, reusing: inst.a)
            copyXMM(r, xn)
            a.packed(.pxor, r, t)
        case .rax1, .xar:
            // RAX1: n ^ ROL(m, 1); XAR: ROR(n ^ m, imm), per 64-bit lane.
            let xn = xmmOperand(inst.a, at: i), xm = xmmOperand(inst.b, at: i)
            let t = JITCompiler.scratch1
            let rotate = op == .rax1 ? 63 : code.param & 63      // a right rotation
            copyXMM(t, xm)
            if op == .xar { a.packed(.pxor, t, xn) }
            if rotate != 0 {
                copyXMM(zero, t)
                a.shift(.psrlq, t, imm: UInt8(rotate))
                a.shift(.psllq, zero, imm: UInt8(64 - rotate))
                a.packed(.por, t, zero)
            }
            let r = allocateXMM(i, reusing: inst.a)
            if op == .rax1 {
                copyXMM(r, xn)
                a.packed(.pxor, r, t)
            } else {
                copyXMM(r, t)
            }
        default:
            return false
        }
        return true
    }
}
