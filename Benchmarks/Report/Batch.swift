// Allocation against malloc/free: the batch pattern (allocate a batch of
// objects, keep them while the batch is built, drop them together), in this
// process, interleaved as in (a). The one-at-a-time pattern is (a)'s.
import BenchKernels
import Foundation
import Tenure

/// What the batch comparison measured.
struct BatchFigures {
    var batch = 1000
    var tenure = Series(name: "Tenure allocate, stored into a rooted array")
    var malloc = Series(name: "malloc, then free of the whole batch")
    var arc = Series(name: "Swift final class, then release of the whole batch")
    var arena = Series(name: "bump arena, reset after each batch")
    var tenureObjects = 0
    var mallocObjects = 0
    var arcObjects = 0
    var arenaObjects = 0
    /// Tenure's minor collections per repetition.
    var minorCollectionsPerRun = 0
}

/// Runs the batch loops `repetitions` times each.
func measureBatch(repetitions: Int, log: (String) -> Void) -> BatchFigures {
    var figures = BatchFigures()
    let batch = figures.batch
    let (heap, pair) = AllocationKernels.makeHeap()
    let slots = AllocationKernels.makeBatchSlots(heap: heap, batch: batch)
    let rawSlots = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: batch)
    rawSlots.initialize(repeating: nil, count: batch)
    let swiftSlots = UnsafeMutablePointer<SwiftPair?>.allocate(capacity: batch)
    swiftSlots.initialize(repeating: nil, count: batch)
    defer {
        rawSlots.deallocate()
        swiftSlots.deinitialize(count: batch)
        swiftSlots.deallocate()
    }
    let arena = BumpArena()
    let fast = 40_000, slow = 10_000, swift = 4_000   // batches
    figures.tenureObjects = fast * batch
    figures.arenaObjects = fast * batch
    figures.mallocObjects = slow * batch
    figures.arcObjects = swift * batch

    var checksum: UInt = 0
    checksum &+= AllocationKernels.tenureBatch(heap: heap, type: pair, slots: slots, batch: batch, batches: fast / 4)
    checksum &+= AllocationKernels.mallocBatch(slots: rawSlots, batch: batch, batches: slow / 4)
    checksum &+= AllocationKernels.swiftClassBatch(slots: swiftSlots, batch: batch, batches: swift / 4)
    checksum &+= AllocationKernels.arenaBatch(arena, slots: rawSlots, batch: batch, batches: fast / 4)

    for repetition in 0..<repetitions {
        for step in 0..<4 {
            switch (step + repetition) % 4 {
            case 0:
                let before = heap.statistics.minorCollections
                let s = timedCPU {
                    checksum &+= AllocationKernels.tenureBatch(heap: heap, type: pair, slots: slots, batch: batch, batches: fast)
                }
                figures.tenure.values.append(s * 1e9 / Double(figures.tenureObjects))
                figures.minorCollectionsPerRun = heap.statistics.minorCollections - before
            case 1:
                let s = timedCPU { checksum &+= AllocationKernels.mallocBatch(slots: rawSlots, batch: batch, batches: slow) }
                figures.malloc.values.append(s * 1e9 / Double(figures.mallocObjects))
            case 2:
                let s = timedCPU { checksum &+= AllocationKernels.swiftClassBatch(slots: swiftSlots, batch: batch, batches: swift) }
                figures.arc.values.append(s * 1e9 / Double(figures.arcObjects))
            default:
                let s = timedCPU {
                    checksum &+= AllocationKernels.arenaBatch(arena, slots: rawSlots, batch: batch, batches: fast)
                }
                figures.arena.values.append(s * 1e9 / Double(figures.arenaObjects))
            }
        }
    }
    consume(checksum)
    log(String(format: "  batch of %d: tenure %.2f ns, malloc %.2f ns, arc %.2f ns, arena %.2f ns", batch,
               figures.tenure.median, figures.malloc.median, figures.arc.median, figures.arena.median))
    return figures
}
