/// FEAT_PAuth (Arm ARM D8.10, "Pointer authentication"; pseudocode
/// AArch64.AddPAC, AArch64.Auth, AArch64.Strip and the AddPAC*/Auth*
/// wrappers): the PAC of a pointer goes into its bits above the VA range
/// (bottom_PAC_bit = 64 - TxSZ) and below bit 55 (below bit 63 without
/// TBI; bit 55 selects the range and is kept). Armature implements FEAT_PAuth
/// alone, as QEMU 7.2's max CPU (ID_AA64ISAR1_EL1.APA/GPA = 1, or API/GPI =
/// 1 with `pauth-impdef=on`): a failed AUT* returns the pointer with a
/// two-bit error code that makes it non-canonical, and the fault comes when
/// it is used (no FEAT_FPAC).
public enum PAuthKey: Int, Sendable {
    case ia = 0, ib, da, db, ga
}

/// What one helper call does (IR's `PAuthOperand` carries it).
public enum PAuthOperation: Int, Sendable {
    case add = 0, auth, strip, generic
}

extension CPU {
    /// The key registers' slots: APIAKeyLo_EL1 first, then Hi, then IB, DA,
    /// DB, GA in that order (PAuthRegisters.definitions keeps them adjacent).
    static var pauthKeyBase: Int { PAuthRegisters.keyBase }

    @inline(__always) func pauthKey(_ key: PAuthKey) -> (lo: UInt64, hi: UInt64) {
        let s = CPU.pauthKeyBase + 2 * key.rawValue
        return (sysreg(SysRegSlot(slot: s)), sysreg(SysRegSlot(slot: s + 1)))
    }

    /// ComputePAC with the CPU's algorithm: QARMA5 (through the CPU's
    /// `PACCache`), or ours with pauth-impdef=on.
    @inline(__always) func computePAC(_ data: UInt64, _ modifier: UInt64, _ key: (lo: UInt64, hi: UInt64)) -> UInt64 {
        if config.pauthImpdef { return PAuthImpdef.computePAC(data: data, modifier: modifier, key0: key.hi, key1: key.lo) }
        return pacCache.value(data, modifier, key) { d, m, k in QARMA.computePAC(data: d, modifier: m, key0: k.hi, key1: k.lo) }
    }

    /// The translation controls that place the PAC for a pointer with bit 55
    /// = `upper` (AArch64.PACEffectiveTxSZ, EffectiveTBI, EffectiveTBID) in
    /// the current EL's stage 1 regime. TxSZ outside 16...39 acts as the
    /// nearest bound (no FEAT_LVA, no FEAT_TTST: CONSTRAINED UNPREDICTABLE,
    /// the choice QEMU makes too).
    struct PACRange {
        var bottom: Int   // bottom_PAC_bit
        var tbi: Bool     // for this access (TBID clears it for instruction addresses)
        /// The regime has two VA ranges and one of them ignores the top byte
        /// for this access (AddPAC then takes the range from bit 55).
        var anyTBI: Bool
    }

    func pacRange(upper: Bool, data: Bool) -> PACRange {
        let twoRanges: Bool, tcr: UInt64
        switch el {
        case 0, 1:
            twoRanges = true
            tcr = sysreg(MMURegs.tcr[el2Host ? 2 : 1])
        case 2:
            twoRanges = hcrE2H
            tcr = sysreg(MMURegs.tcr[2])
        default:
            twoRanges = false
            tcr = sysreg(MMURegs.tcr[3])
        }
        guard twoRanges else {
            let tbi = (tcr >> 20) & 1 == 1 && (data || (tcr >> 29) & 1 == 0)   // TBI, TBID
            return PACRange(bottom: 64 - Int(min(max(tcr & 0x3F, 16), 39)), tbi: tbi, anyTBI: tbi)
        }
        // TBI0 (37), TBI1 (38), TBID0 (51), TBID1 (52), each range's own.
        let tbi0 = (tcr >> 37) & 1 == 1 && (data || (tcr >> 51) & 1 == 0)
        let tbi1 = (tcr >> 38) & 1 == 1 && (data || (tcr >> 52) & 1 == 0)
        let tsz = upper ? (tcr >> 16) & 0x3F : tcr & 0x3F   // T1SZ, T0SZ
        return PACRange(bottom: 64 - Int(min(max(tsz, 16), 39)), tbi: upper ? tbi1 : tbi0, anyTBI: tbi0 || tbi1)
    }

    /// Bits lo...hi (inclusive) set.
    @inline(__always) static func bits(_ lo: Int, _ hi: Int) -> UInt64 {
        hi >= 63 ? ~0 << UInt64(lo) : ((1 << UInt64(hi + 1)) - 1) & (~0 << UInt64(lo))
    }

    /// AArch64.Strip: the pointer with its PAC field replaced by copies of bit 55.
    public func pacStrip(_ ptr: UInt64, data: Bool) -> UInt64 {
        let upper = (ptr >> 55) & 1 == 1
        let r = pacRange(upper: upper, data: data)
        let field = CPU.bits(r.bottom, r.tbi ? 55 : 63)
        return upper ? ptr | field : ptr & ~field
    }

