import XCTest
import Glibc
import IR
import Machine
@testable import Engine

/// The exclusives and LSE atomics are host atomics on guest RAM: host threads,
/// each driving its own CPU of one machine, hammer the same counters through
/// the helpers (LDXR/STXR, LDXP/STXP, LDADD, CAS, CASP, SWP) and every total
/// comes out exact; a store by another CPU between LDXR and STXR fails the STXR.
final class HostAtomicsTests: XCTestCase {
    static let ram: UInt64 = 0x4000_0000
    static let counters: UInt64 = ram + 0x1000   // 64-bit counters at +0, +8, +16; pairs at +32, +48

    final class Rig: @unchecked Sendable {
        let memory = AddressSpace()
        let system: System
        let cpus: [CPU]
        init(cpus n: Int) {
            try! memory.addRAM(name: "ram", base: HostAtomicsTests.ram, size: 1 << 20)
            let system = System(memory: memory)
            self.system = system
            cpus = (0..<n).map { _ in
                let c = system.addCPU(config: CPUConfig())
                c.setSysreg(SysRegTable.vbar[1], HostAtomicsTests.ram + 0x800)
                c.setEL(1)
                return c
            }
        }
        func read(_ pa: UInt64) -> UInt64 {
            memory.readPhysical(pa: pa, count: 8)!.reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
    }

    /// One thread's increments on its CPU: `n` of each kind.
    static func hammer(_ cpu: CPU, _ n: Int) {
        let s = cpu.state
        let c = HostAtomicsTests.counters
        let ldxr = ExclusiveOperand(sizeLog2: 3, pair: false, rt: 1, rt2: 0).packed
        let stxr = ExclusiveOperand(sizeLog2: 3, pair: false, rt: 1, rt2: 0, rs: 2).packed
        let ldxp = ExclusiveOperand(sizeLog2: 3, pair: true, rt: 1, rt2: 3).packed
        let stxp = ExclusiveOperand(sizeLog2: 3, pair: true, rt: 1, rt2: 3, rs: 2).packed
        let ldadd = AtomicOperand(operation: .add, sizeLog2: 3).packed
        let cas = CompareAndSwapOperand(rs: 4, rt: 5, sizeLog2: 3).packed
        let casp = CompareAndSwapOperand(rs: 6, rt: 8, sizeLog2: 3).packed
        for _ in 0..<n {
            // LDXR/ADD/STXR until the store succeeds.
            repeat {
                _ = helperLoadExclusive(s, c, ldxr, 0)
                cpu.setX(1, cpu.x(1) &+ 1)
                _ = helperStoreExclusive(s, c, stxr, 0)
            } while cpu.x(2) != 0
            _ = helperAtomic(s, c + 8, 1, ldadd)
            // CAS loop.
            var expected = cpu.x(4)
            while true {
                cpu.setX(4, expected)
                cpu.setX(5, expected &+ 1)
                _ = helperCompareAndSwap(s, c + 16, cas, 0)
                if cpu.x(4) == expected { break }
                expected = cpu.x(4)
            }
            // LDXP/STXP: (+1, +2) on a 128-bit pair.
            repeat {
                _ = helperLoadExclusive(s, c + 32, ldxp, 0)
                cpu.setX(1, cpu.x(1) &+ 1)
                cpu.setX(3, cpu.x(3) &+ 2)
                _ = helperStoreExclusive(s, c + 32, stxp, 0)
            } while cpu.x(2) != 0
            // CASP loop: (+1, +3) on a second pair.
            var e = (cpu.x(6), cpu.x(7))
            while true {
                cpu.setX(6, e.0); cpu.setX(7, e.1)
                cpu.setX(8, e.0 &+ 1); cpu.setX(9, e.1 &+ 3)
                _ = helperCompareAndSwapPair(s, c + 48, casp, 0)
                if (cpu.x(6), cpu.x(7)) == e { break }
                e = (cpu.x(6), cpu.x(7))
            }
        }
    }

