// Sends: evaluating the receiver and arguments onto the shadow stack,
// finding the method (inline cache, lookup cache, then the classes), and
// running it.
//
// The pushed receiver and arguments are the first slots of the callee's
// frame, so a call copies nothing. Arithmetic and comparisons on small
// integers and Doubles, and `at:`/`at:put:` on Arrays, are done right at the
// send, before any lookup (the selectors are interned first, so one compare
// tells them from the rest): they are the bulk of the sends in loops, and the
// methods they stand for are primitives with the same result (or, for
// Double's `>`, `>=`, `<=`, Smalltalk computed the same way). Measured on
// the Are We Fast Yet benchmarks (CPU time, release): Doubles at the send
// took CD from 1.93 to 1.34 s, NBody 1.59 to 1.21, Mandelbrot 3.27 to 1.74.
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
        let receiver = try operand(node.b, frame)
        if node.a < SpecialSelector.count, let done = try specialSend(n, node, receiver, mark.top, frame) {
            return done.value
        }
        heap.pushRoot(receiver)
        var i = Int(node.c)
        let end = i &+ Int(node.d)
        while i < end {
            heap.pushRoot(try operand(operands[i], frame))
            i &+= 1
        }
        return try dispatch(n, node.a, mark.top, node.d)
    }

    /// The result of a send to a special selector, done here when the receiver
    /// is a small integer, a Double or an Array (arithmetic, comparisons,
    /// `at:`, `at:put:`); nil when the send is to be made as any other, with
    /// nothing pushed. The operands are pushed from `base` as a send pushes
    /// them, so a case that cannot finish here dispatches on them.
    @inline(__always)
    func specialSend(_ n: Int32, _ node: Node, _ receiver: Value, _ base: UnsafeMutablePointer<ObjectRef?>,
                     _ frame: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> SpecialSendResult? {
        if receiver.isSmallInteger {
            guard node.d == 1 else { return nil }
            heap.pushRoot(receiver)
            let argument = try operand(operands[Int(node.c)], frame)
            if argument.isSmallInteger, let result = try SpecialSelector.integer(node.a, receiver.smallInteger,
                                                                                 argument.smallInteger, self) {
                return SpecialSendResult(value: result)
            }
            heap.pushRoot(argument)
            return SpecialSendResult(value: try dispatch(n, node.a, base, 1))
        }
        guard let object = receiver else { return nil }
        let type = object.typeID
        if type == known.doubleTypeID && node.d == 1 && node.a <= SpecialSelector.lastDouble {
            heap.pushRoot(receiver)
            let argument = try operand(operands[Int(node.c)], frame)
            let y: Double? = argument.isSmallInteger ? Double(argument.smallInteger)
                : argument?.typeID == known.doubleTypeID ? double(argument!) : nil
            if let y, let result = try SpecialSelector.double(node.a, double(base[0]!), y, self) {
                return SpecialSendResult(value: result)
            }
            heap.pushRoot(argument)
            return SpecialSendResult(value: try dispatch(n, node.a, base, 1))
        }
        guard type == known.arrayTypeID else { return nil }
        if node.a == SpecialSelector.at && node.d == 1 {
            heap.pushRoot(receiver)
            let index = try operand(operands[Int(node.c)], frame)
            if index.isSmallInteger, UInt(bitPattern: index.smallInteger &- 1) < UInt(base[0].unsafelyUnwrapped.count) {
                return SpecialSendResult(value: base[0].unsafelyUnwrapped.loadItem(index.smallInteger &- 1))
            }
            heap.pushRoot(index)
            return SpecialSendResult(value: try dispatch(n, node.a, base, 1))
        }
        if node.a == SpecialSelector.atPut && node.d == 2 {
            heap.pushRoot(receiver)
            heap.pushRoot(try operand(operands[Int(node.c)], frame))
            heap.pushRoot(try operand(operands[Int(node.c) &+ 1], frame))
            let index = base[1]
            if index.isSmallInteger, UInt(bitPattern: index.smallInteger &- 1) < UInt(base[0].unsafelyUnwrapped.count) {
                heap.storeItem(base[2], into: base[0].unsafelyUnwrapped, at: index.smallInteger &- 1)
                return SpecialSendResult(value: base[2])
            }
            return SpecialSendResult(value: try dispatch(n, node.a, base, 2))
        }
        return nil
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
