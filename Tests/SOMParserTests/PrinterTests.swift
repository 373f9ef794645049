// The printer: parentheses only where precedence needs them, literals in a
// form the lexer reads back (escapes, quoted symbols, doubles without an
// exponent), and the round trip parse, print, parse giving the same tree.
import Testing
@testable import SOMParser

@Suite struct PrinterTests {
    /// `source` parsed as an expression and printed.
    func reprint(_ source: String) throws -> String {
        SOMPrinter.print(try Parser.parseExpression(source, file: "test.som"))
    }

    @Test func parenthesesWherePrecedenceNeedsThem() throws {
        #expect(try reprint("(a foo) bar") == "a foo bar")
        #expect(try reprint("(a + b) foo") == "(a + b) foo")
        #expect(try reprint("(a + b) + c") == "a + b + c")
        #expect(try reprint("a + (b + c)") == "a + (b + c)")
        #expect(try reprint("a at: (b at: c)") == "a at: (b at: c)")
        #expect(try reprint("(a at: b) at: c") == "(a at: b) at: c")
        #expect(try reprint("a foo: (b := c)") == "a foo: (b := c)")
        #expect(try reprint("a := b := -3") == "a := b := -3")
        #expect(try reprint("1 - -2") == "1 - -2")
        #expect(try reprint("[:a :b | | t | t := a. ^b]") == "[ :a :b | | t | t := a. ^ b ]")
        #expect(try reprint("[]") == "[ ]")
    }

    @Test func literalsPrintBack() throws {
        #expect(try reprint("#(1 -2 #foo:bar: #+ #'a b' 'it\\'s' #(3.5))") ==
            "#(1 -2 #foo:bar: #+ #'a b' 'it\\'s' #(3.5))")
        #expect(SOMPrinter.print(.string("\t\u{8}\n\r\u{C}\0\\é")) == "'\\t\\b\\n\\r\\f\\0\\\\é'")
        #expect(SOMPrinter.print(.symbol("----")) == "#'----'")
        #expect(SOMPrinter.print(.bigInteger("-123456789012345678901234")) == "-123456789012345678901234")
    }

    @Test func doublesHaveNoExponent() throws {
        #expect(SOMPrinter.double(1.0) == "1.0")
        #expect(SOMPrinter.double(-0.0) == "-0.0")
        #expect(SOMPrinter.double(1e16) == "10000000000000000.0")
        #expect(SOMPrinter.double(1.25e20) == "125000000000000000000.0")
        #expect(SOMPrinter.double(1.5e-5) == "0.000015")
        #expect(SOMPrinter.double(-2.5e-7) == "-0.00000025")
        #expect(SOMPrinter.double(123456.789) == "123456.789")
        for value in [1e16, 1.25e20, 1.5e-5, 5e-324, 1.7976931348623157e308, 0.1, 9007199254741000.1] {
            #expect(try literal(SOMPrinter.double(value)) == .double(value), "\(value)")
        }
    }

    @Test func classRoundTrip() throws {
        let source = """
            Sample = Base (
                | a b |
                foo: x bar: y = ( | t | t := x + y * 2. ^ [:e | e > t ifTrue: [ ^ super foo ] ] value: t )
                - other = primitive
                ----
                | count |
                new = ( count := count + 1. ^ super new )
            )
            """
        let first = try Parser.parseClass(source, file: "test.som")
        let printed = SOMPrinter.print(first)
        let second = try Parser.parseClass(printed, file: "printed.som")
        #expect(second.withoutPositions == first.withoutPositions)
        #expect(SOMPrinter.print(second) == printed)
        #expect(printed.contains("    ----\n"))
        #expect(printed.contains("    foo: x bar: y = (\n        | t |\n"))
    }
}
