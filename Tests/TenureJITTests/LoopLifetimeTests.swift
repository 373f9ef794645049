// How long compiled loops live: a loop's code lives exactly as long as its
// token is reached (from the loop memory manager while the loop is recent,
// from another loop's constant table, from the runtime's roots or objects),
// loop longevity drops exactly the loops not entered for longer than the
// longevity under both generation clocks, nothing of the code survives the
// heap, an allocation the heap refuses inside compiled code (directly or in
// an entered loop) is thrown and leaves heap and host usable, and compiled
// stores into old objects go through the write barrier.
import Testing
@_spi(CompiledCode) @testable import Tenure
@testable import TenureJIT
import SeededRandom
#if canImport(Glibc)
import Glibc
#endif

/// sum = 0; for i in 0..<n { sum += i }; return sum
private let sumProgram = JITHostTests.sumProgram

/// A loop with a long body (about 30 KB of code): a few fill a code chunk.
private let bulkyProgram: LoopProgram = {
    var body: [LoopInstruction] = [.setInteger(destination: 1, value: 0)]
    for k in 0..<2000 { body.append(.addImmediate(destination: 1, source: 1, value: Int32(k))) }
    body.append(.returnInteger(source: 1))
    return LoopProgram(integerCount: 2, referenceCount: 0, argumentCount: 0, instructions: body)
}()

/// enterLoop(constant slot 1, n) + 1
private let callerProgram = LoopProgram(integerCount: 2, referenceCount: 0, argumentCount: 1, instructions: [
    .enterLoop(destination: 1, slot: 1, arguments: [0]),
    .addImmediate(destination: 1, source: 1, value: 1),
    .returnInteger(source: 1),
])

/// The paths of this process's mappings that are memfds named `name` (or any
/// TenureJIT memfd when `name` is nil).
private func memfdMappings(_ name: String?) -> [String] {
    return processMaps().split(separator: "\n").map(String.init).filter { line in
        guard let range = line.range(of: "/memfd:tenure-jit-") else { return false }
        guard let name else { return true }
        let rest = line[range.lowerBound...].dropFirst("/memfd:".count)
        return rest == name || rest.hasPrefix(name + " ")
    }
}

private func isHeapLimit(_ error: JITError?) -> Bool {
    if case .heap(.heapLimitExceeded)? = error { return true }
    return false
}

@Suite struct LoopLifetimeTests {
    // MARK: Dropped tokens

    @Test func aDroppedTokenIsFreedAtTheNextMajorCollection() throws {
        let heap = try Heap()
        let host = try JITHost(heap: heap, loopLongevity: 2)
        let memory = try #require(host.codeSpace.memory)
        // Enough bulky loops to need several code chunks.
        for _ in 0..<24 { _ = try host.compile(bulkyProgram, constants: []) }
        let full = host.statistics
        #expect(full.loopsAlive == 24)
        #expect(full.codeBytes > 2 * memory.chunkSize)
        #expect(full.codeBytesMapped >= full.codeBytes)
        #expect(memory.statistics.liveBlocks == 24)
        // The last few are recent; the older ones were dropped as they aged (not yet collected).
        let kept = host.statistics.loopsKept
        #expect(kept == 3)
        #expect(host.statistics.loopsAlive == 24)
        heap.collect()
        var after = host.statistics
        #expect(after.loopsAlive == kept)
        #expect(after.loopsFreed == 24 - kept)
        #expect(after.codeBytes * 24 == full.codeBytes * kept)
        #expect(after.codeBytesMapped < full.codeBytesMapped)
        #expect(memory.statistics.liveBlocks == kept)
        // Three more generations: the rest go too; one spare chunk at most stays mapped.
        for _ in 0..<3 { host.startTracing() }
        #expect(host.statistics.loopsKept == 0)
        heap.collect()
        after = host.statistics
        #expect(after.loopsAlive == 0)
        #expect(after.loopsFreed == 24)
        #expect(after.codeBytes == 0)
        #expect(after.codeBytesMapped <= memory.chunkSize)
        #expect(memory.statistics.liveBlocks == 0)
        #expect(memory.statistics.usedBytes == 0)
        #expect(heap.verify().isEmpty)
    }

