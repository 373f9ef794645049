// Compiling inlined sends, trivial methods and literals.
import SOMParser
import Tenure

extension MethodCompiler {
    mutating func inline(_ send: MessageSend, _ inlined: Inlined) throws(SOMError) -> Int32 {
        switch inlined {
        case .ifTrue(let then, let otherwise, let swapped):
            let condition = try expression(send.receiver)
            let t = then == nil ? Int32(-1) : try inlinedBody(then)
            let f = otherwise == nil ? Int32(-1) : try inlinedBody(otherwise)
            return emit(Node(.ifTrue, condition, t, f, swapped ? 1 : 0))
        case .whileTrue(let condition, let body, let negated):
            let c = try inlinedBody(condition)
            let b = body == nil ? Int32(-1) : try inlinedBody(body)
            return emit(Node(.whileTrue, c, b, negated ? 1 : 0))
        case .andOr(let block, let isOr):
            let receiver = try expression(send.receiver)
            return emit(Node(.andOr, receiver, try inlinedBody(block), isOr ? 1 : 0))
        case .timesRepeat(let block):
            let count = try expression(send.receiver)
            return emit(Node(.timesRepeat, count, try inlinedBody(block)))
        case .ifNil(let block, let notNil):
            let receiver = try expression(send.receiver)
            return emit(Node(.ifNil, receiver, try inlinedBody(block), notNil ? 1 : 0, -1))
        case .toDo(let limit, let step, let body, let down):
            let from = try expression(send.receiver)
            let to = try expression(limit)
            let by = step == nil ? Int32(-1) : try expression(step!)
            return try withInlinedArgument(body.parameters[0]) { c, index throws(SOMError) -> Int32 in
                let b = try c.inlinedBody(BlockExpression(parameters: [], locals: body.locals, body: body.body,
                                                          position: body.position))
                let (kind, where_): (Int32, Int32)
                switch c.currentScope.location(ofOwn: index) {
                case .slot(let s): (kind, where_) = (0, s)
                case .context(_, let i): (kind, where_) = (1, i)
                default: fatalError("unreachable")
                }
                return c.emit(Node(.toDo, c.list([from, to, by, b, kind, where_, down ? -1 : 1, c.currentScope.contextSlot])))
            }
        }
    }

    /// The frame-less kind of a trivial method, and its operand.
    mutating func trivialKind(_ d: MethodDefinition) throws(SOMError) -> (MethodKind, Int32)? {
        let statements = d.statements
        func field(_ e: Expression) -> Int32? {
            guard case .variable(let name, _) = e, !d.parameters.contains(name), !d.locals.contains(name),
                  let f = fields.lastIndex(of: name) else { return nil }
            return Int32(f)
        }
        if statements.isEmpty { return (.returnSelf, 0) }
        guard statements.count == 1 else { return nil }
        switch statements[0] {
        case .return(let r):
            if case .variable("self", _) = r.value { return (.returnSelf, 0) }
            if let f = field(r.value) { return (.returnField, f) }
            if case .literal(let l, _) = r.value {
                if case .array = l { return nil }   // a literal array is mutable: keep the ordinary path
                return (.returnLiteral, literal(try makeLiteral(l)))
            }
            return nil
        case .assignment(let a):
            guard d.parameters.count == 1, case .variable(let name, _) = a.value, name == d.parameters[0],
                  let f = fields.lastIndex(of: a.variable), !d.locals.contains(a.variable),
                  a.variable != d.parameters[0] else { return nil }
            return (.setField, Int32(f))
        default:
            return nil
        }
    }

    /// The heap object of a literal (made now; kept alive by the literal table's root).
    mutating func makeLiteral(_ l: Literal) throws(SOMError) -> ObjectRef? {
        do throws(Unwind) {
            return try universe.literalObject(l)
        } catch {
            throw SOMError("\(file): cannot make literal \(l): \(error)")
        }
    }
}

extension Universe {
    func literalObject(_ l: Literal) throws(Unwind) -> ObjectRef? {
        switch l {
        case .integer(let n): return try integer(n)
        case .bigInteger(let text): return try integer(LargeInteger(decimal: text) ?? LargeInteger())
        case .double(let d): return try newDouble(d)
        case .string(let s): return try newString(s)
        case .symbol(let s): return try symbolObject(symbols.intern(s))
        case .array(let items):
            return try heap.withRoot(try newArray(count: items.count)) { array throws(Unwind) -> ObjectRef in
                for (i, item) in items.enumerated() {
                    let value = try literalObject(item)
                    heap.storeItem(value, into: array.object, at: i)
                }
                return array.object
            }
        }
    }
}
