import Arch

/// The ID register fields of the ISA features (`ISAFeatures`, module Arch).
extension ISAFeatures {
    /// ID_AA64ISAR0_EL1: AES (bits 7:4) = 2 (with PMULL), SHA1 (11:8) = 1,
    /// SHA2 (15:12) = 1 (SHA256) or 2 (and SHA512), CRC32 (19:16) = 1, Atomic
    /// (23:20) = 2, RDM (31:28) = 1, SHA3 (35:32) = 1, DP (47:44) = 1, FHM
    /// (51:48) = 1, TLB (59:56) = 2, RNDR (63:60) = 1.
    public var isar0: UInt64 {
        var v: UInt64 = contains(.aes) ? 2 << 4 : 0
        if contains(.sha1) { v |= 1 << 8 }
        if contains(.sha256) { v |= (contains(.sha512) ? 2 : 1) << 12 }
        if contains(.crc32) { v |= 1 << 16 }
        if contains(.lse) { v |= 2 << 20 }
        if contains(.rdm) { v |= 1 << 28 }
        if contains(.sha3) { v |= 1 << 32 }
        if contains(.dotProd) { v |= 1 << 44 }
        if contains(.fhm) { v |= 1 << 48 }
        if contains(.tlbiOSRange) { v |= 2 << 56 }
        if contains(.rng) { v |= 1 << 60 }
        return v
    }
    /// ID_AA64ISAR1_EL1: DPB (bits 3:0) = 2, JSCVT (15:12) = 1, FCMA (19:16)
    /// = 1, LRCPC (23:20) = 1, FRINTTS (35:32) = 1, SB (39:36) = 1; FEAT_PAuth
    /// with QARMA5: APA (7:4) = 1, GPA (27:24) = 1, or with the IMPLEMENTATION
    /// DEFINED algorithm (`impdefPAC`): API (11:8) = 1, GPI (31:28) = 1.
    public func isar1(impdefPAC: Bool) -> UInt64 {
        var v: UInt64 = contains(.dpb) ? 2 : 0
        if contains(.pauth) { v |= impdefPAC ? 1 << 8 | 1 << 28 : 1 << 4 | 1 << 24 }
        if contains(.jscvt) { v |= 1 << 12 }
        if contains(.fcma) { v |= 1 << 16 }
        if contains(.lrcpc) { v |= 1 << 20 }
        if contains(.frintts) { v |= 1 << 32 }
        if contains(.sb) { v |= 1 << 36 }
        return v
    }
}

extension CPUConfig {
    /// The CPU models `-cpu` accepts.
    public static let modelNames = ["max", "cortex-a57"]

    /// The configuration of a named model (EL2/EL3, RME come from the machine
    /// options); nil for an unknown name.
    public static func model(named name: String) -> CPUConfig? {
        var c = CPUConfig()
        c.model = name
        switch name {
        case "max":
            c.isa = .all
            c.hasVHE = true
        case "cortex-a57":
            // Armv8.0-A: CRC32 (an A57 option that every part has), no LSE,
            // LRCPC, SB, DPB, TLBIOS/TLBIRANGE, VHE, PAN, HAFDBS, RME or MEC; the
            // Cryptographic Extension (AES with PMULL, SHA1, SHA256) but no FP16,
            // SHA512, SHA3, RDM, DotProd, JSCVT, FCMA, FRINTTS or FHM. MIDR: Arm,
            // variant 1, part 0xD07, revision 0.
            c.isa = [.crc32, .aes, .sha1, .sha256]
            c.hasVHE = false
            c.hasPAN = false
            c.hasDIT = false
            c.hasHAFDBS = false
            c.midr = 0x411F_D070
        default:
            return nil
        }
        return c
    }
}
