import XCTest
@testable import Machine

/// FEAT_MEC's shadow tags (MEC/MECTagStore.swift): uniform and mixed pages,
/// substitute data, re-tagging on every write path, TLB fills and their
/// invalidation; and the walker's side (output PA space, AMEC, walk MECIDs).
final class MECTagStoreTests: XCTestCase {
    let ram = TestMachine.ramBase
    let dead: UInt64 = 0xDEAD_BEEF_DEAD_BEEF

    func testUniformMixedUniform() {
        let mm = MECMachine()
        let page = ram + 0x4000
        mm.realmEL2(p0: 3)
        // MECID 3 writes the whole page.
        for off in stride(from: UInt64(0), to: 4096, by: 8) { mm.store(page + off, 0x3333_0000 + off) }
        XCTAssertEqual(mm.tags.uniformTag(pa: page), 3)
        XCTAssertEqual(mm.load(page + 8), 0x3333_0008)
        // MECID 4 reads ciphertext everywhere.
        mm.useMECID(4)
        XCTAssertEqual(mm.load(page + 8), dead)
        XCTAssertEqual(mm.load(page + 0xFF8), dead)
        XCTAssertEqual(mm.load(page + 4, 4), 0xDEAD_BEEF)
        XCTAssertEqual(mm.load(page + 2, 2), 0xDEAD)
        XCTAssertEqual(mm.load(page + 1, 1), 0xBE)
        // One line written with MECID 4: the page is mixed, tracked per line.
        mm.store(page + 0x80, 0x4444)
        XCTAssertNil(mm.tags.uniformTag(pa: page))
        XCTAssertTrue(mm.tags.isMixed(pa: page))
        XCTAssertEqual(mm.tags.lineTag(pa: page + 0x80), 4)
        XCTAssertEqual(mm.tags.lineTag(pa: page + 0xC0), 3)
        XCTAssertEqual(mm.load(page + 0x80), 0x4444)
        // The rest of that line is what MECID 4 read before the write.
        XCTAssertEqual(mm.load(page + 0x88), dead)
        XCTAssertEqual(mm.load(page + 0xB8), dead)
        XCTAssertEqual(mm.load(page + 0xC0), dead)          // next line: MECID 3's
        XCTAssertEqual(mm.load(page + 0x78), dead)          // previous line
        mm.useMECID(3)
        XCTAssertEqual(mm.load(page + 0x80), dead)
        XCTAssertEqual(mm.load(page + 0x88), dead, "MECID 3's plaintext of the re-keyed line is gone")
        XCTAssertEqual(mm.load(page + 0xC0), 0x3333_00C0)
        XCTAssertEqual(mm.load(page + 0x78), 0x3333_0078)
        // Rewriting every line with MECID 3 makes the page uniform again.
        for off in stride(from: UInt64(0), to: 4096, by: 64) { mm.store(page + off, off) }
        XCTAssertEqual(mm.tags.uniformTag(pa: page), 3)
        XCTAssertEqual(mm.load(page + 0x80), 0x80)
        XCTAssertEqual(mm.load(page + 0x88), dead, "written by MECID 4, read by MECID 3")
        XCTAssertEqual(mm.load(page + 0xC8), 0x3333_00C8)
    }

    func testAReadStraddlingTwoLinesOfAMixedPage() {
        let mm = MECMachine()
        mm.realmEL2(p0: 3)
        let page = ram + 0x6000
        XCTAssertTrue([UInt8](repeating: 0x11, count: 128).withUnsafeBytes { mm.m.memory.writePhysical(pa: page, bytes: $0, mecid: 3) })
        XCTAssertTrue([UInt8](repeating: 0x22, count: 64).withUnsafeBytes { mm.m.memory.writePhysical(pa: page + 64, bytes: $0, mecid: 7) })
        XCTAssertEqual(mm.tags.lineTag(pa: page), 3)
        XCTAssertEqual(mm.tags.lineTag(pa: page + 64), 7)
        // A device-memory access must be aligned with the MMU off, so check the
        // view directly: bytes 60...67 = four of line 0, four of line 1.
        XCTAssertEqual(mm.tags.readView(pa: page + 60, size: 8, value: mm.raw(page + 60), mecid: 3), 0xDEAD_BEEF_1111_1111)
        XCTAssertEqual(mm.tags.readView(pa: page + 60, size: 8, value: mm.raw(page + 60), mecid: 7), 0x2222_2222_DEAD_BEEF)
        XCTAssertFalse(mm.m.memory.mecMatches(pa: page, count: 128, mecid: 3))
        XCTAssertTrue(mm.m.memory.mecMatches(pa: page, count: 64, mecid: 3))
    }

