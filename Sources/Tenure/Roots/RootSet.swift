// The roots of a collection: every slot the collector starts tracing from.
//
// Three kinds, visited in this order: the shadow stack (from its base to its
// top at the start of the collection), the global roots, and the slots root
// scanners report. Each visit may update the slot (a minor collection writes
// the new address of a moved object), so the runtime reads its references
// back from the same slots afterwards.

/// The roots of a collection, taken when it starts.
struct RootSet {
    let shadowBase: UnsafeMutablePointer<ObjectRef?>
    let shadowTop: UnsafeMutablePointer<ObjectRef?>
    let globals: GlobalRootTable
    let scanners: CallbackRegistry<(RootVisitor) -> Void>

    /// Visits every root slot: the shadow stack, global roots, root scanners.
    func forEachSlot(_ visit: RootVisitor) {
        var slot = shadowBase
        while slot < shadowTop {
            visit(slot)
            slot += 1
        }
        globals.forEachSlot(visit)
        scanners.forEach { $0(visit) }
    }
}

extension HeapState {
    var roots: RootSet {
        RootSet(shadowBase: shadowBase, shadowTop: fast.pointee.shadowTop, globals: globalRoots, scanners: rootScanners)
    }
}
