// Marking: find every old object reachable from the roots.
//
// An explicit mark stack, never recursion: a long linked list must not
// overflow the machine stack. Marking sets `visited` in the header, the only
// per-object state it needs, and counts the cells it marks in each page so
// that the sweep can release pages it never reached without reading them.
// The work is cut into `markStep(budget:)` calls so that an incremental
// collector can interleave steps with the runtime (it would then need the
// barrier to also record old objects being written while marking runs); the
// stop-the-world collector calls it with no limit.

extension HeapState {
    /// Marks the objects the roots refer to.
    mutating func markRoots() {
        roots.forEachSlot { slot in
            if let object = slot.pointee, !object.isImmediate { mark(object) }
        }
    }

    @inline(__always)
    private mutating func mark(_ object: ObjectRef) {
        let header = object.header
        if header & HeaderFlags.visited == 0 {
            object.setHeader(header | HeaderFlags.visited)
            // Pages count their marked cells; large objects and (when a major collection
            // keeps the nursery) young objects have no page.
            if header & HeaderFlags.large == 0 && !isInNursery(object) { oldSpace.countMarked(object) }
            lists.markStack.push(object)
        }
    }

    /// Traces up to `budget` objects from the mark stack; returns whether marking is complete.
    @discardableResult
    mutating func markStep(budget: Int) -> Bool {
        var remaining = budget
        while remaining > 0, let object = lists.markStack.popObject() {
            types[object.typeID].forEachReferenceSlot(of: object) { slot in
                if let child = slot.pointee, !child.isImmediate { mark(child) }
            }
            remaining -= 1
        }
        return lists.markStack.isEmpty
    }
}
