// Allocation: the inlined bump-pointer fast path and the slow path behind it.
//
// The fast path is a bump of the nursery pointer checked against its limit,
// inlined into the runtime's code: the nursery is zeroed ahead of
// allocation, so a new object needs only its header word stored (taken whole
// from the type handle). It also checks that the handle belongs to this heap
// (a register compare). Everything else takes the out-of-line slow path: a
// full nursery (a minor collection, maybe a major one), objects too big for
// the nursery (young large objects), types with destructors or weak
// references (registered in a list), checked mode, a closed fast path (see
// below), and refusals: a foreign handle, allocation inside a collection.
//
// The fast path is closed (`nurseryTop` pulled down to `nurseryFree`, so that
// every allocation fails its one compare) while a collection runs, while the
// old generation is over the maximum heap size, and while the emergency
// memory reserve is spent (MemoryReserve.swift). The slow path decides what
// to do in each case (AllocationLimits.swift).

extension Heap {
    /// Allocates a zeroed instance of a fixed-size type.
    ///
    /// Any allocation may run a collection: references not held in roots are
    /// invalid afterwards. Throws `HeapError.heapLimitExceeded` over the maximum
    /// heap size, `outOfMemory` when the system refuses memory, and
    /// `invalidArgument` for a handle of another heap.
    @inlinable @inline(__always)
    public func allocate(_ type: ObjectType) throws(HeapError) -> ObjectRef {
        if let object = bump(type) { return object }
        return try allocateSlowly(header: type.header, sizeWord: type.sizeWord)
    }

    /// Allocates a zeroed array of `count` items.
    @inlinable @inline(__always)
    public func allocateArray(_ type: ArrayType, count: Int) throws(HeapError) -> ObjectRef {
        if let array = bump(type, count: count) { return array }
        return try allocateArraySlowly(type, count: count)
    }

    /// The fast path of every fixed-size allocation: the bump and the header
    /// store, or nil for the slow path (no room, a slow type, another heap's handle).
    @inlinable @inline(__always)
    func bump(_ type: ObjectType) -> ObjectRef? {
        let free = fast.pointee.nurseryFree
        let word = type.sizeWord
        guard _fastPath(fast.pointee.keyedTop &- (UInt(bitPattern: free) &+ word) < ObjectType.keyedRoomBound) else {
            return nil
        }
        fast.pointee.nurseryFree = free + Int(bitPattern: word & ObjectType.sizeMask)
        free.storeBytes(of: type.header, as: UInt64.self)
        return ObjectRef(free)
    }

    /// The fast path of every array allocation: the bump, the header and the
    /// count, or nil for the slow path.
    @inlinable @inline(__always)
    func bump(_ type: ArrayType, count: Int) -> ObjectRef? {
        guard _fastPath(UInt(bitPattern: count) | (type.key ^ fast.pointee.handleKey) < type.fastPathCountBound) else {
            return nil
        }
        let size = type.instanceSize(count: count)
        let free = fast.pointee.nurseryFree
        let next = free + size
        guard _fastPath(next <= fast.pointee.nurseryTop) else { return nil }
        fast.pointee.nurseryFree = next
        free.storeBytes(of: type.header, as: UInt64.self)
        free.storeBytes(of: count, toByteOffset: ObjectLayout.arrayCountOffset, as: Int.self)
        return ObjectRef(free)
    }

    /// Allocates a weak reference to `target` (nil: an already cleared one).
    /// Its target is read with `weakTarget(of:)`; the collector clears it when
    /// the target dies and updates it when the target moves. Nothing may be
    /// stored into a weak reference (`storeReference` stops the process).
    public func makeWeakReference(to target: ObjectRef?) throws(HeapError) -> ObjectRef {
        defer { deliverCollectionEvents() }
        return try withRoot(target) { root throws(HeapError) in
            let weak = try state.pointee.allocate(typeID: state.pointee.weakReferenceType,
                                                  size: ObjectLayout.minimumObjectSize, count: -1)
            weak.raw.storeBytes(of: root.value, toByteOffset: ObjectLayout.weakTargetOffset, as: ObjectRef?.self)
            return weak
        }
    }

    /// The target of a weak reference, or nil once it has died.
    @inlinable @inline(__always)
    public func weakTarget(of weakReference: ObjectRef) -> ObjectRef? {
        weakReference.loadReference(at: ObjectLayout.weakTargetOffset)
    }

    /// The slow path of `allocate`.
    @usableFromInline @inline(never)
    /// It takes the two words the fast path had in registers (the type id is
    /// in the header, the size in the type table), so that the caller's loop
    /// keeps nothing else of the handle alive.
    func allocateSlowly(header: UInt64, sizeWord: UInt) throws(HeapError) -> ObjectRef {
        let id = UInt32(truncatingIfNeeded: header & HeaderFlags.typeMask)
        guard HandleKeys.matches(sizeWord, fast.pointee.handleKey) else { throw foreignHandle(id: id, isArray: false) }
        defer { deliverCollectionEvents() }
        return try state.pointee.allocate(typeID: id, size: Int(state.pointee.types[id].size), count: -1)
    }

