import XCTest
@testable import Machine

/// FEAT_PAN: the MMU index that carries PSTATE.PAN, the walker's EL0-accessible
/// bit (AP[1] after APTable[0]), and the slow path denying EL1 data accesses to
/// such pages through that index only.
final class PANTests: XCTestCase {
    private func machine() -> (WalkMachine, WalkMachine.Tables) {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        m.map(t, 0x1000, 0x4000_1000, Attr.kernel | Attr.el0)                // EL0 and EL1 RW
        m.map(t, 0x2000, 0x4000_2000, Attr.kernel)                           // EL1 only
        m.map(t, 0x3000, 0x4000_3000, Attr.normal | Attr.af | Attr.el0 | Attr.ro)   // EL0/EL1 RO, EL1-executable
        m.map(t, 0x4000_0000, 0x4020_0000, level: 2, Attr.kernel | Attr.el0)   // EL0 block under APTable no-EL0:
        m.orTable(t, 0x4000_0000, level: 1, Attr.noEL0Table)                 // not EL0-accessible after all
        m.enableEL1(t)
        return (m, t)
    }

    func testMMUIndexFollowsPSTATEPANAtEL1Only() {
        let (m, _) = machine()
        XCTAssertEqual(m.cpu.mmuIndex, 1)
        m.cpu.pstateMisc |= CPU.pstatePAN
        XCTAssertTrue(m.cpu.panActive)
        XCTAssertEqual(m.cpu.mmuIndex, 1 + CPU.panIndexOffset)
        XCTAssertEqual(CPU.unprivilegedIndex(m.cpu.mmuIndex), 0, "LDTR/STTR under PAN use EL0's index")
        XCTAssertEqual(CPU.unprivilegedIndex(1), 0)
        m.cpu.setEL(0)
        XCTAssertFalse(m.cpu.panActive, "PAN does not act at EL0")
        XCTAssertEqual(m.cpu.mmuIndex, 0)
    }

    func testWalkerReportsEL0AccessibilityAfterAPTable() {
        let (m, _) = machine()
        func el0(_ va: UInt64) -> Bool? { try? m.cpu.lookup(va, .read, el: 1).get().el0Accessible }
        XCTAssertEqual(el0(0x1000), true)
        XCTAssertEqual(el0(0x2000), false)
        XCTAssertEqual(el0(0x3000), true)
        XCTAssertEqual(el0(0x4000_0000), false, "APTable[0] removes EL0 access, so PAN does not apply")
    }

    func testPANDeniesDataAccessesToEL0PagesThroughItsIndexOnly() {
        let (m, _) = machine()
        let panIndex = 1 + CPU.panIndexOffset
        m.cpu.storeSlow(va: 0x1008, size: 8, value: 0x1234, mmuIndex: 1)
        XCTAssertFalse(m.cpu.exceptionTaken)
        XCTAssertEqual(m.cpu.loadSlow(va: 0x1008, size: 8, mmuIndex: 1), 0x1234)

        m.cpu.pstateMisc |= CPU.pstatePAN
        _ = m.cpu.loadSlow(va: 0x1008, size: 8, mmuIndex: panIndex)
        XCTAssertTrue(m.cpu.exceptionTaken)
        let esr = m.cpu.sysreg(SysRegTable.esr[1])
        XCTAssertEqual(esr >> 26, 0x25)
        XCTAssertEqual(esr & 0x3F, FaultStatus.permissionL3.rawValue)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.far[1]), 0x1008)

        // EL1-only data, and EL0 pages through the EL0 index (LDTR), are unaffected.
        for (va, index) in [(UInt64(0x2010), panIndex), (0x1008, 0)] {
            m.cpu.setEL(1)
            m.cpu.exceptionTaken = false
            _ = m.cpu.loadSlow(va: va, size: 8, mmuIndex: index)
            XCTAssertFalse(m.cpu.exceptionTaken, "\(hex(va)) via index \(index)")
        }
        // Fetches are not affected by PAN.
        m.cpu.setEL(1)
        XCTAssertEqual(m.cpu.translate(0x3000, .fetch, el: 1, pan: true)?.pa, 0x4000_3000)
        XCTAssertNil(m.cpu.translate(0x3000, .read, el: 1, pan: true))
    }
}
