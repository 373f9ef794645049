// The errors TenureJIT reports to its embedder.
//
// A JIT must be able to fall back to its interpreter when code memory is
// refused, so the kernel saying no is an ordinary thrown error, not a trap.
// Misuse (a zero size, freeing a block twice, a block from another
// allocator) is thrown too, with what was wrong, and leaves the allocator's
// state exactly as it was before the call.

import Tenure

/// A request TenureJIT refused.
public enum JITError: Error, Equatable, CustomStringConvertible {
    /// The kernel refused executable memory (memfd_create, ftruncate, mmap or
    /// mprotect failed); the message names the size asked for and the errno.
    case executableMemoryUnavailable(String)
    /// An argument was out of range or named something not live in this
    /// allocator (a non-positive size, a double free, a foreign or stale block,
    /// a write past a block's end).
    case invalidArgument(String)
    /// The heap refused an allocation a loop or the host needed (e.g. the
    /// maximum heap size was reached); the heap is consistent and usable.
    case heap(HeapError)

    /// A one-line, human-readable account of the error.
    public var description: String {
        switch self {
        case let .executableMemoryUnavailable(message):
            return "executable memory unavailable: \(message)"
        case let .invalidArgument(message):
            return "invalid argument: \(message)"
        case let .heap(error):
            return "heap: \(error)"
        }
    }
}
