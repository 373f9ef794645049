// The nursery: one contiguous region where young objects are bump-allocated.
//
// Allocation bumps `HeapFastState.nurseryFree` towards `nurseryTop`; a minor
// collection copies the survivors out and resets the region. The fast path
// stores only a header, so every other word of a new object must already be
// zero. Zeroing the whole used nursery at the end of a minor collection would
// stream megabytes through the cache and leave them cold by the time they are
// allocated. Instead the fast path's limit is the end of the zeroed part;
// when allocation reaches it, the slow path zeroes the next chunk (64 KiB,
// which stays in the cache) and moves the limit. Memory past the high-water
// mark of the last cycle was never written and is not zeroed again.
//
// The region is reserved at the largest size the nursery may grow to
// (`capacity`) and used up to `size`, which the nursery sizing changes
// between minor collections (NurserySizing.swift): reserved pages cost
// nothing until written, and a shrink gives the pages past the new end back
// to the kernel. "Is this object young?" tests the whole reservation, so it
// does not change when the size does.
//
// In checked mode every allocation takes the slow path, which zeroes just its
// object, and the emptied nursery is filled with `poison` instead: a stale
// reference into it reads a non-canonical address and a header no type has,
// so its first use faults or is refused with a message.
#if canImport(Glibc)
import Glibc
#endif

struct Nursery {
    /// The region: `start ..< start + capacity`, mapped once for the heap's life.
    let start: UnsafeMutableRawPointer
    /// Bytes reserved, a multiple of 8: the most `size` can become.
    let capacity: Int
    /// Bytes in use, a multiple of 8, at most `capacity`: allocation stops at
    /// `start + size`. Changed only while the nursery is empty (`resize`).
    private(set) var size: Int
    /// Zero from `HeapFastState.nurseryFree` up to here.
    /// Invariant: `nurseryFree <= zeroedEnd <= end`; the fast path's limit
    /// `nurseryTop` is either `zeroedEnd` (open) or `nurseryFree` (closed).
    private(set) var zeroedEnd: UnsafeMutableRawPointer
    /// Bytes at or past here were not written since the last reset (they are zero, or poison
    /// in checked mode); `start` when the whole region is clean.
    private(set) var dirtyEnd: UnsafeMutableRawPointer
    /// Checked mode: fill the emptied nursery with `poison`.
    let poisons: Bool

    static let zeroingChunk = 64 << 10
    /// What a poisoned word holds: a non-canonical address, a type id no heap registers,
    /// and barrier flags set (a store into a stale object takes the slow path).
    static let poison: UInt64 = 0xEBEB_EBEB_EBEB_EBEB

    /// Maps a nursery of `size` bytes that may grow to `capacity` (both rounded up to 8).
    init(size requested: Int, capacity requestedCapacity: Int, poisons: Bool) throws(SystemCallError) {
        size = VirtualMemory.roundUp(requested, to: 8)
        capacity = max(size, VirtualMemory.roundUp(requestedCapacity, to: 8))
        let region = try VirtualMemory.map(VirtualMemory.roundUp(capacity, to: VirtualMemory.pageSize))
        start = region
        zeroedEnd = region + size
        dirtyEnd = region
        self.poisons = poisons
        if poisons { fillWithPoison(region, size) }
    }

    var end: UnsafeMutableRawPointer { start + size }

    func release() {
        VirtualMemory.unmap(start, VirtualMemory.roundUp(capacity, to: VirtualMemory.pageSize))
    }

    /// Changes the size of the empty nursery to `newSize` (a multiple of 8 within
    /// the capacity). Shrinking gives the written pages past the new end back to
    /// the kernel; they read as zero afterwards, as never-written memory does.
    mutating func resize(to newSize: Int) {
        precondition(newSize % 8 == 0 && newSize >= 8 && newSize <= capacity,
                     "Nursery.resize: \(newSize) is not a multiple of 8 within 8...\(capacity)")
        if newSize < size {
            let keep = VirtualMemory.roundUp(newSize, to: VirtualMemory.pageSize)
            let used = VirtualMemory.roundUp(size, to: VirtualMemory.pageSize)
            if used > keep, VirtualMemory.discard(start + keep, used - keep) {
                dirtyEnd = min(dirtyEnd, start + keep)
            }
        }
        // Checked mode: memory exposed by growing was never allocated in since it was
        // given back or mapped, so no stale reference points into it; it stays zero.
        size = newSize
        zeroedEnd = start
    }

    /// Empties the nursery after a minor collection (whose survivors are copied out);
    /// `used` is where allocation had reached.
    mutating func reset(used: UnsafeMutableRawPointer) {
        if poisons {
            fillWithPoison(start, used - start)
            zeroedEnd = start
            return
        }
        dirtyEnd = max(dirtyEnd, used)
        zeroedEnd = start
    }

    /// Makes the nursery zero from `free` up to at least `end` (within the
    /// nursery), a chunk at a time. Not used in checked mode.
    mutating func zero(from free: UnsafeMutableRawPointer, through end: UnsafeMutableRawPointer) {
        guard end > zeroedEnd || zeroedEnd == free else { return }
        var target = min(self.end, max(zeroedEnd, free) + Nursery.zeroingChunk)
        if target < end { target = min(self.end, end + Nursery.zeroingChunk) }
        let from = max(zeroedEnd, free)
        let dirtyPart = min(target, dirtyEnd)
        if dirtyPart > from { memset(from, 0, dirtyPart - from) }
        if target >= dirtyEnd { dirtyEnd = start }
        zeroedEnd = target
    }

    /// Checked mode: zeroes one object's bytes at `object` (the rest stays poisoned).
    func zeroObject(_ object: UnsafeMutableRawPointer, size: Int) {
        memset(object, 0, size)
    }

    /// Whether `address` is in the poisoned (emptied, not yet reused) part of the nursery.
    func isPoisoned(_ address: UnsafeRawPointer, free: UnsafeMutableRawPointer) -> Bool {
        poisons && address >= UnsafeRawPointer(free) && address < UnsafeRawPointer(end)
    }

    private func fillWithPoison(_ from: UnsafeMutableRawPointer, _ bytes: Int) {
        from.initializeMemory(as: UInt64.self, repeating: Nursery.poison, count: bytes / 8)
    }
}
