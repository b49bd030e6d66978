import Glibc

/// How a CPU thread waits for another host thread (a TLB drop or flush it
/// asked of another CPU, a WFE): spin for a short while, since the other
/// thread usually runs on another core and answers within microseconds; then
/// sleep in short naps. Not `sched_yield`: on a loaded host it gives the core
/// away for a time slice of every other runnable process (measured on a host
/// with load 14: smp_barrier -smp 2 on threads, 80 s wall for 0.04 s of CPU).
public struct HostBackoff {
    /// How long to spin before the first nap.
    public static let spinNanos: UInt64 = 20_000
    /// One nap.
    public static let napNanos: UInt64 = 50_000
    private var since: UInt64 = 0

    public init() {}

    /// True once the spinning is over (the caller should nap now).
    public mutating func spinningDone() -> Bool {
        let now = HostClock.nanoseconds()
        if since == 0 { since = now }
        return now &- since >= HostBackoff.spinNanos
    }

    /// One step of the wait: a clock read while spinning (the step's delay),
    /// a nap once spinning is over.
    public mutating func pause() {
        if spinningDone() { usleep(UInt32(HostBackoff.napNanos / 1000)) }
    }
}
