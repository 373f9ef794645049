// Wall time of a workload, on the monotonic clock.
//
// The workloads time themselves and their phases (GCBench prints the time of
// each construction phase); the clock must not jump with the wall clock.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A monotonic stopwatch started when it is created.
public struct Stopwatch {
    /// When the stopwatch was started, in monotonic seconds.
    public let start: Double

    /// Starts a stopwatch now.
    public init() { start = Stopwatch.now() }

    /// Seconds since the stopwatch was started.
    public var elapsedSeconds: Double { Stopwatch.now() - start }

    /// Whole milliseconds since the stopwatch was started.
    public var elapsedMilliseconds: Int { Int((elapsedSeconds * 1000).rounded(.down)) }

    /// Seconds on the monotonic clock.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
