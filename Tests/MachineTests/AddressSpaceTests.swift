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

    func testCodePagesAreReportedOnceOnWrite() throws {
        let m = TestMachine()
        let mem = m.memory
        let page = TestMachine.ramBase + 0x3000
        var reported: [UInt64] = []
        mem.onCodePageWrite = { reported.append($0) }
        let r = try XCTUnwrap(mem.region(containing: page))
        XCTAssertFalse(mem.isCodePage(r, pa: page))
        mem.markCodePage(pa: page + 0x123)
        XCTAssertTrue(mem.isCodePage(r, pa: page))
        XCTAssertTrue(mem.isCodePage(r, pa: page + 0xFFF))
        XCTAssertFalse(mem.isCodePage(r, pa: page + 0x1000))
        XCTAssertFalse(mem.isCodePage(r, pa: page - 1))

        // A write to another page: nothing.
        m.writeRAM(page + 0x1000, [1])
        XCTAssertEqual(reported, [])
        // A write into the page: reported with the page address, the mark dropped.
        m.writeRAM(page + 0x800, [1, 2, 3, 4])
        XCTAssertEqual(reported, [page])
        XCTAssertFalse(mem.isCodePage(r, pa: page))
        m.writeRAM(page + 0x800, [5])
        XCTAssertEqual(reported, [page], "reported once until marked again")

        // A write spanning two code pages reports both; fill goes the same way.
        mem.markCodePage(pa: page)
        mem.markCodePage(pa: page + 0x1000)
        m.writeRAM(page + 0xFFE, [9, 9, 9, 9])
        XCTAssertEqual(reported, [page, page, page + 0x1000])
        mem.markCodePage(pa: page)
        XCTAssertTrue(mem.fillPhysical(pa: page, byte: 0, count: 1))
        XCTAssertEqual(reported.last, page)
        XCTAssertEqual(reported.count, 4)
        // noteWrite with a length that ends exactly at the page start touches only the first.
        mem.markCodePage(pa: page + 0x1000)
        mem.noteWrite(pa: page + 0xFFC, length: 4)
        XCTAssertEqual(reported.count, 4)

        // MMIO pages can't be code; marking them is ignored.
        mem.markCodePage(pa: TestMachine.devBase)
        let dev = try XCTUnwrap(mem.region(containing: TestMachine.devBase))
        XCTAssertFalse(mem.isCodePage(dev, pa: TestMachine.devBase))
    }
}
