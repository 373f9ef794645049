// The public face of Tenure: a garbage-collected heap for one runtime.
//
// A runtime registers its types, creates a heap, allocates objects, keeps the
// references it needs across allocations in roots, and stores references into
// objects through the write barrier (`storeReference`, `storeItem`). The heap
// collects young objects with a copying minor collection when the nursery is
// full, and old objects with a mark-sweep major collection paced by
// `HeapConfiguration`.
//
// A heap is used by one thread at a time and is not `Sendable`.

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
        let state = UnsafeMutablePointer<HeapState>.allocate(capacity: 1)
        do {
            state.initialize(to: try HeapState(configuration: configuration))
        } catch {
            state.deallocate()
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

    /// Registers a fixed-size type.
    public func register(_ layout: TypeLayout) throws(TypeLayoutError) -> ObjectType {
        if case .array = layout.shape {
            throw TypeLayoutError(description: "type '\(layout.name)' is an array type: register it with registerArray")
        }
        let (id, info) = try state.pointee.types.register(layout)
        fast.pointee.typeTable = state.pointee.types.records
        return ObjectType(id: id, size: info.size,
                          allocatesSlowly: info.hasDestructor || Int(info.size) > configuration.youngLargeObjectLimit)
    }

    /// Registers an array type.
    public func registerArray(_ layout: TypeLayout) throws(TypeLayoutError) -> ArrayType {
        guard case .array(let items) = layout.shape else {
            throw TypeLayoutError(description: "type '\(layout.name)' is not an array type: register it with register")
        }
        let (id, info) = try state.pointee.types.register(layout)
        fast.pointee.typeTable = state.pointee.types.records
        return ArrayType(id: id, itemShift: info.itemShift, itemsAreReferences: items == .references,
                         allocatesSlowly: info.hasDestructor, youngObjectLimit: configuration.youngLargeObjectLimit)
    }

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
    public func size(of object: ObjectRef) -> Int { state.pointee.size(of: object) }

    // MARK: Collections

    /// Runs a minor collection now.
    public func collectMinor() {
        precondition(!state.pointee.isCollecting,
                     "Tenure: collectMinor() called from inside a collection (a destructor or a collection hook)")
        state.pointee.minorCollection()
    }

    /// Runs a major collection now (after a minor one).
    public func collect() {
        precondition(!state.pointee.isCollecting,
                     "Tenure: collect() called from inside a collection (a destructor or a collection hook)")
        state.pointee.majorCollection()
    }

    /// Tells the heap that the runtime allocated `bytes` of raw memory owned by
    /// heap objects, so that the next major collection comes sooner.
    public func addMemoryPressure(_ bytes: Int) {
        precondition(bytes >= 0, "Tenure: addMemoryPressure(\(bytes)): accepted: 0 or more bytes")
        state.pointee.pacing.addPressure(bytes)
        state.pointee.statistics.rawBytes += bytes
        state.pointee.statistics.rawBytesPeak = max(state.pointee.statistics.rawBytesPeak, state.pointee.statistics.rawBytes)
        state.pointee.statistics.rawBytesReported += bytes
    }

    /// Tells the heap that `bytes` of raw memory reported with `addMemoryPressure` were freed.
    public func removeMemoryPressure(_ bytes: Int) {
        precondition(bytes >= 0 && bytes <= state.pointee.statistics.rawBytes,
                     "Tenure: removeMemoryPressure(\(bytes)): accepted: 0 to the \(state.pointee.statistics.rawBytes) bytes reported")
        state.pointee.statistics.rawBytes -= bytes
    }

    /// Whether `object` is young (in the nursery or a young large object).
    public func isYoung(_ object: ObjectRef) -> Bool {
        fast.pointee.isInNursery(object) || object.header & HeaderFlags.youngLarge != 0
    }

    // MARK: Statistics

    /// The heap's statistics now.
    public var statistics: HeapStatistics {
        state.pointee.updateSizeStatistics()
        return state.pointee.statistics
    }

    /// Old-generation bytes in use (arena cells and large objects): what the pacing counts.
    public var oldGenerationBytes: Int { state.pointee.oldBytes }

    /// The threshold of old-generation bytes at which the next major collection starts.
    public var majorCollectionThreshold: Int { Int(state.pointee.pacing.threshold) }
}
