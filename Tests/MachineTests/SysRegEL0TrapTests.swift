import XCTest
@testable import Machine

/// EL0 accesses to EL0-visible registers that SCTLR_EL1 controls (Arm ARM:
/// DAIF with SCTLR_EL1.UMA, CTR_EL0 with SCTLR_EL1.UCT; with the bit clear the
/// access traps to EL1, EC 0x18, as QEMU's aa64_daif_access / ctr_el0_access).
final class SysRegEL0TrapTests: XCTestCase {
    /// The access was refused and traps to EL1 with EC 0x18 naming the register.
    func assertTrapsToEL1(_ cpu: CPU, _ name: String, read: Bool,
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(cpu.takeSysRegTrap(key: key(name), rt: 3, read: read),
                      "EL0 \(read ? "MRS" : "MSR") \(name) must trap", file: file, line: line)
        XCTAssertEqual(cpu.el, 1, file: file, line: line)
        let esr = cpu.sysreg(SysRegTable.esr[1])
        XCTAssertEqual(esr >> 26, 0x18, "EC", file: file, line: line)
        XCTAssertEqual(esr & 1, read ? 1 : 0, "ISS.Direction", file: file, line: line)
        XCTAssertEqual((esr >> 5) & 0x1F, 3, "ISS.Rt", file: file, line: line)
        cpu.setEL(0)
        cpu.daif = 0   // taking the exception masked everything
    }

    private func key(_ name: String) -> UInt32 { SysRegTable.all[SysRegTable.slot(name).slot].key }
    static let uma: UInt64 = 1 << 9
    static let uct: UInt64 = 1 << 15

    func testDAIFAtEL0NeedsSCTLRUMA() {
        let m = TestMachine()
        let cpu = m.cpu
        let sctlr = cpu.sysreg(SysRegTable.sctlr[1])
        // With UMA set, EL0 may read and write DAIF.
        cpu.setSysreg(SysRegTable.sctlr[1], sctlr | SysRegEL0TrapTests.uma)
        cpu.setEL(0)
        cpu.daif = 0
        XCTAssertEqual(cpu.readSysReg(key: key("DAIF")), 0)
        XCTAssertTrue(cpu.writeSysReg(key: key("DAIF"), value: 0x80))
        XCTAssertEqual(cpu.daif, 0x80)
        // With UMA clear (its reset value), both trap.
        cpu.setSysreg(SysRegTable.sctlr[1], sctlr & ~SysRegEL0TrapTests.uma)
        cpu.daif = 0
        XCTAssertNil(cpu.readSysReg(key: key("DAIF")))
        assertTrapsToEL1(cpu, "DAIF", read: true)
        XCTAssertFalse(cpu.writeSysReg(key: key("DAIF"), value: 0x3C0))
        XCTAssertEqual(cpu.daif & 0x3C0, 0, "EL0 must not mask interrupts")
        assertTrapsToEL1(cpu, "DAIF", read: false)
        // EL1 is never affected.
        cpu.setEL(1)
        XCTAssertTrue(cpu.writeSysReg(key: key("DAIF"), value: 0x3C0))
        XCTAssertEqual(cpu.readSysReg(key: key("DAIF")), 0x3C0)
    }

    func testCTRAtEL0NeedsSCTLRUCT() {
        let m = TestMachine()
        let cpu = m.cpu
        let sctlr = cpu.sysreg(SysRegTable.sctlr[1])
        cpu.setEL(0)
        cpu.setSysreg(SysRegTable.sctlr[1], sctlr | SysRegEL0TrapTests.uct)
        XCTAssertEqual(cpu.readSysReg(key: key("CTR_EL0")), 0x8444_C004)
        cpu.setSysreg(SysRegTable.sctlr[1], sctlr & ~SysRegEL0TrapTests.uct)
        XCTAssertNil(cpu.readSysReg(key: key("CTR_EL0")))
        assertTrapsToEL1(cpu, "CTR_EL0", read: true)
        cpu.setEL(1)
        XCTAssertEqual(cpu.readSysReg(key: key("CTR_EL0")), 0x8444_C004)
    }
}
