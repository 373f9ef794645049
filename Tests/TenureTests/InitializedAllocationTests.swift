// Allocation with initial values: the values land in the first fields, the
// rest is zero, and values held nowhere else survive the collections the
// allocation runs (the stress configuration collects at nearly every one).
import Testing
@testable import Tenure

@Suite struct InitializedAllocationTests {
    /// A chain where each node's only reference to the previous one is the value passed
    /// to the allocation: nothing else roots it while the allocation may collect.
    @Test(arguments: Configs.all.map(\.1))
    func valuesSurviveTheAllocationThatTakesThem(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let triple = try heap.register(.object("Triple", references: 3, words: 1))
        let types = try CommonTypes(heap)
        let head = heap.pushRoot(nil)
        defer { heap.popRoots() }
        let count = configuration.debugLevel >= 2 ? 500 : 3000
        for i in 0..<count {
            let leaf = try heap.node(types, id: -i)          // young, unrooted
            let node: ObjectRef
            switch i % 3 {
            case 0: node = try heap.allocate(types.node, with: head.value)
            case 1: node = try heap.allocate(types.node, with: head.value, leaf)
            default: node = try heap.allocate(triple, with: head.value, leaf, leaf)
            }
            node.store(i, at: i % 3 == 2 ? ObjectLayout.fieldOffset(3) : CommonTypes.nodeID)
            head.value = node
        }
        heap.collect()
        var cursor = head.value
        var expected = count - 1
        while let node = cursor {
            let isTriple = node.typeID == triple.id
            #expect(isTriple == (expected % 3 == 2))
            #expect(node.load(at: isTriple ? ObjectLayout.fieldOffset(3) : CommonTypes.nodeID, as: Int.self) == expected)
            let second = node.loadReference(at: ObjectLayout.fieldOffset(1))
            if expected % 3 == 0 {
                #expect(second == nil)
            } else {
                #expect(second?.nodeID == -expected)
            }
            if isTriple { #expect(node.loadReference(at: ObjectLayout.fieldOffset(2)) == second) }
            if !isTriple { #expect(node.load(at: CommonTypes.nodePayload, as: Int.self) == 0) }
            cursor = node.loadReference(at: ObjectLayout.fieldOffset(0))
            expected -= 1
        }
        #expect(expected == -1)
    }

    /// Arrays of references: the two items given, the rest nil; the values unrooted.
    @Test(arguments: Configs.all.map(\.1))
    func arrayItemsSurviveTheAllocationThatTakesThem(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        let head = heap.pushRoot(nil)
        defer { heap.popRoots() }
        let count = configuration.debugLevel >= 2 ? 400 : 2000
        for i in 0..<count {
            let leaf = try heap.node(types, id: i)
            // Now and then bigger than the young-object limit (a young large object).
            let items = i % 50 == 0 ? configuration.youngLargeObjectLimit / 8 + 4 : 2 + i % 5
            head.value = try heap.allocateArray(types.references, count: items, with: head.value, leaf)
        }
        heap.collect()
        var cursor = head.value
        var expected = count - 1
        while let array = cursor {
            #expect(array.loadItem(1)?.nodeID == expected)
            for j in 2..<array.count { #expect(array.loadItem(j) == nil) }
            cursor = array.loadItem(0)
            expected -= 1
        }
        #expect(expected == -1)
    }

    @Test func arraysThatCannotTakeTwoReferencesAreRefused() throws {
        let heap = try Heap()
        let types = try CommonTypes(heap)
        #expect(throws: HeapError.self) { try heap.allocateArray(types.references, count: 1, with: nil, nil) }
        do {
            _ = try heap.allocateArray(types.words, count: 4, with: nil, nil)
            Issue.record("a raw array took references")
        } catch {
            #expect("\(error)".contains("'Words'"))
            #expect("\(error)".contains("raw items"))
            #expect("\(error)".contains("at least 2 items"))
        }
    }

    @Test func aTypeTooSmallForTheValuesIsRefused() throws {
        let heap = try Heap()
        let one = try heap.register(.object("One", references: 1, words: 0))
        let value = try heap.allocate(one)
        heap.pushRoot(value)
        defer { heap.popRoots() }
        let before = heap.statistics.nurseryBytesAllocated
        #expect(throws: HeapError.self) { try heap.allocate(one, with: value, value) }
        do {
            _ = try heap.allocate(one, with: value, value, value)
            Issue.record("a 16-byte type took three values")
        } catch {
            #expect("\(error)".contains("'One'"))
            #expect("\(error)".contains("16 bytes"))
            #expect("\(error)".contains("at least 32 bytes"))
        }
        #expect(heap.statistics.nurseryBytesAllocated == before)
        let fine = try heap.allocate(one, with: value)
        #expect(fine.loadReference(at: ObjectLayout.fieldOffset(0)) == value)
    }

    @Test func anotherHeapsHandleIsRefused() throws {
        let a = try Heap()
        let b = try Heap()
        let nodeOfA = try a.register(.object("Node", references: 2, words: 0))
        _ = try b.register(.object("Other", references: 0, words: 4))
        #expect(throws: HeapError.self) { try b.allocate(nodeOfA, with: nil, nil) }
        #expect(throws: HeapError.self) { try b.allocate(nodeOfA, with: nil) }
    }

    /// An old value stored into a new object, and the object promoted: the old value
    /// is kept, the young one in the same object too.
    @Test func oldAndYoungValuesAreBothKept() throws {
        var c = Configs.small
        c.debugLevel = 2
        let heap = try Heap(configuration: c)
        let types = try CommonTypes(heap)
        let old = heap.pushRoot(try heap.node(types, id: 1))
        defer { heap.popRoots() }
        heap.collectMinor()
        #expect(!heap.isYoung(old.value!))
        let holder = heap.pushRoot(try heap.allocate(types.node, with: old.value, try heap.node(types, id: 2)))
        defer { heap.popRoots() }
        heap.collect()
        #expect(holder.value!.loadReference(at: CommonTypes.nodeLeft)?.nodeID == 1)
        #expect(holder.value!.loadReference(at: CommonTypes.nodeRight)?.nodeID == 2)
    }
}
