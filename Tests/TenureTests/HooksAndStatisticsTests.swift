// Collection hooks, statistics and pacing: the figures a runtime reads to
// log, tune and debug its memory use.
//
// Hooks must be called once per collection with sane figures (a minor
// collection's old-generation bytes grow by what it promoted; a major one's
// shrink by what it freed) and must not be able to allocate. Statistics must
// add up against what the test did (counts, bytes promoted, peaks, one
// record per major collection). The pacing must follow PyPy's threshold
// arithmetic and start major collections by itself.
import Testing
@testable import Tenure

@Suite struct CollectionHookTests {
    @Test(arguments: Configs.all.map(\.1))
    func hooksSeeEveryCollection(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        final class Events { var list: [CollectionEvent] = [] }
        let events = Events()
        let token = heap.addCollectionHook { events.list.append($0) }
        let before = heap.statistics
        heap.collectMinor()
        heap.collect()
        let after = heap.statistics
        #expect(events.list.map(\.kind) == [.minor, .minor, .major])
        #expect(after.minorCollections - before.minorCollections == 2)
        #expect(after.majorCollections - before.majorCollections == 1)
        for e in events.list {
            #expect(e.seconds >= 0 && e.seconds < 10)
            #expect(e.oldBytesBefore >= 0 && e.oldBytesAfter >= 0)
        }
        #expect(events.list.last?.oldBytesAfter == heap.oldGenerationBytes)
        heap.removeCollectionHook(token)
        heap.collect()
        #expect(events.list.count == 3)
        _ = types
    }

