// The checks of the barrier's slow path: stores that must not happen, and
// checked mode's look at every store.
//
// Always (they cost nothing on the fast path, which the header flags route
// here): a reference store into a weak reference, an item store into
// anything but an array of references or out of its range, and a reference
// store from a destructor or root scanner into an old object (the collection
// that runs them is half-way; the remembered set must not change under it).
// In checked mode every store comes here: the offset must be one of the
// type's reference slots, and the target and the value must be live objects
// of this heap, not stale references into the emptied (poisoned) nursery, not
// objects of another heap. Each refusal stops the process with what was
// wrong and what is accepted (`tenureStop`).

extension HeapState {
    /// The checks of a `storeReference` that reached the slow path.
    mutating func checkReferenceStore(_ value: ObjectRef?, into object: ObjectRef, at offset: Int) {
        checkStoreTarget(object, operation: "storeReference(_:into:at: \(offset))")
        guard checked else { return }
        let info = types[object.typeID]
        tenureCheck(info.isReferenceSlot(offset, of: object),
                    "storeReference(_:into:at: \(offset)) into a '\(typeName(of: object))' object: offset \(offset) is not one of its reference slots; accepted: \(info.referenceSlotsDescription(of: object))")
        if let value { checkLiveObject(value, role: "the value stored by storeReference(_:into:at: \(offset))") }
    }

    /// The checks of a `storeItem` that reached the slow path.
    mutating func checkItemStore(_ value: ObjectRef?, into array: ObjectRef, at index: Int) {
        checkStoreTarget(array, operation: "storeItem(_:into:at: \(index))")
        tenureCheck(array.header & HeaderFlags.referenceItems != 0,
                    "storeItem(_:into:at: \(index)) into a '\(typeName(of: array))' object, which is not an array of references; accepted: arrays registered with .array(_:of: .references) (raw items are stored with ObjectRef.store)")
        tenureCheck(UInt(bitPattern: index) < UInt(bitPattern: array.count),
                    "storeItem(_:into:at: \(index)): index out of range 0..<\(array.count) of a '\(typeName(of: array))' array")
        if checked, let value { checkLiveObject(value, role: "the value stored by storeItem(_:into:at: \(index))") }
    }

    /// The checks every slow-path store makes of its target (also compiled code's `remember`).
    mutating func checkStoreTarget(_ object: ObjectRef, operation: @autoclosure () -> String) {
        if checked { checkLiveObject(object, role: "the target of \(operation())") }
        tenureCheck(phase != .collecting,
                    "\(operation()) from a destructor or a root scanner: the collection that calls them is half-way; accepted: reference stores outside collections and in collection hooks")
        tenureCheck(object.header & HeaderFlags.weakReference == 0,
                    "\(operation()) into a weak reference: its target is not a traced field and is set only by makeWeakReference(to:); accepted: stores into objects with reference fields")
    }

    /// Checked mode: `object` must be a live object of this heap.
    mutating func checkLiveObject(_ object: ObjectRef, role: @autoclosure () -> String) {
        if object.isImmediate { return }
        var address: String { "0x" + String(object.address, radix: 16) }
        if isInNursery(object) {
            tenureCheck(!nursery.isPoisoned(object.raw, free: fast.pointee.nurseryFree) && object.header != Nursery.poison,
                        "\(role()) (\(address)) is a stale reference: it points into the nursery emptied by the last minor collection (read references back from roots after every allocation)")
        }
        tenureCheck(object.header & HeaderFlags.forwarded == 0,
                    "\(role()) (\(address)) is a stale reference to an object a minor collection moved")
        tenureCheck(types.isRegistered(object.typeID),
                    "\(role()) (\(address)) is not an object of this heap: its header holds type id \(object.typeID), which this heap did not register")
        if !isInNursery(object) && object.header & HeaderFlags.large == 0 {
            tenureCheck(oldSpace.containsObject(at: object.address),
                        "\(role()) (\(address)) is not an object of this heap (an object of another heap, or a pointer into the middle of one)")
        }
    }

    func typeName(of object: ObjectRef) -> String {
        types.isRegistered(object.typeID) ? types.names[Int(object.typeID)] : "type id \(object.typeID)"
    }
}

extension TypeInfo {
    /// Whether byte `offset` of `object` is one of its traced reference slots.
    func isReferenceSlot(_ offset: Int, of object: ObjectRef) -> Bool {
        guard offset >= 8, offset % 8 == 0 else { return false }
        switch kind {
        case .fixed:
            if offset / 8 < 64 { return referenceBitmap & (1 << UInt64(offset / 8)) != 0 }
            guard let extras = extraOffsets else { return false }
            return (0..<Int(extraCount)).contains { Int(extras[$0]) == offset }
        case .referenceArray:
            return offset >= ObjectLayout.arrayItemsOffset && (offset - ObjectLayout.arrayItemsOffset) / 8 < object.count
        case .rawArray, .weakReference:
            return false
        }
    }

    /// The reference slots of `object`, for a message.
    func referenceSlotsDescription(of object: ObjectRef) -> String {
        switch kind {
        case .fixed:
            var offsets: [Int] = []
            var bits = referenceBitmap
            while bits != 0 {
                offsets.append(bits.trailingZeroBitCount * 8)
                bits &= bits - 1
            }
            if let extras = extraOffsets { offsets += (0..<Int(extraCount)).map { Int(extras[$0]) } }
            return offsets.isEmpty ? "none (the type has no reference fields)" : "offsets " + offsets.map(String.init).joined(separator: ", ")
        case .referenceArray:
            return "item offsets 16 to \(ObjectLayout.arrayItemsOffset + 8 * max(0, object.count - 1)) (storeItem is the usual way)"
        case .rawArray:
            return "none (an array of raw items)"
        case .weakReference:
            return "none (a weak reference)"
        }
    }
}
