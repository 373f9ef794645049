// Which sends the compiler inlines, and whether an activation creates blocks.
//
// `ifTrue:`, `whileTrue:`, `and:`, `to:do:` and their friends take literal
// blocks nearly always; compiling those blocks into the enclosing activation
// (as SOM++ and TruffleSOM do) removes a block allocation and a call per
// branch or iteration, and keeps most methods free of any block, so that
// their frames stay on the shadow stack (Scopes.swift). An inlined block that
// declares arguments or locals is inlined only if it creates no block of its
// own: a block created in each iteration must close over that iteration's
// variables, which an inlined block shares across iterations.
import SOMParser

/// How a send is inlined.
enum Inlined {
    case ifTrue(then: BlockExpression?, else: BlockExpression?, swapped: Bool)
    case whileTrue(condition: BlockExpression, body: BlockExpression?, negated: Bool)
    case andOr(BlockExpression, isOr: Bool)
    case toDo(limit: Expression, step: Expression?, body: BlockExpression, down: Bool)
    case timesRepeat(BlockExpression)
    case ifNil(BlockExpression, notNil: Bool)
}

enum Inlining {
    /// The literal block `e` with `parameters` parameters, if it is one that may be inlined.
    static func block(_ e: Expression, parameters: Int = 0) -> BlockExpression? {
        guard case .block(let b) = e, b.parameters.count == parameters else { return nil }
        if (!b.parameters.isEmpty || !b.locals.isEmpty) && b.body.contains(where: createsBlock) { return nil }
        return b
    }

    /// How `send` is inlined, or nil for a real send.
    static func inlining(of send: MessageSend) -> Inlined? {
        if send.isSuperSend { return nil }
        let args = send.arguments
        switch send.selector {
        case "ifTrue:", "ifFalse:":
            guard let b = block(args[0]) else { return nil }
            return send.selector == "ifTrue:" ? .ifTrue(then: b, else: nil, swapped: false)
                                              : .ifTrue(then: nil, else: b, swapped: false)
        case "ifTrue:ifFalse:", "ifFalse:ifTrue:":
            guard let first = block(args[0]), let second = block(args[1]) else { return nil }
            return send.selector == "ifTrue:ifFalse:" ? .ifTrue(then: first, else: second, swapped: false)
                                                      : .ifTrue(then: second, else: first, swapped: true)
        case "whileTrue:", "whileFalse:":
            guard let condition = block(send.receiver), let body = block(args[0]) else { return nil }
            return .whileTrue(condition: condition, body: body, negated: send.selector == "whileFalse:")
        case "whileTrue", "whileFalse":
            guard let condition = block(send.receiver) else { return nil }
            return .whileTrue(condition: condition, body: nil, negated: send.selector == "whileFalse")
        case "and:", "or:":
            guard let b = block(args[0]) else { return nil }
            return .andOr(b, isOr: send.selector == "or:")
        case "to:do:", "downTo:do:":
            guard let body = block(args[1], parameters: 1) else { return nil }
            return .toDo(limit: args[0], step: nil, body: body, down: send.selector == "downTo:do:")
        case "to:by:do:":
            guard let body = block(args[2], parameters: 1) else { return nil }
            return .toDo(limit: args[0], step: args[1], body: body, down: false)
        case "timesRepeat:":
            guard let b = block(args[0]) else { return nil }
            return .timesRepeat(b)
        case "ifNil:", "ifNotNil:":
            guard let b = block(args[0]) else { return nil }
            return .ifNil(b, notNil: send.selector == "ifNotNil:")
        default:
            return nil
        }
    }

    /// Whether evaluating `e` creates a real (not inlined) block in the current activation.
    static func createsBlock(_ e: Expression) -> Bool {
        switch e {
        case .variable, .literal: return false
        case .assignment(let a): return createsBlock(a.value)
        case .return(let r): return createsBlock(r.value)
        case .block: return true
        case .send(let send):
            guard let inlined = inlining(of: send) else {
                return createsBlock(send.receiver) || send.arguments.contains(where: createsBlock)
            }
            func body(_ b: BlockExpression?) -> Bool { b?.body.contains(where: createsBlock) ?? false }
            switch inlined {
            case .ifTrue(let t, let f, _): return createsBlock(send.receiver) || body(t) || body(f)
            case .whileTrue(let c, let b, _): return body(c) || body(b)
            case .andOr(let b, _), .timesRepeat(let b), .ifNil(let b, _): return createsBlock(send.receiver) || body(b)
            case .toDo(let limit, let step, let b, _):
                return createsBlock(send.receiver) || createsBlock(limit) || (step.map(createsBlock) ?? false) || body(b)
            }
        }
    }
}
