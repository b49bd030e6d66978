import XCTest
@testable import Machine

/// FEAT_HAFDBS at stage 1 (HardwareUpdates.swift): TCR_EL1.HA sets AF in the
/// descriptor, HD makes a clean DBM page dirty on a write; no update for a
/// faulting access, for debug lookups, or without HA.
final class HardwareUpdateTests: XCTestCase {
    static let dbm: UInt64 = 1 << 51
    static let ha: UInt64 = 1 << 39
    static let hd: UInt64 = 1 << 40

    private func machine(tcrBits: UInt64) -> (WalkMachine, WalkMachine.Tables) {
        let m = WalkMachine()
        let t = m.tables(gbits: 12, tsz: 25)
        m.map(t, 0x1000, 0x4000_1000, Attr.kernel & ~Attr.af)                      // AF 0
        m.map(t, 0x2000, 0x4000_2000, Attr.kernel | Attr.ro | Self.dbm)           // clean, DBM
        m.map(t, 0x3000, 0x4000_3000, Attr.kernel | Attr.ro)                      // read-only
        m.map(t, 0x4000, 0x4000_4000, Attr.kernel | Attr.ro | Attr.el0 | Self.dbm) // EL0 RO, clean, DBM
        m.enableEL1(t, tcr: WalkMachine.tcr(t0sz: 25, g0: 12) | tcrBits)
        return (m, t)
    }

    private func leaf(_ m: WalkMachine, _ t: WalkMachine.Tables, _ va: UInt64) -> UInt64 {
        m.read64(m.slot(t, va, level: 3))
    }

    func testWithoutHAAccessFlagFaultsAndNothingChanges() {
        let (m, t) = machine(tcrBits: 0)
        guard case .failure(.fault(let s)) = m.cpu.lookup(0x1000, .read, el: 1) else { return XCTFail("AF fault expected") }
        XCTAssertEqual(s, .accessFlagL3)
        XCTAssertEqual(leaf(m, t, 0x1000) >> 10 & 1, 0)
    }

    func testHASetsTheAccessFlagButNotForDebugLookups() {
        let (m, t) = machine(tcrBits: Self.ha)
        XCTAssertNotNil(try? m.cpu.lookup(0x1000, .read, el: 1, debug: true).get())
        XCTAssertEqual(leaf(m, t, 0x1000) >> 10 & 1, 0, "a debugger read leaves the tables alone")
        XCTAssertEqual(try? m.cpu.lookup(0x1000, .read, el: 1).get().pa, 0x4000_1000)
        XCTAssertEqual(leaf(m, t, 0x1000) >> 10 & 1, 1)
    }

    func testHDMakesACleanDBMPageDirtyOnAPermittedWriteOnly() {
        let (m, t) = machine(tcrBits: Self.ha | Self.hd)
        // A read keeps it clean and read-only.
        XCTAssertEqual(try? m.cpu.lookup(0x2000, .read, el: 1).get().writable, false)
        XCTAssertEqual(leaf(m, t, 0x2000) >> 7 & 1, 1)
        // A write makes it dirty (AP[2] = 0) and writable.
        XCTAssertEqual(try? m.cpu.lookup(0x2000, .write, el: 1).get().writable, true)
        XCTAssertEqual(leaf(m, t, 0x2000) >> 7 & 1, 0)
        // Read-only without DBM: the write is not permitted, nothing changes.
        XCTAssertEqual(try? m.cpu.lookup(0x3000, .write, el: 1).get().writable, false)
        XCTAssertEqual(leaf(m, t, 0x3000) >> 7 & 1, 1)
        // EL0 write to an EL0 read-only DBM page: dirty makes it EL0 read/write.
        XCTAssertEqual(try? m.cpu.lookup(0x4000, .write, el: 0).get().writable, true)
        XCTAssertEqual(leaf(m, t, 0x4000) >> 6 & 3, 0b01)
    }
}
