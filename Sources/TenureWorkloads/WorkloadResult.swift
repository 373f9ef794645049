// What one run of a workload measured, in a form the CLI prints and tools read.
//
// Every variant of a workload (the Tenure heap, Swift's ARC, a hand-managed
// arena) fills the same record, so that runs can be compared figure by
// figure. Collector figures come from `HeapStatistics` and are zero for the
// variants that have no collector. The JSON form uses snake_case keys; its
// top level always holds `workload`, `variant`, `wall_seconds`,
// `peak_rss_bytes`, `peak_live_bytes`, `minor_collections`,
// `major_collections`, `gc_seconds`, `max_pause_seconds` and `checksum`.
import Foundation
import Tenure

/// The figures of one workload run.
public struct WorkloadResult: Codable, Sendable, Equatable {
    /// The workload's name ("binary-trees", "gcbench").
    public var workload: String
    /// How memory was managed: "tenure", "arc" or "arena".
    public var variant: String
    /// The workload's size parameters (for binary-trees: "depth").
    public var parameters: [String: Int]
    /// Wall time of the whole run in seconds, heap creation and teardown included.
    public var wallSeconds: Double
    /// The process's peak resident set during the run, in bytes (VmHWM).
    public var peakRSSBytes: Int
    /// Whether the peak was reset before the run; when false, `peakRSSBytes`
    /// is the process's peak so far (earlier runs included).
    public var peakRSSIsPerRun: Bool
    /// The process's resident set at the end of the run, in bytes (VmRSS).
    public var finalRSSBytes: Int
    /// The most bytes of objects alive at once. Tenure: the most bytes that
    /// survived a major collection (`HeapStatistics.peakSurvivingBytes`);
    /// ARC and arena: computed from the workload's shape (see `peakLiveSource`).
    public var peakLiveBytes: Int
    /// How `peakLiveBytes` was obtained: "major-collection-survivors" or "analytical".
    public var peakLiveSource: String
    /// Minor collections run.
    public var minorCollections: Int
    /// Major collections run.
    public var majorCollections: Int
    /// Seconds spent in collections, minor and major.
    public var gcSeconds: Double
    /// Seconds spent in minor collections.
    public var minorSeconds: Double
    /// Seconds spent in major collections (each includes the minor collection that starts it).
    public var majorSeconds: Double
    /// The longest pause of any collection, in seconds.
    public var maxPauseSeconds: Double
    /// The median and 99th-percentile pause of all collections, in seconds
    /// (from `PauseHistogram`: within 6%).
    public var pauseP50Seconds: Double = 0
    public var pauseP99Seconds: Double = 0
    /// The longest minor collection, in seconds.
    public var minorMaxPauseSeconds: Double
    /// The longest major collection, in seconds.
    public var majorMaxPauseSeconds: Double
    /// Bytes allocated in the nursery and collected by minor collections.
    public var nurseryBytesAllocated: Int
    /// Bytes copied out of the nursery into the old generation.
    public var bytesPromoted: Int
    /// The most bytes of old-space arenas mapped at once.
    public var arenaBytesPeak: Int
    /// The most bytes of large objects at once.
    public var largeObjectBytesPeak: Int
    /// A number every variant of the workload computes identically (sums of node counts).
    public var checksum: Int
    /// The JIT's figures, for workloads that compile loops (encoded at the top level).
    public var jit: JITFigures?
    /// What each phase did, for workloads with phases (translate).
    public var phases: [TranslatePhaseReport]?

