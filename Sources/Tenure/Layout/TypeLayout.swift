// The type registry: one record per type a runtime registers.
//
// The collector needs to know, for any object, its size and where its
// references are. The header holds only a 32-bit type id; the id indexes a
// flat table of `TypeInfo` records in raw memory, so the tracer reaches a
// type's layout with two loads and no ARC. The record also holds the
// runtime's vtable pointer: `Heap.vtable(of:)` is the header load plus the
// table load, and objects need no vtable word of their own.
//
// Type id 0 is never registered: a free cell in the old space has a zero header.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

/// A registered fixed-size type, as the allocation fast path needs it.
@frozen
public struct ObjectType: Hashable, Sendable {
    /// The type id stored in each instance's header.
    public let id: UInt32
    /// Instance size in bytes, header included, rounded up to 8 (at least 16).
    public let size: UInt32
    /// What the fast path adds to the bump pointer: `size`, or for types that
    /// must take the slow path (destructor, weak reference, too big for the
    /// nursery) a distance no nursery can hold, so that one compare decides.
    @usableFromInline let fastPathSize: Int

    static let slowPathSize = 1 << 46

    init(id: UInt32, size: UInt32, allocatesSlowly: Bool) {
        self.id = id
        self.size = size
        fastPathSize = allocatesSlowly ? ObjectType.slowPathSize : Int(size)
    }

    /// Instances are allocated by the slow path (destructor, weak reference, or too big for the nursery).
    public var allocatesSlowly: Bool { fastPathSize != Int(size) }
}

/// A registered array type, as the allocation fast path needs it.
@frozen
public struct ArrayType: Hashable, Sendable {
    /// The type id stored in each instance's header.
    public let id: UInt32
    /// log2 of the item size.
    public let itemShift: UInt8
    /// Items are references.
    public let itemsAreReferences: Bool
    /// Item counts below this take the fast path: the count that still fits
    /// the young-object limit, plus one; 0 for types that must take the slow
    /// path (a destructor), so that one compare decides.
    @usableFromInline let fastPathCountBound: UInt

    init(id: UInt32, itemShift: UInt8, itemsAreReferences: Bool, allocatesSlowly: Bool, youngObjectLimit: Int) {
        self.id = id
        self.itemShift = itemShift
        self.itemsAreReferences = itemsAreReferences
        let largestFastCount = ((youngObjectLimit & ~7) - ObjectLayout.arrayItemsOffset) >> Int(itemShift)
        fastPathCountBound = allocatesSlowly ? 0 : UInt(largestFastCount + 1)
    }

    /// Instances are allocated by the slow path (the type has a destructor).
    public var allocatesSlowly: Bool { fastPathCountBound == 0 }

    /// Bytes of an instance with `count` items (header and count word included).
    @inlinable @inline(__always)
    public func instanceSize(count: Int) -> Int {
        (ObjectLayout.arrayItemsOffset + (count << Int(itemShift)) + 7) & ~7
    }
}

/// The collector's record of a type, in the raw type table.
@usableFromInline
struct TypeInfo {
    enum Kind: UInt8 { case fixed, referenceArray, rawArray, weakReference }

    var size: UInt32
    var itemShift: UInt8
    var kind: Kind
    var hasDestructor: Bool
    /// Bit i set: word i of the object holds a reference (words 1...63).
    var referenceBitmap: UInt64
    /// References beyond word 63, or a reference table: the tracer's rare case.
    var hasExtraSlots: Bool
    /// Byte offsets of references beyond word 63.
    var extraOffsets: UnsafeMutablePointer<Int32>?
    var extraCount: Int32
    /// Byte offset of the word pointing to a `ReferenceTable`; 0 for none.
    var referenceTableOffset: Int32
    @usableFromInline var vtable: UnsafeRawPointer?
}

/// A misuse of the type registry.
public struct TypeLayoutError: Error, CustomStringConvertible {
    public let description: String
}

/// The table of registered types. Owned by a heap; ids start at 1.
struct TypeTable {
    private(set) var records: UnsafeMutablePointer<TypeInfo>
    private var capacity: Int
    private(set) var count: Int = 1  // id 0 is reserved for free cells
    private(set) var names: [String] = ["<free>"]
    private(set) var destructors: [Destructor?] = [nil]

    init() {
        capacity = 64
        records = UnsafeMutablePointer<TypeInfo>.allocate(capacity: capacity)
        records.initialize(to: TypeInfo(size: 0, itemShift: 0, kind: .fixed, hasDestructor: false,
                                         referenceBitmap: 0, hasExtraSlots: false, extraOffsets: nil, extraCount: 0,
                                         referenceTableOffset: 0, vtable: nil))
    }

