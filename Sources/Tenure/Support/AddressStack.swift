// A growable stack of raw addresses in malloc'd memory.
//
// The collector's work lists (remembered set, mark stack, young objects with
// destructors, weak references, arrays with dirty cards) are all stacks of
// object addresses. They live outside Swift's ARC world so that the loops
// that push and pop them compile to plain loads and stores, with no
// uniqueness checks or exclusivity checks on the way.
//
// Growing a stack inside a collection cannot fail half-way: a refused
// realloc is retried after the emergency reserve is released
// (MemoryReserve.swift), and only a second refusal stops the process. Pushes
// made for an allocation (`pushOrThrow`) throw `outOfMemory` instead.
import Glibc

struct AddressStack {
    private(set) var base: UnsafeMutablePointer<UInt>?
    private(set) var count: Int = 0
    private var capacity: Int = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    mutating func push(_ address: UInt) {
        if _slowPath(count == capacity) { grow() }
        base.unsafelyUnwrapped[count] = address
        count += 1
    }

    @inline(__always)
    mutating func push(_ object: ObjectRef) { push(object.address) }

    @inline(__always)
    mutating func pop() -> UInt? {
        if count == 0 { return nil }
        count -= 1
        return base.unsafelyUnwrapped[count]
    }

    @inline(__always)
    mutating func popObject() -> ObjectRef? {
        guard let address = pop() else { return nil }
        return ObjectRef(address: address)
    }

    subscript(index: Int) -> UInt {
        get { base.unsafelyUnwrapped[index] }
        nonmutating set { base.unsafelyUnwrapped[index] = newValue }
    }

    /// Pushes for an allocation: throws `outOfMemory` rather than stopping when
    /// the list cannot grow.
    @inline(__always)
    mutating func pushOrThrow(_ object: ObjectRef) throws(HeapError) {
        if _slowPath(count == capacity) {
            guard reallocate(to: Swift.max(256, capacity * 2)) else {
                throw .outOfMemory(requested: capacity * 2 * MemoryLayout<UInt>.stride)
            }
        }
        push(object.address)
    }

    /// Keeps only the entries for which `keep` returns a replacement address.
    mutating func compact(_ keep: (UInt) -> UInt?) {
        var kept = 0
        for i in 0..<count {
            if let replacement = keep(base.unsafelyUnwrapped[i]) {
                base.unsafelyUnwrapped[kept] = replacement
                kept += 1
            }
        }
        count = kept
    }

    /// Moves the entries for which `keep` holds to the front (in their order);
    /// returns how many there are. The others follow, in no particular order.
    mutating func partition(keep: (UInt) -> Bool) -> Int {
        var kept = 0
        for i in 0..<count {
            let entry = base.unsafelyUnwrapped[i]
            if keep(entry) {
                base.unsafelyUnwrapped[i] = base.unsafelyUnwrapped[kept]
                base.unsafelyUnwrapped[kept] = entry
                kept += 1
            }
        }
        return kept
    }

    /// Drops every entry from `newCount` on.
    mutating func truncate(to newCount: Int) {
        count = Swift.min(count, Swift.max(0, newCount))
    }

    @inline(never)
    private mutating func grow() {
        let newCapacity = Swift.max(256, capacity * 2)
        guard MemoryReserve.retrying({ reallocate(to: newCapacity) ? true : nil }) != nil else {
            tenureStop("out of memory: the system refused \(newCapacity * MemoryLayout<UInt>.stride) bytes to grow a collector work list from \(count) to \(newCapacity) entries, and the emergency reserve is already spent")
        }
    }

    /// Grows the buffer to `newCapacity` entries; false (and unchanged) when refused.
    private mutating func reallocate(to newCapacity: Int) -> Bool {
        guard let grown = realloc(base, newCapacity * MemoryLayout<UInt>.stride) else { return false }
        base = grown.assumingMemoryBound(to: UInt.self)
        capacity = newCapacity
        return true
    }

    /// Frees the buffer; the stack is empty and usable afterwards.
    mutating func release() {
        free(base)
        base = nil
        count = 0
        capacity = 0
    }
}