    func testCountersFromFourThreadsAreExact() {
        let threads = 4, n = 20_000
        let rig = Rig(cpus: threads)
        DispatchQueue.concurrentPerform(iterations: threads) { i in HostAtomicsTests.hammer(rig.cpus[i], n) }
        let total = UInt64(threads * n)
        let c = HostAtomicsTests.counters
        XCTAssertEqual(rig.read(c), total, "LDXR/STXR")
        XCTAssertEqual(rig.read(c + 8), total, "LDADD")
        XCTAssertEqual(rig.read(c + 16), total, "CAS")
        XCTAssertEqual(rig.read(c + 32), total, "LDXP/STXP low")
        XCTAssertEqual(rig.read(c + 40), 2 * total, "LDXP/STXP high")
        XCTAssertEqual(rig.read(c + 48), total, "CASP low")
        XCTAssertEqual(rig.read(c + 56), 3 * total, "CASP high")
        for cpu in rig.cpus { XCTAssertFalse(cpu.exceptionTaken, "no CPU faulted") }
    }

    func testAnotherCPUsStoreBetweenLoadAndStoreExclusiveFailsIt() {
        let rig = Rig(cpus: 2)
        let (a, b) = (rig.cpus[0], rig.cpus[1])
        let c = HostAtomicsTests.counters
        let ldxr = ExclusiveOperand(sizeLog2: 2, pair: false, rt: 1, rt2: 0).packed
        let stxr = ExclusiveOperand(sizeLog2: 2, pair: false, rt: 1, rt2: 0, rs: 2).packed
        _ = helperLoadExclusive(a.state, c, ldxr, 0)
        XCTAssertEqual(a.x(1), 0)
        // CPU 1 swaps in 7 (SWP) while CPU 0 holds the reservation.
        XCTAssertEqual(helperAtomic(b.state, c, 7, AtomicOperand(operation: .swap, sizeLog2: 2).packed), 0)
        a.setX(1, 1)
        _ = helperStoreExclusive(a.state, c, stxr, 0)
        XCTAssertEqual(a.x(2), 1, "the STXR fails")
        XCTAssertEqual(rig.read(c) & 0xFFFF_FFFF, 7, "and stores nothing")
        // Without interference it succeeds, and only once.
        _ = helperLoadExclusive(a.state, c, ldxr, 0)
        a.setX(1, a.x(1) + 1)
        _ = helperStoreExclusive(a.state, c, stxr, 0)
        XCTAssertEqual(a.x(2), 0)
        XCTAssertEqual(rig.read(c) & 0xFFFF_FFFF, 8)
        _ = helperStoreExclusive(a.state, c, stxr, 0)
        XCTAssertEqual(a.x(2), 1, "the monitor was cleared")
    }

    func testSignedAndUnsignedMinMaxOnBytes() {
        let rig = Rig(cpus: 1)
        let s = rig.cpus[0].state
        let c = HostAtomicsTests.counters + 64
        func op(_ o: AtomicOperand.Operation, _ v: UInt64) -> UInt64 {
            helperAtomic(s, c, v, AtomicOperand(operation: o, sizeLog2: 0).packed)
        }
        _ = op(.swap, 0x80)
        XCTAssertEqual(op(.signedMax, 0x10), 0x80)
        XCTAssertEqual(rig.read(c) & 0xFF, 0x10, "SMAX(-128, 16) = 16")
        XCTAssertEqual(op(.unsignedMax, 0x90), 0x10)
        XCTAssertEqual(rig.read(c) & 0xFF, 0x90)
        XCTAssertEqual(op(.signedMin, 0x01), 0x90)
        XCTAssertEqual(rig.read(c) & 0xFF, 0x90, "SMIN(-112, 1) = -112")
        XCTAssertEqual(op(.unsignedMin, 0x01), 0x90)
        XCTAssertEqual(rig.read(c) & 0xFF, 0x01)
        XCTAssertEqual(op(.clear, 0x01), 0x01)
        XCTAssertEqual(op(.set, 0xF0), 0x00)
        XCTAssertEqual(op(.exclusiveOr, 0xFF), 0xF0)
        XCTAssertEqual(rig.read(c) & 0xFFFF, 0x0F, "the byte after it is untouched")
    }
}
