// A collection at (nearly) every allocation: the smallest nursery that
// validates (64 bytes) holds one 40-byte object, so each allocation of one
// runs a minor collection, with the verifier before and after it.
//
// Any reference the code under test keeps in a local across an allocation is
// stale at once here, and every object is promoted right after it is made:
// the write barrier is taken on every store into a just-allocated object's
// parent, and young large objects (above 16 or 64 bytes) are the common case.
// Trees and lists are built, checked, partly dropped and rebuilt.
import Testing
@testable import Tenure

@Suite struct CollectEveryAllocationTests {
    static let limits = [16, 24, 64]

    @Test func configurationValidates() throws {
        for limit in Self.limits { try Configs.everyAllocation(youngLargeObjectLimit: limit).validate() }
        var tooSmall = Configs.everyAllocation()
        tooSmall.nurserySize = 56
        #expect(throws: ConfigurationError.self) { try tooSmall.validate() }
        #expect(throws: HeapError.self) { _ = try Heap(configuration: tooSmall) }
    }

    /// Builds a complete binary tree of `depth` bottom-up, the way a runtime does: children in roots.
    static func tree(_ heap: Heap, _ types: CommonTypes, depth: Int, id: inout Int) throws -> ObjectRef {
        if depth == 0 {
            let leaf = try heap.node(types, id: id)
            id += 1
            return leaf
        }
        return try heap.withRoots(2) { frame in
            frame[0] = try tree(heap, types, depth: depth - 1, id: &id)
            frame[1] = try tree(heap, types, depth: depth - 1, id: &id)
            let n = try heap.node(types, id: id)
            id += 1
            heap.storeReference(frame[0], into: n, at: CommonTypes.nodeLeft)
            heap.storeReference(frame[1], into: n, at: CommonTypes.nodeRight)
            return n
        }
    }

    /// Checks a tree built by `tree`: post-order ids; returns the next id.
    static func check(_ node: ObjectRef?, depth: Int, first: Int) -> Int {
        guard let node else {
            Issue.record("missing node at depth \(depth)")
            return first
        }
        if depth == 0 {
            #expect(node.nodeID == first)
            return first + 1
        }
        let mid = check(node.loadReference(at: CommonTypes.nodeLeft), depth: depth - 1, first: first)
        let end = check(node.loadReference(at: CommonTypes.nodeRight), depth: depth - 1, first: mid)
        #expect(node.nodeID == end)
        return end + 1
    }

    @Test(arguments: limits)
    func trees(youngLargeObjectLimit: Int) throws {
        let heap = try Heap(configuration: Configs.everyAllocation(youngLargeObjectLimit: youngLargeObjectLimit))
        let types = try CommonTypes(heap)
        let depth = 7
        try heap.withRoots(3) { frame in
            var id = 0
            frame[0] = try Self.tree(heap, types, depth: depth, id: &id)
            let before = heap.statistics.minorCollections
            #expect(before >= (1 << depth) || youngLargeObjectLimit < 40)
            #expect(Self.check(frame[0], depth: depth, first: 0) == id)
            // A second tree while the first stays; then replace subtrees of the first.
            var id2 = 10_000
            frame[1] = try Self.tree(heap, types, depth: depth - 2, id: &id2)
            for _ in 0..<3 {
                var sub = 50_000
                frame[2] = try Self.tree(heap, types, depth: 3, id: &sub)
                heap.storeReference(frame[2], into: frame[0]!.loadReference(at: CommonTypes.nodeLeft)!, at: CommonTypes.nodeRight)
                frame[2] = nil
                heap.collect()
                #expect(Self.check(frame[0]!.loadReference(at: CommonTypes.nodeLeft)!.loadReference(at: CommonTypes.nodeRight),
                                   depth: 3, first: 50_000) == sub)
            }
            #expect(Self.check(frame[1], depth: depth - 2, first: 10_000) == id2)
            #expect(heap.verify() == [])
        }
        heap.collect()
        #expect(heap.oldGenerationBytes == 0)
    }

    @Test(arguments: limits)
    func lists(youngLargeObjectLimit: Int) throws {
        let heap = try Heap(configuration: Configs.everyAllocation(youngLargeObjectLimit: youngLargeObjectLimit))
        let types = try CommonTypes(heap)
        let n = 400
        try heap.withRoots(2) { frame in
            // Appending at the tail: each new node is stored into the (old) previous one.
            frame[0] = try heap.node(types, id: 0)
            frame[1] = frame[0]
            for i in 1..<n {
                let node = try heap.node(types, id: i)
                heap.storeReference(node, into: frame[1]!, at: CommonTypes.nodeLeft)
                frame[1] = node
            }
            var cursor = frame[0]
            for i in 0..<n {
                #expect(cursor?.nodeID == i)
                cursor = cursor?.loadReference(at: CommonTypes.nodeLeft)
            }
            #expect(cursor == nil)
            // Cut the list in the middle, collect, and check both the kept part and the drop.
            var middle = frame[0]
            for _ in 0..<(n / 2 - 1) { middle = middle?.loadReference(at: CommonTypes.nodeLeft) }
            heap.storeReference(nil, into: middle!, at: CommonTypes.nodeLeft)
            frame[1] = nil
            heap.collect()
            // Nodes above the young-large limit stay large objects: 16 bytes of prefix each.
            #expect(heap.oldGenerationBytes == n / 2 * (youngLargeObjectLimit < 40 ? 56 : 40))
            // Arrays of every small length, each item a fresh node.
            for length in 0..<12 {
                frame[1] = try heap.allocateArray(types.references, count: length)
                for i in 0..<length { heap.storeItem(try heap.node(types, id: 1000 * length + i), into: frame[1]!, at: i) }
                heap.collectMinor()
                for i in 0..<length { #expect(frame[1]!.loadItem(i)?.nodeID == 1000 * length + i) }
            }
            #expect(heap.verify() == [])
        }
    }

    /// Weak references and destructors when every allocation collects.
    @Test func weakReferencesAndDestructors() throws {
        let log = DestructorLog()
        let heap = try Heap(configuration: Configs.everyAllocation())
        let types = try CommonTypes(heap)
        let fin = try FinalizedTypes(heap, log: log)
        try heap.withRoots(60) { frame in
            for i in 0..<20 {
                frame[i] = try fin.allocate(heap, kind: i % 4, id: UInt64(i))
                frame[20 + i] = try heap.makeWeakReference(to: frame[i])
                frame[40 + i] = try heap.makeWeakReference(to: try heap.node(types, id: i))
            }
            #expect(log.calls == 0)
            for i in 0..<20 { #expect(heap.weakTarget(of: frame[20 + i]!) == frame[i]) }
            // The node was promoted by the weak reference's own allocation: old, so a major collection clears it.
            heap.collect()
            for i in 0..<20 { #expect(heap.weakTarget(of: frame[40 + i]!) == nil) }
            for i in 0..<10 { frame[i] = nil }
            heap.collect()
            for i in 0..<20 {
                #expect(log.count(UInt64(i)) == (i < 10 ? 1 : 0))
                #expect(heap.weakTarget(of: frame[20 + i]!) == (i < 10 ? nil : frame[i]))
            }
        }
        heap.collect()
        #expect(log.calls == 20)
    }
}
