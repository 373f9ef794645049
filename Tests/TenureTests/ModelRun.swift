// The engine of the model-based runs: a heap, a plain Swift model of what
// it should hold, the actions (ModelAction.swift) applied to both, and the
// walk that compares them after every step.
//
// Objects carry a unique id in a raw word (arrays are identified by where
// they sit in the graph: one address per id, one id per address). After each
// step the heap graph is walked from the real root slots (shadow stack,
// global roots, the slots of a root scanner) alongside the model graph:
// every reachable object must have the type, id, payload, fields, reference
// table slots and items the model says. Weak references to reachable
// objects must point at the right object; weak references to unreachable
// ones may point at it until a major collection and must be nil after.
// Objects of a type with a destructor log their id when destroyed: a
// reachable one must never have been destroyed, one that was unreachable
// before a step that ran a major collection must have been destroyed exactly
// once by its end, and at the end every one exactly once.
//
// The callbacks call the heap the ways they may (docs/embedding.md): a
// collection hook swaps the two fields of the "hook box" (#0, held by a
// global root) after every collection and reads statistics, and the model
// swaps them too; a root scanner reports slots the model knows and reads
// their objects' type name, vtable and id after visiting them; destructors
// free their object's reference table, remove the memory pressure their
// object reported at allocation and read their vtable. Every collection must
// reach the hooks exactly once.
import SeededRandom
import Testing
@_spi(CompiledCode) @testable import Tenure
#if canImport(Glibc)
import Glibc
#endif

/// One object of the model.
struct ModelObject {
    enum Kind: Equatable {
        case fixed(Int)  // index into ModelRun.fixedTypes
        case references
        case bytes
        case words
    }
    var kind: Kind
    /// Reference fields then reference-table slots (fixed), items (arrays of references), as ids.
    var references: [Int?]
    /// The payload word of a fixed object.
    var payload: UInt64 = 0
    /// Item count of an array.
    var count: Int = 0
    /// Memory pressure reported for it (a destructor removes it).
    var pressure: Int = 0
}

/// Reference slots in memory of the run's own, reported by a root scanner.
final class ModelSlots {
    let capacity: Int
    let slots: UnsafeMutablePointer<ObjectRef?>
    var count = 0
    init(capacity: Int) {
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
    }
    deinit { slots.deallocate() }
}

/// A fixed-size type of the run.
struct FixedType {
    let type: ObjectType
    let name: String
    let referenceOffsets: [Int]
    let idOffset: Int
    let payloadOffset: Int
    /// The word holding the memory pressure the object reported (types with a destructor).
    var pressureOffset: Int? = nil
    /// The word pointing to the object's reference table.
    var tableOffset: Int? = nil
    let hasDestructor: Bool
}

/// A failure found by the run: stops it.
struct ModelMismatch: Error, CustomStringConvertible {
    /// What is wrong.
    let what: String
    /// With the configuration, the seed, the step and the last actions.
    let description: String
    /// The step (1-based index of the recorded action) it was found at; past the last one: at the end.
    let step: Int
}

/// Handles of another heap, which this run's heap must refuse.
final class ModelForeignHandles {
    let heap: Heap
    let objects: [ObjectType]
    let arrays: [ArrayType]
    init(heap: Heap, objects: [ObjectType], arrays: [ArrayType]) {
        self.heap = heap
        self.objects = objects
        self.arrays = arrays
    }

    /// A small heap of its own whose type ids mean other types than the run's.
    static func privateHeap() throws -> ModelForeignHandles {
        var c = HeapConfiguration()
        c.nurserySize = 4096
        c.youngLargeObjectLimit = 1024
        c.minimumHeapSize = 64 << 10
        c.shadowStackCapacity = 64
        let heap = try Heap(configuration: c)
        let bytes = try heap.registerArray(.array("ForeignBytes", of: .raw(itemSize: 1)))
        let wide = try heap.register(.object("ForeignWide", references: 20))
        let refs = try heap.registerArray(.array("ForeignRefs", of: .references))
        let leaf = try heap.register(.object("ForeignLeaf", references: 0, words: 1))
        let big = try heap.register(.object("ForeignBig", size: 4096, referenceOffsets: [8]))
        let final = try heap.register(.object("ForeignFinal", references: 1, words: 1, destructor: { _ in }))
        return ModelForeignHandles(heap: heap, objects: [wide, leaf, big, final], arrays: [bytes, refs])
    }
}

