// Compiled loops under a model: random sequences of what a runtime with a
// JIT does (allocate boxes, compile small loops whose GC constants are boxes
// and other loops' tokens, link boxes and tokens, replace constants, run the
// loops natively and in the interpreter, let generations pass, collect),
// checked after every step against a plain Swift model, as the collector's
// own model tests do (Tests/TenureTests/ModelBasedTests.swift).
//
// A box has a next field, an id and a payload. A loop is one of four
// templates: `sum` adds its constant boxes' payloads, `chain` follows next
// fields from its constant box summing ids, `build` allocates boxes in the
// loop and pushes each onto its constant box's list (compiled allocation and
// compiled barrier stores into an object that may be old), `enter` enters
// the loop in its constant slot. The model computes every run's result (and
// build's new boxes) from its own graph; the walk checks every reachable
// box, and every reachable token's loop id and constant table
// (`JITHost.constant(of:slot:)`), slot 0 being the token itself. Loops the
// model reaches must never be freed; at the end everything is dropped, the
// generations move past the longevity, and every loop must be freed and the
// old generation empty. Each seed draws its own heap layout (nursery,
// young-large limit, page, arena, small-object limit, card size, checked
// mode) and loop longevity. A failure is shrunk (delta debugging over the
// recorded actions, replayed on fresh heaps) and printed as a
// `ModelJITRun.replay` call; TENURE_MODEL_SEED, TENURE_MODEL_SEEDS,
// TENURE_MODEL_SCALE, TENURE_MODEL_STEPS and TENURE_MODEL_SHRINK=0 work as
// for the collector's model tests.
import SeededRandom
import Testing
@_spi(System) @_spi(CompiledCode) @testable import Tenure
@testable import TenureJIT
#if canImport(Glibc)
import Glibc
#endif

/// What a loop does with its constants.
enum ModelJITTemplate: Equatable, Sendable {
    /// The payloads of constant boxes 1...k (k = 1 to 3) added; -s when slot s is not a box.
    case sum(Int)
    /// From constant box 1, `a` steps along next fields adding ids; -1000 at a non-box.
    case chain
    /// `a` new boxes (ids b, b+1, ..., payloads 0, 1, ...) pushed onto constant box 1's list; -1 when it is not a box.
    case build
    /// Enters the loop in constant slot 1 with (a, b) and adds 1.
    case enter

    var constantCount: Int {
        if case .sum(let k) = self { return k }
        return 1
    }

    var program: (ObjectType) -> LoopProgram {
        switch self {
        case .sum(let k):
            return { box in
                var code: [LoopInstruction] = [.setInteger(destination: 0, value: 0)]
                for s in 1...k {
                    code += [.loadConstant(destination: 0, slot: s), .guardType(object: 0, typeID: box.id, exitCode: Int32(-s)),
                             .loadWord(destination: 1, object: 0, offset: 24), .arithmetic(.add, destination: 0, left: 0, right: 1)]
                }
                code.append(.returnInteger(source: 0))
                return LoopProgram(integerCount: 4, referenceCount: 1, argumentCount: 2, instructions: code)
            }
        case .chain:
            return { box in
                LoopProgram(integerCount: 5, referenceCount: 1, argumentCount: 2, instructions: [
                    .setInteger(destination: 2, value: 0), .setInteger(destination: 3, value: 0),
                    .loadConstant(destination: 0, slot: 1),
                    .label(0),
                    .branch(.greaterOrEqual, left: 3, right: 0, label: 1),
                    .guardType(object: 0, typeID: box.id, exitCode: -1000),
                    .loadWord(destination: 4, object: 0, offset: 16),
                    .arithmetic(.add, destination: 2, left: 2, right: 4),
                    .loadReference(destination: 0, object: 0, offset: 8),
                    .addImmediate(destination: 3, source: 3, value: 1),
                    .jump(label: 0),
                    .label(1),
                    .returnInteger(source: 2),
                ])
            }
        case .build:
            return { box in
                LoopProgram(integerCount: 5, referenceCount: 3, argumentCount: 2, instructions: [
                    .setInteger(destination: 2, value: 0),
                    .loadConstant(destination: 0, slot: 1),
                    .guardType(object: 0, typeID: box.id, exitCode: -1),
                    .label(0),
                    .branch(.greaterOrEqual, left: 2, right: 0, label: 1),
                    .allocate(destination: 1, type: box),
                    .arithmetic(.add, destination: 4, left: 1, right: 2),
                    .storeWord(object: 1, offset: 16, source: 4),
                    .storeWord(object: 1, offset: 24, source: 2),
                    .loadReference(destination: 2, object: 0, offset: 8),
                    .storeReference(object: 1, offset: 8, source: 2),
                    .storeReference(object: 0, offset: 8, source: 1),
                    .addImmediate(destination: 2, source: 2, value: 1),
                    .jump(label: 0),
                    .label(1),
                    .returnInteger(source: 2),
                ])
            }
        case .enter:
            return { _ in
                LoopProgram(integerCount: 3, referenceCount: 0, argumentCount: 2, instructions: [
                    .enterLoop(destination: 2, slot: 1, arguments: [0, 1]),
                    .addImmediate(destination: 2, source: 2, value: 1),
                    .returnInteger(source: 2),
                ])
            }
        }
    }
}

