// The configurations of the model-based runs (ModelBasedTests.swift), the
// random layouts drawn per seed, and the environment knobs.
//
// A setup is a heap configuration plus what the run does with it: how many
// steps, how many live objects it aims for, whether it grows into a maximum
// heap, whether its types have destructors, and the stress factor (a major
// collection every N allocations, as MMTk's MMTK_STRESS_FACTOR). A random
// layout draws page, arena, card, nursery, young-large and small-object sizes
// from the seed, within what `HeapConfiguration.validate()` accepts, so one
// seed names one layout: the failure message prints it, and the same seed
// replays it.
import SeededRandom
import Testing
@_spi(System) @testable import Tenure
#if canImport(Glibc)
import Glibc
#endif

/// The environment knobs of the model runs (docs/testing.md lists them).
enum ModelEnvironment {
    static func integer(_ name: String) -> Int? {
        guard let value = getenv(name) else { return nil }
        return Int(String(cString: value))
    }

    static func flag(_ name: String) -> Bool {
        guard let value = getenv(name) else { return false }
        let text = String(cString: value)
        return text != "" && text != "0"
    }

    static let trace = flag("TENURE_MODEL_TRACE")
    static let statistics = flag("TENURE_MODEL_STATS")
    /// Shrinking a failing run is on unless TENURE_MODEL_SHRINK=0.
    static let shrinks = getenv("TENURE_MODEL_SHRINK").map { String(cString: $0) != "0" } ?? true

    /// The seeds of one configuration: `count` fixed ones (times TENURE_MODEL_SCALE),
    /// TENURE_MODEL_SEEDS of them, or the one in TENURE_MODEL_SEED.
    static func seeds(_ count: Int, salt: UInt64) -> [UInt64] {
        if let seed = integer("TENURE_MODEL_SEED") { return [UInt64(seed)] }
        let n = integer("TENURE_MODEL_SEEDS") ?? count * max(1, integer("TENURE_MODEL_SCALE") ?? 1)
        return (0..<UInt64(max(0, n))).map { $0 &* 1_000_003 &+ salt }
    }
}

/// One configuration of the model runs.
struct ModelSetup: Sendable, CustomTestStringConvertible {
    let name: String
    /// The test function that runs it (for the replay command).
    let test: String
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
    /// (Reference tables need a destructor to be freed: without, none are made.)
    var destructors = true
    /// The stress factor: a major collection before every `majorEvery`-th allocation.
    var majorEvery: Int? = nil

    /// The setup as a Swift expression, for reproducers (nil: made by hand).
    var expression: String?

    init(name: String, test: String = "", configuration: HeapConfiguration, steps: Int, liveTarget: Int,
         bigArrayChance: Double, grows: Bool = false, destructors: Bool = true, majorEvery: Int? = nil,
         expression: String? = nil) {
        self.name = name
        self.test = test
        self.configuration = configuration
        self.steps = steps
        self.liveTarget = liveTarget
        self.bigArrayChance = bigArrayChance
        self.grows = grows
        self.destructors = destructors
        self.majorEvery = majorEvery
        self.expression = expression ?? (test.isEmpty ? nil : "." + test)
    }

    var testDescription: String { name }

    var stepCount: Int { ModelEnvironment.integer("TENURE_MODEL_STEPS") ?? steps }

    /// The layout and pacing figures, for failure messages.
    var layout: String {
        let c = configuration
        var parts = [
            "nurserySize \(c.nurserySize)", "maximumNurserySize \(c.maximumNurserySize.map(String.init) ?? "nil")",
            "minorPauseGoal \(c.minorPauseGoal)", "youngLargeObjectLimit \(c.youngLargeObjectLimit)",
            "pageSize \(c.pageSize)", "arenaSize \(c.arenaSize)", "smallObjectLimit \(c.smallObjectLimit)",
            "cardSize \(c.cardSize)", "minimumHeapSize \(c.minimumHeapSize.map(String.init) ?? "nil")",
            "debugLevel \(c.debugLevel)",
        ]
        if let m = c.maximumHeapSize { parts.append("maximumHeapSize \(m)") }
        if c.checked { parts.append("checked") }
        if let n = majorEvery { parts.append("a major collection every \(n) allocations") }
        if !destructors { parts.append("no destructors") }
        return parts.joined(separator: ", ")
    }

    /// The command that replays `seed` of this setup.
    func replayCommand(seed: UInt64) -> String {
        test.isEmpty ? "the seed \(seed) of this test"
            : "TENURE_MODEL_SEED=\(seed) swift test --filter \"ModelBasedTests/\(test)\""
    }