/// What the heap's callbacks share with the run. The heap is weak: at teardown
/// (a run that failed half-way) destructors run while it is being destroyed.
final class ModelCallbacks {
    weak var heap: Heap?
    var destroyed: [UInt64: Int] = [:]
    var destructorCalls = 0
    var pressureRead: [UInt64: Int] = [:]
    var pressureRemoved = 0
    var problems: [String] = []
    var hookEvents = 0
    var hookMajors = 0
    /// The global root of the hook box, whose two fields the hook swaps.
    var hookRoot: GlobalRoot?
    var vtables: [UInt32: UnsafeRawPointer] = [:]
    /// Where fixed types keep the id.
    var idOffsets: [UInt32: Int] = [:]
    /// The ids the extra root scanner's slots should hold.
    var scannerIDs: [Int?] = []

    func record(_ id: UInt64, pressure: Int? = nil) {
        destroyed[id, default: 0] += 1
        destructorCalls += 1
        if let pressure { pressureRead[id] = pressure }
    }

    func count(_ id: Int) -> Int { destroyed[UInt64(id)] ?? 0 }

    func problem(_ text: String) {
        if problems.count < 8 { problems.append(text) }
    }

    /// What a destructor or root scanner may read: the type name, the vtable, the id word.
    func checkObject(_ object: ObjectRef, _ role: String, id: Int?) {
        guard let heap else { return }
        guard heap.typeName(object.typeID) != nil else {
            return problem("\(role): type id \(object.typeID) has no name")
        }
        if heap.vtable(of: object) != vtables[object.typeID] {
            problem("\(role): the vtable of a '\(heap.typeName(object.typeID)!)' object is \(String(describing: heap.vtable(of: object)))")
        }
        if let id, let offset = idOffsets[object.typeID], object.load(at: offset, as: Int.self) != id {
            problem("\(role): should hold #\(id), holds #\(object.load(at: offset, as: Int.self))")
        }
    }
}

final class ModelRun {
    let setup: ModelSetup
    let seed: UInt64
    var random: SplitMix64
    let heap: Heap
    let callbacks = ModelCallbacks()
    let weak = ModelSlots(capacity: 48)
    let scanned = ModelSlots(capacity: 16)
    var scannerTokens: [RootScannerToken] = []
    let interface: CompiledCodeInterface
    /// Another heap's handles (a private heap, or the other run's when two run together).
    var foreign: ModelForeignHandles?

    // Types
    var fixedTypes: [FixedType] = []
    var typeIndex: [String: Int] = [:]
    let referenceArray: ArrayType
    let byteArray: ArrayType
    let wordArray: ArrayType

    // The model
    var objects: [Int: ModelObject] = [:]
    /// The next id the generator gives.
    var nextID = 1
    /// Model roots, one per shadow-stack slot pushed by the run (same order).
    var roots: [Int?] = []
    var rootSlots: [Root] = []
    let baseMark: RootMark
    var globals: [(root: GlobalRoot, id: Int?)] = []
    /// What each weak slot's reference should point to: an id, or nil (made to nil, or the target is known dead).
    var weakTargets: [Int?] = []
    /// Every id allocated with a destructor type (in the model or as garbage).
    var destructible: Set<Int> = []
    /// The memory pressure each object reported.
    var pressureOf: [Int: Int] = [:]
    var pressureAdded = 0
    var hookEventsApplied = 0
    var collectionsAtStart = 0
    static let hookBoxID = 0

    // Result of the last walk (valid until the next allocation or collection)
    var addressOf: [Int: ObjectRef] = [:]
    var previousAddress: [Int: ObjectRef] = [:]
    /// Reachable ids in order, those with reference slots, the fixed-size ones.
    var reachable: [Int] = []
    var slotted: [Int] = []
    var fixedReachable: [Int] = []

