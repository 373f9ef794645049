// The outcome of resolving a configuration: every setting's value and source.
//
// A person tuning a runtime needs to know not only what the nursery size is
// but why: set by the runtime's code, by an environment variable, a built-in
// default, or derived from the machine (physical RAM, the cgroup limit,
// NUMA nodes). `tenure info` prints exactly this, and a runtime can print it too
// (`report`, ConfigurationReport.swift). The structured account of the source
// (`SettingSource`, `ResolvedSetting.source`) is SPI (`@_spi(Configuration)`),
// for `tenure info --json` and tests; the machine the defaults came from
// (`machine`) is `@_spi(Machine)` with `MachineFacts`.

/// Where a setting's value came from.
@_spi(Configuration) public enum SettingSource: Sendable, Equatable, CustomStringConvertible {
    /// An environment variable (its full name).
    case environment(variable: String)
    /// Assigned by the embedding runtime's code.
    case code
    /// Tenure's built-in default.
    case `default`
    /// Computed from a machine fact or another setting ("physical RAM", "cgroup limit").
    case derived(from: String)

    /// "environment", "code", "default" or "derived".
    public var kind: String {
        switch self {
        case .environment: return "environment"
        case .code: return "code"
        case .default: return "default"
        case .derived: return "derived"
        }
    }

    /// The variable, or the fact the value was derived from; nil for code and default.
    public var detail: String? {
        switch self {
        case .environment(let variable): return variable
        case .derived(let from): return from
        case .code, .default: return nil
        }
    }

    public var description: String {
        switch self {
        case .environment(let variable): return "environment (\(variable))"
        case .code: return "code"
        case .default: return "default"
        case .derived(let from): return "derived from \(from)"
        }
    }
}

/// A setting's value, typed for printing and for JSON.
public enum SettingValue: Sendable, Equatable, CustomStringConvertible {
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case text(String)
    /// No value: no limit, no log.
    case none

    public var description: String {
        switch self {
        case .integer(let n): return "\(n)"
        case .number(let x): return "\(x)"
        case .boolean(let b): return b ? "on" : "off"
        case .text(let t): return t
        case .none: return "none"
        }
    }
}

/// One setting after resolution.
public struct ResolvedSetting: Sendable, Equatable {
    /// The variable's name without the prefix, e.g. "GC_NURSERY".
    public let variable: String
    /// The value in force.
    public let value: SettingValue
    /// Where the value came from.
    @_spi(Configuration) public let source: SettingSource
    /// An environment value that code overrode, a limit above the available memory, or similar detail.
    public let note: String?
    /// True for a setting a `SettingRegistry` added, false for the collector's own.
    public let isRegistered: Bool

    init(variable: String, value: SettingValue, source: SettingSource, note: String?, isRegistered: Bool = false) {
        self.variable = variable
        self.value = value
        self.source = source
        self.note = note
        self.isRegistered = isRegistered
    }

    /// The key used in JSON: the variable's name lower-cased ("gc_nursery").
    public var key: String { variable.lowercased() }
}

/// A configuration with every default filled in, and the account of how.
public struct ResolvedConfiguration: Sendable {
    /// The configuration to create the heap with.
    public let configuration: HeapConfiguration
    /// Every environment-settable setting: the collector's own in a fixed
    /// order, then the registry's in the order they were registered.
    public let settings: [ResolvedSetting]
    /// The machine facts the defaults were derived from.
    @_spi(Machine) public let machine: MachineFacts
    /// The environment prefix used ("TENURE_").
    public let prefix: String
    /// The registered settings and claims resolution accepted.
    public let registry: SettingRegistry
    /// The environment variables under the prefix that the registry claims
    /// (full name to text): the runtime's to read, untouched by the collector.
    public let claimed: [String: String]

    /// The setting of `variable` (without prefix), if it is one.
    public func setting(_ variable: String) -> ResolvedSetting? {
        settings.first { $0.variable == variable }
    }
}
