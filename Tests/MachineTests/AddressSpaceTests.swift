import XCTest
@testable import Machine

/// The physical address space: regions, loader access, code pages.
final class AddressSpaceTests: XCTestCase {
    func testOverlappingRegionsAreRejected() throws {
        let a = AddressSpace()
        try a.addRAM(name: "low", base: 0x1000, size: 0x2000)
        // Overlaps at either end, inside, and around.
        for (base, size) in [(0x0, 0x1001), (0x2FFF, 0x10), (0x1800, 0x100), (0x0, 0x10000)] as [(UInt64, UInt64)] {
            XCTAssertThrowsError(try a.addRAM(name: "bad", base: base, size: size)) { error in
                guard case MachineError.overlappingRegion(let new, let old) = error else {
                    return XCTFail("unexpected error \(error)")
                }
                XCTAssertEqual(new, "bad")
                XCTAssertEqual(old, "low")
            }
            XCTAssertThrowsError(try a.addDevice(FakeDevice(), base: base, size: size))
        }
        // Adjacent regions are fine, and the list stays sorted by base.
        try a.addROM(name: "below", base: 0x0, size: 0x1000)
        try a.addDevice(FakeDevice(), base: 0x3000, size: 0x1000)
        XCTAssertEqual(a.regions.map(\.name), ["below", "low", "fake"])
        XCTAssertEqual(a.region(containing: 0xFFF)?.name, "below")
        XCTAssertEqual(a.region(containing: 0x1000)?.name, "low")
        XCTAssertEqual(a.region(containing: 0x2FFF)?.name, "low")
        XCTAssertEqual(a.region(containing: 0x3FFF)?.name, "fake")
        XCTAssertNil(a.region(containing: 0x4000))
        XCTAssertTrue(a.region(containing: 0x1000)!.isRAM)
        XCTAssertFalse(a.region(containing: 0x0)!.isRAM)
    }

    func testWriteFillAndReadPhysical() throws {
        let m = TestMachine()
        let mem = m.memory
        let base = TestMachine.ramBase
        // RAM starts zeroed.
        XCTAssertEqual(mem.readPhysical(pa: base + 0x100, count: 4), [0, 0, 0, 0])
        m.writeRAM(base + 0x100, [1, 2, 3, 4, 5])
        XCTAssertEqual(mem.readPhysical(pa: base + 0xFF, count: 7), [0, 1, 2, 3, 4, 5, 0])
        XCTAssertTrue(mem.fillPhysical(pa: base + 0x102, byte: 0xEE, count: 2))
        XCTAssertEqual(mem.readPhysical(pa: base + 0x100, count: 5), [1, 2, 0xEE, 0xEE, 5])
        // The last bytes of RAM, and one byte past the end.
        let end = base + TestMachine.ramSize
        m.writeRAM(end - 2, [0xAA, 0xBB])
        XCTAssertEqual(mem.readPhysical(pa: end - 2, count: 2), [0xAA, 0xBB])
        XCTAssertFalse([UInt8](repeating: 1, count: 3).withUnsafeBytes { mem.writePhysical(pa: end - 2, bytes: $0) })
        XCTAssertEqual(mem.readPhysical(pa: end - 2, count: 2), [0xAA, 0xBB], "a refused write writes nothing")
        XCTAssertNil(mem.readPhysical(pa: end - 2, count: 3))
        XCTAssertFalse(mem.fillPhysical(pa: end - 1, byte: 0, count: 2))
        // Unmapped and MMIO: no host memory.
        XCTAssertNil(mem.readPhysical(pa: 0x8000_0000, count: 1))
        XCTAssertNil(mem.readPhysical(pa: TestMachine.devBase, count: 4))
        XCTAssertFalse([UInt8(1)].withUnsafeBytes { mem.writePhysical(pa: TestMachine.devBase, bytes: $0) })
        XCTAssertTrue(m.device.accesses.isEmpty, "loader access never reaches a device")
        // Loaders may write ROM.
        XCTAssertTrue([UInt8(0x5A)].withUnsafeBytes { mem.writePhysical(pa: TestMachine.romBase + 8, bytes: $0) })
        XCTAssertEqual(mem.readPhysical(pa: TestMachine.romBase + 8, count: 1), [0x5A])
        // Zero-length writes succeed anywhere.
        XCTAssertTrue(mem.fillPhysical(pa: 0x8000_0000, byte: 0, count: 0))
        // hostPointer covers exactly the region.
        XCTAssertNotNil(mem.hostPointer(pa: base, length: TestMachine.ramSize))
        XCTAssertNil(mem.hostPointer(pa: base, length: TestMachine.ramSize + 1))
    }

