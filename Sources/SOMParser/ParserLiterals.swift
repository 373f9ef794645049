// Literals: numbers (with their sign), strings, symbols and literal arrays.
//
// After `#` comes a symbol, written as a selector (`#foo`, `#at:put:`,
// `#+`, `#primitive`) or as a string (`#'Object class'`), or `(` for a
// literal array. The grammar lets blanks and comments separate `#` from
// what follows, and so does this parser. A `-` where a literal is wanted
// must be followed by a number, which it negates; there is no other sign.

extension Parser {
    /// literal: a number (maybe negative), a string, a symbol or a literal array.
    mutating func parseLiteral(inArray: Bool) throws(SOMSyntaxError) -> Literal {
        let token = peek
        switch token.kind {
        case .integer, .double:
            return parseNumber(negative: false)
        case .minus:
            advance()
            guard peek.kind == .integer || peek.kind == .double else {
                throw error(expected: "a number after '-' (a negative literal)")
            }
            return parseNumber(negative: true)
        case .string:
            advance()
            return .string(token.text)
        case .pound:
            advance()
            return try parseAfterPound()
        default:
            var expected = "a literal (number, string, #symbol or #( array )) in the literal array"
            if token.isIdentifier { expected += "; a symbol needs its '#': #\(token.text)" }
            throw error(expected: inArray ? expected : "a literal")
        }
    }

    /// literalNumber: the integer or double token next, negated if `negative`.
    mutating func parseNumber(negative: Bool) -> Literal {
        let token = advance()
        return token.kind == .integer
            ? .integer(digits: token.text, negative: negative)
            : .double(text: token.text, negative: negative)
    }

    /// literalSymbol or literalArray, after the `#`.
    mutating func parseAfterPound() throws(SOMSyntaxError) -> Literal {
        let token = peek
        switch token.kind {
        case .identifier, .primitive, .keyword, .keywordSequence, .string, .equal, .or, .minus, .operator:
            advance()
            return .symbol(token.text)
        case .newTerm:
            advance()
            var elements: [Literal] = []
            while peek.kind != .endTerm {
                guard peek.kind != .endOfFile else {
                    throw error(expected: "a literal or ')' to end the literal array begun at \(token.position)")
                }
                elements.append(try parseLiteral(inArray: true))
            }
            advance()
            return .array(elements)
        default:
            throw error(expected: "a selector, a string or '(' after '#'")
        }
    }
}
