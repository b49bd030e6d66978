/// The identification registers (Arm ARM D24.2, "Identification registers"):
/// their values describe exactly what Armature implements for the CPU model
/// (`-cpu max`, `-cpu cortex-a57`: `CPUConfig`), nothing more.
///
/// The whole ID space op0 = 3, op1 = 0, CRn = 0, CRm = 1...7 is in the table:
/// the encodings no feature of ours gives a meaning read as zero (the Arm ARM's
/// "reserved, RAZ" ID space, which software probes), and all of them are
/// trapped to EL2 by HCR_EL2.TID3. The AArch32 ID registers read as zero: no
/// EL supports AArch32 (ID_AA64PFR0_EL1.EL0/EL1 = 1).
enum IDRegisters {
    static let definitions: [SysRegDef] = {
        var d: [SysRegDef] = [
            // MIDR/MPIDR read at EL1 with EL2 enabled return VPIDR_EL2/VMPIDR_EL2.
            .special("MIDR_EL1", 3, 0, 0, 0, 0, el: 1, read: { cpu in
                cpu.el == 1 && cpu.el2Enabled ? cpu.sysreg(NamedSysReg.VPIDR_EL2.slot) : cpu.config.midr
            }),
            .special("MPIDR_EL1", 3, 0, 0, 0, 5, el: 1, read: { cpu in
                cpu.el == 1 && cpu.el2Enabled ? cpu.sysreg(NamedSysReg.VMPIDR_EL2.slot) : cpu.mpidr
            }),
            SysRegDef("REVIDR_EL1", 3, 0, 0, 0, 6, el: 1, .readOnly).trapped(.id1),
            SysRegDef("AIDR_EL1", 3, 1, 0, 0, 7, el: 1, .readOnly).trapped(.id1),
            // CTR_EL0: IminLine = DminLine = 64 bytes, PIPT I-cache, CWG = ERG = 16 words.
            SysRegDef("CTR_EL0", 3, 3, 0, 0, 1, el: 0, .readOnly, reset: 0x8444_C004)
                .el0Gated(bySCTLRBit: 15).trapped(.id2),   // UCT
            // DCZID_EL0: BS = 64-byte DC ZVA blocks; DZP (bit 4): DC ZVA would trap here.
            .special("DCZID_EL0", 3, 3, 0, 0, 7, el: 0, read: { 0x4 | ($0.dcZVAProhibited ? 1 << 4 : 0) }),
            SysRegDef("CLIDR_EL1", 3, 1, 0, 0, 1, el: 1, .readOnly, reset: clidr).trapped(.id2),
            SysRegDef("CCSIDR_EL1", 3, 1, 0, 0, 0, el: 1, .readOnly).trapped(.id2)
                .value { cpu in IDRegisters.ccsidr(selector: cpu.sysreg(IDRegisters.csselr)) },
            SysRegDef("CSSELR_EL1", 3, 2, 0, 0, 0, el: 1).trapped(.id2)
                .writing { cpu, slot, v in cpu.setSysreg(slot, v & 0xF) },   // Level, InD
        ]
        // The ID space proper (CRm 1...7): named registers first, then the rest.
        let named: [UInt32: (String, @Sendable (CPU) -> UInt64)] = [
            0x08: ("ID_PFR0_EL1", zero), 0x09: ("ID_PFR1_EL1", zero), 0x0A: ("ID_DFR0_EL1", zero),
            0x0B: ("ID_AFR0_EL1", zero), 0x0C: ("ID_MMFR0_EL1", zero), 0x0D: ("ID_MMFR1_EL1", zero),
            0x0E: ("ID_MMFR2_EL1", zero), 0x0F: ("ID_MMFR3_EL1", zero),
            0x10: ("ID_ISAR0_EL1", zero), 0x11: ("ID_ISAR1_EL1", zero), 0x12: ("ID_ISAR2_EL1", zero),
            0x13: ("ID_ISAR3_EL1", zero), 0x14: ("ID_ISAR4_EL1", zero), 0x15: ("ID_ISAR5_EL1", zero),
            0x16: ("ID_MMFR4_EL1", zero), 0x17: ("ID_ISAR6_EL1", zero),
            0x18: ("MVFR0_EL1", zero), 0x19: ("MVFR1_EL1", zero), 0x1A: ("MVFR2_EL1", zero),
            0x1D: ("ID_DFR1_EL1", zero), 0x1E: ("ID_MMFR5_EL1", zero),
            0x20: ("ID_AA64PFR0_EL1", { $0.idAA64PFR0 }),
            0x21: ("ID_AA64PFR1_EL1", zero),
            0x24: ("ID_AA64ZFR0_EL1", zero),
            0x28: ("ID_AA64DFR0_EL1", { $0.idAA64DFR0 }),
            0x29: ("ID_AA64DFR1_EL1", zero),
            0x2C: ("ID_AA64AFR0_EL1", zero), 0x2D: ("ID_AA64AFR1_EL1", zero),
            0x30: ("ID_AA64ISAR0_EL1", { $0.config.isa.isar0 }),
            0x31: ("ID_AA64ISAR1_EL1", { $0.config.isa.isar1(impdefPAC: $0.config.pauthImpdef) }),
            0x32: ("ID_AA64ISAR2_EL1", zero),
            0x38: ("ID_AA64MMFR0_EL1", { _ in mmfr0 }),
            0x39: ("ID_AA64MMFR1_EL1", { $0.idAA64MMFR1 }),
            0x3A: ("ID_AA64MMFR2_EL1", zero),
            0x3B: ("ID_AA64MMFR3_EL1", { $0.mecIDAA64MMFR3 }),
        ]
        for crm in UInt32(1)...7 {
            for op2 in UInt32(0)...7 {
                let index = crm << 3 | op2
                let (name, value) = named[index] ?? ("S3_0_C0_C\(crm)_\(op2)", zero)
                d.append(SysRegDef(name, 3, 0, 0, crm, op2, el: 1, .readOnly).trapped(.id3).value(value))
            }
        }
        return d
    }()