    /// A result with every figure given; collector figures default to zero.
    public init(
        workload: String, variant: String, parameters: [String: Int] = [:],
        wallSeconds: Double, peakRSSBytes: Int, peakRSSIsPerRun: Bool, finalRSSBytes: Int,
        peakLiveBytes: Int, peakLiveSource: String,
        minorCollections: Int = 0, majorCollections: Int = 0,
        gcSeconds: Double = 0, minorSeconds: Double = 0, majorSeconds: Double = 0,
        maxPauseSeconds: Double = 0, minorMaxPauseSeconds: Double = 0, majorMaxPauseSeconds: Double = 0,
        nurseryBytesAllocated: Int = 0, bytesPromoted: Int = 0,
        arenaBytesPeak: Int = 0, largeObjectBytesPeak: Int = 0, checksum: Int
    ) {
        self.workload = workload
        self.variant = variant
        self.parameters = parameters
        self.wallSeconds = wallSeconds
        self.peakRSSBytes = peakRSSBytes
        self.peakRSSIsPerRun = peakRSSIsPerRun
        self.finalRSSBytes = finalRSSBytes
        self.peakLiveBytes = peakLiveBytes
        self.peakLiveSource = peakLiveSource
        self.minorCollections = minorCollections
        self.majorCollections = majorCollections
        self.gcSeconds = gcSeconds
        self.minorSeconds = minorSeconds
        self.majorSeconds = majorSeconds
        self.maxPauseSeconds = maxPauseSeconds
        self.minorMaxPauseSeconds = minorMaxPauseSeconds
        self.majorMaxPauseSeconds = majorMaxPauseSeconds
        self.nurseryBytesAllocated = nurseryBytesAllocated
        self.bytesPromoted = bytesPromoted
        self.arenaBytesPeak = arenaBytesPeak
        self.largeObjectBytesPeak = largeObjectBytesPeak
        self.checksum = checksum
    }

    /// Copies the collector figures of a Tenure heap into the result.
    public mutating func record(_ statistics: HeapStatistics) {
        minorCollections = statistics.minorCollections
        majorCollections = statistics.majorCollections
        gcSeconds = statistics.gcSeconds
        minorSeconds = statistics.minorSeconds
        majorSeconds = statistics.majorSeconds
        maxPauseSeconds = statistics.maxPause
        pauseP50Seconds = statistics.pauses.percentile(0.50)
        pauseP99Seconds = statistics.pauses.percentile(0.99)
        minorMaxPauseSeconds = statistics.minorMaxPause
        majorMaxPauseSeconds = statistics.majorMaxPause
        nurseryBytesAllocated = statistics.nurseryBytesAllocated
        bytesPromoted = statistics.bytesPromoted
        arenaBytesPeak = statistics.arenaBytesPeak
        largeObjectBytesPeak = statistics.largeObjectBytesPeak
    }

