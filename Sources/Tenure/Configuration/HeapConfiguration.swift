// The settings a heap is created with.
//
// Every knob of the collector is a field here, settable from code. The
// defaults follow PyPy's arithmetic where it is known to work (major collect
// factor 1.82, growth 1.4, max delta 1/8 of available memory) and are sized
// from the machine where they must be: a field that code did not set is
// filled by `resolved(environment:prefix:machine:)` (ConfigurationResolution.swift)
// from the environment or from the machine, and `Heap.init` resolves
// against this machine without an environment. Each settable field records
// that code set it, so that "set in code" and "left to the default" can be
// told apart even when the value is nil (an explicit "no max heap").
// Layout parameters (page, arena, small-object limit) are exposed so that
// tests can shrink them to a few objects and make every boundary case happen.
// Only the collector's knobs are fields: another module's settings (TenureJIT's
// loop longevity) and a runtime's are registered with a `SettingRegistry`
// and read from the `ResolvedConfiguration`.
import Glibc

/// How a heap is sized and paced. All sizes are in bytes.
public struct HeapConfiguration: Sendable, Equatable {
    /// Bytes of the nursery (young generation). A minor collection runs when it is full.
    /// Default: `HeapConfiguration.defaultNurserySize(for:)`.
    public var nurserySize: Int = HeapConfiguration.standardNurserySize { didSet { explicit.insert(.nurserySize) } }
    /// The most bytes the nursery may grow to (NurserySizing.swift): it starts at
    /// `nurserySize` and doubles while survivors are many and minor pauses short.
    /// nil: derived; with `nurserySize` left to its default that is 64 MiB at
    /// most (less with little memory), with `nurserySize` set it is `nurserySize`
    /// (a fixed nursery).
    public var maximumNurserySize: Int? = nil { didSet { explicit.insert(.maximumNurserySize) } }
    /// The longest minor pause, in seconds, the nursery sizing lets a bigger
    /// nursery risk: it grows only while the pause it predicts for the doubled
    /// size stays under this, and halves (down to `nurserySize`) after a minor
    /// pause above it (NurserySizing.swift).
    public var minorPauseGoal: Double = 0.010 { didSet { explicit.insert(.minorPauseGoal) } }
    /// The next major collection starts when the old space reaches this factor
    /// times the bytes that survived the last one (PyPy's major_collect). Must be > 1.
    public var majorCollectFactor: Double = 1.82 { didSet { explicit.insert(.majorCollectFactor) } }
    /// The threshold grows at most by this factor per major cycle. Must be > 1.
    public var growthFactor: Double = 1.4 { didSet { explicit.insert(.growthFactor) } }
    /// No major collection before the old space holds this many bytes; nil: 8 x nursery.
    public var minimumHeapSize: Int? = nil { didSet { explicit.insert(.minimumHeapSize) } }
    /// Allocation fails with `HeapError.heapLimitExceeded` past this many old-space
    /// bytes; nil: no limit. Left unset, it is derived from a container's memory limit.
    public var maximumHeapSize: Int? = nil { didSet { explicit.insert(.maximumHeapSize) } }
    /// Cap on (threshold - surviving bytes); nil: 1/8 of available memory.
    public var maximumDelta: Int? = nil { didSet { explicit.insert(.maximumDelta) } }
    /// 0: no checks; 1: verify the heap around major collections; 2: also around minor ones.
    public var debugLevel: Int = 0 { didSet { explicit.insert(.debugLevel) } }
    /// Place old-space arenas on the local NUMA node. Left unset: on when libnuma
    /// reports several nodes.
    public var numaLocalArenas: Bool = false { didSet { explicit.insert(.numaLocalArenas) } }
    /// Which events are logged and where ("gc-minor,gc-collect:/tmp/gc.log"); nil: none.
    public var log: LogSpecification? = nil { didSet { explicit.insert(.log) } }

    /// The settings code assigned (and, after resolution, all of them).
    var explicit = SetInCode()