    /// A minor collection's figures: old bytes grow by exactly what it promoted.
    /// (Once broken: the event carried the old bytes after the collection as both figures.)
    @Test func minorCollectionFiguresShowThePromotion() throws {
        let heap = try Heap(configuration: Configs.small)
        let types = try CommonTypes(heap)
        final class Events { var list: [CollectionEvent] = [] }
        let events = Events()
        _ = heap.addCollectionHook { events.list.append($0) }
        try heap.withRoots(100) { frame in
            heap.collectMinor()
            events.list = []
            for i in 0..<100 { frame[i] = try heap.node(types, id: i) }
            let promotedBefore = heap.statistics.bytesPromoted
            heap.collectMinor()
            let promoted = heap.statistics.bytesPromoted - promotedBefore
            #expect(promoted == 100 * 40)
            let e = try #require(events.list.first)
            #expect(e.kind == .minor)
            #expect(e.oldBytesAfter == heap.oldGenerationBytes)
            #expect(e.oldBytesAfter - e.oldBytesBefore == promoted,
                    "a minor collection that promoted \(promoted) bytes reports old bytes \(e.oldBytesBefore) -> \(e.oldBytesAfter)")
        }
    }

    /// A major collection's figures: before is what was there, after is what survived.
    @Test func majorCollectionFiguresShowTheSweep() throws {
        let heap = try Heap(configuration: Configs.small)
        let types = try CommonTypes(heap)
        final class Events { var list: [CollectionEvent] = [] }
        let events = Events()
        _ = heap.addCollectionHook { events.list.append($0) }
        try heap.withRoots(100) { frame in
            for i in 0..<100 { frame[i] = try heap.node(types, id: i) }
            heap.collectMinor()
            for i in 50..<100 { frame[i] = nil }
            events.list = []
            heap.collect()
        }
        let major = try #require(events.list.last)
        #expect(major.kind == .major)
        #expect(major.oldBytesBefore == 100 * 40)
        #expect(major.oldBytesAfter == 50 * 40)
        let record = try #require(heap.statistics.majorRecords.last)
        #expect(record.bytesBefore == major.oldBytesBefore && record.bytesAfter == major.oldBytesAfter)
    }

    /// Runs `attempts` inside every hook call of a minor and a major collection;
    /// returns the attempts that succeeded, as "<kind> hook: <what>".
    static func allocationsInHooks(_ configuration: HeapConfiguration,
                                   _ attempts: [(String, (Heap, CommonTypes) throws -> Void)]) throws -> (succeeded: [String], tried: Int) {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        final class Probe { var succeeded: [String] = []; var tried = 0 }
        let probe = Probe()
        _ = heap.addCollectionHook { [unowned heap] event in
            for (what, body) in attempts {
                probe.tried += 1
                do {
                    try body(heap, types)
                    probe.succeeded.append("\(event.kind) hook: \(what)")
                } catch {
                    #expect((error as? HeapError) == .allocationDuringCollection)
                }
            }
        }
        // Use some of the nursery first, so that a bump pointer reset to the
        // start under a stale limit would let the fast path through.
        for i in 0..<5 { _ = try heap.node(types, id: i) }
        heap.collectMinor()
        for i in 0..<5 { _ = try heap.node(types, id: i) }
        heap.collect()
        #expect(heap.verify() == [])
        return (probe.succeeded, probe.tried)
    }

    /// Hooks run inside the collection: allocation through the slow path throws.
    @Test(arguments: Configs.all.map(\.1))
    func slowPathAllocationInAHookThrows(configuration: HeapConfiguration) throws {
        let bigCount = configuration.youngLargeObjectLimit / 8 + 1
        let (succeeded, tried) = try Self.allocationsInHooks(configuration, [
            ("weak reference", { heap, _ in _ = try heap.makeWeakReference(to: nil) }),
            ("young large array", { heap, types in _ = try heap.allocateArray(types.references, count: bigCount) }),
        ])
        #expect(succeeded == [], "allocations that succeeded inside a collection hook")
        #expect(tried == 6)
    }

    /// The same for the inlined fast path (a plain object, a small array).
    ///
    /// Once broken: `minorCollection` pulled `nurseryTop` down to the bump
    /// pointer, then moved the bump pointer back to the nursery start and left
    /// the limit where it was, so while the hooks ran the fast path allocated.
    /// The object it returned was marked by the major collection that followed
    /// and never unmarked, so a later major collection did not trace it and
    /// freed its children (see the next test).
    @Test(arguments: Configs.all.map(\.1))
    func fastPathAllocationInAHookThrows(configuration: HeapConfiguration) throws {
        let (succeeded, tried) = try Self.allocationsInHooks(configuration, [
            ("object", { heap, types in _ = try heap.allocate(types.leaf) }),
            ("small array", { heap, types in _ = try heap.allocateArray(types.references, count: 0) }),
        ])
        #expect(succeeded == [], "allocations that succeeded inside a collection hook")
        #expect(tried == 6)
    }

    /// What the bug above leads to: an object allocated in a hook and kept
    /// loses its child to a later major collection.
    @Test func objectAllocatedInAHookKeepsItsChildren() throws {
        var c = Configs.small
        c.debugLevel = 0
        let heap = try Heap(configuration: c)
        let types = try CommonTypes(heap)
        let global = heap.addGlobalRoot(nil)
        var armed = true
        _ = heap.addCollectionHook { [unowned heap] event in
            guard armed, event.kind == .minor else { return }
            armed = false
            if let n = try? heap.node(types, id: 1) { global.value = n }
        }
        for i in 0..<5 { _ = try heap.node(types, id: i) }
        heap.collect()
        #expect(heap.verify() == [])
        guard global.value != nil else { return }  // the allocation was refused: fixed
        heap.storeReference(try heap.node(types, id: 2), into: global.object, at: CommonTypes.nodeLeft)
        heap.collectMinor()
        heap.collect()
        #expect(heap.verify() == [])
        for i in 0..<3000 { _ = try heap.node(types, id: 100 + i) }
        heap.collect()
        #expect(global.object.loadReference(at: CommonTypes.nodeLeft)?.nodeID == 2)
    }

    /// A hook may read the heap's figures: they already count the collection that calls it.
    @Test(arguments: Configs.all.map(\.1))
    func hooksReadCurrentFigures(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        final class Seen { var list: [(CollectionEvent, HeapStatistics, Int)] = [] }
        let seen = Seen()
        _ = heap.addCollectionHook { [unowned heap] event in
            seen.list.append((event, heap.statistics, heap.oldGenerationBytes))
        }
        try heap.withRoots(1) { frame in
            for round in 0..<5 {
                for i in 0..<50 {
                    let n = try heap.node(types, id: i)
                    heap.storeReference(frame[0], into: n, at: CommonTypes.nodeLeft)
                    frame[0] = n
                }
                if round % 2 == 0 { heap.collectMinor() } else { heap.collect() }
                let (event, stats, old) = try #require(seen.list.last)
                let now = heap.statistics
                #expect(event.oldBytesAfter == old)
                #expect(old == heap.oldGenerationBytes)
                #expect(stats.minorCollections == now.minorCollections)
                #expect(stats.majorCollections == now.majorCollections)
                #expect(stats.bytesPromoted == now.bytesPromoted)
                #expect(stats.majorRecords.count == now.majorRecords.count)
            }
        }
        // Figures read in hooks never go backwards.
        for (a, b) in zip(seen.list, seen.list.dropFirst()) {
            #expect(a.1.minorCollections <= b.1.minorCollections)
            #expect(a.1.bytesPromoted <= b.1.bytesPromoted)
        }
    }

    /// collect() or collectMinor() from inside a hook stops the process instead of nesting.
    @Test func collectingInsideAHookStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            let heap = try! Heap(configuration: .stress)
            _ = heap.addCollectionHook { [unowned heap] _ in heap.collectMinor() }
            heap.collectMinor()
        }
    }
}

