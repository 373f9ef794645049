// Zeroing the nursery in chunks, just ahead of allocation.
//
// The allocation fast path stores only a header: every other word of a new
// object must already be zero. Zeroing the whole used nursery at the end of
// a minor collection would stream megabytes through the cache and leave them
// cold by the time they are allocated. Instead the fast path's limit
// (`nurseryTop`) is the end of the zeroed part; when allocation reaches it,
// the slow path zeroes the next chunk (64 KiB, which stays in the cache) and
// moves the limit. Memory past the high-water mark of the last cycle was
// never written and is not zeroed again.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension HeapState {
    static let zeroingChunk = 64 << 10

    /// Empties the nursery after a minor collection; zeroing is left to allocation.
    mutating func resetNursery() {
        nurseryDirtyEnd = max(nurseryDirtyEnd, fast.pointee.nurseryFree)
        fast.pointee.nurseryFree = nurseryStart
        nurseryZeroedEnd = nurseryStart
        zeroNursery(through: nurseryStart)
    }

    /// Makes the nursery zero up to at least `end` (within the nursery), a chunk at a time,
    /// and moves the fast path's limit there.
    mutating func zeroNursery(through end: UnsafeMutableRawPointer) {
        let nurseryEnd = nurseryStart + nurserySize
        if end > nurseryZeroedEnd || nurseryZeroedEnd == nurseryStart {
            var target = min(nurseryEnd, nurseryZeroedEnd + HeapState.zeroingChunk)
            if target < end { target = min(nurseryEnd, end + HeapState.zeroingChunk) }
            let dirtyPart = min(target, nurseryDirtyEnd)
            if dirtyPart > nurseryZeroedEnd { memset(nurseryZeroedEnd, 0, dirtyPart - nurseryZeroedEnd) }
            if target >= nurseryDirtyEnd { nurseryDirtyEnd = nurseryStart }
            nurseryZeroedEnd = target
        }
        // While a collection runs the limit stays at the allocation pointer: nothing may allocate.
        fast.pointee.nurseryTop = isCollecting ? fast.pointee.nurseryFree : nurseryZeroedEnd
    }
}
