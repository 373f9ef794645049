// The syntax of setting values: sizes, shares of memory, factors, counts.
//
// Values come from environment variables a person typed, so the parsers are
// strict about meaning and lenient only about spacing: every value either
// means exactly one number or is refused with a reason. Only ASCII digits
// count (no Unicode digits, no exponents, no NaN or infinity, no signs), so
// "1e309", "-0" and "٣M" are errors rather than surprises. Size units are
// binary whatever their spelling (K = KB = KiB = 1024), as in PyPy's and the
// JVM's memory options; a fraction is allowed with a unit ("1.5GB").
//
// The parsers and `MemoryAmount` are SPI (`@_spi(Configuration)`): a runtime
// reads its settings through `RegisteredSetting`'s ready-made forms, which
// use them; `tenure` and other modules of this package parse options of
// their own with the same syntax. `SettingSyntaxError` is public: a
// registered setting's own parser throws it.

/// Why a setting's text was refused; the resolver adds the setting's name.
public struct SettingSyntaxError: Error, Equatable, CustomStringConvertible {
    /// What is wrong with the text, e.g. "negative" or "unknown unit \"PB\"".
    public let reason: String

    /// A refusal for `reason`; a parser of a registered setting (`RegisteredSetting`) throws one.
    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// A byte count, or a share of the machine's available memory.
@_spi(Configuration) public enum MemoryAmount: Sendable, Equatable, CustomStringConvertible {
    /// An absolute number of bytes.
    case bytes(Int)
    /// A percentage (more than 0, at most 100) of the available memory.
    case percentOfAvailable(Double)

    /// The bytes this amount stands for on a machine with `available` bytes.
    public func bytes(ofAvailable available: Int) -> Int {
        switch self {
        case .bytes(let n): return n
        case .percentOfAvailable(let p): return max(1, Int(Double(available) * p / 100))
        }
    }

    public var description: String {
        switch self {
        case .bytes(let n): return "\(n)"
        case .percentOfAvailable(let p): return "\(p)%"
        }
    }
}

/// Parsers for the textual forms of settings.
@_spi(Configuration) public enum SettingSyntax {
    /// What a size accepts, for error messages.
    public static let sizeForm = "a byte count, optionally fractional with a unit: 4194304, 512K, 64MB, 1.5GiB (K/M/G/T, KB/MB/GB/TB, KiB/MiB/GiB/TiB, any case; all powers of 1024)"
    /// What a size-or-share accepts.
    public static let amountForm = sizeForm + ", or a percentage of available memory: 75%"
    /// What a factor accepts.
    public static let factorForm = "a decimal number without a unit, e.g. 1.82"
    /// What a duration setting accepts.
    public static let durationForm = "a duration with its unit: 5ms, 0.5ms, 250us, 0.01s (s, ms or us)"

    private static let units: [String: Int] = [
        "": 1, "b": 1,
        "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
        "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
        "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
        "t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40,
    ]

    /// A decimal number split into its digits: whole part and fraction digits.
    private struct Decimal {
        var whole: Int
        var fraction: [UInt8]   // digit values after the point
        /// The number as the nearest Double (parsed from its digits, so "1.7" is exactly 1.7's double).
        var double: Double {
            var text = String(whole)
            if !fraction.isEmpty { text += "." + String(decoding: fraction.prefix(40).map { $0 + UInt8(ascii: "0") }, as: UTF8.self) }
            return Double(text) ?? Double(whole)
        }
    }

