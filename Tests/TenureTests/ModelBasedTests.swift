// Model-based random tests: long random sequences of what a runtime does
// (allocate objects and arrays of every size class, store references
// through the barrier, push, pop and overwrite roots, add and remove global
// roots, make, read and drop weak references, collect), checked after every
// step against a plain Swift model of the object graph.
//
// Objects carry a unique id in a raw word (arrays are identified by where
// they sit in the graph: one address per id, one id per address). After each
// step the heap graph is walked from the real root slots alongside the model
// graph from the model roots: every reachable object must have the type,
// id, payload, fields and items the model says. Weak references to
// reachable objects must point at the right object; weak references to
// unreachable ones may point at it until a major collection and must be nil
// after. Objects of a type with a destructor log their id when destroyed:
// a reachable one must never have been destroyed, and once everything is
// dropped and collected each must have been destroyed exactly once.
//
// Runs under `.stress` (a minor collection every few allocations, verifier
// around every collection), a small configuration, the default one, a
// 64-byte nursery (a collection at nearly every allocation) and a 16 KiB
// maximum heap that the runs grow into (a refused allocation must leave the
// heap and the model as they were), for many seeds. A failure names the seed, the configuration, the step and the
// last actions; rerun one seed with
//     TENURE_MODEL_SEED=<seed> swift test --filter ModelBasedTests
// (TENURE_MODEL_STEPS=<n> changes the length, TENURE_MODEL_SEEDS=<n> the
// number of seeds, TENURE_MODEL_TRACE=1 prints every action to stderr, which
// finds the seed and step of a run that crashes).
import SeededRandom
import Testing
@testable import Tenure
#if canImport(Glibc)
import Glibc
#endif

private enum Environment {
    static func integer(_ name: String) -> Int? {
        guard let value = getenv(name) else { return nil }
        return Int(String(cString: value))
    }
    static var trace: Bool { getenv("TENURE_MODEL_TRACE") != nil }

    /// The seeds of one configuration: `count` fixed ones, or the one in TENURE_MODEL_SEED.
    static func seeds(_ count: Int, salt: UInt64) -> [UInt64] {
        if let seed = integer("TENURE_MODEL_SEED") { return [UInt64(seed)] }
        let n = integer("TENURE_MODEL_SEEDS") ?? count
        return (0..<UInt64(n)).map { $0 &* 1_000_003 &+ salt }
    }
}

/// The run's configurations, with how many seeds and steps fit the suite's time budget.
struct ModelSetup: Sendable, CustomTestStringConvertible {
    let name: String
    let configuration: HeapConfiguration
    let steps: Int
    /// Live objects the run aims to stay under (it drops roots when above).
    let liveTarget: Int
    /// Whether arrays above the young-large limit are made (costly to walk in the default configuration).
    let bigArrayChance: Double
    /// Grow the live set until the heap refuses, then shrink it for a while (for a maximum heap size).
    var grows = false
    /// Register the types that have destructors with them. Without any, the
    /// sweep takes its other road: pages marking never reached are released unread.
    var destructors = true

    var testDescription: String { name }

    static let stress = ModelSetup(name: "stress", configuration: .stress, steps: 1500, liveTarget: 150, bigArrayChance: 0.05)
    static let small = ModelSetup(name: "small", configuration: Configs.small, steps: 1500, liveTarget: 400, bigArrayChance: 0.04)
    static let everyAllocation = ModelSetup(name: "every allocation", configuration: Configs.everyAllocation(),
                                            steps: 600, liveTarget: 100, bigArrayChance: 0.05)
    static let limited = ModelSetup(name: "limited", configuration: {
        var c = Configs.small
        c.nurserySize = 16 << 10
        c.youngLargeObjectLimit = 2 << 10
        c.maximumHeapSize = 16 << 10
        c.minimumHeapSize = 8 << 10
        return c
    }(), steps: 1000, liveTarget: 600, bigArrayChance: 0.04, grows: true)
    static let defaults = ModelSetup(name: "default", configuration: HeapConfiguration(), steps: 800, liveTarget: 400, bigArrayChance: 0.01)
    static let noDestructors = ModelSetup(name: "stress, no destructors", configuration: .stress, steps: 1500,
                                          liveTarget: 150, bigArrayChance: 0.05, destructors: false)

