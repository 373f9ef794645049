// Handle keys: how a type handle knows its heap without costing a register.
//
// Type ids are per heap, so a handle must work only on the heap that
// registered it. Comparing a handle's heap pointer with the heap's own cost
// the allocation loop a register: with four live words of handle, the
// benchmark's loop kept two of them on the stack and reloaded them at every
// allocation (0.98-1.08 ns per object against 0.86-0.92 without the check).
//
// Instead each live heap holds a key, a number in bits 48-62 that no other
// live heap holds; a handle stores its size with its heap's key in the high
// bits, and the heap keeps its limit with the key added (`keyedTop`). The
// fast path computes `keyedTop - (free + handle word)`: with the handle's own
// heap the keys cancel and what is left is the room in the nursery (below
// 2^47; negative, so a huge unsigned number, when the object does not fit);
// with any other heap the keys differ by 2^48 or more and the difference is
// out of that range either way. So the one compare that checks for room also
// refuses the handle, with no load or register more than the check for room
// (an earlier version loaded the key and XORed it in: 0.93 ns per allocation
// against 0.85-0.87 without any check), and the slow path names the handle.
// Array handles keep the load-and-XOR: their fast path already compares the
// item count with a bound, and the XOR folds into that compare, while the
// keyed limit cost an array loop 1.37-1.43 ns per allocation against
// 1.28-1.36 (three variants tried, one core, alternated: the extra OR and
// subtraction pushed the count bound and the fast-state pointer out of
// registers).
// Keys come from a pool
// shared by all heaps and go back to it when a heap is released; at most
// 32767 heaps can be alive at once (a 32768th `Heap()` throws).
import Synchronization

enum HandleKeys {
    /// The lowest key bit: keys are multiples of this, below 2^63.
    static let unit: UInt = 1 << 48
    /// Keys that can be alive at once (key values 1...capacity, times `unit`).
    static let capacity = 32767

    /// Which keys live heaps hold, and where the search for a free one goes on.
    /// Keys are handed out in turn, not reused at once: a handle of a released
    /// heap then keeps failing on the heaps made after it, until 32767 more
    /// heaps have been made.
    private struct Pool {
        var alive = [UInt64](repeating: 0, count: (capacity + 64) / 64)
        var next = 1
        var count = 0

        mutating func acquire() -> UInt? {
            guard count < capacity else { return nil }
            while alive[next / 64] & (1 << UInt64(next % 64)) != 0 { next = next % capacity + 1 }
            alive[next / 64] |= 1 << UInt64(next % 64)
            count += 1
            defer { next = next % capacity + 1 }
            return UInt(next) &* unit
        }

        mutating func release(_ serial: Int) {
            alive[serial / 64] &= ~(1 << UInt64(serial % 64))
            count -= 1
        }
    }

    private static let pool = Mutex(Pool())

    /// A key no live heap holds, or nil when `capacity` heaps are alive.
    static func acquire() -> UInt? { pool.withLock { $0.acquire() } }

    /// Gives back the key of a released heap.
    static func release(_ key: UInt) { pool.withLock { $0.release(Int(key / unit)) } }

    /// Whether `word ^ key` has no key bits left: the handle word was made with `key`.
    static func matches(_ word: UInt, _ key: UInt) -> Bool { (word ^ key) < unit }
}
