// The one error the lexer and the parser throw.
//
// A SOM front end meets its errors in files a person wrote, so the message
// must say where (file:line:column, the form editors jump to), what was
// there and what would have been accepted. Parsing stops at the first error:
// SOM sources are small and a VM refuses a class with any error, so error
// recovery would buy little and cost a lot of code.

/// A lexical or grammatical error in a SOM source, with its place and what was expected.
public struct SOMSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file name given to the lexer or parser (may be any label, such as "<test>").
    public var file: String
    /// Where the offending token or character starts.
    public var position: SourcePosition
    /// What was found there, described for a reader: "identifier 'foo'", "end of file".
    public var found: String
    /// What the grammar accepts at that place: "')' to end the method".
    public var expected: String

    /// An error from its parts.
    public init(file: String, position: SourcePosition, found: String, expected: String) {
        self.file = file
        self.position = position
        self.found = found
        self.expected = expected
    }

    /// The 1-based line of the error.
    public var line: Int { position.line }
    /// The 1-based column of the error.
    public var column: Int { position.column }

    /// `file:line:column: error: expected <expected>, found <found>`.
    public var description: String {
        "\(file):\(position.line):\(position.column): error: expected \(expected), found \(found)"
    }
}
