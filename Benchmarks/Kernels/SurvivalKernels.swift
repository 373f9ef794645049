// The loops behind the minor-collection figures: a nursery's worth of
// objects at a time, of which a chosen share stays reachable.
//
// Every loop allocates `count` 24-byte objects (a header and two references)
// and keeps every k-th of them in a slot of a ring of `ringCount` slots
// (overwriting, and so dropping, the one stored `ringCount` keeps earlier);
// the others are dropped at once. With the ring sized to the nursery's
// capacity divided by k, the objects reachable when the nursery fills are
// the ones kept since the last minor collection: 1/k of the nursery survives
// it (k = 0: none). Survivors die one nursery later, in the old generation,
// where major collections (paced as usual) reclaim them.
//
// The baselines run the same pattern: malloc (a dropped object is freed at
// once, a kept one when its slot is overwritten), Swift `final class`
// instances (released the same way by ARC), and two bump arenas of the
// nursery's size used in turn, each reset in one step when allocation comes
// back to it: by then every object in it has been dropped, because its ring
// slots were all overwritten while the other arena filled. That is the lower
// bound: nothing is copied and nothing is freed one by one.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tenure

/// The survival loops, one per memory manager.
public enum SurvivalKernels {
    /// Objects of `AllocationKernels.objectSize` bytes a nursery of `nurseryBytes` holds.
    public static func nurseryCapacity(nurseryBytes: Int) -> Int { nurseryBytes / AllocationKernels.objectSize }

    /// Ring slots for keeping every `keepEvery`-th object of a nursery's worth (0: keep none; at least 1 slot).
    public static func ringCount(nurseryBytes: Int, keepEvery: Int) -> Int {
        keepEvery == 0 ? 1 : max(1, nurseryCapacity(nurseryBytes: nurseryBytes) / keepEvery)
    }

    /// A rooted Tenure array of `count` reference slots, promoted. Above 256
    /// bytes (30 slots) an old array lives in the large-object space with a
    /// card table, as a runtime's big long-lived array would: every store of
    /// a reference into it marks a card in the barrier's out-of-line path.
    public static func makeRing(heap: Heap, count: Int) -> Root {
        do {
            let type = try heap.registerArray(.array("SurvivorRing", of: .references))
            let ring = heap.pushRoot(try heap.allocateArray(type, count: count))
            heap.collectMinor()
            return ring
        } catch {
            fatalError("cannot create the survivor ring: \(error)")
        }
    }

    /// Tenure: allocates `count` objects, storing every `keepEvery`-th into `ring`
    /// (through the write barrier) at `position`, which advances and wraps.
    @inline(never)
    public static func tenure(heap: Heap, type: ObjectType, ring: Root, ringCount: Int, keepEvery: Int,
                              count: Int, position: inout Int) -> UInt {
        var checksum: UInt = 0
        var slot = position
        let every = keepEvery == 0 ? Int.max : keepEvery
        var untilKeep = every
        for _ in 0..<count {
            do {
                let object = try heap.allocate(type)
                checksum &+= object.address
                untilKeep &-= 1
                if untilKeep == 0 {
                    untilKeep = every
                    heap.storeItem(object, into: ring.object, at: slot)
                    slot += 1
                    if slot == ringCount { slot = 0 }
                }
            } catch {
                fatalError("Tenure allocation failed: \(error)")
            }
        }
        position = slot
        return checksum
    }

    /// malloc: dropped objects freed at once, kept ones when their slot of `ring` is reused.
    @inline(never)
    public static func mallocFree(ring: UnsafeMutablePointer<UnsafeMutableRawPointer?>, ringCount: Int, keepEvery: Int,
                              count: Int, position: inout Int) -> UInt {
        var checksum: UInt = 0
        var slot = position
        let every = keepEvery == 0 ? Int.max : keepEvery
        var untilKeep = every
        for _ in 0..<count {
            guard let object = malloc(AllocationKernels.objectSize) else { fatalError("malloc failed") }
            object.storeBytes(of: 1, as: UInt64.self)
            object.storeBytes(of: 0, toByteOffset: 8, as: UInt64.self)
            object.storeBytes(of: 0, toByteOffset: 16, as: UInt64.self)
            checksum &+= UInt(bitPattern: object)
            untilKeep &-= 1
            if untilKeep == 0 {
                untilKeep = every
                free(ring[slot])
                ring[slot] = object
                slot += 1
                if slot == ringCount { slot = 0 }
            } else {
                free(object)
            }
        }
        position = slot
        return checksum
    }