    /// Bytes of an old-space page (one size class per page). A power of two.
    public var pageSize: Int = 8 << 10
    /// Bytes of an arena (a multiple of the page size and of the OS page); empty arenas are unmapped.
    public var arenaSize: Int = 512 << 10
    /// Objects up to this many bytes live in size-class pages; bigger ones are large objects.
    public var smallObjectLimit: Int = 256
    /// Objects above this many bytes are allocated outside the nursery even when young.
    /// Left unset, it is 128 KiB or the nursery size if that is smaller.
    public var youngLargeObjectLimit: Int = 128 << 10 { didSet { explicit.insert(.youngLargeObjectLimit) } }
    /// Items per card of a large reference array (a minor collection scans only dirty cards).
    /// A power of two, so that the barrier finds an item's card with a shift.
    public var cardSize: Int = 128
    /// Slots of the shadow stack (reserved address space; only touched slots use memory).
    public var shadowStackCapacity: Int = 1 << 20
    /// Checked mode, for runtimes under development: every allocation takes the
    /// slow path and checks its handle, every reference store checks its offset
    /// and value, the emptied nursery is poisoned (docs/embedding.md lists the
    /// checks and their cost).
    public var checked: Bool = false { didSet { explicit.insert(.checked) } }

    /// The defaults.
    public init() {}

    /// A configuration that makes collections happen all the time: a nursery of
    /// a few objects, tiny pages and arenas, a low major threshold, the verifier on.
    public static var stress: HeapConfiguration {
        var c = HeapConfiguration()
        c.nurserySize = 256
        c.pageSize = 1024
        c.arenaSize = max(4096, VirtualMemory.pageSize)
        c.smallObjectLimit = 128
        c.youngLargeObjectLimit = 64
        c.cardSize = 4
        c.minimumHeapSize = 4096
        c.debugLevel = 2
        c.shadowStackCapacity = 1 << 16
        return c
    }

    /// The minimum heap in force: the given one (default 8 x nursery), raised to
    /// at least nursery x major factor, as PyPy raises PYPY_GC_MIN. The floor
    /// also keeps the threshold from being pinned at 0 by the growth cap.
    public var effectiveMinimumHeapSize: Int {
        // Saturating: this runs before validation, on whatever code or the environment gave.
        let (eight, overflow) = nurserySize.multipliedReportingOverflow(by: 8)
        let given = minimumHeapSize ?? (overflow ? Int.max : eight)
        let scaled = Double(nurserySize) * majorCollectFactor
        let floor = scaled.isFinite && scaled < 9e18 ? Int(max(0, scaled)) : Int.max
        return max(given, floor)
    }

    /// The most bytes the nursery can hold: its maximum, or its size when fixed.
    var nurseryCapacity: Int { max(nurserySize, maximumNurserySize ?? nurserySize) }

    /// The max delta in force: the given one or 1/8 of this machine's available memory.
    public var effectiveMaximumDelta: Int { maximumDelta ?? MachineFacts.current.availableMemory / 8 }

