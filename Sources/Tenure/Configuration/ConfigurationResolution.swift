// Combining code, environment, and machine into one configuration.
//
// The order, from strongest to weakest (docs/tuning.md):
//   1. what the embedding runtime's code assigned on `HeapConfiguration`;
//   2. the environment: PREFIX + GC_NURSERY, GC_MAJOR_COLLECT, ... ;
//   3. a default derived from the machine (RAM, cgroup limit, NUMA)
//      or from another setting (GC_MIN from the nursery);
//   4. Tenure's built-in constant.
// Code wins over the environment because a runtime that pins a knob has a
// reason (a test harness, a sandbox); a runtime that wants its users to tune
// a knob leaves it unset. Every environment value is parsed even when code
// overrides it, so a bad value is an error whether or not it would be used,
// and `tenure info` shows the override. Every other name under the prefix
// must be a setting a runtime registered or a name it claimed
// (SettingRegistry.swift): an unknown one is refused with the accepted names
// and the nearest, since a misspelt knob would otherwise be ignored in
// silence. Sizes are bounded by what the machine can give (MachineBounds.swift).
import Glibc

/// What a knob's parser reads besides its text: the machine, and the log
/// categories the registry adds to the collector's.
struct SettingContext: Sendable {
    let machine: MachineFacts
    let logCategories: [String]
}

/// One environment-settable knob: how to read it, how to default it, how to show it.
struct SettingDefinition: Sendable {
    /// The variable's name without the prefix.
    let variable: String
    /// The field `HeapConfiguration.validate()` names for it.
    let field: String
    /// Its flag in `HeapConfiguration.explicit.settings`.
    let flag: ExplicitSettings
    /// The accepted syntax, for errors.
    let accepted: String
    /// Applies the environment's text.
    let parse: @Sendable (String, inout HeapConfiguration, SettingContext) throws(SettingSyntaxError) -> Void
    /// Fills the default and says where it came from.
    let derive: @Sendable (inout HeapConfiguration, MachineFacts) -> SettingSource
    /// The value in force.
    let value: @Sendable (HeapConfiguration) -> SettingValue
    /// Something worth saying about the value in force on the machine, if anything.
    var note: @Sendable (HeapConfiguration, MachineFacts) -> String? = { _, _ in nil }
    /// The accepted syntax when it depends on the context (the log's categories); nil: `accepted`.
    var acceptedInContext: (@Sendable (SettingContext) -> String)? = nil

    /// The accepted syntax in `context`, for errors.
    func accepted(in context: SettingContext) -> String { acceptedInContext?(context) ?? accepted }
}

extension HeapConfiguration {
    /// The default prefix of the environment variables.
    public static let defaultEnvironmentPrefix = "TENURE_"

    /// The nursery size unless memory is scarce (4 MiB; docs/tuning.md).
    public static let standardNurserySize = 4 << 20

