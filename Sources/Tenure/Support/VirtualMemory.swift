// Typed wrappers over mmap and munmap.
//
// Arenas, the nursery, the shadow stack and very large objects take their
// memory straight from the kernel so that it can be given back: munmap on a
// wholly empty arena is what makes the resident set fall after a peak. A
// refusal throws the call and its errno (ENOMEM under a tight RLIMIT_AS,
// EINVAL for a size no mapping can have), which `HeapError.outOfMemory`
// carries to the runtime.
import Glibc

/// A system call that failed: which one, and the errno it left.
struct SystemCallError: Error, Equatable {
    /// The call, as its name (`mmap`, `calloc`).
    var call: String
    /// The errno it set.
    var errno: Int32

    /// The errno of the calling thread, after `call` failed.
    static func last(_ call: String) -> SystemCallError {
        SystemCallError(call: call, errno: Glibc.errno)
    }
}

enum VirtualMemory {
    /// The kernel's page size.
    static let pageSize: Int = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps `size` bytes of zeroed, private, read-write memory.
    static func map(_ size: Int) throws(SystemCallError) -> UnsafeMutableRawPointer {
        let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let p, p != MAP_FAILED else { throw .last("mmap") }
        return p
    }

    /// Maps `size` bytes whose start is a multiple of `alignment` (a power of two).
    static func mapAligned(_ size: Int, alignment: Int) throws(SystemCallError) -> UnsafeMutableRawPointer {
        if alignment <= pageSize { return try map(size) }
        let raw = try map(size + alignment)
        let start = UInt(bitPattern: raw)
        let aligned = (start + UInt(alignment) - 1) & ~(UInt(alignment) - 1)
        let head = Int(aligned - start)
        if head > 0 { munmap(raw, head) }
        let tail = alignment - head
        if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: aligned + UInt(size)), tail) }
        return UnsafeMutableRawPointer(bitPattern: aligned)!
    }

    static func unmap(_ pointer: UnsafeMutableRawPointer, _ size: Int) {
        munmap(pointer, size)
    }

    static func roundUp(_ size: Int, to alignment: Int) -> Int {
        (size + alignment - 1) & ~(alignment - 1)
    }
}
