// The write barrier and card marking: the only way a minor collection learns
// of references from old objects to young ones.
//
// Each test makes an object old first (a minor collection promotes it), then
// stores a young object that nothing else refers to into it, then collects:
// if the barrier failed to record the store, the young object is freed and
// the old object is left pointing into the zeroed nursery. Large arrays of
// references take the card path instead (`storeItem` marks one card; a
// `storeReference` at an item's offset dirties every card), so they get the
// same treatment with random items. The verifier must see a consistent heap
// at every point, and must report a store that skipped the barrier.
import SeededRandom
import Testing
@_spi(CompiledCode) @testable import Tenure

@Suite struct WriteBarrierTests {
    @Test(arguments: Configs.all.map(\.1))
    func oldObjectKeepsYoungReferenceAlive(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        let olds = 50
        try heap.withRoots(olds) { frame in
            for i in 0..<olds { frame[i] = try heap.node(types, id: i) }
            heap.collectMinor()
            for i in 0..<olds {
                #expect(!heap.isYoung(frame[i]!))
                #expect(frame[i]!.header & HeaderFlags.trackYoungPointers != 0)
            }
            for round in 0..<4 {
                // Young children (and grandchildren) reachable only from the old objects.
                for i in 0..<olds {
                    // The grandchild's allocation may collect and move the child: root it.
                    try heap.withRoot(try heap.node(types, id: 1000 * round + i)) { child in
                        let grandchild = try heap.node(types, id: -(1000 * round + i))
                        heap.storeReference(grandchild, into: child.object, at: CommonTypes.nodeRight)
                        heap.storeReference(child.object, into: frame[i]!, at: CommonTypes.nodeLeft)
                    }
                }
                if configuration == HeapConfiguration() {
                    // No collection ran in this round (4 MiB nursery): every old object was remembered.
                    for i in 0..<olds { #expect(frame[i]!.header & HeaderFlags.trackYoungPointers == 0) }
                }
                #expect(heap.verify() == [])
                if round % 2 == 0 { heap.collectMinor() } else { heap.collect() }
                for i in 0..<olds {
                    let child = frame[i]!.loadReference(at: CommonTypes.nodeLeft)
                    #expect(child?.nodeID == 1000 * round + i)
                    #expect(child?.loadReference(at: CommonTypes.nodeRight)?.nodeID == -(1000 * round + i))
                    #expect(frame[i]!.header & HeaderFlags.trackYoungPointers != 0)
                }
                #expect(heap.verify() == [])
            }
        }
    }

    /// The same through a small array of references (remembered whole, no cards).
    @Test(arguments: Configs.all.map(\.1))
    func barrierWithRootedIntermediates(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        try heap.withRoots(2) { frame in
            frame[0] = try heap.allocateArray(types.references, count: 10)  // small: no cards
            heap.collectMinor()
            for round in 0..<20 {
                for i in 0..<10 {
                    frame[1] = try heap.node(types, id: round * 100 + i)
                    let grandchild = try heap.node(types, id: -(round * 100 + i))
                    heap.storeReference(grandchild, into: frame[1]!, at: CommonTypes.nodeLeft)
                    heap.storeItem(frame[1]!, into: frame[0]!, at: i)
                }
                frame[1] = nil
                heap.collectMinor()
                for i in 0..<10 {
                    let child = frame[0]!.loadItem(i)
                    #expect(child?.nodeID == round * 100 + i)
                    #expect(child?.loadReference(at: CommonTypes.nodeLeft)?.nodeID == -(round * 100 + i))
                }
            }
            #expect(heap.verify() == [])
        }
    }

    /// Random items of an old large array get young objects through `storeItem`.
    @Test(arguments: Configs.all.map(\.1), [UInt64(1), 2, 3])
    func cardsOfLargeArrays(configuration: HeapConfiguration, seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        // Above the young-large limit (allocated there) and above the small-object limit
        // but in the nursery (promoted into the large space) where that differs.
        let counts = [configuration.youngLargeObjectLimit / 8 + 5, configuration.smallObjectLimit / 8 + 3,
                      3 * configuration.cardSize + 1]
        for count in counts {
            try heap.withRoots(1) { frame in
                frame[0] = try heap.allocateArray(types.references, count: count)
                heap.collectMinor()
                let array = frame[0]!
                #expect(!heap.isYoung(array))
                var model = [Int?](repeating: nil, count: count)
                for round in 0..<6 {
                    let stores = min(count, 1 + random.below(40))
                    for s in 0..<stores {
                        let i = random.below(count)
                        if random.chance(0.1) {
                            heap.storeItem(nil, into: frame[0]!, at: i)
                            model[i] = nil
                        } else {
                            let id = round * 10_000 + s
                            let n = try heap.node(types, id: id)
                            heap.storeItem(n, into: frame[0]!, at: i)
                            model[i] = id
                        }
                    }
                    #expect(heap.verify() == [], "before the collection (round \(round), \(count) items)")
                    if round == 3 { heap.collect() } else { heap.collectMinor() }
                    #expect(frame[0]!.address == array.address)
                    var wrong = 0
                    for i in 0..<count where frame[0]!.loadItem(i)?.nodeID != model[i] { wrong += 1 }
                    #expect(wrong == 0, "\(wrong) wrong items of \(count) after round \(round)")
                    #expect(heap.verify() == [])
                }
            }
        }
        heap.collect()
        #expect(heap.oldGenerationBytes == 0)
    }

    /// `storeReference` at an item's byte offset into a carded array: the barrier
    /// cannot tell which card, so every card must be treated as dirty.
    @Test(arguments: Configs.all.map(\.1))
    func fieldStoresIntoCardedArrays(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        let count = max(configuration.youngLargeObjectLimit / 8 + 5, 8 * configuration.cardSize)
        try heap.withRoots(1) { frame in
            frame[0] = try heap.allocateArray(types.references, count: count)
            heap.collectMinor()
            #expect(frame[0]!.header & HeaderFlags.hasCards != 0)
            let picks = [0, 1, count / 3, count / 2, count - 2, count - 1]
            for (k, i) in picks.enumerated() {
                let n = try heap.node(types, id: 500 + k)
                heap.storeReference(n, into: frame[0]!, at: ObjectLayout.arrayItemsOffset + 8 * i)
            }
            #expect(heap.verify() == [])
            heap.collectMinor()
            for (k, i) in picks.enumerated() { #expect(frame[0]!.loadItem(i)?.nodeID == 500 + k) }
            // Mixed: item stores and field stores into the same array between two collections.
            for (k, i) in picks.enumerated() {
                let n = try heap.node(types, id: 600 + k)
                if k % 2 == 0 {
                    heap.storeItem(n, into: frame[0]!, at: i)
                } else {
                    heap.storeReference(n, into: frame[0]!, at: ObjectLayout.arrayItemsOffset + 8 * i)
                }
            }
            heap.collectMinor()
            for (k, i) in picks.enumerated() { #expect(frame[0]!.loadItem(i)?.nodeID == 600 + k) }
            #expect(heap.verify() == [])
        }
    }

    /// A carded array with dirty cards that dies before the next collection.
    @Test(arguments: Configs.all.map(\.1))
    func dirtyArrayThatDies(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        let count = configuration.youngLargeObjectLimit / 8 + 5
        let root = heap.pushRoot(try heap.allocateArray(types.references, count: count))
        heap.collectMinor()
        for i in stride(from: 0, to: count, by: 5) {
            heap.storeItem(try heap.node(types, id: i), into: root.object, at: i)
        }
        heap.popRoots()
        heap.collectMinor()
        #expect(heap.verify() == [])
        heap.collect()
        #expect(heap.verify() == [])
        #expect(heap.oldGenerationBytes == 0)
    }

    /// The verifier reports an old-to-young reference that skipped the barrier.
    @Test func verifierReportsAMissingBarrier() throws {
        var c = Configs.small
        c.debugLevel = 0
        let heap = try Heap(configuration: c)
        let types = try CommonTypes(heap)
        let old = heap.pushRoot(try heap.node(types, id: 1))
        defer { heap.popRoots() }
        heap.collectMinor()
        let young = try heap.node(types, id: 2)
        old.object.raw.storeBytes(of: young, toByteOffset: CommonTypes.nodeLeft, as: ObjectRef?.self)
        let problems = heap.verify()
        #expect(problems.contains { $0.contains("refers to young") && $0.contains("without being remembered") })
        // Repair it through the barrier: the heap is consistent again.
        heap.storeReference(young, into: old.object, at: CommonTypes.nodeLeft)
        #expect(heap.verify() == [])
        heap.collectMinor()
        #expect(old.object.loadReference(at: CommonTypes.nodeLeft)?.nodeID == 2)
    }

    /// At debug level 2 the verifier runs before each minor collection and stops
    /// the process at a missing barrier instead of letting it free a live object.
    @Test func debugLevelTwoStopsAtAMissingBarrier() async {
        await #expect(processExitsWith: .failure) {
            var c = HeapConfiguration.stress
            c.debugLevel = 2
            let heap = try! Heap(configuration: c)
            let node = try! heap.register(.object("Node", references: 1, words: 1))
            let old = heap.pushRoot(try! heap.allocate(node))
            heap.collectMinor()
            let young = try! heap.allocate(node)
            old.object.raw.storeBytes(of: young, toByteOffset: 8, as: ObjectRef?.self)
            heap.collectMinor()
        }
    }
}
