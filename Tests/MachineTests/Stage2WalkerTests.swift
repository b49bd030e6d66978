import XCTest
@testable import Machine

/// Stage 2 tables in the test machine's RAM: a bump allocator from `next`,
/// 4 KiB granule, VTCR_EL2.T0SZ/SL0 as given. `mecid`: the MECID the table
/// writes carry (shadow tags).
private struct Stage2Tables {
    let m: TestMachine
    let t0sz: Int
    let sl0: Int
    var next: UInt64
    var root: UInt64 = 0
    var mecid: UInt16 = 0
    var start: Int { 2 - sl0 }
    static let ram = TestMachine.ramBase

    init(_ m: TestMachine, t0sz: Int = 24, sl0: Int = 1, at base: UInt64 = Stage2Tables.ram + 0x1_0000, mecid: UInt16 = 0) {
        self.m = m
        self.t0sz = t0sz
        self.sl0 = sl0
        self.next = base
        self.mecid = mecid
        let startBits = 64 - t0sz - shift(start)
        root = alloc(8 << startBits)
    }

    func shift(_ level: Int) -> Int { 12 + 9 * (3 - level) }

    func put(_ pa: UInt64, _ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { XCTAssertTrue(m.memory.writePhysical(pa: pa, bytes: $0, mecid: mecid)) }
    }
    func get(_ pa: UInt64) -> UInt64 {
        m.readRAM(pa, 8).enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    mutating func alloc(_ bytes: UInt64) -> UInt64 {
        next = (next + bytes - 1) & ~(bytes - 1)
        let t = next
        next += bytes
        for off in stride(from: 0, to: bytes, by: 8) { put(t + off, 0) }
        return t
    }

    /// The slot of `ipa`'s descriptor at `level` (tables made on the way).
    mutating func slot(_ ipa: UInt64, level: Int) -> UInt64 {
        var table = root
        var l = start
        while true {
            let s = shift(l)
            let bits = l == start ? 64 - t0sz - s : 9
            let e = table + ((ipa >> UInt64(s)) & ((1 << UInt64(bits)) - 1)) * 8
            if l == level { return e }
            var d = get(e)
            if d & 3 != 3 {
                d = alloc(4096) | 3
                put(e, d)
            }
            table = d & 0x0000_FFFF_FFFF_F000
            l += 1
        }
    }

    mutating func map(_ ipa: UInt64, _ pa: UInt64, level: Int = 3, _ attrs: UInt64 = S2.rw) {
        put(slot(ipa, level: level), pa | attrs | 1 | (level == 3 ? 2 : 0))
    }

    /// VTTBR, VTCR (PS 48 bits), HCR_EL2.{RW, VM}; the TLB flushed.
    func enable(hcr: UInt64 = 1 << 31 | 1) {
        m.cpu.setSysreg(SysRegTable.slot("VTTBR_EL2"), root)
        m.cpu.setSysreg(SysRegTable.slot("VTCR_EL2"), UInt64(t0sz) | UInt64(sl0) << 6 | 5 << 16 | 1 << 31)
        m.cpu.setSysreg(SysRegTable.hcrEL2, hcr)
        m.cpu.flushTLB()
    }
}

private enum S2 {
    static let normal: UInt64 = 0xF << 2
    static let r: UInt64 = 1 << 6
    static let w: UInt64 = 1 << 7
    static let af: UInt64 = 1 << 10
    static let xn: UInt64 = 1 << 54
    static let ns: UInt64 = 1 << 55
    static let amec: UInt64 = 1 << 63
    static let rw = normal | r | w | 3 << 8 | af
    static let ro = normal | r | 3 << 8 | af
}

final class Stage2WalkerTests: XCTestCase {
    let ram = TestMachine.ramBase
    let ipa: UInt64 = 0x8000_0000

    func machine() -> TestMachine {
        let m = TestMachine(config: TestMachine.config(el2: true))
        m.cpu.setEL(1)
        m.cpu.faultPC = 0x4000_0100
        return m
    }

    func s2fault(_ m: TestMachine, _ va: UInt64, _ access: AccessKind = .read) -> Stage2Fault? {
        if case .failure(.stage2(let f)) = m.cpu.walk(va, access, el: 1) { return f }
        return nil
    }

