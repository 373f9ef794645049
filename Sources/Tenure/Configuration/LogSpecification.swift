// The syntax of the log setting (TENURE_LOG), like PyPy's PYPYLOG.
//
// "categories:destination": a comma-separated list of event categories
// (each a known category, a prefix of some, such as "gc" for every gc-*
// category, or "*" for all) and where the lines go: "-" for standard error,
// otherwise a file path in which "%d" stands for the process id. The text is
// checked here, when the configuration is resolved, so that a typo fails at
// start-up with the list of categories rather than logging nothing.
//
// The collector knows its own categories (gc-minor, gc-collect, gc-nursery, memory).
// Another module or the runtime that logs lines of its own through
// `Heap.log` declares their categories on the `SettingRegistry` it resolves
// with (`registerLogCategories`): TenureJIT declares jit-mem and phase. The
// log setting accepts the collector's categories and the registry's; a
// category nobody declared is refused like any other typo.

/// Which events are logged and where.
public struct LogSpecification: Sendable, Equatable, CustomStringConvertible {
    /// The collector's own categories; a registry adds others' (`SettingRegistry.registerLogCategories`).
    public static let knownCategories = ["gc-minor", "gc-collect", "gc-nursery", "memory"]

    /// The categories asked for, as written ("gc", "jit-mem", "*").
    public var categories: [String]
    /// "-" for standard error, else a path ("%d" is replaced by the process id when opened).
    public var destination: String
    /// The setting this specification came from, named when the destination
    /// cannot be opened: the environment variable ("TENURE_LOG") when
    /// resolution read it from the environment, else "log" (the field of
    /// `HeapConfiguration`); a runtime that builds the specification from an
    /// option of its own may name that option. Not part of equality.
    public var setting: String

    /// Events of `categories` (known names, prefixes of them, or "*") written to `destination`;
    /// `setting` is what errors about it name.
    public init(categories: [String], destination: String, setting: String = "log") {
        self.categories = categories
        self.destination = destination
        self.setting = setting
    }

    /// Two specifications are equal when they log the same categories to the same destination,
    /// wherever they came from.
    public static func == (a: LogSpecification, b: LogSpecification) -> Bool {
        a.categories == b.categories && a.destination == b.destination
    }

    /// What the setting accepts with the collector's categories, for error messages.
    public static let form = accepted(categories: knownCategories)

    /// What the setting accepts when `categories` are known, for error messages.
    public static func accepted(categories: [String]) -> String {
        "categories:destination, e.g. gc-minor,gc-collect:/tmp/gc-%d.log or gc:- (categories: "
            + categories.joined(separator: ", ") + ", a prefix of them such as gc, or *; destination - is standard error)"
    }

    /// Parses "categories:destination" with the collector's categories.
    public static func parse(_ text: String) throws(SettingSyntaxError) -> LogSpecification {
        try parse(text, categories: knownCategories)
    }

    /// Parses "categories:destination"; each category must be `*` or a prefix of one of `categories`.
    public static func parse(_ text: String, categories known: [String]) throws(SettingSyntaxError) -> LogSpecification {
        guard let colon = text.firstIndex(of: ":") else {
            throw SettingSyntaxError(reason: "no \":\" between the categories and the destination")
        }
        let names = text[..<colon].split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        let destination = String(text[text.index(after: colon)...]).trimmingSpaces
        if names == [""] { throw SettingSyntaxError(reason: "no categories") }
        for name in names {
            if name.isEmpty { throw SettingSyntaxError(reason: "an empty category") }
            if name != "*" && !known.contains(where: { $0.hasPrefix(name) }) {
                throw SettingSyntaxError(reason: "unknown category \"\(name)\"")
            }
        }
        if destination.isEmpty { throw SettingSyntaxError(reason: "no destination after \":\"") }
        return LogSpecification(categories: names, destination: destination)
    }

    /// True when events of `category` are asked for.
    public func includes(_ category: String) -> Bool {
        categories.contains { $0 == "*" || category.hasPrefix($0) }
    }

    public var description: String { categories.joined(separator: ",") + ":" + destination }
}
