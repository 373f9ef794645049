// Sends: evaluating the receiver and arguments onto the shadow stack,
// finding the method (inline cache, lookup cache, then the classes), and
// running it.
//
// The pushed receiver and arguments are the first slots of the callee's
// frame, so a call copies nothing. Integer arithmetic and comparisons on two
// immediates are done right at the send, before any lookup (the selectors
// are interned first, so one compare tells them from the rest): they are the
// bulk of the sends in loops, and Integer's own methods for them are
// primitives with the same result.
import Tenure

extension Universe {
    @inline(__always)
    func classOf(_ value: Value) -> ClassID {
        guard let word = value else { return known.nilClass }
        if word.address & 1 != 0 { return known.integer }
        return hot.pointee.classOfType[Int32(truncatingIfNeeded: word.typeID)]
    }

    func send(_ n: Int32, _ node: Node, _ frame: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> Value {
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let receiver = try evaluate(node.b, frame)
        if node.d == 1 && node.a < SpecialSelector.count && receiver.isSmallInteger {
            heap.pushRoot(receiver)
            let argument = try evaluate(operands[Int(node.c)], frame)
            if argument.isSmallInteger, let result = try SpecialSelector.integer(node.a, receiver.smallInteger,
                                                                                 argument.smallInteger, self) {
                return result
            }
            heap.pushRoot(argument)
            return try dispatch(n, node.a, mark.top, 1)
        }
        heap.pushRoot(receiver)
        var i = Int(node.c)
        let end = i &+ Int(node.d)
        while i < end {
            heap.pushRoot(try evaluate(operands[i], frame))
            i &+= 1
        }
        return try dispatch(n, node.a, mark.top, node.d)
    }

    func superSend(_ n: Int32, _ node: Node, _ frame: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> Value {
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        var i = Int(node.c)
        let end = i &+ Int(node.b) &+ 1   // self, then the arguments
        while i < end {
            heap.pushRoot(try evaluate(operands[i], frame))
            i &+= 1
        }
        guard node.d >= 0, let method = lookup(node.d, node.a) else {
            return try doesNotUnderstand(node.a, mark.top, node.b)
        }
        return try invoke(method, mark.top, node.b)
    }

    /// Runs the method `selector` finds for the receiver in `base[0]`, cached at node `n`.
    @inline(__always)
    func dispatch(_ n: Int32, _ selector: SymbolID, _ base: UnsafeMutablePointer<ObjectRef?>,
                  _ argumentCount: Int32) throws(Unwind) -> Value {
        let classID = classOf(base[0])
        let cache = hot.pointee.caches.base + Int(n)
        let method: MethodID
        if cache.pointee.classID == classID {
            method = cache.pointee.method
        } else if cache.pointee.secondClassID == classID {
            method = cache.pointee.secondMethod
        } else {
            guard let found = lookup(classID, selector) else {
                return try doesNotUnderstand(selector, base, argumentCount)
            }
            // The newest class goes first; the one it replaces becomes the second.
            cache.pointee = InlineCache(classID: classID, method: found, secondClassID: cache.pointee.classID,
                                        secondMethod: cache.pointee.method)
            method = found
        }
        return try invoke(method, base, argumentCount)
    }

    /// The method `selector` names in `classID` or its superclasses (through the lookup cache).
    func lookup(_ classID: ClassID, _ selector: SymbolID) -> MethodID? {
        let slot = hot.pointee.lookupCache.base + Int(LookupEntry.index(classID, selector))
        if slot.pointee.classID == classID && slot.pointee.selector == selector { return slot.pointee.method }
        var current: ClassID? = classID
        while let c = current, let record = classes[c] {
            if let m = record.methods[selector] {
                slot.pointee = LookupEntry(classID: classID, selector: selector, method: m)
                return m
            }
            current = record.superclass
        }
        return nil
    }

    /// Sends `doesNotUnderstand:arguments:` for a failed lookup of `selector`.
    func doesNotUnderstand(_ selector: SymbolID, _ base: UnsafeMutablePointer<ObjectRef?>,
                           _ argumentCount: Int32) throws(Unwind) -> Value {
        let dnu = symbols.intern("doesNotUnderstand:arguments:")
        guard let handler = lookup(classOf(base[0]), dnu) else {
            throw .fatal("\(describe(base[0])) does not understand #\(symbols.name(selector)) (and no doesNotUnderstand:arguments:)")
        }
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let slots = heap.pushRoot(base[0]).slot
        heap.pushRoot(try symbolObject(selector))
        heap.pushRoot(try newArray(count: Int(argumentCount)))
        for i in 0..<Int(argumentCount) { heap.storeItem(base[1 + i], into: slots[2]!, at: i) }
        return try invoke(handler, slots, 2)
    }
}
