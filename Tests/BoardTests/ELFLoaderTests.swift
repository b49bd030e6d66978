import XCTest
import Machine
import ELF
@testable import Board

/// Builds small ELF64 files for the tests.
struct ELFBuilder {
    struct Segment {
        var type: UInt32 = 1   // PT_LOAD
        var flags: UInt32 = 5  // R X
        var vaddr: UInt64
        var paddr: UInt64
        var data: [UInt8]
        var memsz: UInt64
    }
    var elfClass: UInt8 = 2
    var dataEncoding: UInt8 = 1
    var type: UInt16 = 2
    var machine: UInt16 = 183
    var entry: UInt64 = 0x4008_0000
    var segments: [Segment] = []

    mutating func load(_ addr: UInt64, _ data: [UInt8], memsz: UInt64? = nil, paddr: UInt64? = nil) {
        segments.append(Segment(vaddr: addr, paddr: paddr ?? addr, data: data, memsz: memsz ?? UInt64(data.count)))
    }

    func build() -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 64)
        func put16(_ o: Int, _ v: UInt16) { for i in 0..<2 { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt16(i))) } }
        func put32(_ o: Int, _ v: UInt32) { for i in 0..<4 { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) } }
        func put64(_ o: Int, _ v: UInt64) { for i in 0..<8 { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
        b[0] = 0x7F; b[1] = 0x45; b[2] = 0x4C; b[3] = 0x46
        b[4] = elfClass; b[5] = dataEncoding; b[6] = 1
        put16(16, type); put16(18, machine); put32(20, 1)
        put64(24, entry); put64(32, 64)
        put16(52, 64); put16(54, 56); put16(56, UInt16(segments.count))
        b += [UInt8](repeating: 0, count: 56 * segments.count)
        var offset = UInt64(b.count)
        for (i, s) in segments.enumerated() {
            let h = 64 + 56 * i
            put32(h, s.type); put32(h + 4, s.flags)
            put64(h + 8, offset); put64(h + 16, s.vaddr); put64(h + 24, s.paddr)
            put64(h + 32, UInt64(s.data.count)); put64(h + 40, s.memsz); put64(h + 48, 8)
            offset += UInt64(s.data.count)
        }
        for s in segments { b += s.data }
        return b
    }
}

final class ELFLoaderTests: XCTestCase {
    var memory: AddressSpace!

    override func setUpWithError() throws {
        memory = AddressSpace()
        try memory.addROM(name: "flash", base: 0, size: 0x0800_0000)
        try memory.addRAM(name: "ram", base: 0x4000_0000, size: 0x0100_0000)
    }

    func load(_ e: ELFBuilder, name: String = "t.elf") throws -> LoadedImage {
        try ELFLoader.load(bytes: e.build(), name: name, into: memory)
    }

