// Differential tests: random loop programs give the same results compiled to
// x86-64 and interpreted, on heaps that collect while the loops run.
//
// Each seed generates a main loop and a few callee loops (entered with
// enterLoop) over a handful of object types: a small one, a big one (word
// offsets past 127 bytes, so disp32 encodings), one with a destructor (the
// allocation slow path) and one larger than the young-object limit in some
// configurations. Two worlds are built from the seed: the same heap
// configuration, the same types, the same constants built by the same
// seeded builder, the same loops compiled in the same order. One world runs
// the main loop natively, the other interprets it (a host whose backend is
// the interpreter, or a native host's `interpret`). The worlds must agree on
// the result (value, exit code or error), on a digest of the object graph
// reachable from the loops' constant tables and from a helper's global root
// (walked by identity, so that no address enters the digest), on the number
// of minor and major collections during the run and on the destructors run;
// each heap must verify, and the objects reached only through the main
// loop's constant table must be read back through the updated table.
//
// Seeds: TENURE_JIT_SEEDS=<n> runs seeds 1...n (default 480), or
// TENURE_JIT_SEEDS=<a>,<b>,... runs exactly those; a failure names its seed.
// This file also holds the support the other TenureJIT test files share
// (the seeded generator, root frames, the worlds, the graph digest).
import Testing
@_spi(System) @_spi(CompiledCode) @testable import Tenure
@testable import TenureJIT
import SeededRandom
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Shared support

/// The fuzzers' draws on top of the project's seeded generator.
extension SplitMix64 {
    /// A value in the range.
    mutating func inRange(_ r: ClosedRange<Int>) -> Int { r.lowerBound + below(r.count) }
    /// One element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// Integers that break careless code: the bounds, around 32-bit bounds, small ones, random ones.
    mutating func interestingInt() -> Int {
        switch below(4) {
        case 0: return pick(loopFuzzEdgeInts)
        case 1: return inRange(-5...40)
        case 2: return Int(bitPattern: UInt(next()))
        default: return Int(Int32(truncatingIfNeeded: next()))
        }
    }

    /// 32-bit immediates at and around the imm8 and imm32 bounds.
    mutating func interestingInt32() -> Int32 {
        if chance(0.5) { return pick(loopFuzzEdgeInt32s) }
        return chance(0.5) ? Int32(inRange(-200...200)) : Int32(truncatingIfNeeded: next())
    }
}

let loopFuzzEdgeInts: [Int] = [
    0, 1, -1, 2, -2, 31, 127, 128, -128, -129, Int.min, Int.max, Int.min + 1, Int.max - 1,
    Int(Int32.max), Int(Int32.min), Int(Int32.max) + 1, Int(Int32.min) - 1, Int(UInt32.max), 1 << 32, 1 << 62,
]
let loopFuzzEdgeInt32s: [Int32] = [0, 1, -1, 127, 128, -128, -129, 255, 256, Int32.max, Int32.min, Int32.max - 1, Int32.min + 1]

/// Runs `body` with `count` fresh shadow-stack slots (nil), popped afterwards
/// (`Heap.withRoots` with untyped throws, which test code finds easier).
func withTestRoots<R>(_ heap: Heap, _ count: Int, _ body: (RootFrame) throws -> R) rethrows -> R {
    let mark = heap.rootMark
    for _ in 0..<count { heap.pushRoot(nil) }
    defer { heap.popRoots(to: mark) }
    return try body(RootFrame(base: mark.top, count: count))
}

/// The result of running a loop: its value, or the error it threw.
enum LoopOutcome: Equatable, CustomStringConvertible {
    case value(Int)
    case error(JITError)

    init(_ body: () throws(JITError) -> Int) {
        do { self = .value(try body()) } catch { self = .error(error) }
    }

    var description: String {
        switch self {
        case .value(let v): return "value \(v)"
        case .error(let e): return "error \(e)"
        }
    }
}

/// Counts destructor calls.
final class LoopFuzzCounter {
    var count = 0
}

/// One object type of the fuzzed programs and where its fields are.
struct LoopFuzzShape {
    let name: String
    let type: ObjectType
    let references: [Int32]
    let words: [Int32]
}

/// What the allocating helper needs: the heap, types to allocate, a global root to keep some.
final class LoopFuzzHelperContext {
    let heap: Heap
    let pair: ObjectType
    let fin: ObjectType
    let sink: GlobalRoot
    var calls = 0
    /// For the re-entering helper: the host and a loop it runs (through `JITHost.run`).
    weak var host: JITHost?
    var reentry: GlobalRoot?
    /// For the constant-swapping helper: the main loop's token and its object slots.
    var mainToken: GlobalRoot?
    var swappable: [(slot: Int, type: ObjectType, words: [Int32])] = []

    init(heap: Heap, pair: ObjectType, fin: ObjectType, sink: GlobalRoot) {
        self.heap = heap
        self.pair = pair
        self.fin = fin
        self.sink = sink
    }
}

