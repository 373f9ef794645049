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
// pressure. When bounded and still over the maximum, allocation throws.

struct Pacing {
    let majorCollectFactor: Double
    let growthFactor: Double
    let minimumHeapSize: Int
    let maximumHeapSize: Int?
    let maximumDelta: Int
    /// The threshold the next major collection waits for.
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

    /// Whether old-space usage `used` plus `extra` bytes about to be allocated calls for a major collection.
    @inline(__always)
    func isReached(used: Int, extra: Int = 0) -> Bool { Double(used + extra) > threshold }

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

    /// Lowers the threshold by raw memory the runtime allocated outside the heap.
    mutating func addPressure(_ bytes: Int) {
        threshold -= Double(bytes + 16)
    }

    /// Whether an allocation of `extra` bytes with `used` bytes in the old space breaks the maximum.
    func exceedsMaximum(used: Int, extra: Int) -> Bool {
        guard let m = maximumHeapSize else { return false }
        return used + extra > m
    }
}
