import XCTest
@testable import Machine

/// The softmmu slow paths (loadSlow/storeSlow, translateCode,
/// hostAddressForAtomic), their faults, and the TLB entries they fill.
final class SoftMMUTests: XCTestCase {
    let ram = TestMachine.ramBase
    let vbar = TestMachine.vbar
    /// ESR of a same-EL data abort (EC 0x25, IL 1) with this DFSC; WnR for writes.
    func dataAbortSame(_ dfsc: UInt64, write: Bool = false) -> UInt64 { 0x9600_0000 | dfsc | (write ? 0x40 : 0) }

    func testLoadSlowOnRAMReturnsLittleEndianValuesAndFillsTheTLB() throws {
        let m = TestMachine()
        let cpu = m.cpu
        m.writeRAM(ram + 0x2008, [1, 2, 3, 4, 5, 6, 7, 8])
        cpu.faultPC = 0x4000_0000
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x2008, size: 8, mmuIndex: 1), 0x0807_0605_0403_0201)
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x200C, size: 4, mmuIndex: 1), 0x0807_0605)
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x200E, size: 2, mmuIndex: 1), 0x0807)
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x200F, size: 1, mmuIndex: 1), 0x08)
        XCTAssertFalse(cpu.exceptionTaken)

        // The entry for the page: every tag is the page, the addend maps VA to host.
        let e = m.tlbEntry(va: ram + 0x2008, mmuIndex: 1)
        XCTAssertEqual(e.read, ram + 0x2000)
        XCTAssertEqual(e.write, ram + 0x2000)
        XCTAssertEqual(e.code, ram + 0x2000)
        let host = try XCTUnwrap(m.memory.hostPointer(pa: ram + 0x2008, length: 8))
        XCTAssertEqual((ram + 0x2008) &+ e.addend, UInt64(UInt(bitPattern: host)))
        // The fast path's compare: an aligned address of the page matches, an
        // unaligned one or another page does not.
        XCTAssertEqual((ram + 0x2FF8) & (TLB.pageMask | 7), e.read)
        XCTAssertNotEqual((ram + 0x2FF9) & (TLB.pageMask | 7), e.read)
        XCTAssertNotEqual((ram + 0x3000) & (TLB.pageMask | 7), e.read)
        // Other MMU indexes are untouched.
        XCTAssertEqual(m.tlbEntry(va: ram + 0x2008, mmuIndex: 0).read, TLB.invalidTag)
        XCTAssertEqual(m.tlbEntry(va: ram + 0x2008, mmuIndex: 2).read, TLB.invalidTag)

        // A flush empties it and is counted.
        let flushes = cpu.tlbFlushCount
        cpu.flushTLB()
        XCTAssertEqual(cpu.tlbFlushCount, flushes + 1)
        XCTAssertEqual(m.tlbEntry(va: ram + 0x2008, mmuIndex: 1).read, TLB.invalidTag)
    }

    func testStoreSlowOnRAMWritesOnlyItsBytes() {
        let m = TestMachine()
        let cpu = m.cpu
        m.writeRAM(ram + 0x3010, [UInt8](repeating: 0xFF, count: 16))
        cpu.storeSlow(va: ram + 0x3014, size: 4, value: 0xAABB_CCDD_1122_3344, mmuIndex: 1)
        XCTAssertEqual(m.readRAM(ram + 0x3010, 12), [0xFF, 0xFF, 0xFF, 0xFF, 0x44, 0x33, 0x22, 0x11, 0xFF, 0xFF, 0xFF, 0xFF])
        cpu.storeSlow(va: ram + 0x3018, size: 8, value: 0x0102_0304_0506_0708, mmuIndex: 1)
        XCTAssertEqual(m.readRAM(ram + 0x3018, 8), [8, 7, 6, 5, 4, 3, 2, 1])
        cpu.storeSlow(va: ram + 0x3011, size: 1, value: 0x1FF, mmuIndex: 1)
        cpu.storeSlow(va: ram + 0x3012, size: 2, value: 0x5A5A_0000, mmuIndex: 1)
        XCTAssertEqual(m.readRAM(ram + 0x3010, 4), [0xFF, 0xFF, 0x00, 0x00])
        XCTAssertFalse(cpu.exceptionTaken)
        let e = m.tlbEntry(va: ram + 0x3000, mmuIndex: 1)
        XCTAssertEqual(e.write, ram + 0x3000, "a store fills the entry too")
    }

    func testROMIsReadOnlyForTheGuest() {
        let m = TestMachine()
        let cpu = m.cpu
        XCTAssertTrue([UInt8](arrayLiteral: 0x11, 0x22, 0x33, 0x44).withUnsafeBytes { m.memory.writePhysical(pa: 0x100, bytes: $0) })
        XCTAssertEqual(cpu.loadSlow(va: 0x100, size: 4, mmuIndex: 1), 0x4433_2211)
        cpu.storeSlow(va: 0x100, size: 4, value: 0, mmuIndex: 1)
        XCTAssertFalse(cpu.exceptionTaken, "a write to ROM is ignored, not a fault")
        XCTAssertEqual(m.readRAM(0x100, 4), [0x11, 0x22, 0x33, 0x44])
        let e = m.tlbEntry(va: 0x100, mmuIndex: 1)
        XCTAssertEqual(e.read, 0)
        XCTAssertEqual(e.write, TLB.invalidTag, "ROM writes always take the slow path")
    }

    func testCodePagesForceSlowStoresAndReportWrites() {
        let m = TestMachine()
        let cpu = m.cpu
        var reported: [[UInt64]] = []
        m.memory.onCodeWrite = { reported.append([$0, $1]) }
        let page = ram + 0x5000
        m.memory.markCode(pa: page + 0x10, length: 4)
        _ = cpu.loadSlow(va: page + 8, size: 8, mmuIndex: 1)
        let e = m.tlbEntry(va: page, mmuIndex: 1)
        XCTAssertEqual(e.read, page)
        XCTAssertEqual(e.write, page | TLB.flagCode, "writes to a code page miss the fast path")
        XCTAssertNotEqual(e.write, (page + 8) & (TLB.pageMask | 7))
        cpu.storeSlow(va: page + 0x10, size: 4, value: 0xD503_201F, mmuIndex: 1)
        XCTAssertEqual(reported, [[page + 0x10, 4]])
        XCTAssertEqual(m.readRAM(page + 0x10, 4), [0x1F, 0x20, 0x03, 0xD5])
        // Data beside the code: written, nothing reported.
        cpu.storeSlow(va: page + 0x18, size: 8, value: 0x0102_0304_0506_0708, mmuIndex: 1)
        XCTAssertEqual(m.readRAM(page + 0x18, 2), [0x08, 0x07])
        XCTAssertEqual(reported.count, 1)
        // The page keeps its code flag when refilled: its words say what is code.
        _ = cpu.loadSlow(va: page, size: 8, mmuIndex: 1)
        XCTAssertEqual(m.tlbEntry(va: page, mmuIndex: 1).write, page | TLB.flagCode)
    }

    func testProtectingACodePageFlagsOnlyItsWriteEntries() {
        for fills in [3, 100] {   // the fill log knows the entries / it overflowed
            let m = TestMachine()
            let cpu = m.cpu
            cpu.flushTLB()
            let code = ram + 0x5000
            for k in 0..<UInt64(fills) { _ = cpu.loadSlow(va: ram + 0x2_0000 + k * 0x1000, size: 8, mmuIndex: 1) }
            _ = cpu.loadSlow(va: code, size: 8, mmuIndex: 1)
            _ = cpu.loadSlow(va: ram + 0x6000, size: 8, mmuIndex: 1)
            XCTAssertEqual(m.tlbEntry(va: code, mmuIndex: 1).write, code)
            let flushes = cpu.tlbFlushCount
            var reported: [[UInt64]] = []
            m.memory.onCodeWrite = { reported.append([$0, $1]) }
            m.memory.markCode(pa: code + 0x20, length: 4)
            cpu.protectCodePage(code)
            XCTAssertEqual(m.tlbEntry(va: code, mmuIndex: 1).write, code | TLB.flagCode, "\(fills) fills")
            XCTAssertEqual(m.tlbEntry(va: code, mmuIndex: 1).read, code, "reads keep the fast path")
            XCTAssertEqual(m.tlbEntry(va: ram + 0x6000, mmuIndex: 1).write, ram + 0x6000, "other pages keep theirs")
            XCTAssertEqual(m.tlbEntry(va: ram + 0x2_0000, mmuIndex: 1).write, ram + 0x2_0000)
            XCTAssertEqual(cpu.tlbFlushCount, flushes, "no flush")
            cpu.storeSlow(va: code + 0x20, size: 4, value: 0xD503_201F, mmuIndex: 1)
            XCTAssertEqual(reported, [[code + 0x20, 4]])
        }
    }

    func testMMIOGoesToTheDeviceEveryTime() {
        let m = TestMachine()
        let cpu = m.cpu
        let dev = TestMachine.devBase
        XCTAssertEqual(cpu.loadSlow(va: dev + 0x10, size: 4, mmuIndex: 1), FakeDevice.readValue(offset: 0x10, size: 4))
        XCTAssertEqual(cpu.loadSlow(va: dev + 0x10, size: 4, mmuIndex: 1), FakeDevice.readValue(offset: 0x10, size: 4))
        XCTAssertEqual(cpu.loadSlow(va: dev + 0x18, size: 8, mmuIndex: 1), FakeDevice.readValue(offset: 0x18, size: 8))
        XCTAssertEqual(cpu.loadSlow(va: dev + 0x21, size: 1, mmuIndex: 1), FakeDevice.readValue(offset: 0x21, size: 1))
        cpu.storeSlow(va: dev + 0x30, size: 2, value: 0xBEEF, mmuIndex: 1)
        XCTAssertFalse(cpu.exceptionTaken)
        XCTAssertEqual(m.device.accesses, [
            .init(write: false, offset: 0x10, size: 4, value: FakeDevice.readValue(offset: 0x10, size: 4)),
            .init(write: false, offset: 0x10, size: 4, value: FakeDevice.readValue(offset: 0x10, size: 4)),
            .init(write: false, offset: 0x18, size: 8, value: FakeDevice.readValue(offset: 0x18, size: 8)),
            .init(write: false, offset: 0x21, size: 1, value: FakeDevice.readValue(offset: 0x21, size: 1)),
            .init(write: true, offset: 0x30, size: 2, value: 0xBEEF),
        ])
        // No TLB entry for a device page: every access takes the slow path.
        XCTAssertEqual(m.tlbEntry(va: dev, mmuIndex: 1).read, TLB.invalidTag)
        XCTAssertEqual(m.tlbEntry(va: dev, mmuIndex: 1).write, TLB.invalidTag)
        // An unaligned device access faults before reaching the device.
        _ = cpu.loadSlow(va: dev + 0x12, size: 4, mmuIndex: 1)
        XCTAssertTrue(cpu.exceptionTaken)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x21))
        XCTAssertEqual(m.device.accesses.count, 5)
    }

    func testUnmappedAccessIsASynchronousExternalAbort() {
        let m = TestMachine()
        let cpu = m.cpu
        cpu.faultPC = 0x4000_1234
        XCTAssertEqual(cpu.loadSlow(va: 0x8000_0008, size: 8, mmuIndex: 1), 0)
        XCTAssertTrue(cpu.exceptionTaken)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x10))
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), 0x8000_0008)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x4000_1234)
        XCTAssertEqual(cpu.pc, vbar + 0x200)
        XCTAssertEqual(cpu.el, 1)

        cpu.exceptionTaken = false
        cpu.faultPC = 0x4000_2000
        cpu.storeSlow(va: 0x8000_0010, size: 4, value: 1, mmuIndex: 1)
        XCTAssertTrue(cpu.exceptionTaken)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x10, write: true))
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), 0x8000_0010)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x4000_2000)

        // From EL0: a lower-EL data abort (EC 0x24) at vector +0x400.
        cpu.setEL(0)
        cpu.faultPC = 0x4000_3000
        _ = cpu.loadSlow(va: 0x8000_0000, size: 1, mmuIndex: 0)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x9200_0010)
        XCTAssertEqual(cpu.pc, vbar + 0x400)

        // The first byte past the end of RAM: external abort too.
        cpu.faultPC = 0x4000_4000
        _ = cpu.loadSlow(va: ram + TestMachine.ramSize, size: 4, mmuIndex: 1)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x10))
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), ram + TestMachine.ramSize)
    }

    func testAddressAboveThePARangeIsAnAddressSizeFault() {
        let m = TestMachine()
        let cpu = m.cpu
        _ = cpu.loadSlow(va: 1 << 48, size: 8, mmuIndex: 1)
        XCTAssertTrue(cpu.exceptionTaken)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x00))
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), 1 << 48)
    }

    func testUnalignedAccessWithTheMMUOffIsAnAlignmentFault() {
        let m = TestMachine()
        let cpu = m.cpu
        m.writeRAM(ram + 0x2000, [UInt8](0..<16))
        for (va, size) in [(ram + 0x2001, 4), (ram + 0x2002, 8), (ram + 0x2001, 2), (ram + 0x2004, 8)] as [(UInt64, Int)] {
            cpu.exceptionTaken = false
            cpu.faultPC = 0x4000_0040
            XCTAssertEqual(cpu.loadSlow(va: va, size: size, mmuIndex: 1), 0)
            XCTAssertTrue(cpu.exceptionTaken)
            XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x21), "\(size) bytes at \(hex(va))")
            XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), va)
            XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), 0x4000_0040)
        }
        cpu.storeSlow(va: ram + 0x2003, size: 2, value: 0xFFFF, mmuIndex: 1)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x21, write: true))
        XCTAssertEqual(m.readRAM(ram + 0x2000, 16), [UInt8](0..<16), "a faulting store writes nothing")
        // An unaligned access does not fill the TLB.
        XCTAssertEqual(m.tlbEntry(va: ram + 0x2000, mmuIndex: 1).read, TLB.invalidTag)
        // alignmentRequired on an aligned access is fine.
        cpu.exceptionTaken = false
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x2004, size: 4, mmuIndex: 1, flags: .alignmentRequired), 0x0706_0504)
        XCTAssertFalse(cpu.exceptionTaken)
    }

    /// `AccessFlags.alignment`: the alignment an access is checked against
    /// when it is not its size (a Q register's first doubleword: 16; an 8-byte
    /// part of a structure load: the element size), on Device memory.
    func testAlignmentOtherThanTheAccessSize() {
        let m = TestMachine()
        let cpu = m.cpu
        m.writeRAM(ram + 0x2000, [UInt8](0..<32))
        cpu.faultPC = 0x4000_0040
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x2008, size: 8, mmuIndex: 1, flags: .alignment(bytes: 16)), 0)
        XCTAssertTrue(cpu.exceptionTaken)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x21))
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), ram + 0x2008)
        cpu.exceptionTaken = false
        cpu.storeSlow(va: ram + 0x2018, size: 8, value: ~0, mmuIndex: 1, flags: .alignment(bytes: 16))
        XCTAssertTrue(cpu.exceptionTaken)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x21, write: true))
        XCTAssertEqual(m.readRAM(ram + 0x2000, 32), [UInt8](0..<32), "a faulting store writes nothing")
        // Aligned to 16, or unaligned to 8 but aligned to the element: done.
        cpu.exceptionTaken = false
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x2010, size: 8, mmuIndex: 1, flags: .alignment(bytes: 16)),
                       0x1716_1514_1312_1110)
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x2004, size: 8, mmuIndex: 1, flags: .alignment(bytes: 4)),
                       0x0B0A_0908_0706_0504)
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x2003, size: 8, mmuIndex: 1, flags: .alignment(bytes: 1)),
                       0x0A09_0807_0605_0403)
        cpu.storeSlow(va: ram + 0x2002, size: 8, value: 0xA1A2_A3A4_A5A6_A7A8, mmuIndex: 1, flags: .alignment(bytes: 2))
        XCTAssertFalse(cpu.exceptionTaken)
        XCTAssertEqual(m.readRAM(ram + 0x2000, 12), [0, 1, 0xA8, 0xA7, 0xA6, 0xA5, 0xA4, 0xA3, 0xA2, 0xA1, 10, 11])
        // Unaligned to the element: the fault is at the access's address.
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x2006, size: 8, mmuIndex: 1, flags: .alignment(bytes: 4)), 0)
        XCTAssertTrue(cpu.exceptionTaken)
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), ram + 0x2006)
    }

    /// With the MMU off every data access is Device memory, so an access that
    /// crosses a page (necessarily unaligned) is an alignment fault at its own
    /// address, and a store writes neither page. (The byte-wise page-crossing
    /// path of `access` is reachable only with stage 1 translation, which is
    /// not implemented yet.)
    func testPageCrossingAccessWithTheMMUOff() {
        let m = TestMachine()
        let cpu = m.cpu
        m.writeRAM(ram + 0x2FF8, [UInt8](1...16))
        cpu.faultPC = 0x4000_0080
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x2FFC, size: 8, mmuIndex: 1), 0)
        XCTAssertTrue(cpu.exceptionTaken)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x21))
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), ram + 0x2FFC)
        cpu.storeSlow(va: ram + 0x2FFE, size: 4, value: 0, mmuIndex: 1)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x21, write: true))
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), ram + 0x2FFE)
        XCTAssertEqual(m.readRAM(ram + 0x2FF8, 16), [UInt8](1...16))
        // Aligned accesses on either side of the boundary are fine.
        cpu.exceptionTaken = false
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x2FF8, size: 8, mmuIndex: 1), 0x0807_0605_0403_0201)
        XCTAssertEqual(cpu.loadSlow(va: ram + 0x3000, size: 8, mmuIndex: 1), 0x100F_0E0D_0C0B_0A09)
        XCTAssertFalse(cpu.exceptionTaken)
    }

    func testTranslateCode() throws {
        let m = TestMachine()
        let cpu = m.cpu
        m.writeRAM(ram + 0x8004, [0x1F, 0x20, 0x03, 0xD5])
        let (pa, host) = try XCTUnwrap(cpu.translateCode(va: ram + 0x8004))
        XCTAssertEqual(pa, ram + 0x8004)
        XCTAssertEqual(host.load(as: UInt32.self), 0xD503_201F)
        XCTAssertEqual(m.tlbEntry(va: ram + 0x8000, mmuIndex: 1).code, ram + 0x8000)
        // Now a hit: same answer for another word of the page.
        let again = try XCTUnwrap(cpu.translateCode(va: ram + 0x8000))
        XCTAssertEqual(again.pa, ram + 0x8000)
        XCTAssertEqual(again.host + 4, host)
        // Fetches from ROM work.
        XCTAssertEqual(try XCTUnwrap(cpu.translateCode(va: 0x40)).pa, 0x40)
        XCTAssertFalse(cpu.exceptionTaken)
        // From a device or from nowhere: instruction abort, external (IFSC 0x10).
        XCTAssertNil(cpu.translateCode(va: TestMachine.devBase))
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x8600_0010)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[1]), TestMachine.devBase)
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[1]), TestMachine.devBase)
        XCTAssertEqual(cpu.pc, vbar + 0x200)
        cpu.setEL(0)
        XCTAssertNil(cpu.translateCode(va: 0x7000_0000))
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), 0x8200_0010, "from EL0: lower-EL instruction abort")
        XCTAssertEqual(m.system.lastFetchOutsideMemory, 0x7000_0000)
        XCTAssertNil(m.system.fatalMessage)
    }

    func testHostAddressForAtomics() throws {
        let m = TestMachine()
        let cpu = m.cpu
        var reported: [[UInt64]] = []
        m.memory.onCodeWrite = { reported.append([$0, $1]) }
        let p = try XCTUnwrap(cpu.hostAddressForAtomic(va: ram + 0x4010, size: 8, mmuIndex: 1, isWrite: true))
        XCTAssertEqual(p, m.memory.hostPointer(pa: ram + 0x4010, length: 8))
        // Unaligned: alignment fault even where plain accesses could be unaligned.
        XCTAssertNil(cpu.hostAddressForAtomic(va: ram + 0x4014, size: 8, mmuIndex: 1, isWrite: true))
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x21, write: true))
        // Device memory: unsupported exclusive or atomic (0x35); nothing: external abort.
        XCTAssertNil(cpu.hostAddressForAtomic(va: TestMachine.devBase, size: 4, mmuIndex: 1, isWrite: false))
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x35))
        XCTAssertTrue(m.device.accesses.isEmpty)
        XCTAssertNil(cpu.hostAddressForAtomic(va: 0x8000_0000, size: 4, mmuIndex: 1, isWrite: false))
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x10))
        // ROM is not writable RAM either.
        XCTAssertNil(cpu.hostAddressForAtomic(va: 0x100, size: 4, mmuIndex: 1, isWrite: true))
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[1]), dataAbortSame(0x35, write: true))
        // An atomic write to translated code reports it; a load-exclusive does not.
        m.memory.markCode(pa: ram + 0x6008, length: 4)
        XCTAssertNotNil(cpu.hostAddressForAtomic(va: ram + 0x6008, size: 4, mmuIndex: 1, isWrite: false))
        XCTAssertEqual(reported, [])
        XCTAssertNotNil(cpu.hostAddressForAtomic(va: ram + 0x6008, size: 4, mmuIndex: 1, isWrite: true))
        XCTAssertEqual(reported, [[ram + 0x6008, 4]])
        XCTAssertNotNil(cpu.hostAddressForAtomic(va: ram + 0x6008, size: 4, mmuIndex: 1, isWrite: false,
                                                 readModifyWrite: true))
        XCTAssertEqual(reported.count, 2, "a read-modify-write writes")
    }

    func testReadAndWriteVirtual() {
        let m = TestMachine()
        let cpu = m.cpu
        var reported: [[UInt64]] = []
        m.memory.onCodeWrite = { reported.append([$0, $1]) }
        // Across a page boundary, unaligned: no faults on this path.
        let bytes = [UInt8](0x10..<0x30)
        XCTAssertTrue(cpu.writeVirtual(ram + 0x6FF3, bytes: bytes))
        XCTAssertEqual(m.readRAM(ram + 0x6FF3, bytes.count), bytes)
        XCTAssertEqual(cpu.readVirtual(ram + 0x6FF3, count: bytes.count), bytes)
        XCTAssertEqual(cpu.readVirtual(ram + 0x7000, count: 3), [0x1D, 0x1E, 0x1F])
        XCTAssertEqual(cpu.readVirtual(ram, count: 0), [])
        XCTAssertFalse(cpu.exceptionTaken)
        // Outside RAM, or partly outside: nil / false, and no exception.
        XCTAssertNil(cpu.readVirtual(0x8000_0000, count: 4))
        XCTAssertNil(cpu.readVirtual(ram + TestMachine.ramSize - 2, count: 4))
        XCTAssertNil(cpu.readVirtual(TestMachine.devBase, count: 4))
        XCTAssertTrue(m.device.accesses.isEmpty, "debugger reads have no device side effects")
        XCTAssertFalse(cpu.writeVirtual(0x8000_0000, bytes: [1]))
        XCTAssertFalse(cpu.writeVirtual(1 << 48, bytes: [1]))
        XCTAssertFalse(cpu.exceptionTaken)
        // Writes to code pages invalidate them.
        m.memory.markCode(pa: ram + 0x9004, length: 4)
        XCTAssertTrue(cpu.writeVirtual(ram + 0x9004, bytes: [0, 0, 0, 0]))
        XCTAssertEqual(reported, [[ram + 0x9004, 4]])
    }
}
