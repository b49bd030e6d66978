import Foundation
import XCTest
import Machine
import ELF
import TestRandom
@testable import Board
@testable import Debug

/// The malformed-ELF corpus (Tests/Corpus/elf, written by scripts/gen-elf-corpus.py)
/// and random mutations of a valid ELF: loading and reading symbols either work
/// or give one-line `ELFLoadError`s; nothing traps, nothing allocates from a
/// size the file states without checking it.
final class ELFCorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus/elf")

    /// The memory map of `-M virt` with 128 MiB: flash at 0, RAM at 0x4000_0000.
    func memory() throws -> AddressSpace {
        let m = AddressSpace()
        try m.addROM(name: "flash", base: 0, size: 0x0800_0000)
        try m.addRAM(name: "ram", base: 0x4000_0000, size: 0x0800_0000)
        return m
    }

    func corpusCases() throws -> [(name: String, expected: String)] {
        let text = try String(contentsOf: ELFCorpusTests.corpus.appendingPathComponent("EXPECTED"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return (String(parts[0]), String(parts[1]))
        }
    }

    func testCorpus() throws {
        let cases = try corpusCases()
        XCTAssertGreaterThanOrEqual(cases.filter { $0.name != "valid" }.count, 80, "the corpus holds at least 80 malformed ELFs")
        let mem = try memory()
        for (name, expected) in cases {
            let bytes = try ELFLoader.readFile(ELFCorpusTests.corpus.appendingPathComponent(name + ".elf").path)
            do {
                let image = try ELFLoader.load(bytes: bytes, name: name + ".elf", into: mem)
                XCTAssertEqual(expected, "ok", "\(name) loaded (entry \(hex(image.entry))), expected an error with '\(expected)'")
            } catch let e as ELFLoadError {
                XCTAssertNotEqual(expected, "ok", "\(name): \(e)")
                XCTAssertTrue(e.description.contains(expected), "\(name): '\(e)' does not say '\(expected)'")
                XCTAssertFalse(e.description.contains("\n"), "\(name): the message is one line")
            }
            _ = SymbolTable(elf: bytes).name(at: 0x4008_0000)
        }
        InputFuzz.report("ELF corpus", cases.count)
    }

    /// The old symbol reader trapped on a symbol table whose offset + size overflowed.
    func testSymbolTableSurvivesOverflowingTables() throws {
        for name in ["symtab_offset_max", "symtab_size_max", "symtab_offset_size_wrap", "strtab_offset_max", "strtab_offset_size_wrap", "shoff_max", "shnum_0_extended_max"] {
            let bytes = try ELFLoader.readFile(ELFCorpusTests.corpus.appendingPathComponent(name + ".elf").path)
            XCTAssertTrue(SymbolTable(elf: bytes).isEmpty, name)
        }
        // Intact tables still name addresses.
        let valid = try ELFLoader.readFile(ELFCorpusTests.corpus.appendingPathComponent("valid.elf").path)
        XCTAssertEqual(SymbolTable(elf: valid).name(at: 0x4008_0004), "_start+0x4")
        let long = try ELFLoader.readFile(ELFCorpusTests.corpus.appendingPathComponent("sym_long_name.elf").path)
        XCTAssertEqual(SymbolTable(elf: long).name(at: 0x4008_0000)?.count, ELFFile.maxNameLength)
    }

    func testOverlappingSegmentsNameBoth() throws {
        let bytes = try ELFLoader.readFile(ELFCorpusTests.corpus.appendingPathComponent("overlap_bss_over_code.elf").path)
        XCTAssertThrowsError(try ELFLoader.load(bytes: bytes, name: "o.elf", into: memory())) { error in
            let e = error as! ELFLoadError
            XCTAssertEqual(e.kind, .overlappingSegments(0, 1))
            XCTAssertEqual(e.description, "o.elf: segments 0 [0x40080000, 0x40080020) and 1 [0x40080008, 0x40081008) overlap in physical memory")
        }
        // Nothing was written: the code bytes are still zero.
        let m = try memory()
        _ = try? ELFLoader.load(bytes: bytes, name: "o.elf", into: m)
        XCTAssertEqual(m.readPhysical(pa: 0x4008_0000, count: 4), [0, 0, 0, 0])
    }

    func testNonRegularFilesAreRefused() {
        for (path, what) in [("/dev/zero", "character device"), ("/dev/null", "character device")] {
            XCTAssertThrowsError(try ELFLoader.readFile(path)) { error in
                XCTAssertEqual((error as! ELFLoadError).description, "\(path): is a \(what), not a regular file")
            }
        }
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]); close(fds[1]) }
        XCTAssertThrowsError(try ELFLoader.readFile("/proc/self/fd/\(fds[0])")) { error in
            XCTAssertTrue((error as! ELFLoadError).description.hasSuffix("is a pipe (FIFO), not a regular file"))
        }
    }

    /// Random mutations of the valid ELF and of corpus files.
    func testFuzzELF() throws {
        let cases = try corpusCases()
        let seeds = try cases.map { try ELFLoader.readFile(ELFCorpusTests.corpus.appendingPathComponent($0.name + ".elf").path) }
        let mem = try memory()
        let valid = seeds[cases.firstIndex { $0.name == "valid" }!]
        var fuzz = InputFuzz(salt: 0xE1F)
        let n = inputFuzzIterations(quick: 20000)
        var loaded = 0
        for _ in 0..<n {
            let base = fuzz.below(3) == 0 ? seeds[fuzz.below(seeds.count)] : valid
            let bytes = fuzz.mutate(base)
            do {
                _ = try ELFLoader.load(bytes: bytes, name: "f.elf", into: mem)
                loaded += 1
            } catch let e as ELFLoadError {
                XCTAssertFalse(e.description.contains("\n"))
            }
            let t = SymbolTable(elf: bytes)
            _ = t.name(at: 0x4008_0000)
            _ = t.name(at: UInt64.max)
        }
        InputFuzz.report("ELF (\(loaded) loadable)", n)
    }
}
