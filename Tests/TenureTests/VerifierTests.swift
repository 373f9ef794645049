// The verifier: the model runs and debug levels 1 and 2 rely on it, so it
// must see the corruptions a collector bug leaves behind. Each test breaks
// one invariant by hand (a dangling reference, a stale mark, a young object
// behind an unremembered old one, a root to nowhere), checks that `verify()`
// names it, and repairs it so the heap can be collected and torn down.
import Testing
@testable import Tenure

@Suite struct VerifierTests {
    func heap() throws -> (Heap, CommonTypes) {
        var c = Configs.small
        c.debugLevel = 0
        let heap = try Heap(configuration: c)
        return (heap, try CommonTypes(heap))
    }

    @Test func danglingReference() throws {
        let (heap, types) = try heap()
        let old = heap.pushRoot(try heap.node(types, id: 1))
        defer { heap.popRoots() }
        heap.collectMinor()
        let nowhere = ObjectRef(old.object.raw + 8)  // inside an object, not its start
        old.object.raw.storeBytes(of: nowhere, toByteOffset: CommonTypes.nodeRight, as: ObjectRef?.self)
        #expect(heap.verify().contains { $0.contains("which is not an object") })
        old.object.raw.storeBytes(of: nil, toByteOffset: CommonTypes.nodeRight, as: ObjectRef?.self)
        #expect(heap.verify() == [])
    }

    @Test func staleMark() throws {
        let (heap, types) = try heap()
        let old = heap.pushRoot(try heap.node(types, id: 1))
        defer { heap.popRoots() }
        heap.collectMinor()
        old.object.setHeader(old.object.header | HeaderFlags.visited)
        #expect(heap.verify().contains { $0.contains("collection-time flags") })
        old.object.setHeader(old.object.header & ~HeaderFlags.visited)
        let young = try heap.node(types, id: 2)
        young.setHeader(young.header | HeaderFlags.visited)
        #expect(heap.verify().contains { $0.contains("nursery object") && $0.contains("GC flags") })
        young.setHeader(young.header & ~HeaderFlags.visited)
        #expect(heap.verify() == [])
    }

    @Test func rootToNowhere() throws {
        let (heap, types) = try heap()
        let n = try heap.node(types, id: 1)
        let root = heap.pushRoot(ObjectRef(n.raw + 16))
        defer { heap.popRoots() }
        #expect(heap.verify().contains { $0.contains("root slot") })
        root.value = n
        #expect(heap.verify() == [])
    }

    @Test func youngReferenceInACleanCard() throws {
        let (heap, types) = try heap()
        let array = heap.pushRoot(try heap.allocateArray(types.references, count: 5000))  // young large, carded
        defer { heap.popRoots() }
        heap.collectMinor()
        let young = try heap.node(types, id: 1)
        array.object.raw.storeBytes(of: young, toByteOffset: ObjectLayout.arrayItemsOffset + 8 * 4321, as: ObjectRef?.self)
        #expect(heap.verify().contains { $0.contains("item 4321") && $0.contains("clean card") })
        heap.storeItem(young, into: array.object, at: 4321)
        #expect(heap.verify() == [])
        heap.collectMinor()
        #expect(array.object.loadItem(4321)?.nodeID == 1)
    }
}
