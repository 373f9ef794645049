// Type handles: what `register` returns and the allocation fast path reads.
//
// A handle carries everything the inlined fast path needs so that it touches
// no table: the whole header word of a new instance (type id and the type's
// flags), the bytes to bump, and the key of the heap that registered it.
// Type ids are per heap (heap A's id 2 may be heap B's reference array), so a
// handle works only on its own heap: the key, folded into the size, makes a
// foreign handle fail the fast path's one compare (HandleKeys.swift), and the
// slow path refuses it with an error naming both types. Handles are made only
// by `register`/`registerArray`; their initializers are internal.

/// A registered fixed-size type, as the allocation fast path needs it.
@frozen
public struct ObjectType: Hashable, @unchecked Sendable {
    /// The type id stored in each instance's header.
    public let id: UInt32
    /// Instance size in bytes, header included, rounded up to 8 (at least 16).
    public let size: UInt32
    /// The header word of a new instance: the type id and the type's flags.
    /// Compiled code that allocates inline stores exactly this word.
    public let header: UInt64
    /// The registering heap's key (bits 48 and up) with, below it, what the
    /// fast path adds to the bump pointer: `size`, or for types that must take
    /// the slow path (destructor, weak reference, too big for the nursery,
    /// checked mode) `slowPathSize`, a distance no nursery can hold, so that
    /// one compare decides (HandleKeys.swift).
    @usableFromInline let sizeWord: UInt

    static let slowPathSize: UInt = 1 << 46
    /// The bits of `sizeWord` below the key.
    @usableFromInline static let sizeMask: UInt = (1 << 48) - 1
    /// `keyedTop - (free + sizeWord)` is below this exactly when the handle's
    /// key is the heap's and the object fits: with the same key it is the room
    /// left (at most a nursery, far below 2^47; negative, so wrapped to a huge
    /// number, when there is none or the type takes the slow path); with a
    /// key 2^48 or more apart it is at least 2^48 - 2^46 - 2^32 above, or
    /// wraps below zero.
    @usableFromInline static let keyedRoomBound: UInt = 1 << 47

    init(id: UInt32, size: UInt32, header: UInt64, allocatesSlowly: Bool, key: UInt) {
        self.id = id
        self.size = size
        self.header = header
        sizeWord = (allocatesSlowly ? ObjectType.slowPathSize : UInt(size)) | key
    }

    /// Instances are allocated by the slow path (destructor, weak reference, too big for the nursery, checked mode).
    public var allocatesSlowly: Bool { sizeWord & ObjectType.slowPathSize != 0 }
}

/// A registered array type, as the allocation fast path needs it.
@frozen
public struct ArrayType: Hashable, @unchecked Sendable {
    /// The type id stored in each instance's header.
    public let id: UInt32
    /// log2 of the item size.
    public let itemShift: UInt8
    /// Items are references.
    public let itemsAreReferences: Bool
    /// The header word of a new instance: the type id and the type's flags.
    public let header: UInt64
    /// Item counts below this take the fast path: the count that still fits
    /// the young-object limit, plus one; 0 for types that must take the slow
    /// path (a destructor, checked mode), so that one compare decides.
    @usableFromInline let fastPathCountBound: UInt
    /// The registering heap's key (HandleKeys.swift).
    @usableFromInline let key: UInt

    init(id: UInt32, itemShift: UInt8, itemsAreReferences: Bool, header: UInt64, allocatesSlowly: Bool,
         youngObjectLimit: Int, key: UInt) {
        self.id = id
        self.itemShift = itemShift
        self.itemsAreReferences = itemsAreReferences
        self.header = header
        let largestFastCount = ((youngObjectLimit & ~7) - ObjectLayout.arrayItemsOffset) >> Int(itemShift)
        fastPathCountBound = allocatesSlowly ? 0 : UInt(largestFastCount + 1)
        self.key = key
    }

    /// Instances are allocated by the slow path (the type has a destructor, or checked mode).
    public var allocatesSlowly: Bool { fastPathCountBound == 0 }

    /// Bytes of an instance with `count` items (header and count word included).
    @inlinable @inline(__always)
    public func instanceSize(count: Int) -> Int {
        (ObjectLayout.arrayItemsOffset + (count << Int(itemShift)) + 7) & ~7
    }
}
