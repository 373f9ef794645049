// The store loops that goal (b) compares: Tenure's write barrier against a plain store.
//
// `BarrierFixture` sets up the two cases the barrier's fast path covers:
// young objects (the barrier's header test finds no flag) and old objects
// already remembered (the first store took the slow path and cleared the
// flag, so later stores cost one test). Nothing is allocated once the
// fixture is built, so no collection moves the objects while the loops run.
@_spi(CompiledCode) import Tenure

/// Objects to store into: young ones, old remembered ones, and two young values to store.
public final class BarrierFixture {
    /// The heap; it must not allocate while the kernels run.
    public let heap: Heap
    /// Young objects (in the nursery).
    public let young: UnsafeMutableBufferPointer<ObjectRef>
    /// Old objects that already hold a young reference and are remembered.
    public let old: UnsafeMutableBufferPointer<ObjectRef>
    /// The two references the loops store, alternately.
    public let values: (ObjectRef, ObjectRef)

    /// Builds `count` young and `count` old objects (default: 1024 of each, 24 KiB: L1-resident).
    public init(count: Int = 1024) {
        let (heap, pair) = AllocationKernels.makeHeap()
        self.heap = heap
        young = .allocate(capacity: count)
        old = .allocate(capacity: count)
        do {
            // Old objects: allocate, keep in roots, promote with a minor collection.
            let mark = heap.rootMark
            var roots: [Root] = []
            for _ in 0..<count { roots.append(heap.pushRoot(try heap.allocate(pair))) }
            heap.collectMinor()
            for i in 0..<count {
                old[i] = roots[i].object
                precondition(!heap.isYoung(old[i]), "BarrierFixture: object \(i) was not promoted")
            }
            // Young objects and the values, allocated after the collection.
            for i in 0..<count { young[i] = try heap.allocate(pair) }
            values = (try heap.allocate(pair), try heap.allocate(pair))
            // The first store into each old object takes the slow path and remembers it.
            for object in old { heap.storeReference(values.0, into: object, at: ObjectLayout.fieldOffset(0)) }
            for object in old {
                precondition(object.header & HeaderFlags.trackYoungPointers == 0,
                             "BarrierFixture: an old object is not remembered after a store")
            }
            // The roots stay pushed: the fixture's heap is never collected again.
            _ = mark
        } catch {
            fatalError("BarrierFixture: \(error)")
        }
    }

    deinit {
        young.deallocate()
        old.deallocate()
    }
}

/// The measured store loops. Each does `rounds` passes over `objects`, storing
/// `values.0` on even passes and `values.1` on odd ones into the first field.
public enum BarrierKernels {
    /// Stores through `Heap.storeReference` (the write barrier).
    @inline(never)
    public static func barrier(heap: Heap, objects: UnsafeMutableBufferPointer<ObjectRef>,
                               values: (ObjectRef, ObjectRef), rounds: Int) {
        let offset = ObjectLayout.fieldOffset(0)
        for round in 0..<rounds {
            let value = round & 1 == 0 ? values.0 : values.1
            for object in objects { heap.storeReference(value, into: object, at: offset) }
        }
    }

    /// The baseline: the same stores without a barrier.
    @inline(never)
    public static func plain(objects: UnsafeMutableBufferPointer<ObjectRef>,
                             values: (ObjectRef, ObjectRef), rounds: Int) {
        let offset = ObjectLayout.fieldOffset(0)
        for round in 0..<rounds {
            let value: ObjectRef? = round & 1 == 0 ? values.0 : values.1
            for object in objects { object.raw.storeBytes(of: value, toByteOffset: offset, as: ObjectRef?.self) }
        }
    }
}
