// The compiler: a method's syntax tree to nodes.
//
// It resolves every name once (frame slot, context variable, field, global),
// inlines the control-flow sends (Inlining.swift), turns `^` into the right
// kind of return, interns selectors and makes the literals. Trivial methods
// (return a field, set a field, return self or a literal) become method kinds
// that run without a frame (TruffleSOM's observation: a large share of all
// sends in these benchmarks are accessors).
import SOMParser
import Tenure

struct MethodCompiler {
    unowned let universe: Universe
    let holder: ClassID
    /// The instance fields of the holder's instances (the class-side fields for class methods).
    let fields: [String]
    let superclass: ClassID?
    let file: String
    private var scope: ActivationScope!
    private var method: MethodID = -1

    init(universe: Universe, holder: ClassID, fields: [String], superclass: ClassID?, file: String) {
        self.universe = universe
        self.holder = holder
        self.fields = fields
        self.superclass = superclass
        self.file = file
    }

    private var hot: UnsafeMutablePointer<HotTables> { universe.hot }

    /// Compiles `definition` into the method table.
    mutating func compile(_ definition: MethodDefinition) throws(SOMError) -> MethodID {
        let selector = universe.symbols.intern(definition.selector)
        var code = MethodCode(kind: .nodes, argumentCount: Int32(definition.parameters.count), slotCount: 0,
                              contextSlot: -1, contextSize: 0, body: -1, primitive: -1, operand: 0,
                              selector: selector, holder: holder)
        method = Int32(hot.pointee.methods.append(code))
        universe.methodNames[method] = "\(universe.classes[holder]?.name ?? "?")>>#\(definition.selector)"
        if definition.isPrimitive {
            guard let primitive = Primitive.named(className: universe.classes[holder]!.name,
                                                  selector: definition.selector) else {
                // A primitive this VM does not have: calling it reports the missing primitive.
                code.kind = .primitive
                code.primitive = Int32(Primitive.missing.rawValue)
                hot.pointee.methods[method] = code
                return method
            }
            code.kind = .primitive
            code.primitive = Int32(primitive.rawValue)
            hot.pointee.methods[method] = code
            return method
        }
        let statements = definition.statements
        if let trivial = try trivialKind(definition) {
            code.kind = trivial.0
            code.operand = trivial.1
            hot.pointee.methods[method] = code
            return method
        }
        let hasContext = statements.contains(where: Inlining.createsBlock)
        scope = ActivationScope(parent: nil, isBlock: false, parameters: definition.parameters, hasContext: hasContext)
        for local in definition.locals { scope.declare(local) }
        let body = try methodBody(statements)
        code.body = body
        code.slotCount = scope.slotCount
        code.contextSlot = scope.contextSlot
        code.contextSize = scope.contextSize
        hot.pointee.methods[method] = code
        return method
    }

    /// A method's statements: the value of its final `^`, else self.
    ///
    /// A `^` in tail position (the last statement, or the arms of an inlined
    /// `ifTrue:ifFalse:` that is the last statement) becomes its value: the
    /// method's result is what the body evaluates to, with no unwinding. A
    /// last statement whose every path returns (`c ifTrue: [^a] ifFalse:
    /// [^b]`) needs no `^self` after it. In the List benchmark every call of
    /// `tail:with:with:` and `makeList:` used to end in a thrown return.
    private mutating func methodBody(_ statements: [Expression]) throws(SOMError) -> Int32 {
        var nodes: [Int32] = []
        for (i, statement) in statements.enumerated() {
            if case .return(let r) = statement, i == statements.count - 1 {
                nodes.append(tailValue(try expression(r.value)))
                return sequence(nodes)
            }
            nodes.append(try expression(statement))
        }
        if let last = nodes.last, alwaysReturns(last) {
            nodes[nodes.count - 1] = tailValue(last)
            return sequence(nodes)
        }
        nodes.append(emit(Node(.readSlot, scope.selfSlot)))
        return sequence(nodes)
    }

