import Glibc
import Machine
import Synchronization

/// A plain mutex (the translation lock of CPUs on threads).
final class HostMutex: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }
    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
    @inline(__always) func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) func unlock() { pthread_mutex_unlock(mutex) }
}

/// Stops every CPU thread at a block boundary while one thread does
/// something no translated code may run during (QEMU's start_exclusive):
/// emptying the code cache, a machine reset, serving a debugger. A CPU
/// thread counts as running from `enter` to `leave`; it leaves while it
/// sleeps (WFI, powered off) and at `checkpoint` when exclusive work is
/// pending. Threads that wait here still do the TLB flushes other CPUs ask
/// of them (a CPU in a TLBI waits for those before it can reach a block
/// boundary).
final class ExclusiveGate: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let cond: UnsafeMutablePointer<pthread_cond_t>
    private var running = 0
    private var pending = false
    /// `pending`, read without the lock at each block boundary.
    private let pendingFlag = Atomic<Bool>(false)

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        cond = .allocate(capacity: 1)
        pthread_cond_init(cond, WakeSignal.monotonicAttributes)
    }
    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    /// Waits on the condition for up to 1 ms (lock held), then lets `cpu`
    /// do other CPUs' requests with the lock dropped.
    private func waitServing(_ cpu: CPU) {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        ts.tv_nsec += 1_000_000
        if ts.tv_nsec >= 1_000_000_000 { ts.tv_sec += 1; ts.tv_nsec -= 1_000_000_000 }
        _ = pthread_cond_timedwait(cond, mutex, &ts)
        pthread_mutex_unlock(mutex)
        cpu.serviceRemoteWork()
        pthread_mutex_lock(mutex)
    }

    /// The thread of `cpu` starts running translated code.
    func enter(_ cpu: CPU) {
        pthread_mutex_lock(mutex)
        while pending { waitServing(cpu) }
        running += 1
        pthread_mutex_unlock(mutex)
    }

    /// The thread stops running translated code (it sleeps or ends).
    func leave() {
        pthread_mutex_lock(mutex)
        running -= 1
        if pending { pthread_cond_broadcast(cond) }
        pthread_mutex_unlock(mutex)
    }

    /// At a block boundary: waits while another thread's exclusive work runs.
    @inline(__always) func checkpoint(_ cpu: CPU) {
        if pendingFlag.load(ordering: .relaxed) {
            leave()
            enter(cpu)
        }
    }

    /// Runs `work` while no other CPU thread runs translated code; called by
    /// a running CPU thread at a block boundary. `stopOthers` makes running
    /// code return to the dispatcher (exit requests).
    func exclusive(_ cpu: CPU, stopOthers: () -> Void, _ work: () -> Void) {
        pthread_mutex_lock(mutex)
        running -= 1
        while pending {   // another thread's exclusive work first
            pthread_cond_broadcast(cond)
            waitServing(cpu)
        }
        pending = true
        pendingFlag.store(true, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(mutex)
        stopOthers()
        pthread_mutex_lock(mutex)
        while running > 0 { waitServing(cpu) }
        pthread_mutex_unlock(mutex)
        work()
        pthread_mutex_lock(mutex)
        pending = false
        pendingFlag.store(false, ordering: .sequentiallyConsistent)
        running += 1
        pthread_cond_broadcast(cond)
        pthread_mutex_unlock(mutex)
    }
}