    func testConcatenatedStartLevelTablesAndBlocks() {
        let m = machine()
        var t = Stage2Tables(m)                         // 40-bit IPA from level 1: two concatenated tables
        XCTAssertEqual(t.next - t.root, 0x2000)
        t.map(ipa, ram + 0x8_0000)
        t.map(0x80_4000_0000, ram + 0x9_0000)           // IPA bit 39: the second table
        t.map(0x1_0000_0000, ram, level: 1, S2.rw)       // 1 GiB block
        t.map(0x2_0020_0000, ram, level: 2, S2.rw)       // 2 MiB block
        t.enable()
        XCTAssertEqual(try m.cpu.walk(ipa + 0x123, .read).get().pa, ram + 0x8_0123)
        XCTAssertEqual(try m.cpu.walk(ipa + 0x123, .read).get().stage2?.ipa, ipa + 0x123)
        XCTAssertEqual(try m.cpu.walk(0x80_4000_0008, .read).get().pa, ram + 0x9_0008)
        XCTAssertEqual(try m.cpu.walk(0x1_0000_4321, .read).get().pa, ram + 0x4321)
        XCTAssertEqual(try m.cpu.walk(0x2_0020_0010, .write).get().pa, ram + 0x10)
        XCTAssertEqual(s2fault(m, ipa + 0x1000), Stage2Fault(status: .translationL3, ipa: ipa + 0x1000, s1ptw: false))
        XCTAssertEqual(s2fault(m, 0x3_0000_0000)?.status, .translationL1)
        // Beyond the 40-bit IPA space: level 0.
        XCTAssertEqual(s2fault(m, 1 << 40)?.status, .translationL0)
        // Start level 2 with four concatenated tables (32-bit IPA).
        var t2 = Stage2Tables(m, t0sz: 32, sl0: 0, at: ram + 0x4_0000)
        XCTAssertEqual(t2.next - t2.root, 0x4000)
        t2.map(0xC000_0000, ram + 0x8_0000)
        t2.enable()
        XCTAssertEqual(try m.cpu.walk(0xC000_0010, .read).get().pa, ram + 0x8_0010)
    }

    func testInvalidConfigurationsFaultAtLevel0() {
        let m = machine()
        let t = Stage2Tables(m)
        t.enable()
        let vtcr = SysRegTable.slot("VTCR_EL2")
        func with(_ v: UInt64) -> FaultStatus? {
            m.cpu.setSysreg(vtcr, v | 5 << 16 | 1 << 31)
            m.cpu.flushTLB()
            return s2fault(m, ipa)?.status
        }
        XCTAssertEqual(with(24 | 3 << 6), .translationL0, "SL0 = 3 needs FEAT_TTST")
        XCTAssertEqual(with(24 | 0 << 6), .translationL0, "40 bits cannot start at level 2")
        XCTAssertEqual(with(33 | 2 << 6), .translationL0, "31 bits cannot start at level 0")
        XCTAssertEqual(with(12 | 1 << 6), .translationL0, "T0SZ below 16")
        XCTAssertEqual(with(24 | 1 << 6), .translationL1, "valid again: nothing is mapped")
        // VTTBR_EL2.BADDR beyond PS (32 bits): address size fault, level 0.
        m.cpu.setSysreg(vtcr, 24 | 1 << 6 | 0 << 16)
        m.cpu.setSysreg(SysRegTable.slot("VTTBR_EL2"), 0x1_0000_0000)
        m.cpu.flushTLB()
        XCTAssertEqual(s2fault(m, ipa)?.status, .addressSizeL0)
    }

    func testPermissionsAccessFlagAndXN() {
        let m = machine()
        var t = Stage2Tables(m)
        t.map(ipa, ram + 0x8_0000, S2.ro)
        t.map(ipa + 0x1000, ram + 0x8_0000, S2.normal | S2.w | S2.af)   // write-only
        t.map(ipa + 0x2000, ram + 0x8_0000, S2.rw & ~S2.af)
        t.map(ipa + 0x3000, ram + 0x8_0000, S2.ro | S2.xn)
        t.map(ipa + 0x4000, ram + 0x8_0000, S2.ro | 1 << 53)            // bit 53 ignored without FEAT_XNX
        t.enable()
        XCTAssertNotNil(try? m.cpu.walk(ipa, .read).get())
        XCTAssertEqual(s2fault(m, ipa, .write), Stage2Fault(status: .permissionL3, ipa: ipa, s1ptw: false))
        XCTAssertEqual(s2fault(m, ipa + 0x1000, .read)?.status, .permissionL3)
        XCTAssertNotNil(try? m.cpu.walk(ipa + 0x1000, .write).get())
        XCTAssertEqual(s2fault(m, ipa + 0x2000)?.status, .accessFlagL3)
        XCTAssertEqual(s2fault(m, ipa + 0x3000, .fetch)?.status, .permissionL3)
        XCTAssertNotNil(try? m.cpu.walk(ipa + 0x3000, .read).get())
        XCTAssertNotNil(try? m.cpu.walk(ipa + 0x4000, .fetch).get())
        // Debug lookups (semihosting, gdb) ignore AF.
        XCTAssertEqual(try m.cpu.lookup(ipa + 0x2000, .read, el: 1, debug: true).get().pa, ram + 0x8_0000)
    }

