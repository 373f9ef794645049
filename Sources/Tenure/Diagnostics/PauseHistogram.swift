// Pause times as a histogram, for percentiles without keeping every pause.
//
// A long run has millions of minor collections; keeping each pause would
// cost memory proportional to the run. Pauses go into logarithmic buckets
// instead (40 per decade from 100 ns to 1000 s, about 6% wide), so p50 and
// p99 are known to within a bucket's width, and the exact maximum is kept
// beside them. Adding a pause is a log10 and an increment, once per
// collection.
import Glibc

/// A histogram of pause times in seconds.
public struct PauseHistogram: Sendable, Equatable {
    static let bucketsPerDecade = 40.0
    static let smallest = 1e-7
    static let bucketCount = 400

    private var buckets = [Int](repeating: 0, count: PauseHistogram.bucketCount)
    /// Pauses recorded.
    public private(set) var count = 0
    /// The longest pause recorded, exactly.
    public private(set) var maximum = 0.0

    /// An empty histogram.
    public init() {}

    /// Records a pause of `seconds`.
    public mutating func record(_ seconds: Double) {
        let index = seconds <= Self.smallest ? 0
            : min(Self.bucketCount - 1, Int(log10(seconds / Self.smallest) * Self.bucketsPerDecade))
        buckets[index] += 1
        count += 1
        maximum = max(maximum, seconds)
    }

    /// Adds another histogram's pauses (minor and major together).
    public mutating func merge(_ other: PauseHistogram) {
        for i in 0..<Self.bucketCount { buckets[i] += other.buckets[i] }
        count += other.count
        maximum = max(maximum, other.maximum)
    }

    /// The pause below which `fraction` (0...1) of the pauses fall: the upper edge of
    /// that bucket, at most the maximum; 0 when nothing was recorded.
    public func percentile(_ fraction: Double) -> Double {
        guard count > 0 else { return 0 }
        let wanted = max(1, Int((fraction * Double(count)).rounded(.up)))
        var seen = 0
        for (i, n) in buckets.enumerated() {
            seen += n
            if seen >= wanted {
                return min(maximum, Self.smallest * pow(10, Double(i + 1) / Self.bucketsPerDecade))
            }
        }
        return maximum
    }
}
