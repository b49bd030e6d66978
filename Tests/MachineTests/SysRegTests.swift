import XCTest
@testable import Machine

/// `SysRegTable` and the MRS/MSR access rules (`CPU.readSysReg` / `writeSysReg`).
final class SysRegTests: XCTestCase {
    /// `mrs x0, <name>` for every register of the table, assembled by the
    /// toolchain's clang (`--target=aarch64-none-elf`, `.arch armv9.4-a+mec+rme`)
    /// and read back with llvm-objdump (which printed the same names). The key
    /// is bits [20:5] of the word.
    static let llvmMRSWords: [(String, UInt32)] = [
        ("MIDR_EL1", 0xD5380000),
        ("MPIDR_EL1", 0xD53800A0),
        ("REVIDR_EL1", 0xD53800C0),
        ("ID_AA64PFR0_EL1", 0xD5380400),
        ("ID_AA64PFR1_EL1", 0xD5380420),
        ("ID_AA64ZFR0_EL1", 0xD5380480),
        ("ID_AA64DFR0_EL1", 0xD5380500),
        ("ID_AA64DFR1_EL1", 0xD5380520),
        ("ID_AA64ISAR0_EL1", 0xD5380600),
        ("ID_AA64ISAR1_EL1", 0xD5380620),
        ("ID_AA64ISAR2_EL1", 0xD5380640),
        ("ID_AA64MMFR0_EL1", 0xD5380700),
        ("ID_AA64MMFR1_EL1", 0xD5380720),
        ("ID_AA64MMFR2_EL1", 0xD5380740),
        ("ID_AA64MMFR3_EL1", 0xD5380760),
        ("CTR_EL0", 0xD53B0020),
        ("DCZID_EL0", 0xD53B00E0),
        ("NZCV", 0xD53B4200),
        ("DAIF", 0xD53B4220),
        ("SPSel", 0xD5384200),
        ("PAN", 0xD5384260),
        ("DIT", 0xD53B42A0),
        ("CurrentEL", 0xD5384240),
        ("SP_EL0", 0xD5384100),
        ("SP_EL1", 0xD53C4100),
        ("SP_EL2", 0xD53E4100),
        ("SCTLR_EL1", 0xD5381000),
        ("ACTLR_EL1", 0xD5381020),
        ("CPACR_EL1", 0xD5381040),
        ("TTBR0_EL1", 0xD5382000),
        ("TTBR1_EL1", 0xD5382020),
        ("TCR_EL1", 0xD5382040),
        ("SPSR_EL1", 0xD5384000),
        ("ELR_EL1", 0xD5384020),
        ("AFSR0_EL1", 0xD5385100),
        ("AFSR1_EL1", 0xD5385120),
        ("ESR_EL1", 0xD5385200),
        ("FAR_EL1", 0xD5386000),
        ("PAR_EL1", 0xD5387400),
        ("MAIR_EL1", 0xD538A200),
        ("AMAIR_EL1", 0xD538A300),
        ("VBAR_EL1", 0xD538C000),
        ("ISR_EL1", 0xD538C100),
        ("CONTEXTIDR_EL1", 0xD538D020),
        ("TPIDR_EL1", 0xD538D080),
        ("CNTKCTL_EL1", 0xD538E100),
        ("TPIDR_EL0", 0xD53BD040),
        ("TPIDRRO_EL0", 0xD53BD060),
        ("CNTFRQ_EL0", 0xD53BE000),
        ("CNTPCT_EL0", 0xD53BE020),
        ("CNTVCT_EL0", 0xD53BE040),
        ("CNTP_TVAL_EL0", 0xD53BE200),
        ("CNTP_CTL_EL0", 0xD53BE220),
        ("CNTP_CVAL_EL0", 0xD53BE240),
        ("CNTV_TVAL_EL0", 0xD53BE300),
        ("CNTV_CTL_EL0", 0xD53BE320),
        ("CNTV_CVAL_EL0", 0xD53BE340),
        ("CNTHP_TVAL_EL2", 0xD53CE200),
        ("CNTHP_CTL_EL2", 0xD53CE220),
        ("CNTHP_CVAL_EL2", 0xD53CE240),
        ("CNTPS_TVAL_EL1", 0xD53FE200),
        ("CNTPS_CTL_EL1", 0xD53FE220),
        ("CNTPS_CVAL_EL1", 0xD53FE240),
        ("VPIDR_EL2", 0xD53C0000),
        ("VMPIDR_EL2", 0xD53C00A0),
        ("SCTLR_EL2", 0xD53C1000),
        ("HCR_EL2", 0xD53C1100),
        ("MDCR_EL2", 0xD53C1120),
        ("CPTR_EL2", 0xD53C1140),
        ("HSTR_EL2", 0xD53C1160),
        ("TTBR0_EL2", 0xD53C2000),
        ("TCR_EL2", 0xD53C2040),
        ("VTTBR_EL2", 0xD53C2100),
        ("VTCR_EL2", 0xD53C2140),
        ("SPSR_EL2", 0xD53C4000),
        ("ELR_EL2", 0xD53C4020),
        ("ESR_EL2", 0xD53C5200),
        ("FAR_EL2", 0xD53C6000),
        ("HPFAR_EL2", 0xD53C6080),
        ("MAIR_EL2", 0xD53CA200),
        ("VBAR_EL2", 0xD53CC000),
        ("TPIDR_EL2", 0xD53CD040),
        ("CNTHCTL_EL2", 0xD53CE100),
        ("CNTVOFF_EL2", 0xD53CE060),
        ("SCTLR_EL3", 0xD53E1000),
        ("SCR_EL3", 0xD53E1100),
        ("CPTR_EL3", 0xD53E1140),
        ("MDCR_EL3", 0xD53E1320),
        ("TTBR0_EL3", 0xD53E2000),
        ("TCR_EL3", 0xD53E2040),
        ("SPSR_EL3", 0xD53E4000),
        ("ELR_EL3", 0xD53E4020),
        ("ESR_EL3", 0xD53E5200),
        ("FAR_EL3", 0xD53E6000),
        ("MAIR_EL3", 0xD53EA200),
        ("VBAR_EL3", 0xD53EC000),
        ("TPIDR_EL3", 0xD53ED040),
        // FEAT_MEC, FEAT_SCTLR2, FEAT_TCR2 (MEC/MECRegisters.swift).
        ("MECIDR_EL2", 0xD53CA8E0),
        ("MECID_P0_EL2", 0xD53CA800),
        ("MECID_A0_EL2", 0xD53CA820),
        ("MECID_P1_EL2", 0xD53CA840),
        ("MECID_A1_EL2", 0xD53CA860),
        ("VMECID_P_EL2", 0xD53CA900),
        ("VMECID_A_EL2", 0xD53CA920),
        ("MECID_RL_A_EL3", 0xD53EAA20),
        ("SCTLR2_EL1", 0xD5381060),
        ("SCTLR2_EL2", 0xD53C1060),
        ("SCTLR2_EL3", 0xD53E1060),
        ("TCR2_EL1", 0xD5382060),
        ("TCR2_EL2", 0xD53C2060),
        // FEAT_RME (RME/GranuleProtection.swift).
        ("GPCCR_EL3", 0xD53E21C0),
        ("GPTBR_EL3", 0xD53E2180),
        ("MFAR_EL3", 0xD53E60A0),
        // Identification, EL2/EL3, PMU and debug registers (SysRegs/*.swift),
        // from the LLVM names in A64/DisasSystemNames.swift.
        ("AIDR_EL1", 0xD53900E0),
        ("CLIDR_EL1", 0xD5390020),
        ("CCSIDR_EL1", 0xD5390000),
        ("CSSELR_EL1", 0xD53A0000),
        ("ID_PFR0_EL1", 0xD5380100),
        ("ID_PFR1_EL1", 0xD5380120),
        ("ID_DFR0_EL1", 0xD5380140),
        ("ID_AFR0_EL1", 0xD5380160),
        ("ID_MMFR0_EL1", 0xD5380180),
        ("ID_MMFR1_EL1", 0xD53801A0),
        ("ID_MMFR2_EL1", 0xD53801C0),
        ("ID_MMFR3_EL1", 0xD53801E0),
        ("ID_ISAR0_EL1", 0xD5380200),
        ("ID_ISAR1_EL1", 0xD5380220),
        ("ID_ISAR2_EL1", 0xD5380240),
        ("ID_ISAR3_EL1", 0xD5380260),
        ("ID_ISAR4_EL1", 0xD5380280),
        ("ID_ISAR5_EL1", 0xD53802A0),
        ("ID_MMFR4_EL1", 0xD53802C0),
        ("ID_ISAR6_EL1", 0xD53802E0),
        ("MVFR0_EL1", 0xD5380300),
        ("MVFR1_EL1", 0xD5380320),
        ("MVFR2_EL1", 0xD5380340),
        ("ID_DFR1_EL1", 0xD53803A0),
        ("ID_MMFR5_EL1", 0xD53803C0),
        ("ID_AA64AFR0_EL1", 0xD5380580),
        ("ID_AA64AFR1_EL1", 0xD53805A0),
        ("ACTLR_EL2", 0xD53C1020),
        ("HACR_EL2", 0xD53C11E0),
        ("TTBR1_EL2", 0xD53C2020),
        ("AFSR0_EL2", 0xD53C5100),
        ("AFSR1_EL2", 0xD53C5120),
        ("AMAIR_EL2", 0xD53CA300),
        ("CONTEXTIDR_EL2", 0xD53CD020),
        ("ACTLR_EL3", 0xD53E1020),
        ("AFSR0_EL3", 0xD53E5100),
        ("AFSR1_EL3", 0xD53E5120),
        ("AMAIR_EL3", 0xD53EA300),
        ("PMCR_EL0", 0xD53B9C00),
        ("PMCNTENSET_EL0", 0xD53B9C20),
        ("PMCNTENCLR_EL0", 0xD53B9C40),
        ("PMOVSCLR_EL0", 0xD53B9C60),
        ("PMSWINC_EL0", 0xD51B9C80),   // MSR (write-only)
        ("PMSELR_EL0", 0xD53B9CA0),
        ("PMCEID0_EL0", 0xD53B9CC0),
        ("PMCEID1_EL0", 0xD53B9CE0),
        ("PMCCNTR_EL0", 0xD53B9D00),
        ("PMXEVTYPER_EL0", 0xD53B9D20),
        ("PMUSERENR_EL0", 0xD53B9E00),
        ("PMOVSSET_EL0", 0xD53B9E60),
        ("PMINTENSET_EL1", 0xD5389E20),
        ("PMINTENCLR_EL1", 0xD5389E40),
        ("PMCCFILTR_EL0", 0xD53BEFE0),
        ("OSDTRRX_EL1", 0xD5300040),
        ("MDCCINT_EL1", 0xD5300200),
        ("MDSCR_EL1", 0xD5300240),
        ("OSDTRTX_EL1", 0xD5300340),
        ("OSECCR_EL1", 0xD5300640),
        ("MDRAR_EL1", 0xD5301000),
        ("OSLAR_EL1", 0xD5101080),   // MSR (write-only)
        ("OSLSR_EL1", 0xD5301180),
        ("OSDLR_EL1", 0xD5301380),
        ("DBGPRCR_EL1", 0xD5301480),
        ("DBGCLAIMSET_EL1", 0xD53078C0),
        ("DBGCLAIMCLR_EL1", 0xD53079C0),
        ("DBGBVR0_EL1", 0xD5300080),
        ("DBGBVR1_EL1", 0xD5300180),
        ("DBGBVR2_EL1", 0xD5300280),
        ("DBGBVR3_EL1", 0xD5300380),
        ("DBGBVR4_EL1", 0xD5300480),
        ("DBGBVR5_EL1", 0xD5300580),
        ("DBGBCR0_EL1", 0xD53000A0),
        ("DBGBCR1_EL1", 0xD53001A0),
        ("DBGBCR2_EL1", 0xD53002A0),
        ("DBGBCR3_EL1", 0xD53003A0),
        ("DBGBCR4_EL1", 0xD53004A0),
        ("DBGBCR5_EL1", 0xD53005A0),
        ("DBGWVR0_EL1", 0xD53000C0),
        ("DBGWVR1_EL1", 0xD53001C0),
        ("DBGWVR2_EL1", 0xD53002C0),
        ("DBGWVR3_EL1", 0xD53003C0),
        ("DBGWCR0_EL1", 0xD53000E0),
        ("DBGWCR1_EL1", 0xD53001E0),
        ("DBGWCR2_EL1", 0xD53002E0),
        // FEAT_VHE: the EL12/EL02 aliases and the EL2 virtual timer.
        ("SCTLR_EL12", 0xD53D1000),
        ("CPACR_EL12", 0xD53D1040),
        ("TTBR0_EL12", 0xD53D2000),
        ("TTBR1_EL12", 0xD53D2020),
        ("TCR_EL12", 0xD53D2040),
        ("SPSR_EL12", 0xD53D4000),
        ("ELR_EL12", 0xD53D4020),
        ("AFSR0_EL12", 0xD53D5100),
        ("AFSR1_EL12", 0xD53D5120),
        ("ESR_EL12", 0xD53D5200),
        ("FAR_EL12", 0xD53D6000),
        ("MAIR_EL12", 0xD53DA200),
        ("AMAIR_EL12", 0xD53DA300),
        ("VBAR_EL12", 0xD53DC000),
        ("CONTEXTIDR_EL12", 0xD53DD020),
        ("CNTKCTL_EL12", 0xD53DE100),
        ("CNTP_TVAL_EL02", 0xD53DE200),
        ("CNTP_CTL_EL02", 0xD53DE220),
        ("CNTP_CVAL_EL02", 0xD53DE240),
        ("CNTV_TVAL_EL02", 0xD53DE300),
        ("CNTV_CTL_EL02", 0xD53DE320),
        ("CNTV_CVAL_EL02", 0xD53DE340),
        ("SCTLR2_EL12", 0xD53D1060),
        ("TCR2_EL12", 0xD53D2060),
        ("CNTHV_TVAL_EL2", 0xD53CE300),
        ("CNTHV_CTL_EL2", 0xD53CE320),
        ("CNTHV_CVAL_EL2", 0xD53CE340),
        ("DBGWCR3_EL1", 0xD53003E0),
        // FEAT_PAuth keys (PAuth/PAuthRegisters.swift).
        ("APIAKeyLo_EL1", 0xD5382100), ("APIAKeyHi_EL1", 0xD5382120), ("APIBKeyLo_EL1", 0xD5382140),
        ("APIBKeyHi_EL1", 0xD5382160), ("APDAKeyLo_EL1", 0xD5382200), ("APDAKeyHi_EL1", 0xD5382220),
        ("APDBKeyLo_EL1", 0xD5382240), ("APDBKeyHi_EL1", 0xD5382260), ("APGAKeyLo_EL1", 0xD5382300),
        ("APGAKeyHi_EL1", 0xD5382320),
        // FP/SIMD control and status.
        ("FPCR", 0xD53B4400),
        ("FPSR", 0xD53B4420),
    ]

