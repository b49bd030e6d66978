import XCTest
@testable import Machine

/// The trap classes of `SysRegTable` (SysRegs/SysRegTraps.swift), the PMU
/// cycle counter and FEAT_VHE's register redirection (SysRegs/VHERegisters.swift).
/// The guest tests sys_trap_el2, sys_pmu_debug and sys_vhe check the same
/// through the engines.
final class SysRegTrapTests: XCTestCase {
    private func key(_ name: String) -> UInt32 { SysRegTable.all[SysRegTable.slot(name).slot].key }
    private func def(_ name: String) -> SysRegDef { SysRegTable.all[SysRegTable.slot(name).slot] }

    /// The machines of the running test (kept alive: CPU.system is unowned).
    private var machines: [TestMachine] = []

    private func machine(_ model: String, el3: Bool = true) -> TestMachine {
        var c = CPUConfig.model(named: model)!
        c.hasEL2 = true
        c.hasEL3 = el3
        let m = TestMachine(config: c)
        machines.append(m)
        return m
    }

    private func maxCPU() -> TestMachine { machine("max") }

    func testHCRTrapsOnlyWhileEL2IsEnabled() {
        let cpu = maxCPU().cpu
        cpu.setSysreg(SysRegTable.hcrEL2, 1 << 26 | 1 << 18)   // TVM, TID3
        cpu.setEL(1)
        // Secure EL1 (SCR_EL3.NS = 0): EL2 is not enabled, nothing traps.
        XCTAssertEqual(cpu.sysRegAccess(def("SCTLR_EL1"), read: false), .allowed)
        XCTAssertEqual(cpu.sysRegAccess(def("ID_AA64PFR0_EL1"), read: true), .allowed)
        cpu.setSysreg(SysRegTable.scrEL3, 1)
        XCTAssertEqual(cpu.sysRegAccess(def("SCTLR_EL1"), read: false), .trap(toEL: 2))
        XCTAssertEqual(cpu.sysRegAccess(def("SCTLR_EL1"), read: true), .allowed, "TVM traps writes only")
        XCTAssertEqual(cpu.sysRegAccess(def("ID_AA64PFR0_EL1"), read: true), .trap(toEL: 2))
        XCTAssertEqual(cpu.sysRegAccess(def("S3_0_C0_C7_7"), read: true), .trap(toEL: 2), "reserved ID space")
        XCTAssertEqual(cpu.sysRegAccess(def("MIDR_EL1"), read: true), .allowed)
        // The syndrome names the encoding, Rt and the direction.
        cpu.faultPC = 0x4000_0100
        XCTAssertFalse(cpu.writeSysReg(key: key("SCTLR_EL1"), value: 0))
        XCTAssertTrue(cpu.takeSysRegTrap(key: key("SCTLR_EL1"), rt: 7, read: false))
        XCTAssertEqual(cpu.el, 2)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[2]), 0x6230_04E0)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[2]), 0x4000_0100)
    }

    func testTheLowestTargetWinsAndUndefinedComesFirst() {
        let cpu = maxCPU().cpu
        cpu.setSysreg(SysRegTable.scrEL3, 1)
        cpu.setSysreg(SysRegTable.mdcrEL2, 1 << 6)    // TPM
        cpu.setSysreg(SysRegTable.mdcrEL3, 1 << 6)    // TPM
        cpu.setEL(0)
        // EL0 without PMUSERENR_EL0.EN: to EL1 before MDCR_EL2/EL3.
        XCTAssertEqual(cpu.sysRegAccess(def("PMCCNTR_EL0"), read: true), .trap(toEL: 1))
        cpu.setSysreg(PMURegisters.pmuserenr, 1)
        XCTAssertEqual(cpu.sysRegAccess(def("PMCCNTR_EL0"), read: true), .trap(toEL: 2))
        XCTAssertEqual(cpu.sysRegAccess(def("PMUSERENR_EL0"), read: false), .undefined)
        cpu.setEL(2)
        XCTAssertEqual(cpu.sysRegAccess(def("PMCCNTR_EL0"), read: true), .trap(toEL: 3))
        cpu.setEL(3)
        XCTAssertEqual(cpu.sysRegAccess(def("PMCCNTR_EL0"), read: true), .allowed)
    }

    func testCycleCounterCountsWhileEnabledAndFiltered() {
        let cpu = maxCPU().cpu
        XCTAssertTrue(cpu.writeSysReg(key: key("PMCNTENSET_EL0"), value: 1 << 31))
        XCTAssertTrue(cpu.writeSysReg(key: key("PMCR_EL0"), value: 1 | 1 << 6))   // E, LC
        let a = cpu.readSysReg(key: key("PMCCNTR_EL0"))!
        usleep(2000)
        let b = cpu.readSysReg(key: key("PMCCNTR_EL0"))!
        XCTAssertGreaterThanOrEqual(b - a, 1_000_000, "a nominal 1 GHz clock: >= 1e6 cycles in 2 ms")
        // M = 1 (M != P): EL3 is filtered out.
        XCTAssertTrue(cpu.writeSysReg(key: key("PMCCFILTR_EL0"), value: 1 << 26))
        let c = cpu.readSysReg(key: key("PMCCNTR_EL0"))!
        usleep(1000)
        XCTAssertEqual(cpu.readSysReg(key: key("PMCCNTR_EL0"))!, c)
        // An exception to EL1 (NS) counts again: the filter follows the EL.
        cpu.setSysreg(SysRegTable.scrEL3, 1 | 1 << 10)    // NS, RW
        cpu.setSysreg(SysRegTable.hcrEL2, 1 << 31)        // RW
        cpu.setSysreg(SysRegTable.spsr[3], 0x3C5)
        cpu.setSysreg(SysRegTable.elr[3], 0x4000_0000)
        cpu.exceptionReturn()
        XCTAssertEqual(cpu.el, 1)
        usleep(1000)
        cpu.setEL(3)
        XCTAssertGreaterThan(cpu.readSysReg(key: key("PMCCNTR_EL0"))!, c)
    }

    func testVHERedirectsEL1EncodingsAtEL2AndTheEL12Aliases() {
        let cpu = maxCPU().cpu
        cpu.setSysreg(SysRegTable.scrEL3, 1 | 1 << 10)
        cpu.setEL(2)
        XCTAssertNil(cpu.readSysReg(key: key("SCTLR_EL12")), "UNDEFINED while E2H is 0")
        XCTAssertTrue(cpu.writeSysReg(key: key("VBAR_EL1"), value: 0x1000))
        XCTAssertEqual(cpu.sysreg(SysRegTable.vbar[1]), 0x1000)
        XCTAssertTrue(cpu.writeSysReg(key: key("HCR_EL2"), value: 1 << 34 | 1 << 31))
        XCTAssertTrue(cpu.writeSysReg(key: key("VBAR_EL1"), value: 0x2000))
        XCTAssertEqual(cpu.sysreg(SysRegTable.vbar[2]), 0x2000, "E2H: VBAR_EL1's encoding is VBAR_EL2")
        XCTAssertEqual(cpu.sysreg(SysRegTable.vbar[1]), 0x1000)
        XCTAssertEqual(cpu.readSysReg(key: key("VBAR_EL12")), 0x1000)
        XCTAssertTrue(cpu.writeSysReg(key: key("VBAR_EL12"), value: 0x3000))
        XCTAssertEqual(cpu.sysreg(SysRegTable.vbar[1]), 0x3000)
        XCTAssertTrue(cpu.writeSysReg(key: key("CNTKCTL_EL1"), value: 3 << 10))
        XCTAssertEqual(cpu.sysreg(GenericTimerRegs.cnthctl), 3 << 10)
        XCTAssertEqual(cpu.readSysReg(key: key("ID_AA64MMFR1_EL1")), 0x10_0102, "VH, PAN, HAFDBS")
        // EL0 in the EL2&0 regime (TGE): CNTP_* reach the EL2 physical timer
        // under CNTHCTL_EL2.EL0PTEN (bit 9), else they are trapped to EL2.
        XCTAssertTrue(cpu.writeSysReg(key: key("HCR_EL2"), value: 1 << 34 | 1 << 31 | 1 << 27))
        cpu.setSysreg(GenericTimerRegs.cnthctl, 1 << 9)
        cpu.setEL(0)
        XCTAssertTrue(cpu.writeSysReg(key: key("CNTP_CVAL_EL0"), value: 0x1234))
        XCTAssertEqual(cpu.sysreg(GenericTimerID.hypPhysical.cvalSlot), 0x1234)
        XCTAssertEqual(cpu.sysreg(GenericTimerID.physical.cvalSlot), 0)
        XCTAssertFalse(cpu.writeSysReg(key: key("CNTV_CVAL_EL0"), value: 1))
        XCTAssertTrue(cpu.takeSysRegTrap(key: key("CNTV_CVAL_EL0"), rt: 0, read: false))
        XCTAssertEqual(cpu.el, 2)
        // HCR_EL2.TIDCP: EL1's IMPLEMENTATION DEFINED encodings trapped to EL2.
        XCTAssertTrue(cpu.writeSysReg(key: key("HCR_EL2"), value: 1 << 34 | 1 << 31 | 1 << 20))
        cpu.setEL(1)
        let impdef = sysRegKey(op0: 3, op1: 0, crn: 15, crm: 0, op2: 0)
        XCTAssertNil(cpu.readSysReg(key: impdef))
        XCTAssertTrue(cpu.takeSysRegTrap(key: impdef, rt: 1, read: true))
        XCTAssertEqual(cpu.el, 2)
        XCTAssertTrue(cpu.writeSysReg(key: key("HCR_EL2"), value: 1 << 34 | 1 << 31))
        // EL3 reaches EL12 registers while E2H is 1; EL1 never.
        cpu.setEL(3)
        XCTAssertEqual(cpu.readSysReg(key: key("VBAR_EL12")), 0x3000)
        cpu.setEL(1)
        XCTAssertNil(cpu.readSysReg(key: key("VBAR_EL12")))
        // Without FEAT_VHE, E2H is RES0.
        let other = machine("cortex-a57", el3: false).cpu
        XCTAssertTrue(other.writeSysReg(key: key("HCR_EL2"), value: 1 << 34))
        XCTAssertEqual(other.sysreg(SysRegTable.hcrEL2), 0)
        XCTAssertEqual(other.readSysReg(key: key("MIDR_EL1")), 0x411F_D070)
        XCTAssertEqual(other.readSysReg(key: key("ID_AA64ISAR0_EL1")), 0x1_1120, "CRC32, AES+PMULL, SHA1, SHA256")
        XCTAssertEqual(other.readSysReg(key: key("ID_AA64MMFR1_EL1")), 0)
    }
}
