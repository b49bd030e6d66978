import Arch

/// The ID register fields of the ISA features (`ISAFeatures`, module Arch).
extension ISAFeatures {
    /// ID_AA64ISAR0_EL1: CRC32 (bits 19:16) = 1, Atomic (bits 23:20) = 2, TLB (bits 59:56) = 2.
    public var isar0: UInt64 {
        (contains(.crc32) ? 1 << 16 : 0) | (contains(.lse) ? 2 << 20 : 0) | (contains(.tlbiOSRange) ? 2 << 56 : 0)
    }
    /// ID_AA64ISAR1_EL1: DPB (bits 3:0) = 2, LRCPC (bits 23:20) = 1, SB (bits 39:36) = 1.
    public var isar1: UInt64 {
        (contains(.dpb) ? 2 : 0) | (contains(.lrcpc) ? 1 << 20 : 0) | (contains(.sb) ? 1 << 36 : 0)
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
            c.isa = [.crc32, .lse, .lrcpc, .sb, .dpb, .tlbiOSRange, .fp16]
            c.hasVHE = true
        case "cortex-a57":
            // Armv8.0-A: CRC32 (an A57 option that every part has), no LSE,
            // LRCPC, SB, DPB, TLBIOS/TLBIRANGE, VHE, PAN, HAFDBS, RME or MEC. MIDR: Arm, variant 1, part 0xD07, revision 0.
            c.isa = [.crc32]
            c.hasVHE = false
            c.hasPAN = false
            c.hasHAFDBS = false
            c.midr = 0x411F_D070
        default:
            return nil
        }
        return c
    }
}
