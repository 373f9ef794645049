// Settings beyond the collector's own, and names a runtime keeps for itself.
//
// Every name under the prefix must mean something: an unknown PREFIX + name
// (TENURE_LOGG, TENURE_NURSERY, TENURE_gc_NURSERY) is refused with the list
// of accepted variables and the closest one, because a misspelt knob would
// otherwise be ignored in silence. A runtime that uses the same prefix for
// settings of its own says so with a `SettingRegistry`:
//
//   - `register(_:)` adds a setting the resolver reads like the collector's
//     own: PREFIX + name, parsed by the setting's parser (sizes, counts,
//     factors and switches have ready-made ones with the collector's syntax),
//     refused with the same message, reported in
//     `ResolvedConfiguration.settings` and by `tenure info`. Other modules of
//     this package define their settings this way (TenureJIT's
//     JIT_LOOP_LONGEVITY) and the runtime registers them with its own.
//   - `registerLogCategories(_:)` adds categories the log setting accepts
//     beside the collector's, for lines a module or the runtime writes with
//     `Heap.log` (TenureJIT's jit-mem and phase).
//   - `claim(_:)` and `claim(prefix:)` keep a name, or every name under a
//     prefix, for the runtime: the resolver reads nothing from them and
//     refuses nothing; `ResolvedConfiguration.claimed` lists what was set.
//
// GC_ is the collector's namespace and JIT_ TenureJIT's: only settings live
// there, and a claimed name or prefix may not reach into them, nor cover a
// name that is already a setting. Within one registry a claim and a
// registration that collide are refused anyway; JIT_ stays reserved so that
// a runtime's claims do not depend on whether it registers TenureJIT's
// settings today: a runtime that claimed JIT_ names would have them taken
// the day it hosts the JIT, or the day the JIT adds a setting.

/// A setting read from the environment beside the collector's own, with the
/// same syntax and errors: a runtime's or another module's.
public struct RegisteredSetting: Sendable {
    /// The variable's name without the prefix, e.g. "THREADS" for MYLANG_THREADS.
    public let name: String
    /// What the setting accepts, for errors ("a whole number from 1 to 64").
    public let accepted: String
    /// The value when the variable is not set.
    public let defaultValue: SettingValue
    /// Reads the variable's text on a machine; throws the reason when it is refused.
    @_spi(Machine) public let parse: @Sendable (String, MachineFacts) throws(SettingSyntaxError) -> SettingValue

    /// A setting `name` that accepts `accepted`, is `defaultValue` when unset, and reads text with `parse`.
    public init(name: String, accepted: String, default defaultValue: SettingValue,
                parse: @escaping @Sendable (String) throws(SettingSyntaxError) -> SettingValue) {
        self.init(name: name, accepted: accepted, default: defaultValue,
                  parse: { text, _ throws(SettingSyntaxError) in try parse(text) })
    }

    /// A setting whose parser also sees the machine resolved against (for a share of its memory).
    @_spi(Machine) public init(name: String, accepted: String, default defaultValue: SettingValue,
                               parse: @escaping @Sendable (String, MachineFacts) throws(SettingSyntaxError) -> SettingValue) {
        self.name = name
        self.accepted = accepted
        self.defaultValue = defaultValue
        self.parse = parse
    }

    /// A size in bytes in the collector's syntax (`64M`, `1.5GiB`) within `range`; nil default: none.
    public static func size(_ name: String, default value: Int?, range: ClosedRange<Int>) -> RegisteredSetting {
        RegisteredSetting(
            name: name,
            accepted: "\(ByteCount.describe(range.lowerBound)) to \(ByteCount.describe(range.upperBound)), written as "
                + SettingSyntax.sizeForm,
            default: value.map { .integer($0) } ?? .none,
            parse: { text, _ throws(SettingSyntaxError) in
                let bytes = try SettingSyntax.parseSize(text)
                guard range.contains(bytes) else { throw SettingSyntaxError(reason: "out of range") }
                return .integer(bytes)
            })
    }

    /// A whole number without a unit within `range`.
    public static func count(_ name: String, default value: Int, range: ClosedRange<Int>) -> RegisteredSetting {
        RegisteredSetting(
            name: name, accepted: "a whole number from \(range.lowerBound) to \(range.upperBound)", default: .integer(value),
            parse: { text, _ throws(SettingSyntaxError) in
                let n = try SettingSyntax.parseCount(text)
                guard range.contains(n) else { throw SettingSyntaxError(reason: "out of range") }
                return .integer(n)
            })
    }

