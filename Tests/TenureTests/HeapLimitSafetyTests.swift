// The maximum heap size is a bound: no collection an allocation runs takes the
// old generation over it, whatever the runtime does after an error.
//
// Near the maximum, an allocation that finds the nursery full first runs a
// major collection that keeps the nursery in place and measures what its
// survivors would take once promoted; when they would not fit, the
// allocation is refused and nothing moves. Only a minor collection the
// runtime asks for may promote past the maximum; then the fast path closes
// and every allocation runs a major collection and throws until the runtime
// has dropped enough. A large object counts its whole block (prefix and cards).
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
    /// the old generation stays under the maximum.
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
        #expect(worst <= maximum, "old generation reached \(worst) bytes with a maximum of \(maximum)")
        #expect(heap.verify() == [])
        // Dropping the list gives the fast path back.
        list.value = nil
        for i in 0..<50_000 { _ = try heap.node(types, id: i) }
        #expect(heap.oldGenerationBytes <= maximum)
    }

    /// An allocation whose collection would promote past the maximum is refused before
    /// anything is promoted: no collection an allocation runs ends over the maximum,
    /// and the refusal comes within one nursery of it.
    @Test func allocationNeverPromotesPastTheMaximum() throws {
        let maximum = 256 << 10, nursery = 32 << 10
        let heap = try Heap(configuration: Self.configuration(nursery: nursery, maximum: maximum))
        let types = try CommonTypes(heap)
        var most = 0
        _ = heap.addCollectionHook { event in most = max(most, event.oldBytesAfter) }
        let list = heap.pushRoot(nil)
        var kept = 0
        var refused: HeapError?
        for i in 0..<100_000 {
            do {
                let n = try heap.node(types, id: i)
                heap.storeReference(list.value, into: n, at: CommonTypes.nodeLeft)
                list.value = n
                kept += 1
            } catch {
                refused = error
                break
            }
        }
        let error = try #require(refused)
        guard case let .heapLimitExceeded(_, used, limit) = error else { Issue.record("\(error)"); return }
        #expect(limit == maximum && used > maximum)
        #expect(most <= maximum, "a collection left \(most) bytes in the old generation")
        #expect(kept * 40 >= maximum - nursery - 40, "refused after \(kept * 40) bytes")
        #expect(heap.oldGenerationBytes <= maximum)
        #expect(heap.verify() == [])
        // Refused again, and nothing changed; dropping half of the list lets allocation go on.
        #expect(throws: HeapError.self) { _ = try heap.node(types, id: -1) }
        #expect(heap.oldGenerationBytes <= maximum)
        var cursor = list.value
        for _ in 0..<(kept / 2) { cursor = cursor?.loadReference(at: CommonTypes.nodeLeft) }
        if let cursor { heap.storeReference(nil, into: cursor, at: CommonTypes.nodeLeft) }
        for i in 0..<10_000 { _ = try heap.node(types, id: i) }
        #expect(heap.oldGenerationBytes <= maximum)
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