    static func key(ofMRS word: UInt32) -> UInt32 { (word >> 5) & 0xFFFF }

    func testEncodingsAndNamesAreUniqueAndMatchLLVM() {
        XCTAssertEqual(Set(SysRegTable.all.map(\.key)).count, SysRegTable.all.count, "duplicate encodings")
        XCTAssertEqual(Set(SysRegTable.all.map(\.name)).count, SysRegTable.all.count, "duplicate names")
        XCTAssertEqual(SysRegTable.indexByKey.count, SysRegTable.all.count)
        // The reserved ID space (S3_0_C0_Cm_n, RAZ) has no LLVM names.
        XCTAssertEqual(SysRegTests.llvmMRSWords.count, SysRegTable.all.filter { !$0.name.hasPrefix("S3_") }.count,
                       "the LLVM list above must be regenerated when the table changes")
        for (name, word) in SysRegTests.llvmMRSWords {
            let key = SysRegTests.key(ofMRS: word)
            XCTAssertEqual(SysRegTable.name(forKey: key), name, "encoding of \(name)")
        }
    }

    func testEveryNameResolvesToItsOwnSlot() {
        for (i, def) in SysRegTable.all.enumerated() {
            XCTAssertEqual(SysRegTable.slot(def.name).slot, i, def.name)
            guard let found = SysRegTable.lookup(key: def.key) else { XCTFail("no lookup for \(def.name)"); continue }
            XCTAssertEqual(found.def.name, def.name)
            XCTAssertEqual(found.slot.slot, i)
            // op0 is 2 or 3 for MRS/MSR (bit 15 of the key set).
            XCTAssertEqual(def.key >> 15, 1, "\(def.name) has op0 < 2")
            XCTAssertTrue((0...3).contains(def.minEL))
            // EL2/EL3 registers need that EL implemented.
            if def.minEL >= 2 { XCTAssertEqual(def.requiresEL, def.minEL, def.name) }
        }
        XCTAssertNil(SysRegTable.lookup(key: sysRegKey(op0: 3, op1: 7, crn: 15, crm: 15, op2: 7)))
        XCTAssertEqual(sysRegKey(op0: 3, op1: 3, crn: 13, crm: 0, op2: 2), SysRegTests.key(ofMRS: 0xD53B_D040))
        // The per-EL slot arrays name the right registers.
        XCTAssertEqual(SysRegTable.all[SysRegTable.esr[2].slot].name, "ESR_EL2")
        XCTAssertEqual(SysRegTable.all[SysRegTable.vbar[3].slot].name, "VBAR_EL3")
        XCTAssertEqual(SysRegTable.all[SysRegTable.elr[0].slot].name, "ELR_EL1")
        XCTAssertEqual(SysRegTable.all[SysRegTable.spsr[1].slot].name, "SPSR_EL1")
        XCTAssertEqual(SysRegTable.all[SysRegTable.far[3].slot].name, "FAR_EL3")
        XCTAssertEqual(SysRegTable.all[SysRegTable.sctlr[2].slot].name, "SCTLR_EL2")
    }

