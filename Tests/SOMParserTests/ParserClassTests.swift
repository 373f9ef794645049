// Class definitions: the superclass forms, instance and class-side fields
// and methods, every pattern kind, primitives, a first method named `|`,
// and comments in the odd places the grammar allows them.
import Testing
@testable import SOMParser

@Suite struct ParserClassTests {
    func parse(_ source: String) throws -> ClassDefinition {
        try Parser.parseClass(source, file: "test.som").withoutPositions
    }

    @Test func superclassForms() throws {
        #expect(try parse("A = ( )").superclass == .implicitObject)
        #expect(try parse("A = ( )").superclass.name == "Object")
        #expect(try parse("Object = nil ( )").superclass == .none)
        #expect(try parse("Object = nil ( )").superclass.name == nil)
        #expect(try parse("A = B ( )").superclass == .named("B"))
    }

    @Test func bothSidesWithFieldsAndMethods() throws {
        let c = try parse("""
            Point = Object (
                | x y |
                x = ( ^x )
                x: value = ( x := value )
                + other = ( ^Point x: x + other x y: y + other y )
                ----------
                | count |
                x: ax y: ay = ( ^self new x: ax y: ay )
            )
            """)
        #expect(c.name == "Point")
        #expect(c.instanceFields == ["x", "y"])
        #expect(c.instanceMethods.map(\.selector) == ["x", "x:", "+"])
        #expect(c.instanceMethods.map(\.parameters) == [[], ["value"], ["other"]])
        #expect(c.classFields == ["count"])
        #expect(c.classMethods.map(\.selector) == ["x:y:"])
        #expect(c.classMethods[0].parameters == ["ax", "ay"])
    }

    @Test func classSideOnly() throws {
        let c = try parse("NumberOfTests = (\n  ----\n  numberOfTests = ( ^ 65 )\n)")
        #expect(c.instanceMethods.isEmpty && c.instanceFields.isEmpty)
        #expect(c.classMethods.map(\.selector) == ["numberOfTests"])
    }

    @Test func primitivesAndThePrimitiveName() throws {
        let c = try parse("A = ( class = primitive  at: i put: v = primitive  primitive = ( ^primitive ) )")
        #expect(c.instanceMethods.map(\.isPrimitive) == [true, true, false])
        #expect(c.instanceMethods[1].parameters == ["i", "v"])
        #expect(c.instanceMethods[2].selector == "primitive")
        #expect(c.instanceMethods[2].statements == [.return(ReturnStatement(value: name("primitive"), isNonLocal: false))])
    }

    @Test func binaryPatternsIncludingBar() throws {
        let c = try parse("Boolean = ( | other = ( ^self or: other ) || b = ( ^b ) = o = ( ^false ) - o = ( ^o ) )")
        #expect(c.instanceFields.isEmpty)
        #expect(c.instanceMethods.map(\.selector) == ["|", "||", "=", "-"])
        let fields = try parse("A = ( | a | | other = ( ^a ) )")
        #expect(fields.instanceFields == ["a"])
        #expect(fields.instanceMethods.map(\.selector) == ["|"])
    }

    @Test func commentsInOddPlaces() throws {
        let c = try parse("""
            "before" A "x" = "y" B "z" ( "a" | "b" f "c" | "d"
              foo: "e" a "f" bar: b "g" = "h" ( "i" | "j" t "k" | "l" ^ "m" a "n" . "o" )
              "p" ---- "q" baz = "r" primitive "s" ) "after"
            """)
        #expect(c.superclass == .named("B"))
        #expect(c.instanceFields == ["f"])
        #expect(c.instanceMethods[0].selector == "foo:bar:")
        #expect(c.instanceMethods[0].locals == ["t"])
        #expect(c.classMethods[0].isPrimitive)
    }

    @Test func methodPositions() throws {
        let c = try Parser.parseClass("A = (\n  foo = ( )\n  ----\n  + b = primitive\n)", file: "t.som")
        #expect(c.position == SourcePosition(line: 1, column: 1, offset: 0))
        #expect(c.instanceMethods[0].position.line == 2)
        #expect(c.classMethods[0].position == SourcePosition(line: 4, column: 3, offset: 27))
    }
}
