// What a selector's spelling says about it: its kind and its arity.
//
// A VM needs the arity of a selector to check a method's parameters and to
// pop a send's arguments, and the printer needs to know whether a symbol can
// be written bare (`#at:put:`) or must be quoted (`#'Object class'`). Both
// follow from the characters alone, by the lexer's rules, so they live here.

/// The three kinds of SOM selectors.
public enum SelectorKind: Hashable, Sendable {
    /// A name: `foo`, `value`.
    case unary
    /// Operator characters: `+`, `<=`, `==`, `,`.
    case binary
    /// One or more keywords: `at:`, `at:put:`.
    case keyword

    /// The kind of `selector`, or nil if it is none of the three (then a symbol must be quoted).
    public init?(of selector: String) {
        let utf8 = Array(selector.utf8)
        guard let first = utf8.first else { return nil }
        if Lexer.isOperatorCharacter(first) {
            guard utf8.allSatisfy(Lexer.isOperatorCharacter) else { return nil }
            // four or more dashes alone lex as the class-side separator
            if utf8.count >= 4 && utf8.allSatisfy({ $0 == UInt8(ascii: "-") }) { return nil }
            self = .binary
            return
        }
        var lexer = Lexer(source: selector, file: "")
        guard let token = try? lexer.next(), token.endOffset == utf8.count else { return nil }
        switch token.kind {
        case .identifier, .primitive: self = .unary
        case .keyword, .keywordSequence: self = .keyword
        default: return nil
        }
    }
}

extension String {
    /// The number of arguments a selector takes: 0 for unary, 1 for binary, one per `:` for keyword.
    public var selectorArity: Int {
        guard let first = utf8.first else { return 0 }
        if Lexer.isOperatorCharacter(first) { return 1 }
        return utf8.reduce(0) { $0 + ($1 == UInt8(ascii: ":") ? 1 : 0) }
    }
}