    private func key(_ name: String) -> UInt32 { SysRegTable.all[SysRegTable.slot(name).slot].key }

    func testTPIDRROIsReadOnlyAtEL0() {
        let m = TestMachine()
        let cpu = m.cpu
        XCTAssertEqual(cpu.el, 1)
        XCTAssertTrue(cpu.writeSysReg(key: key("TPIDRRO_EL0"), value: 0x1234_5678_9ABC))
        XCTAssertEqual(cpu.readSysReg(key: key("TPIDRRO_EL0")), 0x1234_5678_9ABC)
        cpu.setEL(0)
        XCTAssertEqual(cpu.readSysReg(key: key("TPIDRRO_EL0")), 0x1234_5678_9ABC)
        XCTAssertFalse(cpu.writeSysReg(key: key("TPIDRRO_EL0"), value: 1))
        XCTAssertEqual(cpu.sysreg(SysRegTable.slot("TPIDRRO_EL0")), 0x1234_5678_9ABC, "a refused write changes nothing")
        // TPIDR_EL0 is read/write at EL0; TPIDR_EL1 is not accessible there.
        XCTAssertTrue(cpu.writeSysReg(key: key("TPIDR_EL0"), value: 77))
        XCTAssertEqual(cpu.readSysReg(key: key("TPIDR_EL0")), 77)
        XCTAssertNil(cpu.readSysReg(key: key("TPIDR_EL1")))
        XCTAssertFalse(cpu.writeSysReg(key: key("TPIDR_EL1"), value: 1))
    }