    @Test func aTokenInAnotherLoopsTableLivesAsLongAsThatLoop() throws {
        var c = HeapConfiguration()
        c.nurserySize = 16 << 10
        c.debugLevel = 2
        let heap = try Heap(configuration: c)
        let host = try JITHost(heap: heap, loopLongevity: 1)
        try withTestRoots(heap, 3) { frame in
            frame[2] = try host.compile(sumProgram, constants: [])
            frame[1] = try heap.makeWeakReference(to: frame[2])
            frame[0] = try host.compile(callerProgram, constants: [frame[2]])
            frame[2] = nil
            // Neither is kept by the manager any more; only the caller is a root.
            for _ in 0..<3 { host.startTracing() }
            #expect(host.statistics.loopsKept == 0)
            heap.collect()
            heap.collectMinor()
            heap.collect()
            #expect(host.statistics.loopsAlive == 2)
            #expect(host.statistics.loopsFreed == 0)
            let calleeNow = try #require(heap.weakTarget(of: frame[1]!))
            #expect(host.constant(of: frame[0]!, slot: 1) == calleeNow)
            #expect(try host.run(frame[0]!, arguments: [10]) == 46)
            #expect(try host.interpret(frame[0]!, arguments: [100]) == 4951)
            #expect(try host.run(calleeNow, arguments: [4]) == 6)
            // The caller goes: both die at the next major collection.
            frame[0] = nil
            heap.collect()
            #expect(heap.weakTarget(of: frame[1]!) == nil)
            #expect(host.statistics.loopsAlive == 0)
            #expect(host.statistics.loopsFreed == 2)
            #expect(host.statistics.codeBytes == 0)
            #expect(heap.verify().isEmpty)
        }
    }

    @Test func aTokenInARuntimeObjectOrAnEnteredLoopLives() throws {
        let heap = try Heap()
        let host = try JITHost(heap: heap, loopLongevity: 2)
        let pair = try heap.register(.object("Pair", references: 2, words: 0))
        try withTestRoots(heap, 4) { frame in
            // A callee reached only from a runtime object (rooted).
            frame[0] = try heap.allocate(pair)
            let a = try host.compile(sumProgram, constants: [])
            heap.storeReference(a, into: frame[0]!, at: 8)
            frame[2] = try heap.makeWeakReference(to: a)
            // A callee reached only from a caller the manager keeps (entered every generation).
            frame[3] = try heap.makeWeakReference(to: try host.compile(sumProgram, constants: []))
            frame[1] = try host.compile(callerProgram, constants: [heap.weakTarget(of: frame[3]!)])
            for _ in 0..<6 {
                host.startTracing()
                #expect(try host.run(frame[1]!, arguments: [3]) == 4)
                heap.collect()
            }
            #expect(heap.weakTarget(of: frame[2]!) == frame[0]!.loadReference(at: 8))
            #expect(heap.weakTarget(of: frame[2]!) != nil)
            #expect(heap.weakTarget(of: frame[3]!) != nil)
            #expect(host.statistics.loopsAlive == 3)
            // The caller and its callee (stamped by each entry) are kept; the runtime's loop is not.
            #expect(host.statistics.loopsKept == 2)
            // The callee's stamp follows the caller's entries (compiled code stamps its own token).
            #expect(host.lastEnteredGeneration(of: heap.weakTarget(of: frame[3]!)!) == host.statistics.generation)
            // The runtime object lets go; the caller is no longer entered.
            heap.storeReference(nil, into: frame[0]!, at: 8)
            for _ in 0..<3 { host.startTracing() }
            frame[1] = nil
            heap.collect()
            #expect(heap.weakTarget(of: frame[2]!) == nil)
            #expect(heap.weakTarget(of: frame[3]!) == nil)
            #expect(host.statistics.loopsAlive == 0)
            #expect(heap.verify().isEmpty)
        }
    }

