// The monotonic clock: the one the heap's pause times, statistics and event
// log read, public so that a runtime timing its own work (SOM's `system
// time`, a workload's stopwatch) reads the same clock and its figures line up
// with the heap's.
import Glibc

/// Time on the monotonic clock (CLOCK_MONOTONIC: it never jumps with the wall clock).
public enum Clock {
    /// Seconds on the monotonic clock.
    public static func now() -> Double {
        Double(nanoseconds()) * 1e-9
    }

    /// Nanoseconds on the monotonic clock.
    public static func nanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
