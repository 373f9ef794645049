// The inlined `to:do:` family.
//
// With Integer bounds the loop counts in a Swift integer and stores each
// value into the loop variable (a frame slot or a context variable); the limit
// and step are evaluated once, as Number>>to:do: does. Other bounds (Doubles,
// LargeIntegers) loop by sending `<=` (`>=` downwards) and `+`, the same
// messages the library's own to:do: sends.
import Tenure

extension Universe {
    func toDo(_ node: Node, _ frame: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> Value {
        let o = operands + Int(node.a)
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let from = heap.pushRoot(try evaluate(o[0], frame))
        let limit = heap.pushRoot(try evaluate(o[1], frame))
        let step = heap.pushRoot(o[2] < 0 ? SmallInteger.make(1) : try evaluate(o[2], frame))
        let body = o[3], inContext = o[4] == 1, variable = Int(o[5]), direction = o[6], contextSlot = o[7]
        @inline(__always) func set(_ value: Value) {
            if inContext {
                heap.storeItem(value, into: frame[Int(contextSlot)]!, at: ContextLayout.variables + variable)
            } else {
                frame[variable] = value
            }
        }
        if from.value.isSmallInteger && limit.value.isSmallInteger && step.value.isSmallInteger {
            var i = from.value.smallInteger
            let end = limit.value.smallInteger, by = step.value.smallInteger * Int(direction)
            guard by != 0 else { throw .fatal("to:by:do: with a step of 0") }
            while by > 0 ? i <= end : i >= end {
                set(SmallInteger.make(i))
                _ = try evaluate(body, frame)
                i &+= by
            }
            return from.value
        }
        let compare = symbols.intern(direction > 0 ? "<=" : ">=")
        let plus = symbols.intern(direction > 0 ? "+" : "-")
        let i = heap.pushRoot(from.value)
        while try sendTo(i.value, compare, [limit.value]) == known.trueValue {
            set(i.value)
            _ = try evaluate(body, frame)
            i.value = try sendTo(i.value, plus, [step.value])
        }
        return from.value
    }

    /// Sends `selector` to `receiver` with `arguments` (from Swift code).
    func sendTo(_ receiver: Value, _ selector: SymbolID, _ arguments: [Value]) throws(Unwind) -> Value {
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let slots = heap.pushRoot(receiver).slot
        for a in arguments { heap.pushRoot(a) }
        guard let method = lookup(classOf(receiver), selector) else {
            return try doesNotUnderstand(selector, slots, Int32(arguments.count))
        }
        return try invoke(method, slots, Int32(arguments.count))
    }
}
