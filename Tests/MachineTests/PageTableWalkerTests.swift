import XCTest
@testable import Machine

final class PageTableWalkerTests: XCTestCase {
    private func pa(_ m: WalkMachine, _ va: UInt64, _ access: AccessKind = .read, el: Int = 1,
                    file: StaticString = #filePath, line: UInt = #line) -> UInt64? {
        switch m.cpu.walk(va, access, el: el) {
        case .success(let t): return t.pa
        case .failure(let f):
            XCTFail("\(hex(va)): \(f)", file: file, line: line)
            return nil
        }
    }

    private func fault(_ m: WalkMachine, _ va: UInt64, _ access: AccessKind = .read, el: Int = 1) -> FaultStatus? {
        if case .failure(.fault(let s)) = m.cpu.walk(va, access, el: el) { return s }
        return nil
    }

    private func lookup(_ m: WalkMachine, _ va: UInt64, el: Int = 1) -> Translation? {
        if case .success(let t) = m.cpu.lookup(va, .read, el: el) { return t }
        return nil
    }

    // MARK: Granules, levels, blocks

    func testFourKiBPagesAndBlocksAtEveryStartLevel() {
        for tsz in [16, 25, 30, 33, 39] {
            let m = WalkMachine()
            let t = m.tables(gbits: 12, tsz: tsz)
            XCTAssertEqual(t.start, [16: 0, 25: 1, 30: 1, 33: 1, 39: 2][tsz])
            m.map(t, 0x0123_4000, 0x4000_5000)
            m.map(t, 0x0140_0000, 0x4060_0000, level: 2)
            if t.start <= 1 { m.map(t, 0x4000_0000, 0x4000_0000, level: 1) }
            m.enableEL1(t)
            XCTAssertEqual(pa(m, 0x0123_4ABC), 0x4000_5ABC, "TxSZ \(tsz)")
            XCTAssertEqual(pa(m, 0x015F_FFF8), 0x407F_FFF8)
            XCTAssertEqual(lookup(m, 0x0123_4ABC)?.level, 3)
            XCTAssertEqual(lookup(m, 0x0140_0000)?.level, 2)
            if t.start <= 1 {
                XCTAssertEqual(pa(m, 0x4321_0008), 0x4321_0008)
                XCTAssertEqual(lookup(m, 0x4321_0008)?.level, 1)
            }
            XCTAssertEqual(fault(m, 0x0123_5000), .translationL3)
            XCTAssertEqual(fault(m, 0x0180_0000), .translationL2)
        }
    }

    func testSixteenKiBGranule() {
        for (tsz, start) in [(16, 0), (17, 1), (25, 1), (33, 2), (36, 2)] {
            let m = WalkMachine()
            let t = m.tables(gbits: 14, tsz: tsz)
            XCTAssertEqual(t.start, start)
            m.map(t, 0x0100_C000, 0x4000_4000)                   // 16 KiB page
            m.map(t, 0x0200_0000, 0x4200_0000, level: 2)          // 32 MiB block
            m.enableEL1(t)
            XCTAssertEqual(pa(m, 0x0100_C000 + 0x3FF8), 0x4000_7FF8, "TxSZ \(tsz)")
            XCTAssertEqual(pa(m, 0x03FF_FFF0), 0x43FF_FFF0)
            XCTAssertEqual(fault(m, 0x0101_0000), .translationL3)
            XCTAssertEqual(fault(m, 0x0400_0000), .translationL2)
        }
        // A level 1 block does not exist with 16 KiB granules (without LPA2).
        let m = WalkMachine()
        let t = m.tables(gbits: 14, tsz: 17)
        m.map(t, 0x10_0000_0000, 0x0, level: 1)
        m.enableEL1(t)
        XCTAssertEqual(fault(m, 0x10_0000_0000), .translationL1)
    }

