// SOM values: what a variable, a field or an array item holds.
//
// A value is one word, stored exactly where a reference goes (`ObjectRef?`):
// - nil is the null word, so a new object's fields (zeroed by the nursery)
//   are SOM nil without a store, and `nil class` finds Nil through one test;
// - small integers are immediate: `n << 1 | 1`. Tenure leaves every word with
//   a low tag bit alone, so loop counters, indices and most arithmetic never
//   allocate (Integer objects on the heap for every `i + 1` would put most of
//   the benchmarks' time into minor collections);
// - everything else is a reference to a heap object whose type id names its
//   SOM class (Universe.classOf).
// Integers outside the 62-bit immediate range are LargeInteger objects.
import Tenure

typealias Value = ObjectRef?

enum SmallInteger {
    /// The immediate range: what `n << 1` keeps exactly.
    static let minimum = Int.min >> 1
    static let maximum = Int.max >> 1

    @inline(__always)
    static func fits(_ n: Int) -> Bool { n >= minimum && n <= maximum }

    /// The immediate word of `n`, which must fit.
    @inline(__always)
    static func make(_ n: Int) -> ObjectRef {
        ObjectRef(UnsafeMutableRawPointer(bitPattern: UInt(bitPattern: n &<< 1) | 1).unsafelyUnwrapped)
    }
}

extension Optional where Wrapped == ObjectRef {
    /// Whether this value is an immediate small integer.
    @inline(__always)
    var isSmallInteger: Bool {
        guard let word = self else { return false }
        return word.address & 1 != 0
    }

    /// The small integer's value (the value must be one).
    @inline(__always)
    var smallInteger: Int { Int(bitPattern: self.unsafelyUnwrapped.address) &>> 1 }

    /// The value as a heap object, when it is one (not nil, not an immediate).
    @inline(__always)
    var object: ObjectRef? {
        guard let word = self, word.address & ObjectLayout.immediateTagMask == 0 else { return nil }
        return word
    }
}
