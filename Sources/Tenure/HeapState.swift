// Everything a heap holds, in one struct in raw memory.
//
// The public `Heap` class keeps a pointer to this struct; the collector's
// loops run as mutating methods on it, so they touch no class stored
// property and pay no exclusivity check per access. The pieces are the
// nursery (bump region), the old space (size-class pages), the large-object
// space, the roots, the work lists, the pacing and the statistics.

struct HeapState {
    let configuration: HeapConfiguration
    let fast: UnsafeMutablePointer<HeapFastState>
    var types: TypeTable
    let weakReferenceType: UInt32
    /// When the heap was created (monotonic seconds), for time stamps.
    let createdAt = Clock.now()

    // Nursery
    let nurseryStart: UnsafeMutableRawPointer
    let nurserySize: Int
    /// The nursery is zero from the allocation pointer up to here (the fast path's limit).
    var nurseryZeroedEnd: UnsafeMutableRawPointer
    /// Beyond here the nursery is zero too (never written since the last reset).
    var nurseryDirtyEnd: UnsafeMutableRawPointer

    // Old generation
    var oldSpace: OldSpace
    var large = LargeObjectSpace()

    // Roots
    let shadowBase: UnsafeMutablePointer<ObjectRef?>
    var globalRoots = GlobalRootTable()
    var rootScanners = CallbackRegistry<(RootVisitor) -> Void>()

    // Work lists
    /// Old objects whose fields a minor collection must trace: remembered by
    /// the write barrier, or just promoted.
    var oldObjectsToTrace = AddressStack()
    /// Large arrays with dirty cards.
    var arraysWithDirtyCards = AddressStack()
    /// Nursery objects whose type has a destructor.
    var youngObjectsWithDestructors = AddressStack()
    /// Weak references allocated since the last minor collection, and older ones.
    var youngWeakReferences = AddressStack()
    var oldWeakReferences = AddressStack()
    var markStack = AddressStack()

    // Pacing and state
    var pacing: Pacing
    var statistics = HeapStatistics()
    var isCollecting = false
    /// The event log, when the configuration asks for one.
    var log: EventLog?
    /// The error of the last allocation compiled code asked for and could not get.
    var compiledCodeError: HeapError?
    var collectionHooks = CallbackRegistry<(CollectionEvent) -> Void>()

    init(configuration c: HeapConfiguration) throws(HeapError) {
        configuration = c
        log = try c.log.map { spec throws(HeapError) in try EventLog.open(spec) }
        nurserySize = VirtualMemory.roundUp(c.nurserySize, to: 8)
        guard let nursery = VirtualMemory.map(HeapState.mappedBytes(nurserySize)) else {
            log?.close()
            throw HeapError.outOfMemory(requested: nurserySize)
        }
        nurseryStart = nursery
        nurseryZeroedEnd = nursery + nurserySize
        nurseryDirtyEnd = nursery
        let shadowBytes = HeapState.mappedBytes(c.shadowStackCapacity * 8)
        guard let shadow = VirtualMemory.map(shadowBytes) else {
            VirtualMemory.unmap(nursery, HeapState.mappedBytes(nurserySize))
            log?.close()
            throw HeapError.outOfMemory(requested: shadowBytes)
        }
        shadowBase = shadow.bindMemory(to: ObjectRef?.self, capacity: c.shadowStackCapacity)
        // Raw tables are allocated only once both mappings succeeded: a failed init leaves nothing behind.
        types = TypeTable()
        oldSpace = OldSpace(pageSize: c.pageSize, arenaSize: c.arenaSize, smallObjectLimit: c.smallObjectLimit,
                            numaLocalArenas: c.numaLocalArenas)
        pacing = Pacing(configuration: c)
        weakReferenceType = try! types.register(.weakReference).0
        fast = .allocate(capacity: 1)
        fast.initialize(to: HeapFastState(
            nurseryStart: nursery, nurserySize: nurserySize,
            shadowStack: shadowBase, shadowCapacity: c.shadowStackCapacity, typeTable: types.records,
            cardSize: c.cardSize))
        statistics.nurseryBytes = nurserySize
    }

    /// What mapping `bytes` takes from the kernel: whole OS pages.
    static func mappedBytes(_ bytes: Int) -> Int { VirtualMemory.roundUp(bytes, to: VirtualMemory.pageSize) }

    /// Bytes in the old generation, as the pacing counts them.
    var oldBytes: Int { oldSpace.usedBytes + large.bytes }

    @inline(__always)
    func isInNursery(_ object: ObjectRef) -> Bool { fast.pointee.isInNursery(object) }

    @inline(__always)
    func typeInfo(of object: ObjectRef) -> TypeInfo { types[object.typeID] }

    /// The size of any object.
    @inline(__always)
    func size(of object: ObjectRef) -> Int { typeInfo(of: object).instanceSize(of: object) }

    /// Runs the destructor of `object`'s type, if it has one.
    mutating func runDestructor(_ object: ObjectRef) {
        if let destructor = types.destructors[Int(object.typeID)] {
            destructor(object)
            statistics.destructorsRun += 1
        }
    }

    mutating func release() {
        // Every object still in the heap dies with it: destructors free what they own.
        isCollecting = true
        fast.pointee.nurseryTop = fast.pointee.nurseryFree
        if types.destructors.contains(where: { $0 != nil }) {
            var remaining: [ObjectRef] = []
            forEachYoungObject { remaining.append($0) }
            oldSpace.forEachObject { remaining.append($0) }
            for i in 0..<large.old.count { remaining.append(ObjectRef(address: large.old[i])!) }
            for object in remaining { runDestructor(object) }
        }
        log?.close()
        oldSpace.release()
        large.release()
        oldObjectsToTrace.release()
        arraysWithDirtyCards.release()
        youngObjectsWithDestructors.release()
        youngWeakReferences.release()
        oldWeakReferences.release()
        markStack.release()
        globalRoots.release()
        VirtualMemory.unmap(nurseryStart, HeapState.mappedBytes(nurserySize))
        VirtualMemory.unmap(UnsafeMutableRawPointer(shadowBase), HeapState.mappedBytes(configuration.shadowStackCapacity * 8))
        fast.deinitialize(count: 1)
        fast.deallocate()
        types.release()
    }

    /// Calls `body` for each young object: nursery objects in address order, then young large objects.
    func forEachYoungObject(_ body: (ObjectRef) -> Void) {
        var p = nurseryStart
        let end = fast.pointee.nurseryFree
        while p < end {
            let object = ObjectRef(p)
            body(object)
            p += size(of: object)
        }
        for i in 0..<large.young.count { body(ObjectRef(address: large.young[i])!) }
    }
}
