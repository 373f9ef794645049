// The major collection: mark and sweep the whole old generation.
//
// A major cycle starts with a minor collection, so the nursery is empty and
// every live object is old; then marking, weak references, destructors,
// sweeping, and the pacing's new threshold from the bytes that survived. The
// cycle is stop-the-world; its parts (`markRoots`, `markStep`, `sweep`) are
// separate so that they can become increments of an incremental cycle.
//
// While the old generation is over the maximum heap, the major collection
// that decides whether an allocation may go on keeps the nursery as it is
// (`keepingNursery`): every young object is marked as if it were a root (all
// of them stay until the next minor collection, and none may point to an old
// object the sweep frees) but not promoted, so that finding out whether the
// runtime has dropped enough never moves more into the old generation
// (AllocationLimits.swift). The work lists that may name old objects that
// just died are pruned before the sweep frees them.

extension HeapState {
    mutating func majorCollection(keepingNursery: Bool = false) {
        let startedAt = Clock.now()
        if !keepingNursery { minorCollection() }
        if configuration.debugLevel >= 1 { verifyOrDie("before a major collection") }
        let start = beginCollection(.major, startedAt: startedAt)

        markRoots()
        if keepingNursery { markYoungObjects() }
        markStep(budget: .max)
        if keepingNursery { forgetDeadRememberedObjects() }
        clearDeadWeakReferences()
        if keepingNursery { clearYoungMarks() }
        runDestructorsOfDeadOldObjects()
        sweep()

        let after = oldBytes
        pacing.update(survivingBytes: after)
        rawMemory.pointee.pressure = 0  // the new threshold starts from what survived
        // Free pages the heap will refill before the next major collection keep
        // their memory; the others go back to the kernel (empty arenas unmapped,
        // free pages of the other arenas given back). Without the emergency
        // reserve, all of it goes back.
        let refill = MemoryReserve.isHeld ? max(0, Int(pacing.threshold) - after) : 0
        oldSpace.releaseFreeMemory(keepBytes: refill)
        let threshold = Int(pacing.threshold), mapped = oldSpace.mappedBytes + large.bytes
        endCollection(start) { pause in
            "pause_ns=\(Int(pause * 1e9)) heap_before=\(start.oldBytes) heap_after=\(after) next_threshold=\(threshold) mapped=\(mapped) rss=\(ResidentMemory.bytes())"
        }
        if configuration.debugLevel >= 1 { verifyOrDie("after a major collection") }
    }

    private func clearYoungMarks() {
        forEachYoungObject { $0.setHeader($0.header & ~HeaderFlags.visited) }
    }

    /// After marking with young objects in place: the remembered set and the dirty-card
    /// list drop the old objects that died (the sweep frees them). The young objects'
    /// marks are cleared once the weak references are settled (the sweep clears only old ones).
    private mutating func forgetDeadRememberedObjects() {
        let isLive: (UInt) -> Bool = { ObjectRef(address: $0)!.header & HeaderFlags.visited != 0 }
        oldObjectsToTrace.truncate(to: oldObjectsToTrace.partition(keep: isLive))
        arraysWithDirtyCards.truncate(to: arraysWithDirtyCards.partition(keep: isLive))
    }
}
