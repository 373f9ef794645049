// The object scanner: where an object's sizes and references are.
//
// Every loop of the collector that follows references (the minor
// collection's copy, marking, the verifier) asks the object's type record
// for its size and for each reference slot. Fixed-size objects describe
// their slots with a 64-bit bitmap (word i holds a reference), so the common
// case is a loop over set bits; references beyond word 63 and a reference
// table (a JIT's constants) are the rare case behind one flag. Arrays of
// references visit every item; raw arrays and weak references have no
// traced slot (a weak reference's target is settled separately).

extension TypeInfo {
    /// The size in bytes of an instance with `count` items (arrays) or of any instance.
    @inline(__always)
    func instanceSize(count: Int) -> Int {
        switch kind {
        case .fixed, .weakReference: return Int(size)
        case .referenceArray, .rawArray: return (ObjectLayout.arrayItemsOffset + (count << Int(itemShift)) + 7) & ~7
        }
    }

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
