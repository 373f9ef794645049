// Number and string tokens: integers of any length kept as digits, doubles
// without exponents, a `.` that ends a statement, and every string escape
// of SOM.g4 and the test suite's StringTest.
import Testing
@testable import SOMParser

@Suite struct LexerLiteralTests {
    @Test func integersKeepAllTheirDigits() throws {
        #expect(try lex("0 42 123342353453453456456456") == [
            (.integer, "0"), (.integer, "42"), (.integer, "123342353453453456456456"),
        ])
    }

    @Test func doublesNeedDigitsOnBothSides() throws {
        #expect(try lex("3.25 0.5") == [(.double, "3.25"), (.double, "0.5")])
        #expect(try lex("3. x") == [(.integer, "3"), (.period, "."), (.identifier, "x")])
        #expect(try lex("1.5.") == [(.double, "1.5"), (.period, ".")])
        #expect(try lex("3.x") == [(.integer, "3"), (.period, "."), (.identifier, "x")])
    }

    @Test func thereIsNoExponentSyntax() throws {
        // SOM.g4 has none: 2e3 is 2 sent the unary message e3
        #expect(try lex("2e3 1.5e2") == [
            (.integer, "2"), (.identifier, "e3"), (.double, "1.5"), (.identifier, "e2"),
        ])
    }

    @Test func stringsAndTheirEscapes() throws {
        #expect(try lex("'' 'foo' 'it\\'s'") == [(.string, ""), (.string, "foo"), (.string, "it's")])
        let escapes = try lex(#"'\t\b\n\r\f\0\'\\'"#)
        #expect(escapes.count == 1)
        #expect(Array(escapes[0].1.unicodeScalars) == ["\t", "\u{8}", "\n", "\r", "\u{C}", "\0", "'", "\\"])
        #expect(try lex(#"'\0rest'"#)[0].1.unicodeScalars.count == 5)
    }

    @Test func stringsKeepLineBreaksCommentsAndUnicode() throws {
        #expect(try lex("'\n'") == [(.string, "\n")])
        #expect(try lex("'a \"not a comment\" b'") == [(.string, "a \"not a comment\" b")])
        #expect(try lex("'aOoöéÉíä'") == [(.string, "aOoöéÉíä")])
    }

    @Test func stringTokensNextToOthers() throws {
        #expect(try lex("#'Object class' 'a''b'") == [
            (.pound, "#"), (.string, "Object class"), (.string, "a"), (.string, "b"),
        ])
    }
}