    var step = 0
    /// Every action performed, in order (action k was step k + 1).
    var recorded: [ModelAction] = []
    var notes: [Int: String] = [:]
    /// Verify the heap every this many steps.
    var verifyEvery = 10
    var allocations = 0
    var revived = 0
    var maxLive = 0
    var limitErrors = 0
    /// While `step` is below this, a growing run drops roots instead of growing.
    var shrinkUntil = 0
    var began = false
    /// Collections the run asked for (`collect`, `collectMinor`, the stress factor's).
    var requestedCollections = 0
    /// Whether a collection the run asked for took the old generation over the
    /// maximum heap, and it has not been back under it since.
    var overByRequest = false
    /// The old generation's bytes right after that collection: it may not grow from there.
    var overshootBase = 0
    /// Called after each action is applied, before the walk: lets a test break the heap on purpose.
    var sabotage: ((ModelRun, ModelAction) -> Void)?

    init(setup: ModelSetup, seed: UInt64) throws {
        self.setup = setup
        self.seed = seed
        random = SplitMix64(seed: seed)
        heap = try Heap(configuration: setup.configuration)
        interface = heap.compiledCodeInterface
        callbacks.heap = heap
        let callbacks = self.callbacks
        let heap = self.heap
        var vtableNumber = 0
        func vtable() -> UnsafeRawPointer {
            vtableNumber += 1
            return UnsafeRawPointer(bitPattern: 0x7e57_0000 + 0x40 * vtableNumber)!
        }
        var types: [FixedType] = []
        func add(_ name: String, references k: Int, destructor wanted: Bool = false) throws {
            let destructor = wanted && setup.destructors
            let idOffset = ObjectLayout.fieldOffset(k)
            let pressureOffset = idOffset + 16
            let v = vtable()
            let layout = TypeLayout.object(
                name, references: k, words: destructor ? 3 : 2, vtable: v,
                destructor: destructor ? { object in
                    let pressure = object.load(at: pressureOffset, as: Int.self)
                    if pressure > 0, let heap = callbacks.heap {
                        heap.removeMemoryPressure(pressure)
                        callbacks.pressureRemoved += pressure
                    }
                    callbacks.checkObject(object, "the destructor of \(name)", id: nil)
                    callbacks.heap?.log("model", "destroyed=\(object.load(at: idOffset, as: Int.self))")
                    callbacks.record(object.load(at: idOffset, as: UInt64.self), pressure: pressure)
                } : nil)
            let type = try heap.register(layout)
            callbacks.vtables[type.id] = v
            callbacks.idOffsets[type.id] = idOffset
            types.append(FixedType(type: type, name: name, referenceOffsets: (0..<k).map(ObjectLayout.fieldOffset),
                                   idOffset: idOffset, payloadOffset: idOffset + 8,
                                   pressureOffset: destructor ? pressureOffset : nil, hasDestructor: destructor))
        }
        try add("N0", references: 0)
        try add("N1", references: 1)
        try add("N2", references: 2)
        try add("N4", references: 4)
        try add("Fin", references: 2, destructor: true)
        try add("N20", references: 20)  // above the small-object limit of .stress
        try add("Fin40", references: 40, destructor: true)  // above every fixed configuration's small-object limit
        // References at words 1 and 67: the second is past the 64-bit bitmap.
        let wideOffsets = [ObjectLayout.fieldOffset(0), ObjectLayout.fieldOffset(66)]
        let wideVTable = vtable()
        let wide = try heap.register(.object("Wide", size: 8 * 71, referenceOffsets: wideOffsets, vtable: wideVTable))
        callbacks.vtables[wide.id] = wideVTable
        callbacks.idOffsets[wide.id] = ObjectLayout.fieldOffset(1)
        types.append(FixedType(type: wide, name: "Wide", referenceOffsets: wideOffsets, idOffset: ObjectLayout.fieldOffset(1),
                               payloadOffset: ObjectLayout.fieldOffset(2), hasDestructor: false))
        if setup.destructors {
            // One reference field, then id, payload and the table pointer; the destructor frees the table.
            let tableOffset = ObjectLayout.fieldOffset(3)
            let tableVTable = vtable()
            let table = try heap.register(.object("Table", references: 1, words: 3, referenceTableWord: 2, vtable: tableVTable,
                                                  destructor: { object in
                if let base = object.load(at: tableOffset, as: UnsafeMutableRawPointer?.self) {
                    ReferenceTable(base: base).deallocate()
                }
                callbacks.checkObject(object, "the destructor of Table", id: nil)
                callbacks.record(object.load(at: ObjectLayout.fieldOffset(1), as: UInt64.self))
            }))
            callbacks.vtables[table.id] = tableVTable
            callbacks.idOffsets[table.id] = ObjectLayout.fieldOffset(1)
            types.append(FixedType(type: table, name: "Table", referenceOffsets: [ObjectLayout.fieldOffset(0)],
                                   idOffset: ObjectLayout.fieldOffset(1), payloadOffset: ObjectLayout.fieldOffset(2),
                                   tableOffset: tableOffset, hasDestructor: true))
        }
        fixedTypes = types
        for (i, t) in types.enumerated() { typeIndex[t.name] = i }
        let refsVTable = vtable(), bytesVTable = vtable(), wordsVTable = vtable()
        referenceArray = try heap.registerArray(.array("Refs", of: .references, vtable: refsVTable))
        byteArray = try heap.registerArray(.array("Bytes", of: .raw(itemSize: 1), vtable: bytesVTable))
        // Word arrays have a destructor: item 0 holds the id in its high half.
        wordArray = try heap.registerArray(.array("Words", of: .raw(itemSize: 8), vtable: wordsVTable,
                                                  destructor: setup.destructors ? { array in
            callbacks.checkObject(array, "the destructor of Words", id: nil)
            if array.count > 0 { callbacks.record(array.items.load(as: UInt64.self) >> 32) }
        } : nil))
        callbacks.vtables[referenceArray.id] = refsVTable
        callbacks.vtables[byteArray.id] = bytesVTable
        callbacks.vtables[wordArray.id] = wordsVTable
        baseMark = heap.rootMark
        let weak = self.weak
        scannerTokens.append(heap.addRootScanner { visit in
            for i in 0..<weak.count { visit(weak.slots + i) }
        })
        // Slots the model knows; each object is read after its visit (before it, a
        // minor collection may have moved it already through another root).
        let scanned = self.scanned
        scannerTokens.append(heap.addRootScanner { visit in
            for i in 0..<scanned.count {
                visit(scanned.slots + i)
                if let object = scanned.slots[i] {
                    callbacks.checkObject(object, "root scanner slot \(i)", id: callbacks.scannerIDs[i])
                }
            }
            // Net zero, but pressure lowers the next threshold: only in collections, since
            // heap.verify() calls the scanners too (a replay verifies more often).
            if let heap = callbacks.heap, heap.state.pointee.isCollecting {
                heap.addMemoryPressure(64)
                heap.removeMemoryPressure(64)
            }
            callbacks.heap?.log("model", "scanned=\(scanned.count)")
        })
        _ = heap.addCollectionHook { event in
            callbacks.hookEvents += 1
            if event.kind == .major { callbacks.hookMajors += 1 }
            guard let heap = callbacks.heap else { return }
            let s = heap.statistics
            if s.minorCollections + s.majorCollections < callbacks.hookEvents {
                callbacks.problem("hook call \(callbacks.hookEvents) with only \(s.minorCollections + s.majorCollections) collections counted")
            }
            // Hooks may store references: swap the hook box's fields.
            if let box = callbacks.hookRoot?.value {
                let a = box.loadReference(at: ObjectLayout.fieldOffset(0))
                let b = box.loadReference(at: ObjectLayout.fieldOffset(1))
                heap.storeReference(b, into: box, at: ObjectLayout.fieldOffset(0))
                heap.storeReference(a, into: box, at: ObjectLayout.fieldOffset(1))
            }
        }
    }