    func testSixtyFourKiBGranule() {
        for (tsz, start) in [(16, 1), (22, 2), (25, 2), (33, 2), (39, 3)] {
            let m = WalkMachine()
            let t = m.tables(gbits: 16, tsz: tsz)
            XCTAssertEqual(t.start, start)
            m.map(t, 0x0003_0000, 0x4001_0000)                    // 64 KiB page
            if start <= 2 { m.map(t, 0x4000_0000, 0x4000_0000, level: 2) }   // 512 MiB block
            m.enableEL1(t)
            XCTAssertEqual(pa(m, 0x0003_FFF8), 0x4001_FFF8, "TxSZ \(tsz)")
            XCTAssertEqual(pa(m, 0x0003_1234), 0x4001_1234)
            if start <= 2 { XCTAssertEqual(pa(m, 0x5FFF_FFF8), 0x5FFF_FFF8) }
            XCTAssertEqual(fault(m, 0x0004_0000), .translationL3)
        }
        // Level 1 blocks need FEAT_LPA.
        let m = WalkMachine()
        let t = m.tables(gbits: 16, tsz: 16)
        m.map(t, 0, 0, level: 1)
        m.enableEL1(t)
        XCTAssertEqual(fault(m, 0x1000), .translationL1)
    }

    func testBlockAtLevelZeroAndReservedLevelThreeEncoding() {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 16)
        m.map(t, 0x8000_0000_0000, 0, level: 0)
        m.write64(m.slot(t, 0x1000, level: 3), 0x4000_0000 | Attr.kernel | 1)   // bit 1 clear at level 3
        m.enableEL1(t)
        XCTAssertEqual(fault(m, 0x8000_0000_0000), .translationL0)
        XCTAssertEqual(fault(m, 0x1000), .translationL3)
    }

    // MARK: VA ranges

    func testTTBR1AndTheTG1EncodingsAndTheGap() {
        for g1 in [12, 14, 16] {
            let m = WalkMachine()
            let t0 = m.tables(gbits: 12, tsz: 25)
            let t1 = m.tables(gbits: g1, tsz: 25)
            m.map(t0, 0x1000, 0x4000_1000)
            m.map(t1, 0xFFFF_FF80_0000_0000, 0x4001_0000)
            m.enableEL1(t0, t1: t1)
            XCTAssertEqual(pa(m, 0xFFFF_FF80_0000_0010), 0x4001_0010, "granule bits \(g1)")
            XCTAssertEqual(pa(m, 0x1010), 0x4000_1010)
            XCTAssertEqual(fault(m, 0x0000_0080_0000_0000), .translationL0, "above the TTBR0 range")
            XCTAssertEqual(fault(m, 0xFFFF_FF7F_FFFF_F000), .translationL0, "below the TTBR1 range")
            // EPD1 / EPD0 stop the walks of their range.
            m.set("TCR_EL1", m.cpu.sysreg(m.reg("TCR_EL1")) | 1 << 23)
            XCTAssertEqual(fault(m, 0xFFFF_FF80_0000_0010), .translationL0)
            XCTAssertEqual(pa(m, 0x1010), 0x4000_1010)
            m.set("TCR_EL1", m.cpu.sysreg(m.reg("TCR_EL1")) & ~(1 << 23) | 1 << 7)
            XCTAssertEqual(fault(m, 0x1010), .translationL0)
            XCTAssertEqual(pa(m, 0xFFFF_FF80_0000_0010), 0x4001_0010)
        }
    }

    func testTopByteIgnore() {
        let m = WalkMachine()
        let t0 = m.tables(gbits: 12, tsz: 25)
        let t1 = m.tables(gbits: 12, tsz: 25)
        m.map(t0, 0x1000, 0x4000_1000)
        m.map(t1, 0xFFFF_FF80_0000_0000, 0x4000_2000)
        m.enableEL1(t0, t1: t1)
        XCTAssertEqual(fault(m, 0x5A00_0000_0000_1000), .translationL0)
        XCTAssertEqual(fault(m, 0x5AFF_FF80_0000_0000), .translationL0)
        m.set("TCR_EL1", m.cpu.sysreg(m.reg("TCR_EL1")) | 1 << 37)   // TBI0
        XCTAssertEqual(pa(m, 0x5A00_0000_0000_1008), 0x4000_1008)
        XCTAssertEqual(fault(m, 0x5AFF_FF80_0000_0000), .translationL0, "TBI1 still off")
        m.set("TCR_EL1", m.cpu.sysreg(m.reg("TCR_EL1")) | 1 << 38)   // TBI1
        XCTAssertEqual(pa(m, 0x00FF_FF80_0000_0008), 0x4000_2008, "bit 55 selects TTBR1")
    }

    func testTxSZOutOfRangeFaultsAtLevelZero() {
        for tsz in [0, 15, 40, 48] {
            let m = WalkMachine()
            let t = m.tables(gbits: 12, tsz: 25)
            m.map(t, 0x1000, 0x4000_1000)
            m.enableEL1(t, tcr: WalkMachine.tcr(t0sz: tsz, g0: 12))
            XCTAssertEqual(fault(m, 0x1000), .translationL0, "T0SZ \(tsz)")
        }
    }

    // MARK: Output addresses and the walk's memory

    func testAddressSizeFaults() {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        m.map(t, 0x1000, 0x1_0000_0000)                       // OA = 4 GiB
        m.map(t, 0x2000, 0x4000_2000)
        m.write64(m.slot(t, 0x4000_0000, level: 2), 0x1_0000_0000 | 3)   // a table at 4 GiB
        m.enableEL1(t, tcr: WalkMachine.tcr(t0sz: 25, g0: 12, ips: 0))   // 32-bit PA
        XCTAssertEqual(fault(m, 0x1000), .addressSizeL3)
        XCTAssertEqual(fault(m, 0x4000_0000, .write), .addressSizeL2)
        XCTAssertEqual(pa(m, 0x2000), 0x4000_2000)
        // With IPS = 48 bits the page is fine (it is another matter that no memory is there).
        m.set("TCR_EL1", WalkMachine.tcr(t0sz: 25, g0: 12, ips: 5))
        XCTAssertEqual(pa(m, 0x1008), 0x1_0000_0008)
        // IPS = 52 bits is capped at the implemented 48: an OA bit above 47 is not part of the address.
        m.set("TCR_EL1", WalkMachine.tcr(t0sz: 25, g0: 12, ips: 6))
        XCTAssertEqual(pa(m, 0x2008), 0x4000_2008)
        // TTBR above the output size: level 0.
        m.set("TCR_EL1", WalkMachine.tcr(t0sz: 25, g0: 12, ips: 0))
        m.set("TTBR0_EL1", 0x1_0000_0000 | t.root)
        XCTAssertEqual(fault(m, 0x2000), .addressSizeL0)
    }

    func testWalkOutsideRAMIsAnExternalAbortOnTheWalk() {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        m.write64(m.slot(t, 0x0020_0000, level: 2), 0x0F00_0000 | 3)        // nothing there
        m.write64(m.slot(t, 0x0040_0000, level: 2), WalkMachine.dev | 3)    // a device
        m.enableEL1(t)
        XCTAssertEqual(fault(m, 0x0020_0000), .syncExternalWalkL3)
        XCTAssertEqual(fault(m, 0x0040_1000, .fetch), .syncExternalWalkL3)
        m.set("TTBR0_EL1", 0x0F00_0000)
        XCTAssertEqual(fault(m, 0x0020_0000), .syncExternalWalkL1)
    }

    // MARK: Permissions

    func testAccessPermissionsAtEL1AndEL0() {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        let base: UInt64 = Attr.normal | Attr.af     // UXN = PXN = 0
        for ap in 0..<4 { m.map(t, 0x1000 * UInt64(ap + 1), 0x4000_0000, base | UInt64(ap) << 6) }
        m.enableEL1(t)
        func rwx(_ va: UInt64, _ el: Int) -> String {
            guard let t = lookup(m, va, el: el) else { return "fault" }
            return (t.readable ? "r" : "-") + (t.writable ? "w" : "-") + (t.executable ? "x" : "-")
        }
        // AP 00: EL1 RW; 01: EL1/EL0 RW (so EL1 may not execute); 10: EL1 RO; 11: EL1/EL0 RO.
        XCTAssertEqual([1, 2, 3, 4].map { rwx(0x1000 * $0, 1) }, ["rwx", "rw-", "r-x", "r-x"])
        XCTAssertEqual([1, 2, 3, 4].map { rwx(0x1000 * $0, 0) }, ["--x", "rwx", "--x", "r-x"])
        XCTAssertEqual(fault(m, 0x1000, .read, el: 0), .permissionL3)
        XCTAssertEqual(fault(m, 0x3000, .write, el: 1), .permissionL3)
        XCTAssertEqual(fault(m, 0x2000, .fetch, el: 1), .permissionL3)
        XCTAssertEqual(pa(m, 0x2000, .write, el: 0), 0x4000_0000)
    }

    func testExecuteNeverAndTableControls() {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        let rx: UInt64 = Attr.normal | Attr.af | Attr.el0 | Attr.ro
        m.map(t, 0x1000, 0x4000_0000, rx | Attr.pxn)
        m.map(t, 0x2000, 0x4000_0000, rx | Attr.uxn)
        m.map(t, 0x0020_0000, 0x4000_0000, rx)           // under PXNTable
        m.orTable(t, 0x0020_0000, level: 2, Attr.pxnTable)
        m.map(t, 0x0040_0000, 0x4000_0000, rx)           // under UXNTable
        m.orTable(t, 0x0040_0000, level: 2, Attr.xnTable)
        m.map(t, 0x0060_0000, 0x4000_0000, Attr.normal | Attr.af | Attr.el0)   // EL0 RW, under APTable RO
        m.orTable(t, 0x0060_0000, level: 2, Attr.roTable)
        m.map(t, 0x0080_0000, 0x4000_0000, Attr.normal | Attr.af | Attr.el0)   // under APTable no-EL0
        m.orTable(t, 0x0080_0000, level: 2, Attr.noEL0Table)
        m.enableEL1(t)
        XCTAssertEqual(fault(m, 0x1000, .fetch, el: 1), .permissionL3)
        XCTAssertNotNil(pa(m, 0x1000, .fetch, el: 0))
        XCTAssertNotNil(pa(m, 0x2000, .fetch, el: 1))
        XCTAssertEqual(fault(m, 0x2000, .fetch, el: 0), .permissionL3)
        XCTAssertEqual(fault(m, 0x0020_0000, .fetch, el: 1), .permissionL3)
        XCTAssertNotNil(pa(m, 0x0020_0000, .fetch, el: 0))
        XCTAssertEqual(fault(m, 0x0040_0000, .fetch, el: 0), .permissionL3)
        XCTAssertNotNil(pa(m, 0x0040_0000, .fetch, el: 1))
        XCTAssertEqual(fault(m, 0x0060_0000, .write, el: 0), .permissionL3)
        XCTAssertEqual(fault(m, 0x0060_0000, .write, el: 1), .permissionL3)
        XCTAssertNotNil(pa(m, 0x0060_0000, .read, el: 0))
        XCTAssertNotNil(pa(m, 0x0060_0000, .fetch, el: 1), "read-only for EL0 too, so EL1 may execute")
        XCTAssertEqual(fault(m, 0x0080_0000, .read, el: 0), .permissionL3)
        XCTAssertNotNil(pa(m, 0x0080_0000, .write, el: 1))
        XCTAssertNotNil(pa(m, 0x0080_0000, .fetch, el: 1), "no longer EL0-writable, so EL1 may execute")
    }

    func testWXN() {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        m.map(t, 0x1000, 0x4000_0000, Attr.normal | Attr.af)                       // EL1 RW
        m.map(t, 0x2000, 0x4000_0000, Attr.normal | Attr.af | Attr.ro)             // EL1 RO
        m.map(t, 0x3000, 0x4000_0000, Attr.normal | Attr.af | Attr.el0 | Attr.pxn) // EL0 RW
        m.enableEL1(t)
        XCTAssertNotNil(pa(m, 0x1000, .fetch))
        XCTAssertNotNil(pa(m, 0x3000, .fetch, el: 0))
        m.set("SCTLR_EL1", m.cpu.sysreg(SysRegTable.sctlr[1]) | 1 << 19)
        XCTAssertEqual(fault(m, 0x1000, .fetch), .permissionL3)
        XCTAssertNotNil(pa(m, 0x2000, .fetch))
        XCTAssertEqual(fault(m, 0x3000, .fetch, el: 0), .permissionL3)
    }

    func testAccessFlag() {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        m.map(t, 0x1000, 0x4000_1000, Attr.kernel & ~Attr.af)
        m.map(t, 0x0020_0000, 0x4000_0000, level: 2, Attr.kernel & ~Attr.af)
        m.enableEL1(t)
        XCTAssertEqual(fault(m, 0x1000), .accessFlagL3)
        XCTAssertEqual(fault(m, 0x1000, .fetch), .accessFlagL3)
        XCTAssertEqual(fault(m, 0x0020_0000, .write), .accessFlagL2)
        // Debug lookups (semihosting, debugger) ignore it; nothing sets it.
        m.write64(0x4000_1000, 0x0707_0707)
        XCTAssertEqual(m.cpu.readVirtual(0x1000, count: 4), [7, 7, 7, 7])
        XCTAssertEqual(m.read64(m.slot(t, 0x1000, level: 3)) & Attr.af, 0)
    }

    // MARK: Attributes, the TLB, the slow paths

    func testMemoryAttributes() {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        m.map(t, 0x1000, 0x4000_1000, Attr.kernel)
        m.map(t, 0x2000, 0x4000_1000, Attr.device | Attr.af | Attr.uxn | Attr.pxn)
        m.map(t, 0x3000, 0x4000_1000, Attr.nc | Attr.af | Attr.uxn)
        m.enableEL1(t)
        XCTAssertEqual(lookup(m, 0x1000)?.attributes, 0xFF)
        XCTAssertEqual(lookup(m, 0x1000)?.device, false)
        XCTAssertEqual(lookup(m, 0x2000)?.attributes, 0x00)
        XCTAssertEqual(lookup(m, 0x2000)?.device, true)
        XCTAssertEqual(lookup(m, 0x3000)?.attributes, 0x44)
        XCTAssertEqual(lookup(m, 0x3000)?.device, false)
        XCTAssertEqual(lookup(m, 0x1000)?.shareability, 3)
        // Unaligned: performed on Normal memory, an alignment fault on Device memory.
        m.write64(0x4000_1000, 0x8877_6655_4433_2211)
        m.write64(0x4000_1008, 0x00FF_EEDD_CCBB_AA99)
        m.cpu.faultPC = 0x40
        XCTAssertEqual(m.cpu.loadSlow(va: 0x1003, size: 8, mmuIndex: 1), 0xBBAA_9988_7766_5544)
        XCTAssertEqual(m.cpu.loadSlow(va: 0x3001, size: 4, mmuIndex: 1), 0x5544_3322)
        XCTAssertFalse(m.cpu.exceptionTaken)
        XCTAssertEqual(m.cpu.loadSlow(va: 0x2003, size: 4, mmuIndex: 1), 0)
        XCTAssertTrue(m.cpu.exceptionTaken)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]) & 0x3F, 0x21)
        XCTAssertEqual(m.cpu.loadSlow(va: 0x2008, size: 8, mmuIndex: 1), 0x00FF_EEDD_CCBB_AA99, "aligned Device access")
        // SCTLR_EL1.A: every unaligned access faults, before the walk.
        m.cpu.exceptionTaken = false
        m.set("SCTLR_EL1", m.cpu.sysreg(SysRegTable.sctlr[1]) | 2)
        XCTAssertEqual(m.cpu.loadSlow(va: 0x5003, size: 4, mmuIndex: 1), 0)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]) & 0x3F, 0x21, "alignment, not translation")
    }

    func testTLBTagsFollowThePermissions() {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        m.map(t, 0x1000, 0x4000_1000, Attr.kernel | Attr.ro)                  // EL1 RO, executable
        m.map(t, 0x2000, 0x4000_2000, Attr.kernel | Attr.pxn | Attr.el0)      // EL1/EL0 RW, XN
        m.enableEL1(t)
        func entry(_ va: UInt64, _ idx: Int) -> (UInt64, UInt64, UInt64) {
            let e = m.cpu.state + TLB.entryOffset(mmuIndex: idx, va: va)
            return (e.load(fromByteOffset: TLB.readTagOffset, as: UInt64.self),
                    e.load(fromByteOffset: TLB.writeTagOffset, as: UInt64.self),
                    e.load(fromByteOffset: TLB.codeTagOffset, as: UInt64.self))
        }
        _ = m.cpu.loadSlow(va: 0x1008, size: 8, mmuIndex: 1)
        XCTAssertTrue(entry(0x1000, 1) == (0x1000, TLB.invalidTag, 0x1000))
        _ = m.cpu.loadSlow(va: 0x2008, size: 8, mmuIndex: 1)
        XCTAssertTrue(entry(0x2000, 1) == (0x2000, 0x2000, TLB.invalidTag))
        // The store that the write tag refuses goes to the slow path and faults.
        m.cpu.faultPC = 0x4000_0100
        m.cpu.storeSlow(va: 0x1010, size: 8, value: 1, mmuIndex: 1)
        XCTAssertTrue(m.cpu.exceptionTaken)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]), 0x9600_004F | 1 << 25)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.far[1]), 0x1010)
        XCTAssertEqual(m.read64(0x4000_1010), 0)
        // A fetch fills the code tag (with the read/write tags the page allows).
        m.cpu.exceptionTaken = false
        m.cpu.flushTLB()
        XCTAssertNotNil(m.cpu.translateCode(va: 0x1000))
        XCTAssertTrue(entry(0x1000, 1) == (0x1000, TLB.invalidTag, 0x1000))
        XCTAssertNil(m.cpu.translateCode(va: 0x2000))
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]), 0x8600_000F)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.far[1]), 0x2000)
    }

    func testUnprivilegedAccessesUseEL0Permissions() {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        m.map(t, 0x1000, 0x4000_1000, Attr.kernel)                       // EL1 only
        m.map(t, 0x2000, 0x4000_2000, Attr.kernel | Attr.el0 | Attr.ro)  // EL0 RO
        m.enableEL1(t)
        m.write64(0x4000_2000, 0x1234)
        m.cpu.faultPC = 0x4000_0200
        // LDTR at EL1: MMU index 0, EL0 permissions, fault taken at EL1 (EC 0x25).
        XCTAssertEqual(m.cpu.loadSlow(va: 0x2000, size: 8, mmuIndex: 0), 0x1234)
        XCTAssertFalse(m.cpu.exceptionTaken)
        XCTAssertEqual(m.cpu.loadSlow(va: 0x1000, size: 8, mmuIndex: 0), 0)
        XCTAssertTrue(m.cpu.exceptionTaken)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]), 0x9600_000F | 1 << 25)
        m.cpu.exceptionTaken = false
        m.cpu.storeSlow(va: 0x2000, size: 8, value: 0, mmuIndex: 0)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]), 0x9600_004F | 1 << 25)
        // The EL1 TLB is not the EL0 one.
        m.cpu.exceptionTaken = false
        XCTAssertEqual(m.cpu.loadSlow(va: 0x1000, size: 8, mmuIndex: 1), 0)
        XCTAssertFalse(m.cpu.exceptionTaken)
    }

    func testAtomicsOnReadOnlyPagesNeedWritePermission() {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        m.map(t, 0x1000, 0x4000_1000, Attr.kernel | Attr.ro)
        m.enableEL1(t)
        XCTAssertNotNil(m.cpu.hostAddressForAtomic(va: 0x1008, size: 8, mmuIndex: 1, isWrite: false))
        XCTAssertNil(m.cpu.hostAddressForAtomic(va: 0x1008, size: 8, mmuIndex: 1, isWrite: false, readModifyWrite: true))
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]) & 0x7F, 0x4F, "permission fault, WnR")
        m.cpu.exceptionTaken = false
        XCTAssertNil(m.cpu.hostAddressForAtomic(va: 0x1008, size: 8, mmuIndex: 1, isWrite: true))
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]) & 0x7F, 0x4F)
    }

    func testDebugAccessesIgnorePermissions() {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        m.map(t, 0x1000, 0x4000_1000, Attr.kernel | Attr.ro)
        m.enableEL1(t)
        m.cpu.setEL(0)
        XCTAssertTrue(m.cpu.writeVirtual(0x1004, bytes: [1, 2, 3]))
        XCTAssertEqual(m.cpu.readVirtual(0x1004, count: 3), [1, 2, 3])
        XCTAssertNil(m.cpu.readVirtual(0x2000, count: 1))
        XCTAssertFalse(m.cpu.exceptionTaken)
    }

    // MARK: EL2 and EL3

    func testEL2AndEL3Regimes() {
        let m = WalkMachine(el2: true, el3: true)
        for el in [2, 3] {
            let t = m.tables(gbits: el == 2 ? 16 : 14, tsz: 25)
            m.map(t, 0x0001_0000, 0x4001_0000, Attr.normal | Attr.af | 1 << 6)   // AP[1] is ignored here
            m.map(t, 0x0002_0000, 0x4002_0000, Attr.normal | Attr.af | Attr.ro | Attr.uxn)   // XN (bit 54)
            m.map(t, 0x0100_0000, 0x4001_0000, Attr.normal | Attr.af | Attr.pxn)  // bit 53: RES0
            let tg0: UInt64 = el == 2 ? 1 : 2
            m.set("MAIR_EL\(el)", Attr.mair)
            m.set("TTBR0_EL\(el)", t.root)
            m.set("TCR_EL\(el)", 25 | tg0 << 14 | 5 << 16)                     // PS at 18:16
            m.set("SCTLR_EL\(el)", m.cpu.sysreg(SysRegTable.sctlr[el]) | 1)
            m.cpu.setEL(el)
            XCTAssertEqual(pa(m, 0x0001_0008, .write, el: el), 0x4001_0008)
            XCTAssertNotNil(pa(m, 0x0001_0008, .fetch, el: el))
            XCTAssertEqual(fault(m, 0x0002_0000, .write, el: el), .permissionL3)
            XCTAssertEqual(fault(m, 0x0002_0000, .fetch, el: el), .permissionL3)
            XCTAssertNotNil(pa(m, 0x0100_0000, .fetch, el: el))
            XCTAssertEqual(fault(m, 0xFFFF_FF80_0000_0000, el: el), .translationL0, "one VA range")
            XCTAssertEqual(lookup(m, 0x0001_0000, el: el)?.nonSecure, el == 2, "EL3 is Secure")
            // PS = 32 bits.
            m.set("TCR_EL\(el)", 25 | tg0 << 14)
            XCTAssertNotNil(pa(m, 0x0001_0008, el: el))
            m.map(t, 0x0003_0000, 0x1_0000_0000, Attr.normal | Attr.af)
            XCTAssertEqual(fault(m, 0x0003_0000, el: el), .addressSizeL3)
            // TBI (bit 20).
            XCTAssertEqual(fault(m, 0xAB00_0000_0001_0000, el: el), .translationL0)
            m.set("TCR_EL\(el)", 25 | tg0 << 14 | 1 << 20)
            XCTAssertEqual(pa(m, 0xAB00_0000_0001_0000, el: el), 0x4001_0000)
        }
        // EL1 still uses the EL1&0 regime (off): flat.
        m.cpu.setEL(1)
        XCTAssertEqual(pa(m, 0x0001_0008), 0x0001_0008)
    }

    func testHypervisorControls() {
        let m = WalkMachine(el2: true)
        let t = m.tables(gbits: 12, tsz: 25)
        m.map(t, 0x1000, 0x4000_1000)
        m.enableEL1(t)
        XCTAssertEqual(pa(m, 0x1000), 0x4000_1000)
        m.set("HCR_EL2", 1 << 27)                      // TGE: EL1&0 stage 1 off
        XCTAssertEqual(lookup(m, 0x1000, el: 0)?.pa, 0x1000)
        XCTAssertEqual(lookup(m, 0x1000, el: 0)?.device, true)
        // DC: stage 1 off with Normal memory, and stage 2 on (as if VM were 1):
        // VTCR_EL2.T0SZ = 0 is a level 0 stage 2 fault for the flat IPA.
        m.set("HCR_EL2", 1 << 12)
        guard case .failure(.stage2(let dc)) = m.cpu.lookup(0x1000, .read, el: 1) else {
            return XCTFail("DC: stage 2 should translate the IPA")
        }
        XCTAssertEqual(dc, Stage2Fault(status: .translationL0, ipa: 0x1000, s1ptw: false))
        XCTAssertEqual(try? m.cpu.lookup(0x1000, .read, el: 1, stage2Output: false).get().device, false)
        // VM: stage 1's first descriptor read is a stage 2 fault (S1PTW).
        m.set("HCR_EL2", 1)
        guard case .failure(.stage2(let f)) = m.cpu.lookup(0x1000, .read, el: 1) else {
            return XCTFail("stage 2 should translate the IPA")
        }
        XCTAssertEqual(f, Stage2Fault(status: .translationL0, ipa: t.root, s1ptw: true))
    }

    // MARK: AT

    func testAddressTranslateIntoPAR() {
        let m = WalkMachine(el2: true)
        let t = m.tables(gbits: 12, tsz: 25)
        m.map(t, 0x1000, 0x4000_1000, Attr.kernel)
        m.map(t, 0x2000, 0x4000_2000, Attr.kernel | Attr.ro | Attr.el0)
        m.map(t, 0x3000, 0x4000_3000, Attr.device | Attr.af | Attr.shInner)
        m.map(t, 0x4000, 0x4000_4000, Attr.nc | Attr.af | Attr.shInner)
        m.map(t, 0x5000, 0x4000_5000, Attr.kernel & ~Attr.af)
        let par = m.reg("PAR_EL1")
        func at(_ op: AddressTranslationOp, _ va: UInt64) -> UInt64? {
            m.cpu.setSysreg(par, 0xDEAD)
            return m.cpu.addressTranslate(op: op, va: va) ? m.cpu.sysreg(par) : nil
        }
        // MMU off: PA = VA, Device-nGnRnE, outer shareable; NS (Non-secure, no EL3).
        XCTAssertEqual(at(.s1e1r, 0x4008_1234), 0x4008_1000 | 1 << 11 | 1 << 9 | 2 << 7)
        m.enableEL1(t)
        XCTAssertEqual(at(.s1e1r, 0x1234), 0xFF << 56 | 0x4000_1000 | 1 << 11 | 1 << 9 | 3 << 7)
        XCTAssertEqual(at(.s1e1w, 0x1234), 0xFF << 56 | 0x4000_1000 | 1 << 11 | 1 << 9 | 3 << 7)
        XCTAssertEqual(at(.s1e0r, 0x1234), 1 | 0x0F << 1 | 1 << 11)
        XCTAssertEqual(at(.s1e0r, 0x2000), 0xFF << 56 | 0x4000_2000 | 1 << 11 | 1 << 9 | 3 << 7)
        XCTAssertEqual(at(.s1e0w, 0x2000), 1 | 0x0F << 1 | 1 << 11)
        XCTAssertEqual(at(.s1e1w, 0x2000), 1 | 0x0F << 1 | 1 << 11)
        XCTAssertEqual(at(.s1e1r, 0x3000), 0x4000_3000 | 1 << 11 | 1 << 9 | 2 << 7, "Device: SH = 0b10")
        XCTAssertEqual(at(.s1e1r, 0x4000), 0x44 << 56 | 0x4000_4000 | 1 << 11 | 1 << 9 | 2 << 7, "Normal NC: SH = 0b10")
        XCTAssertEqual(at(.s1e1r, 0x5000), 1 | 0x0B << 1 | 1 << 11)
        XCTAssertEqual(at(.s1e1r, 0x6000), 1 | 0x07 << 1 | 1 << 11)
        XCTAssertFalse(m.cpu.exceptionTaken)
        // Who may execute what.
        XCTAssertNil(at(.s1e2r, 0x1000), "EL2 operations are UNDEFINED at EL1")
        m.cpu.setEL(0)
        XCTAssertNil(at(.s1e1r, 0x1000))
        m.cpu.setEL(2)
        XCTAssertEqual(at(.s1e1r, 0x1234), 0xFF << 56 | 0x4000_1000 | 1 << 11 | 1 << 9 | 3 << 7, "EL1&0 from EL2")
        XCTAssertEqual(at(.s12e0r, 0x2000), 0xFF << 56 | 0x4000_2000 | 1 << 11 | 1 << 9 | 3 << 7)
        XCTAssertEqual(at(.s1e2r, 0x4008_0000), 0x4008_0000 | 1 << 11 | 1 << 9 | 2 << 7, "EL2 MMU off")
        XCTAssertNil(at(.s1e3r, 0x1000), "no EL3")
        // Decoding from the SYS fields.
        XCTAssertEqual(AddressTranslationOp(op1: 0, crm: 8, op2: 3), .s1e0w)
        XCTAssertEqual(AddressTranslationOp(op1: 4, crm: 8, op2: 6), .s12e0r)
        XCTAssertEqual(AddressTranslationOp(op1: 6, crm: 8, op2: 1), .s1e3w)
        XCTAssertNil(AddressTranslationOp(op1: 0, crm: 9, op2: 0), "S1E1RP (FEAT_PAN2) is not implemented")
    }

    func testMMUFaultsAreReportedWithTheirLevelAndVA() {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        m.map(t, 0x1000, 0x4000_1000, Attr.kernel & ~Attr.af)
        m.enableEL1(t)
        m.cpu.faultPC = 0x4000_0300
        _ = m.cpu.loadSlow(va: 0x0030_0008, size: 8, mmuIndex: 1)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]), 0x9600_0006 | 1 << 25)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.far[1]), 0x0030_0008)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.elr[1]), 0x4000_0300)
        m.cpu.setEL(1)
        m.cpu.storeSlow(va: 0x1010, size: 4, value: 0, mmuIndex: 1)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]), 0x9600_004B | 1 << 25)
        // From EL0: a lower-EL abort.
        m.cpu.setEL(0)
        _ = m.cpu.loadSlow(va: 0x1010, size: 4, mmuIndex: 0)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]), 0x9200_000B | 1 << 25)
        m.cpu.setEL(0)
        XCTAssertNil(m.cpu.translateCode(va: 0x7000))
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]), 0x8200_0007 | 1 << 25)
    }
}
