import XCTest
@testable import Machine

/// EL0 of the EL2&0 regime (a FEAT_VHE host's, E2H = TGE = 1) has an MMU
/// index of its own (`CPU.hostEL0Index`), so a world switch between the
/// host's EL0 and a guest's (EL1&0) keeps both; TLB maintenance names the
/// indexes of the regime it applies to.
final class HostEL0IndexTests: XCTestCase {
    private let memory = AddressSpace()
    private var system: System!
    private var cpu: CPU!

    private let hostHCR: UInt64 = HCRBits.e2h | HCRBits.tge | HCRBits.rw
    private let guestHCR: UInt64 = HCRBits.e2h | HCRBits.rw

    override func setUp() {
        try! memory.addRAM(name: "ram", base: 0x4000_0000, size: 32 << 20)
        system = System(memory: memory)
        var c = CPUConfig()
        c.hasEL2 = true
        c.hasVHE = true
        cpu = system.addCPU(config: c)
        // One set of tables (4 KiB granule, T0SZ 25) for both regimes: VA
        // 0 - 2 MiB -> PA 0x4000_0000, EL0 and EL1 read/write.
        let l1 = 0x4100_0000 as UInt64, l2 = 0x4100_1000 as UInt64, l3 = 0x4100_2000 as UInt64
        XCTAssertTrue(memory.fillPhysical(pa: l1, byte: 0, count: 0x3000))
        let attrs: UInt64 = 1 << 10 | 3 << 8 | 1 << 6 | 1 << 54
        write64(l1, l2 | 3)
        write64(l2, l3 | 3)
        for i in 0..<512 as Range<UInt64> { write64(l3 + 8 * i, 0x4000_0000 + i << 12 | attrs | 3) }
        for el in 1...2 {
            cpu.setSysreg(SysRegTable.slot("MAIR_EL\(el)"), 0xFF)
            cpu.setSysreg(SysRegTable.slot("TTBR0_EL\(el)"), l1)
            cpu.setSysreg(SysRegTable.slot("TCR_EL\(el)"), 25 | 1 << 23 | 5 << 32)   // EPD1, IPS 48 bits
            cpu.setSysreg(SysRegTable.sctlr[el], cpu.sysreg(SysRegTable.sctlr[el]) | 1)
        }
        cpu.setEL(2)
        XCTAssertTrue(writeHCR(hostHCR))
        cpu.flushTLB()
    }

    private func write64(_ pa: UInt64, _ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { XCTAssertTrue(memory.writePhysical(pa: pa, bytes: $0)) }
    }

    private func writeHCR(_ v: UInt64) -> Bool {
        cpu.writeSysReg(key: cpu.sysRegs.definitions[SysRegTable.hcrEL2.slot].key, value: v)
    }

    private func readTag(_ va: UInt64, _ idx: Int) -> UInt64 {
        (cpu.state + TLB.entryOffset(mmuIndex: idx, va: va)).load(fromByteOffset: TLB.readTagOffset, as: UInt64.self)
    }

    private func touch(_ va: UInt64, _ idx: Int) {
        _ = cpu.loadSlow(va: va, size: 8, mmuIndex: idx)
        XCTAssertFalse(cpu.exceptionTaken)
        XCTAssertEqual(readTag(va, idx), va & TLB.pageMask)
    }

    func testIndexes() {
        cpu.setEL(0)
        XCTAssertEqual(cpu.mmuIndex, CPU.hostEL0Index, "EL0 with E2H = TGE = 1")
        cpu.setEL(2)
        XCTAssertTrue(writeHCR(guestHCR))
        cpu.setEL(0)
        XCTAssertEqual(cpu.mmuIndex, 0, "EL0 of EL1&0")
        XCTAssertEqual(CPU.unprivilegedIndex(1), 0)
        XCTAssertEqual(CPU.unprivilegedIndex(1 + CPU.panIndexOffset), 0)
        XCTAssertEqual(CPU.unprivilegedIndex(2), CPU.hostEL0Index, "LDTR at EL2 in the host")
        XCTAssertEqual(CPU.unprivilegedIndex(2 + CPU.panIndexOffset), CPU.hostEL0Index)
        XCTAssertEqual(CPU.unprivilegedIndex(CPU.hostEL0Index), CPU.hostEL0Index)
    }

    /// TGE back and forth: neither EL0's entries go; the guest's go at its
    /// next entry when HCR_EL2 is another value than they were filled under.
    func testWorldSwitchKeepsBothEL0s() {
        cpu.setEL(0)
        touch(0x3000, CPU.hostEL0Index)
        cpu.setEL(2)
        XCTAssertTrue(writeHCR(guestHCR))
        cpu.setEL(1)
        touch(0x4000, 1)
        cpu.setEL(0)
        touch(0x5000, 0)
        cpu.setEL(2)
        XCTAssertTrue(writeHCR(hostHCR))
        cpu.setEL(0)
        XCTAssertEqual(readTag(0x3000, CPU.hostEL0Index), 0x3000, "the host's EL0 entry stays")
        cpu.setEL(2)
        XCTAssertTrue(writeHCR(guestHCR))
        cpu.setEL(0)
        XCTAssertEqual(readTag(0x5000, 0), 0x5000, "the guest's EL0 entry stays (same HCR_EL2)")
        XCTAssertEqual(readTag(0x4000, 1), 0x4000)
        cpu.setEL(2)
        XCTAssertTrue(writeHCR(guestHCR | 1 << 13))   // TWI: another guest value
        XCTAssertEqual(readTag(0x5000, 0), 0x5000, "not before the guest runs")
        cpu.setEL(0)
        XCTAssertEqual(readTag(0x5000, 0), TLB.invalidTag, "entering the guest's EL0 under another HCR_EL2")
        XCTAssertEqual(readTag(0x4000, 1), TLB.invalidTag)
        XCTAssertEqual(readTag(0x3000, CPU.hostEL0Index), 0x3000)
        // An E2H change empties everything.
        cpu.setEL(2)
        XCTAssertTrue(writeHCR(HCRBits.rw))
        XCTAssertEqual(readTag(0x3000, CPU.hostEL0Index), TLB.invalidTag)
    }