    func testCurrentELAndPSTATEViews() {
        let m = TestMachine(config: TestMachine.config(el2: true, el3: true))
        let cpu = m.cpu
        for el in 1...3 {
            cpu.setEL(el)
            XCTAssertEqual(cpu.readSysReg(key: key("CurrentEL")), UInt64(el) << 2)
        }
        cpu.setEL(0)
        XCTAssertNil(cpu.readSysReg(key: key("CurrentEL")), "CurrentEL is UNDEFINED at EL0")
        // NZCV and DAIF are EL0-accessible views of PSTATE, masked to their bits
        // (DAIF only while SCTLR_EL1.UMA allows it: SysRegEL0TrapTests).
        cpu.setSysreg(SysRegTable.sctlr[1], cpu.sysreg(SysRegTable.sctlr[1]) | 1 << 9)
        XCTAssertTrue(cpu.writeSysReg(key: key("NZCV"), value: 0xFFFF_FFFF_FFFF_FFFF))
        XCTAssertEqual(cpu.nzcv, 0xF000_0000)
        XCTAssertEqual(cpu.readSysReg(key: key("NZCV")), 0xF000_0000)
        XCTAssertTrue(cpu.writeSysReg(key: key("DAIF"), value: 0x140))
        XCTAssertEqual(cpu.readSysReg(key: key("DAIF")), 0x140)
        XCTAssertNil(cpu.readSysReg(key: key("SPSel")), "SPSel needs EL1")
        cpu.setEL(1)
        XCTAssertTrue(cpu.writeSysReg(key: key("SPSel"), value: 0))
        XCTAssertEqual(cpu.spSel, 0)
        XCTAssertEqual(cpu.readSysReg(key: key("SPSel")), 0)
    }

