import Glibc

/// One lock and condition shared by a machine's CPUs: each CPU's
/// `InterruptState` guards its inputs with the lock and broadcasts the
/// condition when a line goes up or someone kicks it. A CPU thread idling in
/// WFI waits on it, and so does a thread that runs several CPUs and finds all
/// of them waiting (`waitForAny`), without missing a wake-up in between.
public final class WakeSignal: @unchecked Sendable {
    let mutex: UnsafeMutablePointer<pthread_mutex_t>
    let cond: UnsafeMutablePointer<pthread_cond_t>

    /// Condition attributes for waits with CLOCK_MONOTONIC deadlines (the
    /// clock `HostClock` reads).
    nonisolated(unsafe) public static let monotonicAttributes: UnsafeMutablePointer<pthread_condattr_t> = {
        let a = UnsafeMutablePointer<pthread_condattr_t>.allocate(capacity: 1)
        pthread_condattr_init(a)
        pthread_condattr_setclock(a, CLOCK_MONOTONIC)
        return a
    }()

    public init() {
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

    /// Sleeps until `deadline` (host monotonic ns) unless `ready` (checked
    /// under the lock, so nothing signalled after the check is missed) is
    /// already true. Any thread.
    public func wait(until deadline: UInt64, ready: () -> Bool) {
        lock()
        defer { unlock() }
        if ready() { return }
        waitLocked(until: deadline)
    }

    /// Wakes every waiter. Any thread.
    public func broadcast() {
        lock()
        broadcastLocked()
        unlock()
    }

    // The parts, for a caller that keeps state of its own under the lock
    // (the engine's ExclusiveGate).
    @inline(__always) public func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) public func unlock() { pthread_mutex_unlock(mutex) }
    @inline(__always) public func broadcastLocked() { pthread_cond_broadcast(cond) }

    /// With the lock held: releases it until a broadcast or `deadline`
    /// (host monotonic ns; spurious wake-ups happen), then holds it again.
    public func waitLocked(until deadline: UInt64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        _ = pthread_cond_timedwait(cond, mutex, &ts)
    }
}