    /// The knobs, in the order they are resolved (GC_MIN and GC_MAX use the nursery).
    static let settingDefinitions: [SettingDefinition] = [
        SettingDefinition(
            variable: "GC_NURSERY", field: "nurserySize", flag: .nurserySize, accepted: SettingSyntax.sizeForm,
            parse: { text, c, _ throws(SettingSyntaxError) in c.nurserySize = try SettingSyntax.parseSize(text) },
            derive: { c, machine in
                let (bytes, source) = defaultNurserySize(for: machine)
                c.nurserySize = bytes
                // A default nursery adapts; one set in code or the environment is fixed
                // unless GC_NURSERY_MAX says otherwise (its derivation keeps this).
                if c.maximumNurserySize == nil { c.maximumNurserySize = defaultMaximumNurserySize(for: machine, nurserySize: bytes) }
                return source
            },
            value: { .integer($0.nurserySize) }),
        SettingDefinition(
            variable: "GC_NURSERY_MAX", field: "maximumNurserySize", flag: .maximumNurserySize,
            accepted: SettingSyntax.sizeForm,
            parse: { text, c, _ throws(SettingSyntaxError) in c.maximumNurserySize = try SettingSyntax.parseSize(text) },
            derive: { c, _ in
                if let m = c.maximumNurserySize, m > c.nurserySize {
                    return .derived(from: "available memory (at most 64 MiB, 1/64 of the available memory; docs/tuning.md)")
                }
                c.maximumNurserySize = c.nurserySize
                return .derived(from: "GC_NURSERY (a nursery whose size is given stays at it)")
            },
            value: { .integer($0.nurseryCapacity) }),
        SettingDefinition(
            variable: "GC_MINOR_PAUSE", field: "minorPauseGoal", flag: .minorPauseGoal,
            accepted: SettingSyntax.durationForm,
            parse: { text, c, _ throws(SettingSyntaxError) in c.minorPauseGoal = try SettingSyntax.parseDuration(text) },
            derive: { _, _ in .default },
            value: { .text(SettingSyntax.describeDuration($0.minorPauseGoal)) }),
        SettingDefinition(
            variable: "GC_MAJOR_COLLECT", field: "majorCollectFactor", flag: .majorCollectFactor,
            accepted: SettingSyntax.factorForm,
            parse: { text, c, _ throws(SettingSyntaxError) in c.majorCollectFactor = try SettingSyntax.parseFactor(text) },
            derive: { _, _ in .default },
            value: { .number($0.majorCollectFactor) }),
        SettingDefinition(
            variable: "GC_GROWTH", field: "growthFactor", flag: .growthFactor,
            accepted: SettingSyntax.factorForm,
            parse: { text, c, _ throws(SettingSyntaxError) in c.growthFactor = try SettingSyntax.parseFactor(text) },
            derive: { _, _ in .default },
            value: { .number($0.growthFactor) }),
        SettingDefinition(
            variable: "GC_MIN", field: "minimumHeapSize", flag: .minimumHeapSize, accepted: SettingSyntax.sizeForm,
            parse: { text, c, _ throws(SettingSyntaxError) in c.minimumHeapSize = try SettingSyntax.parseSize(text) },
            derive: { c, machine in
                // At most the available memory: a larger minimum heap would mean no major collection ever.
                c.minimumHeapSize = min(c.effectiveMinimumHeapSize, largestMinimumHeapSize(for: machine))
                return .derived(from: "nursery size (8 x GC_NURSERY, at least GC_NURSERY x GC_MAJOR_COLLECT, "
                    + "at most the available memory)")
            },
            value: { .integer($0.effectiveMinimumHeapSize) }),
        SettingDefinition(
            variable: "GC_MAX", field: "maximumHeapSize", flag: .maximumHeapSize,
            accepted: SettingSyntax.amountForm + ", or 0 or none for no limit",
            parse: { text, c, context throws(SettingSyntaxError) in
                c.maximumHeapSize = try parseLimit(text, available: context.machine.availableMemory)
            },
            derive: { c, machine in
                guard let bytes = defaultMaximumHeapSize(for: machine, nurserySize: c.nurserySize) else {
                    c.maximumHeapSize = nil
                    return .default
                }
                c.maximumHeapSize = bytes
                return .derived(from: "cgroup limit (70% of it less the nursery, at least 25%)")
            },
            value: { $0.maximumHeapSize.map { .integer($0) } ?? .none },
            note: { c, machine in noteAboveAvailable(c.maximumHeapSize, machine, "memory runs out before the limit is reached") }),
        SettingDefinition(
            variable: "GC_MAX_DELTA", field: "maximumDelta", flag: .maximumDelta, accepted: SettingSyntax.amountForm,
            parse: { text, c, context throws(SettingSyntaxError) in
                c.maximumDelta = try SettingSyntax.parseAmount(text).bytes(ofAvailable: context.machine.availableMemory)
            },
            derive: { c, machine in
                c.maximumDelta = machine.availableMemory / 8
                return .derived(from: machine.isLimitedByControlGroup ? "cgroup limit (1/8)" : "physical RAM (1/8)")
            },
            value: { .integer($0.effectiveMaximumDelta) },
            note: { c, machine in noteAboveAvailable(c.maximumDelta, machine, "only GC_MAJOR_COLLECT bounds the threshold") }),
        SettingDefinition(
            variable: "GC_DEBUG", field: "debugLevel", flag: .debugLevel,
            accepted: "0 (no checks), 1 (verify around major collections) or 2 (also around minor ones)",
            parse: { text, c, _ throws(SettingSyntaxError) in c.debugLevel = try SettingSyntax.parseCount(text) },
            derive: { _, _ in .default },
            value: { .integer($0.debugLevel) }),
        SettingDefinition(
            variable: "GC_CHECKED", field: "checked", flag: .checked,
            accepted: switchForm + " (checked mode: every handle and reference store checked, the emptied nursery poisoned)",
            parse: { text, c, _ throws(SettingSyntaxError) in c.checked = try parseSwitch(text) },
            derive: { _, _ in .default },
            value: { .boolean($0.checked) }),
        SettingDefinition(
            variable: "GC_NUMA", field: "numaLocalArenas", flag: .numaLocalArenas,
            accepted: switchForm,
            parse: { text, c, _ throws(SettingSyntaxError) in c.numaLocalArenas = try parseSwitch(text) },
            derive: { c, machine in
                c.numaLocalArenas = machine.numa.nodes > 1 && machine.numa.source == "libnuma"
                return .derived(from: "NUMA nodes (\(machine.numa.nodes), \(machine.numa.source))")
            },
            value: { .boolean($0.numaLocalArenas) }),
        SettingDefinition(
            variable: "LOG", field: "log", flag: .log, accepted: LogSpecification.form,
            // The variable's name is filled in by resolution (the parser is not told it).
            parse: { text, c, context throws(SettingSyntaxError) in
                c.log = try LogSpecification.parse(text, categories: context.logCategories)
            },
            derive: { _, _ in .default },
            value: { $0.log.map { .text($0.description) } ?? .none },
            acceptedInContext: { LogSpecification.accepted(categories: $0.logCategories) }),
    ]

