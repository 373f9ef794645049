// Global roots and root scanners.
//
// A global root is a slot that lives until it is removed: for the runtime's
// long-lived references (interned strings, the builtins module). Slots live
// in cells of fixed chunks, so their addresses never change, and a cell is
// never given back to malloc while the heap lives: a removed root's cell is
// cleared and reused later. Each cell carries the serial number of the root
// that holds it, and the handle carries it too: using a `GlobalRoot` after
// `removeGlobalRoot` (or one of another heap) stops the process with a
// message instead of reading memory another root now owns.
//
// A root scanner is a callback the collector calls in every collection to
// visit slots the runtime keeps elsewhere (a JIT's code blobs, an
// interpreter's frames).

/// Called by a root scanner for each slot holding a reference; the collector may update the slot.
public typealias RootVisitor = (UnsafeMutablePointer<ObjectRef?>) -> Void

/// The memory of one global root: its slot, then the serial of the root that holds it (0: free).
@usableFromInline
struct GlobalRootCell {
    @usableFromInline var value: ObjectRef?
    @usableFromInline var serial: Int
}

/// A global root: a slot the collector scans until the root is removed.
@frozen
public struct GlobalRoot: Hashable {
    @usableFromInline let cell: UnsafeMutablePointer<GlobalRootCell>
    /// Tells this root from a later one that reuses the same cell.
    @usableFromInline let serial: Int

    @inlinable
    init(cell: UnsafeMutablePointer<GlobalRootCell>, serial: Int) {
        self.cell = cell
        self.serial = serial
    }

    /// The slot's address; the collector updates it when its object moves.
    @inlinable @inline(__always)
    public var slot: UnsafeMutablePointer<ObjectRef?> {
        checkLive()
        return UnsafeMutableRawPointer(cell).assumingMemoryBound(to: ObjectRef?.self)
    }

    /// The reference held; no barrier is needed to set it.
    @inlinable @inline(__always)
    public var value: ObjectRef? {
        get {
            checkLive()
            return cell.pointee.value
        }
        nonmutating set {
            checkLive()
            cell.pointee.value = newValue
        }
    }

    /// The reference held, which must not be nil.
    @inlinable @inline(__always)
    public var object: ObjectRef {
        guard let object = value else { rootHoldsNil("GlobalRoot.object") }
        return object
    }

    /// The slot as a `Root`.
    @inlinable @inline(__always)
    public var root: Root { Root(slot: slot) }

    @inlinable @inline(__always)
    func checkLive() {
        if _slowPath(cell.pointee.serial != serial) { globalRootRemoved() }
    }
}

@usableFromInline @inline(never)
func globalRootRemoved() -> Never {
    tenureStop("a GlobalRoot used after removeGlobalRoot: its slot is free or holds another root now; accepted: roots from addGlobalRoot not yet removed")
}

/// The global roots of one heap.
struct GlobalRootTable {
    static let cellsPerChunk = 256
    private var chunks: [UnsafeMutablePointer<GlobalRootCell>] = []
    private var free: [UnsafeMutablePointer<GlobalRootCell>] = []
    private var nextSerial = 0
    private(set) var count = 0

    mutating func add(_ value: ObjectRef?) -> GlobalRoot {
        if free.isEmpty {
            let chunk = UnsafeMutablePointer<GlobalRootCell>.allocate(capacity: GlobalRootTable.cellsPerChunk)
            chunk.initialize(repeating: GlobalRootCell(value: nil, serial: 0), count: GlobalRootTable.cellsPerChunk)
            chunks.append(chunk)
            for i in (0..<GlobalRootTable.cellsPerChunk).reversed() { free.append(chunk + i) }
        }
        let cell = free.removeLast()
        nextSerial += 1
        cell.pointee = GlobalRootCell(value: value, serial: nextSerial)
        count += 1
        return GlobalRoot(cell: cell, serial: nextSerial)
    }

    /// Frees `root`'s cell; false when it is not a live root of this table.
    mutating func remove(_ root: GlobalRoot) -> Bool {
        guard chunks.contains(where: { root.cell >= $0 && root.cell < $0 + GlobalRootTable.cellsPerChunk }),
              root.cell.pointee.serial == root.serial else { return false }
        root.cell.pointee = GlobalRootCell(value: nil, serial: 0)
        free.append(root.cell)
        count -= 1
        return true
    }

    /// Visits the slot of every live global root.
    func forEachSlot(_ visit: RootVisitor) {
        for chunk in chunks {
            for i in 0..<GlobalRootTable.cellsPerChunk where chunk[i].serial != 0 {
                visit(UnsafeMutableRawPointer(chunk + i).assumingMemoryBound(to: ObjectRef?.self))
            }
        }
    }

    mutating func release() {
        for chunk in chunks { chunk.deallocate() }
        chunks = []
        free = []
        count = 0
    }
}

/// A root scanner's registration, to remove it.
public struct RootScannerToken: Hashable, Sendable {
    let id: Int
}

extension Heap {
    /// Adds a global root holding `value`; it lives until `removeGlobalRoot`.
    /// Not from a destructor or root scanner.
    public func addGlobalRoot(_ value: ObjectRef?) -> GlobalRoot {
        refuseWhileCollecting("addGlobalRoot(_:)")
        return state.pointee.globalRoots.add(value)
    }

    /// Removes a global root added by `addGlobalRoot`; throws for a root that is
    /// not a live root of this heap (removed twice, or another heap's).
    public func removeGlobalRoot(_ root: GlobalRoot) throws(HeapError) {
        refuseWhileCollecting("removeGlobalRoot(_:)")
        guard state.pointee.globalRoots.remove(root) else {
            throw .invalidArgument("removeGlobalRoot: the root is not a live global root of this heap (removed twice, or another heap's); accepted: a root addGlobalRoot returned, once")
        }
    }

    /// Registers a callback that visits extra root slots in every collection.
    /// A scanner may be added or removed from any callback.
    public func addRootScanner(_ scanner: @escaping (RootVisitor) -> Void) -> RootScannerToken {
        RootScannerToken(id: state.pointee.rootScanners.add(scanner))
    }

    /// Removes a root scanner.
    public func removeRootScanner(_ token: RootScannerToken) {
        state.pointee.rootScanners.remove(token.id)
    }
}