/// A pure helper: a wrapping mix of its two arguments.
func loopFuzzPureHelper(_ context: UnsafeMutableRawPointer?, _ a: Int, _ b: Int) -> Int {
    (a &* 0x9E37_79B1) ^ (b &+ 0x1234_5678) &- (a >> 3)
}

/// An allocating helper: makes (a & 7) + 1 objects (some with a destructor),
/// keeps one of them in the sink (a global root) when a is even, and runs a
/// minor collection when b & 7 == 7 and a major one when b & 15 == 3.
func loopFuzzAllocatingHelper(_ context: UnsafeMutableRawPointer?, _ a: Int, _ b: Int) -> Int {
    let c = Unmanaged<LoopFuzzHelperContext>.fromOpaque(context!).takeUnretainedValue()
    c.calls += 1
    let heap = c.heap
    let n = (a & 7) + 1
    var made = 0
    for i in 0..<n {
        guard let object = try? heap.allocate(i % 3 == 2 ? c.fin : c.pair) else { continue }
        made += 1
        if i % 3 != 2 {
            object.store(a &+ i, at: 24)
            object.store(b, at: 32)
        } else {
            object.store(a ^ i, at: 16)
        }
        if a & 1 == 0 && i == n - 1 {
            // sink.ref0 = new; new.ref0 = old sink.ref0 (every other time), so the sink holds short chains.
            let sink = c.sink.object
            if b & 2 == 0 { heap.storeReference(sink.loadReference(at: 8), into: object, at: 8) }
            heap.storeReference(object, into: sink, at: 8)
        }
    }
    if b & 7 == 7 { heap.collectMinor() }
    if b & 15 == 3 { heap.collect() }
    return made &+ (b & 0xFF) &* 3
}

/// A re-entering helper: runs the loop in the context's `reentry` root with (a, b)
/// through `JITHost.run` (compiled code called from Swift called from compiled code).
func loopFuzzReenteringHelper(_ context: UnsafeMutableRawPointer?, _ a: Int, _ b: Int) -> Int {
    let c = Unmanaged<LoopFuzzHelperContext>.fromOpaque(context!).takeUnretainedValue()
    c.calls += 1
    guard let host = c.host, let token = c.reentry?.value else { return -3 }
    do {
        return try host.run(token, arguments: [a, b])
    } catch {
        return -4
    }
}

/// A constant-swapping helper: replaces one of the main loop's object constants
/// (chosen by b) with a new object of the same type whose words are a, a+1, ...
func loopFuzzSwappingHelper(_ context: UnsafeMutableRawPointer?, _ a: Int, _ b: Int) -> Int {
    let c = Unmanaged<LoopFuzzHelperContext>.fromOpaque(context!).takeUnretainedValue()
    c.calls += 1
    guard let host = c.host, c.mainToken?.value != nil, !c.swappable.isEmpty else { return -5 }
    let (slot, type, words) = c.swappable[Int(UInt(bitPattern: b) % UInt(c.swappable.count))]
    guard let object = try? c.heap.allocate(type) else { return -6 }
    for (k, w) in words.enumerated() { object.store(a &+ k, at: Int(w)) }
    guard (try? host.setConstant(object, of: c.mainToken!.object, slot: slot)) != nil else { return -7 }
    return slot
}

/// A heap, a host and the fuzzed programs' types and helpers.
final class LoopFuzzWorld {
    let heap: Heap
    let host: JITHost
    let shapes: [LoopFuzzShape]
    let finalized = LoopFuzzCounter()
    let context: LoopFuzzHelperContext
    let pureHelper: Int
    let allocatingHelper: Int
    let reenteringHelper: Int
    let swappingHelper: Int

    static let pairIndex = 0, bigIndex = 1, finIndex = 2, hugeIndex = 3

    init(configuration: HeapConfiguration, backend: JITBackend, loopLongevity: Int? = nil,
         generations: GenerationClock = .tracingStarts) throws {
        heap = try Heap(configuration: configuration)
        let counter = finalized
        let pair = try heap.register(.object("Pair", references: 2, words: 2))
        let big = try heap.register(.object("Big", references: 3, words: 17))
        let fin = try heap.register(.object("Fin", references: 1, words: 2, destructor: { _ in counter.count += 1 }))
        let huge = try heap.register(.object("Huge", references: 2, words: 40))
        func offsets(_ range: Range<Int>) -> [Int32] { range.map { Int32(ObjectLayout.fieldOffset($0)) } }
        shapes = [
            LoopFuzzShape(name: "Pair", type: pair, references: offsets(0..<2), words: offsets(2..<4)),
            LoopFuzzShape(name: "Big", type: big, references: offsets(0..<3), words: offsets(3..<20)),
            LoopFuzzShape(name: "Fin", type: fin, references: offsets(0..<1), words: offsets(1..<3)),
            LoopFuzzShape(name: "Huge", type: huge, references: offsets(0..<2), words: offsets(2..<42)),
        ]
        host = try JITHost(heap: heap, loopLongevity: loopLongevity, generations: generations, backend: backend)
        let sinkObject = try heap.allocate(pair)
        context = LoopFuzzHelperContext(heap: heap, pair: pair, fin: fin, sink: heap.addGlobalRoot(sinkObject))
        pureHelper = host.registerHelper(JITHelper({ c, a, b in loopFuzzPureHelper(c, a, b) }))
        let opaque = Unmanaged.passUnretained(context).toOpaque()
        allocatingHelper = host.registerHelper(JITHelper({ c, a, b in loopFuzzAllocatingHelper(c, a, b) }, context: opaque))
        reenteringHelper = host.registerHelper(JITHelper({ c, a, b in loopFuzzReenteringHelper(c, a, b) }, context: opaque))
        swappingHelper = host.registerHelper(JITHelper({ c, a, b in loopFuzzSwappingHelper(c, a, b) }, context: opaque))
        context.host = host
    }

