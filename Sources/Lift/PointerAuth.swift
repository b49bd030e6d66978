import A64
import IR

/// FEAT_PAuth and FEAT_RNG. Every PAC*/AUT*/XPAC*/PACGA is one call of the
/// `pauth` helper (Machine's PAuth/PointerAuth.swift): it checks the key's
/// SCTLR_ELx enable and the HCR_EL2/SCR_EL3 traps, then computes, so an
/// instruction costs one call whatever it does. The combined forms
/// (BRAA..., RETAA, LDRAA) authenticate through the same call and then
/// branch or load as their plain forms do.
extension LiftState {
    enum PACOp: Int { case add = 0, auth, strip, generic }

    mutating func pauth(_ op: PACOp, key: Int, _ value: Value, _ modifier: Value) -> Value {
        b.call(.pauth, [value, modifier, b.const_(PAuthOperand(operation: op.rawValue, key: key).packed)])
    }

    /// PACIA...AUTDB Xd, Xn|SP and PACIZA...AUTDZB Xd (opcode bits 12:10:
    /// key in bits 11:10, AUT in bit 12; bit 13: modifier zero).
    mutating func liftPACAut(_ w: UInt32) {
        let key = w.field(10, 2), op: PACOp = w.bit(12) ? .auth : .add
        let modifier = w.bit(13) ? b.const_(0) : xsp(w.rn)
        setReg(w.rd, pauth(op, key: key, x(w.rd), modifier))
    }

    /// The HINT-space forms (Arm ARM C6.2, PACIA1716 ... AUTIBSP, XPACLRI):
    /// NOPs on a CPU without FEAT_PAuth. Returns false for the other hints.
    mutating func liftPAuthHint(_ n: Int) -> Bool {
        guard [7, 8, 10, 12, 14, 24, 25, 26, 27, 28, 29, 30, 31].contains(n) else { return false }
        guard ctx.features.contains(.pauth) else { return true }
        if n == 7 {   // XPACLRI
            setReg(30, pauth(.strip, key: 0, x(30), b.const_(0)))
            return true
        }
        let keyB = n & 2 != 0, auth = n & 4 != 0
        let reg = n < 16 ? 17 : 30
        let modifier: Value = n < 16 ? x(16) : (n & 1 == 1 ? xsp(31) : b.const_(0))   // 1716, SP, Z
        setReg(reg, pauth(auth ? .auth : .add, key: keyB ? 1 : 0, x(reg), modifier))
        return true
    }

    mutating func liftXPAC(_ w: UInt32) {
        setReg(w.rd, pauth(.strip, key: w.bit(10) ? 2 : 0, x(w.rd), b.const_(0)))
    }

    mutating func liftPACGA(_ w: UInt32) {
        setReg(w.rd, pauth(.generic, key: 4, x(w.rn), xsp(w.rm)))
    }

    /// BRAA/BRAB/BLRAA/BLRAB Xn, Xm|SP and the Z forms (modifier zero): the
    /// target is Xn authenticated with the instruction key; BLRA* writes the
    /// link after reading Xn (BLRAA X30 branches to the old X30).
    mutating func liftBranchAuth(_ w: UInt32) {
        let zero = !w.bit(24)
        let modifier = zero ? b.const_(0) : xsp(w.rt)   // Rm is in bits 4:0
        let target = pauth(.auth, key: w.bit(10) ? 1 : 0, x(w.rn), modifier)
        if w.bit(21) { setReg(30, b.const_(pc &+ 4)) }
        b.exitIndirect(target)
    }

    /// RETAA/RETAB: X30 authenticated with SP as the modifier.
    mutating func liftRetAuth(_ w: UInt32) {
        b.exitIndirect(pauth(.auth, key: w.bit(10) ? 1 : 0, x(30), xsp(31)))
    }

    /// ERETAA/ERETAB: the helper authenticates ELR_ELx with SP and returns.
    mutating func liftERETAuth(_ w: UInt32) {
        b.call(.eretAuth, [b.const_(w.bit(10) ? 1 : 0)])
        b.exitState()
    }

    /// LDRAA/LDRAB Xt, [Xn|SP, #simm10*8]{!}: the base authenticated with
    /// the data key and a zero modifier, plus the offset; a 64-bit load
    /// (alignment as LDR's); pre-index writes the address back.
    mutating func liftLoadAuth(_ w: UInt32) {
        let base = pauth(.auth, key: w.bit(23) ? 3 : 2, xsp(w.rn), b.const_(0))
        let address = b.add(base, b.const_(UInt64(bitPattern: Int64(A64Disassembler.ldrAuthOffset(w)))))
        let value = loadValue(address, size: 3, signed: false, toW: false)
        if w.bit(11) { setRegSP(w.rn, address) }
        setReg(w.rt, value)
    }

    /// RNDR/RNDRRS (FEAT_RNG): 64 random bits from the host, NZCV = 0000
    /// (success: the host never runs out of entropy). No trap: Armature
    /// does not implement FEAT_RNG_TRAP (ID_AA64PFR1_EL1.RNDR_trap = 0).
    mutating func liftRandom(_ w: UInt32) {
        let v = b.call(.random)
        b.setFlags(b.const_(0))
        setReg(w.rt, v)
    }

    /// MRS of RNDR (S3_3_C2_C4_0) or RNDRRS (S3_3_C2_C4_1).
    static func isRandomRegister(_ key: UInt32) -> Bool { key == 0xD920 || key == 0xD921 }
}
