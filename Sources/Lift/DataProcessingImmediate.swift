import A64
import IR

/// Data processing (immediate): ADR/ADRP, ADD/SUB, logical, move wide, bitfield, EXTR.
extension LiftState {
    mutating func liftPCRelative(_ w: UInt32) {
        if w.bit(31) {   // ADRP: page of PC + imm * 4 KiB
            let base = pc & ~UInt64(0xFFF)
            setReg(w.rd, b.const_(base &+ UInt64(bitPattern: w.adrImmediate << 12)))
        } else {
            setReg(w.rd, b.const_(pc &+ UInt64(bitPattern: w.adrImmediate)))
        }
    }

    /// ADD/ADDS/SUB/SUBS (immediate): Rn may be SP; Rd is SP unless flags are set.
    mutating func liftAddSubImmediate(_ w: UInt32) {
        let sf = w.sf, t = type(sf)
        let isSub = w.bit(30), setFlags = w.bit(29)
        let imm = UInt64(w.imm12) << (w.bit(22) ? 12 : 0)
        let n = regSP(w.rn, sf)
        addSub(n, constant(imm, t), subtract: isSub, setFlags: setFlags, rd: w.rd)
    }

    /// n ± m into Xd: with flags, Xd is XZR-numbered (ADDS/SUBS/CMP/CMN);
    /// without, register 31 is SP.
    mutating func addSub(_ n: Value, _ m: Value, subtract: Bool, setFlags: Bool, rd: Int) {
        let result = subtract ? b.sub(n, m) : b.add(n, m)
        if setFlags {
            emitAddFlags(n, m, subtract: subtract)
            setReg(rd, result)
        } else {
            setRegSP(rd, result)
        }
    }

    /// NZCV of n + m (or n - m, as n + NOT(m) + 1).
    mutating func emitAddFlags(_ n: Value, _ m: Value, subtract: Bool) {
        let t = b.type(of: n)
        let flags = subtract
            ? b.emit(Inst(.nzcvAdd, .i64, a: n, b: b.not(m), c: constant(1, t)))
            : b.emit(Inst(.nzcvAdd, .i64, a: n, b: m, c: constant(0, t)))
        b.setFlags(flags)
    }

    /// The logical instructions' opc (bits 30:29): 00 AND, 01 ORR, 10 EOR,
    /// 11 ANDS (the flags are the caller's).
    mutating func logical(_ opc: Int, _ n: Value, _ m: Value) -> Value {
        switch opc {
        case 0, 3: return b.and(n, m)
        case 1: return b.or(n, m)
        default: return b.xor(n, m)
        }
    }

    mutating func emitLogicFlags(_ r: Value) {
        b.setFlags(b.emit(Inst(.nzcvLogic, .i64, a: r)))
    }

    /// AND/ORR/EOR/ANDS (immediate): Rd is SP for the forms without flags.
    mutating func liftLogicalImmediate(_ w: UInt32) {
        let sf = w.sf, t = type(sf)
        guard let masks = decodeBitMasks(n: w.bit(22), imms: w.imms, immr: w.immr, immediate: true,
                                         dataSize: sf ? 64 : 32) else { return undefined() }
        let n = reg(w.rn, sf)
        let imm = constant(masks.wmask, t)
        let opc = w.field(29, 2)
        let result = logical(opc, n, imm)
        if opc == 3 {
            emitLogicFlags(result)
            setReg(w.rd, result)
        } else {
            setRegSP(w.rd, result)
        }
    }

    /// MOVN/MOVZ/MOVK.
    mutating func liftMoveWide(_ w: UInt32) {
        let sf = w.sf, t = type(sf)
        let shift = UInt64(w.hw * 16)
        let imm = UInt64(w.imm16) << shift
        switch w.field(29, 2) {
        case 0: setReg(w.rd, constant(~imm, t))                  // MOVN
        case 2: setReg(w.rd, constant(imm, t))                   // MOVZ
        default:                                                 // MOVK
            let old = reg(w.rd, sf)
            let kept = b.and(old, constant(~(UInt64(0xFFFF) << shift), t))
            setReg(w.rd, b.or(kept, constant(imm, t)))
        }
    }

    /// SBFM/BFM/UBFM (Arm ARM C6.2, the shared bitfield pseudocode):
    ///   bot = (dst AND NOT(wmask)) OR (ROR(src, R) AND wmask)
    ///   top = extend ? Replicate(src<S>) : dst
    ///   Xd  = (top AND NOT(tmask)) OR (bot AND tmask)
    mutating func liftBitfield(_ w: UInt32) {
        let sf = w.sf, t = type(sf), bits = sf ? 64 : 32
        guard let (wmask, tmask) = decodeBitMasks(n: w.bit(22), imms: w.imms, immr: w.immr,
                                                  immediate: false, dataSize: bits) else { return undefined() }
        let opc = w.field(29, 2)
        let inzero = opc != 1, extend = opc == 0
        let src = reg(w.rn, sf)
        let dst = inzero ? constant(0, t) : reg(w.rd, sf)
        let rotated = b.ror(src, constant(UInt64(w.immr), t))
        let bot = b.or(b.and(dst, constant(~wmask, t)), b.and(rotated, constant(wmask, t)))
        let top: Value
        if extend {
            let up = b.shl(src, constant(UInt64(bits - 1 - w.imms), t))
            top = b.ashr(up, constant(UInt64(bits - 1), t))
        } else {
            top = dst
        }
        let result = b.or(b.and(top, constant(~tmask, t)), b.and(bot, constant(tmask, t)))
        setReg(w.rd, result)
    }

    /// EXTR: (Rn:Rm) >> lsb.
    mutating func liftExtract(_ w: UInt32) {
        let sf = w.sf, t = type(sf), bits = UInt64(sf ? 64 : 32)
        let lsb = UInt64(w.imms)
        let m = reg(w.rm, sf)
        if lsb == 0 { return setReg(w.rd, m) }
        if w.rn == w.rm { return setReg(w.rd, b.ror(m, constant(lsb, t))) }   // ROR (immediate)
        let n = reg(w.rn, sf)
        let result = b.or(b.lshr(m, constant(lsb, t)), b.shl(n, constant(bits - lsb, t)))
        setReg(w.rd, result)
    }
}
