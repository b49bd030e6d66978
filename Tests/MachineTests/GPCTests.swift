import XCTest
@testable import Machine

/// FEAT_RME: the granule protection check (GPT walk with 4 KiB PGS, level 0
/// blocks, level 1 granules and contiguous descriptors, every GPI against
/// every PA space), how its faults are reported (GPC exception to EL3 or
/// granule protection fault as an abort), the registers, and the TLB.
final class GPCTests: XCTestCase {
    // The GPT lives in the test machine's 1 MiB of RAM at 0x4000_0000:
    // PPS = 32 bits (4 level 0 entries of 1 GiB), PGS = 4 KiB.
    static let l0: UInt64 = TestMachine.ramBase + 0xF_0000
    static let l1: UInt64 = TestMachine.ramBase + 0xC_0000   // 128 KiB, aligned to its size
    /// Outer Shareable, GPC on, PPS 32 bits, PGS 4 KiB.
    static let gpccrOn: UInt64 = 0b10 << 12 | RMERegisters.gpccrGPC

    var m: TestMachine!
    var cpu: CPU { m.cpu }

    override func setUp() {
        var c = TestMachine.config(el2: true, el3: true)
        c.hasRME = true
        m = TestMachine(config: c)
        cpu.setEL(3)
        cpu.setSysreg(RMERegisters.gptbr, GPCTests.l0 >> 12)
    }

