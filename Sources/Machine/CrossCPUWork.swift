import Glibc
import Synchronization

// Work one CPU asks of another while each runs on its own host thread
// (`System.threaded`): TLB maintenance broadcast by TLBI ...IS/OS. The
// target performs it at its next block boundary (or while it idles), never
// while its translated code may be using the TLB; the issuing CPU waits for
// it before its TLBI completes (stronger than the Arm ARM's "complete at the
// next DSB", which QEMU's async work models).

/// A CPU's pending remote TLB flushes: the MMU indices to empty, the
/// physical pages whose entries go (MEC re-tags: MECTagStore.swift), and two
/// generation counters (requests made, requests performed) the issuer waits on.
final class RemoteTLBWork: @unchecked Sendable {
    let mask = Atomic<UInt32>(0)
    let requested = Atomic<UInt64>(0)
    let performed = Atomic<UInt64>(0)
    /// The pages, under `pagesLock` (a spin lock: held for a few stores); past
    /// `pageCapacity` of them the CPU empties every MMU index instead.
    private let pagesLock = Atomic<Bool>(false)
    private let pages = UnsafeMutablePointer<UInt64>.allocate(capacity: RemoteTLBWork.pageCapacity)
    private var pageCount = 0
    static let pageCapacity = 32

    deinit { pages.deallocate() }

    private func lockPages() {
        while !pagesLock.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged { sched_yield() }
    }

    /// Queues a drop of the entries mapping physical page `pagePA`.
    func addPage(_ pagePA: UInt64) {
        lockPages()
        if pageCount < RemoteTLBWork.pageCapacity {
            pages[pageCount] = pagePA
            pageCount += 1
        } else {
            mask.bitwiseOr(CPU.allMMUIndexes, ordering: .sequentiallyConsistent)
        }
        pagesLock.store(false, ordering: .releasing)
    }

    /// Calls `body` with each queued page and empties the queue.
    func takePages(_ body: (UInt64) -> Void) {
        lockPages()
        for i in 0..<pageCount { body(pages[i]) }
        pageCount = 0
        pagesLock.store(false, ordering: .releasing)
    }
}

/// The machine's big lock (QEMU's BQL): device MMIO, firmware calls,
/// semihosting and host events run under it while CPUs have their own
/// threads. Recursive: a device access may reach another device.
public final class DeviceLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        var attr = pthread_mutexattr_t()
        pthread_mutexattr_init(&attr)
        pthread_mutexattr_settype(&attr, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(mutex, &attr)
        pthread_mutexattr_destroy(&attr)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always) public func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) public func unlock() { pthread_mutex_unlock(mutex) }
}

extension System {
    /// Runs `body` under the device lock when CPUs have their own threads;
    /// with one thread, just runs it.
    @inline(__always) public func withDeviceLock<T>(_ body: () -> T) -> T {
        guard threaded else { return body() }
        deviceLock.lock()
        defer { deviceLock.unlock() }
        return body()
    }
}

extension CPU {
    /// Empties the TLBs of the MMU indices in `mask` on `targets`: this CPU's
    /// at once, another CPU's by its own thread when CPUs have threads (the
    /// caller waits until each has done it).
    func flushTLBs(on targets: [CPU], mmuIndexMask mask: UInt32, local: (CPU) -> Void) {
        guard system.threaded else {
            for c in targets { local(c) }
            return
        }
        var waits: [(CPU, UInt64)] = []
        for c in targets {
            if c === self { local(c); continue }
            c.remoteTLB.mask.bitwiseOr(mask, ordering: .sequentiallyConsistent)
            let gen = c.remoteTLB.requested.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
            // A CPU whose thread sleeps (WFI, powered off) runs no code and
            // uses no TLB: its flush is done here while its thread is held
            // asleep, instead of a wake-up and a wait for it (a Linux boot
            // at -smp 2 issues thousands of TLBI IS while the other CPU idles).
            if c.interrupts.whileAsleep({ c.serviceRemoteWork() }) { continue }
            c.interrupts.kick()
            waits.append((c, gen))
        }
        var backoff = HostBackoff()
        for (c, gen) in waits {
            while c.remoteTLB.performed.load(ordering: .acquiring) < gen && system.exitStatus == nil {
                // The target may be waiting for this CPU's flush in turn.
                serviceRemoteWork()
                backoff.pause()
            }
        }
    }

    /// Performs the TLB flushes other CPUs asked of this one. This CPU's
    /// thread, between blocks or while it idles; or another CPU's while this
    /// one's thread is held asleep (`Interrupts.whileAsleep`).
    public func serviceRemoteWork() {
        let gen = remoteTLB.requested.load(ordering: .sequentiallyConsistent)
        guard gen != remoteTLB.performed.load(ordering: .relaxed) else { return }
        remoteTLB.takePages { _ = invalidateTLBEntries(mappingPage: $0) }
        let mask = remoteTLB.mask.exchange(0, ordering: .sequentiallyConsistent)
        if mask != 0 { flushTLB(mmuIndexMask: mask) }
        remoteTLB.performed.store(gen, ordering: .releasing)
    }

    /// Asks this CPU, from another thread, to drop its TLB entries that map
    /// physical page `pagePA` (a MEC re-tag): done at once when its thread
    /// sleeps, else at its next block boundary (it is kicked). Returns the
    /// generation to wait for (`remoteWorkDone`), nil when already done.
    func requestPageDrop(_ pagePA: UInt64) -> UInt64? {
        remoteTLB.addPage(pagePA)
        return requestRemoteWork()
    }

    /// Likewise, to empty the TLBs of the MMU indices in `mask`.
    func requestTLBFlush(mmuIndexMask mask: UInt32) -> UInt64? {
        remoteTLB.mask.bitwiseOr(mask, ordering: .sequentiallyConsistent)
        return requestRemoteWork()
    }

    private func requestRemoteWork() -> UInt64? {
        let gen = remoteTLB.requested.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
        if interrupts.whileAsleep({ serviceRemoteWork() }) { return nil }
        interrupts.kick()
        return gen
    }

    /// Whether this CPU has done the requests up to generation `gen`.
    func remoteWorkDone(_ gen: UInt64) -> Bool { remoteTLB.performed.load(ordering: .acquiring) >= gen }

    /// The generation of the last request made of this CPU.
    var remoteWorkRequested: UInt64 { remoteTLB.requested.load(ordering: .sequentiallyConsistent) }

    /// True when another CPU asked for work this one has not done.
    public var remoteWorkPending: Bool {
        remoteTLB.requested.load(ordering: .relaxed) != remoteTLB.performed.load(ordering: .relaxed)
    }
}
