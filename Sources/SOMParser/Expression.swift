// Expressions and statements of method and block bodies.
//
// `self`, `super`, `nil`, `true` and `false` are names in SOM's grammar
// (`variable: identifier`), and they stay names here: `.variable` with that
// name. A VM resolves them like any other name, before locals and fields
// (`PseudoVariable` names them for that). The one thing the parser settles
// is what the grammar's shape decides: a send whose receiver is literally
// `super` is marked `isSuperSend`, because the lookup differs.
//
// Parentheses leave no trace: `(a + b) * c` is the send `*` with the send
// `+` as its receiver. A return (`^`) is a statement that can only end a
// body; inside a block it returns from the enclosing method, so it is marked
// non-local there. SOM has no cascades (`;`), so a send has one receiver.

/// An expression or statement of a SOM method or block.
public indirect enum Expression: Hashable, Sendable {
    /// A name read: argument, local, field, global, or one of `PseudoVariable`.
    case variable(name: String, position: SourcePosition)
    /// A literal constant.
    case literal(Literal, position: SourcePosition)
    /// `name := value`; chains nest: `a := b := 3` assigns `b := 3` to `a`.
    case assignment(Assignment)
    /// A unary, binary or keyword message send.
    case send(MessageSend)
    /// A block `[ :a | | t | ... ]`.
    case block(BlockExpression)
    /// `^ value`, the last statement of a body.
    case `return`(ReturnStatement)

    /// Where the expression starts (the selector for a send, `^` for a return).
    public var position: SourcePosition {
        switch self {
        case .variable(_, let position), .literal(_, let position): position
        case .assignment(let assignment): assignment.position
        case .send(let send): send.position
        case .block(let block): block.position
        case .return(let statement): statement.position
        }
    }

    /// Whether this is a read of the name `super`.
    public var isSuper: Bool {
        if case .variable("super", _) = self { return true }
        return false
    }
}

/// The names that SOM gives a fixed meaning, though its grammar parses them as plain names.
public enum PseudoVariable: String, CaseIterable, Sendable {
    /// The receiver.
    case `self`
    /// The receiver, with method lookup starting above the method's class.
    case `super`
    /// The nil object.
    case `nil`
    /// The true object.
    case `true`
    /// The false object.
    case `false`
}

/// `variable := value`.
public struct Assignment: Hashable, Sendable {
    /// The name assigned to.
    public var variable: String
    /// The value, which may itself be an assignment.
    public var value: Expression
    /// Where the name is.
    public var position: SourcePosition

    /// An assignment from its parts.
    public init(variable: String, value: Expression, position: SourcePosition = .start) {
        self.variable = variable
        self.value = value
        self.position = position
    }
}

/// A message send: `receiver selector`, `receiver + arg`, `receiver at: a put: b`.
public struct MessageSend: Hashable, Sendable {
    /// The receiver.
    public var receiver: Expression
    /// The selector: `foo`, `+`, `at:put:`.
    public var selector: String
    /// The arguments, one per keyword part, one for a binary selector, none for a unary one.
    public var arguments: [Expression]
    /// Whether the receiver is `super`: lookup starts in the superclass of the method's class.
    public var isSuperSend: Bool
    /// Where the selector (its first keyword) is.
    public var position: SourcePosition

    /// A send from its parts; `isSuperSend` follows from the receiver.
    public init(receiver: Expression, selector: String, arguments: [Expression] = [],
                position: SourcePosition = .start) {
        self.receiver = receiver
        self.selector = selector
        self.arguments = arguments
        self.isSuperSend = receiver.isSuper
        self.position = position
    }
}

/// A block: `[ :a :b | | t u | statements ]`.
public struct BlockExpression: Hashable, Sendable {
    /// The parameters' names, in order.
    public var parameters: [String]
    /// The locals' names, in order.
    public var locals: [String]
    /// The statements; a block without any answers nil, otherwise its last statement's value.
    public var body: [Expression]
    /// Where `[` is.
    public var position: SourcePosition

    /// A block from its parts.
    public init(parameters: [String] = [], locals: [String] = [], body: [Expression] = [],
                position: SourcePosition = .start) {
        self.parameters = parameters
        self.locals = locals
        self.body = body
        self.position = position
    }
}

/// `^ value`.
public struct ReturnStatement: Hashable, Sendable {
    /// The value returned.
    public var value: Expression
    /// Whether the return is inside a block, and so returns from the enclosing method.
    public var isNonLocal: Bool
    /// Where `^` is.
    public var position: SourcePosition

    /// A return from its parts.
    public init(value: Expression, isNonLocal: Bool, position: SourcePosition = .start) {
        self.value = value
        self.isNonLocal = isNonLocal
        self.position = position
    }
}