    /// Frees what a malloc ring still holds.
    public static func freeRing(_ ring: UnsafeMutablePointer<UnsafeMutableRawPointer?>, ringCount: Int) {
        for i in 0..<ringCount {
            free(ring[i])
            ring[i] = nil
        }
    }

    /// ARC: dropped instances released at once, kept ones when their slot of `ring` is overwritten.
    @inline(never)
    public static func swiftClass(ring: UnsafeMutablePointer<SwiftPair?>, ringCount: Int, keepEvery: Int,
                                  count: Int, position: inout Int) -> UInt {
        // The instance being built sits in raw memory, so it cannot be promoted to the stack.
        let scratch = UnsafeMutablePointer<SwiftPair?>.allocate(capacity: 1)
        scratch.initialize(to: nil)
        defer {
            scratch.deinitialize(count: 1)
            scratch.deallocate()
        }
        var checksum: UInt = 0
        var slot = position
        let every = keepEvery == 0 ? Int.max : keepEvery
        var untilKeep = every
        for _ in 0..<count {
            scratch.pointee = SwiftPair()
            checksum &+= UInt(bitPattern: Unmanaged.passUnretained(scratch.pointee!).toOpaque())
            untilKeep &-= 1
            if untilKeep == 0 {
                untilKeep = every
                ring[slot] = scratch.pointee
                slot += 1
                if slot == ringCount { slot = 0 }
            }
        }
        position = slot
        return checksum
    }

    /// Arena: bump allocation from `arenas.0` until it has held `perArena` objects,
    /// then from the other one, which is reset first (its objects are all dropped by then).
    @inline(never)
    public static func arena(_ arenas: ArenaPair, ring: UnsafeMutablePointer<UnsafeMutableRawPointer?>, ringCount: Int,
                             keepEvery: Int, count: Int, position: inout Int) -> UInt {
        var checksum: UInt = 0
        var slot = position
        let every = keepEvery == 0 ? Int.max : keepEvery
        var untilKeep = every
        var arena = arenas.current
        var left = arenas.left
        for _ in 0..<count {
            if left == 0 {
                arena = arenas.switchArena()
                left = arenas.perArena
            }
            left -= 1
            let object = arena.allocate(AllocationKernels.objectSize, header: 1)
            checksum &+= UInt(bitPattern: object)
            untilKeep &-= 1
            if untilKeep == 0 {
                untilKeep = every
                ring[slot] = object
                slot += 1
                if slot == ringCount { slot = 0 }
            }
        }
        arenas.left = left
        position = slot
        return checksum
    }
}

/// Two bump arenas of a nursery's size, used in turn and each released in one step.
public final class ArenaPair {
    public let first: BumpArena
    public let second: BumpArena
    /// Objects each arena holds before allocation moves to the other.
    public let perArena: Int
    /// The arena in use, and the objects it still takes.
    public private(set) var current: BumpArena
    public var left: Int
    /// Times allocation moved to the other arena.
    public private(set) var switches = 0

    public init(bytes: Int = 4 << 20) {
        first = BumpArena(size: bytes)
        second = BumpArena(size: bytes)
        perArena = bytes / AllocationKernels.objectSize
        current = first
        left = perArena
    }

    /// Moves to the other arena, resetting it, and returns it.
    @inline(never)
    public func switchArena() -> BumpArena {
        current = current === first ? second : first
        current.reset()
        switches += 1
        return current
    }
}
