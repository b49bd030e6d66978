import Foundation
import XCTest
@testable import Machine

/// The flat state block: every field at its own offset, the TLB inside the
/// block, the block page-aligned (the JIT and helpers address it by offset).
final class StateLayoutTests: XCTestCase {
    /// Every field of the layout as (name of its offset constant, offset, size in bytes).
    static var fields: [(String, Int, Int)] {
        var f: [(String, Int, Int)] = [
            ("gprBase", StateLayout.gprBase, StateLayout.gprCount * 8),
            ("pc", StateLayout.pc, 8),
            ("nzcv", StateLayout.nzcv, 8),
            ("currentEL", StateLayout.currentEL, 8),
            ("spSel", StateLayout.spSel, 8),
            ("daif", StateLayout.daif, 8),
            ("pstateMisc", StateLayout.pstateMisc, 8),
            ("exclusiveAddr", StateLayout.exclusiveAddr, 8),
            ("exclusiveSize", StateLayout.exclusiveSize, 8),
            ("exclusiveValue", StateLayout.exclusiveValue, 8),
            ("exclusiveValue2", StateLayout.exclusiveValue2, 8),
            ("exitRequest", StateLayout.exitRequest, 8),
            ("exceptionTaken", StateLayout.exceptionTaken, 8),
            ("cpuObject", StateLayout.cpuObject, 8),
            ("instructionCount", StateLayout.instructionCount, 8),
            ("faultPC", StateLayout.faultPC, 8),
            ("codeWritten", StateLayout.codeWritten, 8),
            ("helperArgs", StateLayout.helperArgs, 3 * 8),
            ("interruptCheck", StateLayout.interruptCheck, 8),
            ("jumpCache", StateLayout.jumpCache, 8),
            ("instructionLimit", StateLayout.instructionLimit, 8),
            ("vregBase", StateLayout.vregBase, 32 * 16),
            ("fpcr", StateLayout.fpcr, 8),
            ("fpsr", StateLayout.fpsr, 8),
            ("fpScratch", StateLayout.fpScratch, 8),
            ("hostMXCSR", StateLayout.hostMXCSR, 8),
            ("vectorSpillBase", StateLayout.vectorSpillBase, StateLayout.vectorSpillSlots * 16),
            ("spillBase", StateLayout.spillBase, StateLayout.spillSlots * 8),
            ("sysregBase", StateLayout.sysregBase, StateLayout.sysregSlots * 8),
            ("tlbBase", StateLayout.tlbBase, TLB.tableBytes * TLB.mmuIndexCount),
        ]
        f.sort { $0.1 < $1.1 }
        return f
    }

    /// Constants of `StateLayout` that are counts or register ids, not offsets.
    static let notOffsets: Set<String> = ["gprCount", "spEL0Id", "spillSlots", "vectorSpillSlots", "sysregSlots"]

