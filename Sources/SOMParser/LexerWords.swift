// Names, `primitive`, keywords and keyword sequences.
//
// The grammar's Identifier is `[\p{Alpha}] [\p{Alpha}0-9_]*`, so letters
// outside ASCII count (the test suite has 'aOoöéÉíä' only in strings, but a
// class may be named with them); those are decoded from UTF-8 here and
// checked with Unicode's Alphabetic property. A keyword is a name followed
// at once by `:`; a keyword sequence (`at:put:`, grammar KeywordSequence)
// is several keywords with nothing between them, which only a symbol can use
// (`#at:put:`). `x at:y put:z` therefore stays two keywords, because `y` is
// not followed by a colon.

extension Lexer {
    /// Scans a name, `primitive`, a keyword or a keyword sequence at the current
    /// offset; nil (nothing consumed) when no name starts there.
    mutating func scanWord() -> TokenKind? {
        let start = index
        guard let end = identifierEnd(from: start) else { return nil }
        index = end
        guard isKeywordColon(at: index) else {
            return bytes[start..<end].elementsEqual("primitive".utf8) ? .primitive : .identifier
        }
        index += 1
        var kind = TokenKind.keyword
        while let next = identifierEnd(from: index), isKeywordColon(at: next) {
            index = next + 1
            kind = .keywordSequence
        }
        return kind
    }

    /// Whether the byte at `offset` is a `:` that ends a keyword (a `:` not followed by `=`).
    func isKeywordColon(at offset: Int) -> Bool {
        byte(at: offset) == UInt8(ascii: ":") && byte(at: offset + 1) != UInt8(ascii: "=")
    }

    /// The offset just past the identifier that starts at `offset`, or nil if none starts there.
    func identifierEnd(from offset: Int) -> Int? {
        guard let first = letterLength(at: offset) else { return nil }
        var end = offset + first
        while end < bytes.count {
            let next = bytes[end]
            if Lexer.isASCIIDigit(next) || next == UInt8(ascii: "_") {
                end += 1
            } else if let length = letterLength(at: end) {
                end += length
            } else {
                break
            }
        }
        return end
    }

    /// The byte length of the letter at `offset` (1 for ASCII), or nil if no letter is there.
    func letterLength(at offset: Int) -> Int? {
        let first = byte(at: offset)
        if first < 0x80 {
            let lower = first | 0x20
            return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z") ? 1 : nil
        }
        guard let (scalar, length) = decodeScalar(at: offset), scalar.properties.isAlphabetic else { return nil }
        return length
    }

    /// The Unicode scalar at `offset` and its UTF-8 length; nil for invalid UTF-8 or past the end.
    func decodeScalar(at offset: Int) -> (scalar: Unicode.Scalar, length: Int)? {
        let lead = byte(at: offset)
        let length: Int
        var value: UInt32
        switch lead {
        case 0x01..<0x80: return (Unicode.Scalar(lead), 1)
        case 0xC2..<0xE0: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0..<0xF0: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0..<0xF5: length = 4; value = UInt32(lead & 0x07)
        default: return nil
        }
        for i in 1..<length {
            let next = byte(at: offset + i)
            guard next & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(next & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }

    /// Whether `byte` is an ASCII decimal digit.
    @inline(__always)
    static func isASCIIDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
