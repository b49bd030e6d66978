import XCTest
@testable import Machine

/// The byte-wise page-crossing path of the softmmu slow path, reachable with
/// the stage 1 MMU on and Normal memory (with the MMU off every data access is
/// Device and an access crossing a page takes an alignment fault: see
/// SoftMMUTests.testPageCrossingAccessWithTheMMUOff).
///
/// The map: EL1&0, 4 KiB granule, T0SZ = 25 (39-bit VAs, start at level 1),
/// one level 1 table with two 1 GiB identity blocks: 0x0 as Device-nGnRnE
/// (ROM and the fake device), 0x4000_0000 as Normal write-back (RAM).
final class SoftMMUPageCrossingTests: XCTestCase {
    let ram = TestMachine.ramBase
    let table = TestMachine.ramBase + 0x1_0000

    func machineWithMMU(alignmentCheck: Bool = false) -> TestMachine {
        let m = TestMachine()
        let cpu = m.cpu
        let af: UInt64 = 1 << 10, inner: UInt64 = 3 << 8, block: UInt64 = 0b01
        let device = 0x0000_0000 | af | inner | (1 << 2) | block            // AttrIndx 1
        let normal = 0x4000_0000 | af | inner | (0 << 2) | block            // AttrIndx 0
        var bytes: [UInt8] = []
        for d in [device, normal] { withUnsafeBytes(of: d.littleEndian) { bytes += $0 } }
        m.writeRAM(table, bytes)
        cpu.setSysreg(SysRegTable.slot("MAIR_EL1"), 0x00FF)                  // Attr0 Normal WB, Attr1 Device-nGnRnE
        cpu.setSysreg(SysRegTable.slot("TCR_EL1"), 25 | (1 << 23) | (5 << 32))  // T0SZ 25, EPD1, IPS 48 bits
        cpu.setSysreg(SysRegTable.slot("TTBR0_EL1"), table)
        cpu.setSysreg(SysRegTable.sctlr[1], 0x30D0_0800 | 1 | (alignmentCheck ? 2 : 0))
        cpu.flushTLB()
        return m
    }

    func testIdentityMapTranslates() throws {
        let m = machineWithMMU()
        let t = try m.cpu.walk(ram + 0x2345, .read).get()
        XCTAssertEqual(t.pa, ram + 0x2345)
        XCTAssertFalse(t.device)
        XCTAssertTrue(try m.cpu.walk(TestMachine.devBase, .read).get().device)
    }