    func testPageCrossingStoreRetagsBothPages() {
        let mm = MECMachine()
        mm.realmEL2(p0: 5)
        let a = ram + 0x8000, b = ram + 0x9000
        // With the MMU off every data access is Device: a page-crossing access
        // must be unaligned and faults; use EL1 with HCR_EL2.DC (Normal memory).
        // DC turns stage 2 on: an identity 1 GiB block, its table written with
        // the stage 2 walk's MECID (VMECID_P_EL2).
        let s2root = ram + 0x1_0000
        func stage2Table(mecid: UInt16) {
            let d: UInt64 = 0x4000_0000 | 0xF << 2 | 3 << 6 | 3 << 8 | 1 << 10 | 1
            withUnsafeBytes(of: d.littleEndian) { XCTAssertTrue(mm.m.memory.writePhysical(pa: s2root + 8, bytes: $0, mecid: mecid)) }
        }
        stage2Table(mecid: 5)
        mm.set("VTTBR_EL2", s2root)
        mm.set("VTCR_EL2", 24 | 1 << 6 | 5 << 16 | 1 << 31)
        mm.set("HCR_EL2", 1 << 12 | 1 << 31)
        mm.set("VMECID_P_EL2", 5)
        mm.cpu.setEL(1)
        mm.cpu.flushTLB()
        mm.cpu.storeSlow(va: b - 4, size: 8, value: 0x0807_0605_0403_0201, mmuIndex: 1)
        XCTAssertFalse(mm.cpu.exceptionTaken)
        XCTAssertEqual(mm.tags.lineTag(pa: b - 4), 5)
        XCTAssertEqual(mm.tags.lineTag(pa: b), 5)
        XCTAssertEqual(mm.tags.lineTag(pa: a), 0)
        XCTAssertEqual(mm.tags.lineTag(pa: b + 64), 0)
        XCTAssertEqual(mm.cpu.loadSlow(va: b - 4, size: 8, mmuIndex: 1), 0x0807_0605_0403_0201)
        XCTAssertEqual(mm.cpu.loadSlow(va: b - 8, size: 8, mmuIndex: 1), 0x0403_0201_DEAD_BEEF)
        mm.set("VMECID_P_EL2", 0)
        stage2Table(mecid: 0)
        mm.cpu.flushTLB()
        XCTAssertEqual(mm.cpu.loadSlow(va: b - 4, size: 8, mmuIndex: 1), dead)
        XCTAssertEqual(mm.cpu.loadSlow(va: b - 72, size: 8, mmuIndex: 1), 0)
    }

    func testSubstituteDataPerWord() {
        XCTAssertEqual(MECTagStore.substituteValue(pa: 0x1000, size: 8), 0xDEAD_BEEF_DEAD_BEEF)
        XCTAssertEqual(MECTagStore.substituteValue(pa: 0x1002, size: 4), 0xBEEF_DEAD)
        XCTAssertEqual(MECTagStore.substituteValue(pa: 0x1003, size: 1), 0xDE)
        XCTAssertEqual(MECTagStore.substituteValue(pa: 0x1001, size: 2), 0xADBE)
    }