/// Where a new box goes.
enum ModelJITPlace: Equatable, Sendable {
    case root
    /// Into the next field of box #n (held in a root while allocating).
    case next(of: Int)
}

/// One step of a JIT model run; objects are named by model id.
enum ModelJITAction: Equatable, Sendable, CustomStringConvertible {
    case box(Int, payload: UInt64, to: ModelJITPlace)
    /// Compiles loop #id with these constants (slots 1...) and pushes its token.
    case compile(Int, ModelJITTemplate, constants: [Int?])
    /// Box #box's next field = #value (a box or a token).
    case link(Int, Int?)
    case setConstant(Int, slot: Int, Int?)
    /// Runs loop #token with (a, b), natively (`run`) or in the interpreter.
    case run(Int, Int, Int, interpret: Bool)
    case popRoots(Int)
    case setRoot(Int, Int?)
    /// `count` unreachable boxes.
    case garbage(Int)
    /// `count` starts of tracing: generations pass, the memory manager drops stale loops.
    case startTracing(Int)
    case collectMinor
    case collect

    var description: String {
        func id(_ i: Int?) -> String { i.map(String.init) ?? "nil" }
        switch self {
        case let .box(i, payload, place):
            let to: String
            switch place {
            case .root: to = ".root"
            case .next(let p): to = ".next(of: \(p))"
            }
            return ".box(\(i), payload: 0x\(String(payload, radix: 16)), to: \(to))"
        case let .compile(i, template, constants):
            return ".compile(\(i), .\(template), constants: [\(constants.map(id).joined(separator: ", "))])"
        case let .link(b, v): return ".link(\(b), \(id(v)))"
        case let .setConstant(t, slot, v): return ".setConstant(\(t), slot: \(slot), \(id(v)))"
        case let .run(t, a, b, interpret): return ".run(\(t), \(a), \(b), interpret: \(interpret))"
        case let .popRoots(n): return ".popRoots(\(n))"
        case let .setRoot(k, v): return ".setRoot(\(k), \(id(v)))"
        case let .garbage(n): return ".garbage(\(n))"
        case let .startTracing(n): return ".startTracing(\(n))"
        case .collectMinor: return ".collectMinor"
        case .collect: return ".collect"
        }
    }
}

struct ModelJITObject {
    enum Kind: Equatable {
        case box(payload: UInt64)
        case loop(ModelJITTemplate, loopID: Int)
    }
    var kind: Kind
    /// A box's next field, or a loop's constants (slots 1...).
    var references: [Int?]
}

struct ModelJITMismatch: Error, CustomStringConvertible {
    let what: String
    let description: String
    let step: Int
}

final class ModelJITRun {
    let layoutSeed: UInt64
    let configuration: HeapConfiguration
    let longevity: Int
    var random: SplitMix64
    let heap: Heap
    let host: JITHost
    let box: ObjectType

    var objects: [Int: ModelJITObject] = [:]
    var nextID = 1
    var roots: [Int?] = []
    var rootSlots: [Root] = []
    let baseMark: RootMark
    var addressOf: [Int: ObjectRef] = [:]
    var reachable: [Int] = []
    var step = 0
    var recorded: [ModelJITAction] = []
    var verifyEvery = 10
    var runs = 0