    /// AArch64.AddPAC. The range select bit is bit 55 when either range
    /// ignores the top byte, else bit 63; it decides bottom_PAC_bit, and is
    /// kept in bit 55 of the result.
    public func pacAdd(_ ptr: UInt64, modifier: UInt64, key: (lo: UInt64, hi: UInt64), data: Bool) -> UInt64 {
        let upper = (ptr >> 55) & 1 == 1
        let r = pacRange(upper: upper, data: data)
        let sel = r.anyTBI ? upper : ptr >> 63 == 1
        let bottom = sel == upper ? r.bottom : pacRange(upper: sel, data: data).bottom
        let top = r.tbi ? 55 : 63
        let field = CPU.bits(bottom, top)
        let extPtr = sel ? ptr | field : ptr & ~field
        var pac = computePAC(extPtr, modifier, key)
        // Non-canonical input (the extension bits not all equal): flip PAC<top-1>.
        let ext = ptr & field
        if ext != 0 && ext != field { pac ^= 1 << UInt64(top - 1) }
        let pacField = r.tbi ? CPU.bits(bottom, 54) : CPU.bits(bottom, 54) | CPU.bits(56, 63)
        return (ptr & ~(pacField | 1 << 55)) | (pac & pacField) | (sel ? 1 << 55 : 0)
    }

    /// AArch64.Auth (without FEAT_PAuth2): the original pointer when the PAC
    /// matches, else it with error code key:NOT(key) in bits 54:53 (TBI) or 62:61.
    public func pacAuth(_ ptr: UInt64, modifier: UInt64, key: (lo: UInt64, hi: UInt64), data: Bool, keyB: Bool) -> UInt64 {
        let upper = (ptr >> 55) & 1 == 1
        let r = pacRange(upper: upper, data: data)
        let field = CPU.bits(r.bottom, r.tbi ? 55 : 63)
        let original = upper ? ptr | field : ptr & ~field
        let pac = computePAC(original, modifier, key)
        let checked = r.tbi ? CPU.bits(r.bottom, 54) : CPU.bits(r.bottom, 54) | CPU.bits(56, 63)
        if (pac ^ ptr) & checked == 0 { return original }
        let errorShift: UInt64 = r.tbi ? 53 : 61
        return original & ~(3 << errorShift) | (keyB ? 2 : 1) << errorShift
    }

    /// SCTLR_ELx.EnIA (31), EnIB (30), EnDA (27), EnDB (13) of the current
    /// regime (SCTLR_EL2 for EL0 in the EL2&0 host regime).
    func pacKeyEnabled(_ key: PAuthKey) -> Bool {
        let sctlr = el == 0 ? el0SCTLR : sysreg(SysRegTable.sctlr[el])
        let bit: UInt64
        switch key {
        case .ia: bit = 31
        case .ib: bit = 30
        case .da: bit = 27
        case .db, .ga: bit = 13
        }
        return (sctlr >> bit) & 1 == 1
    }

    /// The EL a PAuth instruction is trapped to (TrapPACUse): HCR_EL2.API = 0
    /// from EL0/EL1 with EL2 enabled (not for the EL2&0 host's EL0), then
    /// SCR_EL3.API = 0 from below EL3; nil when not trapped.
    func pacTrapTarget() -> Int? {
        if el < 2 && el2Enabled && sysreg(SysRegTable.hcrEL2) & PAuthRegisters.hcrAPI == 0 && !(el == 0 && el2Host) {
            return 2
        }
        if el < 3 && config.hasEL3 && sysreg(SysRegTable.scrEL3) & PAuthRegisters.scrAPI == 0 { return 3 }
        return nil
    }

    /// One PAC*/AUT*/XPAC*/PACGA (`PAuthOperation`, key): the result, or nil
    /// when the instruction took the EC 0x09 trap (ISS 0). PAC* and AUT* with
    /// their key disabled in SCTLR_ELx return the pointer unchanged, before
    /// any trap; XPAC* is never trapped.
    public func pointerAuth(_ op: PAuthOperation, key: PAuthKey, _ x: UInt64, modifier: UInt64) -> UInt64? {
        let data = key == .da || key == .db
        switch op {
        case .strip: return pacStrip(x, data: data)
        case .generic:
            if let t = pacTrapTarget() { takePACTrap(to: t); return nil }
            return computePAC(x, modifier, pauthKey(.ga)) & 0xFFFF_FFFF_0000_0000
        case .add, .auth:
            guard pacKeyEnabled(key) else { return x }
            if let t = pacTrapTarget() { takePACTrap(to: t); return nil }
            let k = pauthKey(key)
            if op == .add { return pacAdd(x, modifier: modifier, key: k, data: data) }
            return pacAuth(x, modifier: modifier, key: k, data: data, keyB: key == .ib || key == .db)
        }
    }

    func takePACTrap(to target: Int) {
        takeException(to: target, syndrome: CPU.syndrome(.pauthTrap), returnAddress: faultPC)
    }
}
