// Model-based random tests: long random sequences of what a runtime does
// (allocate objects, arrays and objects with reference tables of every size
// class, through handles and through the compiled-code interface; store
// references through the barrier; push, pop and overwrite roots; add and
// remove global roots; report slots from a root scanner; make, read and drop
// weak references; collect), checked after every step against a plain
// Swift model of the object graph (ModelRun.swift; the actions are in
// ModelAction.swift, how they are drawn in ModelGenerator.swift, how they
// are applied in ModelApply.swift).
//
// Runs under `.stress` (a minor collection every few allocations, verifier
// around every collection), a small configuration, the default one, a
// 64-byte nursery (a collection at nearly every allocation), a 16 KiB
// maximum heap that the runs grow into (a refused allocation must leave the
// heap and the model as they were), `.stress` without destructors, `.stress`
// with a major collection every 5 allocations, the small configuration in
// checked mode, a layout drawn from each seed (ModelSetup.swift), and two
// heaps at once. A failure names the seed, the configuration and its layout,
// the step and the last actions, and ends with the shrunk sequence that
// reproduces it (ModelShrinker.swift); rerun one seed with
//     TENURE_MODEL_SEED=<seed> swift test --filter "ModelBasedTests/<test>"
// (TENURE_MODEL_STEPS=<n> changes the length, TENURE_MODEL_SEEDS=<n> the
// number of seeds, TENURE_MODEL_SCALE=<k> multiplies every configuration's
// seeds, TENURE_MODEL_TRACE=1 prints every action to stderr, which finds the
// seed and step of a run that crashes).
import SeededRandom
import Testing
@testable import Tenure

@Suite struct ModelBasedTests {
    @Test(arguments: ModelEnvironment.seeds(24, salt: 1))
    func stress(seed: UInt64) throws {
        try ModelRun(setup: .stress, seed: seed).run()
    }

    @Test(arguments: ModelEnvironment.seeds(12, salt: 2))
    func small(seed: UInt64) throws {
        try ModelRun(setup: .small, seed: seed).run()
    }

    @Test(arguments: ModelEnvironment.seeds(6, salt: 3))
    func defaultConfiguration(seed: UInt64) throws {
        try ModelRun(setup: .defaults, seed: seed).run()
    }

    /// A maximum heap size the runs hit: refused allocations must leave everything as it was.
    @Test(arguments: ModelEnvironment.seeds(8, salt: 5))
    func limited(seed: UInt64) throws {
        try ModelRun(setup: .limited, seed: seed).run()
    }

    /// No type with a destructor: the sweep releases pages marking never reached without reading them.
    @Test(arguments: ModelEnvironment.seeds(12, salt: 6))
    func withoutDestructors(seed: UInt64) throws {
        try ModelRun(setup: .noDestructors, seed: seed).run()
    }

    /// The nursery changes size between minor collections.
    @Test(arguments: ModelEnvironment.seeds(8, salt: 11))
    func adaptiveNursery(seed: UInt64) throws {
        try ModelRun(setup: .adaptive, seed: seed).run()
    }

    /// A minor collection at nearly every allocation (a 64-byte nursery).
    @Test(arguments: ModelEnvironment.seeds(4, salt: 4))
    func everyAllocation(seed: UInt64) throws {
        try ModelRun(setup: .everyAllocation, seed: seed).run()
    }

    /// The stress factor: a major collection before every 5th allocation.
    @Test(arguments: ModelEnvironment.seeds(6, salt: 7))
    func majorStress(seed: UInt64) throws {
        try ModelRun(setup: .majorStress, seed: seed).run()
    }

    /// Checked mode: every allocation on the slow path, every store checked, the emptied nursery poisoned.
    @Test(arguments: ModelEnvironment.seeds(6, salt: 9))
    func checkedMode(seed: UInt64) throws {
        try ModelRun(setup: .checked, seed: seed).run()
    }

