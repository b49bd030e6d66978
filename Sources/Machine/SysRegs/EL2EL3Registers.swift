/// The EL2 and EL3 registers (they exist only when that EL is implemented).
/// VPIDR_EL2/VMPIDR_EL2 reset to MIDR/MPIDR and are what EL1 reads as
/// MIDR_EL1/MPIDR_EL1 while EL2 is enabled. The *_EL2 registers of the
/// EL2&0 regime (TTBR1_EL2, CONTEXTIDR_EL2) are plain storage until
/// HCR_EL2.E2H uses them (FEAT_VHE).
enum EL2EL3Registers {
    static let definitions: [SysRegDef] = [
        SysRegDef("VPIDR_EL2", 3, 4, 0, 0, 0, el: 2),
        SysRegDef("VMPIDR_EL2", 3, 4, 0, 0, 5, el: 2),
        SysRegDef("SCTLR_EL2", 3, 4, 1, 0, 0, el: 2, reset: 0x30C5_0830, mmu: true),
        SysRegDef("ACTLR_EL2", 3, 4, 1, 0, 1, el: 2),
        SysRegDef("HCR_EL2", 3, 4, 1, 1, 0, el: 2, mmu: true).writing { cpu, slot, v in
            // E2H (bit 34) is RES0 without FEAT_VHE.
            cpu.setSysreg(slot, cpu.config.hasVHE ? v : v & ~HCRBits.e2h)
        },
        // MDCR_EL2: HPMN (4:0) resets to PMCR_EL0.N.
        SysRegDef("MDCR_EL2", 3, 4, 1, 1, 1, el: 2, reset: UInt64(PMURegisters.eventCounters)),
        SysRegDef("CPTR_EL2", 3, 4, 1, 1, 2, el: 2).trapped(.cpac),
        SysRegDef("HSTR_EL2", 3, 4, 1, 1, 3, el: 2),
        SysRegDef("HACR_EL2", 3, 4, 1, 1, 7, el: 2),
        SysRegDef("TTBR0_EL2", 3, 4, 2, 0, 0, el: 2, mmu: true),
        SysRegDef("TTBR1_EL2", 3, 4, 2, 0, 1, el: 2, mmu: true),
        SysRegDef("TCR_EL2", 3, 4, 2, 0, 2, el: 2, mmu: true),
        SysRegDef("VTTBR_EL2", 3, 4, 2, 1, 0, el: 2, mmu: true),
        SysRegDef("VTCR_EL2", 3, 4, 2, 1, 2, el: 2, mmu: true),
        SysRegDef("SPSR_EL2", 3, 4, 4, 0, 0, el: 2),
        SysRegDef("ELR_EL2", 3, 4, 4, 0, 1, el: 2),
        SysRegDef("AFSR0_EL2", 3, 4, 5, 1, 0, el: 2),
        SysRegDef("AFSR1_EL2", 3, 4, 5, 1, 1, el: 2),
        SysRegDef("ESR_EL2", 3, 4, 5, 2, 0, el: 2),
        SysRegDef("FAR_EL2", 3, 4, 6, 0, 0, el: 2),
        SysRegDef("HPFAR_EL2", 3, 4, 6, 0, 4, el: 2),
        SysRegDef("MAIR_EL2", 3, 4, 10, 2, 0, el: 2, mmu: true),
        SysRegDef("AMAIR_EL2", 3, 4, 10, 3, 0, el: 2),
        SysRegDef("VBAR_EL2", 3, 4, 12, 0, 0, el: 2),
        SysRegDef("CONTEXTIDR_EL2", 3, 4, 13, 0, 1, el: 2),
        SysRegDef("TPIDR_EL2", 3, 4, 13, 0, 2, el: 2),

        SysRegDef("SCTLR_EL3", 3, 6, 1, 0, 0, el: 3, reset: 0x30C5_0830, mmu: true),
        SysRegDef("ACTLR_EL3", 3, 6, 1, 0, 1, el: 3),
        SysRegDef("SCR_EL3", 3, 6, 1, 1, 0, el: 3, mmu: true),
        SysRegDef("CPTR_EL3", 3, 6, 1, 1, 2, el: 3),
        SysRegDef("MDCR_EL3", 3, 6, 1, 3, 1, el: 3),
        SysRegDef("TTBR0_EL3", 3, 6, 2, 0, 0, el: 3, mmu: true),
        SysRegDef("TCR_EL3", 3, 6, 2, 0, 2, el: 3, mmu: true),
        SysRegDef("SPSR_EL3", 3, 6, 4, 0, 0, el: 3),
        SysRegDef("ELR_EL3", 3, 6, 4, 0, 1, el: 3),
        SysRegDef("AFSR0_EL3", 3, 6, 5, 1, 0, el: 3),
        SysRegDef("AFSR1_EL3", 3, 6, 5, 1, 1, el: 3),
        SysRegDef("ESR_EL3", 3, 6, 5, 2, 0, el: 3),
        SysRegDef("FAR_EL3", 3, 6, 6, 0, 0, el: 3),
        SysRegDef("MAIR_EL3", 3, 6, 10, 2, 0, el: 3, mmu: true),
        SysRegDef("AMAIR_EL3", 3, 6, 10, 3, 0, el: 3),
        SysRegDef("VBAR_EL3", 3, 6, 12, 0, 0, el: 3),
        SysRegDef("TPIDR_EL3", 3, 6, 13, 0, 2, el: 3),
    ]

    static var vpidr: SysRegSlot { NamedSysReg.VPIDR_EL2.slot }
    static var vmpidr: SysRegSlot { NamedSysReg.VMPIDR_EL2.slot }
}

extension CPU {
    /// MPIDR_EL1: the CPU's affinity (Aff0-Aff3, given by the board), U = 0, bit 31 RES1.
    public var mpidr: UInt64 { 0x8000_0000 | affinity }
}
