// The maximum heap size: running out is an ordinary error for a runtime (it
// raises its own MemoryError), never a crash.
//
// Each test keeps everything it allocates reachable until the heap refuses
// with `heapLimitExceeded`, then checks that the refusal came near the limit,
// that the heap is consistent and everything kept is intact, that further
// attempts keep failing cleanly, and that once the roots are dropped
// allocation works again and the memory comes back.
import Testing
@testable import Tenure

@Suite struct HeapLimitTests {
    static let limit = 4 << 20

    static var configuration: HeapConfiguration {
        var c = Configs.small  // 64 KiB nursery, verifier around major collections
        c.maximumHeapSize = limit
        c.minimumHeapSize = 1 << 20
        return c
    }

    func expectLimitError(_ error: HeapError, _ heap: Heap) {
        guard case let .heapLimitExceeded(requested, used, limit) = error else {
            Issue.record("expected heapLimitExceeded, got \(error)")
            return
        }
        #expect(limit == Self.limit)
        #expect(requested > 0)
        #expect(used + requested > limit)
        #expect(error.description.contains("heap limit exceeded"))
    }

    @Test func smallObjectsUntilTheLimit() throws {
        var c = Self.configuration
        c.debugLevel = 0  // 100,000 live objects: the test verifies where it matters
        let heap = try Heap(configuration: c)
        let types = try CommonTypes(heap)
        let list = heap.pushRoot(nil)
        var allocated = 0
        var failure: HeapError?
        while allocated < 1_000_000 {
            do {
                let n = try heap.node(types, id: allocated)
                heap.storeReference(list.value, into: n, at: CommonTypes.nodeLeft)
                list.value = n
                allocated += 1
            } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure, "no error after \(allocated) nodes (\(allocated * 40) bytes)")
        expectLimitError(error, heap)
        // Refused near the limit: at most a nursery of promotions past it.
        #expect(allocated * 40 >= Self.limit - (64 << 10) - 40)
        #expect(heap.oldGenerationBytes <= Self.limit + (64 << 10))
        #expect(heap.verify() == [])
        // Everything kept is intact.
        var count = 0
        var cursor = list.value
        while let n = cursor {
            #expect(n.nodeID == allocated - 1 - count)
            count += 1
            cursor = n.loadReference(at: CommonTypes.nodeLeft)
        }
        #expect(count == allocated)
        // Trying again keeps failing cleanly: small, large, weak.
        for _ in 0..<3 {
            #expect(throws: HeapError.self) {
                for _ in 0..<100_000 { _ = try heap.node(types, id: -1) }
            }
            #expect(throws: HeapError.self) { _ = try heap.allocateArray(types.words, count: 100_000) }
        }
        #expect(heap.verify() == [])
        // Drop everything: allocation works again and the memory comes back.
        heap.popRoots()
        for i in 0..<150_000 { _ = try heap.node(types, id: i) }
        heap.collect()
        #expect(heap.oldGenerationBytes == 0)
        #expect(heap.verify() == [])
    }

    @Test func largeObjectsUntilTheLimit() throws {
        let heap = try Heap(configuration: Self.configuration)
        let types = try CommonTypes(heap)
        let count = 12_500  // 100 KB of words: a young large object
        var failure: HeapError?
        var kept = 0
        let mark = heap.rootMark
        while kept < 1000 {
            do {
                let a = try heap.allocateArray(types.words, count: count)
                a.items.storeBytes(of: UInt64(kept), as: UInt64.self)
                heap.pushRoot(a)
                kept += 1
            } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure)
        expectLimitError(error, heap)
        #expect(kept * count * 8 >= Self.limit - 2 * count * 8)
        #expect(heap.oldGenerationBytes <= Self.limit)
        #expect(heap.verify() == [])
        #expect(heap.statistics.largeObjectBytes <= Self.limit)
        heap.popRoots(to: mark)
        heap.collect()
        #expect(heap.statistics.largeObjectBytes == 0)
        // Room again.
        let again = try heap.allocateArray(types.words, count: count)
        #expect(again.count == count)
        // One object bigger than the whole limit, in an empty heap.
        #expect {
            _ = try heap.allocateArray(types.bytes, count: 2 * Self.limit)
        } throws: { error in
            guard case HeapError.heapLimitExceeded = error else { return false }
            return true
        }
        #expect(heap.verify() == [])
    }

    /// Weak references, destructors and a mix of sizes while the limit is hit.
    @Test func mixedUntilTheLimit() throws {
        let log = DestructorLog()
        var destructible = 0
        do {
            let heap = try Heap(configuration: Self.configuration)
            let types = try CommonTypes(heap)
            let fin = try FinalizedTypes(heap, log: log)
            let weak = heap.pushRoot(try heap.allocateArray(types.references, count: 1000))
            let list = heap.pushRoot(nil)
            var i = 0
            var failed = false
            while !failed && i < 1_000_000 {
                do {
                    let o: ObjectRef
                    switch i % 10 {
                    case 0: o = try fin.allocate(heap, kind: i % 40 == 0 ? 1 : 0, id: UInt64(i))
                            destructible += 1
                    case 1: o = try heap.allocateArray(types.references, count: i % 300)
                    default: o = try heap.node(types, id: i)
                    }
                    try heap.withRoot(o) { root in
                        let cell = try heap.node(types, id: -i)
                        heap.storeReference(root.object, into: cell, at: CommonTypes.nodeLeft)
                        heap.storeReference(list.value, into: cell, at: CommonTypes.nodeRight)
                        list.value = cell
                        if i % 97 == 0 {
                            let w = try heap.makeWeakReference(to: root.object)
                            heap.storeItem(w, into: weak.object, at: (i / 97) % 1000)
                        }
                    }
                } catch {
                    if let e = error as? HeapError { expectLimitError(e, heap) } else { Issue.record("\(error)") }
                    failed = true
                }
                i += 1
            }
            #expect(failed)
            #expect(heap.verify() == [])
            #expect(log.calls == 0, "a destructor ran for a reachable object")
            list.value = nil
            heap.collect()
            #expect(log.calls == destructible)
            for k in 0..<1000 {
                if let w = weak.object.loadItem(k) { #expect(heap.weakTarget(of: w) == nil) }
            }
            heap.popRoots(2)
        }
        #expect(log.calls == destructible)
    }
}