    /// Whether every path through node `n` ends in a method return.
    private func alwaysReturns(_ n: Int32) -> Bool {
        let node = hot.pointee.nodes[n]
        switch node.kind {
        case .methodReturn: return true
        case .sequence: return alwaysReturns(hot.pointee.operands[node.a + node.b - 1])
        case .ifTrue: return node.b >= 0 && node.c >= 0 && alwaysReturns(node.b) && alwaysReturns(node.c)
        default: return false
        }
    }

    /// Node `n` in tail position with its method returns replaced by their values.
    private func tailValue(_ n: Int32) -> Int32 {
        var node = hot.pointee.nodes[n]
        switch node.kind {
        case .methodReturn:
            return tailValue(node.a)
        case .sequence:
            let last = node.a + node.b - 1
            hot.pointee.operands.base[Int(last)] = tailValue(hot.pointee.operands[last])
        case .ifTrue:
            if node.b >= 0 { node.b = tailValue(node.b) }
            if node.c >= 0 { node.c = tailValue(node.c) }
            hot.pointee.nodes.base[Int(n)] = node
        default:
            break
        }
        return n
    }

    // MARK: Emitting

    func emit(_ node: Node) -> Int32 {
        hot.pointee.caches.append(InlineCache())
        return Int32(hot.pointee.nodes.append(node))
    }

    func list(_ items: [Int32]) -> Int32 {
        let start = Int32(hot.pointee.operands.count)
        for item in items { hot.pointee.operands.append(item) }
        return start
    }

    func sequence(_ nodes: [Int32]) -> Int32 {
        if nodes.count == 1 { return nodes[0] }
        return emit(Node(.sequence, list(nodes), Int32(nodes.count)))
    }

    func literal(_ value: ObjectRef?) -> Int32 {
        let root = universe.heap.addGlobalRoot(value)
        return Int32(hot.pointee.literals.append(root.slot))
    }

    // MARK: Expressions

    mutating func expression(_ e: Expression) throws(SOMError) -> Int32 {
        switch e {
        case .variable(let name, let position):
            return try read(name, position)
        case .literal(let l, _):
            if case .integer(let n) = l, let small = Int32(exactly: n) { return emit(Node(.smallInteger, small)) }
            return emit(Node(.literal, literal(try makeLiteral(l))))
        case .assignment(let a):
            let value = try expression(a.value)
            return try write(a.variable, value, a.position)
        case .block(let b):
            let id = try compileBlock(b)
            return emit(Node(.block, id, scope.contextSlot))
        case .return(let r):
            let value = try expression(r.value)
            if scope.isBlock { return emit(Node(.nonLocalReturn, value, scope.depthToMethod)) }
            return emit(Node(.methodReturn, value))
        case .send(let send):
            if let inlined = Inlining.inlining(of: send) { return try inline(send, inlined) }
            let selector = universe.symbols.intern(send.selector)
            var args: [Int32] = []
            if send.isSuperSend {
                args.append(emit(Node(.readSlot, scope.selfSlot)))
                for a in send.arguments { args.append(try expression(a)) }
                return emit(Node(.superSend, selector, Int32(args.count - 1), list(args), superclass ?? -1))
            }
            let receiver = try expression(send.receiver)
            for a in send.arguments { args.append(try expression(a)) }
            return emit(Node(.send, selector, receiver, list(args), Int32(args.count)))
        }
    }

    private func error(_ text: String, _ position: SourcePosition) -> SOMError {
        SOMError("\(file):\(position.line):\(position.column): error: \(text)")
    }

