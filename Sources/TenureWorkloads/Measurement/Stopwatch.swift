// Wall time of a workload, on the monotonic clock.
//
// The workloads time themselves and their phases (GCBench prints the time of
// each construction phase); the clock must not jump with the wall clock.
import Tenure

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

    /// Seconds on the monotonic clock (Tenure's, which the heap's statistics read).
    public static func now() -> Double { Clock.now() }
}
