// Checked mode (`HeapConfiguration.checked`) catches the misuse a runtime
// under development makes, at the call that makes it, with a message that
// names it: a reference stored at an offset that is not a reference slot, a
// stale reference (read before an allocation, used after it), an object of
// another heap; the emptied nursery is poisoned so a stale read sees garbage
// at once. Handles of other heaps and removed global roots are refused in
// every mode.
import Testing
@testable import Tenure

@Suite struct CheckedModeTests {
    static var configuration: HeapConfiguration {
        var c = Configs.small
        c.checked = true
        return c
    }

    @Test func aStoreAtAnOffsetThatIsNoReferenceSlotStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: CheckedModeTests.configuration)
            let node = try heap.register(.object("Node", references: 1, words: 1))
            let object = try heap.allocate(node)
            heap.storeReference(nil, into: object, at: 16)   // word 1 is raw
        }
        #expect(StopMessage.says(result, "offset 16 is not one of its reference slots", "Node", "accepted: offsets 8"))
    }

    @Test func aStaleTargetStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: CheckedModeTests.configuration)
            let node = try heap.register(.object("Node", references: 1))
            let kept = heap.pushRoot(try heap.allocate(node))
            let stale = kept.object          // read before a collection...
            heap.collectMinor()              // ...which moves the object
            heap.storeReference(nil, into: stale, at: 8)
        }
        #expect(StopMessage.says(result, "stale reference", "nursery emptied by the last minor collection"))
    }

    @Test func aStaleValueStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: CheckedModeTests.configuration)
            let node = try heap.register(.object("Node", references: 1))
            let holder = heap.pushRoot(try heap.allocate(node))
            let stale = try heap.allocate(node)   // not rooted
            heap.collectMinor()
            heap.storeReference(stale, into: holder.object, at: 8)
        }
        #expect(StopMessage.says(result, "the value stored by storeReference", "stale reference"))
    }

    @Test func anObjectOfAnotherHeapStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: CheckedModeTests.configuration)
            let other = try Heap(configuration: CheckedModeTests.configuration)
            let node = try heap.register(.object("Node", references: 1))
            let otherNode = try other.register(.object("Node", references: 1))
            let holder = heap.pushRoot(try heap.allocate(node))
            let foreign = other.pushRoot(try other.allocate(otherNode))
            other.collect()   // old in the other heap's arenas
            heap.storeReference(foreign.object, into: holder.object, at: 8)
        }
        #expect(StopMessage.says(result, "is not an object of this heap"))
    }

    @Test func theEmptiedNurseryIsPoisoned() throws {
        let heap = try Heap(configuration: Self.configuration)
        let types = try CommonTypes(heap)
        let dead = try heap.node(types, id: 5)
        heap.collectMinor()
        #expect(dead.header == Nursery.poison)
        #expect(dead.load(at: CommonTypes.nodeID, as: UInt64.self) == Nursery.poison)
        // New objects are zeroed one by one; the rest stays poisoned.
        let fresh = try heap.node(types, id: 6)
        #expect(fresh.loadReference(at: CommonTypes.nodeLeft) == nil && fresh.nodeID == 6)
        #expect(heap.verify() == [])
    }

    @Test func aRemovedGlobalRootStopsInEveryMode() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: Configs.small)
            let root = heap.addGlobalRoot(nil)
            try heap.removeGlobalRoot(root)
            _ = root.value
        }
        #expect(StopMessage.says(result, "GlobalRoot used after removeGlobalRoot"))
    }

    @Test func aNilRootReadAsAnObjectStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: Configs.small)
            let root = heap.pushRoot(nil)
            _ = root.object
        }
        #expect(StopMessage.says(result, "Root.object read a root that holds nil"))
    }

    /// A correct program runs unchanged in checked mode: collections, arrays, cards,
    /// weak references, destructors, reference tables.
    @Test func correctProgramsRunUnchanged() throws {
        var c = Configs.everyAllocation()
        c.checked = true
        for configuration in [Self.configuration, c] {
            let heap = try Heap(configuration: configuration)
            let types = try CommonTypes(heap)
            #expect(types.node.allocatesSlowly && types.references.allocatesSlowly)
            try heap.withRoots(3) { frame in
                frame[0] = try heap.allocateArray(types.references, count: 300)
                for i in 0..<300 {
                    frame[1] = try heap.node(types, id: i)
                    frame[2] = try heap.node(types, id: -i)
                    heap.storeReference(frame[2], into: frame[1]!, at: CommonTypes.nodeLeft)
                    heap.storeItem(frame[1], into: frame[0]!, at: i)
                    if i % 50 == 0 { heap.collect() }
                }
                frame[1] = try heap.makeWeakReference(to: frame[0]!.loadItem(7))
                heap.collect()
                #expect(heap.weakTarget(of: frame[1]!)?.nodeID == 7)
                for i in 0..<300 {
                    #expect(frame[0]!.loadItem(i)?.nodeID == i)
                    #expect(frame[0]!.loadItem(i)?.loadReference(at: CommonTypes.nodeLeft)?.nodeID == -i)
                }
            }
            #expect(heap.verify() == [])
        }
    }
}
