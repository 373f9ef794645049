// The type table: the collector's record of every type a runtime registered.
//
// The header holds only a 32-bit type id; the id indexes a flat table of
// `TypeInfo` records in raw memory, so the tracer reaches a type's layout
// with two loads and no ARC. The record also holds the runtime's vtable
// pointer: `Heap.vtable(of:)` is the header load plus the table load, and
// objects need no vtable word of their own. Names and destructors, which the
// collector's loops never read per object, stay in Swift arrays beside it.
//
// Type id 0 is never registered: a free cell in the old space has a zero header.

import TenureSupport

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
    private var table = GrowableBuffer<TypeInfo>(capacity: 64)
    /// The records, indexed by type id; valid until the next registration.
    var records: UnsafeMutablePointer<TypeInfo> { table.base }
    /// One more than the highest registered id (id 0 is reserved for free cells).
    var count: Int { table.count }
    private(set) var names: [String] = ["<free>"]
    private(set) var destructors: [Destructor?] = [nil]

    init() {
        table.append(TypeInfo(size: 0, itemShift: 0, kind: .fixed, hasDestructor: false,
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
        let id = UInt32(table.append(info))
        names.append(layout.name)
        destructors.append(layout.destructor)
        return (id, info)
    }

    @inline(__always)
    subscript(id: UInt32) -> TypeInfo { records[Int(id)] }

    func isRegistered(_ id: UInt32) -> Bool { id != 0 && Int(id) < count }

    mutating func release() {
        for i in 0..<count { records[i].extraOffsets?.deallocate() }
        table.release()
    }
}

