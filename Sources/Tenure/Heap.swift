// The public face of Tenure: a garbage-collected heap for one runtime.
//
// A runtime registers its types, creates a heap, allocates objects, keeps the
// references it needs across allocations in roots, and stores references into
// objects through the write barrier (`storeReference`, `storeItem`). The heap
// collects young objects with a copying minor collection when the nursery is
// full, and old objects with a mark-sweep major collection paced by
// `HeapConfiguration`.
//
// A heap is used by one thread at a time and is not `Sendable`. Callbacks
// (destructors, hooks, root scanners) may call only what docs/embedding.md
// lists for them; the other calls stop the process with a message naming the
// call and the callback.

/// A garbage-collected heap.
public final class Heap {
    /// The hot state the inlined fast paths use.
    @usableFromInline let fast: UnsafeMutablePointer<HeapFastState>
    let state: UnsafeMutablePointer<HeapState>
    /// The configuration the heap was created with, every default filled in.
    public let configuration: HeapConfiguration

    /// Creates a heap. Settings `configuration` leaves unset are derived from this
    /// machine (no environment is read: pass `configuration.resolved(environment:)`'s
    /// result for that). Throws `ConfigurationError` (wrapped in
    /// `HeapError.invalidArgument`) for a configuration that does not validate,
    /// or `HeapError.outOfMemory`.
    public init(configuration requested: HeapConfiguration = HeapConfiguration()) throws(HeapError) {
        let configuration: HeapConfiguration
        do {
            configuration = try requested.resolved().configuration
        } catch {
            throw .invalidArgument(error.description)
        }
        self.configuration = configuration
        guard let key = HandleKeys.acquire() else {
            throw .invalidArgument("Heap: \(HandleKeys.capacity) heaps are alive already; accepted: at most \(HandleKeys.capacity) at once")
        }
        let state = UnsafeMutablePointer<HeapState>.allocate(capacity: 1)
        do {
            state.initialize(to: try HeapState(configuration: configuration, handleKey: key))
        } catch {
            state.deallocate()
            HandleKeys.release(key)
            throw error
        }
        self.state = state
        fast = state.pointee.fast
    }

