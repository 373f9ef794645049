// Errors name the file, line and column, what was found and what was
// expected, from the lexer (bad characters, escapes, unterminated strings
// and comments) and from the parser (each rule's expectation).
import Testing
@testable import SOMParser

@Suite struct SyntaxErrorTests {
    /// The error for `source`, which must not parse.
    func error(_ source: String) throws -> SOMSyntaxError {
        try #require(classError(source))
    }

    @Test func messageFormat() throws {
        let e = try error("A = (\n  foo = ( ^ )\n)")
        #expect(e.file == "test.som")
        #expect((e.line, e.column) == (2, 13))
        #expect(e.found == "')'")
        #expect(e.description == "test.som:2:13: error: expected a name, a literal, a block or '(' to start an expression, found ')'")
    }

    @Test func cascadesAreNotSOM() throws {
        let e = try error("A = ( f = ( x foo; bar ) )")
        #expect((e.line, e.column) == (1, 18))
        #expect(e.found == "character ';'")
        #expect(e.expected.contains("SOM has no cascades"))
    }

    @Test func unknownEscape() throws {
        let e = try error("A = ( f = ( ^'ab\\q' ) )")
        #expect((e.line, e.column) == (1, 17))
        #expect(e.found == "escape '\\q'")
        #expect(e.expected.contains("\\t \\b \\n \\r \\f \\0 \\' \\\\"))
    }

    @Test func unterminatedStringAndCommentPointAtTheirStart() throws {
        let s = try error("A = (\n f = ( ^'abc\n\n ) )")
        #expect((s.line, s.column) == (2, 9))
        #expect(s.found == "end of file")
        #expect(s.expected.contains("closing '"))
        let c = try error("A = ( \"open\n )")
        #expect((c.line, c.column) == (1, 7))
        #expect(c.expected.contains("comment"))
    }

    @Test func classHeaderErrors() throws {
        #expect(try error("a: = ( )").expected == "the class name at the start of the file")
        #expect(try error("A ( )").expected == "'=' after the class name 'A'")
        #expect(try error("A = B C ( )").expected == "'(' to start the body of class 'A'")
        #expect(try error("A = ( foo = ( ) ").expected == "a method definition or ')' to end class 'A'")
        #expect(try error("A = ( ) B").expected == "end of file after class 'A'")
        #expect(try error("A = ( | a 3 | )").expected == "a field name or '|' to end the fields")
    }

    @Test func methodErrors() throws {
        #expect(try error("A = ( foo ( ) )").expected == "'=' after the pattern of method 'foo'")
        #expect(try error("A = ( foo = bar )").expected == "'primitive' or '(' to start the body of method 'foo'")
        #expect(try error("A = ( + = ( ) )").expected == "a parameter name after the binary selector '+'")
        #expect(try error("A = ( at: 1 = ( ) )").expected == "a parameter name after the keyword 'at:'")
        let sequence = try error("A = ( at:put: = ( ) )")
        #expect(sequence.found == "keyword sequence 'at:put:'")
        #expect(sequence.expected.contains("each keyword takes a parameter name"))
    }

    @Test func statementErrors() throws {
        let afterReturn = try error("A = ( f = ( ^1. 2 ) )")
        #expect((afterReturn.column, afterReturn.found) == (17, "integer 2"))
        #expect(afterReturn.expected.contains("after the return statement, which must come last"))
        let missingPeriod = try error("A = ( f = ( a foo: 1\n b := 2 ) )")
        #expect((missingPeriod.line, missingPeriod.column) == (2, 2))
        #expect(missingPeriod.expected.hasPrefix("'.' or a message to continue the statement, or ')' to end method 'f'"))
        #expect(try error("A = ( f = ( (1 + 2 ] ) )").expected == "a message or ')' to close the '(' at 1:13")
        #expect(try error("A = ( f = ( [:a b] ) )").expected == "another ':parameter' or '|' to end the block parameters")
        #expect(try error("A = ( f = ( [: | ] ) )").expected == "a block parameter name after ':'")
    }

    @Test func literalErrors() throws {
        #expect(try error("A = ( f = ( ^- x ) )").expected == "a number after '-' (a negative literal)")
        #expect(try error("A = ( f = ( ^# 3 ) )").expected == "a selector, a string or '(' after '#'")
        let bare = try error("A = ( f = ( ^#(1 foo) ) )")
        #expect(bare.found == "identifier 'foo'")
        #expect(bare.expected.hasSuffix("a symbol needs its '#': #foo"))
        #expect(try error("A = ( f = ( ^#(1 2").expected == "a literal or ')' to end the literal array begun at 1:15")
    }

    @Test func errorsInLaterLinesHaveTheirLines() throws {
        let e = try error("\"header\n comment\"\nA = (\n  a = ( ^1 )\n  b = ( ^1 + )\n)")
        #expect((e.line, e.column) == (5, 14))
        #expect(e.description.hasPrefix("test.som:5:14: error: expected "))
    }

    @Test func everyPrefixOfAClassFailsCleanly() throws {
        let source = """
            "c" A = B ( | f | at: i put: v = ( | t | t := #(1 -2 #(#a:b: 'x\\n')) at: i. ^ [:e | e - -1.5] value: t )
            - o = primitive ---- | g | new = ( ^ super new f: 123456789012345678901234567890 ) )
            """
        let bytes = Array(source.utf8)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).count
        for end in 0..<bytes.count {
            let prefix = String(decoding: bytes[..<end], as: UTF8.self)
            let e = try #require(classError(prefix), "prefix of \(end) bytes parsed")
            #expect(e.line >= 1 && e.line <= lines && e.column >= 1, "\(e)")
        }
        #expect(classError(source) == nil)
    }
}
