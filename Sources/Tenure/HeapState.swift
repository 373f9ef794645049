// Everything a heap holds, in one struct in raw memory.
//
// The public `Heap` class keeps a pointer to this struct; the collector's
// loops run as mutating methods on it, so they touch no class stored
// property and pay no exclusivity check per access. The pieces are the
// nursery (bump region), the old space (size-class pages), the large-object
// space, the roots, the work lists, the pacing and the statistics.
//
// Callbacks (destructors, hooks, root scanners) run inside those mutating
// methods. What they may call is listed in docs/embedding.md ("What callbacks
// may call"); the state those calls change (raw-memory pressure, the event
// log's sampling clock) lives behind pointers of its own (`rawMemory`, the
// log object), never in this struct's own storage, so that a callback never
// writes memory the running method holds exclusively.

// The allocation fast path's state, `fast` (HeapFastState), and the nursery
// (Nursery) keep these invariants between any two calls of the runtime:
//
//     nursery.start <= nurseryFree <= nurseryTop <= nursery.zeroedEnd <= nursery.end
//
// and the fast path is closed (`nurseryTop == nurseryFree`, so that every
// allocation takes the slow path) whenever a collection runs
// (`fast.phase != .idle`), the old generation is over the maximum
// (`overLimit`), the emergency reserve is spent or the heap is in checked
// mode. While it is open, `nurseryTop` is the end of the zeroed part.
struct HeapState {
    /// The resolved configuration; fixed for the heap's life.
    let configuration: HeapConfiguration
    /// What the inlined fast paths and compiled code read and write (bump
    /// pointer, limit, shadow-stack top, phase); behind its own pointer so that
    /// callbacks may read it while a collection holds this struct.
    let fast: UnsafeMutablePointer<HeapFastState>
    /// Registered types: layouts, reference maps, destructors, vtables, by type id.
    var types: TypeTable
    /// The type id of weak references (registered first by every heap).
    let weakReferenceType: UInt32
    /// When the heap was created (monotonic seconds), for time stamps.
    let createdAt = Clock.now()
    /// Checked mode (`HeapConfiguration.checked`): handles take the slow path,
    /// reference stores are checked, the emptied nursery is poisoned.
    let checked: Bool

    // Spaces
    /// The young generation's bump region: bounds, zeroing, poisoning.
    var nursery: Nursery
    /// How big the nursery is next cycle, from its survivors and pauses (NurserySizing.swift).
    var nurserySizing: NurserySizing
    /// Size-class pages in arenas: the old generation's small objects (non-moving).
    var oldSpace: OldSpace
    /// Objects above the small-object limit, each in its own mapping, young or old.
    var large = LargeObjectSpace()

    // Roots
    /// The first slot of the shadow stack (the runtime's frames of references).
    let shadowBase: UnsafeMutablePointer<ObjectRef?>
    /// Global roots: slots whose addresses never change, reused when removed.
    var globalRoots = GlobalRootTable()
    /// The runtime's root scanners, called at every collection.
    let rootScanners = CallbackRegistry<(RootVisitor) -> Void>()

    /// The collector's lists of objects (WorkLists.swift).
    var lists = WorkLists()

    // Pacing and state
    /// When the next major collection runs: threshold and growth (Major/Pacing.swift).
    var pacing: Pacing
    /// Raw memory the runtime reported (`addMemoryPressure`); behind a pointer
    /// because a destructor reports frees while a collection runs.
    let rawMemory: UnsafeMutablePointer<RawMemoryAccount>
    /// Counters, times (seconds) and byte totals since the heap was made.
    var statistics = HeapStatistics()
    /// Collections that ended and whose hooks have not been called yet (CollectionCycle.swift).
    var pendingEvents: [CollectionEvent] = []
    /// The old generation was over the maximum heap size after the last
    /// collection: the fast path is closed and the next allocation runs a major
    /// collection first (AllocationLimits.swift).
    var overLimit = false
    /// The event log, when the configuration asks for one.
    let log: EventLog?
    /// The error of the last allocation compiled code asked for and could not get.
    var compiledCodeError: HeapError?
    /// The runtime's collection hooks, called after each collection in registration order.
    let collectionHooks = CallbackRegistry<(CollectionEvent) -> Void>()