    func testTLBFillOnlyForAUniformMatchingPageAndPreciseInvalidation() {
        let mm = MECMachine()
        mm.realmEL2(p0: 3)
        let p1 = ram + 0x1_0000, p2 = ram + 0x1_1000
        mm.store(p1, 1)   // line of p1 tagged 3: mixed
        for off in stride(from: UInt64(0), to: 4096, by: 64) { mm.store(p2 + off, 2) }
        XCTAssertEqual(mm.tags.uniformTag(pa: p2), 3)
        // p2 (uniform 3) is filled; p1 (mixed) is not; a MECID 0 page is not for MECID 3.
        _ = mm.load(p2)
        _ = mm.load(p1)
        _ = mm.load(ram + 0x2_0000)
        XCTAssertEqual(mm.m.tlbEntry(va: p2, mmuIndex: 2).read, p2)
        XCTAssertEqual(mm.m.tlbEntry(va: p1, mmuIndex: 2).read, TLB.invalidTag)
        XCTAssertEqual(mm.m.tlbEntry(va: ram + 0x2_0000, mmuIndex: 2).read, TLB.invalidTag)
        // Another page filled at EL1 (VMECID_P = 0 with EMEC... Realm EL1&0: VMECID_P_EL2).
        mm.set("VMECID_P_EL2", 0)
        mm.cpu.setEL(1)
        _ = mm.load(ram + 0x2_0000)
        XCTAssertEqual(mm.m.tlbEntry(va: ram + 0x2_0000, mmuIndex: 1).read, ram + 0x2_0000)
        mm.cpu.setEL(2)
        // DMA (MECID 0) into p2 re-tags it: exactly p2's entries go.
        let flushes = mm.cpu.tlbFlushCount
        let scans = mm.tags.statistics.tlbPageScans
        XCTAssertTrue([UInt8](repeating: 0, count: 16).withUnsafeBytes { mm.m.memory.writePhysical(pa: p2 + 0x100, bytes: $0) })
        XCTAssertEqual(mm.m.tlbEntry(va: p2, mmuIndex: 2).read, TLB.invalidTag)
        XCTAssertEqual(mm.m.tlbEntry(va: ram + 0x2_0000, mmuIndex: 1).read, ram + 0x2_0000, "other pages stay")
        XCTAssertEqual(mm.cpu.tlbFlushCount, flushes, "no flush")
        XCTAssertEqual(mm.tags.statistics.tlbPageScans, scans + 1)
        // A re-tag of a page no TLB holds does not scan.
        XCTAssertTrue([UInt8](repeating: 0, count: 16).withUnsafeBytes { mm.m.memory.writePhysical(pa: ram + 0x3_0000, bytes: $0, mecid: 9) })
        XCTAssertEqual(mm.tags.statistics.tlbPageScans, scans + 1)
        // Stores through a filled entry keep the page's tag: no re-tag.
        let retags = mm.tags.statistics.pageRetags
        mm.store(ram + 0x2_0008, 7)   // at EL2 with MECID 3: re-tags (line of a MECID 0 page)
        XCTAssertEqual(mm.tags.statistics.pageRetags, retags + 1)
    }

    func testRegisterWritesFlushOnlyTheIndicesThatUseThem() {
        let mm = MECMachine()
        mm.realmEL2(p0: 0)
        mm.set("VMECID_P_EL2", 0)
        let pa = ram + 0x5000
        for e in [0, 1, 2] {
            mm.cpu.setEL(e)
            _ = mm.cpu.loadSlow(va: pa, size: 8, mmuIndex: e)
        }
        mm.cpu.setEL(3)
        _ = mm.cpu.loadSlow(va: pa, size: 8, mmuIndex: 3)
        func filled(_ i: Int) -> Bool { mm.m.tlbEntry(va: pa, mmuIndex: i).read == pa }
        XCTAssertTrue(filled(0) && filled(1) && filled(2) && filled(3))
        mm.cpu.setEL(2)
        // MECID_P0_EL2: the EL2 index only.
        XCTAssertTrue(mm.cpu.writeSysReg(key: mm.key("MECID_P0_EL2"), value: 8))
        XCTAssertFalse(filled(2))
        XCTAssertTrue(filled(0) && filled(1) && filled(3))
        // Writing the same value again flushes nothing.
        mm.cpu.setEL(1); _ = mm.cpu.loadSlow(va: pa, size: 8, mmuIndex: 1); mm.cpu.setEL(2)
        let n = mm.cpu.tlbFlushCount
        XCTAssertTrue(mm.cpu.writeSysReg(key: mm.key("MECID_P0_EL2"), value: 8))
        XCTAssertEqual(mm.cpu.tlbFlushCount, n)
        // VMECID_P_EL2: EL1&0.
        XCTAssertTrue(mm.cpu.writeSysReg(key: mm.key("VMECID_P_EL2"), value: 1))
        XCTAssertFalse(filled(0) || filled(1))
        XCTAssertTrue(filled(3))
        // MECID_RL_A_EL3 (from EL3): index 3.
        mm.cpu.setEL(3)
        XCTAssertTrue(mm.cpu.writeSysReg(key: mm.key("MECID_RL_A_EL3"), value: 1))
        XCTAssertFalse(filled(3))
        // Without tags, a MECID write flushes nothing (MECIDs are not part of a translation).
        let off = MECMachine(tags: false)
        off.cpu.setEL(3)
        _ = off.cpu.loadSlow(va: pa, size: 8, mmuIndex: 3)
        let k = off.cpu.tlbFlushCount
        XCTAssertTrue(off.cpu.writeSysReg(key: off.key("MECID_RL_A_EL3"), value: 1))
        XCTAssertEqual(off.cpu.tlbFlushCount, k)
        XCTAssertEqual(off.m.tlbEntry(va: pa, mmuIndex: 3).read, pa)
    }

