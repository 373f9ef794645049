// What a heap has done: sizes, peaks, collection counts and pause times.
//
// Counts and times are kept by the collector at the end of each collection;
// sizes and their peaks are kept by the spaces as they map and allocate (no
// cost on the allocation fast path). Read with `Heap.statistics`.
//
// Nothing here grows with the run: pauses go into fixed histograms, and only
// the last `recentMajorLimit` major collections are kept as records (a
// runtime doing millions of majors must not leak through its statistics;
// the event log keeps every collection for those who want the history).

/// One major collection's figures.
public struct MajorCollectionRecord: Sendable, Equatable {
    /// Old-generation bytes before and after (the seed's gc-before and gc-after).
    public var bytesBefore: Int
    public var bytesAfter: Int
    /// The threshold set for the next major collection.
    public var nextThreshold: Int
    /// Seconds the collection took (its minor collection included).
    public var seconds: Double
    /// Seconds since the heap was created, at the end of the collection.
    public var timestamp: Double
}

/// Totals and peaks of a heap.
public struct HeapStatistics: Sendable, Equatable {
    /// No collections yet, no bytes.
    public init() {}

    /// Bytes of the nursery now, and at most (it grows and shrinks with its survivors).
    public var nurseryBytes = 0
    public var nurseryBytesPeak = 0
    /// Times the nursery sizing changed the nursery's size.
    public var nurseryResizes = 0
    /// Bytes allocated in the nursery since the heap was created.
    public var nurseryBytesAllocated = 0
    /// Bytes of arenas mapped now, and at most.
    public var arenaBytes = 0
    public var arenaBytesPeak = 0
    /// Bytes of arena cells holding objects (after the last collection).
    public var arenaBytesUsed = 0
    /// Bytes of large objects now, and at most.
    public var largeObjectBytes = 0
    public var largeObjectBytesPeak = 0
    /// Raw memory reported by the runtime (`Heap.addMemoryPressure`, `removeMemoryPressure`):
    /// now, at most, and reported in total.
    public var rawBytes = 0
    public var rawBytesPeak = 0
    public var rawBytesReported = 0
    /// Arenas given back to the kernel.
    public var arenasReleased = 0
    /// Bytes of arena pages with no memory behind them now: free pages whose
    /// memory was given back to the kernel (madvise) after a major collection
    /// and not used since, and the few never touched since their arena was
    /// mapped. They are part of `arenaBytes`; `arenaBytes - scavengedBytes` is
    /// what the arenas hold resident, at most.
    public var scavengedBytes = 0

    /// Minor collections, their total and longest pause in seconds.
    public var minorCollections = 0
    public var minorSeconds = 0.0
    public var minorMaxPause = 0.0
    /// Bytes copied out of the nursery, total.
    public var bytesPromoted = 0
    /// Major collections, their total and longest pause in seconds.
    public var majorCollections = 0
    public var majorSeconds = 0.0
    public var majorMaxPause = 0.0
    /// The pauses of minor and of major collections, for percentiles.
    public var minorPauses = PauseHistogram()
    public var majorPauses = PauseHistogram()
    /// The last major collections (at most `HeapStatistics.recentMajorLimit`), oldest first.
    public internal(set) var majorRecords: [MajorCollectionRecord] = []
    /// How many major collections `majorRecords` keeps.
    public static let recentMajorLimit = 256
    /// Bytes that survived the last major collection.
    public internal(set) var lastSurvivingBytes = 0
    /// The most bytes that survived a major collection.
    public var peakSurvivingBytes = 0
    /// Destructors run.
    public var destructorsRun = 0

    /// Total collection time in seconds.
    public var gcSeconds: Double { minorSeconds + majorSeconds }
    /// The pauses of all collections.
    public var pauses: PauseHistogram {
        var all = minorPauses
        all.merge(majorPauses)
        return all
    }
    /// Longest pause in seconds.
    public var maxPause: Double { max(minorMaxPause, majorMaxPause) }
}

extension HeapStatistics {
    /// Keeps `record`, dropping the oldest beyond the limit (the window moves by
    /// halves, so the cost per record stays constant).
    mutating func recordMajor(_ record: MajorCollectionRecord) {
        if majorRecords.count >= 2 * HeapStatistics.recentMajorLimit {
            majorRecords.removeFirst(majorRecords.count - HeapStatistics.recentMajorLimit)
        }
        majorRecords.append(record)
    }
}

extension HeapState {
    /// The statistics with the size figures and peaks read from the spaces now.
    mutating func currentStatistics() -> HeapStatistics {
        var s = statistics
        s.arenaBytes = oldSpace.mappedBytes
        s.arenaBytesPeak = oldSpace.mappedBytesPeak
        s.arenaBytesUsed = oldSpace.usedBytes
        s.largeObjectBytes = large.bytes
        s.largeObjectBytesPeak = large.bytesPeak
        s.arenasReleased = oldSpace.arenasReleased
        s.scavengedBytes = oldSpace.unbackedBytes
        s.rawBytes = rawMemory.pointee.bytes
        s.rawBytesPeak = rawMemory.pointee.peak
        s.rawBytesReported = rawMemory.pointee.reported
        if s.majorRecords.count > HeapStatistics.recentMajorLimit {
            s.majorRecords.removeFirst(s.majorRecords.count - HeapStatistics.recentMajorLimit)
        }
        return s
    }
}