    private mutating func read(_ name: String, _ position: SourcePosition) throws(SOMError) -> Int32 {
        switch name {
        case "self", "super": return emit(Node(.readSlot, scope.selfSlot))
        case "nil": return emit(Node(.nilValue))
        case "true": return emit(Node(.trueValue))
        case "false": return emit(Node(.falseValue))
        default: break
        }
        switch resolve(name) {
        case .slot(let s): return emit(Node(.readSlot, s))
        case .context(let depth, let index): return emit(Node(.readContext, depth, index, scope.contextSlot))
        case .field(let f): return emit(Node(.readField, f, scope.selfSlot))
        case .global(let symbol): return emit(Node(.readGlobal, symbol, scope.selfSlot))
        }
    }

    private mutating func write(_ name: String, _ value: Int32, _ position: SourcePosition) throws(SOMError) -> Int32 {
        switch resolve(name) {
        case .slot(let s): return emit(Node(.writeSlot, s, value))
        case .context(let depth, let index): return emit(Node(.writeContext, depth, index, value, scope.contextSlot))
        case .field(let f): return emit(Node(.writeField, f, value, scope.selfSlot))
        case .global:
            throw error("cannot assign to '\(name)': it is not an argument, a local or a field", position)
        }
    }

    private func resolve(_ name: String) -> VariableLocation {
        if let location = scope.resolve(name) { return location }
        if let f = fields.lastIndex(of: name) { return .field(Int32(f)) }
        return .global(universe.symbols.intern(name))
    }

    // MARK: Blocks

    private mutating func compileBlock(_ b: BlockExpression) throws(SOMError) -> BlockCodeID {
        let outer = scope!
        scope = ActivationScope(parent: outer, isBlock: true, parameters: b.parameters,
                                hasContext: b.body.contains(where: Inlining.createsBlock))
        defer { scope = outer }
        for local in b.locals { scope.declare(local) }
        let body = try blockBody(b.body)
        return Int32(hot.pointee.blocks.append(BlockCode(
            argumentCount: Int32(b.parameters.count), slotCount: scope.slotCount, contextSlot: scope.contextSlot,
            contextSize: scope.contextSize, body: body, method: method)))
    }

    /// A block's statements (the last one's value; nil for an empty block).
    mutating func blockBody(_ statements: [Expression]) throws(SOMError) -> Int32 {
        if statements.isEmpty { return emit(Node(.nilValue)) }
        var nodes: [Int32] = []
        for s in statements { nodes.append(try expression(s)) }
        return sequence(nodes)
    }

    // MARK: Inlined blocks

    /// The body of an inlined block, its arguments and locals declared in this activation
    /// (locals reset to nil on every entry, as a new activation's are).
    mutating func inlinedBody(_ b: BlockExpression?, argument: Int32? = nil) throws(SOMError) -> Int32 {
        guard let b else { return emit(Node(.nilValue)) }
        scope.enterInlined()
        defer { scope.leaveInlined() }
        var nodes: [Int32] = []
        for local in b.locals {
            let index = scope.declare(local)
            nodes.append(try writeOwn(index, emit(Node(.nilValue))))
        }
        if b.body.isEmpty { nodes.append(emit(Node(.nilValue))) }
        for s in b.body { nodes.append(try expression(s)) }
        return sequence(nodes)
    }

    /// Stores `value` into this activation's variable `index`.
    func writeOwn(_ index: Int32, _ value: Int32) throws(SOMError) -> Int32 {
        switch scope.location(ofOwn: index) {
        case .slot(let s): return emit(Node(.writeSlot, s, value))
        case .context(let depth, let i): return emit(Node(.writeContext, depth, i, value, scope.contextSlot))
        default: fatalError("unreachable")
        }
    }

    /// Declares an inlined block's argument in a scope that `body` then runs in.
    mutating func withInlinedArgument(_ name: String, _ body: (inout MethodCompiler, Int32) throws(SOMError) -> Int32)
        throws(SOMError) -> Int32 {
        scope.enterInlined()
        defer { scope.leaveInlined() }
        let index = scope.declare(name)
        return try body(&self, index)
    }

    var currentScope: ActivationScope { scope }
}
