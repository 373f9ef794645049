// Global roots and root scanners.
//
// A global root is a slot that lives until it is removed: for the runtime's
// long-lived references (interned strings, the builtins module). Slots are
// allocated one by one so their addresses never change. A root scanner is a
// callback the collector calls in every collection to visit slots the runtime
// keeps elsewhere (a JIT's code blobs, an interpreter's frames).

/// Called by a root scanner for each slot holding a reference; the collector may update the slot.
public typealias RootVisitor = (UnsafeMutablePointer<ObjectRef?>) -> Void

struct GlobalRootTable {
    private(set) var slots: Set<UnsafeMutablePointer<ObjectRef?>> = []

    mutating func add(_ value: ObjectRef?) -> Root {
        let slot = UnsafeMutablePointer<ObjectRef?>.allocate(capacity: 1)
        slot.initialize(to: value)
        slots.insert(slot)
        return Root(slot: slot)
    }

    mutating func remove(_ root: Root) -> Bool {
        guard slots.remove(root.slot) != nil else { return false }
        root.slot.deallocate()
        return true
    }

    mutating func release() {
        for slot in slots { slot.deallocate() }
        slots = []
    }
}

/// A root scanner's registration, to remove it.
public struct RootScannerToken: Hashable, Sendable {
    let id: Int
}

extension Heap {
    /// Adds a global root holding `value`; it lives until `removeGlobalRoot`.
    public func addGlobalRoot(_ value: ObjectRef?) -> Root {
        state.pointee.globalRoots.add(value)
    }

    /// Removes a global root added by `addGlobalRoot`.
    public func removeGlobalRoot(_ root: Root) throws(HeapError) {
        guard state.pointee.globalRoots.remove(root) else {
            throw .invalidArgument("removeGlobalRoot: the slot is not a global root of this heap (removed twice?)")
        }
    }

    /// Registers a callback that visits extra root slots in every collection.
    public func addRootScanner(_ scanner: @escaping (RootVisitor) -> Void) -> RootScannerToken {
        let id = state.pointee.nextRootScannerID
        state.pointee.nextRootScannerID += 1
        state.pointee.rootScanners[id] = scanner
        return RootScannerToken(id: id)
    }

    /// Removes a root scanner.
    public func removeRootScanner(_ token: RootScannerToken) {
        state.pointee.rootScanners[token.id] = nil
    }
}

/// The roots of a collection, taken when it starts.
struct RootSet {
    let shadowBase: UnsafeMutablePointer<ObjectRef?>
    let shadowTop: UnsafeMutablePointer<ObjectRef?>
    let globals: Set<UnsafeMutablePointer<ObjectRef?>>
    let scanners: [(RootVisitor) -> Void]

    /// Visits every root slot: the shadow stack, global roots, root scanners.
    func forEachSlot(_ visit: RootVisitor) {
        var slot = shadowBase
        while slot < shadowTop {
            visit(slot)
            slot += 1
        }
        for global in globals { visit(global) }
        for scanner in scanners { scanner(visit) }
    }
}

extension HeapState {
    var roots: RootSet {
        RootSet(shadowBase: shadowBase, shadowTop: fast.pointee.shadowTop,
                globals: globalRoots.slots, scanners: Array(rootScanners.values))
    }
}
