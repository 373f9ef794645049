// The GC flags in the high 32 bits of the header word.
//
// One header word holds both the type id (low 32 bits) and these flags, so
// an object carries no vtable word and no separate mark word.
//
// The flags that send a reference store to the barrier's slow path share
// one byte (byte 4 of the header): `trackYoungPointers` (an old object that
// may not point to a young one unrecorded), `weakReference` (an object whose
// reference word the collector does not trace, so no store may go there) and
// `checkedStores` (every object of a heap in checked mode). Compiled code
// tests that byte with one instruction (`CompiledCodeInterface.barrierFlagMask`),
// and the Swift barrier with one `test`, whatever the reason for the slow path.
//
// `referenceItems` is a flag of the type, written by allocation with the type
// id: `storeItem` checks it with the barrier flags in one test (an item store
// into anything but an array of references is refused), at no cost to the
// allocation, which stores the whole header word from the type handle.
//
// The collection-time flags (`visited`, `forwarded`, `reachedYoung`) live in
// byte 5, clear between collections.

/// GC flag bits of the header word. The type stays public because the
/// inlined fast paths name its `@usableFromInline` flags (an SPI type may
/// not appear in `@inlinable` code); its one public flag is SPI.
public enum HeaderFlags {
    /// Set on old objects that hold no reference to a young object not yet
    /// recorded: a store into such an object takes the barrier's slow path.
    /// SPI (`@_spi(CompiledCode)`): compiled code tests it, benchmarks check it.
    @_spi(CompiledCode) public static let trackYoungPointers: UInt64 = 1 << 32
    /// A weak reference object: its word 1 is not a traced reference slot, so
    /// `storeReference` into it is refused (the slow path stops the process).
    @usableFromInline static let weakReference: UInt64 = 1 << 33
    /// Every object of a heap in checked mode: each reference store takes the
    /// slow path, which checks the offset and the value.
    @usableFromInline static let checkedStores: UInt64 = 1 << 34
    /// A large array of references with a card table in front of its header.
    static let hasCards: UInt64 = 1 << 35
    /// At least one card is dirty; the array is in the dirty-card list.
    static let cardsSet: UInt64 = 1 << 36
    /// Both: a carded array already queued, whose item stores only mark a card (inline).
    @usableFromInline static let cardsQueued: UInt64 = hasCards | cardsSet
    /// An array whose items are references (a flag of the type, set by allocation).
    @usableFromInline static let referenceItems: UInt64 = 1 << 37

    /// Reached by the current major collection's marking.
    static let visited: UInt64 = 1 << 40
    /// A nursery object that was copied out; word 1 holds the new address.
    static let forwarded: UInt64 = 1 << 41
    /// Lives in the large-object space (its own allocation).
    static let large: UInt64 = 1 << 42
    /// A large object allocated since the last minor collection.
    static let youngLarge: UInt64 = 1 << 43
    /// A young large object reached by the current minor collection.
    static let reachedYoung: UInt64 = 1 << 44

    /// Flags that send `storeReference` (and compiled code's barrier) to the slow path.
    @usableFromInline static let storeSlowPath: UInt64 = trackYoungPointers | weakReference | checkedStores
    /// Flags `storeItem` tests in one go, after flipping `referenceItems`: any of
    /// them set (or `referenceItems` clear) takes the slow path.
    @usableFromInline static let itemStoreSlowPath: UInt64 = storeSlowPath | referenceItems
    /// Flags that belong to the type and are stored by allocation with the type id.
    static let typeFlags: UInt64 = weakReference | checkedStores | referenceItems

    static let typeMask: UInt64 = 0xFFFF_FFFF
}
