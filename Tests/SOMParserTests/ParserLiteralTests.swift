// Literals as the parser builds them: integers small, at the Int limits and
// beyond (kept as digits), negative numbers, doubles, strings, every form
// of symbol, and literal arrays nested and mixed.
import Testing
@testable import SOMParser

@Suite struct ParserLiteralTests {
    @Test func integers() throws {
        #expect(try literal("42") == .integer(42))
        #expect(try literal("-42") == .integer(-42))
        #expect(try literal("007") == .integer(7))
        #expect(try literal("-0") == .integer(0))
    }

    @Test func integersAtAndBeyondTheIntLimits() throws {
        #expect(try literal("9223372036854775807") == .integer(Int.max))
        #expect(try literal("-9223372036854775808") == .integer(Int.min))
        #expect(try literal("9223372036854775808") == .bigInteger("9223372036854775808"))
        #expect(try literal("-9223372036854775809") == .bigInteger("-9223372036854775809"))
        #expect(try literal("000123342353453453456456456") == .bigInteger("123342353453453456456456"))
    }

    @Test func doubles() throws {
        #expect(try literal("3.25") == .double(3.25))
        #expect(try literal("-200.0") == .double(-200.0))
        #expect(try literal("9007199254741000.1") == .double(9007199254741000.1))
        guard case .double(let zero) = try literal("-0.0") else { Issue.record("not a double"); return }
        #expect(zero == 0 && zero.sign == .minus)
    }

    @Test func strings() throws {
        #expect(try literal("'it\\'s'") == .string("it's"))
        #expect(try literal("''") == .string(""))
    }

    @Test func symbolsOfEveryForm() throws {
        #expect(try literal("#foo") == .symbol("foo"))
        #expect(try literal("#foo:") == .symbol("foo:"))
        #expect(try literal("#foo:bar:") == .symbol("foo:bar:"))
        #expect(try literal("#+") == .symbol("+"))
        #expect(try literal("#-") == .symbol("-"))
        #expect(try literal("#|") == .symbol("|"))
        #expect(try literal("#=") == .symbol("="))
        #expect(try literal("#>>>") == .symbol(">>>"))
        #expect(try literal("#primitive") == .symbol("primitive"))
        #expect(try literal("#'Object class'") == .symbol("Object class"))
        #expect(try literal("#'100'") == .symbol("100"))
        #expect(try literal("# \"as the grammar allows\" foo") == .symbol("foo"))
    }

    @Test func aKeywordSymbolFollowedByAKeywordSend() throws {
        // Regressions.som: `'foo:' asSymbol = #foo: ifTrue: [ ^ 1 ]`
        #expect(try expression("x = #foo: ifTrue: y") ==
            send(send(name("x"), "=", .literal(.symbol("foo:"), position: .start)), "ifTrue:", name("y")))
    }

    @Test func literalArrays() throws {
        #expect(try literal("#()") == .array([]))
        #expect(try literal("#(1 -2 3.5 -4.5)") == .array([.integer(1), .integer(-2), .double(3.5), .double(-4.5)]))
        #expect(try literal("#(#e 'str' #foo:bar: #+ #'a b')") ==
            .array([.symbol("e"), .string("str"), .symbol("foo:bar:"), .symbol("+"), .symbol("a b")]))
        #expect(try literal("#(1 #(2 #(3)) #())") ==
            .array([.integer(1), .array([.integer(2), .array([.integer(3)])]), .array([])]))
        #expect(try literal("#(922337203685477580700 -922337203685477580701)") ==
            .array([.bigInteger("922337203685477580700"), .bigInteger("-922337203685477580701")]))
    }

    @Test func commentsInsideLiteralArrays() throws {
        // System.som's gcStats
        #expect(try literal("#(\n 0 \"Total\"\n 0 \"time\" 0 \"bytes\")") ==
            .array([.integer(0), .integer(0), .integer(0)]))
    }

    @Test func selectorKindsAndArities() {
        #expect(SelectorKind(of: "foo") == .unary)
        #expect(SelectorKind(of: "<=") == .binary)
        #expect(SelectorKind(of: "at:put:") == .keyword)
        #expect(SelectorKind(of: "Object class") == nil)
        #expect(SelectorKind(of: "----") == nil)
        #expect(SelectorKind(of: "1") == nil)
        #expect(SelectorKind(of: "") == nil)
        #expect("foo".selectorArity == 0)
        #expect("-".selectorArity == 1)
        #expect("at:put:".selectorArity == 2)
    }
}