    /// The shape of objects of type `id`, if it is one of the fuzzed types.
    func shape(of id: UInt32) -> LoopFuzzShape? { shapes.first { $0.type.id == id } }

    /// A digest of the object graph reachable from `roots`: objects numbered in
    /// the order a depth-first walk (fields in order) first reaches them, each
    /// contributing its type, raw words, and the numbers of its references; a
    /// loop token contributes the objects of its constant table (slots 1...).
    /// No address enters it.
    func digest(_ roots: [ObjectRef?]) -> [Int] {
        var numbers: [ObjectRef: Int] = [:]
        var out: [Int] = []
        var stack: [ObjectRef] = []
        func reach(_ object: ObjectRef?) -> Int {
            guard let object else { return -1 }
            if let n = numbers[object] { return n }
            let n = numbers.count
            numbers[object] = n
            stack.append(object)
            return n
        }
        for root in roots { out.append(reach(root)) }
        while let object = stack.popLast() {
            out.append(-1000 - numbers[object]!)
            out.append(Int(object.typeID))
            if object.typeID == host.tokenType.id {
                let table = host.codeSpace.record(of: object).table
                out.append(table.count)
                for i in 1..<max(table.count, 1) { out.append(reach(table[i])) }
            } else if let shape = shape(of: object.typeID) {
                for w in shape.words { out.append(object.load(at: Int(w), as: Int.self)) }
                for r in shape.references { out.append(reach(object.loadReference(at: Int(r)))) }
            } else {
                out.append(-999_999)
            }
        }
        return out
    }
}

// MARK: - Programs

/// A constant of a generated loop.
enum LoopFuzzConstant: Equatable {
    /// A new object of shape `shape`: its words, and its references as indices
    /// of the loop's constants (nil for none).
    case object(shape: Int, words: [Int], links: [Int?])
    /// The token of callee loop `index` (compiled earlier in the same world).
    case callee(Int)
}

/// A generated loop: its program, its constants (slots 1...), and what the generator knows of them.
struct LoopFuzzLoop {
    var program: LoopProgram
    var constants: [LoopFuzzConstant]
    /// Slots of the witness (an object reached only through the table) and its holder.
    var witnessSlot: Int
    var holderSlot: Int

    /// The slots of the objects the program may use, and their shapes.
    var objectSlots: [(slot: Int, shape: Int)] {
        constants.enumerated().compactMap { i, c in
            guard case .object(let shape, _, _) = c, i + 1 != witnessSlot, i + 1 != holderSlot else { return nil }
            return (i + 1, shape)
        }
    }
}

/// What the generator knows of a reference variable.
enum LoopFuzzRefState: Equatable {
    case null
    case known(Int)      // non-nil, of shape index
    case nonNil          // non-nil, type unknown (or a loop token)
    case unknown

    func meet(_ other: LoopFuzzRefState) -> LoopFuzzRefState {
        if self == other { return self }
        switch (self, other) {
        case (.known, .known), (.known, .nonNil), (.nonNil, .known): return .nonNil
        default: return .unknown
        }
    }
}

/// Generates random loop programs whose every run terminates and touches only valid fields.
struct LoopFuzzGenerator {
    var rng: SplitMix64
    let shapes: [LoopFuzzShape]
    let tokenTypeID: UInt32
    let pureHelper: Int
    let allocatingHelper: Int
    let reenteringHelper: Int
    let swappingHelper: Int

    // Per program:
    private var instructions: [LoopInstruction] = []
    private var nextLabel = 0
    private var writableInts: [Int] = []
    private var readableInts: [Int] = []
    private var counter = 0
    private var scratchRefs: [Int] = []
    private var refs: [LoopFuzzRefState] = []
    private var objectSlots: [(slot: Int, shape: Int)] = []
    private var calleeSlots: [Int] = []
    private var noTokens = false

    init(seed: UInt64, world: LoopFuzzWorld) {
        rng = SplitMix64(seed: seed)
        shapes = world.shapes
        tokenTypeID = world.host.tokenType.id
        pureHelper = world.pureHelper
        allocatingHelper = world.allocatingHelper
        reenteringHelper = world.reenteringHelper
        swappingHelper = world.swappingHelper
    }

    /// Whether the main loop may call the re-entering and swapping helpers.
    var mayReenter = false
    var maySwap = false

    private mutating func label() -> Int {
        nextLabel += 1 + rng.below(3)
        return nextLabel
    }

