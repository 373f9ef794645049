// Callbacks (destructors, hooks, root scanners) that call the heap.
//
// Destructors of objects that die together all run before anything is
// freed, so one may read another dying object. What a callback may call is
// listed in docs/embedding.md; the rest stops the process with a message
// naming the call and the callback. Hooks run after the collection's work,
// so removing a hook (even one's own JIT host going away) is safe.
import Testing
@testable import Tenure
#if canImport(Glibc)
import Glibc
#endif

@Suite struct CallbackSafetyTests {
    /// Two mapped large objects that die together; each destructor reads the other.
    /// Freed one by one between destructors, the second read hit unmapped memory.
    @Test func destructorsOfLargeObjectsMayReadEachOther() async {
        await #expect(processExitsWith: .success) {
            var c = Configs.small
            c.youngLargeObjectLimit = 1024
            c.minimumHeapSize = 16 << 20   // no major collection but the ones asked for
            let heap = try Heap(configuration: c)
            var read: [Int] = []
            let big = try heap.register(.object("Big", size: 128 << 10, referenceOffsets: [8], destructor: { object in
                // The partner's payload word, at the end of its 128 KiB.
                if let partner = object.loadReference(at: 8) { read.append(partner.load(at: (128 << 10) - 8, as: Int.self)) }
            }))
            try heap.withRoots(2) { frame in
                frame[0] = try heap.allocate(big)
                frame[1] = try heap.allocate(big)
                frame[0]!.store(111, at: (128 << 10) - 8)
                frame[1]!.store(222, at: (128 << 10) - 8)
                heap.storeReference(frame[1], into: frame[0]!, at: 8)
                heap.storeReference(frame[0], into: frame[1]!, at: 8)
                heap.collect()   // old now: freed by a major collection
            }
            heap.collect()
            guard Set(read) == [111, 222], heap.verify() == [] else { exit(1) }
            // The same with young large objects, freed by a minor collection.
            read = []
            try heap.withRoots(2) { frame in
                frame[0] = try heap.allocate(big)
                frame[1] = try heap.allocate(big)
                frame[0]!.store(333, at: (128 << 10) - 8)
                frame[1]!.store(444, at: (128 << 10) - 8)
                heap.storeReference(frame[1], into: frame[0]!, at: 8)
                heap.storeReference(frame[0], into: frame[1]!, at: 8)
            }
            heap.collectMinor()
            guard Set(read) == [333, 444], heap.verify() == [] else { exit(2) }
            exit(0)
        }
    }

    /// Small objects too: a destructor reads a field of another dying object of its page.
    @Test func destructorsOfSmallObjectsSeeIntactNeighbours() throws {
        let heap = try Heap(configuration: Configs.small)
        var seen: [Int] = []
        let cell = try heap.register(.object("Cell", references: 1, words: 1, destructor: { object in
            if let other = object.loadReference(at: 8) { seen.append(other.load(at: 16, as: Int.self)) }
        }))
        try heap.withRoots(2) { frame in
            frame[0] = try heap.allocate(cell)
            frame[1] = try heap.allocate(cell)
            frame[0]!.store(5, at: 16)
            frame[1]!.store(6, at: 16)
            heap.storeReference(frame[1], into: frame[0]!, at: 8)
            heap.storeReference(frame[0], into: frame[1]!, at: 8)
            heap.collect()
        }
        heap.collect()
        #expect(Set(seen) == [5, 6])
        #expect(heap.verify() == [])
    }

    @Test func collectFromADestructorStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: Configs.small)
            var heapInDestructor: Heap? = heap
            let doomed = try heap.register(.object("Doomed", references: 0, words: 1, destructor: { _ in
                heapInDestructor?.collect()
            }))
            _ = try heap.allocate(doomed)
            heap.collectMinor()
            heapInDestructor = nil
        }
        #expect(StopMessage.says(result, "Tenure:", "collect() called from a destructor or a root scanner"))
    }

    @Test func collectFromAHookStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: Configs.small)
            _ = heap.addCollectionHook { [unowned heap] _ in heap.collectMinor() }
            heap.collectMinor()
        }
        #expect(StopMessage.says(result, "collectMinor() called from a collection hook"))
    }

    @Test func globalRootFromARootScannerStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: Configs.small)
            _ = heap.addRootScanner { [unowned heap] _ in _ = heap.addGlobalRoot(nil) }
            heap.collectMinor()
        }
        #expect(StopMessage.says(result, "addGlobalRoot(_:) called from a destructor or a root scanner"))
    }

    @Test func statisticsFromADestructorStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: Configs.small)
            weak var weakHeap = heap
            let doomed = try heap.register(.object("Doomed", references: 0, words: 1, destructor: { _ in
                _ = weakHeap?.statistics
            }))
            _ = try heap.allocate(doomed)
            heap.collectMinor()
        }
        #expect(StopMessage.says(result, "statistics called from a destructor or a root scanner"))
    }

    /// What callbacks may call: memory pressure and logging from destructors;
    /// statistics, reference stores and hook removal from hooks.
    @Test func allowedCallsFromCallbacksWork() throws {
        let heap = try Heap(configuration: Configs.small)
        let types = try CommonTypes(heap)
        heap.addMemoryPressure(10_000)
        let owner = try heap.register(.object("Owner", references: 0, words: 1, destructor: { [unowned heap] object in
            heap.removeMemoryPressure(object.load(at: 8, as: Int.self))
            heap.log("phase", "destructor=1")
            _ = heap.typeName(object.typeID)
        }))
        let holder = heap.addGlobalRoot(try heap.allocate(types.node))
        var hookRuns = 0
        var token: CollectionHookToken?
        token = heap.addCollectionHook { [unowned heap] event in
            hookRuns += 1
            _ = heap.statistics.minorCollections
            _ = heap.oldGenerationBytes
            // Hooks run once the collection's work is done: stores are allowed.
            heap.storeReference(nil, into: holder.object, at: CommonTypes.nodeLeft)
            if event.kind == .major, let t = token { heap.removeCollectionHook(t) }
        }
        for _ in 0..<10 {
            let o = try heap.allocate(owner)
            o.store(1000, at: 8)
        }
        heap.collect()
        #expect(heap.statistics.rawBytes == 0)
        #expect(heap.statistics.destructorsRun == 10)
        let runs = hookRuns
        heap.collect()
        #expect(hookRuns == runs, "the hook removed itself in its major-collection call")
        #expect(heap.verify() == [])
        try heap.removeGlobalRoot(holder)
    }

    /// A hook removed by an earlier hook of the same collection is not called.
    @Test func aHookRemovedByAnotherIsNotCalled() throws {
        let heap = try Heap(configuration: Configs.small)
        var second: CollectionHookToken?
        var secondRuns = 0
        _ = heap.addCollectionHook { [unowned heap] _ in if let s = second { heap.removeCollectionHook(s) } }
        second = heap.addCollectionHook { _ in secondRuns += 1 }
        heap.collectMinor()
        heap.collectMinor()
        #expect(secondRuns == 0)
    }

    /// A root scanner may remove itself while the collector walks the scanners.
    @Test func aRootScannerMayRemoveItself() throws {
        let heap = try Heap(configuration: Configs.small)
        let types = try CommonTypes(heap)
        let slot = UnsafeMutablePointer<ObjectRef?>.allocate(capacity: 1)
        defer { slot.deallocate() }
        slot.initialize(to: try heap.node(types, id: 9))
        var token: RootScannerToken?
        var calls = 0
        token = heap.addRootScanner { [unowned heap] visit in
            calls += 1
            visit(slot)
            heap.removeRootScanner(token!)
        }
        heap.collectMinor()
        #expect(slot.pointee?.nodeID == 9)
        heap.collectMinor()
        #expect(calls == 1)
    }
}
