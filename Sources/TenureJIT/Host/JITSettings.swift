// What TenureJIT adds to a runtime's configuration: its setting and its log
// categories.
//
// The collector knows nothing of a JIT. TenureJIT registers its setting,
// JIT_LOOP_LONGEVITY, on the runtime's `SettingRegistry`: it is read under
// the runtime's prefix beside the collector's settings
// (TENURE_JIT_LOOP_LONGEVITY with the default prefix), parsed and refused by
// the same rules, and reported with its source by the configuration's
// report and `tenure info`. It declares the log categories of the lines it
// and its embedders write: jit-mem (loops compiled and freed, generations)
// and phase (the runtime's phases, logged with `sampleMemory: true` so that
// each comes with a memory line). A runtime that hosts the JIT:
//
//     var registry = SettingRegistry()
//     try JITHost.register(in: &registry)
//     let resolved = try HeapConfiguration().resolved(environment: HeapConfiguration.processEnvironment,
//                                                     registry: registry)
//     let heap = try Heap(configuration: resolved.configuration)
//     let jit = try JITHost(heap: heap, settings: resolved)
//
// A runtime that does not register them has TENURE_JIT_LOOP_LONGEVITY refused
// as an unknown setting, and jit-mem or phase in TENURE_LOG as an unknown
// category, rather than ignored.
@_spi(Configuration) import Tenure

extension JITHost {
    /// Generations a loop is kept after its last entry unless a setting says otherwise (PyPy's 1000).
    public static let defaultLoopLongevity = 1000

    /// The largest loop longevity the setting accepts.
    static let maximumLoopLongevity = 1 << 40

    /// JIT_LOOP_LONGEVITY: generations a loop is kept after its last entry; 0 never frees loops.
    public static let loopLongevitySetting = RegisteredSetting(
        name: "JIT_LOOP_LONGEVITY", accepted: "a whole number of generations from 0 (never free loops) to 2^40",
        default: .integer(defaultLoopLongevity)
    ) { text throws(SettingSyntaxError) in
        let generations = try SettingSyntax.parseCount(text)
        guard generations <= maximumLoopLongevity else { throw SettingSyntaxError(reason: "out of range") }
        return .integer(generations)
    }

    /// TenureJIT's settings, in the order they are reported.
    public static let settings = [loopLongevitySetting]

    /// The log categories of TenureJIT's lines (jit-mem) and of the runtime
    /// phases its embedders mark (phase).
    public static let logCategories = ["jit-mem", "phase"]

    /// Adds TenureJIT's settings and log categories to `registry`. Refused
    /// when they are there already, or when `registry` claims one of the names.
    public static func register(in registry: inout SettingRegistry) throws(ConfigurationError) {
        try registry.register(contentsOf: settings)
        try registry.registerLogCategories(logCategories)
    }

    /// A registry holding TenureJIT's settings and log categories and nothing else.
    public static var registry: SettingRegistry {
        var registry = SettingRegistry()
        do {
            try register(in: &registry)
        } catch {
            fatalError("TenureJIT: its settings do not register in an empty registry: \(error)")
        }
        return registry
    }

    /// The loop longevity `configuration` resolved (JIT_LOOP_LONGEVITY under
    /// its prefix); the default when TenureJIT's settings were not registered.
    public static func loopLongevity(in configuration: ResolvedConfiguration) -> Int {
        if case .integer(let generations) = configuration.setting(loopLongevitySetting.name)?.value { return generations }
        return defaultLoopLongevity
    }

    /// A host for `heap` that keeps loops for the longevity `settings`
    /// resolved (`loopLongevity(in:)`); see `init(heap:loopLongevity:generations:backend:)`.
    public convenience init(heap: Heap, settings: ResolvedConfiguration, generations: GenerationClock = .tracingStarts,
                            backend: JITBackend = .best) throws(JITError) {
        try self.init(heap: heap, loopLongevity: JITHost.loopLongevity(in: settings), generations: generations,
                      backend: backend)
    }
}
