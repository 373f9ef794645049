// A major collection that keeps the nursery in place.
//
// Near the maximum heap an allocation must find out what the nursery's
// survivors would take before it promotes them (AllocationLimits.swift), and
// a major collection there must not promote the nursery it starts with. Such
// a collection marks through young objects as through old ones (marking
// never moves anything) and settles the young objects marking did not reach
// as a minor collection would, except that they keep their place:
//
// - young weak references to unmarked objects are cleared, as old ones are;
// - unmarked young objects with destructors get them run with the dead old
//   objects' (all before anything is freed) and leave the young lists;
// - unmarked young large objects are freed; an unmarked nursery object stays
//   where it is until the next minor collection resets the nursery, with its
//   reference slots and its reference-table pointer cleared, so that none
//   points into a cell the sweep frees or a table its destructor freed
//   (nothing can reach it, but the verifier walks the nursery);
// - the work lists that may name old objects that just died are pruned
//   before the sweep frees them.
//
// Every object unreachable at the start is dead at the end, as after any
// major collection; the marked nursery objects are promoted by the next
// minor collection, and this one measures what they will take there.

extension HeapState {
    /// The remembered set and the dirty-card list drop the old objects that died.
    mutating func forgetDeadRememberedObjects() {
        let isLive: (UInt) -> Bool = { ObjectRef(address: $0)!.header & HeaderFlags.visited != 0 }
        lists.oldObjectsToTrace.truncate(to: lists.oldObjectsToTrace.partition(keep: isLive))
        lists.arraysWithDirtyCards.truncate(to: lists.arraysWithDirtyCards.partition(keep: isLive))
    }

    /// Clears young weak references to unmarked objects and runs the destructors of
    /// unmarked young objects (nothing is freed yet).
    mutating func runDestructorsOfUnmarkedYoungObjects() {
        let isMarked: (UInt) -> Bool = { ObjectRef(address: $0)!.header & HeaderFlags.visited != 0 }
        for i in 0..<lists.youngWeakReferences.count { Self.clearIfTargetUnmarked(ObjectRef(address: lists.youngWeakReferences[i])!) }
        let firstDead = lists.youngObjectsWithDestructors.partition(keep: isMarked)
        for i in firstDead..<lists.youngObjectsWithDestructors.count {
            runDestructor(ObjectRef(address: lists.youngObjectsWithDestructors[i])!)
        }
        lists.youngObjectsWithDestructors.truncate(to: firstDead)
        for i in 0..<large.young.count where !isMarked(large.young[i]) {
            runDestructor(ObjectRef(address: large.young[i])!)
        }
    }

    /// Frees the unmarked young large objects, clears the reference slots of the
    /// unmarked nursery objects and the marks of the others. Returns what the marked
    /// nursery objects will take in the old generation once promoted.
    mutating func releaseUnmarkedYoungObjects() -> Int {
        let firstDead = large.young.partition { ObjectRef(address: $0)!.header & HeaderFlags.visited != 0 }
        for i in firstDead..<large.young.count { large.free(ObjectRef(address: large.young[i])!) }
        large.young.truncate(to: firstDead)
        var survivorBytes = 0
        forEachYoungObject { object in
            let header = object.header
            if header & HeaderFlags.visited != 0 {
                object.setHeader(header & ~HeaderFlags.visited)
                if isInNursery(object) { survivorBytes += promotedBytes(of: object) }
            } else {
                // Its reference table first: the destructor that just ran may have freed it.
                let info = types[object.typeID]
                if info.referenceTableOffset != 0 {
                    object.raw.storeBytes(of: nil, toByteOffset: Int(info.referenceTableOffset), as: UnsafeMutableRawPointer?.self)
                }
                info.forEachReferenceSlot(of: object) { $0.pointee = nil }
            }
        }
        return survivorBytes
    }
}
