// The shadow stack: where a runtime keeps the references its Swift code holds.
//
// The collector is precise and cannot read the machine stack, so a runtime
// keeps every reference that must survive an allocation in a slot of this
// stack and reads it back after the allocation (the object may have moved;
// the slot is updated). Slots are pushed and popped in LIFO order, inlined:
// a push is a store and a pointer bump. The stack is a reservation of
// address space; only the slots touched use memory.
//
// Scoped use: `heap.withRoots(2) { frame in ... }` or `heap.withRoot(x) { root in ... }`.
// Manual use: `let mark = heap.rootMark; heap.pushRoot(x) ...; heap.popRoots(to: mark)`.

/// One shadow-stack slot (or global root): the collector updates it when its object moves.
@frozen
public struct Root {
    /// The slot's address.
    public let slot: UnsafeMutablePointer<ObjectRef?>

    @inlinable @inline(__always)
    init(slot: UnsafeMutablePointer<ObjectRef?>) { self.slot = slot }

    /// The reference held in the slot; no barrier is needed to set it.
    @inlinable @inline(__always)
    public var value: ObjectRef? {
        get { slot.pointee }
        nonmutating set { slot.pointee = newValue }
    }

    /// The reference held in the slot, which must not be nil (a nil slot stops the process).
    @inlinable @inline(__always)
    public var object: ObjectRef {
        guard let object = slot.pointee else { rootHoldsNil("Root.object") }
        return object
    }
}

/// A run of consecutive shadow-stack slots pushed by `Heap.withRoots`.
@frozen
public struct RootFrame {
    public let base: UnsafeMutablePointer<ObjectRef?>
    public let count: Int

    @inlinable @inline(__always)
    init(base: UnsafeMutablePointer<ObjectRef?>, count: Int) {
        self.base = base
        self.count = count
    }

    /// Slot `index` of the frame.
    @inlinable @inline(__always)
    public subscript(index: Int) -> ObjectRef? {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }

    /// Slot `index` as a `Root`.
    @inlinable @inline(__always)
    public func root(_ index: Int) -> Root { Root(slot: base + index) }
}

/// A position of the shadow stack, to pop back to.
@frozen
public struct RootMark: Equatable {
    public let top: UnsafeMutablePointer<ObjectRef?>

    @inlinable @inline(__always)
    init(top: UnsafeMutablePointer<ObjectRef?>) { self.top = top }
}

extension Heap {
    /// Pushes `value` on the shadow stack and returns its slot.
    @inlinable @inline(__always)
    @discardableResult
    public func pushRoot(_ value: ObjectRef?) -> Root {
        let top = fast.pointee.shadowTop
        if _slowPath(top == fast.pointee.shadowLimit) { shadowStackOverflow() }
        top.initialize(to: value)
        fast.pointee.shadowTop = top + 1
        return Root(slot: top)
    }

    /// Pops the last `count` slots.
    @inlinable @inline(__always)
    public func popRoots(_ count: Int = 1) {
        let top = fast.pointee.shadowTop
        // One unsigned compare refuses both a negative count and popping below the base.
        if _slowPath(UInt(bitPattern: count) > UInt(top - fast.pointee.shadowBase)) {
            shadowStackUnderflow(count)
        }
        fast.pointee.shadowTop = top - count
    }

    /// The current top of the shadow stack.
    @inlinable @inline(__always)
    public var rootMark: RootMark { RootMark(top: fast.pointee.shadowTop) }

    /// Pops every slot pushed since `mark` was taken.
    @inlinable @inline(__always)
    public func popRoots(to mark: RootMark) {
        if _slowPath(mark.top > fast.pointee.shadowTop || mark.top < fast.pointee.shadowBase) { shadowStackBadMark(mark) }
        fast.pointee.shadowTop = mark.top
    }

    /// Runs `body` with `count` fresh slots (nil), popped when it returns or throws.
    @inlinable @inline(__always)
    public func withRoots<R, E: Error>(_ count: Int, _ body: (RootFrame) throws(E) -> R) throws(E) -> R {
        let base = fast.pointee.shadowTop
        if _slowPath(fast.pointee.shadowLimit - base < count) { shadowStackOverflow() }
        base.initialize(repeating: nil, count: count)
        fast.pointee.shadowTop = base + count
        defer { fast.pointee.shadowTop = base }
        return try body(RootFrame(base: base, count: count))
    }

    /// Runs `body` with `value` held in a slot, popped when it returns or throws.
    @inlinable @inline(__always)
    public func withRoot<R, E: Error>(_ value: ObjectRef?, _ body: (Root) throws(E) -> R) throws(E) -> R {
        let root = pushRoot(value)
        defer { fast.pointee.shadowTop = root.slot }
        return try body(root)
    }

    /// Number of slots in use on the shadow stack.
    public var rootDepth: Int { fast.pointee.shadowTop - state.pointee.shadowBase }

    @usableFromInline @inline(never)
    func shadowStackOverflow() -> Never {
        tenureStop("shadow stack overflow: all \(configuration.shadowStackCapacity) slots are in use; raise HeapConfiguration.shadowStackCapacity or pop roots")
    }

    @usableFromInline @inline(never)
    func shadowStackBadMark(_ mark: RootMark) -> Never {
        tenureStop("popRoots(to:) with a mark at depth \(mark.top - fast.pointee.shadowBase) and \(rootDepth) slots pushed; accepted: a mark taken at this depth or below (popped past it already?)")
    }

    @usableFromInline @inline(never)
    func shadowStackUnderflow(_ count: Int) -> Never {
        tenureStop("cannot pop \(count) shadow-stack slots with \(rootDepth) pushed; accepted: 0 to \(rootDepth)")
    }
}

@usableFromInline @inline(never)
func rootHoldsNil(_ call: String) -> Never {
    tenureStop("\(call) read a root that holds nil; accepted: `value` for a root that may be nil")
}