    /// The snake_case JSON keys.
    enum CodingKeys: String, CodingKey {
        case workload, variant, parameters, checksum
        case wallSeconds = "wall_seconds"
        case peakRSSBytes = "peak_rss_bytes"
        case peakRSSIsPerRun = "peak_rss_is_per_run"
        case finalRSSBytes = "final_rss_bytes"
        case peakLiveBytes = "peak_live_bytes"
        case peakLiveSource = "peak_live_source"
        case minorCollections = "minor_collections"
        case majorCollections = "major_collections"
        case gcSeconds = "gc_seconds"
        case minorSeconds = "minor_seconds"
        case majorSeconds = "major_seconds"
        case maxPauseSeconds = "max_pause_seconds"
        case pauseP50Seconds = "pause_p50_seconds"
        case pauseP99Seconds = "pause_p99_seconds"
        case minorMaxPauseSeconds = "minor_max_pause_seconds"
        case majorMaxPauseSeconds = "major_max_pause_seconds"
        case nurseryBytesAllocated = "nursery_bytes_allocated"
        case bytesPromoted = "bytes_promoted"
        case arenaBytesPeak = "arena_bytes_peak"
        case largeObjectBytesPeak = "large_object_bytes_peak"
        case loopsCompiled = "loops_compiled"
        case phases
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        workload = try c.decode(String.self, forKey: .workload)
        variant = try c.decode(String.self, forKey: .variant)
        parameters = try c.decode([String: Int].self, forKey: .parameters)
        wallSeconds = try c.decode(Double.self, forKey: .wallSeconds)
        peakRSSBytes = try c.decode(Int.self, forKey: .peakRSSBytes)
        peakRSSIsPerRun = try c.decode(Bool.self, forKey: .peakRSSIsPerRun)
        finalRSSBytes = try c.decode(Int.self, forKey: .finalRSSBytes)
        peakLiveBytes = try c.decode(Int.self, forKey: .peakLiveBytes)
        peakLiveSource = try c.decode(String.self, forKey: .peakLiveSource)
        minorCollections = try c.decode(Int.self, forKey: .minorCollections)
        majorCollections = try c.decode(Int.self, forKey: .majorCollections)
        gcSeconds = try c.decode(Double.self, forKey: .gcSeconds)
        minorSeconds = try c.decode(Double.self, forKey: .minorSeconds)
        majorSeconds = try c.decode(Double.self, forKey: .majorSeconds)
        maxPauseSeconds = try c.decode(Double.self, forKey: .maxPauseSeconds)
        pauseP50Seconds = try c.decodeIfPresent(Double.self, forKey: .pauseP50Seconds) ?? 0
        pauseP99Seconds = try c.decodeIfPresent(Double.self, forKey: .pauseP99Seconds) ?? 0
        minorMaxPauseSeconds = try c.decode(Double.self, forKey: .minorMaxPauseSeconds)
        majorMaxPauseSeconds = try c.decode(Double.self, forKey: .majorMaxPauseSeconds)
        nurseryBytesAllocated = try c.decode(Int.self, forKey: .nurseryBytesAllocated)
        bytesPromoted = try c.decode(Int.self, forKey: .bytesPromoted)
        arenaBytesPeak = try c.decode(Int.self, forKey: .arenaBytesPeak)
        largeObjectBytesPeak = try c.decode(Int.self, forKey: .largeObjectBytesPeak)
        checksum = try c.decode(Int.self, forKey: .checksum)
        jit = c.contains(.loopsCompiled) ? try JITFigures(from: decoder) : nil
        phases = try c.decodeIfPresent([TranslatePhaseReport].self, forKey: .phases)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(workload, forKey: .workload)
        try c.encode(variant, forKey: .variant)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(wallSeconds, forKey: .wallSeconds)
        try c.encode(peakRSSBytes, forKey: .peakRSSBytes)
        try c.encode(peakRSSIsPerRun, forKey: .peakRSSIsPerRun)
        try c.encode(finalRSSBytes, forKey: .finalRSSBytes)
        try c.encode(peakLiveBytes, forKey: .peakLiveBytes)
        try c.encode(peakLiveSource, forKey: .peakLiveSource)
        try c.encode(minorCollections, forKey: .minorCollections)
        try c.encode(majorCollections, forKey: .majorCollections)
        try c.encode(gcSeconds, forKey: .gcSeconds)
        try c.encode(minorSeconds, forKey: .minorSeconds)
        try c.encode(majorSeconds, forKey: .majorSeconds)
        try c.encode(maxPauseSeconds, forKey: .maxPauseSeconds)
        try c.encode(pauseP50Seconds, forKey: .pauseP50Seconds)
        try c.encode(pauseP99Seconds, forKey: .pauseP99Seconds)
        try c.encode(minorMaxPauseSeconds, forKey: .minorMaxPauseSeconds)
        try c.encode(majorMaxPauseSeconds, forKey: .majorMaxPauseSeconds)
        try c.encode(nurseryBytesAllocated, forKey: .nurseryBytesAllocated)
        try c.encode(bytesPromoted, forKey: .bytesPromoted)
        try c.encode(arenaBytesPeak, forKey: .arenaBytesPeak)
        try c.encode(largeObjectBytesPeak, forKey: .largeObjectBytesPeak)
        try c.encode(checksum, forKey: .checksum)
        try c.encodeIfPresent(phases, forKey: .phases)
        try jit?.encode(to: encoder)   // its keys sit beside these
    }

    /// The result as one JSON object (keys sorted), on one line unless `prettyPrinted`.
    public func jsonString(prettyPrinted: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = prettyPrinted ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        // Encoding plain numbers, strings and a [String: Int] cannot fail.
        let data = try! encoder.encode(self)
        return String(decoding: data, as: UTF8.self)
    }

    /// The result as a JSON object tree (what `JSONSerialization` reads back from `jsonString()`).
    public var jsonObject: [String: Any] {
        let data = Data(jsonString().utf8)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}