    deinit {
        state.pointee.release()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    // MARK: Types

    /// Registers a fixed-size type. The handle works only with this heap.
    public func register(_ layout: TypeLayout) throws(TypeLayoutError) -> ObjectType {
        if case .array = layout.shape {
            throw TypeLayoutError(description: "type '\(layout.name)' is an array type: register it with registerArray")
        }
        let (id, info) = try registerLayout(layout)
        return ObjectType(id: id, size: info.size, header: state.pointee.headerWord(typeID: id),
                          allocatesSlowly: info.hasDestructor || Int(info.size) > configuration.youngLargeObjectLimit
                            || configuration.checked,
                          key: fast.pointee.handleKey)
    }

    /// Registers an array type. The handle works only with this heap.
    public func registerArray(_ layout: TypeLayout) throws(TypeLayoutError) -> ArrayType {
        guard case .array(let items) = layout.shape else {
            throw TypeLayoutError(description: "type '\(layout.name)' is not an array type: register it with register")
        }
        let (id, info) = try registerLayout(layout)
        return ArrayType(id: id, itemShift: info.itemShift, itemsAreReferences: items == .references,
                         header: state.pointee.headerWord(typeID: id),
                         allocatesSlowly: info.hasDestructor || configuration.checked,
                         youngObjectLimit: configuration.youngLargeObjectLimit, key: fast.pointee.handleKey)
    }

    private func registerLayout(_ layout: TypeLayout) throws(TypeLayoutError) -> (UInt32, TypeInfo) {
        guard fast.pointee.phase == .idle else {
            throw TypeLayoutError(description: "type '\(layout.name)' registered from inside a collection (a destructor, hook or root scanner); accepted: registration outside collections")
        }
        let registered = try state.pointee.types.register(layout)
        fast.pointee.typeTable = state.pointee.types.records
        return registered
    }

    /// Whether `type` was registered with this heap (handles of other heaps are refused).
    public func owns(_ type: ObjectType) -> Bool { HandleKeys.matches(type.sizeWord, fast.pointee.handleKey) }

    /// Whether `type` was registered with this heap.
    public func owns(_ type: ArrayType) -> Bool { type.key == fast.pointee.handleKey }

    /// The name a type was registered with.
    public func typeName(_ id: UInt32) -> String? {
        state.pointee.types.isRegistered(id) ? state.pointee.types.names[Int(id)] : nil
    }

    /// The runtime's vtable of `object`'s type: found through the type id in the header.
    @inlinable @inline(__always)
    public func vtable(of object: ObjectRef) -> UnsafeRawPointer? {
        fast.pointee.typeTable[Int(object.typeID)].vtable
    }

    /// The size in bytes of `object`, header included.
    public func size(of object: ObjectRef) -> Int {
        fast.pointee.typeTable[Int(object.typeID)].instanceSize(of: object)
            + (object.header & HeaderFlags.hashMoved != 0 ? 8 : 0)
    }

    // MARK: Collections

    /// Runs a minor collection now.
    public func collectMinor() {
        refuseInsideCollections("collectMinor()")
        state.pointee.minorCollection()
        deliverCollectionEvents()
    }

    /// Runs a major collection now (after a minor one).
    public func collect() {
        refuseInsideCollections("collect()")
        state.pointee.majorCollection()
        deliverCollectionEvents()
    }

    /// Tells the heap that the runtime allocated `bytes` of raw memory owned by
    /// heap objects, so that the next major collection comes sooner. Allowed in
    /// every callback.
    public func addMemoryPressure(_ bytes: Int) {
        tenureCheck(bytes >= 0, "addMemoryPressure(\(bytes)): accepted: 0 or more bytes")
        let account = state.pointee.rawMemory
        account.pointee.bytes += bytes
        account.pointee.peak = max(account.pointee.peak, account.pointee.bytes)
        account.pointee.reported += bytes
        account.pointee.pressure += Double(bytes + 16)
    }

    /// Tells the heap that `bytes` of raw memory reported with `addMemoryPressure`
    /// were freed. Allowed in every callback (a destructor freeing a buffer).
    public func removeMemoryPressure(_ bytes: Int) {
        let account = state.pointee.rawMemory
        tenureCheck(bytes >= 0 && bytes <= account.pointee.bytes,
                    "removeMemoryPressure(\(bytes)): accepted: 0 to the \(account.pointee.bytes) bytes reported and not yet removed")
        account.pointee.bytes -= bytes
    }

    /// Whether `object` is young (in the nursery or a young large object).
    public func isYoung(_ object: ObjectRef) -> Bool {
        fast.pointee.isInNursery(object) || object.header & HeaderFlags.youngLarge != 0
    }

    // MARK: Statistics

    /// The heap's statistics now. Not from a destructor or root scanner.
    public var statistics: HeapStatistics {
        refuseWhileCollecting("statistics")
        return state.pointee.currentStatistics()
    }

    /// Old-generation bytes in use (arena cells and large objects): what the pacing counts.
    public var oldGenerationBytes: Int {
        refuseWhileCollecting("oldGenerationBytes")
        return state.pointee.oldBytes
    }

    /// The threshold of old-generation bytes at which the next major collection
    /// starts (lowered by the raw memory reported since the last one).
    public var majorCollectionThreshold: Int {
        refuseWhileCollecting("majorCollectionThreshold")
        return Int(state.pointee.pacing.threshold - state.pointee.rawMemory.pointee.pressure)
    }

    // MARK: Callback rules

    /// Stops the process when called from a destructor, a hook or a root scanner.
    func refuseInsideCollections(_ call: String) {
        let phase = fast.pointee.phase
        tenureCheck(phase == .idle,
                    "\(call) called from \(phase == .notifying ? "a collection hook" : "a destructor or a root scanner"): a collection is running; accepted: \(call) outside collections (docs/embedding.md lists what callbacks may call)")
    }

    /// Stops the process when called from a destructor or a root scanner (hooks may call it).
    func refuseWhileCollecting(_ call: String) {
        tenureCheck(fast.pointee.phase != .collecting,
                    "\(call) called from a destructor or a root scanner: the heap is half-way through a collection; accepted: \(call) outside collections and in collection hooks (docs/embedding.md)")
    }
}
