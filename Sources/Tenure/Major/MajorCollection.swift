// The major collection: mark and sweep the whole old generation.
//
// A major cycle starts with a minor collection, so the nursery is empty and
// every live object is old; then marking, weak references, destructors,
// sweeping, and the pacing's new threshold from the bytes that survived. The
// cycle is stop-the-world; its parts (`markRoots`, `markStep`, `sweep`) are
// separate so that they can become increments of an incremental cycle.
//
// Near the maximum heap, the major collections an allocation runs keep the
// nursery in place (`keepingNursery`, NurseryInPlace.swift): young objects
// are traced and marked but not moved, so that finding out whether the
// runtime has dropped enough never promotes anything (AllocationLimits.swift).

extension HeapState {
    /// Returns, when it keeps the nursery, the bytes its live objects will take in the
    /// old generation once promoted (0 otherwise).
    @discardableResult
    mutating func majorCollection(keepingNursery: Bool = false) -> Int {
        let startedAt = Clock.now()
        if !keepingNursery { minorCollection() }
        if configuration.debugLevel >= 1 { verifyOrDie("before a major collection") }
        let start = beginCollection(.major, startedAt: startedAt)

        markRoots()
        markStep(budget: .max)
        if keepingNursery { forgetDeadRememberedObjects() }
        clearDeadWeakReferences()
        if keepingNursery { runDestructorsOfUnmarkedYoungObjects() }
        runDestructorsOfDeadOldObjects()
        let survivorBytes = keepingNursery ? releaseUnmarkedYoungObjects() : 0
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
        return survivorBytes
    }
}
