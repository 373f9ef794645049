// Destructors ("light finalizers"): each runs exactly once, when its object
// dies, wherever the object lived — nursery, young large, old small page,
// old large object — and never for an object that is still reachable; the
// ones left when the heap goes away run at its teardown, once each.
// A destructor that allocates gets `allocationDuringCollection`, which it
// can catch, and the heap stays usable.
//
// Objects are stamped with an id in a raw word; the destructor reads it and
// counts calls per id, so a double call or a call on the wrong (moved,
// reused) memory shows up as a count of 2 or an unknown id.
import Testing
@testable import Tenure

/// Types with destructors that log to a `DestructorLog`, in one heap.
struct FinalizedTypes {
    /// 1 reference, then the id word.
    let small: ObjectType
    /// Bigger than the small-object limit (an old large object once promoted).
    let medium: ObjectType
    /// Bigger than the young-large limit (allocated as a young large object).
    let big: ObjectType
    /// Array of raw words; item 0 holds the id.
    let words: ArrayType
    static let idOffset = ObjectLayout.fieldOffset(1)

    init(_ heap: Heap, log: DestructorLog) throws {
        let c = heap.configuration
        let record: Destructor = { object in log.record(object.load(at: FinalizedTypes.idOffset, as: UInt64.self)) }
        small = try heap.register(.object("Fin", size: 24, referenceOffsets: [8], destructor: record))
        let mediumSize = max(c.smallObjectLimit + 8, 32)
        medium = try heap.register(.object("FinMedium", size: mediumSize, referenceOffsets: [8], destructor: record))
        big = try heap.register(.object("FinBig", size: c.youngLargeObjectLimit + 64, referenceOffsets: [8], destructor: record))
        words = try heap.registerArray(.array("FinWords", of: .raw(itemSize: 8), destructor: { object in
            log.record(object.items.load(as: UInt64.self))
        }))
    }

    func allocate(_ heap: Heap, kind: Int, id: UInt64) throws(HeapError) -> ObjectRef {
        switch kind {
        case 0, 1, 2:
            let o = try heap.allocate([small, medium, big][kind])
            o.store(id, at: FinalizedTypes.idOffset)
            return o
        default:
            let a = try heap.allocateArray(words, count: 3 + Int(id % 5))
            a.items.storeBytes(of: id, as: UInt64.self)
            return a
        }
    }
}