    func testSPEL0IsUndefinedWhileItIsTheStackPointer() {
        let m = TestMachine()
        let cpu = m.cpu
        cpu.setX(StateLayout.spEL0Id, 0x4000_1000)
        cpu.spSel = 1
        XCTAssertEqual(cpu.readSysReg(key: key("SP_EL0")), 0x4000_1000)
        XCTAssertTrue(cpu.writeSysReg(key: key("SP_EL0"), value: 0x4000_2000))
        XCTAssertEqual(cpu.x(StateLayout.spEL0Id), 0x4000_2000)
        cpu.spSel = 0
        XCTAssertNil(cpu.readSysReg(key: key("SP_EL0")))
        XCTAssertFalse(cpu.writeSysReg(key: key("SP_EL0"), value: 5))
        XCTAssertEqual(cpu.x(StateLayout.spEL0Id), 0x4000_2000)
        // SP_EL1 is accessible from EL2 only.
        XCTAssertNil(cpu.readSysReg(key: key("SP_EL1")))
    }

    func testEL2AndEL3RegistersNeedThoseELs() {
        let el2Regs = ["HCR_EL2", "VBAR_EL2", "SCTLR_EL2", "VTTBR_EL2", "CNTVOFF_EL2", "SP_EL1"]
        let el3Regs = ["SCR_EL3", "VBAR_EL3", "SCTLR_EL3", "MDCR_EL3", "SP_EL2"]
        // No EL2/EL3: UNDEFINED even at the highest EL.
        let plain = TestMachine().cpu
        for r in el2Regs + el3Regs {
            XCTAssertNil(plain.readSysReg(key: key(r)), r)
            XCTAssertFalse(plain.writeSysReg(key: key(r), value: 0), r)
        }
        // EL2 without EL3: EL2 registers at EL2, not at EL1; EL3 ones never.
        let el2 = TestMachine(config: TestMachine.config(el2: true)).cpu
        XCTAssertEqual(el2.el, 2)
        for r in el2Regs {
            XCTAssertTrue(el2.writeSysReg(key: key(r), value: 0x1000), r)
            XCTAssertEqual(el2.readSysReg(key: key(r)), 0x1000, r)
        }
        for r in el3Regs { XCTAssertNil(el2.readSysReg(key: key(r)), r) }
        el2.setEL(1)
        for r in el2Regs { XCTAssertNil(el2.readSysReg(key: key(r)), r) }
        // EL3: everything at EL3.
        let el3 = TestMachine(config: TestMachine.config(el2: true, el3: true)).cpu
        XCTAssertEqual(el3.el, 3)
        for r in el2Regs + el3Regs {
            XCTAssertTrue(el3.writeSysReg(key: key(r), value: 0x2000), r)
            XCTAssertEqual(el3.readSysReg(key: key(r)), 0x2000, r)
        }
        el3.setEL(2)
        XCTAssertNil(el3.readSysReg(key: key("SCR_EL3")))
        XCTAssertEqual(el3.readSysReg(key: key("HCR_EL2")), 0x2000)
    }

