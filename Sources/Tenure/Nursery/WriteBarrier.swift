// The write barrier: how the collector learns of old-to-young references.
//
// A minor collection traces only roots and the old objects recorded here, so
// every store of a reference into an object goes through `storeReference` or
// `storeItem`. Old objects carry `trackYoungPointers`; the first store into
// one takes the out-of-line slow path, which records the object and clears
// the flag, so later stores into it cost one test. Like PyPy's, the barrier
// never looks at the value stored: an incremental marker can rely on that.
//
// Large arrays of references have a card table instead: the slow path marks
// the card of the item written and keeps the flag, and a minor collection
// scans only the dirty cards.

extension Heap {
    /// Stores `value` into the reference field at byte `offset` of `object`.
    @inlinable @inline(__always)
    public func storeReference(_ value: ObjectRef?, into object: ObjectRef, at offset: Int) {
        object.raw.storeBytes(of: value, toByteOffset: offset, as: ObjectRef?.self)
        writeBarrier(after: object)
    }

    /// The barrier alone, after a reference store into memory `object` owns
    /// outside its fields (its reference table).
    @inlinable @inline(__always)
    func writeBarrier(after object: ObjectRef) {
        if _slowPath(object.header & HeaderFlags.trackYoungPointers != 0) {
            rememberSlowly(object)
        }
    }

    /// Stores `value` as item `index` of `array`, an array of references.
    /// The index is checked in debug builds of the caller only: bounds are the runtime's to enforce.
    @inlinable @inline(__always)
    public func storeItem(_ value: ObjectRef?, into array: ObjectRef, at index: Int) {
        assert(index >= 0 && index < array.count, "Tenure: storeItem index \(index) out of range 0..<\(array.count)")
        array.raw.storeBytes(of: value, toByteOffset: ObjectLayout.arrayItemsOffset + index &* 8, as: ObjectRef?.self)
        if _slowPath(array.header & HeaderFlags.trackYoungPointers != 0) {
            rememberItemSlowly(array, index: index)
        }
    }

    @usableFromInline @inline(never)
    func rememberSlowly(_ object: ObjectRef) {
        state.pointee.remember(object)
    }

    @usableFromInline @inline(never)
    func rememberItemSlowly(_ array: ObjectRef, index: Int) {
        state.pointee.rememberItem(array, index: index)
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
        object.header &= ~HeaderFlags.trackYoungPointers
        oldObjectsToTrace.push(object)
    }

    mutating func rememberItem(_ array: ObjectRef, index: Int) {
        guard array.header & HeaderFlags.hasCards != 0 else {
            remember(array)
            return
        }
        LargeObjectSpace.cards(of: array)[index / configuration.cardSize] = 1
        markCardsSet(array)
    }

    private mutating func markCardsSet(_ array: ObjectRef) {
        if array.header & HeaderFlags.cardsSet == 0 {
            array.header |= HeaderFlags.cardsSet
            arraysWithDirtyCards.push(array)
        }
    }
}