    /// Random constants: objects linked to each other (cycles allowed).
    private mutating func makeObjects(_ count: Int, shapeChoices: [Int]) -> [LoopFuzzConstant] {
        var result: [LoopFuzzConstant] = []
        for _ in 0..<count {
            let shape = rng.pick(shapeChoices)
            let words = shapes[shape].words.map { _ in rng.interestingInt() }
            let links: [Int?] = shapes[shape].references.map { _ in rng.chance(0.6) ? rng.below(count) : nil }
            result.append(.object(shape: shape, words: words, links: links))
        }
        return result
    }

    /// A loop: `callees` are the indices of loops it may enter; `size` the body's rough length.
    mutating func makeLoop(callees: [Int], size: ClosedRange<Int>, maxIterations: Int) -> LoopFuzzLoop {
        instructions = []
        nextLabel = rng.inRange(-1000...1000)
        // Constants: objects, callee tokens, then the witness and its holder.
        let objectCount = rng.inRange(1...5)
        var constants = makeObjects(objectCount, shapeChoices: [0, 0, 1, 2, 3])
        objectSlots = constants.enumerated().map { i, c in
            guard case .object(let shape, _, _) = c else { fatalError() }
            return (slot: i + 1, shape: shape)
        }
        calleeSlots = []
        for callee in callees where rng.chance(0.8) {
            constants.append(.callee(callee))
            calleeSlots.append(constants.count)
        }
        let witness = LoopFuzzConstant.object(shape: LoopFuzzWorld.bigIndex, words: shapes[LoopFuzzWorld.bigIndex].words.map { _ in rng.interestingInt() }, links: [nil, nil, nil])
        constants.append(witness)
        let witnessSlot = constants.count
        constants.append(.object(shape: LoopFuzzWorld.pairIndex, words: [7, 8], links: [witnessSlot - 1, nil]))
        let holderSlot = constants.count

        // Variables.
        let argumentCount = rng.below(5)
        let scratchIntCount = rng.inRange(2...16)
        let integerCount = argumentCount + 4 + scratchIntCount
        counter = argumentCount
        let bound = argumentCount + 1, multiplier = argumentCount + 2, accumulator = argumentCount + 3
        writableInts = Array(0..<argumentCount) + [accumulator] + Array((argumentCount + 4)..<integerCount)
        readableInts = Array(0..<integerCount)
        let anchorCount = min(objectSlots.count, rng.inRange(1...3))
        let referenceCount = anchorCount + (rng.chance(0.2) ? rng.inRange(12...24) : rng.inRange(1...6))
        scratchRefs = Array(anchorCount..<referenceCount)
        noTokens = rng.chance(0.5)

        // Every integer variable is set before use (the interpreter starts them at 0, compiled code does not).
        for v in argumentCount..<integerCount where v != counter {
            instructions.append(.setInteger(destination: v, value: rng.interestingInt()))
        }
        instructions.append(.setInteger(destination: bound, value: rng.inRange(1...maxIterations)))
        instructions.append(.setInteger(destination: multiplier, value: rng.pick([31, 0x100_0000_01B3, -7, 3])))
        instructions.append(.setInteger(destination: counter, value: 0))
        refs = [LoopFuzzRefState](repeating: .null, count: referenceCount)
        for a in 0..<anchorCount {
            let (slot, shape) = objectSlots[a]
            instructions.append(.loadConstant(destination: a, slot: slot))
            refs[a] = .known(shape)
        }
        // Most scratch variables start out holding an object (the body sees them as unknown anyway).
        for v in scratchRefs where rng.chance(0.7) {
            if rng.chance(0.5) {
                let (slot, _) = rng.pick(objectSlots)
                instructions.append(.loadConstant(destination: v, slot: slot))
            } else {
                instructions.append(.allocate(destination: v, type: shapes[rng.pick([0, 1, 2, 3])].type))
            }
        }
        // The loop: while counter < bound (or <= bound) { body; counter += 1 }, or a do-while with a
        // backward conditional branch. Nothing in the body writes the counter or the bound.
        let head = label(), exit = label()
        let doWhile = rng.chance(0.3)
        instructions.append(.label(head))
        if !doWhile {
            instructions.append(.branch(rng.chance(0.5) ? .greaterOrEqual : .greater, left: counter,
                                        right: bound, label: exit))
        }
        for s in scratchRefs { refs[s] = .unknown }
        block(depth: 0, length: rng.inRange(size))
        if doWhile {
            instructions.append(.addImmediate(destination: counter, source: counter, value: 1))
            instructions.append(.branch(.less, left: counter, right: bound, label: head))
            instructions.append(.jump(label: exit))
        } else {
            instructions.append(.addImmediate(destination: counter, source: counter, value: 1))
            instructions.append(.jump(label: head))
        }
        instructions.append(.label(exit))
        // The result: a digest of every integer variable.
        for v in 0..<integerCount where v != accumulator && v != multiplier {
            instructions.append(.arithmetic(.xor, destination: accumulator, left: accumulator, right: v))
            instructions.append(.arithmetic(.multiply, destination: accumulator, left: accumulator, right: multiplier))
        }
        instructions.append(.returnInteger(source: accumulator))
        let program = LoopProgram(integerCount: integerCount, referenceCount: referenceCount,
                                  argumentCount: argumentCount, instructions: instructions)
        return LoopFuzzLoop(program: program, constants: constants, witnessSlot: witnessSlot, holderSlot: holderSlot)
    }