    init(configuration c: HeapConfiguration, handleKey: UInt) throws(HeapError) {
        configuration = c
        checked = c.checked
        guard MemoryReserve.ensure(MemoryReserve.bytesNeeded(by: c)) else {
            throw .outOfMemory(requested: MemoryReserve.bytesNeeded(by: c))
        }
        let nursery: Nursery
        do { nursery = try Nursery(size: c.nurserySize, capacity: c.nurseryCapacity, poisons: c.checked) } catch {
            throw .outOfMemory(requested: c.nurseryCapacity, errno: error.errno)
        }
        let shadowBytes = VirtualMemory.roundUp(c.shadowStackCapacity * 8, to: VirtualMemory.pageSize)
        let shadow: UnsafeMutableRawPointer
        do { shadow = try VirtualMemory.map(shadowBytes) } catch {
            nursery.release()
            throw .outOfMemory(requested: shadowBytes, errno: error.errno)
        }
        do {
            log = try c.log.map { spec throws(HeapError) in try EventLog.open(spec) }
        } catch {
            nursery.release()
            VirtualMemory.unmap(shadow, shadowBytes)
            throw error
        }
        self.nursery = nursery
        shadowBase = shadow.bindMemory(to: ObjectRef?.self, capacity: c.shadowStackCapacity)
        // Raw tables are allocated only once the mappings succeeded: a failed init leaves nothing behind.
        types = TypeTable()
        oldSpace = OldSpace(pageSize: c.pageSize, arenaSize: c.arenaSize, smallObjectLimit: c.smallObjectLimit,
                            numaLocalArenas: c.numaLocalArenas)
        pacing = Pacing(configuration: c)
        rawMemory = .allocate(capacity: 1)
        rawMemory.initialize(to: RawMemoryAccount())
        weakReferenceType = try! types.register(.weakReference).0
        fast = .allocate(capacity: 1)
        fast.initialize(to: HeapFastState(
            nurseryStart: nursery.start, nurserySize: nursery.capacity,
            shadowStack: shadowBase, shadowCapacity: c.shadowStackCapacity, typeTable: types.records,
            cardSize: c.cardSize, handleKey: handleKey))
        statistics.nurseryBytes = nursery.size
        statistics.nurseryBytesPeak = nursery.size
        nurserySizing = NurserySizing(minimum: nursery.size, maximum: nursery.capacity, pauseGoal: c.minorPauseGoal)
        updateAllocationLimit()
    }

    /// Bytes in the old generation, as the pacing counts them.
    var oldBytes: Int { oldSpace.usedBytes + large.bytes }

    @inline(__always)
    func isInNursery(_ object: ObjectRef) -> Bool { fast.pointee.isInNursery(object) }

    @inline(__always)
    func typeInfo(of object: ObjectRef) -> TypeInfo { types[object.typeID] }

    /// The size of any object, with the word a moved hashed object keeps its hash in.
    @inline(__always)
    func size(of object: ObjectRef) -> Int {
        typeInfo(of: object).instanceSize(of: object) + (object.header & HeaderFlags.hashMoved != 0 ? 8 : 0)
    }

    /// The header word of a new object of type `typeID`: the id, its type flags,
    /// and in checked mode the flag that sends every store to the checks.
    mutating func headerWord(typeID: UInt32) -> UInt64 {
        var header = UInt64(typeID)
        switch types[typeID].kind {
        case .referenceArray: header |= HeaderFlags.referenceItems
        case .weakReference: header |= HeaderFlags.weakReference
        case .fixed, .rawArray: break
        }
        if checked { header |= HeaderFlags.checkedStores }
        return header
    }

    /// Runs the destructor of `object`'s type, if it has one.
    mutating func runDestructor(_ object: ObjectRef) {
        if let destructor = types.destructors[Int(object.typeID)] {
            destructor(object)
            statistics.destructorsRun += 1
        }
    }

    mutating func release() {
        // Every object still in the heap dies with it: destructors free what they
        // own, all of them before any memory is freed.
        phase = .collecting
        fast.pointee.setTop(fast.pointee.nurseryFree)
        // (From the destructor lists, not by walking the spaces: a nursery object a
        // major collection found dead stays in place with its destructor already run.)
        if types.destructors.contains(where: { $0 != nil }) {
            var remaining: [ObjectRef] = []
            for i in 0..<lists.youngObjectsWithDestructors.count { remaining.append(ObjectRef(address: lists.youngObjectsWithDestructors[i])!) }
            for i in 0..<large.young.count { remaining.append(ObjectRef(address: large.young[i])!) }
            for i in 0..<lists.oldObjectsWithDestructors.count { remaining.append(ObjectRef(address: lists.oldObjectsWithDestructors[i])!) }
            for object in remaining { runDestructor(object) }
        }
        log?.close()
        oldSpace.release()
        large.release()
        lists.release()
        globalRoots.release()
        nursery.release()
        VirtualMemory.unmap(UnsafeMutableRawPointer(shadowBase),
                            VirtualMemory.roundUp(configuration.shadowStackCapacity * 8, to: VirtualMemory.pageSize))
        HandleKeys.release(fast.pointee.handleKey)
        fast.deinitialize(count: 1)
        fast.deallocate()
        rawMemory.deallocate()
        types.release()
    }

    /// Calls `body` for each young object: nursery objects in address order, then young large objects.
    func forEachYoungObject(_ body: (ObjectRef) -> Void) {
        var p = nursery.start
        let end = fast.pointee.nurseryFree
        while p < end {
            let object = ObjectRef(p)
            body(object)
            p += size(of: object)
        }
        for i in 0..<large.young.count { body(ObjectRef(address: large.young[i])!) }
    }
}
