import XCTest
import Foundation
import Glibc
import Synchronization
@testable import Machine

/// The MEC tag store under several host threads (CPUs on threads): lock-free
/// lookups of uniform pages beside re-tags and mixed pages, and a re-tag
/// waiting for another CPU's TLB drop.
final class MECTagStoreThreadTests: XCTestCase {
    let ram = TestMachine.ramBase
    let dead: UInt64 = 0xDEAD_BEEF_DEAD_BEEF

    /// Runs `body(t)` on `n` threads at once and waits for them.
    private func onThreads(_ n: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for t in 0..<n {
            Thread.detachNewThread {
                body(t)
                group.leave()
            }
            group.enter()
        }
        group.wait()
    }

    /// Four threads, MECIDs 1...4: in 8 shared pages each writes the lines
    /// l % 4 == t (making them mixed) and reads every line; each also owns
    /// a page of its own that it re-tags whole with a new MECID each round
    /// while the others read it. A thread's lines always read back as its
    /// data with its MECID, the others' lines and pages as substitute data;
    /// a TLB fill is allowed only for a page uniform with the MECID asked.
    func testHammerFromFourThreads() {
        let mm = MECMachine()
        let store = MECTagStore(memory: mm.m.memory)
        let host = mm.m.memory.hostPointer(pa: ram, length: TestMachine.ramSize)!
        let shared = ram + 0x1_0000, owned = ram + 0x2_0000
        let rounds = 300
        let errors = UnsafeMutablePointer<Int>.allocate(capacity: 4)
        errors.initialize(repeating: 0, count: 4)
        defer { errors.deallocate() }
        let hostBits = UInt(bitPattern: host), errorBits = UInt(bitPattern: errors)
        let dead = self.dead
        onThreads(4) { t in
            let host = UnsafeMutableRawPointer(bitPattern: hostBits)!
            let errors = UnsafeMutablePointer<Int>(bitPattern: errorBits)!
            let mine = UInt16(1 + t)
            func write(_ pa: UInt64, _ v: UInt64, mecid: UInt16) {
                store.willWrite(pa: pa, length: 8, mecid: mecid)
                host.storeBytes(of: v, toByteOffset: Int(pa - TestMachine.ramBase), as: UInt64.self)
            }
            func read(_ pa: UInt64, mecid: UInt16) -> UInt64 {
                let v = host.load(fromByteOffset: Int(pa - TestMachine.ramBase), as: UInt64.self)
                return store.readView(pa: pa, size: 8, value: v, mecid: mecid)
            }
            for r in 0..<rounds {
                let ownMECID = UInt16(100 + 10 * t + r % 7)
                let myPage = owned + UInt64(t) * 4096
                // The page of its own, whole, with this round's MECID.
                for o in stride(from: UInt64(0), to: 4096, by: 8) {
                    write(myPage + o, UInt64(t) << 56 | UInt64(r) << 32 | o, mecid: ownMECID)
                }
                if store.uniformTag(pa: myPage) != ownMECID { errors[t] += 1 }
                if !store.mayFillTLB(pa: myPage, mecid: ownMECID) || store.mayFillTLB(pa: myPage, mecid: mine) { errors[t] += 1 }
                if read(myPage + 8, mecid: ownMECID) != UInt64(t) << 56 | UInt64(r) << 32 | 8 { errors[t] += 1 }
                // Its lines of the shared pages.
                for p in 0..<8 {
                    let page = shared + UInt64(p) * 4096
                    for l in stride(from: t, to: 64, by: 4) {
                        for w in stride(from: UInt64(0), to: 64, by: 8) {
                            write(page + UInt64(l) * 64 + w, UInt64(0xC0 + t) << 56 | UInt64(r) << 32 | w, mecid: mine)
                        }
                    }
                }
                for p in 0..<8 {
                    let page = shared + UInt64(p) * 4096
                    for l in 0..<64 {
                        let a = page + UInt64(l) * 64 + UInt64(8 * ((r + l) & 7))
                        let v = read(a, mecid: mine)
                        if l % 4 == t {
                            if v != UInt64(0xC0 + t) << 56 | UInt64(r) << 32 | (a & 63) { errors[t] += 1 }
                            if store.lineTag(pa: a) != mine || !store.matches(pa: a, size: 8, mecid: mine) { errors[t] += 1 }
                        } else if v != dead {
                            errors[t] += 1
                        }
                    }
                    if store.mayFillTLB(pa: page, mecid: mine) { errors[t] += 1 }   // mixed: never in a TLB
                }
                // The others' pages: substitute data with this thread's MECID.
                for o in 0..<4 where o != t {
                    if read(owned + UInt64(o) * 4096 + UInt64(8 * (r & 511)), mecid: mine) != dead { errors[t] += 1 }
                }
            }
        }
        XCTAssertEqual((0..<4).map { errors[$0] }, [0, 0, 0, 0])
        let s = store.statistics
        XCTAssertGreaterThanOrEqual(s.lineRetags, 4 * 8 * 16)
        XCTAssertGreaterThan(s.substituteReads, 0)
        for p in 0..<8 { XCTAssertTrue(store.isMixed(pa: shared + UInt64(p) * 4096)) }
    }

    /// With CPUs on threads, a re-tag of a page in a TLB returns only once
    /// the other CPU has dropped its entries (done here by that CPU's
    /// "thread" polling its requests, as at its block boundaries).
    func testRetagWaitsForTheOtherCPUsDrop() {
        let m = TestMachine(config: TestMachine.config(el2: true, el3: true))
        let cpu1 = m.system.addCPU(config: TestMachine.config(el2: true, el3: true))
        let store = m.system.enableMECTags()
        let page = ram + 0x3000
        store.willWrite(pa: page, length: 4096, mecid: 5, by: m.cpu)   // leaves the pristine state
        XCTAssertTrue(store.mayFillTLB(pa: page, mecid: 5))          // "in a TLB"
        m.system.threaded = true
        let flags = Flags()
        let cpu1Bits = UInt(bitPattern: Unmanaged.passUnretained(cpu1).toOpaque())
        let requested = cpu1.remoteWorkRequested
        Thread.detachNewThread {
            let c = Unmanaged<CPU>.fromOpaque(UnsafeRawPointer(bitPattern: cpu1Bits)!).takeUnretainedValue()
            while !flags.done.load(ordering: .acquiring) {
                if c.remoteWorkPending {
                    usleep(20_000)   // the other CPU finishes its block first
                    c.serviceRemoteWork()
                    flags.serviced.add(1, ordering: .releasing)
                }
                sched_yield()
            }
        }
        store.willWrite(pa: page + 64, length: 8, mecid: 6, by: m.cpu)   // uniform 5 -> mixed
        XCTAssertGreaterThan(cpu1.remoteWorkRequested, requested)
        XCTAssertTrue(cpu1.remoteWorkDone(cpu1.remoteWorkRequested), "the write returned before CPU 1 dropped the page")
        XCTAssertEqual(flags.serviced.load(ordering: .acquiring), 1)
        flags.done.store(true, ordering: .releasing)
        XCTAssertTrue(store.isMixed(pa: page))
        XCTAssertEqual(store.statistics.crossCPUWaits, 1)
        XCTAssertFalse(store.mayFillTLB(pa: page, mecid: 5))
    }
}

private final class Flags: @unchecked Sendable {
    let done = Atomic<Bool>(false)
    let serviced = Atomic<Int>(0)
}
