import XCTest
@testable import Machine

final class TLBMaintenanceTests: XCTestCase {
    private struct Rig {
        let memory = AddressSpace()
        let system: System
        let cpu: CPU
        var next: UInt64 = 0x4100_0000

        init(el2: Bool = false) {
            try! memory.addRAM(name: "ram", base: 0x4000_0000, size: 32 << 20)
            system = System(memory: memory)
            var c = CPUConfig()
            c.hasEL2 = el2
            cpu = system.addCPU(config: c)
            cpu.setEL(1)
        }

        func write64(_ pa: UInt64, _ v: UInt64) {
            withUnsafeBytes(of: v.littleEndian) { XCTAssertTrue(memory.writePhysical(pa: pa, bytes: $0)) }
        }

        /// 4 KiB granule, T0SZ 25 (start level 1) and T1SZ 25: the tables at fixed PAs.
        func enableMMU() {
            let l1 = 0x4100_0000 as UInt64, l2 = 0x4100_1000 as UInt64, l3 = 0x4100_2000 as UInt64
            let h1 = 0x4100_3000 as UInt64, h2 = 0x4100_4000 as UInt64, h3 = 0x4100_5000 as UInt64
            XCTAssertTrue(memory.fillPhysical(pa: l1, byte: 0, count: 0x6000))
            let attrs: UInt64 = 1 << 10 | 3 << 8 | 1 << 6 | 1 << 54   // EL0 and EL1 RW
            write64(l1, l2 | 3)                                     // VA 0 - 1 GiB
            write64(l2, l3 | 3)                                     // VA 0 - 2 MiB: pages
            for i in 0..<512 as Range<UInt64> { write64(l3 + 8 * i, 0x4000_0000 + i << 12 | attrs | 3) }
            write64(l2 + 8, 0x4020_0000 | attrs | 1)                // VA 2 - 4 MiB: a block
            write64(h1, h2 | 3)
            write64(h2, h3 | 3)
            write64(h3, 0x4040_0000 | attrs | 3)                    // VA 0xffffff80_00000000: a page
            cpu.setSysreg(SysRegTable.slot("MAIR_EL1"), 0xFF)
            cpu.setSysreg(SysRegTable.slot("TTBR0_EL1"), l1)
            cpu.setSysreg(SysRegTable.slot("TTBR1_EL1"), h1)
            cpu.setSysreg(SysRegTable.slot("TCR_EL1"), 25 | 25 << 16 | 2 << 30 | 5 << 32)
            cpu.setSysreg(SysRegTable.sctlr[1], cpu.sysreg(SysRegTable.sctlr[1]) | 1)
            cpu.flushTLB()
        }

        func readTag(_ va: UInt64, _ idx: Int) -> UInt64 {
            (cpu.state + TLB.entryOffset(mmuIndex: idx, va: va)).load(fromByteOffset: TLB.readTagOffset, as: UInt64.self)
        }

        func touch(_ va: UInt64, _ idx: Int = 1) {
            _ = cpu.loadSlow(va: va, size: 8, mmuIndex: idx)
            XCTAssertFalse(cpu.exceptionTaken)
            XCTAssertEqual(readTag(va, idx), va & TLB.pageMask)
        }
    }

    func testFlushByVADropsThePageOrTheWholeBlock() {
        let r = Rig()
        r.enableMMU()
        r.touch(0x3000)
        r.touch(0x4000)
        r.touch(0x3000, 0)
        r.touch(0x20_0000)
        r.touch(0x25_5000)
        r.touch(0x3F_F000 - 0x10_0000)
        r.cpu.flushTLBPage(va: 0x3123, mmuIndexMask: CPU.mmuIndexesEL10)
        XCTAssertEqual(r.readTag(0x3000, 1), TLB.invalidTag)
        XCTAssertEqual(r.readTag(0x3000, 0), TLB.invalidTag)
        XCTAssertEqual(r.readTag(0x4000, 1), 0x4000, "another page stays")
        XCTAssertEqual(r.readTag(0x20_0000, 1), 0x20_0000)
        // Any VA of the 2 MiB block drops every entry of it.
        r.cpu.flushTLBPage(va: 0x3F_0000, mmuIndexMask: CPU.mmuIndexesEL10)
        XCTAssertEqual(r.readTag(0x20_0000, 1), TLB.invalidTag)
        XCTAssertEqual(r.readTag(0x25_5000, 1), TLB.invalidTag)
        XCTAssertEqual(r.readTag(0x2F_F000, 1), TLB.invalidTag)
        XCTAssertEqual(r.readTag(0x4000, 1), 0x4000)
    }