    func testWritesAreReportedOnlyWhereTheyTouchTranslatedWords() throws {
        let m = TestMachine()
        let mem = m.memory
        let page = TestMachine.ramBase + 0x3000
        var reported: [[UInt64]] = []
        mem.onCodeWrite = { reported.append([$0, $1]) }
        let r = try XCTUnwrap(mem.region(containing: page))
        XCTAssertFalse(mem.isCodePage(r, pa: page))
        XCTAssertTrue(mem.markCode(pa: page + 0x120, length: 8), "first code in the page")
        XCTAssertFalse(mem.markCode(pa: page + 0x200, length: 4), "the page is already a code page")
        XCTAssertTrue(mem.isCodePage(r, pa: page))
        XCTAssertTrue(mem.isCodePage(r, pa: page + 0xFFF))
        XCTAssertFalse(mem.isCodePage(r, pa: page + 0x1000))
        XCTAssertFalse(mem.isCodePage(r, pa: page - 1))

        // Writes to another page, or beside the code in this one: nothing.
        m.writeRAM(page + 0x1000, [1])
        m.writeRAM(page + 0x800, [1, 2, 3, 4, 5, 6, 7, 8])
        m.writeRAM(page + 0x11C, [1, 2, 3, 4])
        m.writeRAM(page + 0x128, [1, 2, 3, 4])
        m.writeRAM(page + 0x204, [1])
        XCTAssertEqual(reported, [])
        // Writes touching a translated word: reported with exactly their bytes;
        // the page stays a code page.
        m.writeRAM(page + 0x125, [9])
        XCTAssertEqual(reported, [[page + 0x125, 1]])
        m.writeRAM(page + 0x11E, [9, 9, 9, 9])
        XCTAssertEqual(reported.last, [page + 0x11E, 4])
        m.writeRAM(page + 0x203, [9, 9])
        XCTAssertEqual(reported.last, [page + 0x203, 2])
        XCTAssertEqual(reported.count, 3)
        XCTAssertTrue(mem.isCodePage(r, pa: page))
        // Cleared: writes there report nothing until marked again.
        mem.clearCodeWords(pagePA: page + 0x800)
        m.writeRAM(page + 0x120, [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(reported.count, 3)
        mem.markCode(pa: page + 0x120, length: 4)
        m.writeRAM(page + 0x124, [1, 2, 3, 4])
        XCTAssertEqual(reported.count, 3)
        m.writeRAM(page + 0x123, [1])
        XCTAssertEqual(reported.last, [page + 0x123, 1])

        // A write spanning two pages reports each page's part; fill goes the same way.
        reported = []
        mem.markCode(pa: page + 0xFFC, length: 4)
        XCTAssertTrue(mem.markCode(pa: page + 0x1000, length: 4))
        m.writeRAM(page + 0xFFE, [9, 9, 9, 9])
        XCTAssertEqual(reported, [[page + 0xFFE, 2], [page + 0x1000, 2]])
        XCTAssertTrue(mem.fillPhysical(pa: page + 0xFF0, byte: 0, count: 0x20))
        XCTAssertEqual(reported.suffix(2), [[page + 0xFF0, 0x10], [page + 0x1000, 0x10]])
        // A write that ends just before the code touches nothing.
        mem.noteWrite(pa: page + 0xFF8, length: 4)
        XCTAssertEqual(reported.count, 4)

        // A whole page of code: every word is tracked (the bitmap's last word too).
        let full = TestMachine.ramBase + 0x7000
        mem.markCode(pa: full, length: 0x1000)
        mem.noteWrite(pa: full + 0xFFF, length: 1)
        XCTAssertEqual(reported.last, [full + 0xFFF, 1])
        mem.clearCodeWords(pagePA: full)
        mem.noteWrite(pa: full, length: 0x1000)
        XCTAssertEqual(reported.count, 5)

        // MMIO pages can't be code; marking them is ignored.
        XCTAssertFalse(mem.markCode(pa: TestMachine.devBase, length: 4))
        let dev = try XCTUnwrap(mem.region(containing: TestMachine.devBase))
        XCTAssertFalse(mem.isCodePage(dev, pa: TestMachine.devBase))
    }
}
