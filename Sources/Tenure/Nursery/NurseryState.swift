// The heap's hot state: what the inlined fast paths read and write.
//
// Allocation, the write barrier and root pushes are inlined into the
// runtime's code. They reach this struct through an `UnsafeMutablePointer`
// held in a `let` of the heap, so an allocation compiles to a load of the
// bump pointer, an add, a compare with the limit and a store: no ARC, no
// exclusivity check (measured: a class stored property would cost 7-23 ns).

/// The state that the inlined fast paths use. Not for direct use by runtimes.
@frozen
public struct HeapFastState {
    /// Next free byte of the nursery.
    public var nurseryFree: UnsafeMutableRawPointer
    /// End of the usable nursery; set to `nurseryFree` while a collection runs
    /// so that every allocation takes the slow path (which refuses it).
    public var nurseryTop: UnsafeMutableRawPointer
    /// Start and size of the nursery, for "is this object young?".
    public var nurseryStart: UInt
    public var nurserySize: UInt
    /// Next free slot of the shadow stack, its first slot and the end of its reservation.
    public var shadowTop: UnsafeMutablePointer<ObjectRef?>
    public var shadowBase: UnsafeMutablePointer<ObjectRef?>
    public var shadowLimit: UnsafeMutablePointer<ObjectRef?>
    /// The type table (for `vtable(of:)`).
    @usableFromInline var typeTable: UnsafeMutablePointer<TypeInfo>
    /// log2 of the card size: an item's card is its index shifted right by this.
    @usableFromInline var cardShift: Int

    @usableFromInline
    init(nurseryStart: UnsafeMutableRawPointer, nurserySize: Int,
         shadowStack: UnsafeMutablePointer<ObjectRef?>, shadowCapacity: Int,
         typeTable: UnsafeMutablePointer<TypeInfo>, cardSize: Int) {
        nurseryFree = nurseryStart
        nurseryTop = nurseryStart + nurserySize
        self.nurseryStart = UInt(bitPattern: nurseryStart)
        self.nurserySize = UInt(nurserySize)
        shadowTop = shadowStack
        shadowBase = shadowStack
        shadowLimit = shadowStack + shadowCapacity
        self.typeTable = typeTable
        cardShift = cardSize.trailingZeroBitCount
    }

    /// Whether `object` is in the nursery.
    @inlinable @inline(__always)
    public func isInNursery(_ object: ObjectRef) -> Bool {
        object.address &- nurseryStart < nurserySize
    }
}