    // MARK: Running

    /// The generated run: `setup.steps` random actions, then the end.
    func run() throws {
        do {
            try generate()
        } catch let mismatch as ModelMismatch {
            ModelReport.record(mismatch, of: self)
        }
    }

    /// The generated run; throws the first mismatch.
    func generate() throws {
        try begin()
        for _ in 0..<setup.stepCount { try advance() }
        try end()
    }

    /// One generated action (none when the one drawn does not apply).
    func advance() throws {
        if let action = nextAction() { try perform(action) }
    }

    /// The hook box and the first walk.
    func begin() throws {
        began = true
        let s = heap.statistics
        collectionsAtStart = s.minorCollections + s.majorCollections
        let n2 = fixedTypes[typeIndex["N2"]!]
        let box = try heap.allocate(n2.type)
        box.store(ModelRun.hookBoxID, at: n2.idOffset)
        objects[ModelRun.hookBoxID] = ModelObject(kind: .fixed(typeIndex["N2"]!), references: [nil, nil])
        callbacks.hookRoot = heap.addGlobalRoot(box)
        syncHooks()
        try walk()
    }

    /// The end of a run, with its statistics printed when asked.
    func end() throws {
        let s = heap.statistics
        let figures = (s.minorCollections, s.majorCollections, s.destructorsRun, s.largeObjectBytesPeak)
        try finish()
        if ModelEnvironment.statistics {
            print("[model \(setup.name) seed \(seed)] \(step) steps, \(nextID - 1) objects, " +
                  "\(figures.0) minor and \(figures.1) major collections, \(figures.2) destructors, " +
                  "peak large bytes \(figures.3), revived \(revived), max live \(maxLive), limit errors \(limitErrors)")
        }
    }

