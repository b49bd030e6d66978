import XCTest
import Lift
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

    private func current(_ state: UnsafeMutableRawPointer) -> UInt64 {
        state.load(fromByteOffset: StateLayout.jumpCache, as: UInt64.self)
    }

    /// A change of context selects that context's bank (the state block
    /// points at it) and keeps the other banks' entries: a world switch
    /// between a host at EL2 and a guest at EL1 and back finds both.
    func testContextsKeepTheirOwnBanks() {
        let state = UnsafeMutableRawPointer.allocate(byteCount: StateLayout.size, alignment: 4096)
        defer { state.deallocate() }
        let banks = JumpCacheBanks(state: state)
        let host = JumpCacheBanks.Key(context: LiftContext(el: 2, spSel: 1), mmuIndex: 2)
        let guest = JumpCacheBanks.Key(context: LiftContext(el: 1, spSel: 1), mmuIndex: 1)
        let h = banks.select(host)
        XCTAssertEqual(current(state), h.address)
        fill(h, [0xFFFF_8000_0010_0000])
        let g = banks.select(guest)
        XCTAssertEqual(current(state), g.address)
        XCTAssertFalse(g === h)
        XCTAssertFalse(holds(g, 0xFFFF_8000_0010_0000), "the guest's bank starts empty")
        fill(g, [0xFFFF_8000_0020_0000])
        XCTAssertTrue(banks.select(host) === h)
        XCTAssertEqual(current(state), h.address)
        XCTAssertTrue(holds(h, 0xFFFF_8000_0010_0000), "the host's entry outlived the switch")
        XCTAssertFalse(holds(h, 0xFFFF_8000_0020_0000), "a bank holds its own context's code only")
        XCTAssertTrue(banks.select(guest) === g)
        XCTAssertTrue(holds(g, 0xFFFF_8000_0020_0000))
        XCTAssertEqual(banks.switches, 4, "the first selection counts")
        // PAN is another MMU index: another bank.
        var pan = guest
        pan.context.pan = true
        pan.mmuIndex = 1 + CPU.panIndexOffset
        XCTAssertFalse(banks.select(pan) === g)
    }

    /// TLB maintenance reaches every bank of the MMU indexes it names, the
    /// current one or not, and no other.
    func testTranslationChangesReachBanksNotCurrent() {
        let state = UnsafeMutableRawPointer.allocate(byteCount: StateLayout.size, alignment: 4096)
        defer { state.deallocate() }
        let system = System(memory: AddressSpace())
        let cpu = system.addCPU(config: CPUConfig())
        let banks = JumpCacheBanks(state: state)
        let h = banks.select(.init(context: LiftContext(el: 2, spSel: 1), mmuIndex: 2))
        let g = banks.select(.init(context: LiftContext(el: 1, spSel: 1), mmuIndex: 1))
        let u = banks.select(.init(context: LiftContext(el: 0, spSel: 0), mmuIndex: 0))
        for c in [h, g, u] { fill(c, [0x1000, 0x5100]) }
        cpu.translationChanges.removeAll()
        cpu.flushTLBPage(va: 0x1000, mmuIndexMask: CPU.mmuIndexesEL10)
        banks.drop(cpu.translationChanges)
        XCTAssertFalse(holds(g, 0x1000), "EL1's bank, not the current one, lost the page")
        XCTAssertFalse(holds(u, 0x1000))
        XCTAssertTrue(holds(g, 0x5100))
        XCTAssertTrue(holds(h, 0x1000), "EL2's bank kept it")
        cpu.translationChanges.removeAll()
        cpu.flushTLB(mmuIndexMask: CPU.mmuIndexesEL2)
        banks.drop(cpu.translationChanges)
        XCTAssertFalse(holds(h, 0x5100), "a flush of EL2's indexes empties its bank")
        XCTAssertTrue(holds(g, 0x5100))
        XCTAssertTrue(holds(u, 0x5100))
        banks.flushAll()
        XCTAssertFalse(holds(g, 0x5100) || holds(u, 0x5100))
    }

    /// Past `capacity` contexts the least recently selected bank is emptied
    /// and reused; the others keep their entries.
    func testLeastRecentlyUsedBankIsReused() {
        let state = UnsafeMutableRawPointer.allocate(byteCount: StateLayout.size, alignment: 4096)
        defer { state.deallocate() }
        let banks = JumpCacheBanks(state: state)
        func key(_ n: Int) -> JumpCacheBanks.Key {
            var c = LiftContext(el: 1, spSel: 1)
            c.maxInstructions = 100 + n
            return .init(context: c, mmuIndex: 1)
        }
        var made: [JumpCache] = []
        for n in 0..<JumpCacheBanks.capacity {
            let b = banks.select(key(n))
            fill(b, [UInt64(0x1000 * (n + 1))])
            made.append(b)
        }
        XCTAssertEqual(Set(made.map { ObjectIdentifier($0) }).count, JumpCacheBanks.capacity)
        banks.select(key(0))   // bank 1 is now the least recently used
        let reused = banks.select(key(JumpCacheBanks.capacity))
        XCTAssertTrue(reused === made[1])
        XCTAssertFalse(holds(reused, 0x2000), "emptied for its new context")
        XCTAssertEqual(banks.evictions, 1)
        XCTAssertTrue(holds(made[0], 0x1000))
        XCTAssertEqual(banks.banks.count, JumpCacheBanks.capacity)
    }

    /// A block that went away (a write to its code) leaves its slot in every
    /// bank that holds it; other entries, and another block in the slot, stay.
    func testDropOfOneBlock() {
        let state = UnsafeMutableRawPointer.allocate(byteCount: StateLayout.size, alignment: 4096)
        defer { state.deallocate() }
        let banks = JumpCacheBanks(state: state)
        let h = banks.select(.init(context: LiftContext(el: 2, spSel: 1), mmuIndex: 2))
        let g = banks.select(.init(context: LiftContext(el: 1, spSel: 1), mmuIndex: 1))
        for c in [h, g] { fill(c, [0x1000, 0x1004]) }
        banks.drop(va: 0x1000, host: 0x1000 ^ 0xC0DE)
        XCTAssertFalse(holds(h, 0x1000))
        XCTAssertFalse(holds(g, 0x1000))
        XCTAssertTrue(holds(h, 0x1004) && holds(g, 0x1004))
        banks.drop(va: 0x1004, host: 0x1234)   // another block's code
        XCTAssertTrue(holds(h, 0x1004) && holds(g, 0x1004))
    }
}