    func testExclusivesAndAtomics() throws {
        let mm = MECMachine()
        mm.realmEL2(p0: 3)
        let pa = ram + 0xA000
        mm.store(pa, 0x1234)
        mm.useMECID(4)
        // A read-only exclusive with the wrong MECID reads substitute data, memory untouched.
        let pr = try XCTUnwrap(mm.cpu.hostAddressForAtomic(va: pa, size: 8, mmuIndex: 2, isWrite: false))
        XCTAssertEqual(pr.load(as: UInt64.self), dead)
        XCTAssertEqual(mm.raw(pa), 0x1234)
        XCTAssertEqual(mm.tags.lineTag(pa: pa), 3)
        // A read-modify-write re-tags the line first: it reads the substitute data.
        let pw = try XCTUnwrap(mm.cpu.hostAddressForAtomic(va: pa, size: 8, mmuIndex: 2, isWrite: false, readModifyWrite: true))
        XCTAssertEqual(pw.load(as: UInt64.self), dead)
        XCTAssertEqual(mm.tags.lineTag(pa: pa), 4)
        pw.storeBytes(of: UInt64(0x4444), as: UInt64.self)
        XCTAssertEqual(mm.load(pa), 0x4444)
        XCTAssertEqual(mm.load(pa + 8), dead)
        // Matching MECID: the memory itself.
        let p = try XCTUnwrap(mm.cpu.hostAddressForAtomic(va: pa, size: 8, mmuIndex: 2, isWrite: true))
        XCTAssertEqual(UInt(bitPattern: p), UInt(bitPattern: mm.m.memory.hostPointer(pa: pa, length: 8)!))
    }

    func testDCZVAStyleFillAndLoaderWritesRetag() {
        let mm = MECMachine()
        mm.realmEL2(p0: 3)
        let pa = ram + 0xB000
        for off in stride(from: UInt64(0), to: 4096, by: 8) { mm.store(pa + off, 0x33) }
        mm.useMECID(4)
        // The firmware scrubs with the next owner's MECID: 64 zero bytes per line.
        for off in stride(from: UInt64(0), to: 4096, by: 64) {
            XCTAssertTrue(mm.m.memory.fillPhysical(pa: pa + off, byte: 0, count: 64, mecid: 4))
        }
        XCTAssertEqual(mm.tags.uniformTag(pa: pa), 4)
        XCTAssertEqual(mm.load(pa + 0x100), 0, "zeros, never a spurious 0xdeadbeef")
        // Loader/DMA writes default to MECID 0.
        XCTAssertTrue([UInt8](repeating: 0xAB, count: 4096).withUnsafeBytes { mm.m.memory.writePhysical(pa: pa, bytes: $0) })
        XCTAssertEqual(mm.tags.uniformTag(pa: pa), 0)
        XCTAssertEqual(mm.load(pa), dead)
    }