    /// A decimal number without a unit within `range` (`1.82`).
    public static func factor(_ name: String, default value: Double, range: ClosedRange<Double>) -> RegisteredSetting {
        RegisteredSetting(
            name: name, accepted: "a number from \(range.lowerBound) to \(range.upperBound), written as " + SettingSyntax.factorForm,
            default: .number(value),
            parse: { text, _ throws(SettingSyntaxError) in
                let x = try SettingSyntax.parseFactor(text)
                guard range.contains(x) else { throw SettingSyntaxError(reason: "out of range") }
                return .number(x)
            })
    }

    /// A switch: on/off, 1/0, true/false, yes/no, in any case.
    public static func `switch`(_ name: String, default value: Bool) -> RegisteredSetting {
        RegisteredSetting(
            name: name, accepted: HeapConfiguration.switchForm, default: .boolean(value),
            parse: { text, _ throws(SettingSyntaxError) in .boolean(try HeapConfiguration.parseSwitch(text)) })
    }

    /// Any text, kept as it is (`.none` when unset): for a value the runtime parses itself.
    public static func text(_ name: String, accepted: String = "any text") -> RegisteredSetting {
        RegisteredSetting(name: name, accepted: accepted, default: .none,
                          parse: { text, _ throws(SettingSyntaxError) in .text(text) })
    }
}

/// The settings and names a runtime adds to the collector's own under its
/// environment prefix; pass it to `HeapConfiguration.resolved(environment:prefix:registry:)`.
public struct SettingRegistry: Sendable {
    /// The registered settings, in the order they were registered (and are reported).
    public private(set) var settings: [RegisteredSetting] = []
    /// Names (without the prefix) the runtime keeps for itself.
    public private(set) var claimedNames: [String] = []
    /// Prefixes (after the environment prefix) under which every name is the runtime's.
    public private(set) var claimedPrefixes: [String] = []
    /// Log categories added to the collector's, in the order they were registered.
    public private(set) var registeredLogCategories: [String] = []

    /// The categories the log setting accepts: the collector's (`LogSpecification.knownCategories`), then the registered ones.
    public var logCategories: [String] { LogSpecification.knownCategories + registeredLogCategories }

    /// The names of the collector's own settings, without the prefix ("GC_NURSERY", ..., "LOG").
    public static var builtInNames: [String] { HeapConfiguration.settingDefinitions.map(\.variable) }

    /// The namespaces of this package's modules (GC_ the collector's, JIT_
    /// TenureJIT's): only settings (built in or registered) live under them,
    /// no claimed name or prefix.
    public static let reservedPrefixes = ["GC_", "JIT_"]

    /// Whose names `reserved` (one of `reservedPrefixes`) holds, for errors.
    static func owner(of reserved: String) -> String {
        reserved == "GC_" ? "the collector's" : "this package's"
    }

    /// No settings and no claims beyond the collector's own.
    public init() {}

    /// A registry that claims `claimedNames` and every name under `claimedPrefixes`.
    public init(claimedNames: [String], claimedPrefixes: [String] = []) throws(ConfigurationError) {
        for name in claimedNames { try claim(name) }
        for prefix in claimedPrefixes { try claim(prefix: prefix) }
    }

    /// Adds `setting`. Refused when its name is not letters, digits and "_",
    /// or is already a setting, a claimed name, or under a claimed prefix.
    public mutating func register(_ setting: RegisteredSetting) throws(ConfigurationError) {
        try checkNew(setting.name, kind: "registered setting")
        settings.append(setting)
    }

    /// Adds every one of `settings`, in order.
    public mutating func register(contentsOf settings: [RegisteredSetting]) throws(ConfigurationError) {
        for s in settings { try register(s) }
    }

    /// Adds `categories` to those the log setting accepts. Refused when one is
    /// not lower-case letters, digits and "-" (starting with a letter), or is
    /// known already (the collector's or registered).
    public mutating func registerLogCategories(_ categories: [String]) throws(ConfigurationError) {
        for category in categories {
            func refuse(_ reason: String) -> ConfigurationError {
                ConfigurationError(setting: "log category", value: category,
                                   accepted: "lower-case letters, digits and -, starting with a letter, not yet a category",
                                   reason: reason)
            }
            guard SettingRegistry.isCategory(category) else { throw refuse("not lower-case letters, digits and -") }
            if logCategories.contains(category) { throw refuse("a log category already") }
            registeredLogCategories.append(category)
        }
    }

