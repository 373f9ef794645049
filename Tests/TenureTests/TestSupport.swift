// Shared pieces of the test suite: configurations (the seeded generator is
// SeededRandom.SplitMix64), a destructor log, readers of the memory figures.
//
// Every test builds its own heap; nothing here is global mutable state, so
// tests can run in parallel in one process (Swift Testing's default).
import Testing
import SeededRandom
@_spi(System) @testable import Tenure
#if canImport(Glibc)
import Glibc
#endif

enum Configs {
    /// A nursery of 64 KiB with the verifier around major collections.
    static var small: HeapConfiguration {
        var c = HeapConfiguration()
        c.nurserySize = 64 << 10
        c.youngLargeObjectLimit = 4 << 10
        c.cardSize = 16
        c.minimumHeapSize = 256 << 10
        c.debugLevel = 1
        c.shadowStackCapacity = 1 << 16
        return c
    }

    /// The smallest nursery that validates: about one minor collection per allocation.
    static func everyAllocation(youngLargeObjectLimit: Int = 64) -> HeapConfiguration {
        var c = HeapConfiguration()
        c.nurserySize = 64
        c.youngLargeObjectLimit = youngLargeObjectLimit
        c.pageSize = 256
        c.arenaSize = VirtualMemory.pageSize
        c.smallObjectLimit = 16 * ((256 - OldSpace.pageHeaderSize) / 32)
        c.cardSize = 2
        c.minimumHeapSize = 2048
        c.debugLevel = 2
        c.shadowStackCapacity = 1 << 12
        return c
    }

    /// The three configurations most tests run under.
    static let all: [(String, HeapConfiguration)] = [
        ("default", HeapConfiguration()), ("small", small), ("stress", .stress),
    ]
}

/// Counts destructor calls by the id a test stamped into the object.
final class DestructorLog {
    var counts: [UInt64: Int] = [:]
    var calls = 0
    func record(_ id: UInt64) {
        counts[id, default: 0] += 1
        calls += 1
    }
    func count(_ id: UInt64) -> Int { counts[id] ?? 0 }
}

/// Types most unit tests use. `Node`: 2 references then 2 raw words (id, payload).
struct CommonTypes {
    let node: ObjectType
    let leaf: ObjectType
    let references: ArrayType
    let bytes: ArrayType
    let words: ArrayType

    static let nodeLeft = ObjectLayout.fieldOffset(0)
    static let nodeRight = ObjectLayout.fieldOffset(1)
    static let nodeID = ObjectLayout.fieldOffset(2)
    static let nodePayload = ObjectLayout.fieldOffset(3)
    static let leafID = ObjectLayout.fieldOffset(0)

    init(_ heap: Heap) throws {
        node = try heap.register(.object("Node", references: 2, words: 2))
        leaf = try heap.register(.object("Leaf", references: 0, words: 1))
        references = try heap.registerArray(.array("References", of: .references))
        bytes = try heap.registerArray(.array("Bytes", of: .raw(itemSize: 1)))
        words = try heap.registerArray(.array("Words", of: .raw(itemSize: 8)))
    }
}

extension Heap {
    /// A Node stamped with `id`, fields nil.
    func node(_ types: CommonTypes, id: Int) throws(HeapError) -> ObjectRef {
        let n = try allocate(types.node)
        n.store(id, at: CommonTypes.nodeID)
        return n
    }
}

extension ObjectRef {
    var nodeID: Int { load(at: CommonTypes.nodeID, as: Int.self) }
}

/// Whether the tests run under AddressSanitizer (its allocator keeps freed
/// memory in a quarantine, so the resident set grows with every free and
/// cannot fall after a peak: tests that measure it skip themselves).
enum Sanitizers {
    static let address: Bool = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil
}

/// The process's memory, from /proc/self.
enum ProcessMemory {
    /// Resident set size in bytes (second field of /proc/self/statm, in pages).
    static func residentBytes() -> Int { statm(field: 1) }

    /// Mapped address space in bytes (first field of /proc/self/statm, in pages).
    static func virtualBytes() -> Int { statm(field: 0) }

    private static func statm(field: Int) -> Int {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 255) }
        guard n > 0 else { return 0 }
        let fields = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: " ")
        guard fields.count > field, let pages = Int(fields[field]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
