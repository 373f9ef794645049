// The collector's lists of objects, by what a collection does with them.
//
// Each list holds object addresses (AddressStack: raw memory, grown by
// doubling, refusing growth with `outOfMemory` rather than trapping). Between
// collections only the write barrier and allocation add to them; a minor
// collection empties the young ones and the remembered set, a major
// collection rebuilds the old ones from what it marked.
struct WorkLists {
    /// Old objects whose fields the next minor collection must trace:
    /// remembered by the write barrier, or just promoted. Between collections
    /// it holds only what the barrier remembered since the last one.
    var oldObjectsToTrace = AddressStack()
    /// Large arrays with dirty cards (the barrier marked a card of each).
    var arraysWithDirtyCards = AddressStack()
    /// Nursery objects whose type has a destructor.
    var youngObjectsWithDestructors = AddressStack()
    /// Old objects (small and large) whose type has a destructor: a major
    /// collection runs the destructors of the unmarked ones before it frees anything.
    var oldObjectsWithDestructors = AddressStack()
    /// Weak references allocated since the last minor collection.
    var youngWeakReferences = AddressStack()
    /// Weak references that survived a minor collection (old ones).
    var oldWeakReferences = AddressStack()
    /// Objects marked but not yet traced; empty outside a major collection.
    var markStack = AddressStack()

    /// Frees every list's memory (the heap is being released).
    mutating func release() {
        oldObjectsToTrace.release()
        arraysWithDirtyCards.release()
        youngObjectsWithDestructors.release()
        oldObjectsWithDestructors.release()
        youngWeakReferences.release()
        oldWeakReferences.release()
        markStack.release()
    }
}