    /// Splits `text` (already trimmed) into a decimal number and the rest.
    private static func splitNumber(_ text: Substring.UTF8View) throws(SettingSyntaxError) -> (Decimal, Substring.UTF8View) {
        var rest = text[...]
        guard let first = rest.first else { throw SettingSyntaxError(reason: "empty") }
        if first == UInt8(ascii: "-") { throw SettingSyntaxError(reason: "negative (a sign is not accepted)") }
        if first == UInt8(ascii: "+") { throw SettingSyntaxError(reason: "a sign is not accepted") }
        var whole = 0
        var sawDigit = false
        while let c = rest.first, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
            let (m, o1) = whole.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(c - UInt8(ascii: "0")))
            if o1 || o2 { throw SettingSyntaxError(reason: "too large") }
            whole = s
            sawDigit = true
            rest = rest.dropFirst()
        }
        var fraction: [UInt8] = []
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            while let c = rest.first, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                fraction.append(c - UInt8(ascii: "0"))
                rest = rest.dropFirst()
            }
            if fraction.isEmpty && !sawDigit { throw SettingSyntaxError(reason: "not a number") }
            if fraction.isEmpty { throw SettingSyntaxError(reason: "no digits after the decimal point") }
        } else if !sawDigit {
            throw SettingSyntaxError(reason: "not a number")
        }
        if let e = rest.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E"),
           let next = rest.dropFirst().first,
           (next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")) || next == UInt8(ascii: "-") || next == UInt8(ascii: "+") {
            throw SettingSyntaxError(reason: "exponent notation is not accepted")
        }
        while rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
        return (Decimal(whole: whole, fraction: fraction), rest)
    }

    private static func trimmed(_ text: String) -> Substring.UTF8View {
        var s = Substring(text).utf8[...]
        while let c = s.first, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { s = s.dropFirst() }
        while let c = s.last, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { s = s.dropLast() }
        return s
    }

    /// Parses a size in bytes: "4194304", "512K", "64MB", "1.5GiB".
    public static func parseSize(_ text: String) throws(SettingSyntaxError) -> Int {
        let (number, rest) = try splitNumber(trimmed(text))
        let unitText = String(decoding: rest, as: UTF8.self)
        guard unitText.utf8.allSatisfy({ $0 < 128 }), let unit = units[unitText.lowercased()] else {
            throw SettingSyntaxError(reason: "unknown unit \"\(unitText)\"")
        }
        let (whole, overflow) = number.whole.multipliedReportingOverflow(by: unit)
        if overflow { throw SettingSyntaxError(reason: "too large (at most \(Int.max) bytes)") }
        if number.fraction.isEmpty { return whole }
        if unit == 1 { throw SettingSyntaxError(reason: "a fraction of a byte (give a unit: 1.5M)") }
        let part = Int((number.double - Double(number.whole)) * Double(unit))
        let (total, overflow2) = whole.addingReportingOverflow(part)
        if overflow2 { throw SettingSyntaxError(reason: "too large (at most \(Int.max) bytes)") }
        return total
    }

    /// Parses a size or a percentage of available memory: "2G", "75%".
    public static func parseAmount(_ text: String) throws(SettingSyntaxError) -> MemoryAmount {
        let t = trimmed(text)
        guard t.last == UInt8(ascii: "%") else { return .bytes(try parseSize(text)) }
        var body = t.dropLast()
        while body.last == UInt8(ascii: " ") { body = body.dropLast() }
        let (number, rest) = try splitNumber(body)
        if !rest.isEmpty { throw SettingSyntaxError(reason: "not a percentage") }
        let p = number.double
        guard p > 0, p <= 100 else { throw SettingSyntaxError(reason: "a percentage must be more than 0% and at most 100%") }
        return .percentOfAvailable(p)
    }

    /// Parses a factor: "1.82", "2".
    public static func parseFactor(_ text: String) throws(SettingSyntaxError) -> Double {
        let (number, rest) = try splitNumber(trimmed(text))
        if !rest.isEmpty {
            throw SettingSyntaxError(reason: "unexpected \"\(String(decoding: rest, as: UTF8.self))\" after the number (a factor has no unit)")
        }
        return number.double
    }

    /// Parses a duration with its unit into seconds: "5ms", "250us", "0.01s".
    public static func parseDuration(_ text: String) throws(SettingSyntaxError) -> Double {
        let (number, rest) = try splitNumber(trimmed(text))
        let unit = String(decoding: rest, as: UTF8.self).trimmingSpaces.lowercased()
        let scale: Double
        switch unit {
        case "s": scale = 1
        case "ms": scale = 1e-3
        case "us", "µs": scale = 1e-6
        case "": throw SettingSyntaxError(reason: "a duration needs its unit (s, ms or us)")
        default: throw SettingSyntaxError(reason: "unknown unit \"\(unit)\" (accepted: s, ms, us)")
        }
        return number.double * scale
    }

    /// A duration in seconds as the settings write it: "5ms", "250us", "2s".
    public static func describeDuration(_ seconds: Double) -> String {
        func trim(_ x: Double) -> String {
            let rounded = (x * 1000).rounded() / 1000
            return rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
        }
        if seconds >= 1 { return trim(seconds) + "s" }
        if seconds >= 1e-3 { return trim(seconds * 1e3) + "ms" }
        return trim(seconds * 1e6) + "us"
    }

    /// Parses a whole number without a unit: "0", "1000".
    public static func parseCount(_ text: String) throws(SettingSyntaxError) -> Int {
        let (number, rest) = try splitNumber(trimmed(text))
        if !rest.isEmpty {
            throw SettingSyntaxError(reason: "unexpected \"\(String(decoding: rest, as: UTF8.self))\" after the number")
        }
        if !number.fraction.isEmpty { throw SettingSyntaxError(reason: "not a whole number") }
        return number.whole
    }
}
