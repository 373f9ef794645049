// Class definitions, field lists and method definitions.
//
// `Name = Super ( | fields | methods ---- | fields | methods )`. The only
// subtle point is the start of a body: `|` opens the field list, except when
// it is the binary selector of a first method (`| other = ( ... )`); a name
// followed by `=` after the `|` tells them apart, since a field list never
// has `=` in it. A method's pattern is a unary name, a binary selector and
// its parameter, or keywords each with a parameter; its body is `primitive`
// or a parenthesized list of locals and statements.

extension Parser {
    /// classdef: `Identifier = superclass instanceFields method* (---- classFields method*)? )`.
    public mutating func parseClass() throws(SOMSyntaxError) -> ClassDefinition {
        let nameToken = try expect(.identifier, "the class name at the start of the file")
        try expect(.equal, "'=' after the class name '\(nameToken.text)'")
        var superclass = Superclass.implicitObject
        if peek.kind == .identifier {
            let name = advance().text
            superclass = name == "nil" ? .none : .named(name)
        }
        try expect(.newTerm, "'(' to start the body of class '\(nameToken.text)'")
        var definition = ClassDefinition(name: nameToken.text, superclass: superclass, position: nameToken.position)
        definition.instanceFields = try parseFields()
        definition.instanceMethods = try parseMethods(endingSide: true)
        if accept(.separator) {
            definition.classFields = try parseFields()
            definition.classMethods = try parseMethods(endingSide: false)
        }
        try expect(.endTerm, "a method definition or ')' to end class '\(nameToken.text)'")
        try expect(.endOfFile, "end of file after class '\(nameToken.text)'")
        return definition
    }

    /// instanceFields / classFields: `| a b |` unless the `|` starts a method named `|`.
    mutating func parseFields() throws(SOMSyntaxError) -> [String] {
        if peek.kind == .or && token(ahead: 1).isIdentifier && token(ahead: 2).kind == .equal {
            return []  // `| arg = ( ... )`: a binary method, not fields
        }
        return try parseNameList(of: "field")
    }

    /// Methods up to `)` (or also `----` on the instance side).
    mutating func parseMethods(endingSide instanceSide: Bool) throws(SOMSyntaxError) -> [MethodDefinition] {
        var methods: [MethodDefinition] = []
        while peek.kind != .endTerm && peek.kind != .endOfFile && !(instanceSide && peek.kind == .separator) {
            methods.append(try parseMethod())
        }
        return methods
    }

    /// method: `pattern = ( primitive | methodBlock )`.
    public mutating func parseMethod() throws(SOMSyntaxError) -> MethodDefinition {
        let start = peek.position
        let (selector, parameters) = try parsePattern()
        try expect(.equal, "'=' after the pattern of method '\(selector)'")
        if accept(.primitive) {
            return MethodDefinition(selector: selector, parameters: parameters, body: .primitive, position: start)
        }
        let open = try expect(.newTerm, "'primitive' or '(' to start the body of method '\(selector)'")
        let locals = try parseNameList(of: "local")
        let statements = try parseStatements(closer: .endTerm,
                                             "')' to end method '\(selector)' (begun at \(open.position))")
        return MethodDefinition(selector: selector, parameters: parameters, locals: locals,
                                body: .statements(statements), position: start)
    }

    /// pattern: a unary selector, a binary selector and a parameter, or keywords with parameters.
    mutating func parsePattern() throws(SOMSyntaxError) -> (selector: String, parameters: [String]) {
        let token = peek
        if token.isIdentifier {
            advance()
            return (token.text, [])
        }
        if token.isBinarySelector {
            advance()
            let parameter = try expectIdentifier("a parameter name after the binary selector '\(token.text)'")
            return (token.text, [parameter.text])
        }
        guard token.kind == .keyword else {
            let hint = token.kind == .keywordSequence ? " (each keyword takes a parameter name)" : ""
            throw error(expected: "a method definition (unary, binary or keyword pattern)\(hint)")
        }
        var selector = ""
        var parameters: [String] = []
        while peek.kind == .keyword {
            let keyword = advance().text
            selector += keyword
            parameters.append(try expectIdentifier("a parameter name after the keyword '\(keyword)'").text)
        }
        return (selector, parameters)
    }
}