    func testReadOnlyAndIdentificationRegisters() {
        let m = TestMachine(config: TestMachine.config(el2: true))
        let cpu = m.cpu
        cpu.setEL(1)
        XCTAssertEqual(cpu.readSysReg(key: key("MIDR_EL1")), cpu.config.midr)
        XCTAssertFalse(cpu.writeSysReg(key: key("MIDR_EL1"), value: 0))
        XCTAssertFalse(cpu.writeSysReg(key: key("ID_AA64ISAR0_EL1"), value: 0))
        XCTAssertEqual(cpu.readSysReg(key: key("ID_AA64ISAR0_EL1")), 0x0200_0000_0021_0000)
        XCTAssertEqual(cpu.readSysReg(key: key("MPIDR_EL1")), 0x8000_0000)
        // PFR0: EL0/EL1 AArch64, EL2 implemented, EL3 not, FP/AdvSIMD with FP16, DIT.
        XCTAssertEqual(cpu.readSysReg(key: key("ID_AA64PFR0_EL1")), 0x11 | 0x100 | 0x11_0000 | 1 << 48)
        XCTAssertEqual(cpu.readSysReg(key: key("CTR_EL0")), 0x8444_C004)
        // CNTFRQ_EL0: readable everywhere, writable only at the highest EL.
        XCTAssertEqual(cpu.readSysReg(key: key("CNTFRQ_EL0")), SysRegTable.counterFrequency)
        XCTAssertFalse(cpu.writeSysReg(key: key("CNTFRQ_EL0"), value: 1))
        cpu.setEL(2)
        XCTAssertTrue(cpu.writeSysReg(key: key("CNTFRQ_EL0"), value: 1_000_000))
        XCTAssertEqual(cpu.readSysReg(key: key("CNTFRQ_EL0")), 1_000_000)
        // Unknown encodings are UNDEFINED.
        XCTAssertNil(cpu.readSysReg(key: sysRegKey(op0: 3, op1: 0, crn: 15, crm: 15, op2: 7)))
        XCTAssertFalse(cpu.writeSysReg(key: sysRegKey(op0: 3, op1: 0, crn: 15, crm: 15, op2: 7), value: 0))
    }