    /// Keeps PREFIX + `name` for the runtime: the resolver neither reads nor refuses it.
    /// Refused as `register(_:)` refuses a name, and under GC_ or JIT_.
    public mutating func claim(_ name: String) throws(ConfigurationError) {
        try checkNew(name, kind: "claimed name")
        if let reserved = SettingRegistry.reservedPrefixes.first(where: { name.hasPrefix($0) }) {
            throw ConfigurationError(setting: "claimed name", value: name,
                                     accepted: "a name outside GC_ and JIT_ (register a setting there instead)",
                                     reason: "among \(SettingRegistry.owner(of: reserved)) \(reserved) names")
        }
        claimedNames.append(name)
    }

    /// Keeps every PREFIX + `prefix` + anything for the runtime. Refused when
    /// `prefix` is not letters, digits and "_", reaches into GC_ or JIT_, or
    /// covers a setting or a claimed name.
    public mutating func claim(prefix: String) throws(ConfigurationError) {
        func refuse(_ reason: String) -> ConfigurationError {
            ConfigurationError(setting: "claimed prefix", value: prefix,
                               accepted: "letters, digits and _, outside GC_ and JIT_ and covering no setting", reason: reason)
        }
        guard SettingRegistry.isName(prefix) else { throw refuse("not letters, digits and _") }
        for reserved in SettingRegistry.reservedPrefixes where reserved.hasPrefix(prefix) || prefix.hasPrefix(reserved) {
            throw refuse("overlaps \(SettingRegistry.owner(of: reserved)) \(reserved) names")
        }
        if let covered = (knownNames + claimedNames).first(where: { $0.hasPrefix(prefix) }) {
            throw refuse("covers the setting \(covered)")
        }
        if claimedPrefixes.contains(prefix) { throw refuse("claimed already") }
        claimedPrefixes.append(prefix)
    }

    /// The collector's settings and the registered ones, in the order they are reported.
    var knownNames: [String] { SettingRegistry.builtInNames + settings.map(\.name) }

    /// Whether `name` (without the prefix) is a setting or claimed.
    func accepts(_ name: String) -> Bool {
        knownNames.contains(name) || isClaimed(name)
    }

    /// Whether `name` (without the prefix) is the runtime's by a claim.
    func isClaimed(_ name: String) -> Bool {
        claimedNames.contains(name) || claimedPrefixes.contains { name.hasPrefix($0) }
    }

    /// What the resolver accepts under `prefix`, for the error about an unknown name.
    func acceptedVariables(prefix: String) -> String {
        var text = "the variables " + (knownNames + claimedNames).map { prefix + $0 }.joined(separator: ", ")
        if !claimedPrefixes.isEmpty {
            text += ", and any name beginning " + claimedPrefixes.map { prefix + $0 }.joined(separator: " or ")
        }
        return text
    }

    /// The accepted name nearest to `name`, if one is near: the same but for
    /// case, at most two edits away, or one of the collector's names without
    /// its GC_ or JIT_ ("NURSERY" for GC_NURSERY).
    func suggestion(for name: String) -> String? {
        let candidates = knownNames + claimedNames
        let upper = name.uppercased()
        if let same = candidates.first(where: { $0.uppercased() == upper }) { return same }
        let scored = candidates.map { ($0, SettingRegistry.editDistance(Array(upper.utf8), Array($0.uppercased().utf8))) }
        if let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 { return best.0 }
        return candidates.first { c in
            SettingRegistry.reservedPrefixes.contains { c.hasPrefix($0) && String(c.dropFirst($0.count)) == upper }
        }
    }

    private func checkNew(_ name: String, kind: String) throws(ConfigurationError) {
        func refuse(_ reason: String) -> ConfigurationError {
            ConfigurationError(setting: kind, value: name,
                               accepted: "a name of letters, digits and _ that is not yet a setting or claimed", reason: reason)
        }
        guard SettingRegistry.isName(name) else { throw refuse("not letters, digits and _") }
        if SettingRegistry.builtInNames.contains(name) { throw refuse("a setting of the collector already") }
        if settings.contains(where: { $0.name == name }) { throw refuse("registered already") }
        if claimedNames.contains(name) { throw refuse("claimed already") }
        if let p = claimedPrefixes.first(where: { name.hasPrefix($0) }) { throw refuse("under the claimed prefix \(p)") }
    }

    /// A log category's form: a lower-case ASCII letter, then lower-case letters, digits and "-".
    static func isCategory(_ text: String) -> Bool {
        guard let first = text.utf8.first, first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") else { return false }
        return text.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || c == UInt8(ascii: "-")
        }
    }

    /// Non-empty, ASCII letters, digits and "_" only.
    static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
        }
    }

    /// Levenshtein distance between two byte strings.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