    /// Fills every setting code did not assign from `environment` (names
    /// `prefix` + variable) or from this machine, and validates the result,
    /// sizes against what this machine can give.
    ///
    /// Every environment variable whose name begins with `prefix` must be one
    /// of the collector's settings (`SettingRegistry.builtInNames`), one of
    /// `registry`'s settings, or a name `registry` claims; any other is
    /// refused, naming it, the accepted variables and the nearest one.
    /// `registry`'s settings are read and checked like the collector's own
    /// and reported after them in `ResolvedConfiguration.settings`; claimed
    /// variables are not read, only listed in `ResolvedConfiguration.claimed`.
    /// `LOG` accepts the collector's log categories and `registry`'s.
    /// The error names the variable (or field), the value and what is accepted.
    /// `prefix` must not be empty.
    public func resolved(
        environment: [String: String] = [:], prefix: String = HeapConfiguration.defaultEnvironmentPrefix,
        registry: SettingRegistry = SettingRegistry()
    ) throws(ConfigurationError) -> ResolvedConfiguration {
        try resolved(environment: environment, prefix: prefix, machine: .current, registry: registry)
    }

    /// `resolved(environment:prefix:registry:)` on `machine` instead of this
    /// machine (a fixture, or another machine's /proc and /sys read with
    /// `MachineFacts.read`): defaults are derived from it and sizes bounded
    /// by it (`validate(for:)`).
    @_spi(Machine) public func resolved(
        environment: [String: String] = [:], prefix: String = HeapConfiguration.defaultEnvironmentPrefix,
        machine: MachineFacts, registry: SettingRegistry = SettingRegistry()
    ) throws(ConfigurationError) -> ResolvedConfiguration {
        guard !prefix.isEmpty else {
            throw ConfigurationError(setting: "prefix", value: "", accepted: "a non-empty prefix, e.g. TENURE_",
                                     reason: "every environment variable would be a setting")
        }
        var claimed: [String: String] = [:]
        // In name order, so that of several unknown names the same one is reported every time.
        for (name, text) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix(prefix) {
            let rest = String(name.dropFirst(prefix.count))
            if registry.isClaimed(rest) { claimed[name] = text; continue }
            if registry.accepts(rest) { continue }
            let nearest = registry.suggestion(for: rest).map { " (did you mean \(prefix + $0)?)" } ?? ""
            throw ConfigurationError(setting: name, value: text, accepted: registry.acceptedVariables(prefix: prefix),
                                     reason: "unknown setting" + nearest)
        }
        let definitions = HeapConfiguration.settingDefinitions
        let context = SettingContext(machine: machine, logCategories: registry.logCategories)
        var c = self
        // nil means "the default" for these two: derive it even when code wrote the nil.
        var explicit = self.explicit.settings
        if maximumDelta == nil { explicit.remove(.maximumDelta) }
        if minimumHeapSize == nil { explicit.remove(.minimumHeapSize) }
        if maximumNurserySize == nil { explicit.remove(.maximumNurserySize) }
        var settings: [ResolvedSetting] = []
        var sources: [String: (variable: String, text: String, definition: SettingDefinition)] = [:]
        for d in definitions {
            let variable = prefix + d.variable
            let text = environment[variable]
            var fromEnvironment = c
            if let text {
                do {
                    try d.parse(text, &fromEnvironment, context)
                } catch {
                    throw ConfigurationError(setting: variable, value: text, accepted: d.accepted(in: context),
                                             reason: error.reason)
                }
                // A log destination that cannot be opened is found at the first heap: it names this variable.
                if d.flag == .log { fromEnvironment.log?.setting = variable }
            }
            let source: SettingSource
            var note: String?
            if explicit.contains(d.flag) {
                source = .code
                if let text { note = "\(variable)=\(text) is overridden by code" }
            } else if let text {
                c = fromEnvironment
                source = .environment(variable: variable)
                sources[d.field] = (variable, text, d)
            } else {
                source = d.derive(&c, machine)
            }
            settings.append(ResolvedSetting(variable: d.variable, value: d.value(c), source: source, note: note))
        }
        if !explicit.contains(.youngLargeObjectLimit) {
            c.youngLargeObjectLimit = min(HeapConfiguration().youngLargeObjectLimit, c.nurserySize)
        }
        do {
            try c.validate(for: machine)
        } catch {
            // A value that parsed but is out of range: name the variable it came from.
            if let (variable, text, d) = sources[error.setting] {
                throw ConfigurationError(setting: variable, value: text,
                                         accepted: error.accepted + ", written as " + d.accepted(in: context),
                                         reason: "out of range")
            }
            throw error
        }
        // Notes on the values in force (settings[i] is definitions[i]'s).
        for (index, d) in definitions.enumerated() {
            guard let extra = d.note(c, machine) else { continue }
            let s = settings[index]
            settings[index] = ResolvedSetting(variable: s.variable, value: s.value, source: s.source,
                                              note: s.note.map { $0 + "; " + extra } ?? extra)
        }
        for r in registry.settings {
            let variable = prefix + r.name
            guard let text = environment[variable] else {
                settings.append(ResolvedSetting(variable: r.name, value: r.defaultValue, source: .default, note: nil,
                                                isRegistered: true))
                continue
            }
            let value: SettingValue
            do {
                value = try r.parse(text, machine)
            } catch {
                throw ConfigurationError(setting: variable, value: text, accepted: r.accepted, reason: error.reason)
            }
            settings.append(ResolvedSetting(variable: r.name, value: value, source: .environment(variable: variable),
                                            note: nil, isRegistered: true))
        }
        c.explicit.settings = .all
        return ResolvedConfiguration(configuration: c, settings: settings, machine: machine, prefix: prefix,
                                     registry: registry, claimed: claimed)
    }

