// The SOM lexer: turns a source text into tokens with positions.
//
// It works on the UTF-8 bytes of the text rather than on Swift Characters:
// every SOM token is ASCII except identifier letters and the insides of
// strings and comments, and byte scanning keeps the whole standard library
// within a few milliseconds. Comments ("...") and white space are skipped,
// as the grammar's `-> skip` rules say. Tokens follow the grammar's longest
// match rule, with one deliberate reading: `a:=` is an identifier and an
// assignment, never the keyword `a:` and `=` (ANTLR's longest match would
// pick the keyword and make the common `a:=1` a syntax error).
// Names, numbers, strings and operators are scanned in the other Lexer files.

/// Splits SOM source text into tokens; see `tokenize(_:file:)`.
public struct Lexer: Sendable {
    /// The source text's UTF-8 bytes.
    let bytes: [UInt8]
    /// The file name used in errors.
    public let file: String
    /// The offset of the next byte to read.
    var index = 0
    /// The current 1-based line.
    var line = 1
    /// The offset where the current line starts.
    var lineStart = 0
    /// A known (offset, column) pair on the current line, to count columns from.
    var columnCache = (offset: 0, column: 1)

    /// A lexer at the start of `source`; `file` names it in error messages.
    public init(source: String, file: String) {
        self.bytes = Array(source.utf8)
        self.file = file
    }

    /// All tokens of `source`, ending with one `.endOfFile` token.
    public static func tokenize(_ source: String, file: String) throws(SOMSyntaxError) -> [Token] {
        var lexer = Lexer(source: source, file: file)
        var tokens: [Token] = []
        tokens.reserveCapacity(lexer.bytes.count / 4)
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .endOfFile { return tokens }
        }
    }

    /// The next token; `.endOfFile` (again and again) once the text is used up.
    public mutating func next() throws(SOMSyntaxError) -> Token {
        try skipBlanksAndComments()
        let start = index
        let position = position(at: start)
        guard start < bytes.count else {
            return Token(kind: .endOfFile, text: "", position: position, endOffset: start)
        }
        let first = bytes[start]
        let kind: TokenKind
        switch first {
        case UInt8(ascii: "'"):
            let value = try scanString(startingAt: position)
            return Token(kind: .string, text: value, position: position, endOffset: index)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            kind = scanNumber()
        case UInt8(ascii: "("): index += 1; kind = .newTerm
        case UInt8(ascii: ")"): index += 1; kind = .endTerm
        case UInt8(ascii: "["): index += 1; kind = .newBlock
        case UInt8(ascii: "]"): index += 1; kind = .endBlock
        case UInt8(ascii: "#"): index += 1; kind = .pound
        case UInt8(ascii: "^"): index += 1; kind = .exit
        case UInt8(ascii: "."): index += 1; kind = .period
        case UInt8(ascii: ":"):
            if byte(at: start + 1) == UInt8(ascii: "=") {
                index += 2; kind = .assign
            } else {
                index += 1; kind = .colon
            }
        default:
            if Lexer.isOperatorCharacter(first) {
                kind = scanOperator()
            } else if let word = scanWord() {
                kind = word
            } else {
                throw unexpectedCharacter(at: start)
            }
        }
        return Token(kind: kind, text: text(from: start), position: position, endOffset: index)
    }

    /// The byte at `offset`, or 0 past the end (0 is never a token character).
    @inline(__always)
    func byte(at offset: Int) -> UInt8 {
        offset < bytes.count ? bytes[offset] : 0
    }

    /// The text from `start` to the current offset.
    func text(from start: Int) -> String {
        String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Notes that the byte at `offset` is a `\n`: a new line starts after it.
    mutating func newLine(at offset: Int) {
        line += 1
        lineStart = offset + 1
        columnCache = (lineStart, 1)
    }

    /// The line and column of `offset`, which must be on the current line.
    mutating func position(at offset: Int) -> SourcePosition {
        var (from, column) = columnCache.offset <= offset ? columnCache : (lineStart, 1)
        while from < offset {
            if bytes[from] & 0xC0 != 0x80 { column += 1 }  // not a UTF-8 continuation byte
            from += 1
        }
        columnCache = (offset, column)
        return SourcePosition(line: line, column: column, offset: offset)
    }

    /// Skips white space (space, tab, CR, LF, form feed) and "comments".
    mutating func skipBlanksAndComments() throws(SOMSyntaxError) {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\n"):
                newLine(at: index)
                index += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0C:
                index += 1
            case UInt8(ascii: "\""):
                let start = position(at: index)
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\n") { newLine(at: index) }
                    index += 1
                }
                guard index < bytes.count else {
                    throw SOMSyntaxError(file: file, position: start, found: "end of file",
                                         expected: "a closing \" for the comment that starts here")
                }
                index += 1
            default:
                return
            }
        }
    }

    /// The error for a character that starts no token.
    mutating func unexpectedCharacter(at offset: Int) -> SOMSyntaxError {
        let scalar = decodeScalar(at: offset)?.scalar ?? "\u{FFFD}"
        let found = "character '\(scalar.escaped(asASCII: true))'"
        var expected = "a name, number, string, binary operator or one of ( ) [ ] # ^ . : :="
        switch scalar {
        case ";": expected += " (SOM has no cascades)"
        case "$": expected += " (SOM has no character literals; use a one-character string)"
        case "{", "}": expected += " (SOM has no brace arrays; use #( ) or Array new:)"
        case "!": expected += " (SOM files are not chunk files)"
        default: break
        }
        return SOMSyntaxError(file: file, position: position(at: offset), found: found, expected: expected)
    }
}
