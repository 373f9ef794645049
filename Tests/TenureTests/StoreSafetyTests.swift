// Reference stores that would corrupt the heap stop the process with a
// message, in every build: into a weak reference (its word is not traced),
// an item out of range (a large array's prefix holds its cards and the
// length `free` uses), an item into something that is not an array of
// references (never traced, so the reference goes stale).
import Testing
@testable import Tenure

@Suite struct StoreSafetyTests {
    @Test func storeIntoAWeakReferenceStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: Configs.small)
            let node = try heap.register(.object("Node", references: 1))
            let target = heap.pushRoot(try heap.allocate(node))
            let weak = heap.pushRoot(try heap.makeWeakReference(to: target.object))
            heap.collectMinor()   // the weak reference is old now
            let young = try heap.allocate(node)
            heap.storeReference(young, into: weak.object, at: 8)
        }
        #expect(StopMessage.says(result, "Tenure:", "into a weak reference", "makeWeakReference"))
    }

    /// The same store into a young weak reference (no barrier flag involved).
    @Test func storeIntoAYoungWeakReferenceStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: Configs.small)
            let node = try heap.register(.object("Node", references: 1))
            let weak = try heap.makeWeakReference(to: nil)
            heap.storeReference(try heap.allocate(node), into: weak, at: 8)
        }
        #expect(StopMessage.says(result, "into a weak reference"))
    }

    /// An index out of range into an old large array would overwrite its cards and block length.
    @Test func itemIndexOutOfRangeStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: Configs.small)
            let refs = try heap.registerArray(.array("Refs", of: .references))
            let big = heap.pushRoot(try heap.allocateArray(refs, count: 10_000))
            heap.collect()
            heap.storeItem(nil, into: big.object, at: -1)
        }
        #expect(StopMessage.says(result, "storeItem", "index out of range 0..<10000", "Refs"))
    }

    @Test func itemIndexPastTheEndStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: Configs.small)
            let refs = try heap.registerArray(.array("Refs", of: .references))
            let small = try heap.allocateArray(refs, count: 4)
            heap.storeItem(nil, into: small, at: 4)
        }
        #expect(StopMessage.says(result, "index out of range 0..<4"))
    }

    /// A reference stored as an item of a raw array is never traced.
    @Test func itemStoreIntoARawArrayStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: Configs.small)
            let words = try heap.registerArray(.array("Words", of: .raw(itemSize: 8)))
            let node = try heap.register(.object("Node", references: 1))
            let array = heap.pushRoot(try heap.allocateArray(words, count: 4))
            heap.storeItem(try heap.allocate(node), into: array.object, at: 0)
        }
        #expect(StopMessage.says(result, "Words", "not an array of references"))
    }

    @Test func itemStoreIntoAFixedObjectStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try Heap(configuration: Configs.small)
            let node = try heap.register(.object("Node", references: 3))
            let object = try heap.allocate(node)
            heap.storeItem(nil, into: object, at: 0)
        }
        #expect(StopMessage.says(result, "Node", "not an array of references"))
    }

    /// What is allowed still works: stores into every kind of reference array, carded or not.
    @Test func validItemStoresStillWork() throws {
        for (_, configuration) in Configs.all {
            let heap = try Heap(configuration: configuration)
            let refs = try heap.registerArray(.array("Refs", of: .references))
            let node = try heap.register(.object("Node", references: 0, words: 1))
            try heap.withRoots(2) { frame in
                frame[0] = try heap.allocateArray(refs, count: 3000)
                heap.collect()
                for i in stride(from: 0, to: 3000, by: 7) {
                    let n = try heap.allocate(node)
                    n.store(i, at: 8)
                    heap.storeItem(n, into: frame[0]!, at: i)
                }
                heap.collectMinor()
                for i in stride(from: 0, to: 3000, by: 7) { #expect(frame[0]!.loadItem(i)?.load(at: 8, as: Int.self) == i) }
            }
            #expect(heap.verify() == [])
        }
    }
}
