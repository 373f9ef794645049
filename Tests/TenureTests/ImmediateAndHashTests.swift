// Immediate values in reference slots, and identity hashes that survive moves.
//
// A runtime keeps tagged small integers where references go (fields, array
// items, roots, even weak targets): the collector must leave every word with
// a low tag bit alone. An identity hash taken while an object is young must
// be the same after the minor collection copies it and after any number of
// major collections.
import Testing
@testable import Tenure

@Suite struct ImmediateAndHashTests {
    static func tagged(_ n: Int) -> ObjectRef { ObjectRef(immediate: UInt(bitPattern: n << 1 | 1)) }

    @Test(arguments: Configs.all.map(\.1))
    func immediatesAreLeftAlone(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        try heap.withRoots(3) { frame in
            frame[0] = try heap.allocateArray(types.references, count: 200)
            frame[2] = Self.tagged(-5)       // a root holding an immediate
            for i in 0..<200 {
                if i % 2 == 0 {
                    heap.storeItem(Self.tagged(i), into: frame[0]!, at: i)
                } else {
                    frame[1] = try heap.node(types, id: i)
                    heap.storeReference(Self.tagged(-i), into: frame[1]!, at: CommonTypes.nodeLeft)
                    heap.storeItem(frame[1], into: frame[0]!, at: i)
                }
            }
            frame[1] = try heap.makeWeakReference(to: Self.tagged(77))
            heap.collectMinor()
            heap.collect()
            heap.collect()
            for i in 0..<200 {
                let item = try #require(frame[0]!.loadItem(i))
                if i % 2 == 0 {
                    #expect(item == Self.tagged(i))
                } else {
                    #expect(item.nodeID == i && item.loadReference(at: CommonTypes.nodeLeft) == Self.tagged(-i))
                }
            }
            #expect(frame[2] == Self.tagged(-5))
            #expect(heap.weakTarget(of: frame[1]!) == Self.tagged(77))
        }
        #expect(heap.verify() == [])
    }

    @Test func anImmediateNeedsATag() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ObjectRef(immediate: 16)
        }
        #expect(StopMessage.says(result, "an immediate needs one of its low three bits set"))
    }

    @Test(arguments: Configs.all.map(\.1))
    func identityHashSurvivesMoves(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        var hashes: [Int] = []
        try heap.withRoots(1) { frame in
            frame[0] = try heap.allocateArray(types.references, count: 300)
            for i in 0..<300 {
                let object: ObjectRef
                switch i % 3 {
                case 0: object = try heap.node(types, id: i)
                case 1: object = try heap.allocateArray(types.words, count: i)      // some large ones
                default: object = try heap.allocateArray(types.references, count: 3)
                }
                hashes.append(heap.identityHash(of: object))
                #expect(heap.identityHash(of: object) == hashes[i])   // asking twice is stable
                heap.storeItem(object, into: frame[0]!, at: i)
            }
            heap.collectMinor()
            for round in 0..<3 {
                for i in 0..<300 {
                    let object = frame[0]!.loadItem(i)!
                    #expect(heap.identityHash(of: object) == hashes[i], "object \(i) after round \(round)")
                    #expect(heap.identityHash(of: object) >= 0 && heap.identityHash(of: object) < 1 << 30)
                }
                #expect(heap.verify() == [])
                heap.collect()
            }
            for i in stride(from: 0, to: 300, by: 3) { #expect(frame[0]!.loadItem(i)!.nodeID == i) }
        }
        // Hashes spread: 300 objects, nearly as many distinct hashes.
        #expect(Set(hashes).count > 290)
    }

    /// Only hashed objects pay the extra word, and only when they were young.
    @Test func onlyMovedHashedObjectsGrow() throws {
        let heap = try Heap(configuration: Configs.small)
        let types = try CommonTypes(heap)
        try heap.withRoots(2) { frame in
            frame[0] = try heap.node(types, id: 1)
            frame[1] = try heap.node(types, id: 2)
            _ = heap.identityHash(of: frame[0]!)
            heap.collectMinor()
            #expect(heap.size(of: frame[0]!) == 48 && heap.size(of: frame[1]!) == 40)
            let oldHash = heap.identityHash(of: frame[1]!)   // hashed when old: no flag, no word
            heap.collect()
            #expect(heap.size(of: frame[1]!) == 40 && heap.identityHash(of: frame[1]!) == oldHash)
            #expect(heap.oldGenerationBytes == 88)
        }
    }
}
