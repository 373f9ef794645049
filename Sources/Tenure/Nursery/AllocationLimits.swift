// What the allocation slow path does at the heap's limits: a full nursery,
// the major threshold, the maximum heap size, a spent memory reserve.
//
// The maximum heap size bounds the old generation. A minor collection cannot
// refuse to promote a survivor, so an allocation never runs one that could
// cross the maximum without finding out first: near the maximum (when the
// nursery's worst-case promoted size, `promotedBytesBound`, would cross it),
// a full nursery is first examined by a major collection that keeps it in
// place (young objects traced and marked, not moved) and measures what its
// survivors will take once promoted, hash words and large-object prefixes
// included. When they do not fit, the allocation throws `heapLimitExceeded`
// and nothing has moved; the runtime that drops references and tries again
// gets its allocation once they fit. The major collections an allocation
// runs for other reasons (the threshold before a large object, a spent
// reserve) keep the nursery in place near the maximum as well. So no
// collection an allocation runs leaves the old generation over the maximum.
//
// Only a collection the runtime asks for (`collectMinor`, `collect`, which
// starts with a minor collection) may promote past it, by at most one
// nursery's survivors. Then the fast path is closed (`overLimit`), so nothing
// more is allocated unchecked: every allocation runs a major collection that
// keeps the nursery in place and throws while the old generation stays over
// the maximum, and the first one after the runtime has dropped enough gets
// the fast path back. A large object goes straight to the old generation: it
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
                majorCollectionWithinMaximum()
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
    /// one when the threshold is reached. Near the maximum heap (when promoting
    /// the whole nursery could cross it), a major collection that keeps the
    /// nursery finds out first what its survivors would take, and refuses the
    /// allocation, promoting nothing, when they would not fit.
    mutating func collectForAllocation(requested: Int) throws(HeapError) {
        if let maximum = pacing.maximumHeapSize, promotingTheNurseryMightCrossTheMaximum {
            let survivors = majorCollection(keepingNursery: true)
            if oldBytes + survivors > maximum {
                throw .heapLimitExceeded(requested: requested, used: oldBytes + survivors, limit: maximum)
            }
        }
        minorCollection()
        if pacing.isReached(used: oldBytes, rawMemory: rawMemory) {
            majorCollection()
        }
    }

    /// Whether promoting everything in the nursery could take the old generation over
    /// the maximum heap (by the worst case, without looking at the objects).
    var promotingTheNurseryMightCrossTheMaximum: Bool {
        guard let maximum = pacing.maximumHeapSize else { return false }
        return oldBytes + promotedBytesBound(used: fast.pointee.nurseryFree - nursery.start) > maximum
    }

    /// A major collection for an allocation: near the maximum heap (when promoting the
    /// whole nursery could cross it) it keeps the nursery in place, so that its
    /// survivors are promoted later by `collectForAllocation`, which checks them first.
    mutating func majorCollectionWithinMaximum() {
        if promotingTheNurseryMightCrossTheMaximum {
            majorCollection(keepingNursery: true)
        } else {
            majorCollection()
        }
    }

    /// Makes room for `block` bytes going straight to the old generation (a
    /// large object): a major collection when the threshold would be crossed,
    /// and the maximum-heap check after it. `requested` is the object's size.
    mutating func makeRoomInOldGeneration(for block: Int, requested: Int) throws(HeapError) {
        if pacing.isReached(used: oldBytes, extra: block, rawMemory: rawMemory) {
            majorCollectionWithinMaximum()
        }
        if pacing.exceedsMaximum(used: oldBytes, extra: block) {
            throw .heapLimitExceeded(requested: block, used: oldBytes, limit: pacing.maximumHeapSize ?? 0)
        }
    }
}