    /// Validates and stores a layout; returns its id and record.
    mutating func register(_ layout: TypeLayout) throws(TypeLayoutError) -> (UInt32, TypeInfo) {
        guard count < Int(UInt32.max) else { throw TypeLayoutError(description: "too many types") }
        var info = TypeInfo(size: 0, itemShift: 0, kind: .fixed, hasDestructor: layout.destructor != nil,
                            referenceBitmap: 0, hasExtraSlots: false, extraOffsets: nil, extraCount: 0,
                            referenceTableOffset: 0, vtable: layout.vtable)
        switch layout.shape {
        case .fixed(let size, let offsets, let tableOffset):
            guard size >= ObjectLayout.headerSize, size <= Int(Int32.max) else {
                throw TypeLayoutError(description:
                    "type '\(layout.name)': size \(size) is invalid; accepted: 8 (the header) to \(Int32.max) bytes")
            }
            let rounded = max(ObjectLayout.minimumObjectSize, (size + 7) & ~7)
            info.size = UInt32(rounded)
            var extras: [Int32] = []
            for offset in Set(offsets).sorted() {
                guard offset >= 8, offset % 8 == 0, offset + 8 <= rounded else {
                    throw TypeLayoutError(description:
                        "type '\(layout.name)': reference offset \(offset) is invalid; accepted: multiples of 8 from 8 to \(rounded - 8)")
                }
                if offset / 8 < 64 { info.referenceBitmap |= 1 << UInt64(offset / 8) } else { extras.append(Int32(offset)) }
            }
            if let tableOffset {
                guard tableOffset >= 8, tableOffset % 8 == 0, tableOffset + 8 <= rounded, !offsets.contains(tableOffset) else {
                    throw TypeLayoutError(description:
                        "type '\(layout.name)': reference table offset \(tableOffset) is invalid; accepted: a multiple of 8 from 8 to \(rounded - 8) that is not a reference field")
                }
                info.referenceTableOffset = Int32(tableOffset)
                info.hasExtraSlots = true
            }
            if !extras.isEmpty {
                let buffer = UnsafeMutablePointer<Int32>.allocate(capacity: extras.count)
                buffer.initialize(from: extras, count: extras.count)
                info.extraOffsets = buffer
                info.extraCount = Int32(extras.count)
                info.hasExtraSlots = true
            }
        case .array(let items):
            info.size = UInt32(ObjectLayout.arrayItemsOffset)
            switch items {
            case .references:
                info.kind = .referenceArray
                info.itemShift = 3
            case .raw(let itemSize):
                guard [1, 2, 4, 8].contains(itemSize) else {
                    throw TypeLayoutError(description:
                        "type '\(layout.name)': item size \(itemSize) is invalid; accepted: 1, 2, 4 or 8 bytes")
                }
                info.kind = .rawArray
                info.itemShift = UInt8(itemSize.trailingZeroBitCount)
            }
        case .weakReference:
            info.kind = .weakReference
            info.size = UInt32(ObjectLayout.minimumObjectSize)
        }
        if count == capacity {
            let grown = UnsafeMutablePointer<TypeInfo>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: records, count: count)
            records.deallocate()
            records = grown
            capacity *= 2
        }
        let id = UInt32(count)
        (records + count).initialize(to: info)
        names.append(layout.name)
        destructors.append(layout.destructor)
        count += 1
        return (id, info)
    }

    @inline(__always)
    subscript(id: UInt32) -> TypeInfo { records[Int(id)] }

    func isRegistered(_ id: UInt32) -> Bool { id != 0 && Int(id) < count }

    mutating func release() {
        for i in 0..<count { records[i].extraOffsets?.deallocate() }
        records.deinitialize(count: count)
        records.deallocate()
    }
}

extension TypeInfo {
    /// The size in bytes of `object`, an instance of this type.
    @inline(__always)
    func instanceSize(of object: ObjectRef) -> Int {
        switch kind {
        case .fixed, .weakReference: return Int(size)
        case .referenceArray, .rawArray:
            return (ObjectLayout.arrayItemsOffset + (object.count << Int(itemShift)) + 7) & ~7
        }
    }

    /// Calls `visit` with the address of every strong reference slot of `object`.
    @inline(__always)
    func forEachReferenceSlot(of object: ObjectRef, _ visit: (UnsafeMutablePointer<ObjectRef?>) -> Void) {
        switch kind {
        case .fixed:
            var bits = referenceBitmap
            while bits != 0 {
                let word = bits.trailingZeroBitCount
                visit((object.raw + word &* 8).assumingMemoryBound(to: ObjectRef?.self))
                bits &= bits &- 1
            }
            if _slowPath(hasExtraSlots) {
                if let extras = extraOffsets {
                    for i in 0..<Int(extraCount) {
                        visit((object.raw + Int(extras[i])).assumingMemoryBound(to: ObjectRef?.self))
                    }
                }
                if referenceTableOffset != 0,
                   let table = ReferenceTable(object.load(at: Int(referenceTableOffset), as: UnsafeMutableRawPointer?.self)) {
                    for i in 0..<table.count { visit(table.slot(i)) }
                }
            }
        case .referenceArray:
            let items = object.items.assumingMemoryBound(to: ObjectRef?.self)
            for i in 0..<object.count { visit(items + i) }
        case .rawArray, .weakReference:
            break
        }
    }
}
