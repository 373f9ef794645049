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
// scans only the dirty cards. Once such an array is queued for the next minor
// collection (cardsSet), further item stores mark their card inline: a shift
// and a byte store, no call.

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
        let header = array.header
        if _slowPath(header & HeaderFlags.trackYoungPointers != 0) {
            if header & HeaderFlags.cardsQueued == HeaderFlags.cardsQueued {
                // A carded array already queued for the next minor collection: only
                // the card byte is left to mark (card table in the prefix, see LargeObjects).
                let prefix = array.raw.load(fromByteOffset: -16, as: Int.self)
                (array.raw - prefix).storeBytes(of: 1 as UInt8, toByteOffset: index &>> fast.pointee.cardShift, as: UInt8.self)
            } else {
                rememberItemSlowly(array, index: index)
            }
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
        LargeObjectSpace.cards(of: array)[index >> fast.pointee.cardShift] = 1
        markCardsSet(array)
    }

    private mutating func markCardsSet(_ array: ObjectRef) {
        if array.header & HeaderFlags.cardsSet == 0 {
            array.header |= HeaderFlags.cardsSet
            arraysWithDirtyCards.push(array)
        }
    }
}
