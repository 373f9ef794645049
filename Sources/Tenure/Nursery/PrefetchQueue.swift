// A small FIFO of addresses whose memory is being fetched into the cache.
//
// Tracing a big structure is bound by cache misses: each reference's target
// header must be read (was it copied? was it marked?). Instead of reading it
// at once, the tracer prefetches the target and parks the work here; it is
// handled when it leaves the queue, a few entries later, by which time the
// target is usually in the cache. The minor collection parks slots (which
// live in old objects or roots, so they do not move); marking parks objects.
// Order does not matter for correctness: everything parked is handled before
// the phase ends.
import CTenure

struct PrefetchQueue {
    static let capacity = 16
    private let entries: UnsafeMutablePointer<UInt>
    private var head = 0
    private(set) var count = 0

    init() {
        entries = .allocate(capacity: PrefetchQueue.capacity)
    }

    /// Parks `entry` after prefetching `target`; returns the entry that leaves the queue, if it was full.
    @inline(__always)
    mutating func push(_ entry: UInt, prefetching target: ObjectRef) -> UInt? {
        tenure_prefetch(target.raw)
        if count < PrefetchQueue.capacity {
            entries[(head &+ count) & (PrefetchQueue.capacity - 1)] = entry
            count &+= 1
            return nil
        }
        let leaving = entries[head]
        entries[head] = entry
        head = (head &+ 1) & (PrefetchQueue.capacity - 1)
        return leaving
    }

    /// Removes the oldest parked entry.
    @inline(__always)
    mutating func pop() -> UInt? {
        if count == 0 { return nil }
        let entry = entries[head]
        head = (head &+ 1) & (PrefetchQueue.capacity - 1)
        count &-= 1
        return entry
    }

    func release() { entries.deallocate() }
}
