// The collection cycle: what every collection does on entry and on exit.
//
// A minor and a major collection differ in their work, not in their frame:
// both close the allocation fast path, time themselves, count in the
// statistics, write their log line, tell the hooks and reopen the fast path.
// `beginCollection` and `endCollection` own all of that, so the two
// collections say only what they trace and free.
//
// The phase is what callbacks see, and it lives in the fast state (not in
// this struct) because callbacks read it while a collection's mutating
// method holds this struct. Destructors and root scanners run in
// `.collecting`: the heap is mid-way (objects forwarded, marks set), so they
// may read and report, not change it. Hooks run in `.notifying`, after the
// collection's method has returned: `endCollection` only queues the event,
// and the `Heap` method that ran the collection delivers it
// (`deliverCollectionEvents`) before it returns. The heap is consistent
// then, so hooks may also store references and read statistics, but they
// still may not allocate or collect (that would re-enter the collector from
// its own callback). docs/embedding.md lists what each callback may call.

/// Which part of a collection is running.
@usableFromInline
enum CollectionPhase: UInt8, Equatable {
    /// No collection: every call is allowed.
    case idle
    /// Tracing, sweeping, destructors and root scanners.
    case collecting
    /// The collection is done; hooks are being called.
    case notifying
}

/// What `beginCollection` measured, for `endCollection`.
struct CollectionStart {
    let kind: CollectionEvent.Kind
    let time: Double
    let oldBytes: Int
}

extension HeapState {
    /// Which part of a collection runs, if any.
    var phase: CollectionPhase {
        get { fast.pointee.phase }
        nonmutating set { fast.pointee.phase = newValue }
    }

    /// Whether a collection (or its hooks) is running.
    var isCollecting: Bool { phase != .idle }

    /// Sets the fast path's limit from the heap's state: open (the zeroed end of
    /// the nursery) only when no collection runs, the old generation is within
    /// its maximum, the memory reserve is held and checked mode is off.
    mutating func updateAllocationLimit() {
        let open = phase == .idle && !overLimit && !checked && MemoryReserve.isHeld
        fast.pointee.setTop(open ? nursery.zeroedEnd : fast.pointee.nurseryFree)
    }

    /// Starts a collection; `startedAt` is when its pause began (a major
    /// collection's includes the minor collection it runs first).
    mutating func beginCollection(_ kind: CollectionEvent.Kind, startedAt: Double = Clock.now()) -> CollectionStart {
        let start = CollectionStart(kind: kind, time: startedAt, oldBytes: oldBytes)
        phase = .collecting
        updateAllocationLimit()
        return start
    }

    /// Ends a collection: statistics, log line, the limit check, the fast path;
    /// the event is queued for the hooks.
    /// `logFields` are the collection's own log fields.
    /// Returns the pause in seconds.
    @discardableResult
    mutating func endCollection(_ start: CollectionStart, logFields: (Double) -> String) -> Double {
        let end = Clock.now()
        let pause = end - start.time
        let after = oldBytes
        switch start.kind {
        case .minor:
            statistics.minorCollections += 1
            statistics.minorSeconds += pause
            statistics.minorMaxPause = max(statistics.minorMaxPause, pause)
            statistics.minorPauses.record(pause)
        case .major:
            statistics.majorCollections += 1
            statistics.majorSeconds += pause
            statistics.majorMaxPause = max(statistics.majorMaxPause, pause)
            statistics.majorPauses.record(pause)
            statistics.peakSurvivingBytes = max(statistics.peakSurvivingBytes, after)
            statistics.lastSurvivingBytes = after
            statistics.recordMajor(MajorCollectionRecord(
                bytesBefore: start.oldBytes, bytesAfter: after, nextThreshold: Int(pacing.threshold),
                seconds: pause, timestamp: end - createdAt))
        }
        overLimit = pacing.maximumHeapSize.map { after > $0 } ?? false
        if let log {
            let category = start.kind == .minor ? "gc-minor" : "gc-collect"
            if log.specification.includes(category) { log.write(category, logFields(pause)) }
            if start.kind == .major {
                log.sampleMemory(self, force: true)
                log.flush()
            } else {
                log.sampleMemory(self)
            }
        }
        pendingEvents.append(CollectionEvent(kind: start.kind, seconds: pause, oldBytesBefore: start.oldBytes,
                                             oldBytesAfter: after))
        phase = .idle
        updateAllocationLimit()
        return pause
    }
}

extension Heap {
    /// Calls the hooks with the events of the collections that just ran, in
    /// order. Called by every `Heap` method that may collect, after the
    /// collection's own method returned.
    @usableFromInline @inline(never)
    func deliverCollectionEvents() {
        guard !state.pointee.pendingEvents.isEmpty, fast.pointee.phase == .idle else { return }
        let events = state.pointee.pendingEvents
        state.pointee.pendingEvents.removeAll(keepingCapacity: true)
        let hooks = state.pointee.collectionHooks
        fast.pointee.phase = .notifying
        defer {
            fast.pointee.phase = .idle
            state.pointee.updateAllocationLimit()
        }
        for event in events { hooks.forEach { $0(event) } }
    }
}