    func put(_ pa: UInt64, _ v: UInt64) {
        m.writeRAM(pa, (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) })
    }

    /// Level 0 entry 1 (the GiB holding the RAM): a block with `gpi`.
    func block(_ gpi: UInt64) {
        put(GPCTests.l0 + 8, gpi << 4 | 0b0001)
        cpu.setSysreg(RMERegisters.gpccr, GPCTests.gpccrOn)
    }

    /// Level 0 entry 1 points to the level 1 table; the level 1 entry for
    /// `pa` holds `entry`.
    func level1(_ pa: UInt64, _ entry: UInt64) {
        put(GPCTests.l0 + 8, GPCTests.l1 | 0b0011)
        put(GPCTests.l1 + ((pa >> 16) & 0x3FFF) * 8, entry)
        cpu.setSysreg(RMERegisters.gpccr, GPCTests.gpccrOn)
    }

    let spaces: [PASpace] = [.secure, .nonSecure, .root, .realm]

    func allowed(_ gpi: UInt64, _ s: PASpace) -> Bool {
        gpi == GPI.all || (gpi != GPI.noAccess && gpi & 3 == UInt64(s.rawValue))
    }

    func testGPCOffChecksNothing() {
        XCTAssertNil(cpu.granuleProtectionCheck(pa: TestMachine.ramBase, space: .realm))
        var c = TestMachine.config(el2: true, el3: true)
        c.hasRME = false
        let plain = TestMachine(config: c)
        plain.cpu.setSysreg(RMERegisters.gpccr, GPCTests.gpccrOn)
        XCTAssertFalse(plain.cpu.gpcEnabled)
    }

    func testEveryGPIAgainstEveryPASpaceAtLevel0() {
        let pa = TestMachine.ramBase + 0x1234
        for gpi in [GPI.noAccess, GPI.secure, GPI.nonSecure, GPI.root, GPI.realm, GPI.all] {
            block(gpi)
            for s in spaces {
                let f = cpu.granuleProtectionCheck(pa: pa, space: s)
                if allowed(gpi, s) {
                    XCTAssertNil(f, "GPI \(gpi) \(s)")
                } else {
                    XCTAssertEqual(f, GPCFault(kind: .fail, level: 0, pa: pa, paSpace: s, gpi: gpi), "GPI \(gpi) \(s)")
                }
            }
        }
        for reserved: UInt64 in [0b0001, 0b0111, 0b1100, 0b1101, 0b1110] {
            block(reserved)
            XCTAssertEqual(cpu.granuleProtectionCheck(pa: pa, space: .nonSecure)?.kind, .walk, "GPI \(reserved)")
        }
    }

    func testEveryGPIAgainstEveryPASpaceAtLevel1() {
        // One level 1 entry: 16 granules of 4 KiB, granule i has GPI gpis[i].
        let gpis: [UInt64] = [GPI.noAccess, GPI.secure, GPI.nonSecure, GPI.root, GPI.realm, GPI.all,
                              0b0101, GPI.all, GPI.all, GPI.all, GPI.all, GPI.all, GPI.all, GPI.all, GPI.all, GPI.realm]
        let base = TestMachine.ramBase + 0x2_0000
        let entry = gpis.enumerated().reduce(UInt64(0)) { $0 | $1.element << (4 * UInt64($1.offset)) }
        level1(base, entry)
        for (i, gpi) in gpis.enumerated() {
            let pa = base + UInt64(i) << 12 + 0x10
            for s in spaces {
                let f = cpu.granuleProtectionCheck(pa: pa, space: s)
                if gpi == 0b0101 {
                    XCTAssertEqual(f?.kind, .walk, "granule \(i)")
                    XCTAssertEqual(f?.level, 1)
                } else if allowed(gpi, s) {
                    XCTAssertNil(f, "granule \(i) GPI \(gpi) \(s)")
                } else {
                    XCTAssertEqual(f, GPCFault(kind: .fail, level: 1, pa: pa, paSpace: s, gpi: gpi), "granule \(i) GPI \(gpi) \(s)")
                    XCTAssertEqual(f?.gpcsc, 0b001101)
                    XCTAssertEqual(f?.fsc, 0x28)
                }
            }
        }
    }

    func testContiguousDescriptor() {
        let pa = TestMachine.ramBase + 0x3_4000
        level1(pa, 0b01 << 8 | GPI.realm << 4 | 0b0001)   // 2 MiB contiguous, Realm
        XCTAssertNil(cpu.granuleProtectionCheck(pa: pa, space: .realm))
        XCTAssertEqual(cpu.granuleProtectionCheck(pa: pa, space: .nonSecure)?.kind, .fail)
        level1(pa, GPI.realm << 4 | 0b0001)                // contig size 0: reserved
        XCTAssertEqual(cpu.granuleProtectionCheck(pa: pa, space: .realm)?.kind, .walk)
    }

    func testGPTFaults() {
        let pa = TestMachine.ramBase
        put(GPCTests.l0 + 8, 0b0101)   // invalid level 0 descriptor
        cpu.setSysreg(RMERegisters.gpccr, GPCTests.gpccrOn)
        XCTAssertEqual(cpu.granuleProtectionCheck(pa: pa, space: .root), GPCFault(kind: .walk, level: 0, pa: pa, paSpace: .root))
        put(GPCTests.l0 + 8, GPI.all << 4 | 0b0001 | 1 << 8)   // RES0 bit set in a block
        XCTAssertEqual(cpu.granuleProtectionCheck(pa: pa, space: .root)?.kind, .walk)
        // Beyond the 4 GiB PPS: Non-secure passes, the others fault (address size, level 0).
        let high: UInt64 = 0x1_0000_0000
        XCTAssertNil(cpu.granuleProtectionCheck(pa: high, space: .nonSecure))
        XCTAssertEqual(cpu.granuleProtectionCheck(pa: high, space: .realm), GPCFault(kind: .addressSize, level: 0, pa: high, paSpace: .realm))
        // A GPT where no memory is: external abort on the GPT fetch.
        cpu.setSysreg(RMERegisters.gptbr, 0x2000_0000 >> 12)
        XCTAssertEqual(cpu.granuleProtectionCheck(pa: pa, space: .root)?.kind, .externalAbort)
        XCTAssertEqual(cpu.granuleProtectionCheck(pa: pa, space: .root)?.gpcsc, 0b010100)
        // Invalid configurations: a GPT walk fault at level 0.
        cpu.setSysreg(RMERegisters.gptbr, GPCTests.l0 >> 12)
        cpu.setSysreg(RMERegisters.gpccr, GPCTests.gpccrOn | 0b11 << 14)   // PGS reserved
        XCTAssertEqual(cpu.granuleProtectionCheck(pa: pa, space: .root)?.kind, .walk)
        cpu.setSysreg(RMERegisters.gpccr, GPCTests.gpccrOn | 6)            // PPS 52 bits > PARange
        XCTAssertEqual(cpu.granuleProtectionCheck(pa: pa, space: .root)?.kind, .walk)
        cpu.setSysreg(RMERegisters.gpccr, RMERegisters.gpccrGPC)           // non-shareable, non-cacheable
        XCTAssertEqual(cpu.granuleProtectionCheck(pa: pa, space: .root)?.kind, .walk)
    }

    // MARK: Reporting

    /// Non-secure EL2 (SCR_EL3.NS = 1, MMU off) reads a granule marked Realm.
    func realmGranuleFromNonSecureEL2(scr: UInt64) -> UInt64 {
        let pa = TestMachine.ramBase + 0x5_0008
        level1(pa, GPI.realm << (4 * ((pa >> 12) & 0xF)))
        cpu.setSysreg(SysRegTable.scrEL3, scr | SCRBits.ns | SCRBits.rw)
        cpu.setEL(2)
        cpu.faultPC = 0x4001_0000
        _ = cpu.loadSlow(va: pa, size: 8, mmuIndex: 2)
        XCTAssertTrue(cpu.exceptionTaken)
        return pa
    }

    func testGPFWithSCR_GPFIsAGPCExceptionToEL3() {
        let pa = realmGranuleFromNonSecureEL2(scr: RMERegisters.scrGPF)
        XCTAssertEqual(cpu.el, 3)
        let esr = cpu.sysreg(SysRegTable.esr[3])
        XCTAssertEqual(esr >> 26, 0x1E)
        XCTAssertEqual((esr >> 14) & 0x3F, 0b001101, "GPCSC: GPF at level 1")
        XCTAssertEqual(esr & 0x3F, 0x28)
        XCTAssertEqual((esr >> 20) & 1, 0, "InD")
        XCTAssertEqual(cpu.sysreg(RMERegisters.mfar), (pa & ~0xFFF) | RMERegisters.mfarNS)
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[3]), pa)
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[3]), 0x4001_0000)
        XCTAssertEqual(cpu.pc, TestMachine.vbar + 0x2_0000 + 0x400)
    }

    func testGPFWithoutSCR_GPFIsADataAbortAtEL2() {
        let pa = realmGranuleFromNonSecureEL2(scr: 0)
        XCTAssertEqual(cpu.el, 2)
        let esr = cpu.sysreg(SysRegTable.esr[2])
        XCTAssertEqual(esr >> 26, 0x25)
        XCTAssertEqual(esr & 0x3F, 0x28)
        XCTAssertEqual(cpu.sysreg(SysRegTable.far[2]), pa)
    }

    func testHCR_GPFRoutesEL1GPFsToEL2() {
        let pa = TestMachine.ramBase + 0x6_0000
        level1(pa, GPI.secure)
        cpu.setSysreg(SysRegTable.scrEL3, SCRBits.ns | SCRBits.rw)
        cpu.setSysreg(SysRegTable.hcrEL2, RMERegisters.hcrGPF | 1 << 31)
        cpu.setEL(1)
        cpu.storeSlow(va: pa, size: 4, value: 1, mmuIndex: 1)
        XCTAssertEqual(cpu.el, 2)
        let esr = cpu.sysreg(SysRegTable.esr[2])
        XCTAssertEqual(esr >> 26, 0x24)
        XCTAssertEqual(esr & 0x7F, 0x28 | 1 << 6, "DFSC GPF, WnR")
        XCTAssertEqual(m.readRAM(pa, 4), [0, 0, 0, 0], "nothing written")
    }

    /// A GPF on a stage 2 table (its granule is Secure, the walk Non-secure)
    /// is a second-stage fault: a data abort to EL2 with HPFAR_EL2, or a GPC
    /// exception with S2PTW.
    func testGPFOnAStage2WalkIsASecondStageFault() {
        let l1 = TestMachine.ramBase + 0x1_0000, l2 = TestMachine.ramBase + 0x1_1000
        put(l1 + 8, l2 | 3)                                             // IPA 1..2 GiB: table
        put(l2, TestMachine.ramBase | 0xF << 2 | 3 << 6 | 3 << 8 | 1 << 10 | 1)   // 2 MiB identity block
        var entry: UInt64 = 0
        for n in 0..<16 { entry |= (n == 1 ? GPI.secure : GPI.all) << UInt64(4 * n) }
        level1(l2, entry)                                               // only the level 2 table is Secure
        cpu.setSysreg(SysRegTable.slot("VTTBR_EL2"), l1)
        cpu.setSysreg(SysRegTable.slot("VTCR_EL2"), 32 | 1 << 6 | 5 << 16 | 1 << 31)   // 32-bit IPA from level 1
        cpu.setSysreg(SysRegTable.hcrEL2, 1 << 31 | 1)
        for scr in [UInt64(0), RMERegisters.scrGPF] {
            cpu.setSysreg(SysRegTable.scrEL3, scr | SCRBits.ns | SCRBits.rw)
            cpu.setEL(1)
            cpu.flushTLB()
            cpu.faultPC = 0x4001_0000
            _ = cpu.loadSlow(va: TestMachine.ramBase + 0x8008, size: 8, mmuIndex: 1)
            XCTAssertTrue(cpu.exceptionTaken)
            cpu.exceptionTaken = false
            if scr == 0 {
                XCTAssertEqual(cpu.el, 2)
                XCTAssertEqual(cpu.sysreg(SysRegTable.esr[2]) & 0xFC00_01FF, 0x9000_0026, "DFSC: GPF on the walk, level 2")
                XCTAssertEqual(cpu.sysreg(SysRegTable.slot("HPFAR_EL2")), ((TestMachine.ramBase + 0x8000) >> 12) << 4)
            } else {
                XCTAssertEqual(cpu.el, 3)
                let esr = cpu.sysreg(SysRegTable.esr[3])
                XCTAssertEqual(esr >> 26, 0x1E)
                XCTAssertEqual((esr >> 21) & 1, 1, "S2PTW")
                XCTAssertEqual(esr & 0x3F, 0x26)
                XCTAssertEqual(cpu.sysreg(RMERegisters.mfar), l2 | RMERegisters.mfarNS)
            }
        }
    }

    func testGPFAtEL3IsADataAbortAtEL3EvenWithSCR_GPF() {
        let pa = TestMachine.ramBase + 0x7_0000
        level1(pa, GPI.realm)
        cpu.setSysreg(SysRegTable.scrEL3, RMERegisters.scrGPF)
        _ = cpu.loadSlow(va: pa, size: 4, mmuIndex: 3)   // EL3, MMU off: Root
        XCTAssertEqual(cpu.el, 3)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[3]) >> 26, 0x25)
        XCTAssertEqual(cpu.sysreg(SysRegTable.esr[3]) & 0x3F, 0x28)
    }

    func testGPTWalkFaultIsAlwaysAGPCExceptionAndFetchesSetInD() {
        let pa = TestMachine.ramBase + 0x8_0000
        level1(pa, 0b0110)   // reserved GPI for granule 0
        cpu.setSysreg(SysRegTable.scrEL3, SCRBits.ns | SCRBits.rw)
        cpu.setEL(2)
        XCTAssertNil(cpu.translateCode(va: pa))
        XCTAssertEqual(cpu.el, 3)
        let esr = cpu.sysreg(SysRegTable.esr[3])
        XCTAssertEqual(esr >> 26, 0x1E)
        XCTAssertEqual((esr >> 20) & 1, 1, "InD")
        XCTAssertEqual((esr >> 14) & 0x3F, 0b000101, "GPCSC: GPT walk fault at level 1")
        XCTAssertEqual(cpu.sysreg(SysRegTable.elr[3]), pa)
    }

    func testRootAccessFromEL3PassesAndFillsTheTLB() {
        let pa = TestMachine.ramBase + 0x9_0000
        m.writeRAM(pa, [1, 2, 3, 4])
        level1(pa, GPI.root)
        XCTAssertEqual(cpu.loadSlow(va: pa, size: 4, mmuIndex: 3), 0x0403_0201)
        XCTAssertFalse(cpu.exceptionTaken)
        XCTAssertEqual(m.tlbEntry(va: pa, mmuIndex: 3).read, pa)
        // A write to GPCCR_EL3 (or GPTBR_EL3) empties the TLB.
        XCTAssertTrue(cpu.writeSysReg(key: sysRegKey(op0: 3, op1: 6, crn: 2, crm: 1, op2: 6), value: GPCTests.gpccrOn))
        XCTAssertEqual(m.tlbEntry(va: pa, mmuIndex: 3).read, TLB.invalidTag)
    }

    func testAFailedCheckFillsNoTLBEntry() {
        let pa = TestMachine.ramBase + 0xA_0000
        level1(pa, GPI.nonSecure)
        cpu.setSysreg(SysRegTable.scrEL3, SCRBits.ns | SCRBits.rw)
        _ = cpu.loadSlow(va: pa, size: 4, mmuIndex: 3)
        XCTAssertTrue(cpu.exceptionTaken)
        XCTAssertEqual(m.tlbEntry(va: pa, mmuIndex: 3).read, TLB.invalidTag)
    }

    // MARK: Registers and maintenance

    func testRegisters() {
        let gpccr = sysRegKey(op0: 3, op1: 6, crn: 2, crm: 1, op2: 6)
        let gptbr = sysRegKey(op0: 3, op1: 6, crn: 2, crm: 1, op2: 4)
        let mfar = sysRegKey(op0: 3, op1: 6, crn: 6, crm: 0, op2: 5)
        XCTAssertEqual(SysRegTable.name(forKey: gpccr), "GPCCR_EL3")
        XCTAssertEqual(SysRegTable.name(forKey: gptbr), "GPTBR_EL3")
        XCTAssertEqual(SysRegTable.name(forKey: mfar), "MFAR_EL3")
        XCTAssertTrue(cpu.writeSysReg(key: gpccr, value: ~0))
        XCTAssertEqual(cpu.readSysReg(key: gpccr), RMERegisters.gpccrWritable, "L0GPTSZ reads 0 (30 bits)")
        XCTAssertTrue(cpu.writeSysReg(key: gptbr, value: ~0))
        XCTAssertEqual(cpu.readSysReg(key: gptbr), 0xFF_FFFF_FFFF)
        XCTAssertTrue(cpu.writeSysReg(key: mfar, value: ~0))
        XCTAssertEqual(cpu.readSysReg(key: mfar), 0xC00F_FFFF_FFFF_F000)
        cpu.setEL(2)
        XCTAssertNil(cpu.readSysReg(key: gpccr))
        var c = TestMachine.config(el2: true, el3: true)
        c.hasRME = false
        let plain = TestMachine(config: c)
        plain.cpu.setEL(3)
        XCTAssertNil(plain.cpu.readSysReg(key: gpccr))
        XCTAssertEqual((cpu.readSysReg(key: sysRegKey(op0: 3, op1: 0, crn: 0, crm: 4, op2: 0))! >> 52) & 0xF, 1, "ID_AA64PFR0_EL1.RME")
    }

    func testTLBIPAOperations() {
        let pa = TestMachine.ramBase + 0xB_0000
        block(GPI.all)
        for (crm, op2) in [(UInt64(7), UInt64(4)), (1, 4), (4, 3), (4, 7)] {
            _ = cpu.loadSlow(va: pa, size: 4, mmuIndex: 3)
            XCTAssertEqual(m.tlbEntry(va: pa, mmuIndex: 3).read, pa)
            XCTAssertTrue(cpu.tlbInvalidate(op1: 6, crm: crm, op2: op2, xt: 0))
            XCTAssertEqual(m.tlbEntry(va: pa, mmuIndex: 3).read, TLB.invalidTag, "TLBI op2 \(op2) CRm \(crm)")
        }
        cpu.setEL(2)
        XCTAssertFalse(cpu.tlbInvalidate(op1: 6, crm: 7, op2: 4, xt: 0), "PAALL is EL3 only")
        XCTAssertFalse(cpu.paCacheMaintenance(op2: 1), "DC CIPAPA is EL3 only")
        cpu.setEL(3)
        XCTAssertTrue(cpu.paCacheMaintenance(op2: 1))
        XCTAssertTrue(cpu.paCacheMaintenance(op2: 5))
    }

    func testOutputPASpaces() {
        // EL3 with RME: {NSE, NS} of the descriptor.
        XCTAssertEqual(cpu.stage1OutputPASpace(.el3, descriptor: 0, nsTable: false), .secure)
        XCTAssertEqual(cpu.stage1OutputPASpace(.el3, descriptor: 1 << 5, nsTable: false), .nonSecure)
        XCTAssertEqual(cpu.stage1OutputPASpace(.el3, descriptor: 1 << 11, nsTable: false), .root)
        XCTAssertEqual(cpu.stage1OutputPASpace(.el3, descriptor: 1 << 11 | 1 << 5, nsTable: false), .realm)
        // Realm EL2: NS selects Non-secure.
        cpu.setSysreg(SysRegTable.scrEL3, SCRBits.nse | SCRBits.ns)
        XCTAssertEqual(cpu.stage1OutputPASpace(.el2, descriptor: 0, nsTable: false), .realm)
        XCTAssertEqual(cpu.stage1OutputPASpace(.el2, descriptor: 1 << 5, nsTable: false), .nonSecure)
        // Secure EL1: NS or NSTable.
        cpu.setSysreg(SysRegTable.scrEL3, 0)
        XCTAssertEqual(cpu.stage1OutputPASpace(.el10, descriptor: 0, nsTable: false), .secure)
        XCTAssertEqual(cpu.stage1OutputPASpace(.el10, descriptor: 0, nsTable: true), .nonSecure)
        // Non-secure: always Non-secure.
        cpu.setSysreg(SysRegTable.scrEL3, SCRBits.ns)
        XCTAssertEqual(cpu.stage1OutputPASpace(.el10, descriptor: 0, nsTable: false), .nonSecure)
        // MMU off: the Security state's PA space.
        XCTAssertEqual(try cpu.lookup(TestMachine.ramBase, .read, el: 1).get().paSpace, .nonSecure)
        XCTAssertEqual(try cpu.lookup(TestMachine.ramBase, .read, el: 3).get().paSpace, .root)
    }
}