    func withSteps() -> Int { Environment.integer("TENURE_MODEL_STEPS") ?? steps }
}

@Suite struct ModelBasedTests {
    @Test(arguments: Environment.seeds(24, salt: 1))
    func stress(seed: UInt64) throws {
        try ModelRun(setup: .stress, seed: seed).run()
    }

    @Test(arguments: Environment.seeds(12, salt: 2))
    func small(seed: UInt64) throws {
        try ModelRun(setup: .small, seed: seed).run()
    }

    @Test(arguments: Environment.seeds(6, salt: 3))
    func defaultConfiguration(seed: UInt64) throws {
        try ModelRun(setup: .defaults, seed: seed).run()
    }

    /// A maximum heap size the runs hit: refused allocations must leave everything as it was.
    @Test(arguments: Environment.seeds(8, salt: 5))
    func limited(seed: UInt64) throws {
        try ModelRun(setup: .limited, seed: seed).run()
    }

    /// No type with a destructor: the sweep releases pages marking never reached without reading them.
    @Test(arguments: Environment.seeds(12, salt: 6))
    func withoutDestructors(seed: UInt64) throws {
        try ModelRun(setup: .noDestructors, seed: seed).run()
    }

    /// A minor collection at nearly every allocation (a 64-byte nursery).
    @Test(arguments: Environment.seeds(4, salt: 4))
    func everyAllocation(seed: UInt64) throws {
        try ModelRun(setup: .everyAllocation, seed: seed).run()
    }

    /// The generator is deterministic per seed (a failing seed can be replayed).
    @Test func generatorIsDeterministic() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
        let xs = (0..<100).map { _ in a.next() }
        #expect(xs == (0..<100).map { _ in b.next() })
        #expect(xs != (0..<100).map { _ in c.next() })
    }
}

/// One object of the model.
struct ModelObject {
    enum Kind: Equatable {
        case fixed(Int)  // index into ModelRun.fixedTypes
        case references
        case bytes
        case words
    }
    var kind: Kind
    /// Reference fields (fixed) or items (arrays of references), as ids.
    var references: [Int?]
    /// The payload word of a fixed object.
    var payload: UInt64 = 0
    /// Item count of an array.
    var count: Int = 0
}

/// Weak references the run holds, in memory of its own visited by a root scanner.
final class WeakSlots {
    let capacity = 48
    let slots: UnsafeMutablePointer<ObjectRef?>
    var count = 0
    init() {
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
    let hasDestructor: Bool
}

/// A failure found by the run: stops it.
struct ModelMismatch: Error, CustomStringConvertible {
    let description: String
}

final class ModelRun {
    let setup: ModelSetup
    let seed: UInt64
    var random: SplitMix64
    let heap: Heap
    let log = DestructorLog()
    let weak = WeakSlots()
    var weakScanner: RootScannerToken?

    // Types
    var fixedTypes: [FixedType] = []
    let referenceArray: ArrayType
    let byteArray: ArrayType
    let wordArray: ArrayType

    // The model
    var objects: [Int: ModelObject] = [:]
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

    // Result of the last walk (valid until the next allocation or collection)
    var addressOf: [Int: ObjectRef] = [:]
    var step = 0
    var history: [String] = []
    var revived = 0
    var maxLive = 0
    var limitErrors = 0
    /// While `step` is below this, a growing run drops roots instead of growing.
    var shrinkUntil = 0