    /// Checks every field; the error names the field, the value and what is accepted.
    public func validate() throws(ConfigurationError) {
        func fail(_ field: String, _ value: Any, _ accepted: String) -> ConfigurationError {
            ConfigurationError(setting: field, value: "\(value)", accepted: accepted)
        }
        if nurserySize < 64 || nurserySize > 1 << 40 { throw fail("nurserySize", nurserySize, "64 bytes to 1 TiB") }
        if let m = maximumNurserySize, m < nurserySize || m > 1 << 40 {
            throw fail("maximumNurserySize", m, "the nursery size (\(nurserySize)) to 1 TiB, or nil for the default")
        }
        if !(minorPauseGoal > 0 && minorPauseGoal <= 10) {
            throw fail("minorPauseGoal", minorPauseGoal, "more than 0 and at most 10 seconds")
        }
        if !(majorCollectFactor > 1.0 && majorCollectFactor <= 100) {
            throw fail("majorCollectFactor", majorCollectFactor, "a number greater than 1.0 and at most 100")
        }
        if !(growthFactor > 1.0 && growthFactor <= 100) {
            throw fail("growthFactor", growthFactor, "a number greater than 1.0 and at most 100")
        }
        if let m = minimumHeapSize, m < 0 { throw fail("minimumHeapSize", m, "0 or more bytes") }
        if let m = maximumHeapSize, m <= 0 { throw fail("maximumHeapSize", m, "more than 0 bytes, or nil for no limit") }
        if let d = maximumDelta, d <= 0 { throw fail("maximumDelta", d, "more than 0 bytes") }
        if !(0...2).contains(debugLevel) { throw fail("debugLevel", debugLevel, "0, 1 or 2") }
        if pageSize < 256 || pageSize & (pageSize - 1) != 0 {
            throw fail("pageSize", pageSize, "a power of two of at least 256 bytes")
        }
        if arenaSize < pageSize || arenaSize % pageSize != 0 || arenaSize % VirtualMemory.pageSize != 0
            || arenaSize & (arenaSize - 1) != 0 {
            throw fail("arenaSize", arenaSize, "a power of two, a multiple of pageSize and of the OS page (\(VirtualMemory.pageSize))")
        }
        if smallObjectLimit < 16 || smallObjectLimit % 8 != 0 || smallObjectLimit > (pageSize - OldSpace.pageHeaderSize) / 2 {
            throw fail("smallObjectLimit", smallObjectLimit,
                       "a multiple of 8 from 16 to half a page less its header (\((pageSize - OldSpace.pageHeaderSize) / 2))")
        }
        if youngLargeObjectLimit < 16 || youngLargeObjectLimit > nurserySize {
            throw fail("youngLargeObjectLimit", youngLargeObjectLimit, "16 bytes to the nursery size (\(nurserySize))")
        }
        if cardSize < 1 || cardSize & (cardSize - 1) != 0 {
            throw fail("cardSize", cardSize, "a power of two of 1 or more items")
        }
        if shadowStackCapacity < 16 { throw fail("shadowStackCapacity", shadowStackCapacity, "16 or more slots") }
    }
}

/// Which settings code assigned: bookkeeping for resolution, not part of a
/// configuration's value, so two configurations with the same values are
/// equal however they were made.
struct SetInCode: Sendable, Equatable {
    var settings: ExplicitSettings = []

    mutating func insert(_ setting: ExplicitSettings) { settings.insert(setting) }
    static func == (_: SetInCode, _: SetInCode) -> Bool { true }
}

/// The settings code can assign, so that resolution fills only the others.
struct ExplicitSettings: OptionSet, Sendable, Hashable {
    let rawValue: Int
    static let nurserySize = ExplicitSettings(rawValue: 1 << 0)
    static let majorCollectFactor = ExplicitSettings(rawValue: 1 << 1)
    static let growthFactor = ExplicitSettings(rawValue: 1 << 2)
    static let minimumHeapSize = ExplicitSettings(rawValue: 1 << 3)
    static let maximumHeapSize = ExplicitSettings(rawValue: 1 << 4)
    static let maximumDelta = ExplicitSettings(rawValue: 1 << 5)
    static let debugLevel = ExplicitSettings(rawValue: 1 << 6)
    static let numaLocalArenas = ExplicitSettings(rawValue: 1 << 7)
    static let log = ExplicitSettings(rawValue: 1 << 8)
    static let youngLargeObjectLimit = ExplicitSettings(rawValue: 1 << 9)
    static let checked = ExplicitSettings(rawValue: 1 << 10)
    static let maximumNurserySize = ExplicitSettings(rawValue: 1 << 11)
    static let minorPauseGoal = ExplicitSettings(rawValue: 1 << 12)
    static let all = ExplicitSettings(rawValue: (1 << 13) - 1)
}

/// A configuration value that is not accepted.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// The setting (a field name or an environment variable).
    public let setting: String
    /// The value that was given.
    public let value: String
    /// What the setting accepts.
    public let accepted: String
    /// What is wrong with the value, when more can be said than "not accepted".
    public let reason: String?

    /// An error for `setting`, given `value`, which accepts `accepted`.
    public init(setting: String, value: String, accepted: String, reason: String? = nil) {
        self.setting = setting
        self.value = value
        self.accepted = accepted
        self.reason = reason
    }

    public var description: String {
        "invalid \(setting)=\(value)" + (reason.map { ": \($0)" } ?? "") + "; accepted: \(accepted)"
    }
}
