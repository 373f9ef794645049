// The heap's hot state: what the inlined fast paths read and write.
//
// Allocation, the write barrier and root pushes are inlined into the
// runtime's code. They reach this struct through an `UnsafeMutablePointer`
// held in a `let` of the heap, so an allocation compiles to a load of the
// bump pointer, an add, a compare with the limit and a store: no ARC, no
// exclusivity check (measured: a class stored property would cost 7-23 ns).
// Compiled code reaches the same fields through the offsets
// `CompiledCodeInterface` publishes; nothing else may touch them.

/// The state the inlined fast paths use; opaque to runtimes.
@frozen @usableFromInline
struct HeapFastState {
    /// Next free byte of the nursery. Invariant: `nurseryStart <= nurseryFree <= nurseryTop`.
    @usableFromInline var nurseryFree: UnsafeMutableRawPointer
    /// The fast path's limit: the end of the zeroed part of the nursery while the
    /// fast path is open; `nurseryFree` while it is closed (a collection runs, the
    /// old generation is over the maximum, the memory reserve is spent), so that
    /// every allocation takes the slow path.
    @usableFromInline private(set) var nurseryTop: UnsafeMutableRawPointer
    /// `nurseryTop` plus this heap's key (HandleKeys.swift): the limit the
    /// allocation fast path compares with, so that one compare refuses both a
    /// full nursery and another heap's handle. Set with `nurseryTop` only.
    @usableFromInline private(set) var keyedTop: UInt
    /// Start and size in bytes of the nursery, for "is this object young?".
    @usableFromInline var nurseryStart: UInt
    @usableFromInline var nurserySize: UInt
    /// Next free slot of the shadow stack, its first slot and the end of its reservation.
    /// Invariant: `shadowBase <= shadowTop <= shadowLimit`.
    @usableFromInline var shadowTop: UnsafeMutablePointer<ObjectRef?>
    @usableFromInline var shadowBase: UnsafeMutablePointer<ObjectRef?>
    @usableFromInline var shadowLimit: UnsafeMutablePointer<ObjectRef?>
    /// The type table (for `vtable(of:)`).
    @usableFromInline var typeTable: UnsafeMutablePointer<TypeInfo>
    /// log2 of the card size: an item's card is its index shifted right by this.
    @usableFromInline var cardShift: Int
    /// Which part of a collection runs. Here rather than in `HeapState` because
    /// callbacks read it while a collection's method holds `HeapState`.
    @usableFromInline var phase: CollectionPhase = .idle
    /// This heap's key: no other live heap holds it; its type handles carry it
    /// (HandleKeys.swift). Set once, when the heap is made.
    @usableFromInline let handleKey: UInt

    init(nurseryStart: UnsafeMutableRawPointer, nurserySize: Int,
         shadowStack: UnsafeMutablePointer<ObjectRef?>, shadowCapacity: Int,
         typeTable: UnsafeMutablePointer<TypeInfo>, cardSize: Int, handleKey: UInt) {
        nurseryFree = nurseryStart
        nurseryTop = nurseryStart
        keyedTop = UInt(bitPattern: nurseryStart) &+ handleKey
        self.nurseryStart = UInt(bitPattern: nurseryStart)
        self.nurserySize = UInt(nurserySize)
        shadowTop = shadowStack
        shadowBase = shadowStack
        shadowLimit = shadowStack + shadowCapacity
        self.typeTable = typeTable
        cardShift = cardSize.trailingZeroBitCount
        self.handleKey = handleKey
    }

    /// Sets the fast path's limit (and the keyed copy of it).
    @inline(__always)
    mutating func setTop(_ top: UnsafeMutableRawPointer) {
        nurseryTop = top
        keyedTop = UInt(bitPattern: top) &+ handleKey
    }

    /// Whether `object` is in the nursery.
    @inlinable @inline(__always)
    func isInNursery(_ object: ObjectRef) -> Bool {
        object.address &- nurseryStart < nurserySize
    }
}
