import Glibc

/// The host's monotonic clock, read in one place: the generic timer's
/// counter and alarms, the PMU cycle counter, WFI deadlines, the console's
/// polling, semihosting's clock and the engines' statistics.
public enum HostClock {
    /// Nanoseconds of CLOCK_MONOTONIC.
    @inline(__always) public static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
