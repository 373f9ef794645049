// A growable buffer of plain values in malloc'd memory.
//
// The collector's type table, the SOM interpreter's tables and the JIT's kept
// loop tokens are read on hot paths: reading an element must be one load from
// a base pointer, with no reference counting, no exclusivity check and no
// bounds check beyond what the caller already knows. Swift's Array gives
// none of that inside a class or a pointer-held struct, so these tables are
// raw memory grown by doubling; this is the one implementation of it.
//
// The buffer is a value owning memory: copies share the memory, and exactly
// one of them calls `release()`. Growth moves the elements, so a base
// pointer read before an `append` is stale after it.

/// A buffer of `Element`s that grows by doubling; the caller releases it.
@frozen
public struct GrowableBuffer<Element> {
    /// The first element; valid until the next `append` that grows the buffer.
    public private(set) var base: UnsafeMutablePointer<Element>
    /// How many elements are initialized, from `base`.
    public private(set) var count = 0
    /// How many elements fit before the next growth (at least 1).
    public private(set) var capacity: Int

    /// An empty buffer with room for `capacity` elements (at least 1).
    public init(capacity: Int = 64) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    /// Appends `element` and returns its index.
    @discardableResult
    public mutating func append(_ element: Element) -> Int {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
        return count - 1
    }

    /// Appends `filler` until the buffer holds `newCount` elements.
    public mutating func extend(to newCount: Int, with filler: Element) {
        while count < newCount { append(filler) }
    }

    /// Keeps the first `newCount` elements and deinitializes the rest.
    public mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count,
                     "GrowableBuffer.truncate: \(newCount) is outside 0...\(count)")
        (base + newCount).deinitialize(count: count - newCount)
        count = newCount
    }

    /// The element at `index`, which must be below `count`.
    @inlinable
    public subscript(index: Int) -> Element {
        @inline(__always) get { base[index] }
        @inline(__always) nonmutating set { let first = base; first[index] = newValue }
    }

    /// Deinitializes the elements and frees the memory; the buffer is unusable after.
    public func release() {
        base.deinitialize(count: count)
        base.deallocate()
    }

    private mutating func grow() {
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        grown.moveInitialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity *= 2
    }
}
