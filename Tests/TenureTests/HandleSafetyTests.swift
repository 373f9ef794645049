// Type handles work only on the heap that registered them, and compiled
// code's raw allocation requests are checked against the type table.
//
// Type ids are per heap: heap A's raw byte array may be id 2 while heap B's
// id 2 is an array of references. A handle that worked on the wrong heap
// would make objects its collector sizes and traces as another type.
import Testing
@_spi(CompiledCode) @testable import Tenure

@Suite struct HandleSafetyTests {
    /// The example of the bug: A's byte-array handle on B, whose id 2 is a reference array.
    @Test func anotherHeapsArrayHandleIsRefused() throws {
        let a = try Heap(configuration: Configs.small)
        let b = try Heap(configuration: Configs.small)
        let bytesOfA = try a.registerArray(.array("Bytes", of: .raw(itemSize: 1)))
        let referencesOfB = try b.registerArray(.array("References", of: .references))
        #expect(bytesOfA.id == referencesOfB.id)
        #expect(!b.owns(bytesOfA) && a.owns(bytesOfA))
        #expect {
            _ = try b.allocateArray(bytesOfA, count: 64)
        } throws: { error in
            guard case HeapError.invalidArgument(let text) = error else { return false }
            return text.contains("another heap") && text.contains("References")
        }
        #expect(b.verify() == [])
        _ = try a.allocateArray(bytesOfA, count: 64)
    }

    /// Fixed-size handles: the fast path (same size) and the slow path (a destructor) alike.
    @Test func anotherHeapsObjectHandleIsRefused() throws {
        let a = try Heap(configuration: Configs.small)
        let b = try Heap(configuration: Configs.small)
        let pairOfA = try a.register(.object("Pair", references: 2))
        _ = try b.register(.object("Words", references: 0, words: 2))
        var destroyed = 0
        let finalOfA = try a.register(.object("Final", references: 0, words: 1, destructor: { _ in destroyed += 1 }))
        _ = try b.register(.object("Plain", references: 0, words: 1))
        for handle in [pairOfA, finalOfA] {
            #expect(throws: HeapError.self) { _ = try b.allocate(handle) }
        }
        // The other direction: a handle whose key is above the heap's (B was made
        // after A), for a fast-path type and a slow-path one.
        let pairOfB = try b.register(.object("Pair", references: 2))
        let finalOfB = try b.register(.object("Final", references: 0, words: 1, destructor: { _ in destroyed += 1 }))
        for handle in [pairOfB, finalOfB] {
            #expect(throws: HeapError.self) { _ = try a.allocate(handle) }
        }
        #expect(a.verify() == [])
        b.collect()
        #expect(b.statistics.destructorsRun == 0 && destroyed == 0)
        #expect(b.oldGenerationBytes == 0 && b.verify() == [])
    }

    /// A released heap's handles keep failing on the heaps made after it, even
    /// one whose state lands at the released heap's addresses (handle keys
    /// are handed out in turn, HandleKeys.swift).
    @Test func aReleasedHeapsHandlesFailOnTheNextHeaps() throws {
        var pair: ObjectType?
        var items: ArrayType?
        do {
            let gone = try Heap(configuration: Configs.small)
            pair = try gone.register(.object("Pair", references: 2))
            items = try gone.registerArray(.array("Items", of: .references))
        }
        for _ in 0..<8 {
            let next = try Heap(configuration: Configs.small)
            _ = try next.register(.object("Pair", references: 2))
            _ = try next.registerArray(.array("Items", of: .references))
            #expect(!next.owns(pair!) && !next.owns(items!))
            #expect(throws: HeapError.self) { _ = try next.allocate(pair!) }
            #expect(throws: HeapError.self) { _ = try next.allocateArray(items!, count: 4) }
        }
    }

    /// Keys come back when heaps are released: many more heaps than keys, made in turn.
    @Test func handleKeysComeBackWhenHeapsAreReleased() throws {
        for _ in 0..<3 {
            var keys: [UInt] = []
            for _ in 0..<HandleKeys.capacity / 2 { keys.append(try #require(HandleKeys.acquire())) }
            #expect(Set(keys).count == keys.count && keys.allSatisfy { $0 % HandleKeys.unit == 0 && $0 < 1 << 63 })
            for key in keys { HandleKeys.release(key) }
        }
    }

    /// `CompiledCodeInterface.allocate` takes raw numbers: each one is checked.
    @Test func compiledCodeAllocationChecksSizeAndCount() throws {
        let heap = try Heap(configuration: Configs.small)
        let refs = try heap.registerArray(.array("Refs", of: .references))
        let pair = try heap.register(.object("Pair", references: 2))
        let interface = heap.compiledCodeInterface
        let context = interface.context
        let cases: [(UInt32, Int, Int, String)] = [
            (refs.id, 16, 1000, "with 1000 items is 8016 bytes"),   // a 16-byte cell claiming 1000 items
            (refs.id, 17, 0, "given size 17"),                       // misaligns the nursery
            (refs.id, 8, 0, "given size 8"),
            (refs.id, 24, -1, "array type"),
            (pair.id, 17, -1, "fixed-size type of 24 bytes"),
            (pair.id, 24, 3, "count 3"),
            (999, 16, -1, "not registered"),
        ]
        for (id, size, count, expected) in cases {
            #expect(interface.allocate(context, id, size, count) == 0, "allocate(\(id), \(size), \(count)) was accepted")
            let error = heap.takeCompiledCodeError()
            guard case .invalidArgument(let text)? = error else {
                Issue.record("allocate(\(id), \(size), \(count)): \(String(describing: error))")
                continue
            }
            #expect(text.contains(expected), "\(text)")
        }
        // The right figures still work, and the heap is whole.
        #expect(interface.allocate(context, refs.id, refs.instanceSize(count: 3), 3) != 0)
        #expect(interface.allocate(context, pair.id, Int(pair.size), -1) != 0)
        #expect(heap.verify() == [])
        heap.collect()
        #expect(heap.verify() == [])
    }
}