    /// Every `static let` of `enum StateLayout` in StateLayout.swift is in
    /// `fields` (or `notOffsets`), so a new field cannot escape the overlap check.
    func testFieldsListsEveryConstantOfTheLayout() throws {
        // Tests/MachineTests/StateLayoutTests.swift -> Sources/Machine/StateLayout.swift
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let source = try String(contentsOf: root.appendingPathComponent("Sources/Machine/StateLayout.swift"), encoding: .utf8)
        guard let start = source.range(of: "public enum StateLayout {"),
              let end = source.range(of: "\n}\n", range: start.upperBound..<source.endIndex) else {
            return XCTFail("no `public enum StateLayout { ... }` in StateLayout.swift")
        }
        var declared: Set<String> = []
        for line in source[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "=" })
            if let i = words.firstIndex(of: "let"), words[..<i].contains("static"), i + 1 < words.count {
                declared.insert(String(words[i + 1]))
            }
        }
        XCTAssertGreaterThan(declared.count, 20, "the parse found the constants")
        let listed = Set(StateLayoutTests.fields.map(\.0))
        XCTAssertEqual(declared.subtracting(listed).subtracting(StateLayoutTests.notOffsets), [],
                       "StateLayout constants missing from StateLayoutTests.fields (add their sizes)")
        XCTAssertEqual(listed.subtracting(declared), [], "fields that StateLayout does not declare")
        XCTAssertEqual(StateLayoutTests.notOffsets.subtracting(declared), [])
    }

    func testFieldsDoNotOverlapAndLieInsideTheBlock() {
        let f = StateLayoutTests.fields
        for (name, off, size) in f {
            XCTAssertGreaterThanOrEqual(off, 0, name)
            XCTAssertEqual(off % 8, 0, "\(name) is not 8-byte aligned")
            XCTAssertLessThanOrEqual(off + size, StateLayout.size, "\(name) ends past the block")
        }
        for i in 1..<f.count {
            XCTAssertLessThanOrEqual(f[i - 1].1 + f[i - 1].2, f[i].1, "\(f[i - 1].0) overlaps \(f[i].0)")
        }
        // The accessor agrees with the base: X0...X30, then SP_EL0...SP_EL3.
        XCTAssertEqual(StateLayout.gpr(0), StateLayout.gprBase)
        XCTAssertEqual(StateLayout.gpr(StateLayout.spEL0Id), StateLayout.gprBase + 31 * 8)
        XCTAssertEqual(StateLayout.gpr(34) + 8, StateLayout.gprBase + StateLayout.gprCount * 8)
        XCTAssertEqual(StateLayout.sysreg(StateLayout.sysregSlots - 1) + 8, StateLayout.sysregBase + StateLayout.sysregSlots * 8)
        // V registers are 16-byte aligned (SIMD loads/stores from the JIT).
        XCTAssertEqual(StateLayout.vregBase % 16, 0)
        XCTAssertEqual(StateLayout.vectorSpillBase % 16, 0)
        XCTAssertEqual(StateLayout.vreg(31) + 16, StateLayout.vregBase + 32 * 16)
        // Every system register of the table has a slot.
        XCTAssertLessThanOrEqual(SysRegTable.all.count, StateLayout.sysregSlots)
    }

    func testTLBIsInsideTheBlockAndEntriesAreWellFormed() {
        XCTAssertEqual(StateLayout.size, StateLayout.tlbBase + TLB.tableBytes * TLB.mmuIndexCount)
        XCTAssertEqual(TLB.tableBytes, TLB.entries * TLB.entryBytes)
        XCTAssertEqual(StateLayout.tlbBase % 4096, 0)
        // First and last entries of the first and last tables.
        XCTAssertEqual(TLB.entryOffset(mmuIndex: 0, va: 0), StateLayout.tlbBase)
        let last = TLB.entryOffset(mmuIndex: TLB.mmuIndexCount - 1, va: ~0)
        XCTAssertEqual(last + TLB.entryBytes, StateLayout.size)
        // Direct-mapped by page number; pages `entries` apart share an entry.
        XCTAssertEqual(TLB.entryOffset(mmuIndex: 1, va: 0x1234_5000) - TLB.entryOffset(mmuIndex: 0, va: 0x1234_5000), TLB.tableBytes)
        XCTAssertEqual(TLB.entryOffset(mmuIndex: 2, va: 0x4000_3FFF), StateLayout.tlbBase + 2 * TLB.tableBytes + 3 * TLB.entryBytes)
        XCTAssertEqual(TLB.entryOffset(mmuIndex: 0, va: 0x4000_3000),
                       TLB.entryOffset(mmuIndex: 0, va: 0x4000_3000 + UInt64(TLB.entries) << 12))
        // The four fields of an entry.
        XCTAssertEqual([TLB.readTagOffset, TLB.writeTagOffset, TLB.codeTagOffset, TLB.addendOffset], [0, 8, 16, 24])
        // The slow-path flags live below the page bits, so a flagged tag never
        // equals a page-aligned address; the empty tag equals no aligned address.
        XCTAssertEqual(TLB.flagIO & TLB.pageMask, 0)
        XCTAssertEqual(TLB.flagCode & TLB.pageMask, 0)
        XCTAssertNotEqual(TLB.flagIO, 0)
        XCTAssertNotEqual(TLB.flagCode, 0)
        XCTAssertNotEqual(TLB.invalidTag & ~TLB.pageMask, 0)
        XCTAssertEqual(TLB.pageSize, 4096)
    }

    func testStateBlockIsPageAlignedZeroedAndPointsBackToItsCPU() {
        let m = TestMachine()
        let state = m.cpu.state
        XCTAssertEqual(UInt(bitPattern: state) % 4096, 0)
        XCTAssertTrue(CPU.from(state: state) === m.cpu)
        // A second CPU gets its own block.
        let other = m.system.addCPU(config: CPUConfig())
        XCTAssertNotEqual(other.state, state)
        XCTAssertEqual(UInt(bitPattern: other.state) % 4096, 0)
        XCTAssertTrue(CPU.from(state: other.state) === other)
        XCTAssertEqual(other.index, 1)
        // The TLB tables start on a 2 MiB boundary (huge pages: StateBlockMemory.swift).
        for c in [m.cpu, other] {
            XCTAssertEqual(UInt(bitPattern: c.state + StateLayout.tlbBase) % UInt(StateBlockMemory.hugePage), 0)
        }
        // After reset every TLB entry is empty; fields reset leaves alone are zero.
        for idx in 0..<TLB.mmuIndexCount {
            for va: UInt64 in [0, 0x4000_0000, 0xFFFF_F000, UInt64(TLB.entries - 1) << 12] {
                let e = m.tlbEntry(va: va, mmuIndex: idx)
                XCTAssertEqual(e.read, TLB.invalidTag)
                XCTAssertEqual(e.write, TLB.invalidTag)
                XCTAssertEqual(e.code, TLB.invalidTag)
            }
        }
        XCTAssertEqual(other.state.load(fromByteOffset: StateLayout.fpsr, as: UInt64.self), 0)
        XCTAssertEqual(other.state.load(fromByteOffset: StateLayout.exitRequest, as: UInt64.self), 0)
        XCTAssertEqual(other.state.load(fromByteOffset: StateLayout.vregBase + 31 * 16 + 8, as: UInt64.self), 0)
        // The side tables start zero (read only for entries filled since).
        let n = TLB.entries * TLB.mmuIndexCount
        XCTAssertTrue((0..<n).allSatisfy { other.tlbIPA[$0] == 0 && other.codePhysPage[$0] == 0 })
        XCTAssertTrue((0..<n).allSatisfy { other.tlbDevice[$0] == 0 && other.tlbPageBits[$0] == 0 })
    }

    func testAccessorsAddressTheDocumentedOffsets() {
        let m = TestMachine()
        let cpu = m.cpu, s = cpu.state
        func at(_ off: Int) -> UInt64 { s.load(fromByteOffset: off, as: UInt64.self) }
        cpu.setX(7, 0x1111)
        cpu.setX(StateLayout.spEL0Id + 1, 0x2222)
        cpu.pc = 0x4000_1234
        cpu.nzcv = 0xFFFF_FFFF
        cpu.daif = 0xFFFF
        cpu.spSel = 3
        cpu.faultPC = 0x55
        cpu.setVreg(5, lo: 0x0102_0304_0506_0708, hi: 0x1112_1314_1516_1718)
        cpu.fpcr = ~0
        cpu.fpsr = ~0
        XCTAssertEqual(at(StateLayout.vreg(5)), 0x0102_0304_0506_0708)
        XCTAssertEqual(at(StateLayout.vreg(5) + 8), 0x1112_1314_1516_1718)
        XCTAssertEqual(at(StateLayout.fpcr), 0x07C8_0000, "FPCR keeps AHP, DN, FZ, RMode, FZ16; trap enables read as zero")
        XCTAssertEqual(at(StateLayout.fpsr), 0x0800_009F, "FPSR keeps QC and the cumulative flags")
        XCTAssertEqual(at(StateLayout.gpr(7)), 0x1111)
        XCTAssertEqual(at(StateLayout.gpr(32)), 0x2222)
        XCTAssertEqual(at(StateLayout.pc), 0x4000_1234)
        XCTAssertEqual(cpu.nzcv, 0xF000_0000, "NZCV keeps bits 31:28 only")
        // The slot holds the x86-layout flags word: N bit 15, Z bit 14, C bit 8, V bit 0.
        XCTAssertEqual(at(StateLayout.nzcv) & 0xC101, 0xC101)
        XCTAssertEqual(at(StateLayout.daif), 0x3C0, "DAIF keeps bits 9:6 only")
        XCTAssertEqual(at(StateLayout.spSel), 1)
        XCTAssertEqual(at(StateLayout.faultPC), 0x55)
        cpu.setSysreg(SysRegTable.slot("TPIDR_EL1"), 0xABCD)
        XCTAssertEqual(at(StateLayout.sysreg(SysRegTable.slot("TPIDR_EL1").slot)), 0xABCD)
        // SP follows SPSel.
        XCTAssertEqual(cpu.spRegisterId, StateLayout.spEL0Id + 1)
        XCTAssertEqual(cpu.sp, 0x2222)
        cpu.spSel = 0
        XCTAssertEqual(cpu.spRegisterId, StateLayout.spEL0Id)
    }

    func testFlagsWordRoundTripsEveryNZCV() {
        let m = TestMachine()
        for n in 0..<16 {
            let nzcv = UInt64(n) << 28
            let w = FlagsWord.word(fromNZCV: nzcv)
            XCTAssertEqual(FlagsWord.nzcv(fromWord: w), nzcv)
            XCTAssertEqual(w & ~UInt64(0xC101), 0, "only bits 15, 14, 8 and 0")
            // Other bits of the word are don't-care.
            XCTAssertEqual(FlagsWord.nzcv(fromWord: w | 0x3EFE), nzcv)
            m.cpu.nzcv = nzcv | 0x0FFF_FFFF
            XCTAssertEqual(m.cpu.nzcv, nzcv)
        }
        XCTAssertEqual(FlagsWord.word(fromNZCV: 0x8000_0000), 1 << 15)
        XCTAssertEqual(FlagsWord.word(fromNZCV: 0x4000_0000), 1 << 14)
        XCTAssertEqual(FlagsWord.word(fromNZCV: 0x2000_0000), 1 << 8)
        XCTAssertEqual(FlagsWord.word(fromNZCV: 0x1000_0000), 1)
    }

    func testResetState() {
        let m = TestMachine(config: TestMachine.config(el2: true, el3: true))
        let cpu = m.cpu
        cpu.setX(3, 9)
        cpu.nzcv = 0xF000_0000
        m.exclusiveSize = 8
        cpu.setVreg(31, lo: 1, hi: 2)
        cpu.fpcr = 0x0040_0000
        cpu.fpsr = 0x1F
        cpu.reset()
        XCTAssertEqual(cpu.vreg(31).lo, 0)
        XCTAssertEqual(cpu.vreg(31).hi, 0)
        XCTAssertEqual(cpu.fpcr, 0)
        XCTAssertEqual(cpu.fpsr, 0)
        XCTAssertEqual(cpu.el, 3, "reset enters the highest EL")
        XCTAssertEqual(cpu.spSel, 1)
        XCTAssertEqual(cpu.daif, 0x3C0)
        XCTAssertEqual(cpu.nzcv, 0)
        XCTAssertEqual(cpu.x(3), 0)
        XCTAssertEqual(m.exclusiveSize, 0)
        XCTAssertEqual(cpu.sysreg(SysRegTable.sctlr[3]), 0x30C5_0830)
        XCTAssertEqual(cpu.sysreg(SysRegTable.slot("CNTFRQ_EL0")), SysRegTable.counterFrequency)
        XCTAssertEqual(TestMachine().cpu.el, 1, "without EL2/EL3 reset enters EL1")
        XCTAssertEqual(TestMachine(config: TestMachine.config(el2: true)).cpu.el, 2)
    }
}
