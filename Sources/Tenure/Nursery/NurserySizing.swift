// Nursery sizing: how big the young generation is, decided after each minor collection.
//
// A fixed 4 MiB nursery promotes whatever is still being built when it
// fills: binary-trees 21 promoted 4.3 GB and spent 57 % of its time in the
// collector, at 64 MiB 1.3 GB and 32 % (docs/tuning.md). But a minor pause is
// the time to copy the survivors (binary-trees: 0.49 ms per MiB of them at
// the median, 1.0 at the 90th percentile, up to 1.4 when the old space
// faults fresh pages in), so a bigger nursery is a longer pause whenever
// most of it survives. The sizing therefore grows the nursery only while
// the pause it predicts for the doubled size, were all of it to survive,
// stays under the goal:
//
//     predicted = copy cost x costMargin x 2 x size
//
// where the copy cost (seconds per byte promoted) is the highest measured,
// and at least `assumedCopyCost`, and `costMargin` allows for a byte costing more to copy in a bigger
// nursery (1.3 ms per MiB at 4 MiB, 1.7 at 8 MiB, binary-trees' worst). The
// worst case on purpose: the goal bounds the longest pause, not the typical
// one, and in a program with phases the next phase may keep everything. (A
// first version predicted from the recent high of the survival, decaying
// per collection: binary-trees grew to 16 MiB in a phase of small trees and
// the next big tree paused 11-13 ms against a 10 ms goal.) Growth also
// needs `growthPatience` collections in a row that filled at least half the
// nursery with survival of at least `growthSurvival` (a program whose
// objects all die young gains nothing from a bigger nursery), and, with a
// maximum heap, room for four doublings' survivors. The nursery halves, down
// to its configured size, at once after a pause above the goal, and after
// `shrinkPatience` collections in a row with survival under
// `shrinkSurvival`, where a smaller nursery loses nothing and frees cache
// and memory.
//
// HotSpot's adaptive size policy sizes its young generation for a pause
// goal and a throughput goal in the same spirit; Go and OCaml 5 do not size
// a young generation (Go has none, OCaml's minor heap is fixed per domain).
// Doubling and halving keep the sizes a few powers of two apart, so a
// program that alternates phases does not remap the nursery every cycle.
// A nursery whose size the runtime set stays at it (the maximum defaults to
// the size then, ConfigurationResolution.swift).

struct NurserySizing {
    /// Bytes, multiples of 8: the size the nursery starts at and never goes below,
    /// and the most it grows to (the nursery's reserved capacity).
    let minimum: Int
    let maximum: Int
    /// Seconds: the minor pause the sizing keeps the nursery under.
    let pauseGoal: Double
    /// Seconds per byte promoted: the highest measured (see the design comment);
    /// 0 until a collection promoted `costSample` bytes.
    private(set) var copyCost = 0.0
    /// The least copy cost the prediction uses: binary-trees' worst at 4 MiB (1.3 ms
    /// per MiB). A floor rather than a first guess, because the worst copies come
    /// late (the median is 0.49 ms per MiB): with the measured high alone,
    /// binary-trees grew to 8 MiB early and later paused 15 ms.
    static let assumedCopyCost = 1.3e-3 / Double(1 << 20)
    /// Minor collections in a row that called for growth; reset by any that did not.
    private(set) var growthVotes = 0
    /// Minor collections in a row whose survivors were few.
    private(set) var shrinkVotes = 0

    /// Survivors per byte allocated at which a bigger nursery is worth its memory.
    static let growthSurvival = 0.05
    /// Survivors per byte allocated below which a smaller nursery loses nothing.
    static let shrinkSurvival = 0.01
    static let growthPatience = 4
    static let shrinkPatience = 16
    /// How much more a byte costs to copy at twice the size (measured: 1.3 for binary-trees).
    static let costMargin = 1.3
    /// Survivors below this say little of the copy cost (the roots' fixed part dominates).
    static let costSample = 256 << 10

    init(minimum: Int, maximum: Int, pauseGoal: Double) {
        self.minimum = minimum
        self.maximum = max(minimum, maximum & ~7)
        self.pauseGoal = pauseGoal
    }

    /// Whether the size can change at all.
    var adapts: Bool { maximum > minimum }

    /// The size for the next cycle, after a minor collection of a nursery of
    /// `current` bytes that had `used` of them allocated, promoted `promoted`
    /// bytes and paused `pause` seconds. `room` is what the maximum heap still
    /// allows the old generation (nil: no maximum).
    mutating func nextSize(current: Int, used: Int, promoted: Int, pause: Double, room: Int?) -> Int {
        guard adapts else { return current }
        // Every collection that copied enough measures the copy cost, the slow ones
        // above the goal first of all.
        if promoted >= NurserySizing.costSample { copyCost = max(copyCost, pause / Double(promoted)) }
        let halved = max(minimum, current / 2 & ~7)
        if pause > pauseGoal || room.map({ current > $0 / 2 }) == true {
            growthVotes = 0
            shrinkVotes = 0
            return halved
        }
        // A collection the runtime asked for on a nursery barely used says nothing of survival.
        guard used >= current / 2 else { return current }
        let survived = Double(promoted) / Double(max(used, 1))
        shrinkVotes = survived < NurserySizing.shrinkSurvival ? shrinkVotes + 1 : 0
        if shrinkVotes >= NurserySizing.shrinkPatience {
            shrinkVotes = 0
            return halved
        }
        let doubled = min(maximum, current * 2)
        let cost = max(copyCost, NurserySizing.assumedCopyCost)
        let predicted = max(cost * NurserySizing.costMargin * Double(doubled), pause * 2)
        let wantsGrowth = survived >= NurserySizing.growthSurvival && predicted <= pauseGoal
            && doubled > current && room.map({ doubled * 4 <= $0 }) != false
        growthVotes = wantsGrowth ? growthVotes + 1 : 0
        if growthVotes >= NurserySizing.growthPatience {
            growthVotes = 0
            return doubled
        }
        return current
    }
}