    func testTranslationRegistersFlushTheTLB() {
        let m = TestMachine()
        let cpu = m.cpu
        let before = cpu.tlbFlushCount
        XCTAssertTrue(cpu.writeSysReg(key: key("TPIDR_EL1"), value: 1))
        XCTAssertEqual(cpu.tlbFlushCount, before, "a plain register keeps the TLB")
        XCTAssertTrue(cpu.writeSysReg(key: key("TTBR0_EL1"), value: 0x4000_0000))
        XCTAssertEqual(cpu.tlbFlushCount, before + 1)
        XCTAssertTrue(cpu.writeSysReg(key: key("MAIR_EL1"), value: 0xFF))
        XCTAssertEqual(cpu.tlbFlushCount, before + 2)
    }

    func testCountersAreMonotonicAndOffset() {
        let m = TestMachine(config: TestMachine.config(el2: true))
        let cpu = m.cpu
        cpu.setEL(1)
        var last: UInt64 = 0
        for _ in 0..<100 {
            guard let v = cpu.readSysReg(key: key("CNTVCT_EL0")) else { return XCTFail("CNTVCT_EL0 unreadable") }
            XCTAssertGreaterThanOrEqual(v, last)
            last = v
        }
        usleep(2000)
        let later = cpu.readSysReg(key: key("CNTVCT_EL0"))!
        // 2 ms at 62.5 MHz is 125,000 ticks.
        XCTAssertGreaterThanOrEqual(later - last, 125_000)
        XCTAssertLessThan(later - last, 62_500_000 * 5, "the counter runs at CNTFRQ, not at host nanoseconds")
        // At EL0 the counters are readable when CNTKCTL_EL1.EL0PCTEN/EL0VCTEN allow it.
        cpu.setEL(0)
        XCTAssertNil(cpu.readSysReg(key: key("CNTPCT_EL0")), "CNTKCTL_EL1 resets to 0: EL0 access trapped")
        cpu.setSysreg(SysRegTable.slot("CNTKCTL_EL1"), 3)
        XCTAssertNotNil(cpu.readSysReg(key: key("CNTPCT_EL0")))
        XCTAssertNotNil(cpu.readSysReg(key: key("CNTVCT_EL0")))
        // CNTVCT = CNTPCT - CNTVOFF_EL2 below EL2; no offset at EL2.
        cpu.setSysreg(SysRegTable.cntvoffEL2, 1 << 40)
        cpu.setEL(1)
        let p = cpu.readSysReg(key: key("CNTPCT_EL0"))!
        let v = cpu.readSysReg(key: key("CNTVCT_EL0"))!
        let diff = p &- v
        XCTAssertLessThanOrEqual(diff, 1 << 40)
        XCTAssertGreaterThan(diff, (1 << 40) - 62_500_000, "CNTVCT below EL2 subtracts CNTVOFF_EL2")
        cpu.setEL(2)
        let p2 = cpu.readSysReg(key: key("CNTPCT_EL0"))!
        let v2 = cpu.readSysReg(key: key("CNTVCT_EL0"))!
        XCTAssertLessThan(v2 &- p2, 62_500_000, "no offset at EL2")
    }
}