    /// Page, arena, card, nursery, young-large and small-object sizes drawn from the seed.
    @Test(arguments: ModelEnvironment.seeds(16, salt: 8))
    func randomLayout(seed: UInt64) throws {
        try ModelRun(setup: .randomLayout(seed: seed), seed: seed).run()
    }

    /// Two heaps with layouts of their own, a step of each in turn, each refusing the other's handles.
    @Test(arguments: ModelEnvironment.seeds(4, salt: 10))
    func twoHeaps(seed: UInt64) throws {
        let first = try ModelRun(setup: .randomLayout(seed: seed, test: "twoHeaps"), seed: seed)
        let second = try ModelRun(setup: .randomLayout(seed: seed ^ 0x5ec0_4d, test: "twoHeaps"), seed: seed &+ 1)
        try ModelReport.runTogether(first, second)
    }

    /// The generator is deterministic per seed (a failing seed can be replayed).
    @Test func generatorIsDeterministic() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
        let xs = (0..<100).map { _ in a.next() }
        #expect(xs == (0..<100).map { _ in b.next() })
        #expect(xs != (0..<100).map { _ in c.next() })
    }

    /// A recorded run replays to the same heap: same actions applied, same collections.
    @Test func aRecordedRunReplays() throws {
        for setup in [ModelSetup.stress, .randomLayout(seed: 77)] {
            let run = try ModelRun(setup: setup, seed: 5)
            try run.begin()
            for _ in 0..<300 { try run.advance() }
            let (replay, failure) = try ModelRun.replayed(setup, run.recorded, ending: false)
            #expect(failure == nil)
            #expect(replay.recorded == run.recorded, "every recorded action applies again")
            let (a, b) = (run.heap.statistics, replay.heap.statistics)
            #expect(a.minorCollections == b.minorCollections && a.majorCollections == b.majorCollections,
                    "\(setup.name): \(a.minorCollections) and \(a.majorCollections), replayed \(b.minorCollections) and \(b.majorCollections)")
            #expect(run.reachable == replay.reachable)
        }
    }

    /// ddmin finds the two actions a failure needs among many.
    @Test func theShrinkerFindsTheMinimalList() {
        let list = Array(0..<500)
        var replays = 0
        let result = ModelShrinker.minimize(list, deadline: ContinuousClock.now + .seconds(60)) { candidate in
            replays += 1
            return candidate.contains(137) && candidate.contains(402) ? candidate : nil
        }
        #expect(result.list == [137, 402])
        #expect(!result.outOfTime)
        #expect(replays < 200)
    }

    /// A broken heap is caught and shrunk to the two actions that show it: a
    /// sabotage (standing in for a collector bug) changes the payload of the
    /// first fixed-size root behind the model's back at each minor collection.
    @Test func aFailureIsShrunkToAReproducer() throws {
        let sabotage: (ModelRun, ModelAction) -> Void = { run, action in
            guard action == .collectMinor else { return }
            for (k, id) in run.roots.enumerated() {
                if let id, case .fixed(let t) = run.objects[id]!.kind {
                    run.rootSlots[k].object.store(~run.objects[id]!.payload, at: run.fixedTypes[t].payloadOffset)
                    return
                }
            }
        }
        let run = try ModelRun(setup: .stress, seed: 3)
        run.sabotage = sabotage
        var failure: ModelMismatch?
        do { try run.generate() } catch let m as ModelMismatch { failure = m }
        let found = try #require(failure)
        #expect(found.what.contains("payload"))
        let result = try #require(ModelShrinker.shrink(.stress, Array(run.recorded.prefix(found.step)), prepare: { $0.sabotage = sabotage }))
        #expect(result.actions.count == 2, "\(result.actions)")
        #expect(result.actions.last == .collectMinor)
        let text = ModelShrinker.swift(.stress, result.actions)
        #expect(text.hasPrefix("try ModelRun.replay(.stress, [") && text.contains(".collectMinor,"))
    }
}
