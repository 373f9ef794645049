// Statements, expressions, message sends and blocks.
//
// The grammar's precedence is the usual Smalltalk one: unary sends bind
// tighter than binary ones, binary ones tighter than keyword ones, and all
// of them associate to the left (`a - b - c` is `(a - b) - c`); a keyword
// send gathers all keyword parts that follow into one selector. An
// assignment's target is a name followed by `:=`, and its value is again
// an expression, so `a := b := 3` nests. `-` is a binary selector wherever
// a message can start (`1 -2` and `1-2` subtract) and a sign wherever a
// primary is wanted (`1 - -2`, `x := -2`); see `parsePrimary`.

extension Parser {
    /// blockBody: statements separated by `.`, a `^ return` only last, up to `closer` (consumed).
    mutating func parseStatements(closer: TokenKind, _ closerText: @autoclosure () -> String)
        throws(SOMSyntaxError) -> [Expression] {
        var statements: [Expression] = []
        while peek.kind != closer {
            if peek.kind == .exit {
                let caret = advance()
                let value = try parseExpression()
                statements.append(.return(ReturnStatement(value: value, isNonLocal: blockDepth > 0,
                                                          position: caret.position)))
                _ = accept(.period)
                try expect(closer, "\(closerText()) after the return statement, which must come last")
                return statements
            }
            statements.append(try parseExpression())
            guard accept(.period) else { break }
        }
        try expect(closer, "'.' or a message to continue the statement, or \(closerText())")
        return statements
    }

    /// expression: `name := expression` or an evaluation.
    public mutating func parseExpression() throws(SOMSyntaxError) -> Expression {
        if peek.isIdentifier && token(ahead: 1).kind == .assign {
            let name = advance()
            advance()  // :=
            let value = try parseExpression()
            return .assignment(Assignment(variable: name.text, value: value, position: name.position))
        }
        let primary = try parsePrimary()
        return try parseMessages(to: primary)
    }

    /// messages: unary sends, then binary sends, then at most one keyword send, to `receiver`.
    mutating func parseMessages(to receiver: Expression) throws(SOMSyntaxError) -> Expression {
        var result = try parseUnarySends(to: receiver)
        result = try parseBinarySends(to: result)
        guard peek.kind == .keyword else { return result }
        let start = peek.position
        var selector = ""
        var arguments: [Expression] = []
        while peek.kind == .keyword {
            selector += advance().text
            let operand = try parseBinaryOperand()  // formula: binaryOperand binaryMessage*
            arguments.append(try parseBinarySends(to: operand))
        }
        return .send(MessageSend(receiver: result, selector: selector, arguments: arguments, position: start))
    }

    /// unaryMessage*: each name that follows is a unary send to the result so far.
    mutating func parseUnarySends(to receiver: Expression) throws(SOMSyntaxError) -> Expression {
        var result = receiver
        while peek.isIdentifier && token(ahead: 1).kind != .assign {
            let selector = advance()
            result = .send(MessageSend(receiver: result, selector: selector.text, position: selector.position))
        }
        return result
    }

    /// binaryMessage*: `op operand` pairs, left to right.
    mutating func parseBinarySends(to receiver: Expression) throws(SOMSyntaxError) -> Expression {
        var result = receiver
        while peek.isBinarySelector {
            let selector = advance()
            let argument = try parseBinaryOperand()
            result = .send(MessageSend(receiver: result, selector: selector.text, arguments: [argument],
                                       position: selector.position))
        }
        return result
    }

    /// binaryOperand: a primary and its unary sends.
    mutating func parseBinaryOperand() throws(SOMSyntaxError) -> Expression {
        try parseUnarySends(to: try parsePrimary())
    }

    /// primary: a name, `( expression )`, a block or a literal (a `-` here is a number's sign).
    mutating func parsePrimary() throws(SOMSyntaxError) -> Expression {
        let token = peek
        switch token.kind {
        case .identifier, .primitive:
            advance()
            return .variable(name: token.text, position: token.position)
        case .newTerm:
            advance()
            let inner = try parseExpression()
            try expect(.endTerm, "a message or ')' to close the '(' at \(token.position)")
            return inner
        case .newBlock:
            return .block(try parseBlock())
        case .pound, .string, .integer, .double, .minus:
            return .literal(try parseLiteral(inArray: false), position: token.position)
        default:
            throw error(expected: "a name, a literal, a block or '(' to start an expression")
        }
    }

    /// nestedBlock: `[ :a :b | | locals | statements ]`.
    mutating func parseBlock() throws(SOMSyntaxError) -> BlockExpression {
        let open = try expect(.newBlock, "'['")
        var parameters: [String] = []
        while accept(.colon) {
            parameters.append(try expectIdentifier("a block parameter name after ':'").text)
        }
        if !parameters.isEmpty {
            try expect(.or, "another ':parameter' or '|' to end the block parameters")
        }
        let locals = try parseNameList(of: "local")
        blockDepth += 1
        defer { blockDepth -= 1 }
        let body = try parseStatements(closer: .endBlock, "']' to end the block begun at \(open.position)")
        return BlockExpression(parameters: parameters, locals: locals, body: body, position: open.position)
    }
}
