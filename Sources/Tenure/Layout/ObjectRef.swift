// A reference to a heap object: the address of its header word.
//
// Objects are raw memory, never Swift classes. An `ObjectRef` is one pointer
// wide and `ObjectRef?` is too (nil is address zero), so a pointer field of an
// object stores exactly an `ObjectRef?`. Reading fields needs no barrier;
// storing a reference into a field goes through `Heap.storeReference` so the
// write barrier sees it. Raw data (integers, doubles, bytes) is stored directly.
//
// Object layout on 64-bit:
//
//     offset 0   header word: low 32 bits type id, high 32 bits GC flags
//     offset 8   fields of a fixed-size object, or
//                the item count of an array, with items from offset 16
//
// A reference is only valid until the next allocation or collection moves
// the object: keep references that must survive in roots (`Heap.pushRoot`,
// `withRoots`, `addGlobalRoot`). `store` takes raw values only: a reference
// passed to it does not compile, since it would skip the write barrier.

/// A reference to an object in a Tenure heap (the address of its header).
@frozen
public struct ObjectRef: Hashable, @unchecked Sendable {
    /// The address of the object's header word.
    public let raw: UnsafeMutableRawPointer

    @inlinable @inline(__always)
    public init(_ raw: UnsafeMutableRawPointer) { self.raw = raw }

    @inlinable @inline(__always)
    init?(address: UInt) {
        guard let p = UnsafeMutableRawPointer(bitPattern: address) else { return nil }
        raw = p
    }

    /// The object's address as an integer.
    @inlinable @inline(__always)
    public var address: UInt { UInt(bitPattern: raw) }

    /// An immediate value: a reference-slot word with any of the low three bits
    /// set, which the collector leaves alone (no object is at an address that is
    /// not 8-byte aligned). A runtime keeps tagged small integers there.
    @inlinable @inline(__always)
    public init(immediate bits: UInt) {
        if _slowPath(bits & ObjectLayout.immediateTagMask == 0) { immediateWithoutTag(bits) }
        raw = UnsafeMutableRawPointer(bitPattern: bits).unsafelyUnwrapped
    }

    /// Whether this word is an immediate value rather than a reference.
    @inlinable @inline(__always)
    public var isImmediate: Bool { address & ObjectLayout.immediateTagMask != 0 }

    /// The header word (type id and GC flags). Only the collector writes it.
    @inlinable @inline(__always)
    public var header: UInt64 {
        get { raw.load(as: UInt64.self) }
    }

    /// Writes the header word (the collector's own use).
    @inline(__always)
    func setHeader(_ value: UInt64) { raw.storeBytes(of: value, as: UInt64.self) }

    /// The object's type id.
    @inlinable @inline(__always)
    public var typeID: UInt32 { UInt32(truncatingIfNeeded: header) }

    // MARK: Reading and writing fields (byte offsets from the header)

    /// Loads the reference stored at `offset`; no barrier is needed to read.
    @inlinable @inline(__always)
    public func loadReference(at offset: Int) -> ObjectRef? {
        raw.load(fromByteOffset: offset, as: ObjectRef?.self)
    }

    /// Loads a raw value (not a reference) stored at `offset`.
    @inlinable @inline(__always)
    public func load<T: BitwiseCopyable>(at offset: Int, as type: T.Type) -> T {
        raw.load(fromByteOffset: offset, as: T.self)
    }

    /// Stores a raw value (never a reference: use `Heap.storeReference`) at `offset`.
    @inlinable @inline(__always)
    public func store<T: RawField>(_ value: T, at offset: Int) {
        raw.storeBytes(of: value, toByteOffset: offset, as: T.self)
    }

    /// A reference store must go through the write barrier.
    @available(*, unavailable, message: "store references with Heap.storeReference(_:into:at:) or storeItem(_:into:at:): the write barrier must see them")
    public func store(_ value: ObjectRef?, at offset: Int) { fatalError() }

