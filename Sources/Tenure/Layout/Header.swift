// The GC flags in the high 32 bits of the header word.
//
// One header word holds both the type id (low 32 bits) and these flags, so
// an object carries no vtable word and no separate mark word. The write
// barrier tests one bit (`trackYoungPointers`); the marker sets one bit
// (`visited`); a moved nursery object has `forwarded` and its new address in
// word 1.

/// GC flag bits of the header word.
public enum HeaderFlags {
    /// Set on old objects that hold no reference to a young object not yet
    /// recorded: a store into such an object takes the barrier's slow path.
    public static let trackYoungPointers: UInt64 = 1 << 32
    /// Reached by the current major collection's marking.
    static let visited: UInt64 = 1 << 33
    /// A large array of references with a card table in front of its header.
    static let hasCards: UInt64 = 1 << 34
    /// At least one card is dirty; the array is in the dirty-card list.
    static let cardsSet: UInt64 = 1 << 35
    /// Both: a carded array already queued, whose item stores only mark a card (inline).
    @usableFromInline static let cardsQueued: UInt64 = hasCards | cardsSet
    /// A nursery object that was copied out; word 1 holds the new address.
    static let forwarded: UInt64 = 1 << 36
    /// Lives in the large-object space (its own allocation).
    static let large: UInt64 = 1 << 37
    /// A large object allocated since the last minor collection.
    static let youngLarge: UInt64 = 1 << 38
    /// A young large object reached by the current minor collection.
    static let reachedYoung: UInt64 = 1 << 39

    static let typeMask: UInt64 = 0xFFFF_FFFF
}
