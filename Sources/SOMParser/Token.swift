// The tokens of SOM's grammar (specification/SOM.g4), with their text and place.
//
// The grammar gives each one-character operator its own terminal (Comma,
// Not, And, Star, ...), but the parser treats all of them, and every
// OperatorSequence, alike: as a binary selector. So they share one kind,
// `.operator`, whose text says which it is. Only the three operator
// characters that also play a part in the grammar keep kinds of their own:
// `=` (class and method definitions), `|` (field and local lists, block
// parameters) and `-` (negative number literals); they are binary selectors
// as well, see `isBinarySelector`.

/// The kind of a SOM token.
public enum TokenKind: Hashable, Sendable {
    /// A name: a letter, then letters, digits and underscores (`foo`, `Object`, `a_1`).
    case identifier
    /// The word `primitive`, a method body and an ordinary identifier everywhere else.
    case primitive
    /// One keyword part: an identifier followed at once by `:` (`at:`), not by `:=`.
    case keyword
    /// Several keyword parts with nothing between them (`at:put:`), used in symbols.
    case keywordSequence
    /// Decimal digits; the text holds them all, whatever their number.
    case integer
    /// Digits, `.`, digits (`3.25`); the grammar has no exponent.
    case double
    /// A quoted string; the text holds its value, escapes already replaced.
    case string
    /// `=`: a binary selector, and the definition sign of classes and methods.
    case equal
    /// `|`: a binary selector, and the bracket of field and local lists.
    case or
    /// `-` alone: a binary selector, and the sign of a negative literal.
    case minus
    /// Any other binary selector: one of `, ~ & * / \ + > < @ %` or a run of operator characters (`<=`, `==`, `>>>`, `||`).
    case `operator`
    /// A run of four or more `-` and nothing else: starts the class side.
    case separator
    /// `(`
    case newTerm
    /// `)`
    case endTerm
    /// `[`
    case newBlock
    /// `]`
    case endBlock
    /// `#`, before a symbol or a literal array.
    case pound
    /// `^`
    case exit
    /// `.`
    case period
    /// `:`, before a block parameter.
    case colon
    /// `:=`
    case assign
    /// The end of the text; the last token of every token list.
    case endOfFile
}

/// One token: its kind, its text and where it starts.
public struct Token: Hashable, Sendable {
    /// What kind of token this is.
    public var kind: TokenKind
    /// The token's text; for a string, its value after escapes; for end of file, "".
    public var text: String
    /// Where the token's first character is.
    public var position: SourcePosition
    /// The UTF-8 offset just past the token's last character.
    public var endOffset: Int

    /// A token from its parts.
    public init(kind: TokenKind, text: String, position: SourcePosition, endOffset: Int) {
        self.kind = kind
        self.text = text
        self.position = position
        self.endOffset = endOffset
    }

    /// Whether this token can be a binary selector: `=`, `|`, `-` or any other operator.
    public var isBinarySelector: Bool {
        switch kind {
        case .equal, .or, .minus, .operator: true
        default: false
        }
    }

    /// Whether this token is a name in the grammar's sense (`identifier: Primitive | Identifier`).
    public var isIdentifier: Bool { kind == .identifier || kind == .primitive }

    /// The token described for an error message: "identifier 'foo'", "')'", "end of file".
    public var description: String {
        switch kind {
        case .identifier: "identifier '\(text)'"
        case .primitive: "'primitive'"
        case .keyword: "keyword '\(text)'"
        case .keywordSequence: "keyword sequence '\(text)'"
        case .integer: "integer \(text)"
        case .double: "double \(text)"
        case .string: "string '\(SOMPrinter.escaped(text))'"
        case .equal, .or, .minus, .operator: "binary selector '\(text)'"
        case .separator: "separator '\(text)'"
        case .endOfFile: "end of file"
        default: "'\(text)'"
        }
    }
}
