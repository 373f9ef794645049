// Big and deep shapes: a linked list long enough that a recursive marker or
// tracer would overflow the machine stack, a reference array of a million
// items (young large, carded), cycles (a node referring to itself, a ring),
// and a fixed type with thousands of reference fields past the bitmap.
// Each is promoted, marked, partly rewritten through the barrier and checked.
import Testing
@testable import Tenure

@Suite struct DeepStructuresTests {
    @Test func longListIsPromotedAndMarkedWithoutRecursion() throws {
        let heap = try Heap()
        let types = try CommonTypes(heap)
        let n = 300_000
        try heap.withRoots(1) { frame in
            for i in 0..<n {
                let node = try heap.node(types, id: i)
                heap.storeReference(frame[0], into: node, at: CommonTypes.nodeLeft)
                frame[0] = node
            }
            heap.collect()
            heap.collect()
            var count = 0
            var cursor = frame[0]
            while let c = cursor {
                if c.nodeID != n - 1 - count { break }
                count += 1
                cursor = c.loadReference(at: CommonTypes.nodeLeft)
            }
            #expect(count == n)
            #expect(heap.oldGenerationBytes == n * 40)
        }
        heap.collect()
        #expect(heap.oldGenerationBytes == 0)
    }

    @Test func millionItemArray() throws {
        let heap = try Heap()
        let types = try CommonTypes(heap)
        let n = 1_000_000
        try heap.withRoots(1) { frame in
            frame[0] = try heap.allocateArray(types.references, count: n)
            #expect(heap.isYoung(frame[0]!))
            for i in stride(from: 0, to: n, by: 1000) { heap.storeItem(try heap.node(types, id: i), into: frame[0]!, at: i) }
            heap.collectMinor()
            #expect(!heap.isYoung(frame[0]!))
            // Old now: young items through the cards, every 4099th item.
            for i in stride(from: 7, to: n, by: 4099) { heap.storeItem(try heap.node(types, id: i), into: frame[0]!, at: i) }
            heap.collectMinor()
            heap.collect()
            var wrong = 0
            for i in 0..<n {
                let expected: Int? = i % 1000 == 0 ? i : (i >= 7 && (i - 7) % 4099 == 0 ? i : nil)
                if frame[0]!.loadItem(i)?.nodeID != expected { wrong += 1 }
            }
            #expect(wrong == 0)
            #expect(heap.verify() == [])
        }
    }

    @Test(arguments: Configs.all.map(\.1))
    func cycles(configuration: HeapConfiguration) throws {
        let log = DestructorLog()
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        let fin = try FinalizedTypes(heap, log: log)
        try heap.withRoots(2) { frame in
            // A node referring to itself, young when collected.
            frame[0] = try heap.node(types, id: 1)
            heap.storeReference(frame[0], into: frame[0]!, at: CommonTypes.nodeLeft)
            heap.collectMinor()
            #expect(frame[0]!.loadReference(at: CommonTypes.nodeLeft) == frame[0])
            // A ring of 100 with destructor objects hanging off it.
            frame[1] = try heap.node(types, id: 0)
            try heap.withRoots(1) { tail in
                tail[0] = frame[1]
                for i in 1..<100 {
                    let n = try heap.node(types, id: i)
                    heap.storeReference(n, into: tail[0]!, at: CommonTypes.nodeLeft)
                    tail[0] = n
                    let f = try fin.allocate(heap, kind: 0, id: UInt64(i))
                    heap.storeReference(f, into: tail[0]!, at: CommonTypes.nodeRight)
                }
                heap.storeReference(frame[1], into: tail[0]!, at: CommonTypes.nodeLeft)
            }
            heap.collect()
            var cursor = frame[1]!
            for i in 0..<100 {
                #expect(cursor.nodeID == i)
                cursor = cursor.loadReference(at: CommonTypes.nodeLeft)!
            }
            #expect(cursor == frame[1])
            #expect(log.calls == 0)
            // Drop both cycles: they die whole.
            frame[0] = nil
            frame[1] = nil
            heap.collect()
            #expect(log.calls == 99)
            #expect(heap.oldGenerationBytes == 0)
        }
    }

    @Test(arguments: Configs.all.map(\.1))
    func thousandsOfReferenceFields(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        let fields = 3000
        let offsets = (0..<fields).map { ObjectLayout.fieldOffset($0) }
        let huge = try heap.register(.object("Huge", size: 8 * (fields + 1), referenceOffsets: offsets.reversed()))
        try heap.withRoots(1) { frame in
            frame[0] = try heap.allocate(huge)
            for k in stride(from: 0, to: fields, by: 37) {
                heap.storeReference(try heap.node(types, id: k), into: frame[0]!, at: offsets[k])
            }
            heap.collectMinor()
            heap.collect()
            for k in 0..<fields {
                #expect(frame[0]!.loadReference(at: offsets[k])?.nodeID == (k % 37 == 0 ? k : nil))
            }
            #expect(heap.verify() == [])
        }
    }
}
