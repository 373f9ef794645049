// Weak references: cleared when the target dies (in a minor collection for a
// young target, in a major one for an old target), updated when the target
// moves, untouched while the target lives, harmless when the weak reference
// itself dies first, and correct for targets of every kind (nursery object,
// young large object, old object, another weak reference).
//
// A weak reference that is not cleared points into freed memory; one that is
// cleared too early loses a live object: both are checked after each kind of
// collection.
import Testing
@testable import Tenure

@Suite struct WeakReferenceTests {
    @Test(arguments: Configs.all.map(\.1))
    func clearedWhenAYoungTargetDiesInAMinorCollection(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        try heap.withRoots(2) { frame in
            heap.collectMinor()  // an empty nursery: the target stays young until the check
            frame[0] = try heap.makeWeakReference(to: try heap.node(types, id: 1))
            #expect(heap.isYoung(heap.weakTarget(of: frame[0]!)!))
            frame[1] = try heap.makeWeakReference(to: try heap.allocateArray(types.references,
                                                                          count: configuration.youngLargeObjectLimit / 8 + 1))
            heap.collectMinor()
            #expect(heap.weakTarget(of: frame[0]!) == nil)
            #expect(heap.weakTarget(of: frame[1]!) == nil)
            heap.collect()
            #expect(heap.weakTarget(of: frame[0]!) == nil)
            #expect(heap.verify() == [])
        }
    }

    @Test(arguments: Configs.all.map(\.1))
    func clearedWhenAnOldTargetDiesInAMajorCollection(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        try heap.withRoots(2) { frame in
            frame[0] = try heap.node(types, id: 5)
            frame[1] = try heap.makeWeakReference(to: frame[0])
            heap.collectMinor()
            #expect(!heap.isYoung(frame[0]!))
            #expect(heap.weakTarget(of: frame[1]!) == frame[0])
            frame[0] = nil
            heap.collectMinor()
            // Old targets are only found dead by a major collection.
            #expect(heap.weakTarget(of: frame[1]!)?.nodeID == 5)
            heap.collect()
            #expect(heap.weakTarget(of: frame[1]!) == nil)
            #expect(heap.verify() == [])
        }
    }

    @Test(arguments: Configs.all.map(\.1))
    func updatedWhenTheTargetMoves(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        let n = 30
        try heap.withRoots(2 * n) { frame in
            for i in 0..<n {
                frame[i] = try heap.node(types, id: i)
                frame[n + i] = try heap.makeWeakReference(to: frame[i])
                #expect(heap.weakTarget(of: frame[n + i]!) == frame[i])
            }
            for round in 0..<3 {
                if round == 1 { heap.collect() } else { heap.collectMinor() }
                for i in 0..<n {
                    #expect(heap.weakTarget(of: frame[n + i]!) == frame[i], "weak reference \(i), round \(round)")
                    #expect(heap.weakTarget(of: frame[n + i]!)?.nodeID == i)
                }
            }
            // Half the targets die.
            for i in stride(from: 0, to: n, by: 2) { frame[i] = nil }
            heap.collect()
            for i in 0..<n {
                #expect(heap.weakTarget(of: frame[n + i]!) == (i % 2 == 0 ? nil : frame[i]))
            }
            #expect(heap.verify() == [])
        }
    }

    /// A weak reference made to an old object, while the weak reference is young.
    @Test(arguments: Configs.all.map(\.1))
    func youngWeakReferenceToAnOldObject(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        try heap.withRoots(2) { frame in
            frame[0] = try heap.node(types, id: 9)
            heap.collectMinor()
            let address = frame[0]!.address
            frame[1] = try heap.makeWeakReference(to: frame[0])
            heap.collectMinor()
            #expect(heap.weakTarget(of: frame[1]!)?.address == address)
            heap.collect()
            #expect(heap.weakTarget(of: frame[1]!)?.address == address)
            frame[0] = nil
            heap.collect()
            #expect(heap.weakTarget(of: frame[1]!) == nil)
        }
    }

    /// The weak reference dies before (or with) its target.
    @Test(arguments: Configs.all.map(\.1))
    func weakReferencesThatDie(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        try heap.withRoots(1) { frame in
            frame[0] = try heap.node(types, id: 1)
            for _ in 0..<200 { _ = try heap.makeWeakReference(to: frame[0]) }
            heap.collectMinor()
            // Old weak references that then die.
            let mark = heap.rootMark
            for _ in 0..<50 { heap.pushRoot(try heap.makeWeakReference(to: frame[0])) }
            heap.collectMinor()
            heap.popRoots(to: mark)
            heap.collect()
            #expect(frame[0]?.nodeID == 1)
            #expect(heap.verify() == [])
            heap.collect()
            #expect(heap.oldGenerationBytes == 40)
        }
        heap.collect()
        #expect(heap.oldGenerationBytes == 0)
    }

    @Test(arguments: Configs.all.map(\.1))
    func unusualTargets(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        try heap.withRoots(6) { frame in
            frame[0] = try heap.makeWeakReference(to: nil)
            #expect(heap.weakTarget(of: frame[0]!) == nil)
            // A weak reference to a weak reference.
            frame[1] = try heap.makeWeakReference(to: try heap.node(types, id: 3))
            frame[2] = try heap.makeWeakReference(to: frame[1])
            // A weak reference to a young large object that stays reachable.
            frame[3] = try heap.allocateArray(types.references, count: configuration.youngLargeObjectLimit / 8 + 1)
            frame[4] = try heap.makeWeakReference(to: frame[3])
            // A weak reference held only in an object's field (weak references are objects).
            frame[5] = try heap.node(types, id: 4)
            let w = try heap.makeWeakReference(to: frame[5])
            heap.storeReference(w, into: frame[5]!, at: CommonTypes.nodeLeft)
            heap.collectMinor()
            #expect(heap.weakTarget(of: frame[0]!) == nil)
            #expect(heap.weakTarget(of: frame[1]!) == nil)  // its node died
            #expect(heap.weakTarget(of: frame[2]!) == frame[1])
            #expect(heap.weakTarget(of: frame[4]!) == frame[3])
            let selfWeak = try #require(frame[5]!.loadReference(at: CommonTypes.nodeLeft))
            #expect(heap.weakTarget(of: selfWeak) == frame[5])
            heap.collect()
            #expect(heap.weakTarget(of: frame[2]!) == frame[1])
            #expect(heap.weakTarget(of: frame[4]!) == frame[3])
            frame[1] = nil
            frame[3] = nil
            heap.collect()
            #expect(heap.weakTarget(of: frame[2]!) == nil)
            #expect(heap.weakTarget(of: frame[4]!) == nil)
            #expect(heap.weakTarget(of: frame[5]!.loadReference(at: CommonTypes.nodeLeft)!) == frame[5])
            #expect(heap.verify() == [])
        }
    }

    /// The allocation of the weak reference itself collects and moves the target.
    @Test func targetMovesWhileTheWeakReferenceIsAllocated() throws {
        let heap = try Heap(configuration: Configs.everyAllocation())
        let types = try CommonTypes(heap)
        try heap.withRoots(40) { frame in
            for i in 0..<20 {
                frame[i] = try heap.node(types, id: i)
                frame[20 + i] = try heap.makeWeakReference(to: frame[i])
                #expect(heap.weakTarget(of: frame[20 + i]!) == frame[i])
            }
            heap.collect()
            for i in 0..<20 { #expect(heap.weakTarget(of: frame[20 + i]!)?.nodeID == i) }
        }
    }
}