    func testStage1OnTopOfStage2() {
        let m = machine()
        var t = Stage2Tables(m)
        // Stage 1 tables at IPA 0x9000_0000.. (PA ram + 0xC_0000..), one level 1, 2 and 3 table.
        let s1 = ram + 0xC_0000, s1IPA: UInt64 = 0x9000_0000
        for i in 0..<4 { t.map(s1IPA + UInt64(i) << 12, s1 + UInt64(i) << 12, S2.rw) }
        t.map(ipa, ram + 0x8_0000, S2.ro)
        t.map(ipa + 0x1000, ram + 0x8_1000, S2.rw)
        t.enable()
        func put(_ pa: UInt64, _ v: UInt64) { t.put(pa, v) }
        for off in stride(from: UInt64(0), to: 0x4000, by: 8) { put(s1 + off, 0) }
        put(s1, (s1IPA + 0x1000) | 3)                     // L1[0] -> L2 at IPA +0x1000
        put(s1 + 0x1000, (s1IPA + 0x2000) | 3)            // L2[0] -> L3 at IPA +0x2000
        put(s1 + 0x1000 + 8, (s1IPA + 0x7000) | 3)        // L2[1] -> a table at an IPA stage 2 does not map
        let page: UInt64 = 1 << 10 | 3 << 8 | 3           // AF, inner shareable, page, MAIR index 0
        put(s1 + 0x2000 + 8, ipa | page)                  // VA 0x1000 -> IPA (stage 2 read-only)
        put(s1 + 0x2000 + 16, (ipa + 0x1000) | page)      // VA 0x2000 -> IPA + 0x1000
        put(s1 + 0x2000 + 24, (ipa + 0x1000) | page | 1 << 7)   // VA 0x3000: stage 1 read-only
        put(s1 + 0x2000 + 32, (ipa + 0x5000) | page)      // VA 0x4000 -> unmapped IPA
        m.cpu.setSysreg(SysRegTable.slot("MAIR_EL1"), 0xFF)
        m.cpu.setSysreg(SysRegTable.slot("TTBR0_EL1"), s1IPA)
        m.cpu.setSysreg(SysRegTable.slot("TCR_EL1"), 25 | 2 << 32 | 1 << 23)   // 39-bit VA, IPS 40 bits, EPD1
        m.cpu.setSysreg(SysRegTable.sctlr[1], m.cpu.sysreg(SysRegTable.sctlr[1]) | 1)
        m.cpu.flushTLB()
        XCTAssertEqual(try m.cpu.walk(0x1008, .read).get().pa, ram + 0x8_0008)
        XCTAssertEqual(try m.cpu.walk(0x2008, .write).get().pa, ram + 0x8_1008)
        // Stage 2 permission fault for the output; stage 1's own comes first.
        XCTAssertEqual(s2fault(m, 0x1008, .write), Stage2Fault(status: .permissionL3, ipa: ipa + 0x8, s1ptw: false))
        guard case .failure(.fault(.permissionL3)) = m.cpu.walk(0x3000, .write, el: 1) else { return XCTFail("stage 1 permission fault") }
        XCTAssertEqual(s2fault(m, 0x4000), Stage2Fault(status: .translationL3, ipa: ipa + 0x5000, s1ptw: false))
        // The walk: a stage 2 fault on the descriptor's IPA (S1PTW).
        XCTAssertEqual(s2fault(m, 0x20_0000), Stage2Fault(status: .translationL3, ipa: s1IPA + 0x7000, s1ptw: true))
        // With HCR_EL2.PTW a walk to stage 2 Device memory is a permission fault.
        t.map(s1IPA + 0x2000, s1 + 0x2000, (S2.rw & ~S2.normal) | 1 << 2)   // Device-nGnRE
        t.enable(hcr: 1 << 31 | 1 << 2 | 1)
        XCTAssertEqual(s2fault(m, 0x1000), Stage2Fault(status: .permissionL3, ipa: s1IPA + 0x2008, s1ptw: true))
        t.map(s1IPA + 0x2000, s1 + 0x2000, S2.rw)
        t.enable()
        // Device memory at stage 2 makes the access Device.
        t.map(ipa + 0x1000, ram + 0x8_1000, (S2.rw & ~S2.normal) | 1 << 2)
        m.cpu.flushTLB()
        XCTAssertEqual(try m.cpu.walk(0x2000, .read).get().device, true)
        XCTAssertEqual(try m.cpu.walk(0x2000, .read).get().attributes, 0x04)
        t.map(ipa + 0x1000, ram + 0x8_1000, S2.rw)
        m.cpu.flushTLB()

        // The exceptions: a data abort to EL2 with S1PTW, FAR_EL2 and HPFAR_EL2.
        _ = m.cpu.loadSlow(va: 0x20_0010, size: 8, mmuIndex: 1)
        XCTAssertTrue(m.cpu.exceptionTaken)
        XCTAssertEqual(m.cpu.el, 2)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[2]), 0x9200_0087)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.far[2]), 0x20_0010)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.slot("HPFAR_EL2")), ((s1IPA + 0x7000) >> 12) << 4)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.elr[2]), 0x4000_0100)
        m.cpu.setEL(1)
        m.cpu.exceptionTaken = false
        m.cpu.storeSlow(va: 0x1000, size: 4, value: 1, mmuIndex: 1)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[2]), 0x9200_004F)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.slot("HPFAR_EL2")), (ipa >> 12) << 4)
        m.cpu.setEL(1)
        m.cpu.exceptionTaken = false
        XCTAssertNil(m.cpu.translateCode(va: 0x4000))
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[2]), 0x8200_0007)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.elr[2]), 0x4000)

        // AT: S12E1R gives the PA, S1E1R the IPA; stage 2 faults set S (and PTW).
        m.cpu.setEL(2)
        let par = SysRegTable.slot("PAR_EL1")
        func at(_ op: AddressTranslationOp, _ va: UInt64) -> UInt64 {
            XCTAssertTrue(m.cpu.addressTranslate(op: op, va: va))
            return m.cpu.sysreg(par)
        }
        XCTAssertEqual(at(.s12e1r, 0x2008), 0xFF << 56 | (ram + 0x8_1000) | 0xB80)
        XCTAssertEqual(at(.s1e1r, 0x2008), 0xFF << 56 | (ipa + 0x1000) | 0xB80)
        XCTAssertEqual(at(.s12e1w, 0x1000), 0xA1F)
        XCTAssertEqual(at(.s12e1r, 0x4000), 0xA0F)
        XCTAssertEqual(at(.s12e1r, 0x20_0000), 0xB0F)
        XCTAssertEqual(at(.s1e1r, 0x20_0000), 0xB0F)
        XCTAssertEqual(at(.s12e1w, 0x3000), 0x81F, "stage 1 permission: S = 0")
        // AT S1E1R at EL1 whose walk faults at stage 2: taken to EL2, CM = WnR = 1.
        m.cpu.setEL(1)
        m.cpu.exceptionTaken = false
        XCTAssertTrue(m.cpu.addressTranslate(op: .s1e1r, va: 0x20_0000))
        XCTAssertTrue(m.cpu.exceptionTaken)
        XCTAssertEqual(m.cpu.el, 2)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[2]), 0x9200_01C7)
    }

    func testPANDenialIsAStage1PermissionFault() {
        let m = machine()
        var t = Stage2Tables(m)
        let s1 = ram + 0xC_0000
        t.map(0x9000_0000, s1, S2.rw)                      // stage 1 tables: one level 1, 2, 3 table
        t.map(0x9000_1000, s1 + 0x1000, S2.rw)
        t.map(0x9000_2000, s1 + 0x2000, S2.rw)
        t.map(ipa, ram + 0x8_0000, S2.ro)
        t.enable()
        for off in stride(from: UInt64(0), to: 0x3000, by: 8) { t.put(s1 + off, 0) }
        t.put(s1, 0x9000_1003)
        t.put(s1 + 0x1000, 0x9000_2003)
        t.put(s1 + 0x2000 + 8, ipa | 1 << 10 | 3 << 8 | 1 << 6 | 3)   // VA 0x1000: EL0 and EL1 read/write
        m.cpu.setSysreg(SysRegTable.slot("MAIR_EL1"), 0xFF)
        m.cpu.setSysreg(SysRegTable.slot("TTBR0_EL1"), 0x9000_0000)
        m.cpu.setSysreg(SysRegTable.slot("TCR_EL1"), 25 | 2 << 32 | 1 << 23)
        m.cpu.setSysreg(SysRegTable.sctlr[1], m.cpu.sysreg(SysRegTable.sctlr[1]) | 1)
        m.cpu.flushTLB()
        // Without PAN a write is refused by stage 2 (read-only)...
        XCTAssertNil(m.cpu.translate(0x1000, .write, el: 1, pan: false))
        XCTAssertEqual(m.cpu.el, 2)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[2]) & 0xFC00_003F, 0x9000_000F)
        // ...with PAN, stage 1 refuses it first: a permission fault at EL1.
        m.cpu.setEL(1)
        m.cpu.exceptionTaken = false
        XCTAssertNil(m.cpu.translate(0x1000, .write, el: 1, pan: true))
        XCTAssertEqual(m.cpu.el, 1)
        XCTAssertEqual(m.cpu.sysreg(SysRegTable.esr[1]) & 0xFC00_003F, 0x9400_000F)
    }

    func testTLBIByIPAAndStage2RegisterWritesDropCombinedEntries() {
        let m = machine()
        var t = Stage2Tables(m)
        t.map(ipa, ram + 0x8_0000)
        t.enable()
        m.writeRAM(ram + 0x8_0000, [0x11, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(m.cpu.loadSlow(va: ipa, size: 8, mmuIndex: 1), 0x11)
        XCTAssertEqual(m.tlbEntry(va: ipa, mmuIndex: 1).read, ipa)
        // Another page, and a page of a 2 MiB block.
        t.map(ipa + 0x1000, ram + 0x8_1000)
        t.map(0x2_0020_0000, ram, level: 2, S2.rw)
        m.cpu.flushTLB()
        for va in [ipa, ipa + 0x1000, 0x2_0020_5000] { _ = m.cpu.loadSlow(va: va, size: 8, mmuIndex: 1) }
        m.cpu.setEL(2)
        XCTAssertTrue(m.cpu.tlbInvalidate(op1: 4, crm: 0, op2: 1, xt: ipa >> 12))   // IPAS2E1IS
        XCTAssertEqual(m.tlbEntry(va: ipa, mmuIndex: 1).read, TLB.invalidTag)
        XCTAssertEqual(m.tlbEntry(va: ipa + 0x1000, mmuIndex: 1).read, ipa + 0x1000, "another IPA stays")
        XCTAssertEqual(m.tlbEntry(va: 0x2_0020_5000, mmuIndex: 1).read, 0x2_0020_5000)
        XCTAssertTrue(m.cpu.tlbInvalidate(op1: 4, crm: 4, op2: 5, xt: 0x2_0030_0000 >> 12))   // IPAS2LE1, same block
        XCTAssertEqual(m.tlbEntry(va: 0x2_0020_5000, mmuIndex: 1).read, TLB.invalidTag)
        XCTAssertEqual(m.tlbEntry(va: ipa + 0x1000, mmuIndex: 1).read, ipa + 0x1000)
        XCTAssertTrue(m.cpu.tlbInvalidate(op1: 4, crm: 3, op2: 6, xt: 0))            // VMALLS12E1IS
        XCTAssertEqual(m.tlbEntry(va: ipa + 0x1000, mmuIndex: 1).read, TLB.invalidTag)
        m.cpu.setEL(1)
        XCTAssertEqual(m.cpu.loadSlow(va: ipa, size: 8, mmuIndex: 1), 0x11)
        m.cpu.setEL(2)
        XCTAssertTrue(m.cpu.writeSysReg(key: SysRegTable.all[SysRegTable.slot("VTTBR_EL2").slot].key, value: t.root | 1 << 48))
        m.cpu.setEL(1)
        XCTAssertEqual(m.tlbEntry(va: ipa, mmuIndex: 1).read, TLB.invalidTag, "a new VMID: nothing cached survives its entry")
        XCTAssertFalse(m.cpu.exceptionTaken)
    }

    /// The stage 2 walk cache is a TLB of stage-2-only entries tagged with
    /// VTTBR_EL2: a descriptor changed without maintenance may still be used;
    /// the guest's TLBI VMALLE1 leaves it; IPAS2E1, VMALLS12E1 and ALLE1
    /// empty it; another VMID has entries of its own.
    func testStage2WalkCacheKeptUntilStage2Maintenance() {
        let m = machine()
        var t = Stage2Tables(m)
        t.map(ipa, ram + 0x8_0000)
        t.enable()
        let walks = m.cpu.tlbStatistics.stage2Walks
        XCTAssertEqual(try m.cpu.walk(ipa + 8, .read).get().pa, ram + 0x8_0008)
        XCTAssertEqual(try m.cpu.walk(ipa + 0x10, .write).get().pa, ram + 0x8_0010)
        XCTAssertEqual(m.cpu.tlbStatistics.stage2Walks, walks + 1, "the second translation uses the cached walk")
        XCTAssertEqual(m.cpu.tlbStatistics.stage2CacheHits, 1)
        t.map(ipa, ram + 0x9_0000)                              // no TLBI yet
        XCTAssertEqual(try m.cpu.walk(ipa, .read).get().pa, ram + 0x8_0000)
        XCTAssertTrue(m.cpu.tlbInvalidate(op1: 0, crm: 7, op2: 0, xt: 0))    // VMALLE1: stage 1 only
        XCTAssertEqual(try m.cpu.walk(ipa, .read).get().pa, ram + 0x8_0000)
        m.cpu.setEL(2)
        XCTAssertTrue(m.cpu.tlbInvalidate(op1: 4, crm: 4, op2: 1, xt: 0x1234))   // IPAS2E1 of another IPA: all go
        m.cpu.setEL(1)
        XCTAssertEqual(try m.cpu.walk(ipa, .read).get().pa, ram + 0x9_0000)
        t.map(ipa, ram + 0xA_0000)
        m.cpu.setEL(2)
        XCTAssertTrue(m.cpu.tlbInvalidate(op1: 4, crm: 7, op2: 6, xt: 0))    // VMALLS12E1
        m.cpu.setEL(1)
        XCTAssertEqual(try m.cpu.walk(ipa, .read).get().pa, ram + 0xA_0000)
        t.map(ipa, ram + 0xB_0000)
        let vttbrKey = SysRegTable.all[SysRegTable.slot("VTTBR_EL2").slot].key
        m.cpu.setEL(2)
        XCTAssertTrue(m.cpu.writeSysReg(key: vttbrKey, value: t.root | 2 << 48))
        m.cpu.setEL(1)
        XCTAssertEqual(try m.cpu.walk(ipa, .read).get().pa, ram + 0xB_0000, "another VMID walks again")
        // Entries are tagged with the VMID: back to VMID 0, its entry (A) is still there.
        m.cpu.setEL(2)
        XCTAssertTrue(m.cpu.writeSysReg(key: vttbrKey, value: t.root))
        m.cpu.setEL(1)
        XCTAssertEqual(try m.cpu.walk(ipa, .read).get().pa, ram + 0xA_0000, "VMID 0's cached walk")
        m.cpu.setEL(2)
        XCTAssertTrue(m.cpu.writeSysReg(key: vttbrKey, value: t.root | 2 << 48))
        m.cpu.setEL(1)
        XCTAssertEqual(try m.cpu.walk(ipa, .read).get().pa, ram + 0xB_0000, "VMID 2's cached walk")
        m.cpu.setEL(2)
        XCTAssertTrue(m.cpu.tlbInvalidate(op1: 4, crm: 3, op2: 4, xt: 0))    // ALLE1IS: every VMID
        XCTAssertTrue(m.cpu.writeSysReg(key: vttbrKey, value: t.root))
        m.cpu.setEL(1)
        XCTAssertEqual(try m.cpu.walk(ipa, .read).get().pa, ram + 0xB_0000)
        // Unfaulting walks only: an unmapped IPA faults each time.
        XCTAssertEqual(s2fault(m, ipa + 0x1000)?.status, .translationL3)
        t.map(ipa + 0x1000, ram + 0x8_0000)
        XCTAssertEqual(try m.cpu.walk(ipa + 0x1000, .read).get().pa, ram + 0x8_0000)
    }

    /// An MSR to a translation register drops the entries of the regimes it
    /// decides only: the guest's TTBR0_EL1 keeps EL2's, VTTBR_EL2 keeps EL2's.
    func testTranslationRegisterWritesFlushTheirRegimesOnly() {
        let m = machine()
        var t = Stage2Tables(m)
        t.map(ipa, ram + 0x8_0000)
        t.enable()
        m.cpu.setEL(2)
        _ = m.cpu.loadSlow(va: ram, size: 8, mmuIndex: 2)       // EL2, MMU off
        m.cpu.setEL(1)
        _ = m.cpu.loadSlow(va: ipa, size: 8, mmuIndex: 1)
        XCTAssertEqual(m.tlbEntry(va: ram, mmuIndex: 2).read, ram)
        XCTAssertEqual(m.tlbEntry(va: ipa, mmuIndex: 1).read, ipa)
        XCTAssertTrue(m.cpu.writeSysReg(key: SysRegTable.all[SysRegTable.slot("TTBR0_EL1").slot].key, value: 1 << 48))
        XCTAssertEqual(m.tlbEntry(va: ipa, mmuIndex: 1).read, TLB.invalidTag)
        XCTAssertEqual(m.tlbEntry(va: ram, mmuIndex: 2).read, ram, "EL2's entries do not depend on TTBR0_EL1")
        _ = m.cpu.loadSlow(va: ipa, size: 8, mmuIndex: 1)
        m.cpu.setEL(2)
        XCTAssertTrue(m.cpu.writeSysReg(key: SysRegTable.all[SysRegTable.slot("VTTBR_EL2").slot].key, value: t.root | 1 << 48))
        m.cpu.setEL(1)   // EL1&0's entries go at the next entry to EL1 under another VTTBR_EL2
        XCTAssertEqual(m.tlbEntry(va: ipa, mmuIndex: 1).read, TLB.invalidTag)
        XCTAssertEqual(m.tlbEntry(va: ram, mmuIndex: 2).read, ram)
        m.cpu.setEL(2)
        XCTAssertTrue(m.cpu.writeSysReg(key: SysRegTable.all[SysRegTable.slot("TCR_EL2").slot].key, value: 1 << 23))
        XCTAssertEqual(m.tlbEntry(va: ram, mmuIndex: 2).read, TLB.invalidTag)
        XCTAssertFalse(m.cpu.exceptionTaken)
    }

    func testAttributeCombination() {
        XCTAssertEqual(CPU.stage2MAIRAttributes(memAttr: 0xF), 0xFF)
        XCTAssertEqual(CPU.stage2MAIRAttributes(memAttr: 0x5), 0x44)
        XCTAssertEqual(CPU.stage2MAIRAttributes(memAttr: 0xA), 0xBB)
        XCTAssertEqual(CPU.stage2MAIRAttributes(memAttr: 0x1), 0x04)
        XCTAssertEqual(CPU.combineAttributes(s1: 0xFF, s2: 0xFF), 0xFF)
        XCTAssertEqual(CPU.combineAttributes(s1: 0xFF, s2: 0x44), 0x44)
        XCTAssertEqual(CPU.combineAttributes(s1: 0xFF, s2: 0xBB), 0xBB)
        XCTAssertEqual(CPU.combineAttributes(s1: 0xEE, s2: 0xBB), 0xAA, "WT from stage 2, hints from stage 1")
        XCTAssertEqual(CPU.combineAttributes(s1: 0xAA, s2: 0xFF), 0xAA)
        XCTAssertEqual(CPU.combineAttributes(s1: 0xF4, s2: 0xFF), 0xF4)
        XCTAssertEqual(CPU.combineAttributes(s1: 0xFF, s2: 0x04), 0x04)
        XCTAssertEqual(CPU.combineAttributes(s1: 0x00, s2: 0xFF), 0x00)
        XCTAssertEqual(CPU.combineAttributes(s1: 0x08, s2: 0x04), 0x04)
        XCTAssertEqual(CPU.combineAttributes(s1: 0x0C, s2: 0x08), 0x08)
        XCTAssertEqual(CPU.combineShareability(0b11, 0b10), 0b10)
        XCTAssertEqual(CPU.combineShareability(0b00, 0b11), 0b11)
        XCTAssertEqual(CPU.combineShareability(0b00, 0b00), 0b00)
    }

    func testStage2OnlyWhereEL2IsEnabled() {
        // Secure EL1 (SCR_EL3.NS = 0, no Secure EL2): HCR_EL2.VM has no effect.
        let m = TestMachine(config: TestMachine.config(el2: true, el3: true))
        m.cpu.setEL(1)
        Stage2Tables(m).enable()
        XCTAssertEqual(try m.cpu.walk(0x8000_0000, .read, el: 1).get().pa, 0x8000_0000)
        m.cpu.setSysreg(SysRegTable.scrEL3, 1)   // NS
        m.cpu.flushTLB()
        XCTAssertEqual(s2faultEL1(m, 0x8000_0000)?.status, .translationL1)
        // {E2H, TGE} = {1, 1}: VM behaves as 0.
        m.cpu.setSysreg(SysRegTable.hcrEL2, 1 << 34 | 1 << 27 | 1 << 31 | 1)
        XCTAssertEqual(m.cpu.stage2Enabled, false)
    }

    private func s2faultEL1(_ m: TestMachine, _ va: UInt64) -> Stage2Fault? {
        if case .failure(.stage2(let f)) = m.cpu.walk(va, .read, el: 1) { return f }
        return nil
    }
}

/// FEAT_MEC with stage 2 (Realm EL1&0): VMECID_P_EL2 / VMECID_A_EL2 by the
/// stage 2 descriptor's AMEC bit (AArch64.S2OutputMECID), for data and for
/// stage 1 descriptor reads; stage 2 walks use VMECID_P_EL2 (TTWalkMECID).
final class Stage2MECTests: XCTestCase {
    let ram = TestMachine.ramBase
    let ipa: UInt64 = 0x8000_0000
    let dead: UInt64 = 0xDEAD_BEEF_DEAD_BEEF

    /// Realm EL1 with EMEC = 1, VMECID_P = 5, VMECID_A = 6, stage 2 tables
    /// written with MECID 5 (what the stage 2 walk uses).
    fileprivate func realmEL1() -> (MECMachine, Stage2Tables) {
        let mm = MECMachine()
        mm.set("SCR_EL3", MECMachine.scrRealm)
        mm.set("SCTLR2_EL2", MECRegisters.emec)
        mm.set("VMECID_P_EL2", 5)
        mm.set("VMECID_A_EL2", 6)
        mm.cpu.setEL(1)
        return (mm, Stage2Tables(mm.m, mecid: 5))
    }

    func testDataAccessesUseVMECIDByTheStage2AMECBit() {
        var (mm, t) = realmEL1()
        t.map(ipa, ram + 0x8_0000)
        t.map(ipa + 0x1000, ram + 0x8_1000, S2.rw | S2.amec)
        t.map(ipa + 0x2000, ram + 0x8_2000, S2.rw | S2.amec | S2.ns)   // Non-secure PA space: MECID 0
        t.enable()
        mm.store(ipa, 0x55)
        mm.store(ipa + 0x1000, 0x66)
        mm.store(ipa + 0x2000, 0x77)
        XCTAssertEqual(mm.tags.lineTag(pa: ram + 0x8_0000), 5)
        XCTAssertEqual(mm.tags.lineTag(pa: ram + 0x8_1000), 6)
        XCTAssertEqual(mm.tags.lineTag(pa: ram + 0x8_2000), 0)
        XCTAssertEqual(mm.load(ipa), 0x55)
        XCTAssertEqual(mm.load(ipa + 0x1000), 0x66)
        // Another VMECID_A_EL2: the AMEC page reads as ciphertext, the other does not.
        mm.cpu.setEL(2)
        XCTAssertTrue(mm.cpu.writeSysReg(key: mm.key("VMECID_A_EL2"), value: 7))
        mm.cpu.setEL(1)
        XCTAssertEqual(mm.load(ipa + 0x1000), dead)
        XCTAssertEqual(mm.load(ipa), 0x55)
        XCTAssertEqual(mm.load(ipa + 0x2000), 0x77)
        // The selection as the walker reports it.
        let tr = try! mm.cpu.walk(ipa + 0x1000, .read).get()
        XCTAssertTrue(tr.mec.stage2 && tr.mec.stage2AMEC)
        XCTAssertEqual(tr.paSpace, .realm)
        XCTAssertEqual(mm.cpu.accessMECID(tr, accessEL: 1), 7)
        XCTAssertEqual(mm.cpu.accessMECID(try! mm.cpu.walk(ipa, .read).get(), accessEL: 1), 5)
        XCTAssertEqual(try! mm.cpu.walk(ipa + 0x2000, .read).get().paSpace, .nonSecure)
    }

    func testStage2WalksUseVMECID_P() {
        var (mm, t) = realmEL1()
        t.map(ipa, ram + 0x8_0000)
        t.enable()
        XCTAssertEqual(try? mm.cpu.walk(ipa, .read).get().pa, ram + 0x8_0000)
        // The tables carry MECID 5: with VMECID_P_EL2 = 9 the walk reads ciphertext.
        mm.cpu.setEL(2)
        XCTAssertTrue(mm.cpu.writeSysReg(key: mm.key("VMECID_P_EL2"), value: 9))
        mm.cpu.setEL(1)
        guard case .failure(.stage2) = mm.cpu.walk(ipa, .read) else { return XCTFail("a stage 2 walk fault") }
    }

    func testStage1DescriptorReadsUseTheStage2OutputMECID() {
        var (mm, t) = realmEL1()
        // Stage 1 tables (PA ram + 0xC_0000.., IPA 0x9000_0000..) written with MECID 6.
        let s1 = ram + 0xC_0000, s1IPA: UInt64 = 0x9000_0000
        var tables = t
        tables.mecid = 6
        for off in stride(from: UInt64(0), to: 0x3000, by: 8) { tables.put(s1 + off, 0) }
        tables.put(s1, (s1IPA + 0x1000) | 3)
        tables.put(s1 + 0x1000, (s1IPA + 0x2000) | 3)
        tables.put(s1 + 0x2000 + 8, ipa | 1 << 10 | 3 << 8 | 3)
        for i in 0..<3 { t.map(s1IPA + UInt64(i) << 12, s1 + UInt64(i) << 12, S2.rw | S2.amec) }
        t.map(ipa, ram + 0x8_0000)
        t.enable()
        mm.set("MAIR_EL1", 0xFF)
        mm.set("TTBR0_EL1", s1IPA)
        mm.set("TCR_EL1", 25 | 2 << 32 | 1 << 23)
        mm.set("SCTLR_EL1", mm.get("SCTLR_EL1") | 1)
        mm.cpu.flushTLB()
        // The stage 2 mappings of the tables have AMEC = 1: the reads use VMECID_A_EL2 (6).
        XCTAssertEqual(try? mm.cpu.walk(0x1000, .read).get().pa, ram + 0x8_0000)
        // With AMEC = 0 they would use VMECID_P_EL2 (5): ciphertext, a stage 1 fault.
        for i in 0..<3 { t.map(s1IPA + UInt64(i) << 12, s1 + UInt64(i) << 12, S2.rw) }
        mm.cpu.flushTLB()
        guard case .failure(.fault) = mm.cpu.walk(0x1000, .read) else { return XCTFail("the walk should read ciphertext") }
    }
}
