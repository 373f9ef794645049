// Activations: running a method or a block on the frame its caller pushed.
//
// The caller pushed the receiver (a block, for a block) and the arguments;
// the activation pushes nil for its locals and, when it creates blocks, a
// context (a heap array) holding its variables, which the blocks close over.
// A method's context carries an activation marker: a block's `^` unwinds to
// the method activation whose marker it finds in its home context, and a
// method clears its marker when it returns, so that a block outliving it
// sends `escapedBlock:` instead of returning to a method that is gone.
import Tenure

extension Universe {
    /// Runs method `m` on the frame at `base` (receiver, then `argumentCount` arguments).
    @inline(__always)
    func invoke(_ m: MethodID, _ base: UnsafeMutablePointer<ObjectRef?>, _ argumentCount: Int32) throws(Unwind) -> Value {
        let code = hot.pointee.methods[m]
        switch code.kind {
        case .returnField:
            return base[0].unsafelyUnwrapped.loadReference(at: 8 &+ 8 &* Int(code.operand))
        case .setField:
            heap.storeReference(base[1], into: base[0].unsafelyUnwrapped, at: 8 &+ 8 &* Int(code.operand))
            return base[0]
        case .returnSelf:
            return base[0]
        case .returnLiteral:
            return hot.pointee.literals[code.operand].pointee
        case .primitive:
            return try primitive(Primitive(rawValue: Int(code.primitive))!, base, argumentCount, m)
        case .nodes:
            return try activate(code, base)
        }
    }

    /// Runs a method made of nodes.
    func activate(_ code: MethodCode, _ base: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> Value {
        try checkStack()
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        var slot = code.argumentCount &+ 1
        while slot < code.slotCount {
            heap.pushRoot(nil)
            slot &+= 1
        }
        if code.contextSlot < 0 { return try runMethodBody(code.body, base, marker: -1) }
        let marker = hot.pointee.nextActivation
        hot.pointee.nextActivation &+= 1
        let context = try makeContext(size: code.contextSize, outer: nil, receiver: base[0], marker: marker)
        base[Int(code.contextSlot)] = context
        for i in 0..<Int(code.argumentCount) {
            heap.storeItem(base[1 + i], into: base[Int(code.contextSlot)]!, at: ContextLayout.variables + i)
        }
        defer {
            if let context = base[Int(code.contextSlot)] { context.storeNotReferenced(0, item: ContextLayout.marker) }
        }
        return try runMethodBody(code.body, base, marker: marker)
    }

    /// Evaluates a method's body until it returns: its value, a `^` from it or
    /// (`marker`: its context's activation marker, -1 without a context) from a
    /// block whose home it is; `restart` runs it again.
    @inline(__always)
    private func runMethodBody(_ body: Int32, _ base: UnsafeMutablePointer<ObjectRef?>, marker: Int) throws(Unwind) -> Value {
        while true {
            do throws(Unwind) {
                return try evaluate(body, base)
            } catch {
                switch error {
                case .methodReturn(let value): return value
                case .nonLocalReturn(let target, let value) where target == marker: return value
                case .restart: continue
                default: throw error
                }
            }
        }
    }

    func makeContext(size: Int32, outer: Value, receiver: Value, marker: Int) throws(Unwind) -> ObjectRef {
        let context: ObjectRef
        do {
            context = try heap.allocateArray(known.contextType!, count: ContextLayout.variables + Int(size),
                                             with: outer, receiver)
        } catch {
            throw .heap(error)
        }
        context.storeNotReferenced(marker, item: ContextLayout.marker)
        return context
    }

    /// A new block of code `id`, closing over the context of the activation at `frame`.
    func makeBlock(_ id: BlockCodeID, _ contextSlot: Int32, _ frame: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> Value {
        let code = hot.pointee.blocks[id]
        let type: ObjectType
        switch code.argumentCount {
        case 0: type = known.block1Type!
        case 1: type = known.block2Type!
        default: type = known.block3Type!
        }
        let block: ObjectRef
        do { block = try heap.allocate(type, with: frame[Int(contextSlot)]) } catch { throw .heap(error) }
        block.store(Int(id), at: BlockLayout.codeOffset)
        return block
    }

    /// Runs the block in `base[0]` with its arguments after it.
    func activateBlock(_ base: UnsafeMutablePointer<ObjectRef?>, _ argumentCount: Int32) throws(Unwind) -> Value {
        let block = base[0].unsafelyUnwrapped
        let code = hot.pointee.blocks[Int32(block.load(at: BlockLayout.codeOffset, as: Int.self))]
        guard code.argumentCount == argumentCount else {
            throw .fatal("a block of \(code.argumentCount) arguments was given \(argumentCount)")
        }
        try checkStack()
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let outer = block.loadReference(at: BlockLayout.contextOffset)
        heap.pushRoot(outer.unsafelyUnwrapped.loadItem(ContextLayout.receiver))   // self
        var slot = argumentCount &+ 2
        while slot < code.slotCount {
            heap.pushRoot(nil)
            slot &+= 1
        }
        if code.contextSlot >= 0 {
            let context = try makeContext(size: code.contextSize, outer: base[0]!.loadReference(at: BlockLayout.contextOffset),
                                          receiver: base[Int(argumentCount) + 1], marker: 0)
            base[Int(code.contextSlot)] = context
            for i in 0..<Int(argumentCount) {
                heap.storeItem(base[1 + i], into: base[Int(code.contextSlot)]!, at: ContextLayout.variables + i)
            }
        }
        return try evaluate(code.body, base)
    }

    /// Refuses a call that would run the machine stack or the heap's shadow stack out (a
    /// SOM program recursing without end gets an error, not a crash): two compares.
    @inline(__always)
    func checkStack() throws(Unwind) {
        var here: UInt8 = 0
        let address = withUnsafeMutablePointer(to: &here) { UInt(bitPattern: $0) }
        if _slowPath(address < hot.pointee.stackLimit || heap.rootMark.top > hot.pointee.rootLimit) {
            throw .fatal("SOM stack overflow: the program's calls nest deeper than the interpreter's stack allows")
        }
    }

    /// `^value` inside a block: unwind to the home method, or `escapedBlock:` when it has returned.
    func nonLocalReturn(_ node: Node, _ frame: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> Value {
        let value = try evaluate(node.a, frame)
        let home = context(node.b, -1, frame)
        let marker = home.loadNotReferenced(item: ContextLayout.marker)
        if marker != 0 { throw .nonLocalReturn(marker: marker, value: value) }
        // The home method has returned: tell the receiver (self of the block's frame).
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let slots = heap.pushRoot(home.loadItem(ContextLayout.receiver)).slot
        heap.pushRoot(frame[0])
        let selector = symbols.intern("escapedBlock:")
        guard let handler = lookup(classOf(slots[0]), selector) else {
            throw .fatal("a block escaped its method and \(describe(slots[0])) does not understand #escapedBlock:")
        }
        return try invoke(handler, slots, 1)
    }
}

extension ObjectRef {
    /// An integer kept in an item of a context (a tagged immediate, so the collector skips it).
    @inline(__always)
    func storeNotReferenced(_ n: Int, item: Int) {
        raw.storeBytes(of: UInt(bitPattern: n << 1 | 1), toByteOffset: ObjectLayout.arrayItemsOffset + 8 * item, as: UInt.self)
    }

    @inline(__always)
    func loadNotReferenced(item: Int) -> Int {
        Int(bitPattern: raw.load(fromByteOffset: ObjectLayout.arrayItemsOffset + 8 * item, as: UInt.self)) >> 1
    }
}
