// The loops behind the identity-hash figures: `Heap.identityHash(of:)` on
// each kind of object, and what hashing costs a minor collection.
//
// The hash has three paths (Sources/Tenure/Layout/IdentityHash.swift): an
// old object's hash is its address's; a young object's mixes in the number
// of minor collections and sets the `hashed` header flag the first time;
// a hashed young object that a minor collection copied keeps its hash in a
// word past its fields (`hashMoved`), read through its type's size.
// `IdentityHashFixture` holds a set of each, small enough to stay in L1, in
// a heap that allocates nothing once it is built, so no collection moves
// them while the loops run. The baseline loop reads each object's header
// word, the one load every path starts with.
//
// `HashedSurvivors` measures the other side: a rooted reference array of
// young objects, filled anew before each collection, that a minor collection
// copies out whole, either after nothing hashed them or after every one was
// hashed (each copy then takes one word more and gets the hash stored). The
// first hash of each fresh object, and a second one, are timed on the way.
//
// As in the other kernels, the loops are `@inline(never)` and in a module of
// their own, so `identityHash(of:)` is reached across a module boundary, as
// a runtime built on Tenure reaches it; each returns a checksum.
import Tenure

/// Old, young and moved objects to hash, in a heap that is never collected once built.
public final class IdentityHashFixture {
    /// The heap; it must not allocate while the kernels run.
    public let heap: Heap
    /// Objects promoted by a minor collection before anything hashed them: their hash is their address's.
    public let old: UnsafeMutableBufferPointer<ObjectRef>
    /// Objects in the nursery, hashed once already (the `hashed` flag is set).
    public let young: UnsafeMutableBufferPointer<ObjectRef>
    /// Objects hashed while young, then copied by a minor collection (`hashMoved`: one word bigger).
    public let moved: UnsafeMutableBufferPointer<ObjectRef>

    /// Builds `count` objects of each kind (default: 1024 of each, 24 KiB of old or young ones: L1-resident).
    public init(count: Int = 1024) {
        let (heap, pair) = AllocationKernels.makeHeap()
        self.heap = heap
        old = .allocate(capacity: count)
        young = .allocate(capacity: count)
        moved = .allocate(capacity: count)
        do {
            // The old and moved sets are held by two rooted arrays while a minor collection promotes them.
            let arrays = try heap.registerArray(.array("HashFixtureSlots", of: .references))
            let oldSlots = heap.pushRoot(try heap.allocateArray(arrays, count: count))
            let movedSlots = heap.pushRoot(try heap.allocateArray(arrays, count: count))
            for i in 0..<count {
                heap.storeItem(try heap.allocate(pair), into: oldSlots.object, at: i)
                heap.storeItem(try heap.allocate(pair), into: movedSlots.object, at: i)
            }
            var hashesWhileYoung: [Int] = []
            for i in 0..<count { hashesWhileYoung.append(heap.identityHash(of: movedSlots.object.loadItem(i)!)) }
            heap.collectMinor()
            for i in 0..<count {
                old[i] = oldSlots.object.loadItem(i)!
                moved[i] = movedSlots.object.loadItem(i)!
                precondition(!heap.isYoung(old[i]) && !heap.isYoung(moved[i]), "IdentityHashFixture: object \(i) was not promoted")
                precondition(heap.size(of: old[i]) == AllocationKernels.objectSize,
                             "IdentityHashFixture: an object nobody hashed grew when copied")
                precondition(heap.size(of: moved[i]) == AllocationKernels.objectSize + 8,
                             "IdentityHashFixture: a hashed object's copy is not one word bigger")
                precondition(heap.identityHash(of: moved[i]) == hashesWhileYoung[i],
                             "IdentityHashFixture: a hash changed when its object moved")
            }
            // Young objects, allocated after the collection and hashed once.
            for i in 0..<count {
                young[i] = try heap.allocate(pair)
                _ = heap.identityHash(of: young[i])
            }
            // The roots stay pushed: the fixture's heap is never collected again.
        } catch {
            fatalError("IdentityHashFixture: \(error)")
        }
    }

    deinit {
        old.deallocate()
        young.deallocate()
        moved.deallocate()
    }
}

/// A rooted array of young 24-byte objects, filled anew before each minor collection.
public final class HashedSurvivors {
    /// The heap, default configuration; its minor collections copy the array's objects out.
    public let heap: Heap
    public let pair: ObjectType
    /// A promoted reference array of `count` slots (a large object with a card table).
    public let slots: Root
    /// The same objects as the array, valid from `fill` to the next collection.
    public let objects: UnsafeMutableBufferPointer<ObjectRef>
    public let count: Int

    /// `count` objects at once must fit in the nursery with room to spare (the default: 100,000, 2.3 MiB of 4 MiB).
    public init(count: Int = 100_000) {
        let (heap, pair) = AllocationKernels.makeHeap()
        precondition(count * AllocationKernels.objectSize < HeapConfiguration().nurserySize * 3 / 4,
                     "HashedSurvivors: \(count) objects do not fit in the nursery")
        self.heap = heap
        self.pair = pair
        self.count = count
        objects = .allocate(capacity: count)
        do {
            let type = try heap.registerArray(.array("HashedSurvivorSlots", of: .references))
            slots = heap.pushRoot(try heap.allocateArray(type, count: count))
            heap.collectMinor()
            precondition(!heap.isYoung(slots.object), "HashedSurvivors: the array was not promoted")
        } catch {
            fatalError("HashedSurvivors: \(error)")
        }
    }

    deinit { objects.deallocate() }

    /// Runs a major collection (which frees the objects of the fill before last and leaves
    /// the nursery empty), then allocates `count` objects, each stored into the array
    /// (through the write barrier, dropping the one stored there before) and into `objects`.
    /// Nothing collects while it allocates: the nursery holds them all.
    @inline(never)
    public func fill() {
        heap.collect()
        let before = heap.statistics.minorCollections
        for i in 0..<count {
            do {
                let object = try heap.allocate(pair)
                heap.storeItem(object, into: slots.object, at: i)
                objects[i] = object
            } catch {
                fatalError("HashedSurvivors: allocation failed: \(error)")
            }
        }
        precondition(heap.statistics.minorCollections == before, "HashedSurvivors: the nursery filled during fill()")
    }
}

/// The measured loops. Each does `rounds` passes over `objects`.
public enum IdentityHashKernels {
    /// `identityHash(of:)` of every object, `rounds` times.
    @inline(never)
    public static func hash(heap: Heap, objects: UnsafeMutableBufferPointer<ObjectRef>, rounds: Int) -> Int {
        var checksum = 0
        for _ in 0..<rounds {
            for object in objects { checksum &+= heap.identityHash(of: object) }
        }
        return checksum
    }

    /// The baseline: a read of every object's header word, `rounds` times.
    @inline(never)
    public static func readHeaders(objects: UnsafeMutableBufferPointer<ObjectRef>, rounds: Int) -> UInt64 {
        var checksum: UInt64 = 0
        for _ in 0..<rounds {
            for object in objects { checksum &+= object.header }
        }
        return checksum
    }
}