    /// The EL1 TLBIs executed in the host name the EL2&0 regime (its EL0's
    /// and EL2's indexes), not the guest's; the EL2 ones name it too.
    func testTLBIsNameTheirRegime() {
        cpu.setEL(0)
        touch(0x3000, CPU.hostEL0Index)
        cpu.setEL(2)
        touch(0x6000, 2)
        XCTAssertTrue(writeHCR(guestHCR))
        cpu.setEL(1)
        touch(0x4000, 1)
        touch(0x5000, 0)
        cpu.setEL(2)
        XCTAssertTrue(writeHCR(hostHCR))
        XCTAssertTrue(cpu.tlbInvalidate(op1: 0, crm: 7, op2: 0, xt: 0))   // TLBI VMALLE1 in the host
        XCTAssertEqual(readTag(0x3000, CPU.hostEL0Index), TLB.invalidTag)
        XCTAssertEqual(readTag(0x6000, 2), TLB.invalidTag)
        XCTAssertEqual(readTag(0x4000, 1), 0x4000, "the guest's EL1 entry stays")
        XCTAssertEqual(readTag(0x5000, 0), 0x5000, "the guest's EL0 entry stays")
        cpu.setEL(0)
        touch(0x3000, CPU.hostEL0Index)
        cpu.setEL(2)
        XCTAssertTrue(cpu.tlbInvalidate(op1: 0, crm: 7, op2: 1, xt: 0x3)) // TLBI VAE1, page 0x3000
        XCTAssertEqual(readTag(0x3000, CPU.hostEL0Index), TLB.invalidTag)
        cpu.setEL(0)
        touch(0x3000, CPU.hostEL0Index)
        cpu.setEL(2)
        XCTAssertTrue(cpu.tlbInvalidate(op1: 4, crm: 7, op2: 0, xt: 0))   // TLBI ALLE2
        XCTAssertEqual(readTag(0x3000, CPU.hostEL0Index), TLB.invalidTag, "ALLE2 with E2H: EL2&0's EL0")
        XCTAssertEqual(readTag(0x5000, 0), 0x5000)
        cpu.setEL(0)
        touch(0x3000, CPU.hostEL0Index)
        cpu.setEL(2)
        XCTAssertTrue(cpu.tlbInvalidate(op1: 4, crm: 7, op2: 6, xt: 0))   // TLBI VMALLS12E1
        XCTAssertEqual(readTag(0x5000, 0), TLB.invalidTag)
        XCTAssertEqual(readTag(0x4000, 1), TLB.invalidTag)
        XCTAssertEqual(readTag(0x3000, CPU.hostEL0Index), 0x3000, "the host's EL0 entry stays")
        // A write to an EL2&0 translation register: the host's EL0 goes, the guest's stays.
        cpu.setEL(1)
        touch(0x5000, 0)
        cpu.setEL(2)
        XCTAssertTrue(cpu.writeSysReg(key: cpu.sysRegs.definitions[SysRegTable.slot("TTBR0_EL2").slot].key, value: 0x4100_0000 | 1 << 48))
        XCTAssertEqual(readTag(0x3000, CPU.hostEL0Index), TLB.invalidTag)
        XCTAssertEqual(readTag(0x5000, 0), 0x5000)
    }

    /// A VTTBR_EL2 write leaves EL1&0's entries until the next entry to the
    /// guest, which empties them only under another VTTBR_EL2 value than
    /// they were filled under (a host loading VTTBR_EL2 again between two
    /// entries to the same VM keeps them).
    func testVTTBRChangesEmptyTheGuestsEntriesAtItsNextEntry() {
        let vttbr = cpu.sysRegs.definitions[NamedSysReg.VTTBR_EL2.slot.slot].key
        XCTAssertTrue(cpu.writeSysReg(key: vttbr, value: 1 << 48))
        XCTAssertTrue(writeHCR(guestHCR))
        cpu.setEL(1)
        touch(0x4000, 1)
        cpu.setEL(2)
        XCTAssertTrue(cpu.writeSysReg(key: vttbr, value: 2 << 48))
        XCTAssertEqual(readTag(0x4000, 1), 0x4000, "not while the host runs")
        XCTAssertTrue(cpu.writeSysReg(key: vttbr, value: 1 << 48))
        cpu.setEL(1)
        XCTAssertEqual(readTag(0x4000, 1), 0x4000, "the same VMID again: kept")
        cpu.setEL(2)
        XCTAssertTrue(cpu.writeSysReg(key: vttbr, value: 2 << 48))
        cpu.setEL(1)
        XCTAssertEqual(readTag(0x4000, 1), TLB.invalidTag, "another VMID's entry goes when that VMID runs")
    }
}