    /// Applies `action` to heap and model and checks them; false (and nothing
    /// done) when the action does not apply to the current state.
    @discardableResult
    func perform(_ action: ModelAction) throws -> Bool {
        let majorsBefore = callbacks.hookMajors
        let requestedBefore = requestedCollections
        step += 1
        var note: String?
        do {
            guard try apply(action) else {
                step -= 1
                return false
            }
        } catch let mismatch as ModelMismatch {
            recorded.append(action)
            throw mismatch
        } catch let error as HeapError {
            syncHooks()
            guard case .heapLimitExceeded(let requested, let used, let limit) = error else {
                recorded.append(action)
                throw fail("unexpected \(error)")
            }
            // Refused allocations leave the heap as it was; the generator drops roots for a while.
            limitErrors += 1
            shrinkUntil = step + 30
            note = "heap limit exceeded (\(requested) bytes requested, \(used) used, limit \(limit))"
            guard setup.configuration.maximumHeapSize != nil else {
                recorded.append(action)
                throw fail("heapLimitExceeded without a maximum heap size")
            }
        }
        syncHooks()
        recorded.append(action)
        if let note { notes[step] = note }
        sabotage?(self, action)
        if ModelEnvironment.trace {
            let line = "[model \(setup.name) seed \(seed) step \(step)] \(action)\(note.map { "  // \($0)" } ?? "")\n"
            _ = line.utf8CString.withUnsafeBufferPointer { Glibc.write(2, $0.baseAddress, $0.count - 1) }
        }
        previousAddress = addressOf
        try walk()
        maxLive = max(maxLive, addressOf.count)
        if callbacks.hookMajors != majorsBefore { try settleMajorCollection() }
        // The maximum heap bounds the old generation (AllocationLimits.swift): no collection an
        // allocation runs leaves it over the maximum; one the runtime asks for may promote past it,
        // by one nursery's survivors as promoted at most, and then nothing more until it is back under.
        if let maximum = setup.configuration.maximumHeapSize {
            let old = heap.oldGenerationBytes
            if old <= maximum {
                overByRequest = false
            } else if requestedCollections != requestedBefore && !overByRequest {
                overByRequest = true
                overshootBase = old
            }
            let bound = overByRequest
                ? maximum + heap.state.pointee.promotedBytesBound(used: heap.state.pointee.nursery.capacity) : maximum
            if old > bound || (overByRequest && old > overshootBase) {
                throw fail("the old generation holds \(old) bytes: more than the maximum heap (\(maximum))"
                           + (overByRequest ? " plus one nursery's survivors after a requested collection (\(bound)), or more than right after it (\(overshootBase))" : ""))
            }
        }
        if action == .collect || step % verifyEvery == 0 {
            try verifyHeap()
            try checkCounters()
        }
        return true
    }

