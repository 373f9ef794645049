// Typed wrappers over mmap, munmap and mprotect: the one place Tenure and
// TenureJIT ask the kernel for memory.
//
// Arenas, the nursery, the shadow stack and very large objects take their
// memory straight from the kernel so that it can be given back: munmap on a
// wholly empty arena is what makes the resident set fall after a peak; the
// JIT's code memory is mapped here too (shared views of a memfd, or private
// pages whose protection flips). A refusal throws the call and its errno
// (ENOMEM under a tight RLIMIT_AS, EINVAL for a size no mapping can have),
// which `HeapError.outOfMemory` and the JIT's errors carry to the runtime.
// `@_spi(System)`: TenureJIT's use, not a runtime's.
import Glibc

/// A system call that failed: which one, and the errno it left.
@_spi(System)
public struct SystemCallError: Error, Equatable, CustomStringConvertible {
    /// The call, as its name (`mmap`, `calloc`), with its flags when they tell calls apart.
    public var call: String
    /// The errno it set.
    public var errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// The errno of the calling thread, after `call` failed.
    public static func last(_ call: String) -> SystemCallError {
        SystemCallError(call: call, errno: Glibc.errno)
    }

    /// "mmap failed with errno 12 (Cannot allocate memory)".
    public var description: String {
        "\(call) failed with errno \(errno) (\(String(cString: strerror(errno))))"
    }
}

@_spi(System)
public enum VirtualMemory {
    /// The kernel's page size.
    public static let pageSize: Int = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps `size` bytes of zeroed, private, read-write memory.
    public static func map(_ size: Int) throws(SystemCallError) -> UnsafeMutableRawPointer {
        let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let p, p != MAP_FAILED else { throw .last("mmap") }
        return p
    }

    /// Maps `size` bytes of the file `fd` shared, with `protection` (PROT_*).
    public static func mapShared(_ size: Int, file fd: Int32, protection: Int32, call: String) throws(SystemCallError) -> UnsafeMutableRawPointer {
        let p = mmap(nil, size, protection, MAP_SHARED, fd, 0)
        guard let p, p != MAP_FAILED else { throw .last(call) }
        return p
    }

    /// Changes the protection (PROT_*) of `size` bytes at `pointer`.
    public static func protect(_ pointer: UnsafeMutableRawPointer, _ size: Int, _ protection: Int32, call: String = "mprotect") throws(SystemCallError) {
        guard mprotect(pointer, size, protection) == 0 else { throw .last(call) }
    }

    /// Maps `size` bytes whose start is a multiple of `alignment` (a power of two).
    public static func mapAligned(_ size: Int, alignment: Int) throws(SystemCallError) -> UnsafeMutableRawPointer {
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

    /// Gives the memory of `size` bytes at `pointer` (whole pages) back to the
    /// kernel, keeping the mapping: the pages read as zero and are faulted in
    /// again on their next use. Returns false when the kernel refused (the
    /// memory then stays resident and keeps its contents).
    @discardableResult
    public static func discard(_ pointer: UnsafeMutableRawPointer, _ size: Int) -> Bool {
        madvise(pointer, size, MADV_DONTNEED) == 0
    }

    public static func unmap(_ pointer: UnsafeMutableRawPointer, _ size: Int) {
        munmap(pointer, size)
    }

    /// `size` rounded up to a multiple of `alignment` (a power of two).
    public static func roundUp(_ size: Int, to alignment: Int) -> Int {
        (size + alignment - 1) & ~(alignment - 1)
    }
}