    private mutating func block(depth: Int, length: Int) {
        for _ in 0..<length { instruction(depth: depth) }
    }

    private func knownWith(_ field: (LoopFuzzShape) -> [Int32]) -> [(Int, Int)] {
        refs.indices.compactMap { v in
            if case .known(let s) = refs[v], !field(shapes[s]).isEmpty { return (v, s) }
            return nil
        }
    }

    private mutating func int() -> Int { rng.pick(readableInts) }
    private mutating func writable() -> Int { rng.pick(writableInts) }

    private mutating func instruction(depth: Int) {
        let roll = rng.below(100)
        switch roll {
        case 0..<6:
            instructions.append(.setInteger(destination: writable(), value: rng.interestingInt()))
        case 6..<20:
            let op = rng.pick(ArithmeticOperation.allCases)
            instructions.append(.arithmetic(op, destination: writable(), left: int(), right: int()))
        case 20..<26:
            instructions.append(.addImmediate(destination: writable(), source: int(), value: rng.interestingInt32()))
        case 26..<34 where depth < 3:
            // if-then, or if-then-else.
            let comparison = rng.pick(Comparison.allCases)
            let left = int(), right = int()
            let before = refs
            if rng.chance(0.6) {
                let end = label()
                instructions.append(.branch(comparison, left: left, right: right, label: end))
                block(depth: depth + 1, length: rng.inRange(1...5))
                if rng.chance(0.05) { instructions.append(.returnInteger(source: int())) }
                instructions.append(.label(end))
                refs = zip(before, refs).map { $0.meet($1) }
            } else {
                let otherwise = label(), end = label()
                instructions.append(.branch(comparison, left: left, right: right, label: otherwise))
                block(depth: depth + 1, length: rng.inRange(1...4))
                let thenRefs = refs
                instructions.append(.jump(label: end))
                instructions.append(.label(otherwise))
                refs = before
                block(depth: depth + 1, length: rng.inRange(1...4))
                instructions.append(.label(end))
                refs = zip(thenRefs, refs).map { $0.meet($1) }
            }
        case 34..<38:
            let (slot, shape) = rng.pick(objectSlots)
            let d = rng.pick(scratchRefs)
            instructions.append(.loadConstant(destination: d, slot: slot))
            refs[d] = .known(shape)
        case 38..<39:
            let d = rng.pick(scratchRefs)
            if !noTokens && rng.chance(0.5) {
                // Its own token: guarded by type and stored into objects below.
                instructions.append(.loadConstant(destination: d, slot: 0))
                instructions.append(.guardType(object: d, typeID: tokenTypeID, exitCode: rng.interestingInt32()))
                refs[d] = .nonNil
            } else {
                instructions.append(.setNull(destination: d))
                refs[d] = .null
            }
        case 39..<41:
            let d = rng.pick(scratchRefs), s = rng.below(refs.count)
            instructions.append(.copyReference(destination: d, source: s))
            refs[d] = refs[s]
        case 41..<48:
            let choices = knownWith { $0.words }
            guard !choices.isEmpty else { return instruction(depth: depth) }
            let (v, s) = rng.pick(choices)
            instructions.append(.loadWord(destination: writable(), object: v, offset: rng.pick(shapes[s].words)))
        case 48..<55:
            let choices = knownWith { $0.words }
            guard !choices.isEmpty else { return instruction(depth: depth) }
            let (v, s) = rng.pick(choices)
            instructions.append(.storeWord(object: v, offset: rng.pick(shapes[s].words), source: int()))
        case 55..<60:
            let choices = knownWith { $0.references }
            guard !choices.isEmpty else { return instruction(depth: depth) }
            let (v, s) = rng.pick(choices)
            let d = rng.pick(scratchRefs)
            instructions.append(.loadReference(destination: d, object: v, offset: rng.pick(shapes[s].references)))
            refs[d] = .unknown
        case 60..<67:
            let choices = knownWith { $0.references }
            guard !choices.isEmpty else { return instruction(depth: depth) }
            let (v, s) = rng.pick(choices)
            var source = rng.below(refs.count)
            if noTokens, refs[source] == .nonNil || refs[source] == .unknown { source = v }
            instructions.append(.storeReference(object: v, offset: rng.pick(shapes[s].references), source: source))
        case 67..<71:
            // A class guard: on an unknown variable it may fail; on a known one it passes or (rarely) surely fails.
            let known = knownWith { _ in [0] }
            let v = !known.isEmpty && rng.chance(0.6) ? rng.pick(known).0 : rng.below(refs.count)
            var shape = rng.below(shapes.count)
            if case .known(let s) = refs[v], rng.chance(0.9) { shape = s }
            instructions.append(.guardType(object: v, typeID: shapes[shape].type.id, exitCode: rng.interestingInt32()))
            refs[v] = .known(shape)
        case 71..<73:
            let v = rng.below(refs.count)
            instructions.append(.guardNonNull(object: v, exitCode: rng.interestingInt32()))
            if refs[v] == .unknown || refs[v] == .null { refs[v] = .nonNil }
        case 73..<85:
            let d = rng.pick(scratchRefs)
            let shape = rng.pick([0, 0, 0, 1, 1, 2, 2, 3])
            instructions.append(.allocate(destination: d, type: shapes[shape].type))
            refs[d] = .known(shape)
        case 85..<92:
            let which = rng.below(10)
            if which < 3 {
                let arguments = (0..<rng.below(3)).map { _ in int() }
                instructions.append(.callHelper(destination: writable(), helper: pureHelper, arguments: arguments))
            } else if which == 3 && mayReenter {
                instructions.append(.callHelper(destination: writable(), helper: reenteringHelper, arguments: [int(), int()]))
            } else if which == 4 && maySwap {
                instructions.append(.callHelper(destination: writable(), helper: swappingHelper, arguments: [int(), int()]))
            } else {
                // The second argument picks the collections: the counter makes them periodic.
                let mode = rng.chance(0.5) ? counter : int()
                instructions.append(.callHelper(destination: writable(), helper: allocatingHelper, arguments: [int(), mode]))
            }
        case 92..<97 where !calleeSlots.isEmpty:
            let slot = rng.pick(calleeSlots)
            let arguments = (0..<rng.below(5)).map { _ in int() }
            instructions.append(.enterLoop(destination: writable(), slot: slot, arguments: arguments))
        default:
            instructions.append(.arithmetic(rng.pick(ArithmeticOperation.allCases), destination: writable(), left: int(), right: int()))
        }
    }
}

