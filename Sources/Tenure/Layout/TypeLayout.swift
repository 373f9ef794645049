// Type layouts: how a runtime describes the shape of its objects.
//
// A runtime registers one layout per type: a fixed-size object with
// reference fields at given offsets (and optionally a reference table, for a
// JIT's constants), an array of references or of raw items, with an
// optional destructor and the runtime's vtable. The heap validates the
// layout once, at registration, so the collector's loops never check it.

/// What the collector calls when an object of a type dies ("light finalizer").
///
/// It runs inside a collection: it may read the object's raw fields and free
/// memory the object owns, but it must not allocate, store references or keep
/// the object. References read from the object may point to dead objects.
public typealias Destructor = (ObjectRef) -> Void

/// The shape of a type's instances, given when it is registered.
public struct TypeLayout {
    /// What the items of an array type are.
    public enum Items: Equatable, Sendable {
        /// Items are references (`ObjectRef?`, 8 bytes) that the collector traces.
        case references
        /// Items are raw data of 1, 2, 4 or 8 bytes that the collector never reads.
        case raw(itemSize: Int)
    }

    enum Shape {
        case fixed(size: Int, referenceOffsets: [Int], referenceTableOffset: Int?)
        case array(Items)
        case weakReference
    }

    /// A name for diagnostics.
    public var name: String
    let shape: Shape
    /// The runtime's vtable (or class record) for instances; `Heap.vtable(of:)` returns it.
    public var vtable: UnsafeRawPointer?
    /// Run when an instance dies; see `Destructor`.
    public var destructor: Destructor?

    /// A fixed-size type: `size` bytes including the 8-byte header, with
    /// references at the given byte offsets (multiples of 8, at least 8).
    ///
    /// `referenceTableOffset` names a raw word field that holds a pointer to a
    /// `ReferenceTable` (or 0): the table's slots are traced and updated as if
    /// they were fields of the object. A JIT keeps the GC constants of a code
    /// blob there, at an address the machine code can embed.
    public static func object(
        _ name: String, size: Int, referenceOffsets: [Int] = [], referenceTableOffset: Int? = nil,
        vtable: UnsafeRawPointer? = nil, destructor: Destructor? = nil
    ) -> TypeLayout {
        TypeLayout(name: name, shape: .fixed(size: size, referenceOffsets: referenceOffsets,
                                             referenceTableOffset: referenceTableOffset),
                   vtable: vtable, destructor: destructor)
    }

    /// A fixed-size type with `references` reference fields followed by `words`
    /// raw 8-byte words (field offsets from `ObjectLayout.fieldOffset`); with
    /// `referenceTableWord`, that raw word (0-based among the words) points to
    /// a `ReferenceTable` traced with the object.
    public static func object(
        _ name: String, references: Int, words: Int = 0, referenceTableWord: Int? = nil,
        vtable: UnsafeRawPointer? = nil, destructor: Destructor? = nil
    ) -> TypeLayout {
        .object(name, size: 8 * (1 + references + words),
                referenceOffsets: (0..<references).map(ObjectLayout.fieldOffset),
                referenceTableOffset: referenceTableWord.map { ObjectLayout.fieldOffset(references + $0) },
                vtable: vtable, destructor: destructor)
    }

    /// An array type: a header, an item count at offset 8, items from offset 16.
    public static func array(
        _ name: String, of items: Items,
        vtable: UnsafeRawPointer? = nil, destructor: Destructor? = nil
    ) -> TypeLayout {
        TypeLayout(name: name, shape: .array(items), vtable: vtable, destructor: destructor)
    }

    static var weakReference: TypeLayout {
        TypeLayout(name: "WeakReference", shape: .weakReference, vtable: nil, destructor: nil)
    }
}

