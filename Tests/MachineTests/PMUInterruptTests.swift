import XCTest
@testable import Machine

/// The PMU's overflow interrupt request on PPI 23 (SysRegs/PMU.swift).
final class PMUInterruptTests: XCTestCase {
    private func key(_ name: String) -> UInt32 { SysRegTable.all[SysRegTable.slot(name).slot].key }

    func testOverflowInterruptFollowsEnableAndFlag() {
        let m = TestMachine()
        let cpu = m.cpu
        let c: UInt64 = 1 << 31
        XCTAssertTrue(cpu.writeSysReg(key: key("PMOVSSET_EL0"), value: c))
        XCTAssertNil(m.ppis.levels[23], "PMCR_EL0.E and PMINTENSET_EL1.C clear: no request")
        XCTAssertTrue(cpu.writeSysReg(key: key("PMINTENSET_EL1"), value: c))
        XCTAssertNil(m.ppis.levels[23])
        XCTAssertTrue(cpu.writeSysReg(key: key("PMCR_EL0"), value: 1))
        XCTAssertEqual(m.ppis.levels[23], true)
        XCTAssertTrue(cpu.interrupts.isAsserted(.irq))
        XCTAssertTrue(cpu.writeSysReg(key: key("PMOVSCLR_EL0"), value: c))
        XCTAssertEqual(m.ppis.levels[23], false)
        // A real overflow of the cycle counter, noticed when it is read.
        XCTAssertTrue(cpu.writeSysReg(key: key("PMCCNTR_EL0"), value: 0xFFFF_FFFF))
        XCTAssertTrue(cpu.writeSysReg(key: key("PMCNTENSET_EL0"), value: c))
        let deadline = HostClock.nanoseconds() + 1_000_000_000
        while m.ppis.levels[23] != true && HostClock.nanoseconds() < deadline {
            _ = cpu.readSysReg(key: key("PMCCNTR_EL0"))
        }
        XCTAssertEqual(m.ppis.levels[23], true)
        XCTAssertTrue(cpu.writeSysReg(key: key("PMINTENCLR_EL1"), value: c))
        XCTAssertEqual(m.ppis.levels[23], false)
    }
}
