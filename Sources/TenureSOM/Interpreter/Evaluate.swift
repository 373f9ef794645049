// The interpreter: evaluating nodes.
//
// `evaluate(node, frame)` is one switch over the node kinds. `frame` is the
// activation's first shadow-stack slot (Scopes.swift has the layout); slots
// are roots, so a value read from one after an allocation is always current,
// and every intermediate value that must survive an allocation (a send's
// receiver and arguments) is pushed on the shadow stack before the next
// evaluation. A value held in a Swift variable is used only before the next
// call that may allocate.
//
// Returns leave by typed throws (`Unwind`): a Swift `throw` of a typed error
// is a return with a flag, cheap enough for `^` inside an inlined
// `ifTrue:`, the commonest early return of these programs.
import Tenure

/// The context of an activation: a heap array [outer, receiver, marker, variables...].
enum ContextLayout {
    static let outer = 0
    static let receiver = 1
    static let marker = 2
    static let variables = 3
}

/// A block object: [context | code id].
enum BlockLayout {
    static let contextOffset = 8
    static let codeOffset = 16
}

extension Universe {
    @inline(__always) var nodes: UnsafeMutablePointer<Node> { hot.pointee.nodes.base }
    @inline(__always) var operands: UnsafeMutablePointer<Int32> { hot.pointee.operands.base }

    /// `evaluate` for an operand: a frame slot, a field of self or a small
    /// integer is read here, without the call and the switch (in the Are We
    /// Fast Yet benchmarks most receivers, arguments and conditions are one of
    /// those); anything else is evaluated.
    @inline(__always)
    func operand(_ n: Int32, _ frame: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> Value {
        let node = nodes[Int(n)]
        if node.kind == .readSlot { return frame[Int(node.a)] }
        if node.kind == .readField { return frame[Int(node.b)].unsafelyUnwrapped.loadReference(at: 8 &+ 8 &* Int(node.a)) }
        if node.kind == .smallInteger { return SmallInteger.make(Int(node.a)) }
        return try evaluate(n, frame)
    }

    func evaluate(_ n: Int32, _ frame: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> Value {
        let node = nodes[Int(n)]
        switch node.kind {
        case .readSlot:
            return frame[Int(node.a)]
        case .smallInteger:
            return SmallInteger.make(Int(node.a))
        case .send:
            return try send(n, node, frame)
        case .readField:
            return frame[Int(node.b)].unsafelyUnwrapped.loadReference(at: 8 &+ 8 &* Int(node.a))
        case .readContext:
            return context(node.a, node.c, frame).loadItem(ContextLayout.variables &+ Int(node.b))
        case .writeSlot:
            let value = try operand(node.b, frame)
            frame[Int(node.a)] = value
            return value
        case .writeField:
            let value = try operand(node.b, frame)
            heap.storeReference(value, into: frame[Int(node.c)].unsafelyUnwrapped, at: 8 &+ 8 &* Int(node.a))
            return value
        case .writeContext:
            let value = try evaluate(node.c, frame)
            heap.storeItem(value, into: context(node.a, node.d, frame), at: ContextLayout.variables &+ Int(node.b))
            return value
        case .sequence:
            let last = Int(node.a &+ node.b &- 1)
            var i = Int(node.a)
            while i < last {
                _ = try evaluate(operands[i], frame)
                i &+= 1
            }
            return try evaluate(operands[last], frame)
        case .ifTrue:
            let condition = try operand(node.a, frame)
            let isFalse = condition == known.falseValue
            // SOM++'s rule for a receiver that is no Boolean: only false takes the false arm.
            if node.d == 0 {
                if !isFalse { return node.b < 0 ? nil : try evaluate(node.b, frame) }
                return node.c < 0 ? nil : try evaluate(node.c, frame)
            }
            if condition == known.trueValue { return node.b < 0 ? nil : try evaluate(node.b, frame) }
            return node.c < 0 ? nil : try evaluate(node.c, frame)
        case .whileTrue:
            let expected = node.c == 0 ? known.trueValue : known.falseValue
            while try operand(node.a, frame) == expected {
                if node.b >= 0 { _ = try evaluate(node.b, frame) }
            }
            return nil
        case .andOr:
            let value = try operand(node.a, frame)
            if node.c == 0 { return value == known.falseValue ? value : try evaluate(node.b, frame) }
            return value == known.trueValue ? value : try evaluate(node.b, frame)
        case .toDo:
            return try toDo(node, frame)
        case .literal:
            return hot.pointee.literals[node.a].pointee
        case .nilValue:
            return nil
        case .trueValue:
            return known.trueValue
        case .falseValue:
            return known.falseValue
        case .readGlobal:
            return try global(node.a, node.b, frame)
        case .superSend:
            return try superSend(n, node, frame)
        case .block:
            return try makeBlock(node.a, node.b, frame)
        case .methodReturn:
            throw .methodReturn(try operand(node.a, frame))
        case .nonLocalReturn:
            return try nonLocalReturn(node, frame)
        case .timesRepeat:
            let count = try evaluate(node.a, frame)
            guard count.isSmallInteger else { throw .fatal("timesRepeat: sent to \(describe(count)), accepted: an Integer") }
            var i = 0
            while i < count.smallInteger {
                _ = try evaluate(node.b, frame)
                i &+= 1
            }
            return count
        case .ifNil:
            let value = try evaluate(node.a, frame)
            if node.c == 0 { return value == nil ? try evaluate(node.b, frame) : value }
            return value == nil ? nil : try evaluate(node.b, frame)
        }
    }

    /// The context `depth` activations out: 0 is this activation's own (in frame slot
    /// `ownSlot`), 1 the running block's, and so on outwards.
    @inline(__always)
    func context(_ depth: Int32, _ ownSlot: Int32, _ frame: UnsafeMutablePointer<ObjectRef?>) -> ObjectRef {
        if depth == 0 { return frame[Int(ownSlot)].unsafelyUnwrapped }
        var context = frame[0].unsafelyUnwrapped.loadReference(at: BlockLayout.contextOffset).unsafelyUnwrapped
        var d = depth
        while d > 1 {
            context = context.loadItem(ContextLayout.outer).unsafelyUnwrapped
            d &-= 1
        }
        return context
    }

    /// A short description of a value, for error messages.
    func describe(_ value: Value) -> String {
        if value.isSmallInteger { return "\(value.smallInteger)" }
        if value == nil { return "nil" }
        let name = classes[classOf(value)]?.name ?? "?"
        if isString(value) { return "'\(string(value!))' (a \(name))" }
        return "a \(name)"
    }
}