/// Builds a loop's constants in a world (the same objects for the same loop
/// in every world), compiles it, and returns its token; `tokens` are the
/// callees' tokens in a root frame.
func loopFuzzCompile(_ loop: LoopFuzzLoop, in world: LoopFuzzWorld, callees tokens: RootFrame) throws -> ObjectRef {
    let heap = world.heap
    return try withTestRoots(heap, loop.constants.count) { frame in
        for (i, constant) in loop.constants.enumerated() {
            switch constant {
            case .object(let shape, let words, _):
                let object = try heap.allocate(world.shapes[shape].type)
                for (w, value) in zip(world.shapes[shape].words, words) { object.store(value, at: Int(w)) }
                frame[i] = object
            case .callee(let index):
                frame[i] = tokens[index]
            }
        }
        for (i, constant) in loop.constants.enumerated() {
            guard case .object(let shape, _, let links) = constant else { continue }
            for (r, link) in zip(world.shapes[shape].references, links) {
                heap.storeReference(link.map { frame[$0] } ?? nil, into: frame[i]!, at: Int(r))
            }
        }
        return try world.host.compile(loop.program.rebound(to: world), constants: (0..<loop.constants.count).map { frame[$0] })
    }
}

extension LoopProgram {
    /// The program with every allocated type replaced by `world`'s handle of the same id:
    /// programs are generated against one world's types and run in others, and a
    /// type handle works only with the heap that registered it.
    func rebound(to world: LoopFuzzWorld) -> LoopProgram {
        var copy = self
        copy.instructions = instructions.map { instruction in
            guard case .allocate(let destination, let type) = instruction,
                  let own = world.shapes.first(where: { $0.type.id == type.id }) else { return instruction }
            return .allocate(destination: destination, type: own.type)
        }
        return copy
    }
}

// MARK: - The differential test

/// What one world saw running a seed's main loop.
struct LoopFuzzObservation: Equatable {
    var outcome: LoopOutcome
    var secondOutcome: LoopOutcome
    var digest: [Int]
    var minorCollections: Int
    var majorCollections: Int
    var destructorsRun: Int
    var finalized: Int
    var helperCalls: Int
    var witnessReadBack: Bool
    var witnessMoved: Bool
    var problems: [String]
}

/// One seed: its configuration, its loops, and the arguments of the main loop.
struct LoopFuzzCase {
    let seed: UInt64
    let configuration: HeapConfiguration
    let interpretOnNativeHost: Bool
    var callees: [LoopFuzzLoop] = []
    var main: LoopFuzzLoop
    var arguments: [Int]

    var configurationSummary: String {
        "nursery \(configuration.nurserySize), minimum heap \(configuration.minimumHeapSize ?? -1), debugLevel \(configuration.debugLevel), young large limit \(configuration.youngLargeObjectLimit), page \(configuration.pageSize), small limit \(configuration.smallObjectLimit)"
    }
}

