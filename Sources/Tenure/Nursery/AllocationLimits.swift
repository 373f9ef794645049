// What the allocation slow path does at the heap's limits: a full nursery,
// the major threshold, the maximum heap size, a spent memory reserve.
//
// The maximum heap size bounds the old generation. A minor collection cannot
// refuse to promote a survivor, so the bound holds to within one nursery: a
// collection may leave the old generation up to one nursery's survivors over
// the maximum, and from then on the fast path is closed (`overLimit`), so
// nothing more is allocated unchecked. The allocation that ran that
// collection is still served from the emptied nursery (it does not add to
// the old generation); the next one runs a major collection first and throws
// `heapLimitExceeded` while the old generation stays over the maximum. That
// major collection keeps the nursery in place (young objects marked, not
// promoted), so finding out never adds to the old generation. A
// runtime that catches the error and drops references gets its fast path
// back at the first allocation after the major collection that sees it
// under the maximum. A large object goes straight to the old generation: it
// is refused when its whole block (prefix and cards included) would cross the
// maximum after a major collection.
//
// Without the emergency reserve (MemoryReserve.swift) the next collection
// could not be sure to finish, so the slow path first maps it again (after a
// major collection has given memory back) and throws `outOfMemory` while the
// kernel refuses.

extension HeapState {
    /// Settles the states that close the fast path before an allocation: a spent
    /// reserve, an old generation over the maximum.
    mutating func prepareSlowAllocation(requested: Int) throws(HeapError) {
        if !MemoryReserve.isHeld {
            let needed = MemoryReserve.bytesNeeded(by: configuration)
            if !MemoryReserve.ensure(needed) {
                majorCollection()
                guard MemoryReserve.ensure(needed) else { throw .outOfMemory(requested: needed) }
            }
            updateAllocationLimit()
        }
        if overLimit {
            majorCollection(keepingNursery: true)
            if let maximum = pacing.maximumHeapSize, oldBytes > maximum {
                throw .heapLimitExceeded(requested: requested, used: oldBytes, limit: maximum)
            }
            overLimit = false
            updateAllocationLimit()
        }
    }

    /// Empties the nursery for an allocation: a minor collection, and a major
    /// one when the threshold is reached. Leaves `overLimit` set (and the fast
    /// path closed) when the old generation ends over the maximum.
    mutating func collectForAllocation() {
        minorCollection()
        if pacing.isReached(used: oldBytes, rawMemory: rawMemory) {
            majorCollection()
        }
    }

    /// Makes room for `block` bytes going straight to the old generation (a
    /// large object): a major collection when the threshold would be crossed,
    /// and the maximum-heap check after it. `requested` is the object's size.
    mutating func makeRoomInOldGeneration(for block: Int, requested: Int) throws(HeapError) {
        if pacing.isReached(used: oldBytes, extra: block, rawMemory: rawMemory) {
            majorCollection()
        }
        if pacing.exceedsMaximum(used: oldBytes, extra: block) {
            throw .heapLimitExceeded(requested: block, used: oldBytes, limit: pacing.maximumHeapSize ?? 0)
        }
    }
}