@Suite struct StatisticsTests {
    @Test func countsAndBytes() throws {
        var c = Configs.small
        c.minimumHeapSize = 64 << 20  // no major collection but the test's
        let heap = try Heap(configuration: c)
        let types = try CommonTypes(heap)
        var s = heap.statistics
        #expect(s.nurseryBytes == 64 << 10)
        #expect(s.minorCollections == 0 && s.majorCollections == 0)
        #expect(s.majorRecords.isEmpty && s.lastSurvivingBytes == 0)
        try heap.withRoots(1000) { frame in
            for i in 0..<1000 { frame[i] = try heap.node(types, id: i) }
            // 40 KiB of 64: no collection yet.
            #expect(heap.statistics.minorCollections == 0)
            heap.collectMinor()
            s = heap.statistics
            #expect(s.minorCollections == 1)
            #expect(s.bytesPromoted == 40_000)
            #expect(s.nurseryBytesAllocated >= 40_000)
            #expect(s.arenaBytesUsed == 40_000)
            #expect(heap.oldGenerationBytes == 40_000)
            #expect(s.arenaBytes >= 40_000 && s.arenaBytesPeak >= s.arenaBytes)
            let big = try heap.allocateArray(types.words, count: 100_000)
            frame[0] = big
            s = heap.statistics
            #expect(s.largeObjectBytes >= 800_016)
            #expect(s.largeObjectBytesPeak >= s.largeObjectBytes)
            for i in 0..<1000 { frame[i] = nil }
            heap.collect()
        }
        s = heap.statistics
        #expect(s.majorCollections == 1)
        #expect(s.minorCollections >= 2)
        #expect(s.majorRecords.count == 1)
        #expect(s.largeObjectBytes == 0)
        #expect(s.largeObjectBytesPeak >= 800_016)
        #expect(s.arenaBytesUsed == 0)
        #expect(s.lastSurvivingBytes == 0)
        #expect(s.gcSeconds >= s.majorSeconds && s.maxPause >= s.majorMaxPause)
        // The big array was young and unreached: the major collection's own minor one freed it.
        #expect(s.majorRecords[0].bytesBefore == 40_000)
        #expect(s.majorRecords[0].bytesAfter == 0)
        #expect(s.majorRecords[0].nextThreshold == heap.majorCollectionThreshold)
    }