enum LoopFuzz {
    static func configuration(_ rng: inout SplitMix64) -> HeapConfiguration {
        var c = HeapConfiguration()
        c.nurserySize = rng.pick([4 << 10, 4 << 10, 8 << 10, 16 << 10, 64 << 10])
        c.minimumHeapSize = rng.pick([8 << 10, 16 << 10, 32 << 10, 64 << 10])
        c.debugLevel = rng.pick([0, 0, 1, 2])
        // Young objects bigger than the limit are young large objects (the slow path): all of them at 32.
        c.youngLargeObjectLimit = rng.pick([32, 256, 256, c.nurserySize, c.nurserySize])
        if rng.chance(0.3) {
            // Tiny pages and arenas: the big types are large objects once old.
            c.pageSize = 1024
            c.arenaSize = max(4096, VirtualMemory.pageSize)
            c.smallObjectLimit = 128
            c.cardSize = 4
        }
        c.shadowStackCapacity = 1 << 14
        return c
    }

    /// The seeds to run: TENURE_JIT_SEEDS=<n> or a comma-separated list, else 1...count.
    static func seeds(default count: Int) -> [UInt64] {
        if let text = getenv("TENURE_JIT_SEEDS").map({ String(cString: $0) }) {
            let parts = text.split(separator: ",").compactMap { UInt64($0.filter { $0 != " " }) }
            if parts.count == 1, !text.contains(",") { return (1...max(parts[0], 1)).map { $0 } }
            if !parts.isEmpty { return parts }
        }
        return (1...UInt64(count)).map { $0 }
    }

    /// Generates the loops of `seed` against the types of `world` (the same ids in every world).
    static func makeCase(seed: UInt64) throws -> LoopFuzzCase {
        var rng = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D)
        let configuration = configuration(&rng)
        let probe = try LoopFuzzWorld(configuration: configuration, backend: .interpreter)
        var generator = LoopFuzzGenerator(seed: rng.next(), world: probe)
        // Callees: two leaves, then one that may enter the leaves.
        let calleeCount = rng.below(4)
        var callees: [LoopFuzzLoop] = []
        for i in 0..<calleeCount {
            let enterable = i >= 2 ? Array(0..<2) : []
            callees.append(generator.makeLoop(callees: enterable, size: 2...14, maxIterations: 8))
        }
        generator.mayReenter = calleeCount > 0
        generator.maySwap = true
        let main = generator.makeLoop(callees: Array(0..<calleeCount), size: 8...48, maxIterations: 40)
        return LoopFuzzCase(seed: seed, configuration: configuration, interpretOnNativeHost: rng.chance(0.5),
                            callees: callees, main: main, arguments: (0..<rng.below(5)).map { _ in rng.interestingInt() })
    }

    /// Builds a world for `fuzzCase`, compiles its loops, runs the main loop and observes.
    static func observe(_ fuzzCase: LoopFuzzCase, backend: JITBackend, interpret: Bool) throws -> LoopFuzzObservation {
        let world = try LoopFuzzWorld(configuration: fuzzCase.configuration, backend: backend)
        let heap = world.heap
        let host = world.host
        return try withTestRoots(heap, fuzzCase.callees.count + 1) { tokens in
            for (i, callee) in fuzzCase.callees.enumerated() {
                tokens[i] = try loopFuzzCompile(callee, in: world, callees: tokens)
            }
            let mainIndex = fuzzCase.callees.count
            tokens[mainIndex] = try loopFuzzCompile(fuzzCase.main, in: world, callees: tokens)
            if mainIndex > 0 { world.context.reentry = heap.addGlobalRoot(tokens[0]) }
            world.context.mainToken = heap.addGlobalRoot(tokens[mainIndex])
            world.context.swappable = fuzzCase.main.objectSlots.map {
                ($0.slot, world.shapes[$0.shape].type, world.shapes[$0.shape].words)
            }
            let witnessAddress = host.constant(of: tokens[mainIndex]!, slot: fuzzCase.main.witnessSlot)?.address
            // Everything allocated so far is old: the run starts from a promoted graph with a clean nursery.
            if fuzzCase.seed % 2 == 0 { heap.collectMinor() }
            let before = heap.statistics
            let outcome = LoopOutcome { () throws(JITError) -> Int in
                interpret ? try host.interpret(tokens[mainIndex]!, arguments: fuzzCase.arguments)
                          : try host.run(tokens[mainIndex]!, arguments: fuzzCase.arguments)
            }
            // Once more, on the heap the first run left, with other arguments.
            let again = LoopOutcome { () throws(JITError) -> Int in
                let arguments = fuzzCase.arguments.map { $0 &+ 1 }
                return interpret ? try host.interpret(tokens[mainIndex]!, arguments: arguments)
                                 : try host.run(tokens[mainIndex]!, arguments: arguments)
            }
            let after = heap.statistics
            var problems = heap.verify()
            let main = tokens[mainIndex]!
            // The witness is reached only through the main loop's table, directly and through its holder.
            let witness = host.constant(of: main, slot: fuzzCase.main.witnessSlot)
            let holder = host.constant(of: main, slot: fuzzCase.main.holderSlot)
            var witnessReadBack = witness != nil && holder?.loadReference(at: 8) == witness
                && holder?.typeID == world.shapes[LoopFuzzWorld.pairIndex].type.id
                && witness?.typeID == world.shapes[LoopFuzzWorld.bigIndex].type.id
            if case .object(_, let words, _) = fuzzCase.main.constants[fuzzCase.main.witnessSlot - 1], let witness {
                for (w, value) in zip(world.shapes[LoopFuzzWorld.bigIndex].words, words) where witness.load(at: Int(w), as: Int.self) != value {
                    witnessReadBack = false
                }
            }
            let roots = (0...mainIndex).map { tokens[$0] } + [world.context.sink.value]
            let digest = world.digest(roots)
            heap.collect()
            problems += heap.verify()
            // The graph is the same after a full collection moved everything young.
            if world.digest((0...mainIndex).map { tokens[$0] } + [world.context.sink.value]) != digest {
                problems.append("the graph digest changed across a major collection")
            }
            return LoopFuzzObservation(
                outcome: outcome, secondOutcome: again, digest: digest,
                minorCollections: after.minorCollections - before.minorCollections,
                majorCollections: after.majorCollections - before.majorCollections,
                destructorsRun: heap.statistics.destructorsRun, finalized: world.finalized.count,
                helperCalls: world.context.calls, witnessReadBack: witnessReadBack,
                witnessMoved: witness?.address != witnessAddress, problems: problems)
        }
    }
}