    /// The slow path of `allocateArray`.
    @usableFromInline @inline(never)
    func allocateArraySlowly(_ type: ArrayType, count: Int) throws(HeapError) -> ObjectRef {
        guard type.key == fast.pointee.handleKey else { throw foreignHandle(id: type.id, isArray: true) }
        let largest = (Int.max >> 4) >> Int(type.itemShift)
        guard count >= 0 && count <= largest else {
            throw .invalidArgument("allocateArray: count \(count) is out of range; accepted: 0 to \(largest)")
        }
        defer { deliverCollectionEvents() }
        return try state.pointee.allocate(typeID: type.id, size: type.instanceSize(count: count), count: count)
    }

    private func foreignHandle(id: UInt32, isArray: Bool) -> HeapError {
        let here = state.pointee.types.isRegistered(id) ? "'\(state.pointee.types.names[Int(id)])'" : "no type"
        return .invalidArgument(
            "\(isArray ? "allocateArray" : "allocate"): the type handle (id \(id)) was registered with another heap; type id \(id) of this heap is \(here); accepted: handles this heap's register/registerArray returned")
    }
}

extension HeapState {
    /// Allocates an object of a registered type: `size` bytes (header included),
    /// `count` items for arrays, -1 for fixed-size objects. The arguments are
    /// checked against the type table: compiled code passes them as raw numbers.
    mutating func allocate(typeID: UInt32, size: Int, count: Int) throws(HeapError) -> ObjectRef {
        if phase != .idle { throw .allocationDuringCollection }
        guard types.isRegistered(typeID) else {
            throw .invalidArgument("allocate: type id \(typeID) is not registered with this heap; accepted: 1 to \(types.count - 1)")
        }
        let info = types[typeID]
        try checkAllocation(info: info, typeID: typeID, size: size, count: count)
        try prepareSlowAllocation(requested: size)
        let object: ObjectRef
        if size > configuration.youngLargeObjectLimit {
            object = try allocateYoungLarge(info: info, size: size, count: count)
        } else {
            if fast.pointee.nurseryFree + size > nursery.end {
                try collectForAllocation(requested: size)
            }
            let free = fast.pointee.nurseryFree
            if checked {
                nursery.zeroObject(free, size: size)
            } else {
                nursery.zero(from: free, through: free + size)
            }
            fast.pointee.nurseryFree = free + size
            updateAllocationLimit()
            object = ObjectRef(free)
            if info.hasDestructor { try lists.youngObjectsWithDestructors.pushOrThrow(object) }
        }
        object.setHeader(headerWord(typeID: typeID) | (object.header & ~(HeaderFlags.typeMask | HeaderFlags.typeFlags)))
        if count >= 0 { object.store(count, at: ObjectLayout.arrayCountOffset) }
        if info.kind == .weakReference { try lists.youngWeakReferences.pushOrThrow(object) }
        return object
    }

    /// Refuses a size or count that does not match the type (the slow path is
    /// the only check compiled code's allocations get).
    private mutating func checkAllocation(info: TypeInfo, typeID: UInt32, size: Int, count: Int) throws(HeapError) {
        var name: String { types.names[Int(typeID)] }
        switch info.kind {
        case .fixed, .weakReference:
            guard count == -1, size == Int(info.size) else {
                throw .invalidArgument("allocate: '\(name)' (type id \(typeID)) is a fixed-size type of \(info.size) bytes, given size \(size) and count \(count); accepted: size \(info.size) and count -1")
            }
        case .referenceArray, .rawArray:
            let largest = (Int.max >> 4) >> Int(info.itemShift)
            guard count >= 0, count <= largest else {
                throw .invalidArgument("allocate: '\(name)' (type id \(typeID)) is an array type, given count \(count); accepted: 0 to \(largest) items")
            }
            let expected = info.instanceSize(count: count)
            guard size == expected else {
                throw .invalidArgument("allocate: '\(name)' (type id \(typeID)) with \(count) items is \(expected) bytes, given size \(size); accepted: \(expected)")
            }
        }
    }

    /// A young object outside the nursery: freed at the next minor collection if unreached.
    private mutating func allocateYoungLarge(info: TypeInfo, size: Int, count: Int) throws(HeapError) -> ObjectRef {
        let cards = LargeObjectSpace.cardCount(for: info, items: count, cardSize: configuration.cardSize)
        let block = LargeObjectSpace.blockBytes(size: size, cards: cards)
        try makeRoomInOldGeneration(for: block, requested: size)
        let object: ObjectRef
        do { object = try large.allocate(size: size, cards: cards) } catch {
            throw .outOfMemory(requested: block, errno: error.errno)
        }
        object.setHeader(HeaderFlags.youngLarge | HeaderFlags.large | (cards > 0 ? HeaderFlags.hasCards : 0))
        do throws(HeapError) {
            try large.young.pushOrThrow(object)
        } catch {
            large.free(object)
            throw error
        }
        return object
    }
}
