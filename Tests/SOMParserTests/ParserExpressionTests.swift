// Expressions: the precedence of unary, binary and keyword sends, `-` as a
// selector and as a sign, super sends, chained assignments, returns (local
// and non-local), blocks with parameters and locals, and nested terms.
import Testing
@testable import SOMParser

@Suite struct ParserExpressionTests {
    @Test func unaryBindsTighterThanBinaryTighterThanKeyword() throws {
        #expect(try expression("a b + c d at: e f - g put: h") ==
            send(send(send(name("a"), "b"), "+", send(name("c"), "d")), "at:put:",
                 send(send(name("e"), "f"), "-", name("g")), name("h")))
    }

    @Test func binarySendsAssociateLeft() throws {
        #expect(try expression("1 + 2 * 3") == send(send(int(1), "+", int(2)), "*", int(3)))
        #expect(try expression("1 + (2 * 3)") == send(int(1), "+", send(int(2), "*", int(3))))
    }

    @Test func minusAfterAReceiverIsASelector() throws {
        #expect(try expression("1-2") == send(int(1), "-", int(2)))
        #expect(try expression("1 -2") == send(int(1), "-", int(2)))
        #expect(try expression("(x at: i)-2") == send(send(name("x"), "at:", name("i")), "-", int(2)))
    }

    @Test func minusWhereAPrimaryIsWantedIsASign() throws {
        #expect(try expression("1 - -2") == send(int(1), "-", int(-2)))
        #expect(try expression("-2 abs") == send(int(-2), "abs"))
        #expect(try expression("x max: -2") == send(name("x"), "max:", int(-2)))
        #expect(try expression("x := - 2") == .assignment(Assignment(variable: "x", value: int(-2))))
        #expect(try expression("0.5 - -0.5") ==
            send(.literal(.double(0.5), position: .start), "-", .literal(.double(-0.5), position: .start)))
    }

    @Test func keywordSelectorsOfSeveralParts() throws {
        #expect(try expression("d at: 1 put: 2 + 3 ifAbsent: [ nil ]") ==
            send(name("d"), "at:put:ifAbsent:", int(1), send(int(2), "+", int(3)),
                 .block(BlockExpression(body: [name("nil")]))))
        // a keyword send inside an argument needs parentheses
        #expect(try expression("a foo: (b bar: c)") == send(name("a"), "foo:", send(name("b"), "bar:", name("c"))))
    }

    @Test func superSendsAreMarked() throws {
        guard case .send(let outer) = try expression("super foo bar"),
              case .send(let inner) = outer.receiver else { Issue.record("not sends"); return }
        #expect(inner.isSuperSend)
        #expect(!outer.isSuperSend)
        guard case .send(let keyword) = try expression("super at: 1 put: super x") else { return }
        #expect(keyword.isSuperSend)
        guard case .send(let notSuper) = try expression("(super) foo") else { return }
        #expect(notSuper.isSuperSend)  // parentheses leave no trace
    }

    @Test func pseudoVariablesStayNames() throws {
        #expect(try expression("self") == name("self"))
        #expect(try expression("nil isNil") == send(name("nil"), "isNil"))
        #expect(PseudoVariable(rawValue: "true") == .true)
        #expect(PseudoVariable(rawValue: "Object") == nil)
    }

    @Test func assignmentsChain() throws {
        #expect(try expression("a := b := 3") == .assignment(Assignment(
            variable: "a", value: .assignment(Assignment(variable: "b", value: int(3))))))
        #expect(try expression("a := b foo: c") ==
            .assignment(Assignment(variable: "a", value: send(name("b"), "foo:", name("c")))))
    }

    @Test func blocksWithParametersAndLocals() throws {
        #expect(try expression("[:a :b | | t | t := a. b]") == .block(BlockExpression(
            parameters: ["a", "b"], locals: ["t"],
            body: [.assignment(Assignment(variable: "t", value: name("a"))), name("b")])))
        #expect(try expression("[]") == .block(BlockExpression()))
        #expect(try expression("[:a|]") == .block(BlockExpression(parameters: ["a"])))
        #expect(try expression("[ | t | ]") == .block(BlockExpression(locals: ["t"])))
    }

    @Test func nestedBlocksAndNonLocalReturns() throws {
        let m = try method("foo = ( [:x | [ ^x ] value ] value: 1. ^self )")
        #expect(m.statements.count == 2)
        guard case .return(let local) = m.statements[1] else { Issue.record("no return"); return }
        #expect(!local.isNonLocal)
        guard case .send(let outer) = m.statements[0], case .block(let block) = outer.receiver,
              case .send(let inner) = block.body[0], case .block(let innermost) = inner.receiver,
              case .return(let nonLocal) = innermost.body[0] else { Issue.record("shape"); return }
        #expect(nonLocal.isNonLocal)
        #expect(nonLocal.value == name("x"))
    }

    @Test func statementsAndPeriods() throws {
        #expect(try method("f = ( a. b. )").statements == [name("a"), name("b")])
        #expect(try method("f = ( ^ a. )").statements.count == 1)
        #expect(try method("f = ( )").statements.isEmpty)
        #expect(try method("f = ( | a b | )").locals == ["a", "b"])
    }

    @Test func sendPositionsAreTheSelectors() throws {
        let e = try Parser.parseExpression("a\n  foo: 1 bar: 2", file: "t.som")
        #expect(e.position == SourcePosition(line: 2, column: 3, offset: 4))
        guard case .send(let s) = e else { return }
        #expect(s.receiver.position == .start)
        #expect(s.arguments[1].position.column == 15)
    }
}