    init(setup: ModelSetup, seed: UInt64) throws {
        self.setup = setup
        self.seed = seed
        random = SplitMix64(seed: seed)
        heap = try Heap(configuration: setup.configuration)
        let log = self.log
        let heap = self.heap
        var types: [FixedType] = []
        func add(_ name: String, references k: Int, destructor wanted: Bool = false) throws {
            let destructor = wanted && setup.destructors
            let idOffset = ObjectLayout.fieldOffset(k)
            let layout = TypeLayout.object(
                name, references: k, words: 2,
                destructor: destructor ? { log.record($0.load(at: idOffset, as: UInt64.self)) } : nil)
            types.append(FixedType(type: try heap.register(layout), name: name,
                                   referenceOffsets: (0..<k).map(ObjectLayout.fieldOffset),
                                   idOffset: idOffset, payloadOffset: idOffset + 8, hasDestructor: destructor))
        }
        try add("N0", references: 0)
        try add("N1", references: 1)
        try add("N2", references: 2)
        try add("N4", references: 4)
        try add("Fin", references: 2, destructor: true)
        try add("N20", references: 20)  // above the small-object limit of .stress
        try add("Fin40", references: 40, destructor: true)  // above every configuration's small-object limit
        // References at words 1 and 67: the second is past the 64-bit bitmap.
        let wideOffsets = [ObjectLayout.fieldOffset(0), ObjectLayout.fieldOffset(66)]
        types.append(FixedType(
            type: try heap.register(.object("Wide", size: 8 * 71, referenceOffsets: wideOffsets)), name: "Wide",
            referenceOffsets: wideOffsets, idOffset: ObjectLayout.fieldOffset(1),
            payloadOffset: ObjectLayout.fieldOffset(2), hasDestructor: false))
        fixedTypes = types
        referenceArray = try heap.registerArray(.array("Refs", of: .references))
        byteArray = try heap.registerArray(.array("Bytes", of: .raw(itemSize: 1)))
        // Word arrays have a destructor: item 0 holds the id in its high half.
        wordArray = try heap.registerArray(.array("Words", of: .raw(itemSize: 8), destructor: setup.destructors ? { array in
            if array.count > 0 { log.record(array.items.load(as: UInt64.self) >> 32) }
        } : nil))
        baseMark = heap.rootMark
        let weak = self.weak
        weakScanner = heap.addRootScanner { visit in
            for i in 0..<weak.count { visit(weak.slots + i) }
        }
    }

    // MARK: Running

    func run() throws {
        let steps = setup.withSteps()
        do {
            try walk()
            while step < steps {
                step += 1
                try act()
                try walk()
                maxLive = max(maxLive, addressOf.count)
                if step % 10 == 0 { try verifyHeap() }
            }
            let s = heap.statistics
            let collections = (s.minorCollections, s.majorCollections, s.destructorsRun, nextID - 1, s.largeObjectBytesPeak)
            try finish()
            if getenv("TENURE_MODEL_STATS") != nil {
                print("[model \(setup.name) seed \(seed)] \(steps) steps, \(collections.3) objects, " +
                      "\(collections.0) minor and \(collections.1) major collections, \(collections.2) destructors, " +
                      "peak large bytes \(collections.4), revived \(revived), max live \(maxLive), limit errors \(limitErrors)")
            }
        } catch let mismatch as ModelMismatch {
            Issue.record(Comment(rawValue: mismatch.description))
        }
    }

    func note(_ action: String) {
        history.append("\(step): \(action)")
        if history.count > 40 { history.removeFirst(history.count - 40) }
        if Environment.trace {
            let line = "[model \(setup.name) seed \(seed) step \(step)] \(action)\n"
            _ = line.utf8CString.withUnsafeBufferPointer { Glibc.write(2, $0.baseAddress, $0.count - 1) }
        }
    }

    func fail(_ what: String) -> ModelMismatch {
        ModelMismatch(description: """
            model mismatch: \(what)
            configuration \(setup.name), seed \(seed), step \(step) \
            (replay: TENURE_MODEL_SEED=\(seed) swift test --filter ModelBasedTests)
            last actions:
            \(history.joined(separator: "\n"))
            """)
    }

    func verifyHeap() throws {
        let problems = heap.verify()
        if !problems.isEmpty { throw fail("heap.verify(): " + problems.prefix(5).joined(separator: "; ")) }
    }

    // MARK: The walk