    @Test func aTokenHeldByTheRuntimeOutlivesTheManager() throws {
        let heap = try Heap()
        let host = try JITHost(heap: heap, loopLongevity: 1)
        try withTestRoots(heap, 1) { frame in
            frame[0] = try host.compile(sumProgram, constants: [])
            for _ in 0..<10 { host.startTracing() }
            #expect(host.statistics.loopsKept == 0)
            heap.collect()
            #expect(host.statistics.loopsAlive == 1)
            #expect(try host.run(frame[0]!, arguments: [5]) == 10)
            #expect(host.lastEnteredGeneration(of: frame[0]!) == host.statistics.generation)
            // Entering it does not give it back to the manager.
            #expect(host.statistics.loopsKept == 0)
            frame[0] = nil
            heap.collect()
            #expect(host.statistics.loopsAlive == 0)
            #expect(host.statistics.codeBytes == 0)
        }
    }

    // MARK: Longevity

    struct LongevityCase: Sendable, CustomTestStringConvertible {
        let clock: GenerationClock
        let longevity: Int
        let seed: UInt64
        var testDescription: String { "\(clock), longevity \(longevity), seed \(seed)" }
    }

    static let longevityCases: [LongevityCase] = [GenerationClock.tracingStarts, .majorCollections].flatMap { clock in
        [1, 2, 3, 6].flatMap { longevity in (1...3).map { LongevityCase(clock: clock, longevity: longevity, seed: UInt64(longevity * 10 + $0)) } }
    }

    /// Random compiles, entries, generation advances and collections against a model
    /// of the manager: after each major collection exactly the loops the model dropped are dead.
    @Test(arguments: longevityCases)
    func longevityFreesExactlyTheStaleLoops(_ run: LongevityCase) throws {
        var c = HeapConfiguration()
        c.nurserySize = 64 << 10
        c.debugLevel = 1
        let heap = try Heap(configuration: c)
        let host = try JITHost(heap: heap, loopLongevity: run.longevity, generations: run.clock)
        var rng = SplitMix64(seed: run.seed)
        let capacity = 24
        // Model.
        var generation = 0
        var lastEntered: [Int] = []
        var kept = Set<Int>(), dropped = Set<Int>(), dead = Set<Int>()
        var majors = 0
        var splits = 0   // checks after a major collection with some loops dead and some alive
        func advance() {
            generation += 1
            for i in kept where generation - lastEntered[i] > run.longevity {
                kept.remove(i)
                dropped.insert(i)
            }
        }
        try withTestRoots(heap, capacity) { weak in
            func check(_ when: String) {
                for i in 0..<lastEntered.count {
                    let alive = heap.weakTarget(of: weak[i]!) != nil
                    #expect(alive == !dead.contains(i), "\(run): loop \(i) \(alive ? "alive" : "dead") \(when)")
                }
                let s = host.statistics
                #expect(s.loopsAlive == lastEntered.count - dead.count, "\(run): alive \(when)")
                #expect(s.loopsFreed == dead.count, "\(run): freed \(when)")
                #expect(s.loopsKept == kept.count, "\(run): kept \(when)")
                #expect(s.generation == generation, "\(run): generation \(when)")
                #expect(heap.statistics.majorCollections == majors, "\(run): an unexpected major collection")
            }
            for step in 0..<80 {
                switch rng.below(10) {
                case 0..<3 where lastEntered.count < capacity:
                    if run.clock == .tracingStarts { advance() }
                    let token = try host.compile(sumProgram, constants: [])
                    weak[lastEntered.count] = try heap.makeWeakReference(to: token)
                    lastEntered.append(generation)
                    kept.insert(lastEntered.count - 1)
                case 3..<5 where run.clock == .tracingStarts || rng.chance(0.5):
                    host.startTracing()
                    if run.clock == .tracingStarts { advance() }
                case 5..<8 where !lastEntered.isEmpty:
                    let i = rng.below(lastEntered.count)
                    if let token = heap.weakTarget(of: weak[i]!) {
                        #expect(try host.run(token, arguments: [4]) == 6)
                        lastEntered[i] = generation
                        #expect(host.lastEnteredGeneration(of: token) == generation)
                    } else {
                        // A young dropped token may die in a minor collection before any major one.
                        #expect(dropped.contains(i) || dead.contains(i), "\(run): loop \(i) died while kept (step \(step))")
                        if dropped.remove(i) != nil { dead.insert(i) }
                    }
                case 8:
                    heap.collectMinor()
                    for i in dropped where heap.weakTarget(of: weak[i]!) == nil {
                        dropped.remove(i)
                        dead.insert(i)
                    }
                    check("after a minor collection (step \(step))")
                default:
                    heap.collect()
                    majors += 1
                    dead.formUnion(dropped)
                    dropped.removeAll()
                    // The hook that ends a generation runs after the sweep.
                    if run.clock == .majorCollections { advance() }
                    check("after a major collection (step \(step))")
                    if !dead.isEmpty && dead.count < lastEntered.count { splits += 1 }
                }
            }
            heap.collect()
            majors += 1
            dead.formUnion(dropped)
            dropped.removeAll()
            if run.clock == .majorCollections { advance() }
            check("at the end")
            #expect(heap.verify().isEmpty)
            // The schedule freed some loops while it kept others.
            #expect(splits > 0, "\(run): no major collection freed some loops and kept others")
            if getenv("TENURE_JIT_STATS") != nil {
                print("\(run): \(lastEntered.count) loops, \(dead.count) freed, generation \(generation), \(splits) split checks")
            }
        }
    }