    /// `resolved(environment:prefix:registry:)` with a registry that
    /// claims `claimedNames` and every name under `claimedPrefixes` (both
    /// without the prefix) for the runtime. Refused as `SettingRegistry.claim` refuses.
    public func resolved(
        environment: [String: String] = [:], prefix: String = HeapConfiguration.defaultEnvironmentPrefix,
        claimedNames: [String], claimedPrefixes: [String] = []
    ) throws(ConfigurationError) -> ResolvedConfiguration {
        try resolved(environment: environment, prefix: prefix, machine: .current,
                     claimedNames: claimedNames, claimedPrefixes: claimedPrefixes)
    }

    /// The same on `machine` (`resolved(environment:prefix:machine:registry:)`).
    @_spi(Machine) public func resolved(
        environment: [String: String] = [:], prefix: String = HeapConfiguration.defaultEnvironmentPrefix,
        machine: MachineFacts, claimedNames: [String], claimedPrefixes: [String] = []
    ) throws(ConfigurationError) -> ResolvedConfiguration {
        try resolved(environment: environment, prefix: prefix, machine: machine,
                     registry: SettingRegistry(claimedNames: claimedNames, claimedPrefixes: claimedPrefixes))
    }

    /// The process's environment variables.
    public static var processEnvironment: [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let eq = text.firstIndex(of: "=") {
                result[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            entry += 1
        }
        return result
    }

    // MARK: Default rules (docs/tuning.md has the measurements behind them)

    /// The default nursery size on `machine`, and the fact it came from:
    /// 4 MiB, lowered to 1/256 of available memory (at least 256 KiB) in a small
    /// container. Not a cache size: over a sweep from 256 KiB to 256 MiB
    /// (docs/tuning.md) time kept falling and peak RSS kept rising with the
    /// nursery, with no step at the L2 or L3 size; 4 MiB is the largest size
    /// that keeps binary-trees' peak RSS within 1.5x its peak live data.
    @_spi(Machine) public static func defaultNurserySize(for machine: MachineFacts) -> (Int, SettingSource) {
        let cap = max(256 << 10, machine.availableMemory / 256) & ~4095
        if cap < standardNurserySize { return (cap, .derived(from: "available memory (1/256, at least 256 KiB)")) }
        return (standardNurserySize, .default)
    }

    /// The largest a default nursery grows to: 64 MiB, at most 1/64 of the
    /// available memory, and at least the nursery itself. Past 64 MiB binary-trees
    /// gained little more than it lost to cache misses (docs/tuning.md).
    @_spi(Machine) public static func defaultMaximumNurserySize(for machine: MachineFacts, nurserySize: Int) -> Int {
        max(nurserySize, min(64 << 20, machine.availableMemory / 64) & ~4095)
    }

    /// The default max heap: inside a cgroup limit L below physical memory,
    /// max(L/4, 0.7 L - nursery), leaving 30% for fragmentation of the old space,
    /// malloc, stacks and code, so that the runtime gets `heapLimitExceeded`
    /// rather than an OOM kill. Without a limit: nil (no max heap).
    @_spi(Machine) public static func defaultMaximumHeapSize(for machine: MachineFacts, nurserySize: Int) -> Int? {
        guard machine.isLimitedByControlGroup, let limit = machine.controlGroup.bytes else { return nil }
        return max(limit / 4, Int(Double(limit) * 0.7) - nurserySize)
    }

    /// GC_MAX's text: a size, a percentage, or "0"/"none" for no limit.
    static func parseLimit(_ text: String, available: Int) throws(SettingSyntaxError) -> Int? {
        if text.trimmingSpaces.lowercased() == "none" { return nil }
        let bytes = try SettingSyntax.parseAmount(text).bytes(ofAvailable: available)
        return bytes == 0 ? nil : bytes
    }

    /// What a switch accepts, for error messages.
    static let switchForm = "on or off (also 1/0, true/false, yes/no)"

    /// A switch's text: on/off, 1/0, true/false, yes/no (any case).
    static func parseSwitch(_ text: String) throws(SettingSyntaxError) -> Bool {
        switch text.trimmingSpaces.lowercased() {
        case "on", "1", "true", "yes": return true
        case "off", "0", "false", "no": return false
        default: throw SettingSyntaxError(reason: "not on or off")
        }
    }
}