    func testTranslationChangesRecordWhatAFlushChanged() {
        let r = Rig()
        r.enableMMU()
        r.cpu.translationChanges.removeAll()
        XCTAssertTrue(r.cpu.translationChanges.isEmpty)
        r.touch(0x3000)
        r.touch(0x20_0000)
        // A page outside the block: that page, for the indexes flushed.
        r.cpu.flushTLBPage(va: 0x3123, mmuIndexMask: CPU.mmuIndexesEL10)
        var c = r.cpu.translationChanges
        XCTAssertEqual(c.everything, 0)
        XCTAssertEqual(c.blockIndexes, CPU.mmuIndexesEL10)
        XCTAssertEqual(c.blocks.map(TranslationChanges.block).map { [$0.base, UInt64($0.bits)] }, [[0x3000, 12]])
        // A VA in the 2 MiB block: the whole block.
        r.cpu.flushTLBPage(va: 0x3F_0000, mmuIndexMask: CPU.mmuIndexesEL10)
        c = r.cpu.translationChanges
        XCTAssertEqual(TranslationChanges.block(c.blocks[1]).base, 0x20_0000)
        XCTAssertEqual(TranslationChanges.block(c.blocks[1]).bits, 21)
        // Anything else: every translation of the indexes named.
        r.cpu.flushTLB(mmuIndexMask: CPU.mmuIndexesEL2)
        XCTAssertEqual(r.cpu.translationChanges.everything, CPU.mmuIndexesEL2)
        r.cpu.flushTLB()
        XCTAssertEqual(r.cpu.translationChanges.everything, CPU.allMMUIndexes)
        r.cpu.translationChanges.removeAll()
        XCTAssertTrue(r.cpu.translationChanges.isEmpty)
        XCTAssertTrue(r.cpu.translationChanges.blocks.isEmpty)
        // Past its capacity the blocks count as everything of their indexes.
        for i in 0...TranslationChanges.blockCapacity {
            r.cpu.flushTLBPage(va: UInt64(i) << 12, mmuIndexMask: 1)
        }
        XCTAssertEqual(r.cpu.translationChanges.everything, 1)
        XCTAssertTrue(r.cpu.translationChanges.blocks.isEmpty)
    }

    func testFlushByVAWithBlocksInBothHalves() {
        let r = Rig()
        r.enableMMU()
        // A second block, in the upper half: VA 0xffffff80_00200000 - 2 MiB.
        let attrs: UInt64 = 1 << 10 | 3 << 8 | 1 << 6 | 1 << 54
        r.write64(0x4100_4000 + 8, 0x4060_0000 | attrs | 1)
        let high: UInt64 = 0xFFFF_FF80_0020_0000
        r.touch(0x20_0000)
        r.touch(high + 0x1000)
        r.touch(0x4000)
        r.touch(0xFFFF_FF80_0000_0000)
        // A page outside both blocks: only its own entry goes.
        r.cpu.flushTLBPage(va: 0x4000, mmuIndexMask: CPU.mmuIndexesEL10)
        XCTAssertEqual(r.readTag(0x4000, 1), TLB.invalidTag)
        XCTAssertEqual(r.readTag(0x20_0000, 1), 0x20_0000)
        XCTAssertEqual(r.readTag(high + 0x1000, 1), high + 0x1000)
        XCTAssertEqual(r.readTag(0xFFFF_FF80_0000_0000, 1), 0xFFFF_FF80_0000_0000)
        // A VA in the upper block drops every entry of that block, not the other's.
        r.touch(high + 0x5000)
        r.cpu.flushTLBPage(va: high + 0x1F_F000, mmuIndexMask: CPU.mmuIndexesEL10)
        XCTAssertEqual(r.readTag(high + 0x1000, 1), TLB.invalidTag)
        XCTAssertEqual(r.readTag(high + 0x5000, 1), TLB.invalidTag)
        XCTAssertEqual(r.readTag(0x20_0000, 1), 0x20_0000)
        // After a full flush no block is tracked, and pages still go one by one.
        r.cpu.flushTLB()
        r.touch(0x4000)
        r.touch(0x5000)
        r.cpu.flushTLBPage(va: 0x5000, mmuIndexMask: CPU.mmuIndexesEL10)
        XCTAssertEqual(r.readTag(0x5000, 1), TLB.invalidTag)
        XCTAssertEqual(r.readTag(0x4000, 1), 0x4000)
    }