    func testInstructionFetchSeesSubstituteData() throws {
        let mm = MECMachine()
        let page = ram + 0xC000
        // Code written by the loader (MECID 0); Realm EL2 fetches with MECID 0: the memory.
        let nop: [UInt8] = [0x1F, 0x20, 0x03, 0xD5]
        XCTAssertTrue((0..<1024).flatMap { _ in nop }.withUnsafeBytes { mm.m.memory.writePhysical(pa: page, bytes: $0) })
        mm.realmEL2(p0: 0)
        let (pa, host) = try XCTUnwrap(mm.cpu.translateCode(va: page + 0x40))
        XCTAssertEqual(pa, page + 0x40)
        XCTAssertEqual(host.load(as: UInt32.self), 0xD503_201F)
        XCTAssertEqual(mm.cpu.codeView(host: host), 0)
        XCTAssertEqual(mm.m.tlbEntry(va: page, mmuIndex: 2).code, page)
        // With MECID 6 the fetch sees 0xdeadbeef and nothing is put in the TLB.
        mm.useMECID(6)
        let (_, h2) = try XCTUnwrap(mm.cpu.translateCode(va: page + 0x40))
        XCTAssertEqual(h2.load(as: UInt32.self), 0xDEAD_BEEF)
        XCTAssertEqual(mm.cpu.codeView(host: h2), 0x1_0006)
        XCTAssertEqual(mm.m.tlbEntry(va: page, mmuIndex: 2).code, TLB.invalidTag)
        // A mixed page: the lines MECID 6 wrote are its code; the others are ciphertext.
        XCTAssertTrue((0..<16).flatMap { _ in nop }.withUnsafeBytes { mm.m.memory.writePhysical(pa: page + 0x40, bytes: $0, mecid: 6) })
        let (_, h3) = try XCTUnwrap(mm.cpu.translateCode(va: page + 0x40))
        XCTAssertEqual(h3.load(as: UInt32.self), 0xD503_201F)
        XCTAssertEqual((h3 - 0x40).load(as: UInt32.self), 0xDEAD_BEEF)
        XCTAssertEqual((h3 + 0x40).load(as: UInt32.self), 0xDEAD_BEEF)
        XCTAssertEqual(mm.cpu.codeView(host: h3), 0x1_0006)
        mm.useMECID(0)
        let (_, h4) = try XCTUnwrap(mm.cpu.translateCode(va: page + 0x80))
        XCTAssertEqual(h4.load(as: UInt32.self), 0xD503_201F)
        XCTAssertEqual((h4 - 0x40).load(as: UInt32.self), 0xDEAD_BEEF)
        XCTAssertEqual(mm.cpu.codeView(host: h4), 0x1_0000)
    }

    func testWithoutTagsNothingChanges() {
        let mm = MECMachine(tags: false)
        mm.realmEL2(p0: 3)
        mm.store(ram + 0xD000, 0x77)
        mm.useMECID(4)
        XCTAssertEqual(mm.load(ram + 0xD000), 0x77)
        XCTAssertEqual(mm.m.tlbEntry(va: ram + 0xD000, mmuIndex: 2).read, ram + 0xD000)
    }
}

/// The walker's side: output PA space, the AMEC descriptor bit and its fault,
/// and translation table walks with their own MECID (Realm EL2, MMU on).
final class MECWalkerTests: XCTestCase {
    let ram = TestMachine.ramBase
    let dead: UInt64 = 0xDEAD_BEEF_DEAD_BEEF

    /// Identity map of the 1 MiB of RAM with 4 KiB pages (L1 at ram+0x1000,
    /// L2 at +0x2000, L3 at +0x3000), written by the loader (MECID 0).
    /// `extra(page)` adds bits to a page descriptor.
    func mapRAM(_ mm: MECMachine, extra: (UInt64) -> UInt64) {
        let l1 = ram + 0x1000, l2 = ram + 0x2000, l3 = ram + 0x3000
        func put(_ pa: UInt64, _ v: UInt64) { mm.m.writeRAM(pa, (0..<8).map { UInt8(truncatingIfNeeded: v >> UInt64(8 * $0)) }) }
        put(l1 + 8 * 1, l2 | 3)                       // VA 0x4000_0000 (1 GiB): table
        put(l2, l3 | 3)                               // first 2 MiB: table
        for i in 0..<256 {
            let pa = ram + UInt64(i) << 12
            put(l3 + UInt64(8 * i), pa | 1 << 10 | 3 | extra(pa))   // AF, page, MAIR index 0
        }
        mm.set("MAIR_EL2", 0xFF)
        mm.set("TTBR0_EL2", l1)
        mm.set("TCR_EL2", 25 | 5 << 16)               // T0SZ 25 (start at level 1), 4 KiB, PS 48 bits
        mm.set("SCTLR_EL2", mm.get("SCTLR_EL2") | 1)
        mm.cpu.flushTLB()
    }

