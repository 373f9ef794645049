// The errors a runtime can catch from the heap.
//
// Running out of heap is an ordinary, recoverable event for a runtime (it
// raises its own MemoryError); misuse of the API is reported with what was
// wrong and what is accepted. In every case the heap is left consistent:
// nothing was half-allocated, and the next allocation may succeed once the
// runtime has dropped references.
import Glibc

/// An allocation or API call the heap refused.
public enum HeapError: Error, Equatable, CustomStringConvertible {
    /// The old generation would exceed `HeapConfiguration.maximumHeapSize`
    /// even after a major collection: `used` is what it holds, with the
    /// nursery's survivors as they would be promoted when those decided it.
    case heapLimitExceeded(requested: Int, used: Int, limit: Int)
    /// The kernel or malloc refused memory: `errno` is what the refused call
    /// left (ENOMEM, 12, when memory or the address space ran out), 0 when no
    /// call was refused (an internal table's limit).
    case outOfMemory(requested: Int, errno: Int32 = 0)
    /// Allocation from inside a collection (a destructor or a collection hook).
    case allocationDuringCollection
    /// An argument was out of range.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .heapLimitExceeded(requested, used, limit):
            return "heap limit exceeded: \(requested) more bytes requested with \(used) bytes live (the old generation, and the nursery's survivors when the allocation had to promote them); the maximum heap size is \(limit) bytes"
        case let .outOfMemory(requested, errno):
            let reason = errno == 0 ? "" : " (\(String(cString: strerror(errno))), errno \(errno))"
            return "out of memory: the system refused \(requested) bytes\(reason)"
        case .allocationDuringCollection:
            return "allocation during a collection: destructors and collection hooks must not allocate"
        case let .invalidArgument(message):
            return "invalid argument: \(message)"
        }
    }
}