    func assertError(_ bytes: [UInt8], _ kind: ELFLoadError.Kind, contains text: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ELFLoader.load(bytes: bytes, name: "bad.elf", into: memory), file: file, line: line) { error in
            guard let e = error as? ELFLoadError else { return XCTFail("not an ELFLoadError: \(error)", file: file, line: line) }
            XCTAssertEqual(e.kind, kind, file: file, line: line)
            XCTAssertTrue(e.description.hasPrefix("bad.elf: "), e.description, file: file, line: line)
            XCTAssertTrue(e.description.contains(text), e.description, file: file, line: line)
            XCTAssertFalse(e.description.contains("\n"), file: file, line: line)
        }
    }

    // MARK: Loading

    func testLoadsSegmentsAndZeroFillsBSS() throws {
        // Dirty the bss area first: the loader must zero it.
        _ = memory.fillPhysical(pa: 0x4008_1000, byte: 0xAA, count: 0x100)
        var e = ELFBuilder()
        e.load(0x4008_0000, [1, 2, 3, 4])
        e.load(0x4008_1000, [5, 6], memsz: 0x100)
        let img = try load(e)
        XCTAssertEqual(img.entry, 0x4008_0000)
        XCTAssertEqual(img.segments.count, 2)
        XCTAssertEqual(memory.readPhysical(pa: 0x4008_0000, count: 4), [1, 2, 3, 4])
        XCTAssertEqual(memory.readPhysical(pa: 0x4008_1000, count: 4), [5, 6, 0, 0])
        XCTAssertEqual(memory.readPhysical(pa: 0x4008_10FF, count: 1), [0])
        XCTAssertEqual(img.lowAddress, 0x4008_0000)
        XCTAssertEqual(img.highAddress, 0x4008_1100)
    }

    func testLoadsIntoROM() throws {
        var e = ELFBuilder()
        e.entry = 0x1000
        e.load(0x1000, [0xAA, 0xBB])
        let img = try load(e)
        XCTAssertEqual(img.entry, 0x1000)
        XCTAssertEqual(memory.readPhysical(pa: 0x1000, count: 2), [0xAA, 0xBB])
    }

    func testLoadsAtPhysicalAddressAndAdjustsEntry() throws {
        var e = ELFBuilder()
        e.entry = 0xFFFF_0000_0000_0010
        e.load(0xFFFF_0000_0000_0000, [UInt8](repeating: 7, count: 32), paddr: 0x4010_0000)
        let img = try load(e)
        XCTAssertEqual(memory.readPhysical(pa: 0x4010_0000, count: 1), [7])
        XCTAssertEqual(img.entry, 0x4010_0010, "entry moved to the physical address, as QEMU does")
    }

    func testETDYNLoadsAtItsAddresses() throws {
        var e = ELFBuilder()
        e.type = 3
        e.load(0x4008_0000, [9])
        XCTAssertEqual(try load(e).entry, 0x4008_0000)
        XCTAssertEqual(memory.readPhysical(pa: 0x4008_0000, count: 1), [9])
    }

    func testSkipsNonLoadSegments() throws {
        var e = ELFBuilder()
        e.segments.append(.init(type: 0x6474_E551, vaddr: 0, paddr: 0, data: [], memsz: 0))   // GNU_STACK
        e.load(0x4008_0000, [1])
        XCTAssertEqual(try load(e).segments.count, 1)
    }

    // MARK: Errors

    func testMissingFile() {
        XCTAssertThrowsError(try ELFLoader.load(path: "/nonexistent/k.elf", into: memory)) { error in
            let e = error as! ELFLoadError
            XCTAssertEqual(e.kind, .unreadable)
            XCTAssertEqual(e.description, "/nonexistent/k.elf: no such file")
        }
    }

    func testDirectory() {
        XCTAssertThrowsError(try ELFLoader.load(path: "/tmp", into: memory)) { error in
            XCTAssertEqual((error as! ELFLoadError).description, "/tmp: is a directory, not a file")
        }
    }

    func testUnreadableFile() {
        let dir = TempDir()
        let p = dir.write("secret.elf", [0x7F])
        chmod(p, 0)
        // Root reads any file (CI runs as root): load it as nobody.
        let asRoot = geteuid() == 0
        if asRoot { XCTAssertEqual(seteuid(65534), 0, "seteuid(nobody)") }
        defer { if asRoot { XCTAssertEqual(seteuid(0), 0, "seteuid(root)") } }
        XCTAssertThrowsError(try ELFLoader.load(path: p, into: memory)) { error in
            XCTAssertTrue((error as! ELFLoadError).description.contains("cannot open"))
        }
    }

    func testFromFile() throws {
        let dir = TempDir()
        var e = ELFBuilder()
        e.load(0x4008_0000, [0x42])
        let p = dir.write("ok.elf", e.build())
        XCTAssertEqual(try ELFLoader.load(path: p, into: memory).entry, 0x4008_0000)
        let t = dir.write("text.txt", Array("hello, world\n".utf8))
        XCTAssertThrowsError(try ELFLoader.load(path: t, into: memory)) { error in
            XCTAssertEqual((error as! ELFLoadError).description, "\(t): not an ELF file (bad magic)")
        }
    }

    func testEmptyFile() {
        assertError([], .notELF, contains: "empty")
    }

    func testBadMagic() {
        assertError(Array("#!/bin/sh\necho hi\n".utf8), .notELF, contains: "not an ELF file (bad magic)")
        assertError([0x7F, 0x45], .notELF, contains: "bad magic")
    }

    func test32Bit() {
        var e = ELFBuilder()
        e.elfClass = 1
        assertError(e.build(), .not64Bit, contains: "32-bit")
    }

    func testBigEndian() {
        var e = ELFBuilder()
        e.dataEncoding = 2
        assertError(e.build(), .notLittleEndian, contains: "big-endian")
    }

    func testOtherMachine() {
        var e = ELFBuilder()
        e.machine = 62
        e.load(0x4008_0000, [1])
        assertError(e.build(), .wrongMachine(62), contains: "is an ELF for x86-64 (e_machine 62), not AArch64")
        e.machine = 40
        assertError(e.build(), .wrongMachine(40), contains: "(e_machine 40), not AArch64")
        e.machine = 9999
        assertError(e.build(), .wrongMachine(9999), contains: "(e_machine 9999)")
    }

    func testRelocatableObject() {
        var e = ELFBuilder()
        e.type = 1
        assertError(e.build(), .notExecutable, contains: "relocatable object")
    }

    func testTruncatedHeader() {
        var e = ELFBuilder()
        e.load(0x4008_0000, [1])
        assertError(Array(e.build().prefix(40)), .truncated, contains: "ELF header")
    }

    func testTruncatedProgramHeaders() {
        var e = ELFBuilder()
        e.load(0x4008_0000, [1])
        e.load(0x4008_1000, [2])
        assertError(Array(e.build().prefix(64 + 80)), .truncated, contains: "program headers")
    }

    func testTruncatedSegmentData() {
        var e = ELFBuilder()
        e.load(0x4008_0000, [UInt8](repeating: 1, count: 100))
        let b = e.build()
        assertError(Array(b.prefix(b.count - 10)), .truncated, contains: "data of segment 0")
    }

    func testSegmentOutsideMemory() {
        var e = ELFBuilder()
        e.entry = 0x1_0000_0000
        e.load(0x1_0000_0000, [1, 2, 3], memsz: 0x1000)
        assertError(e.build(), .segmentOutsideMemory(start: 0x1_0000_0000, end: 0x1_0000_1000),
                    contains: "segment 0 [0x100000000, 0x100001000) is outside RAM and ROM")
    }

    func testSegmentRunningOffTheEndOfRAM() {
        var e = ELFBuilder()
        e.load(0x40FF_FF00, [1], memsz: 0x200)
        assertError(e.build(), .segmentOutsideMemory(start: 0x40FF_FF00, end: 0x4100_0100), contains: "outside RAM and ROM")
    }

    func testSegmentInMMIOHole() {
        var e = ELFBuilder()
        e.load(0x0900_0000, [1])
        assertError(e.build(), .segmentOutsideMemory(start: 0x0900_0000, end: 0x0900_0001), contains: "[0x9000000, 0x9000001)")
    }

    func testNothingWrittenWhenASegmentIsBad() {
        var e = ELFBuilder()
        e.load(0x4008_0000, [0x55])
        e.load(0x2_0000_0000, [1])
        XCTAssertThrowsError(try load(e))
        XCTAssertEqual(memory.readPhysical(pa: 0x4008_0000, count: 1), [0])
    }

    func testNoLoadableSegments() {
        var e = ELFBuilder()
        assertError(e.build(), .noLoadableSegments, contains: "no loadable segments")
        e.segments.append(.init(type: 4, vaddr: 0, paddr: 0, data: [1, 2], memsz: 2))   // PT_NOTE only
        assertError(e.build(), .noLoadableSegments, contains: "no loadable segments")
    }

    func testFileSizeLargerThanMemorySize() {
        var e = ELFBuilder()
        e.load(0x4008_0000, [1, 2, 3, 4], memsz: 2)
        assertError(e.build(), .malformed, contains: "larger than its memory size")
    }
}