    @Sendable static func zero(_ cpu: CPU) -> UInt64 { 0 }

    static var csselr: SysRegSlot { NamedSysReg.CSSELR_EL1.slot }

    /// ID_AA64MMFR0_EL1: PARange = 48 bits (5), ASIDBits = 16 (2), TGran4 and
    /// TGran64 supported (0), TGran16 supported (1, bits 23:20); stage 2 granule
    /// support as stage 1 (TGranX_2 = 0); no mixed-endian (BigEnd = 0).
    static let mmfr0: UInt64 = 0x10_0025

    /// The cache hierarchy CLIDR/CCSIDR describe, consistent with CTR_EL0's
    /// 64-byte lines (that of a Cortex-A57, as QEMU reports for both models):
    /// L1 separate instruction (48 KiB, 3-way) and data (32 KiB, 2-way)
    /// caches, L2 unified 2 MiB 16-way. Caches are not modelled: they behave
    /// as always coherent, which maintenance by VA or set/way cannot observe.
    /// CLIDR_EL1: Ctype1 = 0b011, Ctype2 = 0b100, LoUIS = 1, LoC = 2, LoUU = 1.
    static let clidr: UInt64 = 0x0A20_0023

    /// CCSIDR_EL1 for CSSELR_EL1 = `selector` (Level bits 3:1, InD bit 0):
    /// LineSize (2:0) = log2(bytes) - 4, Associativity - 1 (12:3), NumSets - 1
    /// (27:13), and the WT/WB/RA/WA bits. A selector naming no cache reads 0
    /// (the value is UNKNOWN).
    static func ccsidr(selector: UInt64) -> UInt64 {
        switch selector & 0xF {
        case 0b0000: return 0x701F_E00A   // L1 data: 256 sets, 2 ways, 64 B
        case 0b0001: return 0x201F_E012   // L1 instruction: 256 sets, 3 ways, 64 B
        case 0b0010: return 0x70FF_E07A   // L2 unified: 2048 sets, 16 ways, 64 B
        default: return 0
        }
    }
}

extension CPU {
    /// ID_AA64PFR0_EL1: EL0/EL1 AArch64 only; EL2/EL3 as configured (AArch64
    /// only); FP (bits 19:16) and AdvSIMD (23:20) implemented, 1 with
    /// half-precision arithmetic (FEAT_FP16), else 0; RME with x-rme=on; DIT
    /// (bits 51:48) = 1 with FEAT_DIT.
    var idAA64PFR0: UInt64 {
        let fp: UInt64 = config.isa.contains(.fp16) ? 1 : 0
        return 0x1 | (0x1 << 4) | (config.hasEL2 ? 0x100 : 0) | (config.hasEL3 ? 0x1000 : 0)
            | (fp << 16) | (fp << 20) | (config.hasRME ? MECRegisters.pfr0RME : 0)
            | (config.hasGICv3SystemRegisters ? 1 << 24 : 0)   // GIC: the ICC_* system registers
            | (config.hasDIT ? 1 << 48 : 0)                    // DIT: FEAT_DIT
    }

    /// ID_AA64DFR0_EL1: DebugVer = 6 (Armv8.0 debug), PMUVer = 1 (PMUv3, the
    /// cycle counter only: PMU.swift), BRPs = 5 and WRPs = 3 (six breakpoint
    /// and four watchpoint register pairs, as a Cortex-A57), CTX_CMPs = 1; no
    /// trace, no SPE. The breakpoint and watchpoint registers hold their values
    /// but generate no debug exceptions (DebugRegisters.swift).
    var idAA64DFR0: UInt64 {
        0x6 | (UInt64(PMURegisters.pmuVer) << 8) | (UInt64(DebugRegisters.breakpoints - 1) << 12)
            | (UInt64(DebugRegisters.watchpoints - 1) << 20) | (UInt64(DebugRegisters.contextBreakpoints - 1) << 28)
    }

    /// ID_AA64MMFR1_EL1: VH (bits 11:8) = 1 with FEAT_VHE, PAN (bits 23:20) = 1
    /// with FEAT_PAN, HAFDBS (bits 3:0) = 2 (AF and dirty state) with FEAT_HAFDBS.
    var idAA64MMFR1: UInt64 {
        (config.hasVHE ? 1 << 8 : 0) | (config.hasPAN ? 1 << 20 : 0) | (config.hasHAFDBS ? 2 : 0)
    }
}
