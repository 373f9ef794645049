// Helpers shared by the SOM front-end tests: short ways to lex and parse a
// snippet, and a copy of a tree with every position set to the start, so
// that trees from different texts (a file and its printed form) compare.
@testable import SOMParser

/// The kinds and texts of `source`'s tokens, without the final end of file.
func lex(_ source: String) throws -> [(TokenKind, String)] {
    try Lexer.tokenize(source, file: "test.som").dropLast().map { ($0.kind, $0.text) }
}

/// Token lists compare kind by kind and text by text (tuples are not Equatable).
func == (lhs: [(TokenKind, String)], rhs: [(TokenKind, String)]) -> Bool {
    lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0 == $1 }
}

/// The kinds of `source`'s tokens, without the final end of file.
func kinds(_ source: String) throws -> [TokenKind] {
    try lex(source).map(\.0)
}

/// The one expression `source`, with positions cleared.
func expression(_ source: String) throws -> Expression {
    try Parser.parseExpression(source, file: "test.som").withoutPositions
}

/// The literal that `source` (a literal expression) stands for.
func literal(_ source: String) throws -> Literal? {
    if case .literal(let value, _) = try expression(source) { return value }
    return nil
}

/// The method `source`, with positions cleared.
func method(_ source: String) throws -> MethodDefinition {
    try Parser.parseMethod(source, file: "test.som").withoutPositions
}

/// The error that parsing `source` as a class throws, or nil if it parses.
func classError(_ source: String) -> SOMSyntaxError? {
    do {
        _ = try Parser.parseClass(source, file: "test.som")
        return nil
    } catch {
        return error
    }
}

/// Shorthands for building expected trees.
func name(_ text: String) -> Expression { .variable(name: text, position: .start) }
func int(_ value: Int) -> Expression { .literal(.integer(value), position: .start) }
func send(_ receiver: Expression, _ selector: String, _ arguments: Expression...) -> Expression {
    .send(MessageSend(receiver: receiver, selector: selector, arguments: arguments))
}

extension ClassDefinition {
    /// This class with every position cleared.
    var withoutPositions: ClassDefinition {
        var copy = self
        copy.position = .start
        copy.instanceMethods = instanceMethods.map(\.withoutPositions)
        copy.classMethods = classMethods.map(\.withoutPositions)
        return copy
    }
}

extension MethodDefinition {
    /// This method with every position cleared.
    var withoutPositions: MethodDefinition {
        var copy = self
        copy.position = .start
        if case .statements(let statements) = body { copy.body = .statements(statements.map(\.withoutPositions)) }
        return copy
    }
}

extension Expression {
    /// This expression with every position cleared.
    var withoutPositions: Expression {
        switch self {
        case .variable(let name, _):
            return .variable(name: name, position: .start)
        case .literal(let literal, _):
            return .literal(literal, position: .start)
        case .assignment(var assignment):
            assignment.position = .start
            assignment.value = assignment.value.withoutPositions
            return .assignment(assignment)
        case .send(var send):
            send.position = .start
            send.receiver = send.receiver.withoutPositions
            send.arguments = send.arguments.map(\.withoutPositions)
            return .send(send)
        case .block(var block):
            block.position = .start
            block.body = block.body.map(\.withoutPositions)
            return .block(block)
        case .return(var statement):
            statement.position = .start
            statement.value = statement.value.withoutPositions
            return .return(statement)
        }
    }
}
