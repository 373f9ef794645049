// Allocation: fixed objects, arrays of references and raw arrays of every
// interesting length (0, 1, around the small-object and young-large limits,
// big), bad counts, objects above `youngLargeObjectLimit` (young large objects:
// freed by the next minor collection if unreached, kept and promoted if
// reached), and fields read back after minor and major collections.
//
// Every boundary is tried under each configuration, since the limits move:
// in `.stress` an array of 7 references is already a young large object.
import Testing
@testable import Tenure

@Suite struct AllocationTests {
    @Test(arguments: Configs.all.map(\.1))
    func fixedObjectsAreZeroedAndKeepTheirFields(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        let count = configuration.debugLevel >= 2 ? 600 : 3000  // the verifier runs at every minor collection
        let list = heap.pushRoot(nil)
        defer { heap.popRoots() }
        for i in 0..<count {
            let n = try heap.allocate(types.node)
            #expect(n.typeID == types.node.id)
            #expect(n.loadReference(at: CommonTypes.nodeLeft) == nil)
            #expect(n.loadReference(at: CommonTypes.nodeRight) == nil)
            #expect(n.load(at: CommonTypes.nodeID, as: Int.self) == 0)
            #expect(n.load(at: CommonTypes.nodePayload, as: Int.self) == 0)
            #expect(heap.size(of: n) == 40)
            n.store(i, at: CommonTypes.nodeID)
            n.store(Double(i) * 0.5, at: CommonTypes.nodePayload)
            heap.storeReference(list.value, into: n, at: CommonTypes.nodeLeft)
            list.value = n
            if i % 7 == 0 { _ = try heap.allocate(types.leaf) }  // garbage
        }
        func check() {
            var expected = count - 1
            var cursor = list.value
            while let n = cursor {
                #expect(n.nodeID == expected)
                #expect(n.load(at: CommonTypes.nodePayload, as: Double.self) == Double(expected) * 0.5)
                #expect(n.loadReference(at: CommonTypes.nodeRight) == nil)
                expected -= 1
                cursor = n.loadReference(at: CommonTypes.nodeLeft)
            }
            #expect(expected == -1)
        }
        check()
        heap.collectMinor()
        check()
        heap.collect()
        check()
        heap.collect()
        check()
        #expect(heap.verify() == [])
    }

    /// Array lengths around every limit of `configuration`.
    static func interestingCounts(_ c: HeapConfiguration, itemSize: Int) -> [Int] {
        var counts: Set<Int> = [0, 1, 2, 3, 7, 8, 9]
        for limit in [c.smallObjectLimit, c.youngLargeObjectLimit, LargeObjectSpace.mapThreshold] {
            let items = (limit - ObjectLayout.arrayItemsOffset) / itemSize
            for d in -1...1 where items + d >= 0 { counts.insert(items + d) }
        }
        for cards in [1, 2, 3] {
            counts.insert(cards * c.cardSize)
            counts.insert(cards * c.cardSize + 1)
        }
        counts.insert(300_000 / itemSize)
        return counts.sorted()
    }

    @Test(arguments: Configs.all.map(\.1))
    func referenceArraysOfEveryLength(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        let counts = Self.interestingCounts(configuration, itemSize: 8)
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        var roots: [Root] = []
        for (k, count) in counts.enumerated() {
            let root = heap.pushRoot(try heap.allocateArray(types.references, count: count))
            roots.append(root)
            #expect(root.object.count == count)
            #expect(heap.size(of: root.object) == 16 + 8 * count)
            for i in 0..<count { #expect(root.object.loadItem(i) == nil) }
            // Items 0, the middle and the last refer to fresh nodes.
            for i in Set([0, count / 2, count - 1]) where i >= 0 && count > 0 {
                let n = try heap.node(types, id: k * 1_000_000 + i)
                heap.storeItem(n, into: root.object, at: i)
            }
        }
        func check() {
            for (k, count) in counts.enumerated() {
                let a = roots[k].object
                #expect(a.count == count)
                #expect(a.typeID == types.references.id)
                let filled = Set([0, count / 2, count - 1])
                for i in 0..<count {
                    if filled.contains(i) {
                        #expect(a.loadItem(i)?.nodeID == k * 1_000_000 + i)
                    } else {
                        #expect(a.loadItem(i) == nil)
                    }
                }
            }
        }
        check()
        heap.collectMinor()
        check()
        heap.collect()
        check()
        #expect(heap.verify() == [])
    }

    @Test(arguments: Configs.all.map(\.1), [1, 2, 4, 8])
    func rawArraysOfEveryLength(configuration: HeapConfiguration, itemSize: Int) throws {
        let heap = try Heap(configuration: configuration)
        let raw = try heap.registerArray(.array("Raw\(itemSize)", of: .raw(itemSize: itemSize)))
        let counts = Self.interestingCounts(configuration, itemSize: itemSize)
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        var roots: [Root] = []
        for (k, count) in counts.enumerated() {
            let a = try heap.allocateArray(raw, count: count)
            #expect(a.count == count)
            #expect(heap.size(of: a) == (16 + count * itemSize + 7) & ~7)
            let bytes = a.items.assumingMemoryBound(to: UInt8.self)
            var nonZero = 0
            for i in 0..<count * itemSize {
                if bytes[i] != 0 { nonZero += 1 }
                bytes[i] = UInt8(truncatingIfNeeded: i &* 7 &+ k)
            }
            #expect(nonZero == 0, "a new array of \(count) items has \(nonZero) non-zero bytes")
            roots.append(heap.pushRoot(a))
        }
        func check() {
            for (k, count) in counts.enumerated() {
                let a = roots[k].object
                #expect(a.count == count)
                let bytes = a.items.assumingMemoryBound(to: UInt8.self)
                var bad = 0
                for i in 0..<count * itemSize where bytes[i] != UInt8(truncatingIfNeeded: i &* 7 &+ k) { bad += 1 }
                #expect(bad == 0, "array \(k) of \(count) items has \(bad) wrong bytes")
            }
        }
        heap.collectMinor()
        check()
        heap.collect()
        check()
        #expect(heap.verify() == [])
    }

    @Test(arguments: [-1, -2, Int.min, Int.min + 1, Int.max, Int.max >> 1])
    func badArrayCountsAreRefused(count: Int) throws {
        let heap = try Heap(configuration: Configs.small)
        let types = try CommonTypes(heap)
        for type in [types.references, types.bytes, types.words] {
            #expect {
                _ = try heap.allocateArray(type, count: count)
            } throws: { error in
                guard case HeapError.invalidArgument(let text) = error else { return false }
                return text.contains("count \(count)")
            }
        }
        #expect(heap.verify() == [])
        // The heap still works.
        let a = try heap.allocateArray(types.references, count: 3)
        #expect(a.count == 3)
    }

