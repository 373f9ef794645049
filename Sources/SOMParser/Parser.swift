// The SOM parser: tokens in, syntax tree out (recursive descent over SOM.g4).
//
// The whole text is tokenized first; SOM needs at most two tokens of
// lookahead (`x :=` is an assignment, `- 3` in a primary is a number, `| a
// =` at the top of a class body is a method named `|`, not a field list)
// and an array of tokens makes that trivial. Each grammar rule is one
// method in the Parser files: this one holds the cursor, the entry points
// and the error helpers; classes and methods, expressions and literals
// follow in their own files.

/// Parses SOM source text into a `ClassDefinition` (or a method, or an expression).
public struct Parser: Sendable {
    /// The tokens, ending with `.endOfFile`.
    let tokens: [Token]
    /// The file name used in errors.
    public let file: String
    /// The index of the next token.
    var current = 0
    /// How many blocks enclose the current point; a return inside one is non-local.
    var blockDepth = 0

    /// A parser for `source`, tokenized at once; `file` names it in error messages.
    public init(source: String, file: String) throws(SOMSyntaxError) {
        self.tokens = try Lexer.tokenize(source, file: file)
        self.file = file
    }

    /// Parses `source`, the text of one .som file, into its class definition.
    public static func parseClass(_ source: String, file: String) throws(SOMSyntaxError) -> ClassDefinition {
        var parser = try Parser(source: source, file: file)
        return try parser.parseClass()
    }

    /// Parses `source`, one method definition such as `foo: x = ( ^x )`, alone.
    public static func parseMethod(_ source: String, file: String) throws(SOMSyntaxError) -> MethodDefinition {
        var parser = try Parser(source: source, file: file)
        let method = try parser.parseMethod()
        try parser.expect(.endOfFile, "end of file after the method")
        return method
    }

    /// Parses `source`, one expression such as `3 + 4 * x`, alone (as in a method body).
    public static func parseExpression(_ source: String, file: String) throws(SOMSyntaxError) -> Expression {
        var parser = try Parser(source: source, file: file)
        let expression = try parser.parseExpression()
        try parser.expect(.endOfFile, "end of file after the expression")
        return expression
    }

    /// The next token, not consumed.
    var peek: Token { tokens[current] }

    /// The token `distance` places after the next one (the `.endOfFile` token past the end).
    func token(ahead distance: Int) -> Token {
        tokens[min(current + distance, tokens.count - 1)]
    }

    /// Consumes and returns the next token (never moves past `.endOfFile`).
    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[current]
        if token.kind != .endOfFile { current += 1 }
        return token
    }

    /// Consumes the next token if it is of `kind`, and tells whether it did.
    mutating func accept(_ kind: TokenKind) -> Bool {
        guard peek.kind == kind else { return false }
        advance()
        return true
    }

    /// Consumes a token of `kind`, or throws saying `expected` was.
    @discardableResult
    mutating func expect(_ kind: TokenKind, _ expected: @autoclosure () -> String) throws(SOMSyntaxError) -> Token {
        guard peek.kind == kind else { throw error(expected: expected()) }
        return advance()
    }

    /// Consumes a name (`primitive` is a name too), or throws saying `expected` was.
    mutating func expectIdentifier(_ expected: @autoclosure () -> String) throws(SOMSyntaxError) -> Token {
        guard peek.isIdentifier else { throw error(expected: expected()) }
        return advance()
    }

    /// The error for the next token, which is not what the grammar wants: `expected`.
    func error(expected: String) -> SOMSyntaxError {
        SOMSyntaxError(file: file, position: peek.position, found: peek.description, expected: expected)
    }

    /// Reads `| name name |` if it is there (a field or local list), else nothing.
    mutating func parseNameList(of what: String) throws(SOMSyntaxError) -> [String] {
        guard accept(.or) else { return [] }
        var names: [String] = []
        while peek.isIdentifier { names.append(advance().text) }
        try expect(.or, "a \(what) name or '|' to end the \(what)s")
        return names
    }
}