    /// A reference store must go through the write barrier.
    @available(*, unavailable, message: "store references with Heap.storeReference(_:into:at:) or storeItem(_:into:at:): the write barrier must see them")
    public func store(_ value: ObjectRef, at offset: Int) { fatalError() }

    // MARK: Arrays

    /// The number of items of an array object.
    @inlinable @inline(__always)
    public var count: Int { raw.load(fromByteOffset: ObjectLayout.arrayCountOffset, as: Int.self) }

    /// The reference stored as item `index` of an array of references.
    @inlinable @inline(__always)
    public func loadItem(_ index: Int) -> ObjectRef? {
        raw.load(fromByteOffset: ObjectLayout.arrayItemsOffset + index &* 8, as: ObjectRef?.self)
    }

    /// The address of the first item of an array (for raw arrays: the bytes).
    @inlinable @inline(__always)
    public var items: UnsafeMutableRawPointer { raw + ObjectLayout.arrayItemsOffset }
}

/// Fixed positions in every object.
public enum ObjectLayout {
    /// Size of the header word.
    public static let headerSize = 8
    /// Every object is at least this big: a moved nursery object keeps its forwarding address in word 1.
    public static let minimumObjectSize = 16
    /// Where an array keeps its item count.
    public static let arrayCountOffset = 8
    /// Where an array's items start.
    public static let arrayItemsOffset = 16
    /// A reference-slot word with any of these bits set is an immediate value, not
    /// a reference: the collector never follows or moves it.
    public static let immediateTagMask: UInt = 7
    /// Where a weak reference keeps its target (not a traced slot).
    public static let weakTargetOffset = 8
    /// Word 1 of a nursery object the minor collection copied out: its new address.
    static let forwardingOffset = 8
    /// Word 1 of a free old-space cell: the next free cell of its page.
    static let freeCellLinkOffset = 8
    /// Before a large object's header: the length of its prefix (cards and these
    /// two words), then the length of its whole block.
    @usableFromInline static let largePrefixLengthOffset = -16
    static let largeBlockLengthOffset = -8
    /// The bytes of those two words: a large object's smallest prefix (no cards).
    static let largePrefixWords = 16
    /// Objects are 8-byte aligned and their sizes are multiples of 8.
    public static let alignment = 8

    /// The byte offset of word field `index` (field 0 is the first word after the header).
    @inlinable @inline(__always)
    public static func fieldOffset(_ index: Int) -> Int { 8 + index &* 8 }
}

/// A value an object's raw (untraced) words may hold: numbers, booleans and
/// pointers outside the heap, never an `ObjectRef`. `ObjectRef.store` takes
/// only these, so a reference store that would skip the write barrier does
/// not compile. A runtime conforms its own plain structs (a tagged integer, a
/// pair of 32-bit fields) when it stores them as raw words.
public protocol RawField: BitwiseCopyable {}

extension Int: RawField {}
extension Int8: RawField {}
extension Int16: RawField {}
extension Int32: RawField {}
extension Int64: RawField {}
extension UInt: RawField {}
extension UInt8: RawField {}
extension UInt16: RawField {}
extension UInt32: RawField {}
extension UInt64: RawField {}
extension Double: RawField {}
extension Float: RawField {}
extension Bool: RawField {}
extension UnsafeRawPointer: RawField {}
extension UnsafeMutableRawPointer: RawField {}
extension OpaquePointer: RawField {}
extension UnsafePointer: RawField {}
extension UnsafeMutablePointer: RawField {}
extension Optional: RawField where Wrapped: RawField {}

@usableFromInline @inline(never)
func immediateWithoutTag(_ bits: UInt) -> Never {
    tenureStop("ObjectRef(immediate: \(bits)): an immediate needs one of its low three bits set (ObjectLayout.immediateTagMask); accepted: tagged values such as n << 1 | 1")
}