    func fail(_ what: String) -> ModelMismatch {
        let first = max(0, min(step, recorded.count) - 40)
        var lines: [String] = []
        for k in first..<recorded.count {
            lines.append("\(k + 1): \(recorded[k])\(notes[k + 1].map { "  // \($0)" } ?? "")")
        }
        return ModelMismatch(what: what, description: """
            model mismatch: \(what)
            configuration \(setup.name), seed \(seed), step \(step) (replay: \(setup.replayCommand(seed: seed)))
            layout: \(setup.layout)
            last actions:
            \(lines.joined(separator: "\n"))
            """, step: step)
    }

    func verifyHeap() throws {
        let problems = heap.verify()
        if !problems.isEmpty { throw fail("heap.verify(): " + problems.prefix(5).joined(separator: "; ")) }
    }

    /// Every collection reached the hooks once; the raw memory reported and removed adds up; the callbacks saw no problem.
    func checkCounters() throws {
        if !callbacks.problems.isEmpty { throw fail("callbacks: " + callbacks.problems.joined(separator: "; ")) }
        let s = heap.statistics
        let collections = s.minorCollections + s.majorCollections - collectionsAtStart
        if collections != callbacks.hookEvents {
            throw fail("\(collections) collections ran, the hooks were called \(callbacks.hookEvents) times")
        }
        if s.rawBytes != pressureAdded - callbacks.pressureRemoved {
            throw fail("rawBytes \(s.rawBytes), reported \(pressureAdded) and removed \(callbacks.pressureRemoved)")
        }
    }

    /// The hook swapped the hook box's fields once per collection: the model follows.
    func syncHooks() {
        if (callbacks.hookEvents - hookEventsApplied) % 2 == 1, callbacks.hookRoot != nil {
            objects[ModelRun.hookBoxID]!.references.swapAt(0, 1)
        }
        hookEventsApplied = callbacks.hookEvents
    }

    /// A step ran a major collection: every object unreachable before and after
    /// it was unreachable during it, so it is dead: the model forgets it, its
    /// weak references must read nil and its destructor must have run once.
    func settleMajorCollection() throws {
        let dead = objects.keys.filter { previousAddress[$0] == nil && addressOf[$0] == nil }
        guard !dead.isEmpty else { return }
        let deadSet = Set(dead)
        for k in 0..<weak.count {
            if let t = weakTargets[k], deadSet.contains(t) {
                if heap.weakTarget(of: weak.slots[k]!) != nil {
                    throw fail("weak \(k) to unreachable #\(t) not cleared by a major collection")
                }
                weakTargets[k] = nil
            }
        }
        for id in dead {
            if destructible.contains(id) {
                if callbacks.count(id) != 1 {
                    throw fail("#\(id) died in a major collection, its destructor ran \(callbacks.count(id)) times")
                }
                if let p = pressureOf[id], callbacks.pressureRead[UInt64(id)] != p {
                    throw fail("the destructor of #\(id) read pressure \(String(describing: callbacks.pressureRead[UInt64(id)])), reported \(p)")
                }
            }
            objects[id] = nil
        }
    }

    // MARK: The walk

    /// Walks the heap from the real roots alongside the model; fills `addressOf`.
    func walk() throws {
        addressOf = [:]
        addressOf.reserveCapacity(previousAddress.count + 8)
        var idAt: [UInt: Int] = [:]
        idAt.reserveCapacity(previousAddress.count + 8)
        var pending: [Int] = []
        func bind(_ id: Int?, _ ref: ObjectRef?, _ context: @autoclosure () -> String) throws {
            switch (id, ref) {
            case (nil, nil):
                return
            case (nil, let r?):
                throw fail("\(context()) should be nil, holds \(describe(r))")
            case (let i?, nil):
                throw fail("\(context()) should hold #\(i), is nil")
            case (let i?, let r?):
                if let known = addressOf[i] {
                    if known != r { throw fail("\(context()): #\(i) found at two addresses") }
                    return
                }
                if let other = idAt[r.address], other != i {
                    throw fail("\(context()) should hold #\(i), holds #\(other)")
                }
                addressOf[i] = r
                idAt[r.address] = i
                pending.append(i)
            }
        }
        if heap.rootDepth != rootSlots.count {
            throw fail("rootDepth \(heap.rootDepth), the run pushed \(rootSlots.count)")
        }
        for k in 0..<rootSlots.count { try bind(roots[k], rootSlots[k].value, "root \(k)") }
        for k in 0..<globals.count { try bind(globals[k].id, globals[k].root.value, "global root \(k)") }
        if let hookRoot = callbacks.hookRoot { try bind(ModelRun.hookBoxID, hookRoot.value, "the hook box's global root") }
        for k in 0..<scanned.count { try bind(callbacks.scannerIDs[k], scanned.slots[k], "root scanner slot \(k)") }
        // The order objects are reached in depends on the model alone: the generator picks from it.
        var order: [Int] = []
        var withSlots: [Int] = []
        var fixed: [Int] = []
        while let id = pending.popLast() {
            let object = objects[id]!
            let ref = addressOf[id]!
            order.append(id)
            if !object.references.isEmpty { withSlots.append(id) }
            try checkContents(id, object, ref)
            switch object.kind {
            case .fixed(let t):
                fixed.append(id)
                let type = fixedTypes[t]
                let offsets = type.referenceOffsets
                var j = 0
                while j < offsets.count {
                    try bind(object.references[j], ref.loadReference(at: offsets[j]), "#\(id).field\(j)")
                    j += 1
                }
                if let tableOffset = type.tableOffset {
                    let table = ReferenceTable(base: ref.load(at: tableOffset, as: UnsafeMutableRawPointer.self))
                    while j < object.references.count {
                        try bind(object.references[j], table.slot(j - offsets.count).pointee, "#\(id).table[\(j - offsets.count)]")
                        j += 1
                    }
                }
            case .references:
                var j = 0
                while j < object.count {
                    try bind(object.references[j], ref.loadItem(j), "#\(id)[\(j)]")
                    j += 1
                }
            case .bytes, .words:
                break
            }
        }
        // Weak references.
        for k in 0..<weak.count {
            let target = heap.weakTarget(of: weak.slots[k]!)
            guard let expected = weakTargets[k] else {
                if let t = target { throw fail("weak \(k) should be nil, holds \(describe(t))") }
                continue
            }
            if let live = addressOf[expected] {
                if target != live { throw fail("weak \(k) should hold reachable #\(expected), holds \(target.map(describe) ?? "nil")") }
            } else if let t = target {
                // Unreachable: may still be there until a major collection, and must be intact.
                try checkContents(expected, objects[expected]!, t)
            }
        }
        // No reachable object was destroyed.
        if callbacks.destructorCalls > 0 {
            for id in order where callbacks.destroyed[UInt64(id)] != nil && destructible.contains(id) {
                throw fail("the destructor of reachable #\(id) ran")
            }
        }
        reachable = order
        slotted = withSlots
        fixedReachable = fixed
    }

    func describe(_ ref: ObjectRef) -> String {
        let name = heap.typeName(ref.typeID) ?? "type \(ref.typeID)"
        if let t = fixedTypes.first(where: { $0.type.id == ref.typeID }) {
            return "\(name) #\(ref.load(at: t.idOffset, as: Int.self)) at 0x\(String(ref.address, radix: 16))"
        }
        return "\(name) at 0x\(String(ref.address, radix: 16))"
    }

    /// Type, id, payload, pressure, table, count and raw contents of `ref`, which should be `id`.
    func checkContents(_ id: Int, _ object: ModelObject, _ ref: ObjectRef) throws {
        switch object.kind {
        case .fixed(let t):
            let type = fixedTypes[t]
            guard ref.typeID == type.type.id else { throw fail("#\(id) should be a \(type.name), is \(describe(ref))") }
            let stamped = ref.load(at: type.idOffset, as: Int.self)
            guard stamped == id else { throw fail("#\(id) has id \(stamped) stamped") }
            let payload = ref.load(at: type.payloadOffset, as: UInt64.self)
            guard payload == object.payload else { throw fail("#\(id) has payload \(payload), model \(object.payload)") }
            if let offset = type.pressureOffset, ref.load(at: offset, as: Int.self) != object.pressure {
                throw fail("#\(id) has pressure word \(ref.load(at: offset, as: Int.self)), model \(object.pressure)")
            }
            if let offset = type.tableOffset {
                guard let base = ref.load(at: offset, as: UnsafeMutableRawPointer?.self) else { throw fail("#\(id) lost its table") }
                let slots = object.references.count - type.referenceOffsets.count
                if ReferenceTable(base: base).count != slots {
                    throw fail("#\(id)'s table has \(ReferenceTable(base: base).count) slots, model \(slots)")
                }
            }
        case .references, .bytes, .words:
            let expectedType = object.kind == .references ? referenceArray.id : object.kind == .bytes ? byteArray.id : wordArray.id
            guard ref.typeID == expectedType else { throw fail("#\(id) should be an array of type \(expectedType), is \(describe(ref))") }
            guard ref.count == object.count else { throw fail("#\(id) has \(ref.count) items, model \(object.count)") }
            if object.kind == .bytes {
                let bytes = ref.items.assumingMemoryBound(to: UInt8.self)
                try forEachSample(object.count) { i in
                    if bytes[i] != ModelRun.byte(id, i) { throw fail("#\(id) byte \(i) is \(bytes[i]), expected \(ModelRun.byte(id, i))") }
                }
            } else if object.kind == .words {
                let words = ref.items.assumingMemoryBound(to: UInt64.self)
                try forEachSample(object.count) { i in
                    if words[i] != ModelRun.word(id, i) { throw fail("#\(id) word \(i) is \(words[i]), expected \(ModelRun.word(id, i))") }
                }
            }
        }
    }

    static func byte(_ id: Int, _ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: id &* 131 &+ i &* 7 &+ 1) }
    static func word(_ id: Int, _ i: Int) -> UInt64 { UInt64(id) << 32 | UInt64(i) }