    func testLargeBlockRangeCoversEveryBlock() {
        let r = Rig()
        r.cpu.noteLargeBlock(va: 0x20_0000, bits: 21, mmuIndex: 1)
        XCTAssertEqual(r.cpu.tlbLargeBlocks[1].base, 0x20_0000)
        r.cpu.noteLargeBlock(va: 0x4000_0000, bits: 30, mmuIndex: 1)
        let (base, mask) = r.cpu.tlbLargeBlocks[1]
        for va: UInt64 in [0x20_0000, 0x3F_FFFF, 0x4000_0000, 0x7FFF_FFFF] {
            XCTAssertEqual((va ^ base) & mask & CPU.tlbVABits, 0, "covers \(String(va, radix: 16))")
        }
        r.cpu.noteLargeBlock(va: 0xFFFF_FF80_0020_0000, bits: 21, mmuIndex: 1)
        XCTAssertEqual(r.cpu.tlbLargeBlocks[1].mask, 0, "blocks in both halves: every VA")
        XCTAssertEqual(r.cpu.tlbLargeBlocks[0].mask, CPU.noLargeBlocks.mask, "other indexes untouched")
    }

    func testTLBIOperations() {
        let r = Rig(el2: true)
        r.enableMMU()
        let cpu = r.cpu
        func tlbi(_ op1: UInt64, _ crm: UInt64, _ op2: UInt64, _ xt: UInt64 = 0) -> Bool {
            cpu.tlbInvalidate(op1: op1, crm: crm, op2: op2, xt: xt)
        }
        r.touch(0x3000)
        r.touch(0x5000)
        let count = cpu.tlbFlushCount
        XCTAssertTrue(tlbi(0, 7, 1, 0x3))                       // TLBI VAE1, 0x3000
        XCTAssertEqual(r.readTag(0x3000, 1), TLB.invalidTag)
        XCTAssertEqual(r.readTag(0x5000, 1), 0x5000)
        XCTAssertGreaterThan(cpu.tlbFlushCount, count, "engines drop their VA-keyed caches")
        XCTAssertTrue(tlbi(0, 3, 5, 0xABCD_0000_0000_0005))     // TLBI VALE1IS, ASID ignored
        XCTAssertEqual(r.readTag(0x5000, 1), TLB.invalidTag)
        // The upper range: Xt[43:0] = VA[55:12], sign-extended from bit 55.
        r.touch(0xFFFF_FF80_0000_0010)
        XCTAssertTrue(tlbi(0, 7, 3, (0xFFFF_FF80_0000_0000 >> 12) & 0xFFF_FFFF_FFFF))   // VAAE1
        XCTAssertEqual(r.readTag(0xFFFF_FF80_0000_0000, 1), TLB.invalidTag)
        // By regime.
        r.touch(0x3000)
        r.touch(0x3000, 0)
        XCTAssertTrue(tlbi(0, 7, 0))                            // VMALLE1
        XCTAssertEqual(r.readTag(0x3000, 1), TLB.invalidTag)
        XCTAssertEqual(r.readTag(0x3000, 0), TLB.invalidTag)
        // EL2 operations are UNDEFINED at EL1, EL3 ones below EL3.
        XCTAssertFalse(tlbi(4, 7, 0))
        XCTAssertFalse(tlbi(6, 7, 0))
        cpu.setEL(2)
        r.touch(0x3000, 1)
        XCTAssertTrue(tlbi(4, 7, 0))                            // ALLE2: not the EL1&0 entries
        XCTAssertEqual(r.readTag(0x3000, 1), 0x3000)
        XCTAssertTrue(tlbi(4, 3, 4))                            // ALLE1IS
        XCTAssertEqual(r.readTag(0x3000, 1), TLB.invalidTag)
        XCTAssertFalse(tlbi(6, 7, 1))
    }
}
