// The lexer's token kinds, one by one: names, keywords and keyword
// sequences, `primitive`, punctuation, operators and the separator, and the
// positions it gives every token (lines, columns in Unicode scalars).
import Testing
@testable import SOMParser

@Suite struct LexerTests {
    @Test func namesAndPrimitive() throws {
        #expect(try lex("foo Bar a_1 primitive primitives") == [
            (.identifier, "foo"), (.identifier, "Bar"), (.identifier, "a_1"),
            (.primitive, "primitive"), (.identifier, "primitives"),
        ])
    }

    @Test func unicodeLettersAreNameCharacters() throws {
        #expect(try lex("größe é1") == [(.identifier, "größe"), (.identifier, "é1")])
    }

    @Test func keywordsAndKeywordSequences() throws {
        #expect(try lex("at: at:put: ifTrue:ifFalse: x") == [
            (.keyword, "at:"), (.keywordSequence, "at:put:"), (.keywordSequence, "ifTrue:ifFalse:"),
            (.identifier, "x"),
        ])
        // a name after a keyword is an argument unless a colon follows it at once
        #expect(try lex("at:y put:z") == [(.keyword, "at:"), (.identifier, "y"), (.keyword, "put:"), (.identifier, "z")])
        #expect(try kinds("primitive:") == [.keyword])
    }

    @Test func assignmentIsNotAKeyword() throws {
        #expect(try lex("a:=b") == [(.identifier, "a"), (.assign, ":="), (.identifier, "b")])
        #expect(try lex("at:b:=c") == [(.keyword, "at:"), (.identifier, "b"), (.assign, ":="), (.identifier, "c")])
        #expect(try kinds(": :=") == [.colon, .assign])
    }

    @Test func punctuation() throws {
        #expect(try kinds("( ) [ ] # ^ . : :=") == [
            .newTerm, .endTerm, .newBlock, .endBlock, .pound, .exit, .period, .colon, .assign,
        ])
        #expect(try kinds("#(") == [.pound, .newTerm])
    }

    @Test func singleOperatorCharacters() throws {
        #expect(try kinds("= | -") == [.equal, .or, .minus])
        for op in [",", "~", "&", "*", "/", "\\", "+", ">", "<", "@", "%"] {
            #expect(try lex(op) == [(.operator, op)], "\(op)")
        }
    }

    @Test func operatorSequencesAreLongestRuns() throws {
        #expect(try lex("<= == ~= >>> || && -> <-") == [
            (.operator, "<="), (.operator, "=="), (.operator, "~="), (.operator, ">>>"),
            (.operator, "||"), (.operator, "&&"), (.operator, "->"), (.operator, "<-"),
        ])
        // as in SOM.g4: `1<-2` is the selector `<-`, not `<` and -2
        #expect(try lex("1<-2") == [(.integer, "1"), (.operator, "<-"), (.integer, "2")])
    }

    @Test func separatorIsFourOrMoreDashes() throws {
        #expect(try lex("---- ----------") == [(.separator, "----"), (.separator, "----------")])
        #expect(try lex("---") == [(.operator, "---")])
        #expect(try lex("---->") == [(.operator, "---->")])
    }

    @Test func minusIsItsOwnToken() throws {
        #expect(try lex("1-2") == [(.integer, "1"), (.minus, "-"), (.integer, "2")])
        #expect(try lex("1 - -2") == [(.integer, "1"), (.minus, "-"), (.minus, "-"), (.integer, "2")])
        #expect(try lex("x--2") == [(.identifier, "x"), (.operator, "--"), (.integer, "2")])
    }

    @Test func commentsAndBlanksAreSkippedAnywhere() throws {
        #expect(try lex("a\"one\"b \"two\nlines\"\tc\r\n\"\"d") == [
            (.identifier, "a"), (.identifier, "b"), (.identifier, "c"), (.identifier, "d"),
        ])
        #expect(try kinds("\"only a comment\"") == [])
    }

    @Test func positionsCountLinesAndScalars() throws {
        let tokens = try Lexer.tokenize("a\n  \"é\" bc\r\n\tdé x", file: "t.som")
        let places = tokens.map { ($0.text, $0.position.line, $0.position.column) }
        #expect(places.map(\.0) == ["a", "bc", "dé", "x", ""])
        #expect(places.map(\.1) == [1, 2, 3, 3, 3])
        #expect(places.map(\.2) == [1, 7, 2, 5, 6])
        #expect(tokens[1].position.offset == 9)  // "é" is two bytes
        #expect(tokens[2].endOffset - tokens[2].position.offset == 3)
    }

    @Test func positionsAfterMultiLineStrings() throws {
        let tokens = try Lexer.tokenize("'a\nbc' x", file: "t.som")
        #expect(tokens[0].position == SourcePosition(line: 1, column: 1, offset: 0))
        #expect(tokens[1].position == SourcePosition(line: 2, column: 5, offset: 7))
    }

    @Test func endOfFileRepeats() throws {
        var lexer = Lexer(source: "x", file: "t.som")
        #expect(try lexer.next().kind == .identifier)
        #expect(try lexer.next().kind == .endOfFile)
        #expect(try lexer.next().kind == .endOfFile)
    }
}
