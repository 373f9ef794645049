// Allocation with initial values: an object whose first reference fields are
// given at once.
//
// Every constructor of a runtime allocates an object and then stores its
// fields, and the values it stores were computed before the allocation. With
// `allocate(_:)` each of them must sit in a root across the allocation (it
// may collect and move them) and be read back: the commonest place for a
// runtime to break the rule that a reference not in a root is invalid after
// an allocation (the SOM VM's makers of blocks and contexts did this at every
// allocation; docs/som.md). These overloads take the values and keep them
// rooted themselves on the slow path, so the caller passes what it holds.
//
// The fast path is `allocate(_:)`'s bump plus one store per value: no root
// push, no barrier (a new nursery object is young, so storing into it needs
// none). The values go into words 1, 2, 3 (`ObjectLayout.fieldOffset(0...2)`),
// which must be reference fields of the type: checked mode checks that, as it
// checks every store; a type with fewer words than values is refused in any
// mode (its size is in the handle: the fast path compares it, the slow path
// throws naming it). The other words are zero, as with `allocate(_:)`.
// `allocateArray(_:count:with:_:)` does the same for the first two items of
// an array of references (a runtime's frame or context: outer and receiver).

extension Heap {
    /// Allocates an instance of `type` whose first field holds `first`, the rest zero.
    /// `first` needs no root: it is kept across a collection the allocation runs.
    @inlinable @inline(__always)
    public func allocate(_ type: ObjectType, with first: ObjectRef?) throws(HeapError) -> ObjectRef {
        // Every object has a word after its header (16 bytes at least): no size check.
        if let object = bump(type) {
            object.raw.storeBytes(of: first, toByteOffset: ObjectLayout.fieldOffset(0), as: ObjectRef?.self)
            return object
        }
        return try allocateSlowly(type, with: first, nil, nil, count: 1)
    }

    /// Allocates an instance of `type` whose first two fields hold `first` and
    /// `second`, the rest zero. The values need no roots.
    @inlinable @inline(__always)
    public func allocate(_ type: ObjectType, with first: ObjectRef?, _ second: ObjectRef?) throws(HeapError) -> ObjectRef {
        if type.size >= 24, let object = bump(type) {
            object.raw.storeBytes(of: first, toByteOffset: ObjectLayout.fieldOffset(0), as: ObjectRef?.self)
            object.raw.storeBytes(of: second, toByteOffset: ObjectLayout.fieldOffset(1), as: ObjectRef?.self)
            return object
        }
        return try allocateSlowly(type, with: first, second, nil, count: 2)
    }

    /// Allocates an instance of `type` whose first three fields hold the values,
    /// the rest zero. The values need no roots.
    @inlinable @inline(__always)
    public func allocate(_ type: ObjectType, with first: ObjectRef?, _ second: ObjectRef?,
                         _ third: ObjectRef?) throws(HeapError) -> ObjectRef {
        if type.size >= 32, let object = bump(type) {
            object.raw.storeBytes(of: first, toByteOffset: ObjectLayout.fieldOffset(0), as: ObjectRef?.self)
            object.raw.storeBytes(of: second, toByteOffset: ObjectLayout.fieldOffset(1), as: ObjectRef?.self)
            object.raw.storeBytes(of: third, toByteOffset: ObjectLayout.fieldOffset(2), as: ObjectRef?.self)
            return object
        }
        return try allocateSlowly(type, with: first, second, third, count: 3)
    }

    /// Allocates an array of `count` references whose first two items hold `first`
    /// and `second`, the rest nil. The values need no roots; `count` must be at least 2.
    @inlinable @inline(__always)
    public func allocateArray(_ type: ArrayType, count: Int, with first: ObjectRef?,
                              _ second: ObjectRef?) throws(HeapError) -> ObjectRef {
        if count >= 2 && type.itemsAreReferences, let array = bump(type, count: count) {
            array.raw.storeBytes(of: first, toByteOffset: ObjectLayout.arrayItemsOffset, as: ObjectRef?.self)
            array.raw.storeBytes(of: second, toByteOffset: ObjectLayout.arrayItemsOffset + 8, as: ObjectRef?.self)
            return array
        }
        return try allocateArraySlowly(type, count: count, with: first, second)
    }

    /// "'Name' " for a type id of this heap's handle, "" for another heap's (its id means nothing here).
    private func quotedName(_ id: UInt32, owned: Bool) -> String {
        owned ? typeName(id).map { "'\($0)' " } ?? "" : ""
    }

    /// The slow path of the initializing array allocation.
    @usableFromInline @inline(never)
    func allocateArraySlowly(_ type: ArrayType, count: Int, with first: ObjectRef?,
                             _ second: ObjectRef?) throws(HeapError) -> ObjectRef {
        guard type.itemsAreReferences, count >= 2 else {
            throw .invalidArgument(
                "allocateArray(_:count:with:_:): array type \(quotedName(type.id, owned: owns(type)))(id \(type.id)) with \(count) items\(type.itemsAreReferences ? "" : " of raw items"); accepted: an array of references with at least 2 items")
        }
        return try withRoots(2) { roots throws(HeapError) in
            roots[0] = first
            roots[1] = second
            let array = try allocateArray(type, count: count)
            storeItem(roots[0], into: array, at: 0)
            storeItem(roots[1], into: array, at: 1)
            return array
        }
    }

    /// The slow path of the initializing allocations: the values rooted across
    /// `allocate(_:)`, then stored with the barrier (and checked mode's checks).
    @usableFromInline @inline(never)
    func allocateSlowly(_ type: ObjectType, with first: ObjectRef?, _ second: ObjectRef?, _ third: ObjectRef?,
                        count: Int) throws(HeapError) -> ObjectRef {
        let needed = ObjectLayout.fieldOffset(count)
        guard Int(type.size) >= needed else {
            throw .invalidArgument(
                "allocate(_:with:): type \(quotedName(type.id, owned: owns(type)))(id \(type.id)) is \(type.size) bytes, too small for \(count) initial values; accepted: types of at least \(needed) bytes (a header word and one word per value)")
        }
        return try withRoots(3) { roots throws(HeapError) in
            roots[0] = first
            roots[1] = second
            roots[2] = third
            let object = try allocate(type)
            for i in 0..<count { storeReference(roots[i], into: object, at: ObjectLayout.fieldOffset(i)) }
            return object
        }
    }
}