    /// A count the registry accepts but no machine can hold: an error, not a crash.
    @Test func impossiblyLargeArraysFailCleanly() throws {
        let heap = try Heap(configuration: Configs.small)
        let types = try CommonTypes(heap)
        let count = (Int.max >> 4) >> 3
        #expect(throws: HeapError.self) { _ = try heap.allocateArray(types.references, count: count) }
        #expect(throws: HeapError.self) { _ = try heap.allocateArray(types.bytes, count: 1 << 50) }
        #expect(heap.verify() == [])
        let n = try heap.node(types, id: 1)
        #expect(n.nodeID == 1)
    }

    @Test func unregisteredTypesAreRefused() throws {
        let heap = try Heap(configuration: Configs.small)
        let other = try Heap(configuration: Configs.small)
        for _ in 0..<20 { _ = try other.register(.object("X", references: 1)) }
        let foreign = try other.register(.object("Foreign", size: 8 * 1000))  // slow path: too big for the nursery
        #expect {
            _ = try heap.allocate(foreign)
        } throws: { error in
            guard case HeapError.invalidArgument(let text) = error else { return false }
            return text.contains("another heap")
        }
    }

    /// Young large objects: allocated outside the nursery, freed by the next
    /// minor collection when nothing refers to them, kept (and then old) when
    /// something does.
    @Test(arguments: Configs.all.map(\.1))
    func youngLargeObjects(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        let count = configuration.youngLargeObjectLimit / 8 + 10
        let bigFixed = try heap.register(.object("BigFixed", size: configuration.youngLargeObjectLimit + 64,
                                                 referenceOffsets: [8, configuration.youngLargeObjectLimit + 48]))
        #expect(bigFixed.allocatesSlowly)
        let before = heap.oldGenerationBytes
        let kept = heap.pushRoot(try heap.allocateArray(types.references, count: count))
        let keptFixed = heap.pushRoot(try heap.allocate(bigFixed))
        defer { heap.popRoots(2) }
        #expect(heap.isYoung(kept.object) && heap.isYoung(keptFixed.object))
        let garbage = try heap.allocateArray(types.references, count: count)
        _ = try heap.allocateArray(types.bytes, count: configuration.youngLargeObjectLimit + 1)
        _ = try heap.allocate(bigFixed)
        #expect(heap.isYoung(garbage))
        // Large objects count in the old generation from the start (pacing counts them).
        #expect(heap.oldGenerationBytes >= before + 2 * 8 * count)
        let n = try heap.node(types, id: 42)
        heap.storeItem(n, into: kept.object, at: count - 1)
        let m = try heap.node(types, id: 43)
        heap.storeReference(m, into: keptFixed.object, at: configuration.youngLargeObjectLimit + 48)
        let addresses = (kept.object.address, keptFixed.object.address)
        let largeBefore = heap.statistics.largeObjectBytes

        heap.collectMinor()
        // Not moved, now old, unreached ones freed.
        #expect(kept.object.address == addresses.0 && keptFixed.object.address == addresses.1)
        #expect(!heap.isYoung(kept.object) && !heap.isYoung(keptFixed.object))
        #expect(heap.statistics.largeObjectBytes < largeBefore)
        #expect(kept.object.loadItem(count - 1)?.nodeID == 42)
        #expect(keptFixed.object.loadReference(at: configuration.youngLargeObjectLimit + 48)?.nodeID == 43)
        #expect(heap.verify() == [])

        // Old now: a young object stored into it survives through the barrier.
        let p = try heap.node(types, id: 44)
        heap.storeItem(p, into: kept.object, at: 0)
        heap.collectMinor()
        #expect(kept.object.loadItem(0)?.nodeID == 44)
        heap.collect()
        #expect(kept.object.loadItem(0)?.nodeID == 44)
        #expect(kept.object.loadItem(count - 1)?.nodeID == 42)
        #expect(heap.verify() == [])
    }

    @Test func youngLargeObjectsDieWithoutAnyCollectionButTheMinorOne() throws {
        var c = Configs.small
        c.minimumHeapSize = 64 << 20  // no major collection, no collection before a large allocation
        let heap = try Heap(configuration: c)
        let types = try CommonTypes(heap)
        let base = heap.statistics.largeObjectBytes
        for _ in 0..<50 { _ = try heap.allocateArray(types.words, count: 10_000) }
        #expect(heap.statistics.largeObjectBytes >= base + 50 * 80_000)
        heap.collectMinor()
        #expect(heap.statistics.largeObjectBytes == base)
        #expect(heap.oldGenerationBytes == 0)
        #expect(heap.statistics.majorCollections == 0)
        #expect(heap.statistics.minorCollections == 1)
    }

    /// Arrays above the small-object limit but small enough for the nursery are
    /// promoted into the large-object space with a card table.
    @Test func nurseryArraysPromotedToTheLargeSpace() throws {
        let c = HeapConfiguration()  // small limit 256, young large limit 128 KiB
        let heap = try Heap(configuration: c)
        let types = try CommonTypes(heap)
        let count = 1000
        let a = heap.pushRoot(try heap.allocateArray(types.references, count: count))
        defer { heap.popRoots() }
        #expect(heap.isYoung(a.object))
        for i in stride(from: 0, to: count, by: 3) { heap.storeItem(try heap.node(types, id: i), into: a.object, at: i) }
        heap.collectMinor()
        #expect(!heap.isYoung(a.object))
        #expect(a.object.header & HeaderFlags.large != 0)
        #expect(a.object.header & HeaderFlags.hasCards != 0)
        for i in 0..<count { #expect(a.object.loadItem(i)?.nodeID == (i % 3 == 0 ? i : nil)) }
        #expect(heap.verify() == [])
    }

    /// Where an object goes is decided by its size alone: in the nursery up to
    /// `youngLargeObjectLimit` bytes, a young large object above, for any
    /// limit (multiples of 8 or not) and any item size, whether the fast path
    /// or the slow path (a destructor, a full nursery) allocates it.
    @Test(arguments: [16, 20, 24, 100, 1000, 4100])
    func youngLargeLimitIsExact(limit: Int) throws {
        var c = Configs.small
        c.nurserySize = 8 << 10
        c.youngLargeObjectLimit = limit
        c.minimumHeapSize = 64 << 20
        c.debugLevel = 0
        let heap = try Heap(configuration: c)
        var arrayTypes: [ArrayType] = []
        for itemSize in [1, 2, 4, 8] {
            arrayTypes.append(try heap.registerArray(.array("Raw\(itemSize)", of: .raw(itemSize: itemSize))))
            arrayTypes.append(try heap.registerArray(.array("Fin\(itemSize)", of: .raw(itemSize: itemSize), destructor: { _ in })))
        }
        arrayTypes.append(try heap.registerArray(.array("Refs", of: .references)))
        for type in arrayTypes {
            let maxCount = (limit + 24) >> Int(type.itemShift)
            for count in 0...maxCount {
                let a = try heap.allocateArray(type, count: count)
                let size = type.instanceSize(count: count)
                let inNursery = heap.fast.pointee.isInNursery(a)
                #expect(inNursery == (size <= limit), "\(heap.typeName(a.typeID)!)[\(count)] of \(size) bytes with limit \(limit)")
                #expect(a.count == count && heap.size(of: a) == size && heap.isYoung(a))
            }
        }
        for size in stride(from: 16, through: limit + 24, by: 8) {
            for destructor in [false, true] {
                let t = try heap.register(.object("S\(size)", size: size, destructor: destructor ? { _ in } : nil))
                let o = try heap.allocate(t)
                #expect(heap.fast.pointee.isInNursery(o) == (size <= limit), "object of \(size) bytes with limit \(limit)")
            }
        }
        heap.collectMinor()
        #expect(heap.verify() == [])
    }

    @Test func sizeOfReportsHeaderIncluded() throws {
        let heap = try Heap()
        let t = try heap.register(.object("T", size: 13))
        #expect(heap.size(of: try heap.allocate(t)) == 16)
        let types = try CommonTypes(heap)
        #expect(heap.size(of: try heap.allocateArray(types.bytes, count: 0)) == 16)
        #expect(heap.size(of: try heap.allocateArray(types.bytes, count: 1)) == 24)
        #expect(heap.size(of: try heap.allocateArray(types.bytes, count: 9)) == 32)
        #expect(heap.size(of: try heap.allocate(types.leaf)) == 16)
    }
}