    func testAMECDescriptorsSelectTheAlternateMECID() {
        let mm = MECMachine()
        mm.realmEL2(p0: 0)
        let alt = ram + 0x8_0000, plain = ram + 0x8_1000, ns = ram + 0x8_2000
        mapRAM(mm) { pa in
            switch pa {
            case alt: return 1 << 63
            case ns: return 1 << 63 | 1 << 5         // NS = 1: Non-secure PA space, AMEC is RES0
            default: return 0
            }
        }
        mm.set("MECID_A0_EL2", 3)
        mm.set("TCR2_EL2", MECRegisters.amec0)
        mm.store(alt, 0xA1)
        mm.store(plain, 0xB2)
        mm.store(ns, 0xC3)
        XCTAssertEqual(mm.tags.lineTag(pa: alt), 3)
        XCTAssertEqual(mm.tags.lineTag(pa: plain), 0)
        XCTAssertEqual(mm.tags.lineTag(pa: ns), 0)
        XCTAssertEqual(mm.load(alt), 0xA1)
        // Another alternate MECID reads ciphertext; the primary pages are unaffected.
        XCTAssertTrue(mm.cpu.writeSysReg(key: mm.key("MECID_A0_EL2"), value: 4))
        XCTAssertEqual(mm.load(alt), dead)
        XCTAssertEqual(mm.load(plain), 0xB2)
        XCTAssertEqual(mm.load(ns), 0xC3)
        // TCR2_EL2.AMEC0 = 0: a descriptor with AMEC = 1 gives a level 3 Translation fault.
        XCTAssertTrue(mm.cpu.writeSysReg(key: mm.key("TCR2_EL2"), value: 0))
        _ = mm.cpu.loadSlow(va: alt, size: 8, mmuIndex: 2)
        XCTAssertTrue(mm.cpu.exceptionTaken)
        XCTAssertEqual(mm.cpu.sysreg(SysRegTable.esr[2]) & 0x3F, 0x07)
        mm.cpu.exceptionTaken = false
        mm.cpu.setEL(2)
        XCTAssertEqual(mm.load(plain), 0xB2)
        // ...not in the Non-secure PA space (NS = 1).
        XCTAssertEqual(mm.load(ns), 0xC3)
    }

    func testWalksUseMECID_P0() {
        let mm = MECMachine()
        mm.realmEL2(p0: 0)
        mapRAM(mm) { _ in 0 }
        mm.store(ram + 0x9_0000, 1)
        // Tables written with MECID 0 read as ciphertext by a walk with MECID 5:
        // the descriptor 0xdeadbeefdeadbeef points outside RAM.
        XCTAssertTrue(mm.cpu.writeSysReg(key: mm.key("MECID_P0_EL2"), value: 5))
        _ = mm.cpu.loadSlow(va: ram + 0x9_0000, size: 8, mmuIndex: 2)
        XCTAssertTrue(mm.cpu.exceptionTaken)
        let dfsc = mm.cpu.sysreg(SysRegTable.esr[2]) & 0x3F
        XCTAssertTrue((0x14...0x17).contains(dfsc) || (0x04...0x07).contains(dfsc) || dfsc <= 3, "a walk fault, got \(hex(dfsc))")
    }

    func testEL3RealmMappingsUseMECID_RL_A_EL3() {
        let mm = MECMachine()
        let page = ram + 0x8_0000
        // EL3 regime: TTBR0_EL3, {NSE, NS} = {1, 1} for the Realm PA space.
        let l1 = ram + 0x1000, l2 = ram + 0x2000, l3 = ram + 0x3000
        func put(_ pa: UInt64, _ v: UInt64) { mm.m.writeRAM(pa, (0..<8).map { UInt8(truncatingIfNeeded: v >> UInt64(8 * $0)) }) }
        put(l1 + 8, l2 | 3)
        put(l2, l3 | 3)
        for i in 0..<256 {
            let pa = ram + UInt64(i) << 12
            put(l3 + UInt64(8 * i), pa | 1 << 10 | 3 | (pa == page ? 1 << 11 | 1 << 5 : 1 << 11))   // Realm / Root
        }
        mm.set("MAIR_EL3", 0xFF)
        mm.set("TTBR0_EL3", l1)
        mm.set("TCR_EL3", 25 | 5 << 16)
        mm.set("SCTLR_EL3", mm.get("SCTLR_EL3") | 1)
        mm.set("SCTLR2_EL3", MECRegisters.emec)
        mm.set("MECID_RL_A_EL3", 7)
        mm.cpu.flushTLB()
        mm.store(page, 0x77)
        XCTAssertEqual(mm.tags.lineTag(pa: page), 7)
        XCTAssertEqual(mm.tags.lineTag(pa: page + 0x1000), 0)
        mm.store(page + 0x1000, 0x88)   // Root PA space: MECID 0
        XCTAssertEqual(mm.tags.lineTag(pa: page + 0x1000), 0)
        XCTAssertTrue(mm.cpu.writeSysReg(key: mm.key("MECID_RL_A_EL3"), value: 8))
        XCTAssertEqual(mm.load(page), dead)
        XCTAssertEqual(mm.load(page + 0x1000), 0x88)
    }
}
