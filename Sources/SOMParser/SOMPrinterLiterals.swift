// How the printer writes literals, in a form the lexer reads back exactly.
//
// Strings escape the quote, the backslash and the control characters that
// have escapes (\t \b \n \r \f \0); other characters are written as they
// are. Symbols are written bare when their text is a selector, else quoted.
// Doubles are written as Swift's shortest round-tripping decimal, with its
// exponent, if any, moved into the digits, because SOM's grammar has no
// exponent; so 1e+16 prints as 10000000000000000.0.

extension SOMPrinter {
    /// The source text of a literal (a finite double, for doubles).
    public static func print(_ literal: Literal) -> String {
        switch literal {
        case .integer(let value): String(value)
        case .bigInteger(let digits): digits
        case .double(let value): double(value)
        case .string(let value): "'" + escaped(value) + "'"
        case .symbol(let name): SelectorKind(of: name) == nil ? "#'" + escaped(name) + "'" : "#" + name
        case .array(let elements): "#(" + elements.map(print).joined(separator: " ") + ")"
        }
    }

    /// A string's characters with SOM's escapes applied (no surrounding quotes).
    public static func escaped(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\u{C}": out += "\\f"
            case "\0": out += "\\0"
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A finite double as `digits.digits`, the only double syntax SOM has.
    public static func double(_ value: Double) -> String {
        let text = value.description
        guard value.isFinite, let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        let negative = text.hasPrefix("-")
        let mantissa = text[text.index(text.startIndex, offsetBy: negative ? 1 : 0)..<e]
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        let point = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) }
            ?? mantissa.count
        let digits = Array(mantissa.filter { $0 != "." })
        let newPoint = point + exponent
        var out: String
        if newPoint <= 0 {
            out = "0." + String(repeating: "0", count: -newPoint) + String(digits)
        } else if newPoint >= digits.count {
            out = String(digits) + String(repeating: "0", count: newPoint - digits.count) + ".0"
        } else {
            out = String(digits[..<newPoint]) + "." + String(digits[newPoint...])
        }
        return (negative ? "-" : "") + out
    }
}