    /// The heap layout and loop longevity drawn from `layoutSeed`.
    static func layout(_ seed: UInt64) -> (HeapConfiguration, Int) {
        var r = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ 0x4a49_54)
        var c = HeapConfiguration()
        c.pageSize = 256 << r.below(6)
        c.arenaSize = max(c.pageSize, VirtualMemory.pageSize) << r.below(3)
        let largestSmall = (c.pageSize - OldSpace.pageHeaderSize) / 2
        c.smallObjectLimit = 16 + 8 * r.below((largestSmall - 16) / 8 + 1)
        c.nurserySize = max(64, ((1 << (6 + r.below(10))) + r.below(1 << 10)) & ~7)
        c.youngLargeObjectLimit = 16 + r.below(c.nurserySize - 15)
        c.cardSize = 1 << r.below(8)
        c.minimumHeapSize = r.chance(0.5) ? nil : 4096 << r.below(6)
        c.debugLevel = 1 + r.below(2)
        c.shadowStackCapacity = 1 << 12
        c.checked = r.chance(0.25)
        return (c, 1 + r.below(6))
    }

    static func describe(_ c: HeapConfiguration, longevity: Int) -> String {
        "nurserySize \(c.nurserySize), youngLargeObjectLimit \(c.youngLargeObjectLimit), pageSize \(c.pageSize), " +
            "arenaSize \(c.arenaSize), smallObjectLimit \(c.smallObjectLimit), cardSize \(c.cardSize), " +
            "minimumHeapSize \(c.minimumHeapSize.map(String.init) ?? "nil"), debugLevel \(c.debugLevel)" +
            (c.checked ? ", checked" : "") + ", loop longevity \(longevity)"
    }

    init(layout layoutSeed: UInt64, seed: UInt64) throws {
        self.layoutSeed = layoutSeed
        (configuration, longevity) = ModelJITRun.layout(layoutSeed)
        random = SplitMix64(seed: seed)
        heap = try Heap(configuration: configuration)
        host = try JITHost(heap: heap, loopLongevity: longevity)
        box = try heap.register(.object("Box", references: 1, words: 2))
        baseMark = heap.rootMark
    }

    // MARK: Running

    static func check(layout: UInt64, seed: UInt64, steps: Int) throws {
        let run = try ModelJITRun(layout: layout, seed: seed)
        do {
            for _ in 0..<steps {
                if let action = run.nextAction() { try run.perform(action) }
            }
            let heapFigures = run.heap.statistics
            try run.finish()
            if getenv("TENURE_MODEL_STATS") != nil {
                let s = run.host.statistics
                print("[JIT model layout \(layout)] \(run.step) steps, \(run.runs) loop runs, \(s.loopsCompiled) loops compiled, " +
                      "\(heapFigures.minorCollections) minor and \(heapFigures.majorCollections) major collections")
            }
        } catch let mismatch as ModelJITMismatch {
            var text = mismatch.description
            if ModelJITShrinker.enabled {
                text += "\n" + ModelJITShrinker.report(layout: layout, Array(run.recorded.prefix(mismatch.step)))
            }
            Issue.record(Comment(rawValue: text))
        }
    }

    /// Replays `actions` on a fresh heap of layout `layout`; throws the first mismatch.
    static func replay(layout: UInt64, _ actions: [ModelJITAction]) throws {
        let (_, failure) = try replayed(layout: layout, actions)
        if let failure { throw failure }
    }

    static func replayed(layout: UInt64, _ actions: [ModelJITAction]) throws -> (ModelJITRun, ModelJITMismatch?) {
        let run = try ModelJITRun(layout: layout, seed: 0)
        run.verifyEvery = 1
        do {
            for action in actions { try run.perform(action) }
            try run.finish()
        } catch let mismatch as ModelJITMismatch {
            return (run, mismatch)
        }
        return (run, nil)
    }

    func fail(_ what: String) -> ModelJITMismatch {
        let first = max(0, recorded.count - 30)
        let lines = (first..<recorded.count).map { "\($0 + 1): \(recorded[$0])" }
        return ModelJITMismatch(what: what, description: """
            JIT model mismatch: \(what)
            layout \(layoutSeed), step \(step) (replay: TENURE_MODEL_SEED=\(layoutSeed) swift test --filter ModelJITTests)
            layout: \(ModelJITRun.describe(configuration, longevity: longevity))
            last actions:
            \(lines.joined(separator: "\n"))
            """, step: step)
    }

    @discardableResult
    func perform(_ action: ModelJITAction) throws -> Bool {
        step += 1
        do {
            guard try apply(action) else {
                step -= 1
                return false
            }
        } catch {
            recorded.append(action)
            throw error
        }
        recorded.append(action)
        try walk()
        if step % verifyEvery == 0 || action == .collect {
            let problems = heap.verify()
            if !problems.isEmpty { throw fail("heap.verify(): " + problems.prefix(5).joined(separator: "; ")) }
            let s = host.statistics
            if s.loopsAlive + s.loopsFreed != s.loopsCompiled {
                throw fail("\(s.loopsAlive) loops alive and \(s.loopsFreed) freed of \(s.loopsCompiled) compiled")
            }
            let reachableLoops = reachable.filter { if case .loop = objects[$0]!.kind { return true } else { return false } }
            if s.loopsAlive < reachableLoops.count {
                throw fail("\(s.loopsAlive) loops alive, \(reachableLoops.count) reachable")
            }
        }
        return true
    }

    // MARK: Actions

    func isBox(_ id: Int?) -> Bool {
        guard let id, case .box = objects[id]?.kind else { return false }
        return true
    }

    /// A loop an enter loop may enter (not an enter loop: no loops of loops).
    func isCallee(_ id: Int?) -> Bool {
        guard let t = template(id) else { return false }
        return t != .enter
    }

    func template(_ id: Int?) -> ModelJITTemplate? {
        guard let id, case .loop(let t, _) = objects[id]?.kind else { return nil }
        return t
    }

    func apply(_ action: ModelJITAction) throws -> Bool {
        func valid(_ id: Int?) -> Bool { id.map { addressOf[$0] != nil } ?? true }
        switch action {
        case let .box(id, payload, place):
            guard objects[id] == nil else { return false }
            switch place {
            case .root:
                guard rootSlots.count < 30 else { return false }
                let o = try allocateBox(id, payload)
                objects[id] = ModelJITObject(kind: .box(payload: payload), references: [nil])
                rootSlots.append(heap.pushRoot(o))
                roots.append(id)
            case .next(let parent):
                guard isBox(parent), let address = addressOf[parent] else { return false }
                let mark = heap.rootMark
                defer { heap.popRoots(to: mark) }
                let parentRoot = heap.pushRoot(address)
                let o = try allocateBox(id, payload)
                objects[id] = ModelJITObject(kind: .box(payload: payload), references: [nil])
                heap.storeReference(o, into: parentRoot.object, at: 8)
                objects[parent]!.references[0] = id
            }
        case let .compile(id, template, constants):
            guard objects[id] == nil, rootSlots.count < 30, constants.count == template.constantCount,
                  constants.allSatisfy(valid) else { return false }
            if template == .enter {
                guard let callee = self.template(constants[0]), callee != .enter else { return false }
            }
            let token: ObjectRef
            do {
                token = try host.compile(template.program(box), constants: constants.map { $0.map { addressOf[$0]! } })
            } catch {
                throw fail("compile: \(error)")
            }
            objects[id] = ModelJITObject(kind: .loop(template, loopID: LoopTokenLayout.loopID(of: token)), references: constants)
            rootSlots.append(heap.pushRoot(token))
            roots.append(id)
        case let .link(b, value):
            guard isBox(b), let address = addressOf[b], valid(value) else { return false }
            heap.storeReference(value.map { addressOf[$0]! }, into: address, at: 8)
            objects[b]!.references[0] = value
        case let .setConstant(t, slot, value):
            guard let template = template(t), let address = addressOf[t], slot >= 1, slot <= template.constantCount,
                  valid(value) else { return false }
            if template == .enter {
                guard let callee = self.template(value), callee != .enter else { return false }
            }
            do {
                try host.setConstant(value.map { addressOf[$0]! }, of: address, slot: slot)
            } catch {
                throw fail("setConstant: \(error)")
            }
            objects[t]!.references[slot - 1] = value
        case let .run(t, a, b, interpret):
            guard template(t) != nil, let address = addressOf[t] else { return false }
            // The model's result first: a build adds boxes to the model as the loop adds them to the heap.
            let expected = simulate(t, a, b)
            let result: Int
            do {
                result = interpret ? try host.interpret(address, arguments: [a, b]) : try host.run(address, arguments: [a, b])
            } catch {
                throw fail("run: \(error)")
            }
            runs += 1
            if result != expected { throw fail("loop #\(t) returned \(result), the model says \(expected)") }
        case let .popRoots(count):
            let n = min(count, roots.count)
            guard n > 0 else { return false }
            heap.popRoots(n)
            rootSlots.removeLast(n)
            roots.removeLast(n)
        case let .setRoot(k, value):
            guard k < roots.count, valid(value) else { return false }
            rootSlots[k].value = value.map { addressOf[$0]! }
            roots[k] = value
        case let .garbage(count):
            for _ in 0..<count { _ = try allocateBox(-1, 0) }
        case let .startTracing(count):
            for _ in 0..<count { host.startTracing() }
        case .collectMinor:
            heap.collectMinor()
        case .collect:
            heap.collect()
            // A major collection: the model forgets the unreachable.
            try walk()
            for id in objects.keys where addressOf[id] == nil { objects[id] = nil }
        }
        return true
    }

    func allocateBox(_ id: Int, _ payload: UInt64) throws -> ObjectRef {
        let o: ObjectRef
        do {
            o = try heap.allocate(box)
        } catch {
            throw fail("allocate: \(error)")
        }
        o.store(id, at: 16)
        o.store(payload, at: 24)
        return o
    }

    /// What loop #`token` returns with (a, b), by the model; a build adds its boxes to the model.
    func simulate(_ token: Int, _ a: Int, _ b: Int) -> Int {
        let loop = objects[token]!
        guard case .loop(let template, _) = loop.kind else { preconditionFailure("not a loop") }
        switch template {
        case .sum(let k):
            var sum = 0
            for s in 1...k {
                guard let c = loop.references[s - 1], case .box(let payload) = objects[c]!.kind else { return -s }
                sum = sum &+ Int(bitPattern: UInt(payload))
            }
            return sum
        case .chain:
            var sum = 0
            var current = loop.references[0]
            var count = 0
            while count < a {
                guard let c = current, isBox(c) else { return -1000 }
                sum = sum &+ c
                current = objects[c]!.references[0]
                count += 1
            }
            return sum
        case .build:
            guard let head = loop.references[0], isBox(head) else { return -1 }
            var count = 0
            while count < a {
                let id = b &+ count
                objects[id] = ModelJITObject(kind: .box(payload: UInt64(count)), references: [objects[head]!.references[0]])
                objects[head]!.references[0] = id
                count += 1
            }
            return max(a, 0)
        case .enter:
            return simulate(loop.references[0]!, a, b) &+ 1
        }
    }

    // MARK: Choosing

    func pick() -> Int? { reachable.isEmpty ? nil : reachable[random.below(reachable.count)] }
    func pickValue() -> Int? { random.chance(0.15) ? nil : pick() }
    func pick(where test: (Int) -> Bool) -> Int? {
        let candidates = reachable.filter(test)
        return candidates.isEmpty ? nil : candidates[random.below(candidates.count)]
    }

    /// Arguments for running `token`: a length for chain and build, b the first id a build gives.
    func arguments(for token: Int) -> (Int, Int) {
        var t = template(token)!
        if t == .enter, let callee = objects[token]!.references[0] { t = template(callee)! }
        switch t {
        case .chain: return (random.below(8), 0)
        case .build:
            let n = random.below(60)
            let first = nextID
            nextID += n
            return (n, first)
        default: return (random.below(4), 0)
        }
    }

    func nextAction() -> ModelJITAction? {
        let crowded = addressOf.count > 200
        let r = random.below(100)
        switch r {
        case 0..<12:
            guard rootSlots.count < 30 else { return .popRoots(1 + random.below(3)) }
            nextID += 1
            return .box(nextID - 1, payload: random.next(), to: .root)
        case 12..<22:
            guard let parent = pick(where: { self.isBox($0) }) else { return nil }
            nextID += 1
            return .box(nextID - 1, payload: random.next(), to: .next(of: parent))
        case 22..<32:
            guard rootSlots.count < 30 else { return .popRoots(1 + random.below(3)) }
            let callee = pick(where: { self.isCallee($0) })
            let x = random.below(10)
            let chosen: ModelJITTemplate = x < 4 ? .sum(1 + random.below(3)) : x < 6 ? .chain : x < 8 || callee == nil ? .build : .enter
            let constants: [Int?] = chosen == .enter ? [callee]
                : (0..<chosen.constantCount).map { _ in random.chance(0.85) ? pick(where: { self.isBox($0) }) : pickValue() }
            nextID += 1
            return .compile(nextID - 1, chosen, constants: constants)
        case 32..<44:
            guard let b = pick(where: { self.isBox($0) }) else { return nil }
            return .link(b, pickValue())
        case 44..<52:
            guard let t = pick(where: { self.template($0) != nil }) else { return nil }
            let loop = template(t)!
            let slot = 1 + random.below(loop.constantCount)
            if loop == .enter {
                guard let callee = pick(where: { self.isCallee($0) }) else { return nil }
                return .setConstant(t, slot: slot, callee)
            }
            return .setConstant(t, slot: slot, random.chance(0.8) ? pick(where: { self.isBox($0) }) : pickValue())
        case 52..<72:
            guard let t = pick(where: { self.template($0) != nil }) else { return nil }
            let (a, b) = arguments(for: t)
            return .run(t, a, b, interpret: random.chance(0.4))
        case 72..<(crowded ? 88 : 80):
            guard !roots.isEmpty else { return nil }
            return .popRoots(1 + random.below(min(3, roots.count)))
        case 88..<92:
            guard !roots.isEmpty else { return nil }
            return .setRoot(random.below(roots.count), pickValue())
        case 92..<95: return .garbage(10 + random.below(200))
        case 95..<96: return .startTracing(1 + random.below(longevity + 1))
        case 96..<98: return .collectMinor
        case 98..<100: return .collect
        default: return nil
        }
    }

    // MARK: The walk

    func walk() throws {
        addressOf = [:]
        var idAt: [UInt: Int] = [:]
        var pending: [Int] = []
        func bind(_ id: Int?, _ ref: ObjectRef?, _ context: @autoclosure () -> String) throws {
            switch (id, ref) {
            case (nil, nil): return
            case (nil, let r?): throw fail("\(context()) should be nil, holds an object of type \(r.typeID)")
            case (let i?, nil): throw fail("\(context()) should hold #\(i), is nil")
            case (let i?, let r?):
                if let known = addressOf[i] {
                    if known != r { throw fail("\(context()): #\(i) found at two addresses") }
                    return
                }
                if let other = idAt[r.address], other != i { throw fail("\(context()) should hold #\(i), holds #\(other)") }
                addressOf[i] = r
                idAt[r.address] = i
                pending.append(i)
            }
        }
        if heap.rootDepth != rootSlots.count { throw fail("rootDepth \(heap.rootDepth), the run pushed \(rootSlots.count)") }
        for (k, slot) in rootSlots.enumerated() { try bind(roots[k], slot.value, "root \(k)") }
        while let id = pending.popLast() {
            let object = objects[id]!
            let ref = addressOf[id]!
            switch object.kind {
            case .box(let payload):
                guard ref.typeID == box.id else { throw fail("#\(id) should be a box, has type \(ref.typeID)") }
                guard ref.load(at: 16, as: Int.self) == id else { throw fail("#\(id) has id \(ref.load(at: 16, as: Int.self))") }
                guard ref.load(at: 24, as: UInt64.self) == payload else { throw fail("#\(id) has a wrong payload") }
                try bind(object.references[0], ref.loadReference(at: 8), "#\(id).next")
            case .loop(let template, let loopID):
                guard ref.typeID == host.tokenType.id else { throw fail("#\(id) should be a loop token, has type \(ref.typeID)") }
                guard LoopTokenLayout.loopID(of: ref) == loopID else {
                    throw fail("#\(id) should be loop \(loopID), is loop \(LoopTokenLayout.loopID(of: ref))")
                }
                let table = host.codeSpace.record(of: ref).table
                guard table.count == template.constantCount + 1 else { throw fail("loop #\(id) has \(table.count) constant slots") }
                guard host.constant(of: ref, slot: 0) == ref else { throw fail("constant 0 of loop #\(id) is not its token") }
                for s in 1...template.constantCount {
                    try bind(object.references[s - 1], host.constant(of: ref, slot: s), "constant \(s) of loop #\(id)")
                }
            }
        }
        reachable = addressOf.keys.sorted()
    }

    /// Drops everything, lets the generations pass the longevity, collects: every loop must be freed.
    func finish() throws {
        step += 1
        heap.popRoots(to: baseMark)
        rootSlots = []
        roots = []
        for _ in 0...(longevity + 1) { host.startTracing() }
        heap.collect()
        try walk()
        let s = host.statistics
        if s.loopsAlive != 0 || s.loopsFreed != s.loopsCompiled {
            throw fail("after everything died: \(s.loopsAlive) loops alive, \(s.loopsFreed) freed of \(s.loopsCompiled)")
        }
        if heap.oldGenerationBytes != 0 { throw fail("old generation holds \(heap.oldGenerationBytes) bytes after everything died") }
        let problems = heap.verify()
        if !problems.isEmpty { throw fail("heap.verify(): " + problems.prefix(5).joined(separator: "; ")) }
    }
}

