// Numbers, strings and operator runs.
//
// Numbers are unsigned here: the grammar makes `-3` a Minus token followed
// by an Integer, and only the parser knows whether that `-` is a sign (in a
// primary position: `x := -3`, `#(-3)`, `1 - -3`) or a binary selector
// (`1 -3`, `1-3`). A number's digits are kept as text, so integers of any
// size reach the parser intact. A double is `digits.digits`; there is no
// exponent in SOM's grammar, and reading `2e3` as a number would change the
// meaning of a valid program (the integer 2 sent the unary message `e3`).
//
// Strings take the escapes of the grammar's STString rule and of the test
// suite's StringTest: \t \b \n \r \f \0 \' \\. Any other character after a
// backslash is an error, as in the grammar. A string may span lines.

extension Lexer {
    /// The characters that make up binary selectors: `~ & | * / \ + = > < , @ % -`.
    static func isOperatorCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "~"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "*"),
             UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "+"), UInt8(ascii: "="),
             UInt8(ascii: ">"), UInt8(ascii: "<"), UInt8(ascii: ","), UInt8(ascii: "@"),
             UInt8(ascii: "%"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    /// Scans a maximal run of operator characters: a separator if it is four or
    /// more `-` only, `=`, `|` or `-` if it is that one character, else an operator.
    mutating func scanOperator() -> TokenKind {
        let start = index
        var onlyMinus = true
        while index < bytes.count && Lexer.isOperatorCharacter(bytes[index]) {
            onlyMinus = onlyMinus && bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        let length = index - start
        if onlyMinus && length >= 4 { return .separator }
        guard length == 1 else { return .operator }
        switch bytes[start] {
        case UInt8(ascii: "="): return .equal
        case UInt8(ascii: "|"): return .or
        case UInt8(ascii: "-"): return .minus
        default: return .operator
        }
    }

    /// Scans `digits` or `digits.digits` (a `.` not followed by a digit ends a statement).
    mutating func scanNumber() -> TokenKind {
        while index < bytes.count && Lexer.isASCIIDigit(bytes[index]) { index += 1 }
        guard byte(at: index) == UInt8(ascii: "."), Lexer.isASCIIDigit(byte(at: index + 1)) else {
            return .integer
        }
        index += 1
        while index < bytes.count && Lexer.isASCIIDigit(bytes[index]) { index += 1 }
        return .double
    }

    /// Scans a string whose opening quote is at the current offset and returns its value.
    mutating func scanString(startingAt start: SourcePosition) throws(SOMSyntaxError) -> String {
        index += 1
        var value: [UInt8] = []
        var runStart = index  // bytes are copied in runs between escapes
        while index < bytes.count {
            let next = bytes[index]
            if next == UInt8(ascii: "'") {
                value.append(contentsOf: bytes[runStart..<index])
                index += 1
                return String(decoding: value, as: UTF8.self)
            }
            if next == UInt8(ascii: "\n") {
                newLine(at: index)
            } else if next == UInt8(ascii: "\\") {
                value.append(contentsOf: bytes[runStart..<index])
                value.append(try escapedByte(at: index))
                index += 2
                runStart = index
                continue
            }
            index += 1
        }
        throw SOMSyntaxError(file: file, position: start, found: "end of file",
                             expected: "a closing ' for the string that starts here")
    }

    /// The byte that the escape `\x` at `offset` stands for.
    mutating func escapedByte(at offset: Int) throws(SOMSyntaxError) -> UInt8 {
        switch byte(at: offset + 1) {
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "0"): return 0x00
        case UInt8(ascii: "'"): return UInt8(ascii: "'")
        case UInt8(ascii: "\\"): return UInt8(ascii: "\\")
        default:
            let found: String
            if offset + 1 >= bytes.count {
                found = "end of file after '\\'"
            } else {
                let scalar = decodeScalar(at: offset + 1)?.scalar ?? "\u{FFFD}"
                found = "escape '\\\(scalar.escaped(asASCII: true))'"
            }
            throw SOMSyntaxError(file: file, position: position(at: offset), found: found,
                                 expected: "one of the string escapes \\t \\b \\n \\r \\f \\0 \\' \\\\")
        }
    }
}
