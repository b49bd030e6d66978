/// RME Security states and physical address spaces (Arm ARM D9.1, D8.2.x),
/// as far as FEAT_MEC needs them. The granule protection check (GPT) and the
/// walker's choice of output PA space plug in here: `PASpace` is what a
/// translation reports (`MECTranslationInfo.paSpace`), `SecurityState` what
/// the PE executes in.

/// The Security state of the PE (Arm ARM D1.3): chosen by the EL and by
/// SCR_EL3.{NSE, NS} below EL3.
public enum SecurityState: Sendable, Equatable, CustomStringConvertible {
    case secure, nonSecure, root, realm

    /// The PA space an untranslated access (stage 1 off) uses in this state.
    public var paSpace: PASpace {
        switch self {
        case .secure: return .secure
        case .nonSecure: return .nonSecure
        case .root: return .root
        case .realm: return .realm
        }
    }

    /// Its name, the same as its PA space's.
    public var description: String { paSpace.description }
}

/// The four physical address spaces of RME (Arm ARM D9.1.2). Without RME only
/// Secure and Non-secure exist.
public enum PASpace: UInt8, Sendable, Equatable, CustomStringConvertible {
    case secure = 0, nonSecure = 1, root = 2, realm = 3

    /// The PA space of a stage 1 descriptor's {NSE, NS} bits in the EL3 regime
    /// with RME (Arm ARM D8.3.x: 00 Secure, 01 Non-secure, 10 Root, 11 Realm).
    public init(nse: Bool, ns: Bool) {
        switch (nse, ns) {
        case (false, false): self = .secure
        case (false, true): self = .nonSecure
        case (true, false): self = .root
        case (true, true): self = .realm
        }
    }

    public var description: String {
        switch self {
        case .secure: return "Secure"
        case .nonSecure: return "Non-secure"
        case .root: return "Root"
        case .realm: return "Realm"
        }
    }
}

/// SCR_EL3 bits that the RME/MEC model reads (Arm ARM D24.2.x SCR_EL3).
public enum SCRBits {
    public static let ns: UInt64 = 1 << 0
    public static let hce: UInt64 = 1 << 8
    public static let rw: UInt64 = 1 << 10
    /// Access to TCR2_EL1/TCR2_EL2 below EL3 (FEAT_TCR2).
    public static let tcr2En: UInt64 = 1 << 43
    /// Access to SCTLR2_EL1/SCTLR2_EL2 below EL3 (FEAT_SCTLR2).
    public static let sctlr2En: UInt64 = 1 << 44
    /// Access to the EL2 MECID registers from EL2; when 0 they also read as 0
    /// for every purpose other than direct accesses from EL3 (FEAT_MEC).
    public static let mecEn: UInt64 = 1 << 49
    /// With NS, selects Realm state (FEAT_RME).
    public static let nse: UInt64 = 1 << 62
}

extension CPU {
    /// The Security state execution at `e` is in (Arm ARM D1.3, CurrentSecurityState):
    /// EL3 is Root with RME (Secure without); below EL3, SCR_EL3.{NSE, NS} =
    /// 00 Secure, 01 Non-secure, 11 Realm (10 is reserved: treated as Secure).
    /// Without EL3 the PE is in Non-secure state, as QEMU's virt without secure=on.
    public func securityState(el e: Int) -> SecurityState {
        guard config.hasEL3 else { return .nonSecure }
        if e == 3 { return config.hasRME ? .root : .secure }
        let scr = sysreg(SysRegTable.scrEL3)
        let ns = scr & SCRBits.ns != 0
        let nse = config.hasRME && scr & SCRBits.nse != 0
        switch (nse, ns) {
        case (false, true): return .nonSecure
        case (true, true): return .realm
        default: return .secure
        }
    }

    /// The Security state of the current EL.
    public var securityState: SecurityState { securityState(el: el) }
}