    @Test func recordsAndPeaksOverManyCollections() throws {
        let heap = try Heap(configuration: Configs.small)
        let types = try CommonTypes(heap)
        var expectedPeak = 0
        try heap.withRoots(1) { frame in
            for round in 1...6 {
                // A list of round * 500 nodes survives this round's major collection.
                frame[0] = nil
                for i in 0..<(round * 500) {
                    let n = try heap.node(types, id: i)
                    heap.storeReference(frame[0], into: n, at: CommonTypes.nodeLeft)
                    frame[0] = n
                }
                heap.collect()
                expectedPeak = max(expectedPeak, round * 500 * 40)
                #expect(heap.statistics.lastSurvivingBytes == round * 500 * 40)
            }
        }
        let s = heap.statistics
        #expect(s.peakSurvivingBytes == expectedPeak)
        #expect(s.majorRecords.count == s.majorCollections)
        let records = s.majorRecords
        for (a, b) in zip(records, records.dropFirst()) { #expect(a.timestamp <= b.timestamp) }
        for r in records { #expect(r.seconds >= 0 && r.bytesAfter <= r.bytesBefore) }
    }

    /// Peaks are the highest figures the heap reached, whether or not anyone
    /// read the statistics at that moment. (Once broken: the peaks were only
    /// sampled when `Heap.statistics` was read and after a major collection's
    /// sweep, so a peak between two of those moments was never seen.)
    @Test func peaksAreTrueMaxima() throws {
        // 4 MB of nodes in arena pages, then dropped, all without reading the statistics.
        let heap = try Heap(configuration: Configs.small)
        let types = try CommonTypes(heap)
        try heap.withRoots(1) { frame in
            frame[0] = try heap.allocateArray(types.references, count: 100_000)
            for i in 0..<100_000 { heap.storeItem(try heap.node(types, id: i), into: frame[0]!, at: i) }
            heap.collectMinor()
        }
        heap.collect()
        let arenas = heap.statistics.arenaBytesPeak
        #expect(arenas >= 4_000_000, "arenaBytesPeak \(arenas) after 4,000,000 bytes of live nodes")
        // Ten young large objects of 1 MiB alive at once, freed by the next minor collection.
        var c = Configs.small
        c.minimumHeapSize = 64 << 20  // no collection before a large allocation
        let other = try Heap(configuration: c)
        let words = try other.registerArray(.array("Words", of: .raw(itemSize: 8)))
        for _ in 0..<10 { _ = try other.allocateArray(words, count: 1 << 17) }
        other.collectMinor()
        let large = other.statistics.largeObjectBytesPeak
        #expect(large >= 10 << 20, "largeObjectBytesPeak \(large) after 10 MiB of live large objects")
    }

    @Test func destructorsAndMemoryPressure() throws {
        let heap = try Heap(configuration: Configs.small)
        let log = DestructorLog()
        let fin = try FinalizedTypes(heap, log: log)
        for i in 0..<10 { _ = try fin.allocate(heap, kind: i % 4, id: UInt64(i)) }
        heap.collect()
        #expect(heap.statistics.destructorsRun == 10)
        let threshold = heap.majorCollectionThreshold
        heap.addMemoryPressure(1000)
        #expect(heap.statistics.rawBytesReported == 1000)
        #expect(heap.majorCollectionThreshold == threshold - 1016)
    }
}

@Suite struct PacingTests {
    /// PyPy's arithmetic: t = max(min(L x factor, L + delta, previous x growth), minimum), capped by the maximum.
    @Test func thresholdArithmetic() {
        var c = HeapConfiguration()
        c.nurserySize = 1 << 20
        c.minimumHeapSize = 8 << 20
        c.maximumDelta = 100 << 20
        var p = Pacing(configuration: c)
        #expect(p.threshold == Double(8 << 20))
        p.update(survivingBytes: 1 << 20)  // 1.82 MiB < minimum
        #expect(p.threshold == Double(8 << 20))
        p.update(survivingBytes: 10 << 20)  // 18.2 MiB, but growth caps at 8 x 1.4
        #expect(p.threshold == Double(8 << 20) * 1.4)
        p.update(survivingBytes: 10 << 20)
        #expect(p.threshold == Double(10 << 20) * 1.82 || p.threshold == Double(8 << 20) * 1.4 * 1.4)
        for _ in 0..<20 { p.update(survivingBytes: 1 << 30) }  // delta caps: L + 100 MiB
        #expect(p.threshold == Double((1 << 30) + (100 << 20)))
        c.maximumHeapSize = 20 << 20
        var bounded = Pacing(configuration: c)
        #expect(bounded.update(survivingBytes: 15 << 20) == false)  // 8 x 1.4 = 11.2 MiB
        #expect(bounded.threshold == Double(8 << 20) * 1.4)
        #expect(bounded.update(survivingBytes: 15 << 20) == false)  // 11.2 x 1.4 = 15.68 MiB
        #expect(bounded.update(survivingBytes: 15 << 20) == true)   // 21.95 MiB, cut to 20
        #expect(bounded.threshold == Double(20 << 20))
        #expect(bounded.exceedsMaximum(used: 20 << 20, extra: 1))
        #expect(!bounded.exceedsMaximum(used: 20 << 20, extra: 0))
    }

    /// A minimum heap size of 0 must not pin the threshold at 0: the minimum in
    /// force is at least nursery x majorCollectFactor (as
    /// `effectiveMinimumHeapSize` documents, and as PyPy raises PYPY_GC_MIN).
    /// (Once broken: the floor applied only when `minimumHeapSize` was nil; with
    /// 0 the threshold started at 0 and `Pacing.update` capped each new one at
    /// the previous one x growthFactor = 0, so every nursery fill ran a major
    /// collection, forever.)
    @Test func zeroMinimumHeapSizeDoesNotPinTheThreshold() throws {
        var c = Configs.small
        c.minimumHeapSize = 0
        c.debugLevel = 0
        #expect(c.effectiveMinimumHeapSize >= Int(Double(c.nurserySize) * c.majorCollectFactor))
        let heap = try Heap(configuration: c)
        let types = try CommonTypes(heap)
        try heap.withRoots(1) { frame in
            frame[0] = try heap.allocateArray(types.references, count: 20_000)
            for i in 0..<20_000 { heap.storeItem(try heap.node(types, id: i), into: frame[0]!, at: i) }
            for i in 0..<200_000 { _ = try heap.node(types, id: i) }
        }
        let s = heap.statistics
        #expect(heap.majorCollectionThreshold > 0)
        #expect(s.majorCollections * 4 <= s.minorCollections,
                "\(s.majorCollections) major collections for \(s.minorCollections) minor ones")
    }

    /// Major collections start by themselves once the old generation passes the threshold.
    @Test func majorCollectionsStartByThemselves() throws {
        var c = Configs.small
        c.minimumHeapSize = 1 << 20
        let heap = try Heap(configuration: c)
        let types = try CommonTypes(heap)
        try heap.withRoots(1) { frame in
            // Keep 4 MiB of lists alive, replaced piece by piece: garbage accumulates in the old space.
            for round in 0..<40 {
                var list: ObjectRef? = nil
                _ = list
                frame[0] = nil
                for i in 0..<2500 {
                    let n = try heap.node(types, id: round * 10_000 + i)
                    heap.storeReference(frame[0], into: n, at: CommonTypes.nodeLeft)
                    frame[0] = n
                }
                list = frame[0]
            }
        }
        let s = heap.statistics
        #expect(s.majorCollections >= 2, "no major collection started by itself: \(s.majorCollections)")
        for r in s.majorRecords {
            #expect(r.nextThreshold >= 1 << 20)
            #expect(Double(r.nextThreshold) <= max(Double(r.bytesAfter) * 1.82, Double(1 << 20)) + 1)
        }
        #expect(heap.oldGenerationBytes <= 4 * heap.majorCollectionThreshold)
    }
}