enum ModelJITShrinker {
    static var enabled: Bool { getenv("TENURE_MODEL_SHRINK").map { String(cString: $0) != "0" } ?? true }

    /// Delta debugging over the recorded actions (as ModelShrinker in TenureTests).
    static func report(layout: UInt64, _ actions: [ModelJITAction]) -> String {
        let deadline = ContinuousClock.now + .seconds(120)
        var replays = 0
        var lastFailure: ModelJITMismatch?
        func failing(_ list: [ModelJITAction]) -> [ModelJITAction]? {
            replays += 1
            guard let (run, failure) = try? ModelJITRun.replayed(layout: layout, list), let failure else { return nil }
            lastFailure = failure
            return Array(run.recorded.prefix(failure.step))
        }
        guard var current = failing(actions) else { return "the recorded actions do not fail when replayed" }
        var chunks = 2
        var outOfTime = false
        outer: while current.count >= 2 {
            let size = (current.count + chunks - 1) / chunks
            var start = 0
            var reduced = false
            while start < current.count {
                if ContinuousClock.now > deadline {
                    outOfTime = true
                    break outer
                }
                let end = min(start + size, current.count)
                if let smaller = failing(Array(current[..<start] + current[end...])), smaller.count < current.count {
                    current = smaller
                    chunks = max(chunks - 1, 2)
                    reduced = true
                    break
                }
                start = end
            }
            if !reduced {
                if size == 1 { break }
                chunks = min(chunks * 2, current.count)
            }
        }
        _ = failing(current)
        let lines = current.map { "    " + $0.description + "," }
        return """
            shrunk to \(current.count) of \(actions.count) actions in \(replays) replays\(outOfTime ? " (stopped at the time limit)" : ""); \
            it fails with:
                \(lastFailure?.what ?? "?")
            reproducer:
            try ModelJITRun.replay(layout: \(layout), [
            \(lines.joined(separator: "\n"))
            ])
            """
    }
}

@Suite struct ModelJITTests {
    static func seeds(_ count: Int) -> [UInt64] {
        func integer(_ name: String) -> Int? { getenv(name).flatMap { Int(String(cString: $0)) } }
        if let seed = integer("TENURE_MODEL_SEED") { return [UInt64(seed)] }
        let n = integer("TENURE_MODEL_SEEDS") ?? count * max(1, integer("TENURE_MODEL_SCALE") ?? 1)
        return (0..<UInt64(max(0, n))).map { $0 &* 1_000_003 &+ 11 }
    }

    @Test(arguments: seeds(8))
    func loopsUnderTheModel(seed: UInt64) throws {
        let steps = getenv("TENURE_MODEL_STEPS").flatMap { Int(String(cString: $0)) } ?? 600
        try ModelJITRun.check(layout: seed, seed: seed, steps: steps)
    }
}
