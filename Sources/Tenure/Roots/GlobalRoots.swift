// Global roots and root scanners.
//
// A global root is a slot that lives until it is removed: for the runtime's
// long-lived references (interned strings, the builtins module). Slots are
// allocated one by one so their addresses never change. A root scanner is a
// callback the collector calls in every collection to visit slots the runtime
// keeps elsewhere (a JIT's code blobs, an interpreter's frames).

/// Called by a root scanner for each slot holding a reference; the collector may update the slot.
public typealias RootVisitor = (UnsafeMutablePointer<ObjectRef?>) -> Void

/// A global root: a slot the collector scans until the root is removed.
@frozen
public struct GlobalRoot: Hashable {
    /// The slot's address.
    public let slot: UnsafeMutablePointer<ObjectRef?>
    /// Tells this root from a later one that reuses the same slot memory.
    @usableFromInline let serial: Int

    @inlinable
    init(slot: UnsafeMutablePointer<ObjectRef?>, serial: Int) {
        self.slot = slot
        self.serial = serial
    }

    /// The reference held; no barrier is needed to set it.
    @inlinable @inline(__always)
    public var value: ObjectRef? {
        get { root.value }
        nonmutating set { root.value = newValue }
    }

    /// The reference held, which must not be nil.
    @inlinable @inline(__always)
    public var object: ObjectRef { root.object }

    /// The slot as a `Root`.
    @inlinable @inline(__always)
    public var root: Root { Root(slot: slot) }
}

struct GlobalRootTable {
    /// Live slots and the serial number of the root that owns each.
    private(set) var slots: [UnsafeMutablePointer<ObjectRef?>: Int] = [:]
    private var nextSerial = 0

    mutating func add(_ value: ObjectRef?) -> GlobalRoot {
        let slot = UnsafeMutablePointer<ObjectRef?>.allocate(capacity: 1)
        slot.initialize(to: value)
        nextSerial += 1
        slots[slot] = nextSerial
        return GlobalRoot(slot: slot, serial: nextSerial)
    }

    mutating func remove(_ root: GlobalRoot) -> Bool {
        guard slots[root.slot] == root.serial else { return false }
        slots[root.slot] = nil
        root.slot.deallocate()
        return true
    }

    mutating func release() {
        for slot in slots.keys { slot.deallocate() }
        slots = [:]
    }
}

/// A root scanner's registration, to remove it.
public struct RootScannerToken: Hashable, Sendable {
    let id: Int
}

extension Heap {
    /// Adds a global root holding `value`; it lives until `removeGlobalRoot`.
    public func addGlobalRoot(_ value: ObjectRef?) -> GlobalRoot {
        state.pointee.globalRoots.add(value)
    }

    /// Removes a global root added by `addGlobalRoot`.
    public func removeGlobalRoot(_ root: GlobalRoot) throws(HeapError) {
        guard state.pointee.globalRoots.remove(root) else {
            throw .invalidArgument("removeGlobalRoot: the slot is not a global root of this heap (removed twice?)")
        }
    }

    /// Registers a callback that visits extra root slots in every collection.
    public func addRootScanner(_ scanner: @escaping (RootVisitor) -> Void) -> RootScannerToken {
        RootScannerToken(id: state.pointee.rootScanners.add(scanner))
    }

    /// Removes a root scanner.
    public func removeRootScanner(_ token: RootScannerToken) {
        state.pointee.rootScanners.remove(token.id)
    }
}

/// The roots of a collection, taken when it starts.
struct RootSet {
    let shadowBase: UnsafeMutablePointer<ObjectRef?>
    let shadowTop: UnsafeMutablePointer<ObjectRef?>
    let globals: Dictionary<UnsafeMutablePointer<ObjectRef?>, Int>.Keys
    let scanners: CallbackRegistry<(RootVisitor) -> Void>

    /// Visits every root slot: the shadow stack, global roots, root scanners.
    func forEachSlot(_ visit: RootVisitor) {
        var slot = shadowBase
        while slot < shadowTop {
            visit(slot)
            slot += 1
        }
        for global in globals { visit(global) }
        scanners.forEach { $0(visit) }
    }
}

extension HeapState {
    var roots: RootSet {
        RootSet(shadowBase: shadowBase, shadowTop: fast.pointee.shadowTop,
                globals: globalRoots.slots.keys, scanners: rootScanners)
    }
}
