// The maximum heap size is a bound: the old generation never goes more than
// one nursery over it, whatever the runtime does after an error.
//
// A collection may leave the old generation over the maximum (a minor
// collection cannot refuse to promote); the allocation that ran it is served
// from the emptied nursery, the fast path stays closed, and every later
// allocation runs a major collection and throws until the runtime has
// dropped enough. A large object counts its whole block (prefix and cards).
import Testing
@testable import Tenure

@Suite struct HeapLimitSafetyTests {
    static func configuration(nursery: Int, maximum: Int) -> HeapConfiguration {
        var c = HeapConfiguration()
        c.nurserySize = nursery
        c.youngLargeObjectLimit = min(nursery, 4 << 10)
        c.maximumHeapSize = maximum
        c.minimumHeapSize = maximum / 2
        c.shadowStackCapacity = 1 << 12
        return c
    }

    /// A runtime that catches the error and keeps allocating, keeping everything:
    /// the old generation stays within one nursery of the maximum.
    @Test func catchingAndContinuingStaysBounded() throws {
        let nursery = 256 << 10, maximum = 4 << 20
        let heap = try Heap(configuration: Self.configuration(nursery: nursery, maximum: maximum))
        let types = try CommonTypes(heap)
        let list = heap.pushRoot(nil)
        var errors = 0, allocated = 0, worst = 0
        while errors < 60 {
            do {
                let n = try heap.node(types, id: allocated)
                heap.storeReference(list.value, into: n, at: CommonTypes.nodeLeft)
                list.value = n
                allocated += 1
            } catch {
                guard case .heapLimitExceeded = error else { Issue.record("\(error)"); break }
                errors += 1
            }
            worst = max(worst, heap.oldGenerationBytes)
        }
        #expect(worst <= maximum + nursery, "old generation reached \(worst) bytes with a maximum of \(maximum)")
        #expect(heap.verify() == [])
        // Dropping the list gives the fast path back.
        list.value = nil
        for i in 0..<50_000 { _ = try heap.node(types, id: i) }
        #expect(heap.oldGenerationBytes <= maximum)
    }

    /// The allocation whose collection left the old generation over the maximum is
    /// served from the nursery that collection emptied; the next one is refused.
    @Test func theAllocationThatWentOverIsServed() throws {
        let maximum = 256 << 10
        let heap = try Heap(configuration: Self.configuration(nursery: 32 << 10, maximum: maximum))
        let types = try CommonTypes(heap)
        var wentOver = false
        _ = heap.addCollectionHook { event in if event.kind == .major && event.oldBytesAfter > maximum { wentOver = true } }
        let list = heap.pushRoot(nil)
        var servedAfterGoingOver = false
        for i in 0..<100_000 {
            let before = wentOver
            do {
                let n = try heap.node(types, id: i)
                heap.storeReference(list.value, into: n, at: CommonTypes.nodeLeft)
                list.value = n
                if !before && wentOver { servedAfterGoingOver = true }
            } catch {
                #expect(wentOver, "refused before any collection ended over the maximum: \(error)")
                break
            }
        }
        #expect(servedAfterGoingOver)
        #expect(throws: HeapError.self) { _ = try heap.node(types, id: -1) }
        #expect(heap.verify() == [])
    }

    /// A minor collection the runtime asks for may promote past the maximum:
    /// the fast path closes and the next allocation is refused after a major collection.
    @Test func promotionPastTheMaximumClosesTheFastPath() throws {
        let nursery = 1 << 20, maximum = 256 << 10
        let heap = try Heap(configuration: Self.configuration(nursery: nursery, maximum: maximum))
        let types = try CommonTypes(heap)
        let list = heap.pushRoot(nil)
        for i in 0..<15_000 {   // 600 KB of nodes, all in the nursery
            let n = try heap.node(types, id: i)
            heap.storeReference(list.value, into: n, at: CommonTypes.nodeLeft)
            list.value = n
        }
        heap.collectMinor()
        #expect(heap.oldGenerationBytes > maximum)
        #expect {
            _ = try heap.node(types, id: -1)
        } throws: { error in
            guard case HeapError.heapLimitExceeded(_, let used, let limit) = error else { return false }
            return used > limit && limit == maximum
        }
        #expect(heap.oldGenerationBytes <= maximum + nursery)
        list.value = nil
        _ = try heap.node(types, id: 1)   // a major collection finds the heap back under the maximum
        #expect(heap.oldGenerationBytes < maximum)
    }

    /// The limit counts a large object's whole block: prefix and card bytes too.
    @Test func largeObjectsCountTheirPrefixAndCards() throws {
        let maximum = 1 << 20
        let heap = try Heap(configuration: Self.configuration(nursery: 64 << 10, maximum: maximum))
        let refs = try heap.registerArray(.array("Refs", of: .references))
        // An array of exactly `maximum` bytes: its block (cards and prefix in front) is bigger.
        let items = (maximum - ObjectLayout.arrayItemsOffset) / 8
        #expect(refs.instanceSize(count: items) == maximum)
        #expect {
            _ = try heap.allocateArray(refs, count: items)
        } throws: { error in
            guard case HeapError.heapLimitExceeded(let requested, _, _) = error else { return false }
            return requested > maximum
        }
        #expect(heap.oldGenerationBytes <= maximum)
        _ = try heap.allocateArray(refs, count: items - 1000)
        #expect(heap.oldGenerationBytes <= maximum)
    }
}
