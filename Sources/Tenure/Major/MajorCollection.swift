// The major collection: mark and sweep the whole old generation.
//
// A major cycle starts with a minor collection, so the nursery is empty and
// every live object is old; then marking, weak references, sweeping, and the
// pacing's new threshold from the bytes that survived. The cycle is
// stop-the-world; its parts (`markRoots`, `markStep`, `sweep`) are separate
// so that they can become increments of an incremental cycle.

extension HeapState {
    mutating func majorCollection() {
        let start = Clock.now()
        minorCollection()
        if configuration.debugLevel >= 1 { verifyOrDie("before a major collection") }
        isCollecting = true
        fast.pointee.nurseryTop = fast.pointee.nurseryFree
        let before = oldBytes

        markRoots()
        markStep(budget: .max)
        clearDeadWeakReferences()
        sweep()

        let after = oldBytes
        pacing.update(survivingBytes: after)
        oldSpace.releaseEmptyArenas(keepBytes: max(0, Int(pacing.threshold) - after))
        let end = Clock.now()
        let pause = end - start
        statistics.majorCollections += 1
        statistics.majorSeconds += pause
        statistics.majorMaxPause = max(statistics.majorMaxPause, pause)
        statistics.majorPauses.record(pause)
        statistics.peakSurvivingBytes = max(statistics.peakSurvivingBytes, after)
        statistics.majorRecords.append(MajorCollectionRecord(
            bytesBefore: before, bytesAfter: after, nextThreshold: Int(pacing.threshold),
            seconds: pause, timestamp: end - createdAt))
        updateSizeStatistics()
        if let log {
            let rss = EventLog.residentBytes()
            if log.specification.includes("gc-collect") {
                log.write("gc-collect", "pause_ns=\(Int(pause * 1e9)) heap_before=\(before) heap_after=\(after) next_threshold=\(Int(pacing.threshold)) mapped=\(oldSpace.mappedBytes + large.bytes) rss=\(rss)")
            }
            sampleMemory(force: true, rss: rss)
        }
        log?.flush()
        notifyHooks(CollectionEvent(kind: .major, seconds: pause, oldBytesBefore: before, oldBytesAfter: after))
        isCollecting = false
        fast.pointee.nurseryTop = nurseryZeroedEnd
        if configuration.debugLevel >= 1 { verifyOrDie("after a major collection") }
    }
}