@Suite struct DestructorTests {
    /// Dies young: in the nursery, or as a young large object.
    @Test(arguments: Configs.all.map(\.1))
    func youngObjectsDieInTheMinorCollection(configuration: HeapConfiguration) throws {
        let log = DestructorLog()
        let heap = try Heap(configuration: configuration)
        let fin = try FinalizedTypes(heap, log: log)
        var id: UInt64 = 0
        for kind in 0..<4 {
            heap.collectMinor()
            let start = id
            let count = configuration.debugLevel >= 2 ? 3 : 20
            for _ in 0..<count {
                id += 1
                _ = try fin.allocate(heap, kind: kind, id: id)
            }
            heap.collectMinor()
            for i in start + 1...id { #expect(log.count(i) == 1, "kind \(kind), id \(i)") }
            heap.collect()
            for i in start + 1...id { #expect(log.count(i) == 1) }
        }
        #expect(log.calls == Int(id))
        #expect(heap.statistics.destructorsRun == Int(id))
    }

    /// Dies old: promoted first (small page or large space), then dropped and found by a major collection.
    @Test(arguments: Configs.all.map(\.1))
    func oldObjectsDieInTheMajorCollection(configuration: HeapConfiguration) throws {
        let log = DestructorLog()
        let heap = try Heap(configuration: configuration)
        let fin = try FinalizedTypes(heap, log: log)
        let perKind = 10
        try heap.withRoots(4 * perKind) { frame in
            for kind in 0..<4 {
                for i in 0..<perKind {
                    frame[kind * perKind + i] = try fin.allocate(heap, kind: kind, id: UInt64(kind * perKind + i + 1))
                }
            }
            heap.collectMinor()
            heap.collect()
            heap.collectMinor()
            #expect(log.calls == 0, "a destructor ran for a live object")
            for k in 0..<(4 * perKind) { #expect(!heap.isYoung(frame[k]!)) }
            // Drop the odd ones.
            for k in stride(from: 1, to: 4 * perKind, by: 2) { frame[k] = nil }
            heap.collectMinor()
            #expect(log.calls == 0, "old objects must wait for a major collection")
            heap.collect()
            for k in 0..<(4 * perKind) { #expect(log.count(UInt64(k + 1)) == k % 2) }
            heap.collect()
            for k in 0..<(4 * perKind) { #expect(log.count(UInt64(k + 1)) == k % 2) }
        }
        heap.collect()
        for k in 0..<(4 * perKind) { #expect(log.count(UInt64(k + 1)) == 1) }
        #expect(log.calls == 4 * perKind)
    }

    /// Live objects through many collections: no destructor call.
    @Test func neverForLiveObjects() throws {
        let log = DestructorLog()
        let heap = try Heap(configuration: .stress)
        let fin = try FinalizedTypes(heap, log: log)
        let types = try CommonTypes(heap)
        try heap.withRoots(8) { frame in
            for k in 0..<8 { frame[k] = try fin.allocate(heap, kind: k % 4, id: UInt64(k + 1)) }
            for round in 0..<50 {
                for i in 0..<20 { _ = try heap.node(types, id: i) }
                if round % 10 == 0 { heap.collect() }
            }
            #expect(log.calls == 0)
        }
    }

    /// Whatever is left when the heap goes away is destroyed once: young, old,
    /// small, large, live or already unreachable.
    @Test(arguments: Configs.all.map(\.1))
    func remainingObjectsAreDestroyedAtTeardown(configuration: HeapConfiguration) throws {
        let log = DestructorLog()
        var ids: [UInt64] = []
        do {
            let heap = try Heap(configuration: configuration)
            let fin = try FinalizedTypes(heap, log: log)
            var id: UInt64 = 100
            // Old and reachable, old and unreachable.
            let mark = heap.rootMark
            for kind in 0..<4 {
                for _ in 0..<2 {
                    id += 1
                    ids.append(id)
                    heap.pushRoot(try fin.allocate(heap, kind: kind, id: id))
                }
            }
            heap.collectMinor()
            heap.popRoots(1)
            // Young and reachable, young and unreachable.
            heap.collectMinor()
            for kind in 0..<4 {
                id += 1
                ids.append(id)
                heap.pushRoot(try fin.allocate(heap, kind: kind, id: id))
                if configuration.debugLevel < 2 {
                    id += 1
                    ids.append(id)
                    _ = try fin.allocate(heap, kind: kind, id: id)
                }
            }
            #expect(log.calls == 0)
            heap.popRoots(to: mark)
            _ = heap
        }
        for i in ids { #expect(log.count(i) == 1, "id \(i)") }
        #expect(log.calls == ids.count)
    }

    /// Each of the four deaths with a destructor that tries to allocate.
    @Test(arguments: Configs.all.map(\.1))
    func allocationInADestructorThrows(configuration: HeapConfiguration) throws {
        final class Probe {
            weak var heap: Heap?
            var node: ObjectType?
            var array: ArrayType?
            var errors: [any Error] = []
            var successes = 0
            var calls = 0
        }
        let probe = Probe()
        let destructor: Destructor = { _ in
            probe.calls += 1
            guard let heap = probe.heap else { return }
            do {
                _ = try heap.allocate(probe.node!)
                probe.successes += 1
            } catch { probe.errors.append(error) }
            do {
                _ = try heap.allocateArray(probe.array!, count: 2)
                probe.successes += 1
            } catch { probe.errors.append(error) }
            do {
                _ = try heap.makeWeakReference(to: nil)
                probe.successes += 1
            } catch { probe.errors.append(error) }
        }
        let heap = try Heap(configuration: configuration)
        probe.heap = heap
        let types = try CommonTypes(heap)
        probe.node = types.node
        probe.array = types.references
        let c = configuration
        let small = try heap.register(.object("S", size: 24, destructor: destructor))
        let large = try heap.register(.object("L", size: max(c.smallObjectLimit + 8, 32), destructor: destructor))
        let big = try heap.register(.object("B", size: c.youngLargeObjectLimit + 8, destructor: destructor))
        // Young in the nursery, young large.
        heap.collectMinor()
        _ = try heap.allocate(small)
        _ = try heap.allocate(big)
        heap.collectMinor()
        // Old small, old large.
        try heap.withRoots(2) { frame in
            frame[0] = try heap.allocate(small)
            frame[1] = try heap.allocate(large)
            heap.collectMinor()
        }
        heap.collect()
        #expect(probe.calls == 4)
        #expect(probe.successes == 0, "an allocation inside a destructor succeeded")
        #expect(probe.errors.count == 12)
        #expect(probe.errors.allSatisfy { ($0 as? HeapError) == .allocationDuringCollection })
        #expect(heap.verify() == [])
        // The heap still works.
        let n = try heap.node(types, id: 77)
        #expect(n.nodeID == 77)
        let kept = heap.pushRoot(try heap.node(types, id: 78))
        heap.collect()
        #expect(kept.object.nodeID == 78)
        heap.popRoots()
    }

    /// A destructor may read the dying object's raw fields and its references
    /// (which may be dead too); reading them must not crash or see another object's data.
    @Test func destructorsSeeTheDyingObjectsData() throws {
        final class Seen { var pairs: [(UInt64, UInt64)] = [] }
        let seen = Seen()
        let heap = try Heap(configuration: .stress)
        let pair = try heap.register(.object("Pair", size: 32, referenceOffsets: [8], destructor: { o in
            seen.pairs.append((o.load(at: 16, as: UInt64.self), o.load(at: 24, as: UInt64.self)))
        }))
        for i in 0..<200 {
            let p = try heap.allocate(pair)
            p.store(UInt64(i), at: 16)
            p.store(UInt64(i) &* 0x9E37_79B9, at: 24)
        }
        heap.collect()
        #expect(seen.pairs.count == 200)
        #expect(seen.pairs.allSatisfy { $0.1 == $0.0 &* 0x9E37_79B9 })
        #expect(Set(seen.pairs.map(\.0)).count == 200)
    }
}