    @Test(arguments: [GenerationClock.tracingStarts, .majorCollections])
    func longevityZeroNeverFrees(_ clock: GenerationClock) throws {
        let heap = try Heap()
        let host = try JITHost(heap: heap, loopLongevity: 0, generations: clock)
        for _ in 0..<20 { _ = try host.compile(sumProgram, constants: []) }
        for _ in 0..<60 {
            host.startTracing()
            heap.collect()
        }
        #expect(host.statistics.generation >= 60)
        #expect(host.statistics.loopsAlive == 20)
        #expect(host.statistics.loopsFreed == 0)
        #expect(host.statistics.loopsKept == 20)
    }

    @Test func negativeLongevityIsRefused() throws {
        let heap = try Heap()
        #expect(throws: JITError.self) { _ = try JITHost(heap: heap, loopLongevity: -1) }
    }

    // MARK: Teardown

    @Test func nothingOfTheCodeOutlivesTheHeap() throws {
        weak var memory: ExecutableMemory?
        weak var codeSpace: CodeSpace?
        var name = ""
        var dualMapping = false
        try {
            let heap = try Heap()
            let host = try JITHost(heap: heap, loopLongevity: 3)
            let mem = try #require(host.codeSpace.memory)
            memory = mem
            codeSpace = host.codeSpace
            name = mem.memfdName
            dualMapping = mem.mode == .dualMapping
            // Loops of every kind of liveness: rooted, in tables, dropped, young and old.
            heap.pushRoot(nil)
            for i in 0..<40 {
                let token = try host.compile(i % 4 == 0 ? bulkyProgram : sumProgram, constants: [])
                if i % 5 == 0 {
                    let caller = heap.pushRoot(token)
                    heap.pushRoot(try host.compile(callerProgram, constants: [caller.object]))
                }
                if i == 20 { heap.collect() }
            }
            #expect(host.statistics.codeBytesMapped > 0)
            if dualMapping { #expect(!memfdMappings(name).isEmpty) }
            // Dropped with roots still pushed: the heap's teardown runs every token's destructor.
        }()
        #expect(memory == nil)
        #expect(codeSpace == nil)
        if dualMapping { #expect(memfdMappings(name).isEmpty, "\(name) still mapped") }
    }

    @Test func aHostDroppedBeforeItsHeapLeavesItsLoopsToTheCollector() throws {
        let heap = try Heap()
        weak var codeSpace: CodeSpace?
        weak var memory: ExecutableMemory?
        try {
            let host = try JITHost(heap: heap)
            codeSpace = host.codeSpace
            memory = host.codeSpace.memory
            for _ in 0..<10 { _ = try host.compile(sumProgram, constants: []) }
        }()
        // The heap's token type keeps the code space until the tokens are gone.
        let space = try #require(codeSpace)
        #expect(space.alive == 10)
        heap.collect()
        #expect(space.alive == 0)
        #expect(space.codeBytes == 0)
        #expect(memory?.statistics.liveBlocks ?? 0 == 0)
        #expect(heap.statistics.rawBytes == 0)
        #expect(heap.verify().isEmpty)
    }

    @Test func noExecutableMappingRemainsAfterTeardownInAFreshProcess() async {
        await #expect(processExitsWith: .success) {
            guard memfdMappings(nil).isEmpty else { exit(2) }
            do {
                var c = HeapConfiguration()
                c.nurserySize = 8 << 10
                let heap = try! Heap(configuration: c)
                let host = try! JITHost(heap: heap, loopLongevity: 2)
                for i in 0..<60 {
                    let token = heap.pushRoot(try! host.compile(i % 3 == 0 ? bulkyProgram : sumProgram, constants: []))
                    guard (try? host.run(token.object, arguments: [3])) != nil else { exit(3) }
                    if i % 2 == 0 { heap.popRoots() }
                    if i % 7 == 0 { heap.collect() }
                }
                if host.codeSpace.memory?.mode == .dualMapping && memfdMappings(nil).isEmpty { exit(4) }
            }
            exit(memfdMappings(nil).isEmpty ? 0 : 5)
        }
    }

    // MARK: Allocation refused inside compiled code

    /// holder = constant 1; forever { node = new Pair(word = i++); node.ref0 = holder.ref0; holder.ref0 = node }
    private static func listBuilder(_ pair: ObjectType) -> LoopProgram {
        LoopProgram(integerCount: 1, referenceCount: 3, argumentCount: 0, instructions: [
            .setInteger(destination: 0, value: 0),
            .loadConstant(destination: 0, slot: 1),
            .label(0),
            .allocate(destination: 1, type: pair),
            .storeWord(object: 1, offset: 24, source: 0),
            .addImmediate(destination: 0, source: 0, value: 1),
            .loadReference(destination: 2, object: 0, offset: 8),
            .storeReference(object: 1, offset: 8, source: 2),
            .storeReference(object: 0, offset: 8, source: 1),
            .jump(label: 0),
        ])
    }

    /// Walks the list from `holder`: its words must count down to 0.
    private static func listIsWhole(_ holder: ObjectRef) -> (Bool, Int) {
        var node = holder.loadReference(at: 8)
        var expected: Int?
        var length = 0
        while let n = node {
            let word = n.load(at: 24, as: Int.self)
            if let e = expected, word != e { return (false, length) }
            expected = word - 1
            length += 1
            node = n.loadReference(at: 8)
        }
        return (expected == nil || expected == -1, length)
    }

    private static func limitedHeap() throws -> (Heap, JITHost, ObjectType) {
        var c = HeapConfiguration()
        c.nurserySize = 16 << 10
        c.minimumHeapSize = 64 << 10
        c.maximumHeapSize = 256 << 10
        c.debugLevel = 1
        let heap = try Heap(configuration: c)
        let pair = try heap.register(.object("Pair", references: 2, words: 2))
        return (heap, try JITHost(heap: heap), pair)
    }

    @Test func anAllocationRefusedInCompiledCodeIsThrown() throws {
        let (heap, host, pair) = try Self.limitedHeap()
        try withTestRoots(heap, 2) { frame in
            frame[0] = try heap.allocate(pair)
            frame[1] = try host.compile(Self.listBuilder(pair), constants: [frame[0]])
            let depth = heap.rootDepth
            for (k, interpret) in [false, true, false].enumerated() {
                var thrown: JITError?
                do throws(JITError) {
                    _ = interpret ? try host.interpret(frame[1]!) : try host.run(frame[1]!)
                } catch {
                    thrown = error
                }
                #expect(isHeapLimit(thrown), "run \(k): \(String(describing: thrown))")
                #expect(heap.rootDepth == depth)
                #expect(host.codeSpace.errorFlag.pointee == 0)
                #expect(heap.takeCompiledCodeError() == nil)
                #expect(heap.verify().isEmpty)
                // The list is whole and long; the table still holds the holder.
                let (whole, length) = Self.listIsWhole(frame[0]!)
                #expect(whole)
                #expect(length > 1000)
                #expect(host.constant(of: frame[1]!, slot: 1) == frame[0])
                // Let the list go: the heap has room again, and the host still compiles and runs.
                heap.storeReference(nil, into: frame[0]!, at: 8)
                heap.collect()
                #expect(heap.oldGenerationBytes < 64 << 10)
                let sum = heap.pushRoot(try host.compile(sumProgram, constants: []))
                #expect(try host.run(sum.object, arguments: [100]) == 4950)
                heap.popRoots()
            }
        }
    }

    @Test func anAllocationRefusedInAnEnteredLoopIsThrownByTheOuterRun() throws {
        let (heap, host, pair) = try Self.limitedHeap()
        // outer: marker.word0 = 1; r = enter(middle); marker.word1 = 2; return r
        // middle: enter(builder); return 5 (never reached)
        let outer = LoopProgram(integerCount: 2, referenceCount: 1, argumentCount: 0, instructions: [
            .loadConstant(destination: 0, slot: 2),
            .setInteger(destination: 0, value: 1), .storeWord(object: 0, offset: 24, source: 0),
            .enterLoop(destination: 1, slot: 1, arguments: []),
            .setInteger(destination: 0, value: 2), .storeWord(object: 0, offset: 32, source: 0),
            .returnInteger(source: 1),
        ])
        let middle = LoopProgram(integerCount: 1, referenceCount: 0, argumentCount: 0, instructions: [
            .enterLoop(destination: 0, slot: 1, arguments: []),
            .setInteger(destination: 0, value: 5), .returnInteger(source: 0),
        ])
        try withTestRoots(heap, 5) { frame in
            frame[0] = try heap.allocate(pair)   // the list's holder
            frame[1] = try heap.allocate(pair)   // the marker
            frame[2] = try host.compile(Self.listBuilder(pair), constants: [frame[0]])
            frame[3] = try host.compile(middle, constants: [frame[2]])
            frame[4] = try host.compile(outer, constants: [frame[3], frame[1]])
            let depth = heap.rootDepth
            for interpret in [false, true] {
                var thrown: JITError?
                do throws(JITError) {
                    _ = interpret ? try host.interpret(frame[4]!) : try host.run(frame[4]!)
                } catch {
                    thrown = error
                }
                #expect(isHeapLimit(thrown), "\(interpret ? "interpreted" : "compiled"): \(String(describing: thrown))")
                #expect(frame[1]!.load(at: 24, as: Int.self) == 1)
                #expect(frame[1]!.load(at: 32, as: Int.self) == 0, "the outer loop went on after its callee failed")
                #expect(heap.rootDepth == depth)
                #expect(host.codeSpace.errorFlag.pointee == 0)
                #expect(heap.verify().isEmpty)
                #expect(Self.listIsWhole(frame[0]!).0)
                heap.storeReference(nil, into: frame[0]!, at: 8)
                frame[1]!.store(0, at: 24)
                heap.collect()
            }
            let sum = heap.pushRoot(try host.compile(sumProgram, constants: []))
            #expect(try host.run(sum.object, arguments: [10]) == 45)
            heap.popRoots()
        }
    }

    /// `run` returns normally, and B's flag stays set, so B's next successful run throws the
    /// stale error.
    // MARK: Write barrier

    @Test func compiledStoresIntoOldObjectsKeepYoungObjectsAlive() throws {
        var c = HeapConfiguration()
        c.nurserySize = 64 << 10
        c.youngLargeObjectLimit = 256
        c.debugLevel = 2
        let heap = try Heap(configuration: c)
        let host = try JITHost(heap: heap)
        let pair = try heap.register(.object("Pair", references: 2, words: 2))
        let huge = try heap.register(.object("Huge", references: 2, words: 40))
        // for i in 0..<n { node = new Pair(word = i); node.ref0 = holder.ref0; holder.ref0 = node }; holder.ref1 = last
        let program = LoopProgram(integerCount: 3, referenceCount: 3, argumentCount: 1, instructions: [
            .loadConstant(destination: 0, slot: 1),
            .setInteger(destination: 1, value: 0),
            .label(0), .branch(.greaterOrEqual, left: 1, right: 0, label: 1),
            .allocate(destination: 1, type: pair),
            .storeWord(object: 1, offset: 24, source: 1),
            .loadReference(destination: 2, object: 0, offset: 8),
            .storeReference(object: 1, offset: 8, source: 2),
            .storeReference(object: 0, offset: 8, source: 1),
            .addImmediate(destination: 1, source: 1, value: 1), .jump(label: 0),
            .label(1), .storeReference(object: 0, offset: 16, source: 1),
            .returnInteger(source: 1),
        ])
        for holderType in [pair, huge] {
            for interpret in [false, true] {
                try withTestRoots(heap, 2) { frame in
                    frame[0] = try heap.allocate(holderType)
                    frame[1] = try host.compile(program, constants: [frame[0]])
                    heap.collectMinor()
                    let holder = frame[0]!
                    #expect(!heap.isYoung(holder))
                    #expect(holder.header & HeaderFlags.trackYoungPointers != 0)
                    let minors = heap.statistics.minorCollections
                    let n = 200
                    let result = interpret ? try host.interpret(frame[1]!, arguments: [n]) : try host.run(frame[1]!, arguments: [n])
                    #expect(result == n)
                    #expect(heap.statistics.minorCollections == minors, "the loop was meant to run without a collection")
                    // The barrier recorded the old holder: the verifier finds no unrecorded old-to-young reference.
                    #expect(heap.isYoung(holder.loadReference(at: 8)!))
                    #expect(holder.header & HeaderFlags.trackYoungPointers == 0)
                    #expect(heap.verify().isEmpty)
                    heap.collectMinor()
                    #expect(heap.verify().isEmpty)
                    let (whole, length) = Self.listIsWhole(frame[0]!)
                    #expect(whole && length == n, "\(interpret ? "interpreted" : "compiled"): list of \(length)")
                    #expect(frame[0]!.loadReference(at: 16) == frame[0]!.loadReference(at: 8))
                    #expect(!heap.isYoung(frame[0]!.loadReference(at: 8)!))
                }
            }
        }
    }

    @Test func aYoungConstantStoredIntoAnOldTokenSurvivesAMinorCollection() throws {
        var c = HeapConfiguration()
        c.nurserySize = 16 << 10
        c.debugLevel = 2
        let heap = try Heap(configuration: c)
        let host = try JITHost(heap: heap)
        let pair = try heap.register(.object("Pair", references: 2, words: 2))
        // return constant1.word0
        let program = LoopProgram(integerCount: 1, referenceCount: 1, argumentCount: 0, instructions: [
            .loadConstant(destination: 0, slot: 1), .guardNonNull(object: 0, exitCode: -1),
            .loadWord(destination: 0, object: 0, offset: 24), .returnInteger(source: 0),
        ])
        try withTestRoots(heap, 2) { frame in
            frame[0] = try host.compile(program, constants: [nil])
            #expect(try host.run(frame[0]!) == -1)
            heap.collectMinor()
            #expect(!heap.isYoung(frame[0]!))
            frame[1] = try heap.allocate(pair)
            frame[1]!.store(31337, at: 24)
            try host.setConstant(frame[1], of: frame[0]!, slot: 1)
            #expect(heap.verify().isEmpty)
            frame[1] = nil   // the table is its only holder
            heap.collectMinor()
            #expect(heap.verify().isEmpty)
            let constant = try #require(host.constant(of: frame[0]!, slot: 1))
            #expect(!heap.isYoung(constant))
            #expect(constant.load(at: 24, as: Int.self) == 31337)
            #expect(try host.run(frame[0]!) == 31337)
            #expect(try host.interpret(frame[0]!) == 31337)
        }
    }
}
