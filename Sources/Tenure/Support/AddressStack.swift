// A growable stack of raw addresses in malloc'd memory.
//
// The collector's work lists (remembered set, mark stack, young objects with
// destructors, weak references, arrays with dirty cards) are all stacks of
// object addresses. They live outside Swift's ARC world so that the loops
// that push and pop them compile to plain loads and stores, with no
// uniqueness checks or exclusivity checks on the way.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    mutating func removeAll() { count = 0 }

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

    @inline(never)
    private mutating func grow() {
        let newCapacity = Swift.max(256, capacity * 2)
        guard let grown = realloc(base, newCapacity * MemoryLayout<UInt>.stride) else {
            fatalError("Tenure: out of memory growing a collector work list to \(newCapacity) entries")
        }
        base = grown.assumingMemoryBound(to: UInt.self)
        capacity = newCapacity
    }

    /// Frees the buffer; the stack is empty and usable afterwards.
    mutating func release() {
        free(base)
        base = nil
        count = 0
        capacity = 0
    }
}
