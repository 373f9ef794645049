// When to start a major collection: PyPy's threshold arithmetic.
//
// After each major collection, with L the bytes that survived:
//
//     t = min(L x majorCollectFactor, L + maxDelta)
//     t = min(t, previous threshold x growthFactor)
//     t = max(t, minimumHeapSize)
//     t = min(t, maximumHeapSize)          ("bounded" when this cut it)
//
// A major collection starts after a minor one when the old space (arena
// cells plus large objects) exceeds t, and before a large allocation that
// would cross it. Raw memory the runtime reports (`addMemoryPressure`)
// lowers t until the next recomputation, so outside memory counts as
// pressure. Over the maximum after a collection, the fast path closes and
// allocation throws until a major collection finds the old generation back
// under it (AllocationLimits.swift).

struct Pacing {
    let majorCollectFactor: Double
    let growthFactor: Double
    let minimumHeapSize: Int
    let maximumHeapSize: Int?
    let maximumDelta: Int
    /// The threshold in bytes the next major collection waits for (before the
    /// raw memory reported since the last one lowers it).
    private(set) var threshold: Double
    /// The threshold as last computed (before memory pressure lowered it).
    private(set) var initialThreshold: Double

    init(configuration c: HeapConfiguration) {
        majorCollectFactor = c.majorCollectFactor
        growthFactor = c.growthFactor
        minimumHeapSize = c.effectiveMinimumHeapSize
        maximumHeapSize = c.maximumHeapSize
        maximumDelta = c.effectiveMaximumDelta
        var t = Double(minimumHeapSize)
        if let m = maximumHeapSize { t = min(t, Double(m)) }
        threshold = t
        initialThreshold = t
    }

    /// Whether old-space usage `used` plus `extra` bytes about to be allocated,
    /// with the raw memory reported since the last major collection, calls for a major collection.
    @inline(__always)
    func isReached(used: Int, extra: Int = 0, rawMemory: UnsafeMutablePointer<RawMemoryAccount>) -> Bool {
        Double(used + extra) + rawMemory.pointee.pressure > threshold
    }

    /// Recomputes the threshold from the bytes that survived a major collection.
    /// Returns whether the maximum heap size cut it.
    @discardableResult
    mutating func update(survivingBytes l: Int) -> Bool {
        let survivors = Double(l)
        var t = min(survivors * majorCollectFactor, survivors + Double(maximumDelta))
        t = min(t, initialThreshold * growthFactor)
        t = max(t, Double(minimumHeapSize))
        var bounded = false
        if let m = maximumHeapSize, t > Double(m) {
            t = Double(m)
            bounded = true
        }
        initialThreshold = t
        threshold = t
        return bounded
    }

    /// Whether an allocation of `extra` bytes with `used` bytes in the old space breaks the maximum.
    func exceedsMaximum(used: Int, extra: Int) -> Bool {
        guard let m = maximumHeapSize else { return false }
        return used + extra > m
    }
}

/// Raw memory a runtime reported with `addMemoryPressure`. Kept behind a
/// pointer of its own: a destructor that frees a buffer reports it while the
/// collection that runs the destructor holds the heap's state.
struct RawMemoryAccount {
    /// Bytes reported and not yet removed, now and at most.
    var bytes = 0
    var peak = 0
    /// Bytes reported in total.
    var reported = 0
    /// What reports since the last major collection take off the threshold
    /// (each report counts 16 bytes more, for the bookkeeping it stands for).
    var pressure = 0.0
}