    /// All indices of a short array; for a long one the first and last 32 and a stride through the middle.
    func forEachSample(_ count: Int, _ body: (Int) throws -> Void) throws {
        var i = 0
        if count <= 96 {
            while i < count { try body(i); i += 1 }
            return
        }
        while i < 32 { try body(i); i += 1 }
        let stride = max(1, count / 64)
        while i < count - 32 { try body(i); i += stride }
        i = count - 32
        while i < count { try body(i); i += 1 }
    }

    // MARK: The end

    /// Drops every root, collects, and checks that everything died exactly once.
    func finish() throws {
        step += 1
        notes[step] = "drop everything, collect"
        heap.popRoots(to: baseMark)
        rootSlots = []
        roots = []
        for g in globals {
            do { try heap.removeGlobalRoot(g.root) } catch { throw fail("removeGlobalRoot: \(error)") }
        }
        globals = []
        if let hookRoot = callbacks.hookRoot {
            do { try heap.removeGlobalRoot(hookRoot) } catch { throw fail("removeGlobalRoot of the hook box: \(error)") }
            callbacks.hookRoot = nil
        }
        scanned.count = 0
        callbacks.scannerIDs = []
        heap.collect()
        syncHooks()
        try walk()
        if !addressOf.isEmpty { throw fail("\(addressOf.count) objects reachable with no roots") }
        for k in 0..<weak.count where heap.weakTarget(of: weak.slots[k]!) != nil {
            throw fail("weak \(k) not cleared after everything died")
        }
        var wrong: [String] = []
        for id in destructible.sorted() where callbacks.count(id) != 1 {
            wrong.append("#\(id): \(callbacks.count(id))")
        }
        if !wrong.isEmpty { throw fail("destructor counts not 1: \(wrong.prefix(10).joined(separator: ", "))") }
        if callbacks.destructorCalls != destructible.count {
            throw fail("\(callbacks.destructorCalls) destructor calls for \(destructible.count) objects")
        }
        for (id, p) in pressureOf.sorted(by: { $0.key < $1.key }) where callbacks.pressureRead[UInt64(id)] != p {
            throw fail("the destructor of #\(id) read pressure \(String(describing: callbacks.pressureRead[UInt64(id)])), reported \(p)")
        }
        try checkCounters()
        if heap.statistics.rawBytes != 0 { throw fail("rawBytes \(heap.statistics.rawBytes) after every destructor ran") }
        try verifyHeap()
        for token in scannerTokens { heap.removeRootScanner(token) }
        scannerTokens = []
        weak.count = 0
        weakTargets = []
        heap.collect()
        syncHooks()
        if heap.oldGenerationBytes != 0 { throw fail("old generation holds \(heap.oldGenerationBytes) bytes after everything died") }
        let s = heap.statistics
        if s.largeObjectBytes != 0 || s.arenaBytesUsed != 0 {
            throw fail("large objects \(s.largeObjectBytes) bytes, arena cells \(s.arenaBytesUsed) bytes after everything died")
        }
        try verifyHeap()
        try checkCounters()
    }
}
