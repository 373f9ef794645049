// Reference tables: GC references kept outside the heap, traced with an owner.
//
// Some references cannot live in a movable object: a code blob's constants
// must sit at an address the machine code embeds. A reference table is raw
// memory (a count word, then the slots) that one object owns through a raw
// word field declared with `referenceTableOffset`/`referenceTableWord`. The
// collector treats the slots as fields of the owner: marked when the owner
// is marked (so the table keeps nothing alive once its owner is dead),
// updated when their objects move, scanned in a minor collection when the
// owner is young or remembered. Stores into a table go through
// `Heap.storeReference(_:intoTableOf:at:)`, the owner's write barrier.
// The owner frees its table, typically in its destructor. Tables are for
// generated code's constants: SPI with the rest of the compiled-code
// interface (`@_spi(CompiledCode)`, CompiledCodeInterface.swift).

/// A raw table of reference slots owned by one heap object.
@_spi(CompiledCode) public struct ReferenceTable: Hashable, @unchecked Sendable {
    /// The table's memory: the slot count, then the slots.
    public let base: UnsafeMutableRawPointer

    /// A table of `count` nil slots, allocated with malloc.
    public static func allocate(count: Int) -> ReferenceTable {
        tenureCheck(count >= 0, "a reference table of \(count) slots; accepted: 0 or more")
        let base = UnsafeMutableRawPointer.allocate(byteCount: 8 * (count + 1), alignment: 8)
        base.storeBytes(of: count, as: Int.self)
        (base + 8).initializeMemory(as: UInt.self, repeating: 0, count: count)
        return ReferenceTable(base: base)
    }

    /// The table at `base`.
    public init(base: UnsafeMutableRawPointer) {
        self.base = base
    }

    /// The table at `base`, or nil for a null pointer.
    @inline(__always)
    init?(_ base: UnsafeMutableRawPointer?) {
        guard let base else { return nil }
        self.base = base
    }

    /// Frees the table's memory.
    public func deallocate() {
        base.deallocate()
    }

    /// The number of slots.
    @inline(__always)
    public var count: Int { base.load(as: Int.self) }

    /// The address of slot `index` (what machine code loads a constant from).
    @inline(__always)
    public func slot(_ index: Int) -> UnsafeMutablePointer<ObjectRef?> {
        (base + 8 + 8 &* index).assumingMemoryBound(to: ObjectRef?.self)
    }

    /// The reference in slot `index`.
    public subscript(index: Int) -> ObjectRef? {
        tenureCheck(index >= 0 && index < count, "reference table slot \(index) out of range 0..<\(count)")
        return slot(index).pointee
    }
}

extension Heap {
    /// Stores `value` into slot `index` of the reference table owned by
    /// `owner` (whose type declares the table's word), with `owner`'s write barrier.
    @_spi(CompiledCode) public func storeReference(_ value: ObjectRef?, intoTableOf owner: ObjectRef, at index: Int) {
        tenureCheck(state.pointee.types.isRegistered(owner.typeID),
                    "storeReference(_:intoTableOf:at:) on an object whose header holds type id \(owner.typeID), which this heap did not register")
        let offset = Int(state.pointee.types[owner.typeID].referenceTableOffset)
        tenureCheck(offset != 0, "storeReference(_:intoTableOf:at:) on a '\(typeName(owner.typeID) ?? "?")' object, whose type has no reference table; accepted: objects of a type registered with referenceTableOffset/referenceTableWord")
        guard let table = ReferenceTable(owner.load(at: offset, as: UnsafeMutableRawPointer?.self)) else {
            tenureStop("storeReference(_:intoTableOf:at:) on a '\(typeName(owner.typeID) ?? "?")' object whose table pointer is 0; accepted: an owner whose table word points to a ReferenceTable")
        }
        tenureCheck(index >= 0 && index < table.count, "storeReference(_:intoTableOf:at: \(index)): reference table slot out of range 0..<\(table.count)")
        if state.pointee.checked, let value { state.pointee.checkLiveObject(value, role: "the value stored by storeReference(_:intoTableOf:at: \(index))") }
        table.slot(index).pointee = value
        writeBarrier(after: owner)
    }
}