    static let stress = ModelSetup(name: "stress", test: "stress", configuration: .stress, steps: 1500,
                                   liveTarget: 150, bigArrayChance: 0.05)
    static let small = ModelSetup(name: "small", test: "small", configuration: Configs.small, steps: 1500,
                                  liveTarget: 400, bigArrayChance: 0.04)
    static let everyAllocation = ModelSetup(name: "every allocation", test: "everyAllocation",
                                            configuration: Configs.everyAllocation(),
                                            steps: 600, liveTarget: 100, bigArrayChance: 0.05)
    static let limited = ModelSetup(name: "limited", test: "limited", configuration: {
        var c = Configs.small
        c.nurserySize = 16 << 10
        c.youngLargeObjectLimit = 2 << 10
        c.maximumHeapSize = 16 << 10
        c.minimumHeapSize = 8 << 10
        return c
    }(), steps: 1000, liveTarget: 600, bigArrayChance: 0.04, grows: true)
    static let defaults = ModelSetup(name: "default", test: "defaultConfiguration", configuration: HeapConfiguration(),
                                     steps: 800, liveTarget: 400, bigArrayChance: 0.01,
                                     expression: ".defaults")
    static let noDestructors = ModelSetup(name: "stress, no destructors", test: "withoutDestructors",
                                          configuration: .stress, steps: 1500,
                                          liveTarget: 150, bigArrayChance: 0.05, destructors: false,
                                          expression: ".noDestructors")
    /// `.stress` with a major collection before every 5th allocation.
    static let majorStress = ModelSetup(name: "stress, a major collection every 5 allocations", test: "majorStress",
                                        configuration: .stress, steps: 1000,
                                        liveTarget: 150, bigArrayChance: 0.05, majorEvery: 5)
    /// A nursery that grows and shrinks all the time: 1 KiB to 32 KiB, a pause
    /// goal the verifier's pauses cross now and then.
    static let adaptive = ModelSetup(name: "adaptive nursery", test: "adaptiveNursery", configuration: {
        var c = Configs.small
        c.nurserySize = 1 << 10
        c.maximumNurserySize = 32 << 10
        c.youngLargeObjectLimit = 512
        c.minorPauseGoal = 1e-4
        return c
    }(), steps: 1500, liveTarget: 300, bigArrayChance: 0.04)
    /// The small configuration in checked mode.
    static let checked = ModelSetup(name: "small, checked", test: "checkedMode", configuration: {
        var c = Configs.small
        c.checked = true
        return c
    }(), steps: 1000, liveTarget: 300, bigArrayChance: 0.04, expression: ".checked")

    /// A layout drawn from `seed`: page, arena, card, nursery, young-large and
    /// small-object sizes, minimum heap, debug level, sometimes checked mode, a
    /// major collection every few allocations, a maximum heap the run grows into.
    static func randomLayout(seed: UInt64, test: String = "randomLayout") -> ModelSetup {
        var r = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ 0x6C61_796F_7574)
        var c = HeapConfiguration()
        c.pageSize = 256 << r.below(7)                                   // 256 B ... 16 KiB
        c.arenaSize = max(c.pageSize, VirtualMemory.pageSize) << r.below(4)
        let largestSmall = (c.pageSize - OldSpace.pageHeaderSize) / 2
        let smallSteps = (largestSmall - 16) / 8
        // The smallest, the largest, or anything between.
        switch r.below(4) {
        case 0: c.smallObjectLimit = 16
        case 1: c.smallObjectLimit = 16 + 8 * smallSteps
        default: c.smallObjectLimit = 16 + 8 * r.below(smallSteps + 1)
        }
        let exponent = 6 + r.below(12)                                   // 64 B ... 128 KiB, times 1 to 2
        var nursery = (1 << exponent) + r.below(1 << exponent)
        if !r.chance(0.2) { nursery &= ~7 }                              // now and then not a multiple of 8
        c.nurserySize = max(64, nursery)
        switch r.below(5) {
        case 0: c.youngLargeObjectLimit = 16 + r.below(48)               // nearly everything is a young large object
        case 1: c.youngLargeObjectLimit = c.nurserySize                  // as large as accepted
        case 2: c.youngLargeObjectLimit = min(c.nurserySize, c.smallObjectLimit + r.below(3) * 8 - 8)
        default: c.youngLargeObjectLimit = 16 + r.below(c.nurserySize - 15)
        }
        c.youngLargeObjectLimit = max(16, c.youngLargeObjectLimit)
        c.cardSize = 1 << r.below(9)                                     // 1 ... 256 items
        c.minimumHeapSize = r.chance(0.5) ? nil : 2048 << r.below(8)
        c.debugLevel = [0, 1, 1, 2][r.below(4)]
        c.shadowStackCapacity = 1 << 12
        c.checked = r.chance(0.25)
        // One seed in three: a nursery that may grow to 2 to 16 times its size, with a
        // pause goal that stops nothing, stops growth at once, or is crossed now and then.
        if r.chance(0.33) {
            c.maximumNurserySize = (c.nurserySize & ~7) << (1 + r.below(4))
            c.minorPauseGoal = [10, 1e-6, 1e-4][r.below(3)]
        }
        let majorEvery = r.chance(0.25) ? 2 + r.below(40) : nil
        let liveTarget = 100 + r.below(250)
        // One seed in five: a maximum heap of 8 to 256 KiB the run grows into.
        let grows = r.chance(0.2)
        if grows { c.maximumHeapSize = (8 << 10) << r.below(6) }
        return ModelSetup(name: "random layout \(seed)", test: test, configuration: c, steps: 1000,
                          liveTarget: liveTarget, bigArrayChance: c.nurserySize > 32 << 10 ? 0.01 : 0.04,
                          grows: grows, majorEvery: majorEvery, expression: ".randomLayout(seed: \(seed))")
    }
}