/// Totals over a batch of seeds.
final class LoopFuzzTotals {
    var programs = 0
    var minor = 0
    var major = 0
    var errors = 0
    var witnessesMoved = 0
    /// Results that fit 32 bits: (nearly always) a guard's exit code rather than the digest.
    var exits = 0
}

@Suite struct DifferentialTests {
    static let batches: [[UInt64]] = {
        let seeds = LoopFuzz.seeds(default: 480)
        let size = max(1, (seeds.count + 15) / 16)
        return stride(from: 0, to: seeds.count, by: size).map { Array(seeds[$0..<min($0 + size, seeds.count)]) }
    }()

    @Test(arguments: 0..<batches.count)
    func compiledAndInterpretedAgree(batch: Int) throws {
        let totals = LoopFuzzTotals()
        for seed in Self.batches[batch] {
            let fuzzCase = try LoopFuzz.makeCase(seed: seed)
            let native = try LoopFuzz.observe(fuzzCase, backend: .native, interpret: false)
            let reference = try LoopFuzz.observe(fuzzCase, backend: fuzzCase.interpretOnNativeHost ? .native : .interpreter,
                                                 interpret: fuzzCase.interpretOnNativeHost)
            let label = "seed \(seed) (TENURE_JIT_SEEDS=\(seed),\(seed)) [\(fuzzCase.configurationSummary)]"
            #expect(native.outcome == reference.outcome, "\(label): compiled \(native.outcome), interpreted \(reference.outcome)")
            #expect(native.secondOutcome == reference.secondOutcome,
                    "\(label): second run: compiled \(native.secondOutcome), interpreted \(reference.secondOutcome)")
            if native.digest != reference.digest {
                let firstDifference = zip(native.digest, reference.digest).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(native.digest.count, reference.digest.count)
                Issue.record("\(label): object graphs differ (\(native.digest.count) and \(reference.digest.count) entries, first difference at \(firstDifference))")
            }
            if fuzzCase.interpretOnNativeHost {
                // Same code bytes reported as memory pressure: the same collections at the same points.
                #expect(native.minorCollections == reference.minorCollections, "\(label): minor collections")
                #expect(native.majorCollections == reference.majorCollections, "\(label): major collections")
            }
            #expect(native.destructorsRun == reference.destructorsRun, "\(label): destructors run")
            #expect(native.finalized == reference.finalized, "\(label): Fin destructors")
            #expect(native.helperCalls == reference.helperCalls, "\(label): helper calls")
            #expect(native.witnessReadBack, "\(label): compiled: the witness constant was not read back through the table")
            #expect(reference.witnessReadBack, "\(label): interpreted: the witness constant was not read back through the table")
            #expect(native.problems.isEmpty, "\(label): compiled: \(native.problems.prefix(5))")
            #expect(reference.problems.isEmpty, "\(label): interpreted: \(reference.problems.prefix(5))")
            totals.programs += 1
            if native.witnessMoved { totals.witnessesMoved += 1 }
            totals.minor += native.minorCollections
            totals.major += native.majorCollections
            switch native.outcome {
            case .value(let v) where Int32(exactly: v) != nil: totals.exits += 1
            case .value: break
            case .error: totals.errors += 1
            }
        }
        // Across a batch, loops ran through minor and major collections.
        #expect(totals.minor > 0, "batch \(batch): no minor collection while the loops ran")
        #expect(totals.major > 0, "batch \(batch): no major collection while the loops ran")
        #expect(totals.witnessesMoved > 0, "batch \(batch): no witness constant moved")
        if getenv("TENURE_JIT_STATS") != nil {
            print("batch \(batch): \(totals.programs) programs, \(totals.minor) minor and \(totals.major) major collections during runs, \(totals.exits) guard exits, \(totals.errors) errors, \(totals.witnessesMoved) witnesses moved")
        }
    }
}
