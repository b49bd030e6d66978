import XCTest
@testable import Machine

/// EL0 accesses to EL0-visible registers that SCTLR_EL1 controls (Arm ARM:
/// DAIF with SCTLR_EL1.UMA, CTR_EL0 with SCTLR_EL1.UCT; with the bit clear the
/// access traps to EL1, EC 0x18, as QEMU's aa64_daif_access / ctr_el0_access).
///
/// KNOWN BUG while these skip: `readSysReg`/`writeSysReg` check only
/// `minEL` (0 for both), so EL0 reads CTR_EL0 and reads *and writes* DAIF
/// whatever SCTLR_EL1 says: user code can mask interrupts. (MSR DAIFSet/DAIFClr
/// already check UMA in `helperMSRImmediate`, raising UNDEFINED rather than the
/// EC 0x18 trap.) Each test asserts the architectural result and throws
/// XCTSkip("KNOWN BUG: ...") while the old behaviour is seen; once fixed it
/// passes on its own. ARMATURE_KNOWN_BUGS_FAIL=1 turns the skips into failures.
final class SysRegEL0TrapTests: XCTestCase {
    func knownBug(_ present: Bool, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        guard present else { return }
        if ProcessInfo.processInfo.environment["ARMATURE_KNOWN_BUGS_FAIL"] != nil {
            XCTFail("KNOWN BUG: \(what)", file: file, line: line)
        } else {
            throw XCTSkip("KNOWN BUG: \(what)", file: file, line: line)
        }
    }

    private func key(_ name: String) -> UInt32 { SysRegTable.all[SysRegTable.slot(name).slot].key }
    static let uma: UInt64 = 1 << 9
    static let uct: UInt64 = 1 << 15

    func testDAIFAtEL0NeedsSCTLRUMA() throws {
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
        let read = cpu.readSysReg(key: key("DAIF"))
        let wrote = cpu.writeSysReg(key: key("DAIF"), value: 0x3C0)
        let masked = cpu.daif
        cpu.daif = 0
        try knownBug(read != nil || wrote, "with SCTLR_EL1.UMA = 0, EL0 MRS DAIF \(read != nil ? "succeeds" : "traps"), MSR DAIF \(wrote ? "succeeds (DAIF became \(hex(masked)))" : "traps")")
        XCTAssertEqual(masked, 0, "EL0 must not mask interrupts")
        // EL1 is never affected.
        cpu.setEL(1)
        XCTAssertTrue(cpu.writeSysReg(key: key("DAIF"), value: 0x3C0))
        XCTAssertEqual(cpu.readSysReg(key: key("DAIF")), 0x3C0)
    }

    func testCTRAtEL0NeedsSCTLRUCT() throws {
        let m = TestMachine()
        let cpu = m.cpu
        let sctlr = cpu.sysreg(SysRegTable.sctlr[1])
        cpu.setEL(0)
        cpu.setSysreg(SysRegTable.sctlr[1], sctlr | SysRegEL0TrapTests.uct)
        XCTAssertEqual(cpu.readSysReg(key: key("CTR_EL0")), 0x8444_C004)
        cpu.setSysreg(SysRegTable.sctlr[1], sctlr & ~SysRegEL0TrapTests.uct)
        let read = cpu.readSysReg(key: key("CTR_EL0"))
        try knownBug(read != nil, "EL0 reads CTR_EL0 with SCTLR_EL1.UCT = 0")
        cpu.setEL(1)
        XCTAssertEqual(cpu.readSysReg(key: key("CTR_EL0")), 0x8444_C004)
    }
}
