/// The FP/SIMD register file (V0-V31, FPCR, FPSR in the state block) and the
/// controls that trap FP/SIMD use: CPACR_EL1.FPEN, CPTR_EL2.TFP (FPEN in
/// the FEAT_VHE layout while HCR_EL2.E2H is 1), CPTR_EL3.TFP (Arm ARM
/// AArch64.CheckFPAdvSIMDEnabled and AArch64.CheckFPAdvSIMDTrap).
public enum FPRegisters {
    /// FPCR bits Armature keeps: AHP (26), DN (25), FZ (24), RMode (23:22),
    /// FZ16 (19). The trap enables (IDE, IXE, UFE, OFE, DZE, IOE) read as zero:
    /// trapped FP exceptions are not implemented (as in QEMU). Len and Stride
    /// are RES0 (no AArch32).
    public static let fpcrMask: UInt64 = 0x07C8_0000
    /// FPSR bits: QC (27), IDC (7), IXC (4), UFC (3), OFC (2), DZC (1), IOC (0).
    /// NZCV (31:28) is RES0 without AArch32.
    public static let fpsrMask: UInt64 = 0x0800_009F

    /// The system register key (op0:op1:CRn:CRm:op2) of FPCR and FPSR: MRS/MSR
    /// of these are FP/SIMD instructions for the traps.
    public static let fpcrKey: UInt32 = 3 << 14 | 3 << 11 | 4 << 7 | 4 << 3 | 0
    public static let fpsrKey: UInt32 = 3 << 14 | 3 << 11 | 4 << 7 | 4 << 3 | 1
}

extension CPU {
    public var fpcr: UInt64 {
        get { state.load(fromByteOffset: StateLayout.fpcr, as: UInt64.self) }
        set { state.storeBytes(of: newValue & FPRegisters.fpcrMask, toByteOffset: StateLayout.fpcr, as: UInt64.self) }
    }
    public var fpsr: UInt64 {
        get { state.load(fromByteOffset: StateLayout.fpsr, as: UInt64.self) }
        set { state.storeBytes(of: newValue & FPRegisters.fpsrMask, toByteOffset: StateLayout.fpsr, as: UInt64.self) }
    }

    /// Vn as (low 64 bits, high 64 bits).
    public func vreg(_ n: Int) -> (lo: UInt64, hi: UInt64) {
        (state.load(fromByteOffset: StateLayout.vreg(n), as: UInt64.self),
         state.load(fromByteOffset: StateLayout.vreg(n) + 8, as: UInt64.self))
    }
    public func setVreg(_ n: Int, lo: UInt64, hi: UInt64) {
        state.storeBytes(of: lo, toByteOffset: StateLayout.vreg(n), as: UInt64.self)
        state.storeBytes(of: hi, toByteOffset: StateLayout.vreg(n) + 8, as: UInt64.self)
    }

    func resetFP() {
        for n in 0..<32 { setVreg(n, lo: 0, hi: 0) }
        fpcr = 0
        fpsr = 0
    }

    /// Where an FP/SIMD instruction at the current EL is trapped to, or nil
    /// when FP/SIMD is enabled. `uncategorized`: a trap that CPACR_EL1 would
    /// take to EL1 goes to EL2 under HCR_EL2.TGE, reported with EC 0x00
    /// (AArch64.AdvSIMDFPAccessTrap).
    public var fpAccessTrap: (el: Int, uncategorized: Bool)? {
        let e = el
        let e2h = el2Enabled && hcrE2H
        let tge = hcrTGE
        let inHost = e2h && tge && e != 1
        // CPACR_EL1.FPEN: x0 traps EL0 and EL1, 01 traps EL0, 11 traps nothing.
        if e <= 1 && !inHost {
            let fpen = (sysreg(NamedSysReg.CPACR_EL1.slot) >> 20) & 3
            if fpen & 1 == 0 || (fpen == 1 && e == 0) { return (tge ? 2 : 1, tge) }
        }
        if e <= 2 && el2Enabled {
            let cptr = sysreg(SysRegTable.cptrEL2)
            if e2h {
                let fpen = (cptr >> 20) & 3
                if fpen & 1 == 0 || (fpen == 1 && e == 0 && tge) { return (2, false) }
            } else if cptr & (1 << 10) != 0 {   // TFP
                return (2, false)
            }
        }
        if config.hasEL3 && sysreg(SysRegTable.cptrEL3) & (1 << 10) != 0 { return (3, false) }   // TFP
        return nil
    }

    /// Takes the FP/SIMD access trap for the instruction at `faultPC` when one
    /// applies; returns true when it did. The syndrome is EC 0x07 with CV = 1
    /// and COND = 0xE (ConditionSyndrome of A64), or EC 0x00 when routed by TGE.
    @discardableResult
    public func takeFPAccessTrap() -> Bool {
        guard let t = fpAccessTrap else { return false }
        let syndrome = t.uncategorized ? CPU.syndrome(.unknown) : CPU.syndrome(.fpAccess, iss: 1 << 24 | 0xE << 20)
        takeException(to: t.el, syndrome: syndrome, returnAddress: faultPC)
        return true
    }
}