    /// Walks the heap from the real roots alongside the model; fills `addressOf`.
    func walk() throws {
        addressOf = [:]
        var idAt: [UInt: Int] = [:]
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
        for (k, slot) in rootSlots.enumerated() { try bind(roots[k], slot.value, "root \(k)") }
        for (k, g) in globals.enumerated() { try bind(g.id, g.root.value, "global root \(k)") }
        while let id = pending.popLast() {
            let object = objects[id]!
            let ref = addressOf[id]!
            try checkContents(id, object, ref)
            switch object.kind {
            case .fixed(let t):
                for (j, offset) in fixedTypes[t].referenceOffsets.enumerated() {
                    try bind(object.references[j], ref.loadReference(at: offset), "#\(id).field\(j)")
                }
            case .references:
                for j in 0..<object.count {
                    try bind(object.references[j], ref.loadItem(j), "#\(id)[\(j)]")
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
        for id in addressOf.keys where destructible.contains(id) && log.count(UInt64(id)) != 0 {
            throw fail("the destructor of reachable #\(id) ran")
        }
    }

    func describe(_ ref: ObjectRef) -> String {
        let name = heap.typeName(ref.typeID) ?? "type \(ref.typeID)"
        if let t = fixedTypes.first(where: { $0.type.id == ref.typeID }) {
            return "\(name) #\(ref.load(at: t.idOffset, as: Int.self)) at 0x\(String(ref.address, radix: 16))"
        }
        return "\(name) at 0x\(String(ref.address, radix: 16))"
    }

    /// Type, id, payload, count and raw contents of `ref`, which should be `id`.
    func checkContents(_ id: Int, _ object: ModelObject, _ ref: ObjectRef) throws {
        switch object.kind {
        case .fixed(let t):
            let type = fixedTypes[t]
            guard ref.typeID == type.type.id else { throw fail("#\(id) should be a \(type.name), is \(describe(ref))") }
            let stamped = ref.load(at: type.idOffset, as: Int.self)
            guard stamped == id else { throw fail("#\(id) has id \(stamped) stamped") }
            let payload = ref.load(at: type.payloadOffset, as: UInt64.self)
            guard payload == object.payload else { throw fail("#\(id) has payload \(payload), model \(object.payload)") }
        case .references, .bytes, .words:
            let expectedType = object.kind == .references ? referenceArray.id : object.kind == .bytes ? byteArray.id : wordArray.id
            guard ref.typeID == expectedType else { throw fail("#\(id) should be an array of type \(expectedType), is \(describe(ref))") }
            guard ref.count == object.count else { throw fail("#\(id) has \(ref.count) items, model \(object.count)") }
            if object.kind == .bytes {
                let bytes = ref.items.assumingMemoryBound(to: UInt8.self)
                for i in sampleIndices(object.count) where bytes[i] != ModelRun.byte(id, i) {
                    throw fail("#\(id) byte \(i) is \(bytes[i]), expected \(ModelRun.byte(id, i))")
                }
            } else if object.kind == .words {
                let words = ref.items.assumingMemoryBound(to: UInt64.self)
                for i in sampleIndices(object.count) where words[i] != ModelRun.word(id, i) {
                    throw fail("#\(id) word \(i) is \(words[i]), expected \(ModelRun.word(id, i))")
                }
            }
        }
    }

    static func byte(_ id: Int, _ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: id &* 131 &+ i &* 7 &+ 1) }
    static func word(_ id: Int, _ i: Int) -> UInt64 { UInt64(id) << 32 | UInt64(i) }

    /// All indices of a short array; for a long one the first and last 32 and a stride through the middle.
    func sampleIndices(_ count: Int) -> [Int] {
        if count <= 96 { return Array(0..<count) }
        return Array(0..<32) + Array(stride(from: 32, to: count - 32, by: max(1, count / 64))) + Array(count - 32..<count)
    }

    // MARK: Choosing

    var reachableIDs: [Int] { addressOf.keys.sorted() }

    func pickReachable() -> Int? {
        let ids = reachableIDs
        return ids.isEmpty ? nil : ids[random.below(ids.count)]
    }

    /// A reachable object with at least one reference slot, and one of its slots.
    func pickSlot() -> (id: Int, slot: Int)? {
        let candidates = reachableIDs.filter { !(objects[$0]!.references.isEmpty) }
        guard !candidates.isEmpty else { return nil }
        let id = candidates[random.below(candidates.count)]
        return (id, random.below(objects[id]!.references.count))
    }

    func pickValue() -> Int? { random.chance(0.15) ? nil : pickReachable() }

    /// An array length: mostly short, sometimes at the configuration's limits.
    func arrayLength(itemSize: Int) -> Int {
        let c = setup.configuration
        let r = random.below(100)
        if r < 65 { return random.below(7) }
        if r < 85 { return random.below(c.smallObjectLimit / itemSize + 6) }
        if r < 95 { return c.cardSize * (1 + random.below(3)) + random.below(3) - 1 }
        if random.chance(setup.bigArrayChance * 10) {
            // Around the young-large limit, or above it.
            let limit = (c.youngLargeObjectLimit - ObjectLayout.arrayItemsOffset) / itemSize
            return limit + random.below(7) - 3
        }
        return random.below(12)
    }

    // MARK: Actions

    func act() throws {
        do {
            try randomAction()
        } catch HeapError.heapLimitExceeded(let requested, let used, let limit) {
            // Refused allocations leave the heap as it was; drop some roots to make room.
            limitErrors += 1
            shrinkUntil = step + 30
            note("heap limit exceeded (\(requested) bytes requested, \(used) used, limit \(limit))")
            guard setup.configuration.maximumHeapSize != nil else { throw fail("heapLimitExceeded without a maximum heap size") }
            popRoots()
        } catch let error as HeapError {
            throw fail("unexpected \(error)")
        }
    }

    func randomAction() throws {
        let live = addressOf.count
        let crowded = live > setup.liveTarget
        if setup.grows {
            if step < shrinkUntil {
                if random.chance(0.3) { return popRoots() }
            } else if random.chance(0.3) {
                return try allocateIntoSlot()
            }
        }
        let r = random.below(1000)
        switch r {
        case 0..<90: try allocateToRoot()
        case 90..<260: try allocateIntoSlot()
        case 260..<460: write()
        case 460..<520: setRoot()
        case 520..<(crowded ? 640 : 560): popRoots()
        case 640..<680: pushExisting()
        case 680..<720: try globalRootAction()
        case 720..<780: try makeWeak()
        case 780..<800: dropWeak()
        case 800..<830: readWeak()
        case 830..<870: writePayload()
        case 870..<905:
            note("collectMinor")
            heap.collectMinor()
        case 905..<920: try collectMajor()
        case 920..<960: try garbage()
        default:
            if crowded { popRoots() } else { try allocateToRoot() }
        }
    }

    /// Allocates an object of a random kind; the caller must root it before allocating again.
    func allocateRandom(into id: Int) throws -> (ObjectRef, ModelObject) {
        let r = random.below(100)
        if r < 60 {
            let t = random.below(fixedTypes.count)
            let type = fixedTypes[t]
            let o = try heap.allocate(type.type)
            o.store(id, at: type.idOffset)
            let payload = random.next()
            o.store(payload, at: type.payloadOffset)
            if type.hasDestructor { destructible.insert(id) }
            return (o, ModelObject(kind: .fixed(t), references: Array(repeating: nil, count: type.referenceOffsets.count),
                                   payload: payload))
        } else if r < 85 {
            let n = arrayLength(itemSize: 8)
            let a = try heap.allocateArray(referenceArray, count: n)
            return (a, ModelObject(kind: .references, references: Array(repeating: nil, count: n), count: n))
        } else if r < 93 {
            let n = arrayLength(itemSize: 1)
            let a = try heap.allocateArray(byteArray, count: n)
            let bytes = a.items.assumingMemoryBound(to: UInt8.self)
            for i in 0..<n { bytes[i] = ModelRun.byte(id, i) }
            return (a, ModelObject(kind: .bytes, references: [], count: n))
        } else {
            let n = arrayLength(itemSize: 8)
            let a = try heap.allocateArray(wordArray, count: n)
            let words = a.items.assumingMemoryBound(to: UInt64.self)
            for i in 0..<n { words[i] = ModelRun.word(id, i) }
            if n > 0 && setup.destructors { destructible.insert(id) }
            return (a, ModelObject(kind: .words, references: [], count: n))
        }
    }

    func kindName(_ m: ModelObject) -> String {
        switch m.kind {
        case .fixed(let t): return fixedTypes[t].name
        case .references: return "Refs[\(m.count)]"
        case .bytes: return "Bytes[\(m.count)]"
        case .words: return "Words[\(m.count)]"
        }
    }

    func allocateToRoot() throws {
        guard rootSlots.count < 40 else { return popRoots() }
        let id = nextID
        nextID += 1
        let (ref, model) = try allocateRandom(into: id)
        objects[id] = model
        rootSlots.append(heap.pushRoot(ref))
        roots.append(id)
        note("allocate #\(id) \(kindName(model)) into root \(roots.count - 1)")
    }

    /// The runtime's usual pattern: hold the parent in a root, allocate, store the new object into the parent.
    func allocateIntoSlot() throws {
        guard let (parent, slot) = pickSlot() else { return try allocateToRoot() }
        let id = nextID
        nextID += 1
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let parentRoot = heap.pushRoot(addressOf[parent]!)
        let (ref, model) = try allocateRandom(into: id)
        objects[id] = model
        let viaField = random.chance(0.2)
        store(ref, into: parentRoot.object, parent: parent, slot: slot, viaField: viaField)
        objects[parent]!.references[slot] = id
        note("allocate #\(id) \(kindName(model)) into #\(parent).\(slot)\(viaField ? " (field store)" : "")")
    }

    /// Stores through the barrier: `storeReference` for fields, `storeItem` (or a field store
    /// at the item's offset) for arrays. The caller updates the model.
    func store(_ value: ObjectRef?, into ref: ObjectRef, parent: Int, slot: Int, viaField: Bool) {
        switch objects[parent]!.kind {
        case .fixed(let t):
            heap.storeReference(value, into: ref, at: fixedTypes[t].referenceOffsets[slot])
        case .references:
            if viaField {
                heap.storeReference(value, into: ref, at: ObjectLayout.arrayItemsOffset + 8 * slot)
            } else {
                heap.storeItem(value, into: ref, at: slot)
            }
        case .bytes, .words:
            preconditionFailure("no reference slots")
        }
    }

    func write() {
        guard let (parent, slot) = pickSlot() else { return }
        let value = pickValue()
        let viaField = random.chance(0.15)
        store(value.map { addressOf[$0]! }, into: addressOf[parent]!, parent: parent, slot: slot, viaField: viaField)
        objects[parent]!.references[slot] = value
        note("write #\(parent).\(slot) = \(value.map { "#\($0)" } ?? "nil")\(viaField ? " (field store)" : "")")
    }

    func setRoot() {
        guard !roots.isEmpty else { return }
        let k = random.below(roots.count)
        let value = pickValue()
        rootSlots[k].value = value.map { addressOf[$0]! }
        roots[k] = value
        note("root \(k) = \(value.map { "#\($0)" } ?? "nil")")
    }

    func popRoots() {
        guard !roots.isEmpty else { return }
        let n = 1 + random.below(min(4, roots.count))
        if random.chance(0.5) {
            heap.popRoots(n)
        } else {
            heap.popRoots(to: RootMark(top: rootSlots[rootSlots.count - n].slot))
        }
        rootSlots.removeLast(n)
        roots.removeLast(n)
        note("pop \(n) roots")
    }

    func pushExisting() {
        guard rootSlots.count < 40, let id = pickReachable() else { return }
        rootSlots.append(heap.pushRoot(addressOf[id]!))
        roots.append(id)
        note("push #\(id)")
    }

    func globalRootAction() throws {
        let r = random.below(3)
        if r == 0 && globals.count < 4 {
            let id = pickValue()
            globals.append((heap.addGlobalRoot(id.map { addressOf[$0]! }), id))
            note("add global \(globals.count - 1) = \(id.map { "#\($0)" } ?? "nil")")
        } else if r == 1 && !globals.isEmpty {
            let k = random.below(globals.count)
            do {
                try heap.removeGlobalRoot(globals[k].root)
            } catch {
                throw fail("removeGlobalRoot: \(error)")
            }
            globals.remove(at: k)
            note("remove global \(k)")
        } else if !globals.isEmpty {
            let k = random.below(globals.count)
            let id = pickValue()
            globals[k].root.value = id.map { addressOf[$0]! }
            globals[k].id = id
            note("global \(k) = \(id.map { "#\($0)" } ?? "nil")")
        }
    }

    func makeWeak() throws {
        guard weak.count < weak.capacity else { return dropWeak() }
        let target = random.chance(0.05) ? nil : pickReachable()
        let w = try heap.makeWeakReference(to: target.map { addressOf[$0]! })
        weak.slots[weak.count] = w
        weak.count += 1
        weakTargets.append(target)
        note("weak \(weak.count - 1) -> \(target.map { "#\($0)" } ?? "nil")")
    }

    func dropWeak() {
        guard weak.count > 0 else { return }
        let k = random.below(weak.count)
        weak.slots[k] = weak.slots[weak.count - 1]
        weak.slots[weak.count - 1] = nil
        weak.count -= 1
        weakTargets[k] = weakTargets[weakTargets.count - 1]
        weakTargets.removeLast()
        note("drop weak \(k)")
    }

    /// Reads a weak reference and roots its target: an unreachable object comes back.
    func readWeak() {
        guard weak.count > 0, rootSlots.count < 40 else { return }
        let k = random.below(weak.count)
        guard let target = heap.weakTarget(of: weak.slots[k]!), let id = weakTargets[k] else { return }
        rootSlots.append(heap.pushRoot(target))
        roots.append(id)
        if addressOf[id] == nil { revived += 1 }
        note("root weak \(k)'s target #\(id)\(addressOf[id] == nil ? " (was unreachable)" : "")")
    }

    func writePayload() {
        let fixed = reachableIDs.filter { if case .fixed = objects[$0]!.kind { return true } else { return false } }
        guard !fixed.isEmpty else { return }
        let id = fixed[random.below(fixed.count)]
        guard case .fixed(let t) = objects[id]!.kind else { return }
        let payload = random.next()
        addressOf[id]!.store(payload, at: fixedTypes[t].payloadOffset)
        objects[id]!.payload = payload
        note("payload #\(id)")
    }

    /// A major collection: afterwards every unreachable object is dead, so the model forgets
    /// them and their weak references must read nil.
    func collectMajor() throws {
        note("collect")
        heap.collect()
        try walk()
        try verifyHeap()
        let dead = Set(objects.keys).subtracting(addressOf.keys)
        for k in 0..<weak.count {
            if let t = weakTargets[k], dead.contains(t) {
                if heap.weakTarget(of: weak.slots[k]!) != nil {
                    throw fail("weak \(k) to unreachable #\(t) not cleared by a major collection")
                }
                weakTargets[k] = nil
            }
        }
        for id in dead {
            if destructible.contains(id) && log.count(UInt64(id)) != 1 {
                throw fail("#\(id) died in a major collection, its destructor ran \(log.count(UInt64(id))) times")
            }
            objects[id] = nil
        }
    }

    /// Unreachable objects of every kind, enough to fill the nursery a few times in the small configurations.
    func garbage() throws {
        let n = setup.configuration.nurserySize <= 64 << 10 ? 20 + random.below(200) : 100 + random.below(2000)
        note("garbage \(n)")
        for _ in 0..<n {
            let id = nextID
            nextID += 1
            _ = try allocateRandom(into: id)
        }
    }

    // MARK: The end

    /// Drops every root, collects, and checks that everything died exactly once.
    func finish() throws {
        step += 1
        note("drop everything, collect")
        heap.popRoots(to: baseMark)
        rootSlots = []
        roots = []
        for g in globals {
            do { try heap.removeGlobalRoot(g.root) } catch { throw fail("removeGlobalRoot: \(error)") }
        }
        globals = []
        heap.collect()
        try walk()
        if !addressOf.isEmpty { throw fail("\(addressOf.count) objects reachable with no roots") }
        for k in 0..<weak.count where heap.weakTarget(of: weak.slots[k]!) != nil {
            throw fail("weak \(k) not cleared after everything died")
        }
        var wrong: [String] = []
        for id in destructible where log.count(UInt64(id)) != 1 {
            wrong.append("#\(id): \(log.count(UInt64(id)))")
        }
        if !wrong.isEmpty { throw fail("destructor counts not 1: \(wrong.prefix(10).joined(separator: ", "))") }
        if log.calls != destructible.count {
            throw fail("\(log.calls) destructor calls for \(destructible.count) objects")
        }
        try verifyHeap()
        heap.removeRootScanner(weakScanner!)
        weak.count = 0
        weakTargets = []
        heap.collect()
        if heap.oldGenerationBytes != 0 { throw fail("old generation holds \(heap.oldGenerationBytes) bytes after everything died") }
        let s = heap.statistics
        if s.largeObjectBytes != 0 || s.arenaBytesUsed != 0 {
            throw fail("large objects \(s.largeObjectBytes) bytes, arena cells \(s.arenaBytesUsed) bytes after everything died")
        }
        try verifyHeap()
    }
}
