/// The EL2 facts many rules test, each defined once: whether EL2 is enabled
/// in the current Security state, and HCR_EL2.{E2H, TGE} as they act.

/// HCR_EL2 bits read outside the register's own entry (Arm ARM D24.2.x HCR_EL2).
public enum HCRBits {
    public static let dc: UInt64 = 1 << 12
    public static let tge: UInt64 = 1 << 27
    public static let rw: UInt64 = 1 << 31
    /// FEAT_VHE; RES0 without it (the HCR_EL2 write clears it).
    public static let e2h: UInt64 = 1 << 34
    /// {E2H, TGE} = {1, 1}: EL0 belongs to the EL2&0 regime.
    public static let host: UInt64 = e2h | tge
}

public enum EL2State {
    /// EL2Enabled() (Arm ARM, shared pseudocode): EL2 is implemented and, with
    /// EL3, the current Security state has an EL2: SCR_EL3.NS = 1 (Non-secure,
    /// and Realm, whose NS is 1 too). Secure EL2 (FEAT_SEL2) is not
    /// implemented, so SCR_EL3.EEL2 is RES0 and Secure state has no EL2.
    @inline(__always) public static func enabled(hasEL2: Bool, hasEL3: Bool, scr: UInt64) -> Bool {
        hasEL2 && (!hasEL3 || scr & SCRBits.ns != 0)
    }
}

extension CPU {
    /// EL2 is implemented and enabled in the current Security state (`EL2State.enabled`).
    public var el2Enabled: Bool {
        EL2State.enabled(hasEL2: config.hasEL2, hasEL3: config.hasEL3, scr: sysreg(SysRegTable.scrEL3))
    }

    /// HCR_EL2.E2H: EL2 uses the EL2&0 regime (FEAT_VHE).
    var hcrE2H: Bool { config.hasEL2 && sysreg(SysRegTable.hcrEL2) & HCRBits.e2h != 0 }

    /// HCR_EL2.TGE in effect (EL2 enabled): exceptions from EL0 go to EL2.
    var hcrTGE: Bool { el2Enabled && sysreg(SysRegTable.hcrEL2) & HCRBits.tge != 0 }

    /// HCR_EL2.{E2H,TGE} = {1,1} with EL2 enabled (ELIsInHost(EL0)): EL0 is
    /// the host's EL0 of the EL2&0 regime (FEAT_VHE), and EL1 is not used.
    public var el2Host: Bool {
        el2Enabled && sysreg(SysRegTable.hcrEL2) & HCRBits.host == HCRBits.host
    }
}
