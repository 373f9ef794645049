// Prints a syntax tree back as SOM source.
//
// The output is for people and for tests, not a copy of the original text:
// comments and layout are gone, parentheses appear exactly where precedence
// needs them, blocks are written on one line, and literals are written in
// one canonical form (strings with escapes for control characters, symbols
// quoted only when they are not selectors, doubles with no exponent since
// SOM has none). What it promises is the round trip: parsing the printed
// text gives the same tree, positions aside.

/// Turns classes, methods, expressions and literals into SOM source text.
public enum SOMPrinter {
    /// The source text of a class definition.
    public static func print(_ definition: ClassDefinition) -> String {
        var out = definition.name + " = "
        switch definition.superclass {
        case .implicitObject: break
        case .none: out += "nil "
        case .named(let name): out += name + " "
        }
        out += "(\n"
        appendSide(fields: definition.instanceFields, methods: definition.instanceMethods, to: &out)
        if !definition.classFields.isEmpty || !definition.classMethods.isEmpty {
            out += "\n    ----\n\n"
            appendSide(fields: definition.classFields, methods: definition.classMethods, to: &out)
        }
        return out + ")\n"
    }

    /// Appends one side's field list and methods, indented by four spaces.
    static func appendSide(fields: [String], methods: [MethodDefinition], to out: inout String) {
        if !fields.isEmpty { out += "    | " + fields.joined(separator: " ") + " |\n\n" }
        for method in methods { out += print(method, indent: "    ") + "\n\n" }
    }

    /// The source text of a method definition; body lines are indented one step past `indent`.
    public static func print(_ method: MethodDefinition, indent: String = "") -> String {
        var out = indent + pattern(method.selector, method.parameters) + " = "
        guard case .statements(let statements) = method.body else { return out + "primitive" }
        if method.locals.isEmpty && statements.isEmpty { return out + "( )" }
        out += "(\n"
        let inner = indent + "    "
        if !method.locals.isEmpty { out += inner + "| " + method.locals.joined(separator: " ") + " |\n" }
        for (index, statement) in statements.enumerated() {
            out += inner + print(statement) + (index == statements.count - 1 ? "\n" : ".\n")
        }
        return out + indent + ")"
    }

    /// A method pattern: `foo`, `+ other`, `at: index put: value`.
    static func pattern(_ selector: String, _ parameters: [String]) -> String {
        guard let parameter = parameters.first else { return selector }
        guard selector.hasSuffix(":") else { return selector + " " + parameter }
        let keywords = selector.split(separator: ":").map { $0 + ":" }
        return zip(keywords, parameters).map { $0 + " " + $1 }.joined(separator: " ")
    }

    /// The source text of an expression or statement.
    public static func print(_ expression: Expression) -> String {
        switch expression {
        case .variable(let name, _):
            return name
        case .literal(let literal, _):
            return print(literal)
        case .assignment(let assignment):
            return assignment.variable + " := " + print(assignment.value)
        case .return(let statement):
            return "^ " + print(statement.value)
        case .block(let block):
            return print(block)
        case .send(let send):
            return print(send)
        }
    }

    /// A send, with parentheses around receiver and arguments where precedence needs them.
    static func print(_ send: MessageSend) -> String {
        switch SelectorKind(of: send.selector) {
        case .binary:
            return operand(send.receiver, upTo: 2) + " " + send.selector + " " + operand(send.arguments[0], upTo: 1)
        case .keyword:
            let keywords = send.selector.split(separator: ":").map { $0 + ":" }
            let parts = zip(keywords, send.arguments).map { $0 + " " + operand($1, upTo: 2) }
            return operand(send.receiver, upTo: 2) + " " + parts.joined(separator: " ")
        default:
            return operand(send.receiver, upTo: 1) + " " + send.selector
        }
    }

    /// `expression`, parenthesized if it binds more loosely than `level` (0 primary, 1 unary, 2 binary, 3 keyword).
    static func operand(_ expression: Expression, upTo level: Int) -> String {
        let text = print(expression)
        return precedence(of: expression) > level ? "(" + text + ")" : text
    }

    /// How loosely an expression binds: 0 primary, 1 unary, 2 binary, 3 keyword send, 4 assignment or return.
    static func precedence(of expression: Expression) -> Int {
        switch expression {
        case .variable, .literal, .block: 0
        case .assignment, .return: 4
        case .send(let send):
            switch SelectorKind(of: send.selector) {
            case .unary: 1
            case .binary: 2
            default: 3
            }
        }
    }

    /// A block on one line: `[ :a | | t | a foo. t ]`.
    static func print(_ block: BlockExpression) -> String {
        var out = "["
        if !block.parameters.isEmpty { out += " " + block.parameters.map { ":" + $0 }.joined(separator: " ") + " |" }
        if !block.locals.isEmpty { out += " | " + block.locals.joined(separator: " ") + " |" }
        if !block.body.isEmpty { out += " " + block.body.map(print).joined(separator: ". ") }
        return out + " ]"
    }
}
