// The baseline allocator for Tenure's allocation fast path: a bump arena.
//
// It is built the way Tenure's nursery is (hot state in a `@frozen` struct
// behind an `UnsafeMutablePointer`, an inlined fast path, an out-of-line
// refill), so that the difference between the two is what Tenure does on
// top of a bump: its limit check against a collection, its minor collections
// and the zeroing of the nursery. When the arena's region is full it starts
// again at the beginning (the objects are garbage by then in every loop that
// uses it), optionally zeroing the region first as Tenure's nursery is.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hot state of a `BumpArena`.
@frozen
public struct BumpArenaState {
    /// Next free byte.
    public var free: UnsafeMutableRawPointer
    /// End of the region.
    public var top: UnsafeMutableRawPointer
}

/// A bump allocator over one region that is reused from its start when full.
public final class BumpArena {
    /// The inlined fast path's state.
    @usableFromInline let state: UnsafeMutablePointer<BumpArenaState>
    /// Start and size of the region.
    @usableFromInline let start: UnsafeMutableRawPointer
    @usableFromInline let size: Int
    /// Whether a refill zeroes the part of the region that was used (as a nursery is).
    public let zeroesOnRefill: Bool
    /// Number of times the region was started again.
    public private(set) var refills = 0

    /// Creates an arena over a fresh region of `size` bytes (default: Tenure's default nursery size).
    public init(size: Int = 4 << 20, zeroesOnRefill: Bool = false) {
        self.size = size
        self.zeroesOnRefill = zeroesOnRefill
        let region = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let region, region != MAP_FAILED else { fatalError("BumpArena: mmap of \(size) bytes failed") }
        start = region
        // Touch every page now, as a nursery in use has been.
        memset(region, 0, size)
        state = .allocate(capacity: 1)
        state.initialize(to: BumpArenaState(free: region, top: region + size))
    }

    deinit {
        munmap(start, size)
        state.deallocate()
    }

    /// Allocates `size` bytes (a multiple of 8) and stores `header` in the first word.
    @inlinable @inline(__always)
    public func allocate(_ size: Int, header: UInt64) -> UnsafeMutableRawPointer {
        let free = state.pointee.free
        let next = free + size
        if _fastPath(next <= state.pointee.top) {
            state.pointee.free = next
            free.storeBytes(of: header, as: UInt64.self)
            return free
        }
        return refill(size, header: header)
    }

    /// Bytes in use since the last refill.
    public var used: Int { state.pointee.free - start }

    /// Starts the region again (zeroing what was used if asked) and allocates from it.
    @usableFromInline @inline(never)
    func refill(_ size: Int, header: UInt64) -> UnsafeMutableRawPointer {
        precondition(size <= self.size, "BumpArena: \(size) bytes do not fit in a \(self.size)-byte region")
        if zeroesOnRefill { memset(start, 0, state.pointee.free - start) }
        refills += 1
        state.pointee.free = start + size
        start.storeBytes(of: header, as: UInt64.self)
        return start
    }

    /// Forgets every object: the next allocation starts at the beginning of the region.
    public func reset() {
        if zeroesOnRefill { memset(start, 0, state.pointee.free - start) }
        state.pointee.free = start
    }
}