    func testUnalignedAccessesWithinAPageOnNormalMemory() {
        let m = machineWithMMU()
        let cpu = m.cpu
        m.writeRAM(ram + 0x2000, [UInt8](1...16))
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x2003, size: 8, mmuIndex: 1), 0x0B0A_0908_0706_0504)
        XCTAssertFalse(cpu.exceptionTaken)
        XCTAssertEqual(m.tlbEntry(va: ram + 0x2000, mmuIndex: 1).read, TLB.invalidTag, "an unaligned access does not fill")
        cpu.storeSlow(va: ram + 0x2001, size: 4, value: 0xDDCC_BBAA, mmuIndex: 1)
        XCTAssertEqual(m.readRAM(ram + 0x2000, 6), [1, 0xAA, 0xBB, 0xCC, 0xDD, 6])
        // Exclusives and atomics still need alignment.
        _ = cpu.loadSlow(va: ram + 0x2001, size: 4, mmuIndex: 1, flags: .alignmentRequired)
        XCTAssertTrue(cpu.exceptionTaken)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x9600_0021)
    }

    /// A Q register's first doubleword (alignment checked against 16) at 8
    /// mod 16: on Normal memory with SCTLR_EL1.A clear it is done through the
    /// TLB entry (no walk, no fault); with SCTLR_EL1.A set, or on Device
    /// memory, it is an alignment fault.
    func testSixteenByteAlignmentCheckOnlyWhereItApplies() {
        for alignmentCheck in [false, true] {
            let m = machineWithMMU(alignmentCheck: alignmentCheck)
            let cpu = m.cpu
            m.writeRAM(ram + 0x2000, [UInt8](1...32))
            XCTAssertEqual(cpu.loadSlow(va: ram + 0x2000, size: 8, mmuIndex: 1, flags: .alignment(bytes: 16)), 0x0807_0605_0403_0201)
            XCTAssertNotEqual(m.tlbEntry(va: ram + 0x2000, mmuIndex: 1).read, TLB.invalidTag, "an aligned access fills")
            let walks = cpu.tlbStatistics.walks
            let v = cpu.loadSlow(va: ram + 0x2008, size: 8, mmuIndex: 1, flags: .alignment(bytes: 16))
            cpu.storeSlow(va: ram + 0x2018, size: 8, value: 0xAABB, mmuIndex: 1, flags: .alignment(bytes: 16))
            XCTAssertEqual(cpu.exceptionTaken, alignmentCheck)
            if alignmentCheck {
                XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x9600_0061)
                XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), ram + 0x2018)
                XCTAssertEqual(m.readRAM(ram + 0x2018, 8), [UInt8](25...32))
            } else {
                XCTAssertEqual(v, 0x100F_0E0D_0C0B_0A09)
                XCTAssertEqual(m.readRAM(ram + 0x2018, 8), [0xBB, 0xAA, 0, 0, 0, 0, 0, 0])
                XCTAssertEqual(cpu.tlbStatistics.walks, walks, "through the TLB entry")
            }
        }
        // Device memory: the check applies whatever SCTLR_EL1.A.
        let m = machineWithMMU()
        let cpu = m.cpu
        let dev = TestMachine.devBase
        _ = cpu.loadSlow(va: dev, size: 8, mmuIndex: 1, flags: .alignment(bytes: 16))
        cpu.exceptionTaken = false
        _ = cpu.loadSlow(va: dev + 8, size: 8, mmuIndex: 1, flags: .alignment(bytes: 16))
        XCTAssertTrue(cpu.exceptionTaken)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x9600_0021)
    }

    func testPageCrossingLoadAndStore() {
        let m = machineWithMMU()
        let cpu = m.cpu
        m.writeRAM(ram + 0x2FF8, [UInt8](1...16))
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x2FFC, size: 8, mmuIndex: 1), 0x0C0B_0A09_0807_0605)
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x2FFF, size: 2, mmuIndex: 1), 0x0908)
        XCTAssertFalse(cpu.exceptionTaken)
        cpu.storeSlow(va: ram + 0x2FFD, size: 4, value: 0x4433_2211, mmuIndex: 1)
        XCTAssertFalse(cpu.exceptionTaken)
        XCTAssertEqual(m.readRAM(ram + 0x2FF8, 16), [1, 2, 3, 4, 5, 0x11, 0x22, 0x33, 0x44, 10, 11, 12, 13, 14, 15, 16])
    }

    func testPageCrossingStoreIntoACodePageIsReported() {
        let m = machineWithMMU()
        let cpu = m.cpu
        var reported: [[UInt64]] = []
        m.memory.onCodeWrite = { reported.append([$0, $1]) }
        m.memory.markCode(pa: ram + 0x5000, length: 4)
        cpu.storeSlow(va: ram + 0x4FFE, size: 4, value: 0xFFFF_FFFF, mmuIndex: 1)
        XCTAssertEqual(reported, [[ram + 0x5000, 1], [ram + 0x5001, 1]], "the bytes in the code page, one by one")
        XCTAssertEqual(m.readRAM(ram + 0x4FFE, 4), [0xFF, 0xFF, 0xFF, 0xFF])
    }

    func testStoresToACodePageGoThroughTheTLBEntryWithoutAWalk() {
        let m = machineWithMMU()
        let cpu = m.cpu
        var reported: [[UInt64]] = []
        m.memory.onCodeWrite = { reported.append([$0, $1]) }
        m.memory.markCode(pa: ram + 0x5100, length: 8)
        _ = cpu.loadSlow(va: ram + 0x5000, size: 8, mmuIndex: 1)
        let walks = cpu.tlbStatistics.walks
        cpu.storeSlow(va: ram + 0x5040, size: 8, value: 0x1122_3344_5566_7788, mmuIndex: 1)
        cpu.storeSlow(va: ram + 0x5104, size: 4, value: 0xD503_201F, mmuIndex: 1)
        XCTAssertFalse(cpu.exceptionTaken)
        XCTAssertEqual(cpu.tlbStatistics.walks, walks, "the entry is valid: no walk")
        XCTAssertEqual(m.readRAM(ram + 0x5040, 2), [0x88, 0x77])
        XCTAssertEqual(m.readRAM(ram + 0x5104, 4), [0x1F, 0x20, 0x03, 0xD5])
        XCTAssertEqual(reported, [[ram + 0x5104, 4]], "only the write to a translated word")
    }

    func testPageCrossingOutOfRAMAbortsWithoutWriting() {
        let m = machineWithMMU()
        let cpu = m.cpu
        let end = ram + TestMachine.ramSize
        m.writeRAM(end - 4, [1, 2, 3, 4])
        cpu.faultPC = 0x4000_0400
        cpu.storeSlow(va: end - 4, size: 8, value: 0, mmuIndex: 1)
        XCTAssertTrue(cpu.exceptionTaken)
        let esr = cpu.sysreg(SysRegTable.esr[1])
        XCTAssertEqual(esr, 0x9600_0050, "same-EL data abort, WnR, synchronous external")
        let far = cpu.sysreg(SysRegTable.far[1])
        XCTAssertTrue((end - 4..<end + 4).contains(far), "FAR \(hex(far)) within the access")
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x4000_0400)
        XCTAssertEqual(m.readRAM(end - 4, 4), [1, 2, 3, 4], "the part in RAM is not written either")
    }

    func testDeviceMemoryAndSCTLRAStillFaultOnUnalignedAccesses() {
        let m = machineWithMMU()
        _ = m.cpu.loadSlow(va: TestMachine.devBase + 2, size: 4, mmuIndex: 1)
        XCTAssertTrue(m.cpu.exceptionTaken)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]), 0x9600_0021)
        XCTAssertTrue(m.device.accesses.isEmpty)

        let a = machineWithMMU(alignmentCheck: true)
        _ = a.cpu.loadSlow(va: ram + 0x2FFC, size: 8, mmuIndex: 1)
        XCTAssertTrue(a.cpu.exceptionTaken)
        XCTAssertEqual(a.cpu.sysreg(SysRegTable.esr[1]), 0x9600_0021, "SCTLR_EL1.A: every unaligned access faults")
        XCTAssertEqual(a.cpu.sysreg(SysRegTable.far[1]), ram + 0x2FFC)
    }
}
