// Typed wrappers over mmap and munmap.
//
// Arenas, the nursery, the shadow stack and very large objects take their
// memory straight from the kernel so that it can be given back: munmap on a
// wholly empty arena is what makes the resident set fall after a peak.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum VirtualMemory {
    /// The kernel's page size.
    static let pageSize: Int = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps `size` bytes of zeroed, private, read-write memory; nil if the kernel refuses.
    static func map(_ size: Int) -> UnsafeMutableRawPointer? {
        let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        if p == MAP_FAILED { return nil }
        return p
    }

    /// Maps `size` bytes whose start is a multiple of `alignment` (a power of two).
    static func mapAligned(_ size: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        if alignment <= pageSize { return map(size) }
        guard let raw = map(size + alignment) else { return nil }
        let start = UInt(bitPattern: raw)
        let aligned = (start + UInt(alignment) - 1) & ~(UInt(alignment) - 1)
        let head = Int(aligned - start)
        if head > 0 { munmap(raw, head) }
        let tail = alignment - head
        if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: aligned + UInt(size)), tail) }
        return UnsafeMutableRawPointer(bitPattern: aligned)
    }

    static func unmap(_ pointer: UnsafeMutableRawPointer, _ size: Int) {
        munmap(pointer, size)
    }

    static func roundUp(_ size: Int, to alignment: Int) -> Int {
        (size + alignment - 1) & ~(alignment - 1)
    }
}
