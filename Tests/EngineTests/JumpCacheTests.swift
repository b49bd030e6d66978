import XCTest
import Machine
@testable import Engine

/// The JIT's jump cache (Engine/JIT/JITRuntime.swift): what a TLB flush by VA
/// drops (the page's or the block's slots only) and what it keeps.
final class JumpCacheTests: XCTestCase {
    private func holds(_ c: JumpCache, _ va: UInt64) -> Bool {
        let i = JumpCache.slot(va: va)
        return c.table[2 * i] == va && c.table[2 * i + 1] == va ^ 0xC0DE
    }

    private func fill(_ c: JumpCache, _ vas: [UInt64]) {
        for va in vas { c.insert(va: va, host: va ^ 0xC0DE) }
    }

    /// Few slots filled since the last flush (the tracked ones) and many: the same answers.
    func testDropByPageKeepsOtherPages() {
        for extra in [0, 200] {
            let c = JumpCache()
            let vas: [UInt64] = [0xFFFF_8000_1000_0010, 0xFFFF_8000_1000_0FFC, 0xFFFF_8000_1000_1000,
                                 0xFFFF_8000_1000_2040, 0x40_0000]
            // `extra` other slots first, away from the VAs above.
            fill(c, (0..<extra).map { 0x7000_0000 + UInt64($0) * 0x4000 + 0x800 })
            fill(c, vas)
            c.drop(base: 0xFFFF_8000_1000_0000, bits: 12)
            XCTAssertFalse(holds(c, vas[0]), "extra \(extra)")
            XCTAssertFalse(holds(c, vas[1]), "extra \(extra)")
            XCTAssertTrue(holds(c, vas[2]), "the next page stays (extra \(extra))")
            XCTAssertTrue(holds(c, vas[3]), "extra \(extra)")
            XCTAssertTrue(holds(c, vas[4]), "extra \(extra)")
            // The top byte is not compared (a TLBI by VA ignores it).
            c.drop(base: 0x00FF_8000_1000_1000, bits: 12)
            XCTAssertFalse(holds(c, vas[2]), "extra \(extra)")
            // A 2 MiB block drops every page of it.
            c.drop(base: 0x40_0000, bits: 21)
            XCTAssertFalse(holds(c, vas[4]), "extra \(extra)")
            XCTAssertTrue(holds(c, vas[3]), "extra \(extra)")
        }
    }

    func testDropWhatTranslationChangesName() {
        let c = JumpCache()
        let memory = AddressSpace()
        let system = System(memory: memory)
        let cpu = system.addCPU(config: CPUConfig())
        fill(c, [0x1000, 0x5100])   // different slots
        cpu.translationChanges.removeAll()
        cpu.flushTLBPage(va: 0x1000, mmuIndexMask: CPU.mmuIndexesEL2)
        c.drop(cpu.translationChanges, mmuIndex: 1)
        XCTAssertTrue(holds(c, 0x1000), "a flush of EL2's entries leaves EL1's code")
        c.drop(cpu.translationChanges, mmuIndex: 2)
        XCTAssertFalse(holds(c, 0x1000))
        XCTAssertTrue(holds(c, 0x5100))
        cpu.translationChanges.removeAll()
        cpu.flushTLB(mmuIndexMask: CPU.mmuIndexesEL10)
        c.drop(cpu.translationChanges, mmuIndex: 1)
        XCTAssertFalse(holds(c, 0x5100), "a flush of every entry of the index empties it")
    }
}
