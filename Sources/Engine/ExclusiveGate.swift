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
    /// Its lock guards `running` and `pending`; waiters wait on its condition.
    private let signal = WakeSignal()
    private var running = 0
    private var pending = false
    /// `pending`, read without the lock at each block boundary.
    private let pendingFlag = Atomic<Bool>(false)

    /// Waits on the condition for up to 1 ms (lock held), then lets `cpu`
    /// do other CPUs' requests with the lock dropped.
    private func waitServing(_ cpu: CPU) {
        signal.waitLocked(until: HostClock.nanoseconds() &+ 1_000_000)
        signal.unlock()
        cpu.serviceRemoteWork()
        signal.lock()
    }

    /// The thread of `cpu` starts running translated code.
    func enter(_ cpu: CPU) {
        signal.lock()
        while pending { waitServing(cpu) }
        running += 1
        signal.unlock()
    }

    /// The thread stops running translated code (it sleeps or ends).
    func leave() {
        signal.lock()
        running -= 1
        if pending { signal.broadcastLocked() }
        signal.unlock()
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
        signal.lock()
        running -= 1
        while pending {   // another thread's exclusive work first
            signal.broadcastLocked()
            waitServing(cpu)
        }
        pending = true
        pendingFlag.store(true, ordering: .sequentiallyConsistent)
        signal.unlock()
        stopOthers()
        signal.lock()
        while running > 0 { waitServing(cpu) }
        signal.unlock()
        work()
        signal.lock()
        pending = false
        pendingFlag.store(false, ordering: .sequentiallyConsistent)
        running += 1
        signal.broadcastLocked()
        signal.unlock()
    }
}
