// The write barrier: how the collector learns of old-to-young references.
//
// A minor collection traces only roots and the old objects recorded here, so
// every store of a reference into an object goes through `storeReference` or
// `storeItem`. Old objects carry `trackYoungPointers`; the first store into
// one takes the out-of-line slow path, which records the object and clears
// the flag, so later stores into it cost one test. Like PyPy's, the barrier
// never looks at the value stored: an incremental marker can rely on that.
//
// The same test catches the stores that must not happen: into a weak
// reference (its word is not a traced slot: the target would go stale at the
// next minor collection), and every store of a heap in checked mode (the slow
// path checks the offset against the type's reference map and the value).
// The header is read before the store, so a refused store writes nothing.
//
// `storeItem` always checks its index against the array's count and that the
// array holds references (a flag of the type in the header, tested with the
// barrier flags in one instruction): an index out of range would write into a
// neighbour or a large object's prefix, an item in a raw array would never be
// traced. Large arrays of references have a card table instead of the flag:
// the slow path marks the card of the item written and keeps the flag, and a
// minor collection scans only the dirty cards. Once such an array is queued
// for the next minor collection (cardsSet), further item stores mark their
// card inline: a shift and a byte store, no call.

extension Heap {
    /// Stores `value` into the reference field at byte `offset` of `object`.
    @inlinable @inline(__always)
    public func storeReference(_ value: ObjectRef?, into object: ObjectRef, at offset: Int) {
        if _fastPath(object.header & HeaderFlags.storeSlowPath == 0) {
            object.raw.storeBytes(of: value, toByteOffset: offset, as: ObjectRef?.self)
        } else {
            storeReferenceSlowly(value, into: object, at: offset)
        }
    }

    /// The barrier alone, after a reference store into memory `object` owns
    /// outside its fields (its reference table).
    @inlinable @inline(__always)
    func writeBarrier(after object: ObjectRef) {
        if _slowPath(object.header & HeaderFlags.storeSlowPath != 0) {
            rememberSlowly(object)
        }
    }

    /// Stores `value` as item `index` of `array`, an array of references.
    /// Stops the process (with the index and the count) when `index` is out of
    /// range or `array` is not an array of references.
    @inlinable @inline(__always)
    public func storeItem(_ value: ObjectRef?, into array: ObjectRef, at index: Int) {
        let header = array.header
        let inRange = UInt(bitPattern: index) < UInt(bitPattern: array.count)
        if _fastPath((header ^ HeaderFlags.referenceItems) & HeaderFlags.itemStoreSlowPath == 0 && inRange) {
            array.raw.storeBytes(of: value, toByteOffset: ObjectLayout.arrayItemsOffset &+ index &* 8, as: ObjectRef?.self)
            return
        }
        let queuedCardsOnly = HeaderFlags.cardsQueued | HeaderFlags.referenceItems
        if inRange && header & (queuedCardsOnly | HeaderFlags.weakReference | HeaderFlags.checkedStores) == queuedCardsOnly {
            // A carded array already queued for the next minor collection: only
            // the card byte is left to mark (card table in the prefix, see LargeObjects).
            array.raw.storeBytes(of: value, toByteOffset: ObjectLayout.arrayItemsOffset &+ index &* 8, as: ObjectRef?.self)
            let prefix = array.raw.load(fromByteOffset: ObjectLayout.largePrefixLengthOffset, as: Int.self)
            array.raw.storeBytes(of: 1 as UInt8, toByteOffset: (index &>> fast.pointee.cardShift) &- prefix, as: UInt8.self)
            return
        }
        storeItemSlowly(value, into: array, at: index)
    }

    @usableFromInline @inline(never)
    func storeReferenceSlowly(_ value: ObjectRef?, into object: ObjectRef, at offset: Int) {
        state.pointee.checkReferenceStore(value, into: object, at: offset)
        object.raw.storeBytes(of: value, toByteOffset: offset, as: ObjectRef?.self)
        if object.header & HeaderFlags.trackYoungPointers != 0 { state.pointee.remember(object) }
    }

    @usableFromInline @inline(never)
    func storeItemSlowly(_ value: ObjectRef?, into array: ObjectRef, at index: Int) {
        state.pointee.checkItemStore(value, into: array, at: index)
        array.raw.storeBytes(of: value, toByteOffset: ObjectLayout.arrayItemsOffset + index &* 8, as: ObjectRef?.self)
        if array.header & HeaderFlags.trackYoungPointers != 0 { state.pointee.rememberItem(array, index: index) }
    }

    /// The barrier's slow path for a store already made (reference tables, compiled code).
    @usableFromInline @inline(never)
    func rememberSlowly(_ object: ObjectRef) {
        state.pointee.checkStoreTarget(object, operation: "a reference store")
        if object.header & HeaderFlags.trackYoungPointers != 0 { state.pointee.remember(object) }
    }
}

extension HeapState {
    mutating func remember(_ object: ObjectRef) {
        if object.header & HeaderFlags.hasCards != 0 {
            // A field store into a carded array: treat every card as dirty.
            let cards = LargeObjectSpace.cardCount(items: object.count, cardSize: configuration.cardSize)
            LargeObjectSpace.cards(of: object).update(repeating: 1, count: cards)
            markCardsSet(object)
            return
        }
        object.setHeader(object.header & ~HeaderFlags.trackYoungPointers)
        lists.oldObjectsToTrace.push(object)
    }

    mutating func rememberItem(_ array: ObjectRef, index: Int) {
        guard array.header & HeaderFlags.hasCards != 0 else {
            remember(array)
            return
        }
        LargeObjectSpace.cards(of: array)[index >> fast.pointee.cardShift] = 1
        markCardsSet(array)
    }

    private mutating func markCardsSet(_ array: ObjectRef) {
        if array.header & HeaderFlags.cardsSet == 0 {
            array.setHeader(array.header | HeaderFlags.cardsSet)
            lists.arraysWithDirtyCards.push(array)
        }
    }
}
