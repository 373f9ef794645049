// Allocation: the inlined bump-pointer fast path and the slow path behind it.
//
// The fast path is a bump of the nursery pointer checked against its limit,
// inlined into the runtime's code: the nursery is zeroed after each minor
// collection, so a new object needs only its header stored. Everything else
// takes the out-of-line slow path: a full nursery (a minor collection, maybe
// a major one), objects too big for the nursery (young large objects), types
// with destructors or weak references (registered in a list), and
// allocation during a collection (refused: `nurseryTop` is pulled down to
// `nurseryFree` while a collection runs, so the fast path always fails then).

extension Heap {
    /// Allocates a zeroed instance of a fixed-size type.
    ///
    /// Any allocation may run a collection: references not held in roots are
    /// invalid afterwards.
    @inlinable @inline(__always)
    public func allocate(_ type: ObjectType) throws(HeapError) -> ObjectRef {
        let free = fast.pointee.nurseryFree
        let next = free + type.fastPathSize
        if _fastPath(next <= fast.pointee.nurseryTop) {
            fast.pointee.nurseryFree = next
            free.storeBytes(of: UInt64(type.id), as: UInt64.self)
            return ObjectRef(free)
        }
        return try allocateSlowly(typeID: type.id, size: Int(type.size), count: -1)
    }

    /// Allocates a zeroed array of `count` items.
    @inlinable @inline(__always)
    public func allocateArray(_ type: ArrayType, count: Int) throws(HeapError) -> ObjectRef {
        if _fastPath(UInt(bitPattern: count) < type.fastPathCountBound) {
            let size = type.instanceSize(count: count)
            let free = fast.pointee.nurseryFree
            let next = free + size
            if _fastPath(next <= fast.pointee.nurseryTop) {
                fast.pointee.nurseryFree = next
                free.storeBytes(of: UInt64(type.id), as: UInt64.self)
                free.storeBytes(of: count, toByteOffset: ObjectLayout.arrayCountOffset, as: Int.self)
                return ObjectRef(free)
            }
        }
        guard count >= 0 && count <= (Int.max >> 4) >> Int(type.itemShift) else {
            throw .invalidArgument("allocateArray: count \(count) is out of range; accepted: 0 to \((Int.max >> 4) >> Int(type.itemShift))")
        }
        return try allocateSlowly(typeID: type.id, size: type.instanceSize(count: count), count: count)
    }

    /// Allocates a weak reference to `target` (nil: an already cleared one).
    /// Its target is read with `weakTarget(of:)`; the collector clears it when
    /// the target dies and updates it when the target moves.
    public func makeWeakReference(to target: ObjectRef?) throws(HeapError) -> ObjectRef {
        let root = pushRoot(target)
        defer { popRoots(to: RootMark(top: root.slot)) }
        let weak = try allocateSlowly(typeID: state.pointee.weakReferenceType,
                                      size: ObjectLayout.minimumObjectSize, count: -1)
        weak.store(root.value, at: 8)
        return weak
    }

    /// The target of a weak reference, or nil once it has died.
    @inlinable @inline(__always)
    public func weakTarget(of weakReference: ObjectRef) -> ObjectRef? {
        weakReference.loadReference(at: 8)
    }

    /// The slow path of every allocation; `count` is -1 for fixed-size objects.
    @usableFromInline @inline(never)
    func allocateSlowly(typeID: UInt32, size: Int, count: Int) throws(HeapError) -> ObjectRef {
        try state.pointee.allocateSlowly(typeID: typeID, size: size, count: count)
    }
}

extension HeapState {
    mutating func allocateSlowly(typeID: UInt32, size: Int, count: Int) throws(HeapError) -> ObjectRef {
        if isCollecting { throw .allocationDuringCollection }
        guard types.isRegistered(typeID) else {
            throw .invalidArgument("type id \(typeID) is not registered with this heap")
        }
        let info = types[typeID]
        let isArray = info.kind == .referenceArray || info.kind == .rawArray
        guard isArray == (count >= 0), isArray || Int(info.size) == size else {
            throw .invalidArgument("type id \(typeID) of this heap is \(types.names[Int(typeID)]), which does not match the handle: type handles belong to the heap that registered them")
        }
        let object: ObjectRef
        if size > configuration.youngLargeObjectLimit {
            object = try allocateYoungLarge(info: info, size: size, count: count)
        } else {
            if fast.pointee.nurseryFree + size > nurseryStart + nurserySize {
                try collectForAllocation(extra: 0, requested: size)
            }
            zeroNursery(through: fast.pointee.nurseryFree + size)
            let free = fast.pointee.nurseryFree
            fast.pointee.nurseryFree = free + size
            object = ObjectRef(free)
        }
        object.header = UInt64(typeID) | (object.header & ~HeaderFlags.typeMask)
        if count >= 0 { object.store(count, at: ObjectLayout.arrayCountOffset) }
        if isInNursery(object) {
            if info.hasDestructor { youngObjectsWithDestructors.push(object) }
        }
        if info.kind == .weakReference { youngWeakReferences.push(object) }
        return object
    }

    /// A young object outside the nursery: freed at the next minor collection if unreached.
    private mutating func allocateYoungLarge(info: TypeInfo, size: Int, count: Int) throws(HeapError) -> ObjectRef {
        if pacing.isReached(used: oldBytes, extra: size) {
            try collectForAllocation(extra: size, requested: size)
        }
        let cards = LargeObjectSpace.cardCount(for: info, items: count, cardSize: configuration.cardSize)
        guard let object = large.allocate(size: size, cards: cards) else {
            throw .outOfMemory(requested: size)
        }
        object.header = HeaderFlags.youngLarge | HeaderFlags.large | (cards > 0 ? HeaderFlags.hasCards : 0)
        large.young.push(object)
        return object
    }

    /// Makes room for an allocation: a minor collection, a major one if the
    /// threshold is reached, and the maximum-heap check after it.
    /// `extra` bytes go straight to the old generation; `requested` is the allocation's size.
    mutating func collectForAllocation(extra: Int, requested: Int) throws(HeapError) {
        minorCollection()
        if pacing.isReached(used: oldBytes, extra: extra) {
            majorCollection()
            if pacing.exceedsMaximum(used: oldBytes, extra: extra) {
                throw .heapLimitExceeded(requested: requested, used: oldBytes, limit: pacing.maximumHeapSize ?? 0)
            }
        }
    }
}
