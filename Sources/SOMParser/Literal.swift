// Literal constants: numbers, strings, symbols and literal arrays.
//
// An integer that fits in an Int is stored as one; a larger one keeps its
// decimal digits (with a leading `-` if negative, no leading zeros), so the
// VM can build a big integer its own way and nothing is lost here. The
// test suite has integers up to 24 digits, and -9223372036854775808 is an
// Int although 9223372036854775808 is not, so the sign is applied before the
// range is checked. A double is the nearest Double to its decimal text.
// A negative number literal is one literal, not a send of `negated`.
//
// Literal arrays take any literal, arrays included (`#(1 #(2 3) #foo:bar:
// 'x' -4.5)`); as in the grammar, a symbol in an array keeps its `#`, and
// bare names (`#(foo true)`, Smalltalk-80 style) are not accepted.

/// A literal constant of SOM.
public enum Literal: Hashable, Sendable {
    /// An integer that fits in an Int.
    case integer(Int)
    /// An integer that does not fit in an Int: its decimal digits, `-` first if negative.
    case bigInteger(String)
    /// A double: `3.25`, `-0.5`.
    case double(Double)
    /// A string's value, escapes replaced.
    case string(String)
    /// A symbol's name: `foo`, `at:put:`, `+`, `Object class`.
    case symbol(String)
    /// A literal array `#( ... )`.
    case array([Literal])

    /// The literal for an integer's decimal digits, negated if `negative`: `.integer` when it fits in an Int.
    public static func integer(digits: String, negative: Bool) -> Literal {
        var trimmed = Substring(digits.drop { $0 == "0" })
        if trimmed.isEmpty { trimmed = "0" }
        let text = negative && trimmed != "0" ? "-" + trimmed : String(trimmed)
        if let value = Int(text) { return .integer(value) }
        return .bigInteger(text)
    }

    /// The literal for a double's `digits.digits` text, negated if `negative`.
    public static func double(text: String, negative: Bool) -> Literal {
        let value = Double(text) ?? .nan  // the lexer only makes digits.digits
        return .double(negative ? -value : value)
    }

    /// A short name for the literal's kind, used in messages: "integer", "symbol", ...
    public var kindName: String {
        switch self {
        case .integer, .bigInteger: "integer"
        case .double: "double"
        case .string: "string"
        case .symbol: "symbol"
        case .array: "literal array"
        }
    }
}
