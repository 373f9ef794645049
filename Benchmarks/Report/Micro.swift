// Goals (a) and (b): the allocation and write-barrier loops, timed against
// their baselines in the same process, interleaved.
//
// Each repetition runs every loop once, in an order rotated from one
// repetition to the next, so that a slow phase of the machine (another
// process, frequency changes) falls on all of them rather than on one. The
// report takes the median of the repetitions. Loops are timed in thread CPU
// time (CLOCK_THREAD_CPUTIME_ID), so that time spent waiting for a core that
// another process holds is not counted; on an idle machine it equals wall time.
import BenchKernels
import Foundation
@_spi(CompiledCode) import Tenure

/// Per-repetition figures of one loop, in nanoseconds per operation.
struct Series {
    var name: String
    var values: [Double] = []

    var median: Double { BenchKernels.median(values) }
    var min: Double { values.min() ?? .nan }
    var max: Double { values.max() ?? .nan }
}

/// What the allocation comparison measured.
struct AllocationFigures {
    var tenure = Series(name: "Tenure allocate (default nursery, 4 MiB)")
    var arena = Series(name: "bump arena, 4 MiB reused (baseline)")
    var zeroingArena = Series(name: "bump arena, 4 MiB reused and zeroed")
    var malloc = Series(name: "malloc + free")
    var swiftClass = Series(name: "Swift final class alloc + release")
    /// Of Tenure's time: nanoseconds per allocation spent in minor collections.
    var tenureInMinorCollections = Series(name: "of which in minor collections")
    /// Minor collections per Tenure repetition.
    var minorCollectionsPerRun = 0
    var tenureAllocations = 0
    var arenaAllocations = 0
    var mallocAllocations = 0
    var swiftAllocations = 0
}

/// Runs the allocation loops `repetitions` times each.
func measureAllocation(repetitions: Int, log: (String) -> Void) -> AllocationFigures {
    var figures = AllocationFigures()
    let (heap, pair) = AllocationKernels.makeHeap()
    let arena = BumpArena()
    let zeroingArena = BumpArena(zeroesOnRefill: true)
    let fast = 40_000_000, slow = 10_000_000, swift = 4_000_000
    figures.tenureAllocations = fast
    figures.arenaAllocations = fast
    figures.mallocAllocations = slow
    figures.swiftAllocations = swift

    var checksum: UInt = 0
    // Warm-up: fault in the nursery and the arenas, fill malloc's caches.
    checksum &+= AllocationKernels.tenure(heap: heap, type: pair, count: fast / 4)
    checksum &+= AllocationKernels.arena(arena, count: fast / 4)
    checksum &+= AllocationKernels.arena(zeroingArena, count: fast / 4)
    checksum &+= AllocationKernels.mallocFree(count: slow / 4)
    checksum &+= AllocationKernels.swiftClass(count: swift / 4)

    for repetition in 0..<repetitions {
        for step in 0..<5 {
            switch (step + repetition) % 5 {
            case 0:
                let before = heap.statistics
                let seconds = timedCPU { checksum &+= AllocationKernels.tenure(heap: heap, type: pair, count: fast) }
                let after = heap.statistics
                figures.tenure.values.append(seconds * 1e9 / Double(fast))
                figures.tenureInMinorCollections.values.append(
                    (after.minorSeconds - before.minorSeconds) * 1e9 / Double(fast))
                figures.minorCollectionsPerRun = after.minorCollections - before.minorCollections
            case 1:
                let seconds = timedCPU { checksum &+= AllocationKernels.arena(arena, count: fast) }
                figures.arena.values.append(seconds * 1e9 / Double(fast))
            case 2:
                let seconds = timedCPU { checksum &+= AllocationKernels.arena(zeroingArena, count: fast) }
                figures.zeroingArena.values.append(seconds * 1e9 / Double(fast))
            case 3:
                let seconds = timedCPU { checksum &+= AllocationKernels.mallocFree(count: slow) }
                figures.malloc.values.append(seconds * 1e9 / Double(slow))
            default:
                let seconds = timedCPU { checksum &+= AllocationKernels.swiftClass(count: swift) }
                figures.swiftClass.values.append(seconds * 1e9 / Double(swift))
            }
        }
        log(String(format: "  allocation repetition %d: tenure %.3f ns, arena %.3f ns",
                   repetition + 1, figures.tenure.values.last!, figures.arena.values.last!))
    }
    consume(checksum)
    return figures
}

/// What the write-barrier comparison measured.
struct BarrierFigures {
    var plainYoung = Series(name: "plain store into young objects (baseline)")
    var barrierYoung = Series(name: "storeReference into young objects")
    var plainOld = Series(name: "plain store into old objects (baseline)")
    var barrierOld = Series(name: "storeReference into old remembered objects")
    var objects = 0
    var stores = 0
}

/// Runs the store loops `repetitions` times each.
func measureBarrier(repetitions: Int, log: (String) -> Void) -> BarrierFigures {
    var figures = BarrierFigures()
    let fixture = BarrierFixture()
    let rounds = 20_000
    let stores = rounds * fixture.young.count
    figures.objects = fixture.young.count
    figures.stores = stores

    // Warm-up.
    BarrierKernels.plain(objects: fixture.young, values: fixture.values, rounds: rounds / 10)
    BarrierKernels.plain(objects: fixture.old, values: fixture.values, rounds: rounds / 10)
    BarrierKernels.barrier(heap: fixture.heap, objects: fixture.young, values: fixture.values, rounds: rounds / 10)
    BarrierKernels.barrier(heap: fixture.heap, objects: fixture.old, values: fixture.values, rounds: rounds / 10)

    for repetition in 0..<repetitions {
        for step in 0..<4 {
            switch (step + repetition) % 4 {
            case 0:
                let s = timedCPU { BarrierKernels.plain(objects: fixture.young, values: fixture.values, rounds: rounds) }
                figures.plainYoung.values.append(s * 1e9 / Double(stores))
            case 1:
                let s = timedCPU {
                    BarrierKernels.barrier(heap: fixture.heap, objects: fixture.young, values: fixture.values, rounds: rounds)
                }
                figures.barrierYoung.values.append(s * 1e9 / Double(stores))
            case 2:
                let s = timedCPU { BarrierKernels.plain(objects: fixture.old, values: fixture.values, rounds: rounds) }
                figures.plainOld.values.append(s * 1e9 / Double(stores))
            default:
                let s = timedCPU {
                    BarrierKernels.barrier(heap: fixture.heap, objects: fixture.old, values: fixture.values, rounds: rounds)
                }
                figures.barrierOld.values.append(s * 1e9 / Double(stores))
            }
        }
    }
    // The old objects must still be remembered and nothing must have been collected.
    for object in fixture.old {
        precondition(object.header & HeaderFlags.trackYoungPointers == 0, "an old object lost its remembered state")
    }
    precondition(fixture.heap.statistics.minorCollections == 1, "the barrier fixture's heap was collected during the loops")
    log(String(format: "  barrier: plain %.3f ns, young %.3f ns, old %.3f ns",
               figures.plainYoung.median, figures.barrierYoung.median, figures.barrierOld.median))
    return figures
}
