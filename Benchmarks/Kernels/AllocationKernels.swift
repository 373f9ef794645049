// The allocation loops that goal (a) compares, one function each.
//
// Each loop allocates `count` small objects shaped like a cons cell (a
// header and two references: 24 bytes) and drops them at once, so that the
// loop measures the allocator's fast path and what it costs to recycle the
// memory (Tenure: minor collections with nothing alive; arena: a refill;
// malloc: free; Swift: release). The functions are `@inline(never)` so that
// every caller runs the same machine code, and they live in their own module
// so that Tenure's fast path is reached across a module boundary, as a
// runtime built on Tenure would reach it. Each returns a checksum of the
// addresses it got, which keeps the optimizer from dropping the loop.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tenure

/// A Swift class of the same shape as the benchmarks' Tenure objects: two references.
public final class SwiftPair {
    /// The two reference fields.
    public var left: SwiftPair?
    public var right: SwiftPair?

    @inline(never)
    public init() {}
}

/// The measured allocation loops.
public enum AllocationKernels {
    /// Bytes of each allocated object: a header word and two reference fields.
    public static let objectSize = 24

    /// A heap with the default configuration and the pair type registered.
    public static func makeHeap(configuration: HeapConfiguration = HeapConfiguration()) -> (Heap, ObjectType) {
        do {
            let heap = try Heap(configuration: configuration)
            let pair = try heap.register(.object("Pair", references: 2))
            precondition(Int(pair.size) == objectSize && !pair.allocatesSlowly)
            return (heap, pair)
        } catch {
            fatalError("cannot create the benchmark heap: \(error)")
        }
    }

    /// Tenure: `count` allocations through the inlined fast path.
    @inline(never)
    public static func tenure(heap: Heap, type: ObjectType, count: Int) -> UInt {
        var checksum: UInt = 0
        for _ in 0..<count {
            do {
                let object = try heap.allocate(type)
                checksum &+= object.address
            } catch {
                fatalError("Tenure allocation failed: \(error)")
            }
        }
        return checksum
    }

    /// The baseline: `count` bump allocations from `arena`, each storing a header.
    @inline(never)
    public static func arena(_ arena: BumpArena, count: Int) -> UInt {
        var checksum: UInt = 0
        for _ in 0..<count {
            let object = arena.allocate(objectSize, header: 1)
            checksum &+= UInt(bitPattern: object)
        }
        return checksum
    }

    /// `count` times malloc, a header store, and free.
    @inline(never)
    public static func mallocFree(count: Int) -> UInt {
        var checksum: UInt = 0
        for _ in 0..<count {
            guard let object = malloc(objectSize) else { fatalError("malloc failed") }
            object.storeBytes(of: 1, as: UInt64.self)
            checksum &+= UInt(bitPattern: object)
            free(object)
        }
        return checksum
    }

    /// `count` Swift `final class` instances, each released when the next one replaces it.
    @inline(never)
    public static func swiftClass(count: Int) -> UInt {
        // A slot in raw memory: the instance escapes, so it cannot be promoted to the stack.
        let slot = UnsafeMutablePointer<SwiftPair?>.allocate(capacity: 1)
        slot.initialize(to: nil)
        defer {
            slot.deinitialize(count: 1)
            slot.deallocate()
        }
        var checksum: UInt = 0
        for _ in 0..<count {
            slot.pointee = SwiftPair()
            checksum &+= UInt(bitPattern: Unmanaged.passUnretained(slot.pointee!).toOpaque())
        }
        return checksum
    }
}

// MARK: The batch pattern

/// The batch pattern: objects allocated `batch` at a time, each kept in a slot
/// of a reusable buffer while the batch is built, then all dropped together.
/// With malloc this is N mallocs then N frees; with ARC, N instances then N
/// releases; with an arena, N bumps then one reset; with Tenure, N
/// allocations stored into a rooted array through the write barrier, left to
/// the collector when the next batch overwrites them.
extension AllocationKernels {
    /// A Tenure reference array of `batch` slots, rooted on the heap's shadow stack and promoted
    /// (so that stores into it go through the barrier of an old object, as into a runtime's long-lived
    /// buffer; above 256 bytes an old array is a large object with a card table, and every store
    /// into it marks a card in the barrier's out-of-line path).
    public static func makeBatchSlots(heap: Heap, batch: Int) -> Root {
        do {
            let type = try heap.registerArray(.array("BatchSlots", of: .references))
            let slots = heap.pushRoot(try heap.allocateArray(type, count: batch))
            heap.collectMinor()
            precondition(!heap.isYoung(slots.object), "the batch slots were not promoted")
            return slots
        } catch {
            fatalError("cannot create the batch slots: \(error)")
        }
    }

    /// Tenure: `batches` batches of `batch` objects, each stored into `slots` (a reference array of `batch` items).
    @inline(never)
    public static func tenureBatch(heap: Heap, type: ObjectType, slots: Root, batch: Int, batches: Int) -> UInt {
        var checksum: UInt = 0
        for _ in 0..<batches {
            for i in 0..<batch {
                do {
                    let object = try heap.allocate(type)
                    checksum &+= object.address
                    heap.storeItem(object, into: slots.object, at: i)
                } catch {
                    fatalError("Tenure allocation failed: \(error)")
                }
            }
        }
        return checksum
    }

    /// malloc: `batches` times, `batch` mallocs (header stored, pointer kept in `slots`), then `batch` frees in order.
    @inline(never)
    public static func mallocBatch(slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>, batch: Int, batches: Int) -> UInt {
        var checksum: UInt = 0
        for _ in 0..<batches {
            for i in 0..<batch {
                guard let object = malloc(objectSize) else { fatalError("malloc failed") }
                object.storeBytes(of: 1, as: UInt64.self)
                checksum &+= UInt(bitPattern: object)
                slots[i] = object
            }
            for i in 0..<batch { free(slots[i]) }
        }
        return checksum
    }

    /// ARC: `batches` times, `batch` instances kept in `slots`, then all released (slots set to nil).
    /// `slots` must hold `batch` initialized (nil) elements.
    @inline(never)
    public static func swiftClassBatch(slots: UnsafeMutablePointer<SwiftPair?>, batch: Int, batches: Int) -> UInt {
        var checksum: UInt = 0
        for _ in 0..<batches {
            for i in 0..<batch {
                slots[i] = SwiftPair()
                checksum &+= UInt(bitPattern: Unmanaged.passUnretained(slots[i]!).toOpaque())
            }
            for i in 0..<batch { slots[i] = nil }
        }
        return checksum
    }

    /// Arena: `batches` times, `batch` bump allocations kept in `slots`, then the arena reset in one step.
    @inline(never)
    public static func arenaBatch(_ arena: BumpArena, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                  batch: Int, batches: Int) -> UInt {
        var checksum: UInt = 0
        for _ in 0..<batches {
            for i in 0..<batch {
                let object = arena.allocate(objectSize, header: 1)
                checksum &+= UInt(bitPattern: object)
                slots[i] = object
            }
            arena.reset()
        }
        return checksum
    }
}
