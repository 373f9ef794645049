// package-benchmark suite for goal (a): the cost of allocating a small object.
//
// Four allocators on the same loop (BenchKernels.AllocationKernels): Tenure's
// nursery with the default configuration, a bump arena (the baseline, with and
// without zeroing on reuse), malloc/free, and a Swift final class (ARC). Each
// iteration allocates one million 24-byte objects; throughput is in
// allocations per second and a custom metric gives picoseconds per allocation.
// Two patterns: one object at a time, dropped at once (malloc + free of 24
// bytes), and batches of 1000 allocated, kept in a buffer, then dropped
// together (1000 mallocs then 1000 frees; Tenure: stored into a rooted array,
// left to the collector). The ratios are computed by tenure-bench-report (run.sh).
import Benchmark
import BenchKernels
import Tenure

/// Allocations per benchmark iteration.
let allocationsPerIteration = 1_000_000

/// Picoseconds per allocation: the wall-clock metric is in whole nanoseconds per allocation, too coarse here.
let picosecondsPerAllocation = BenchmarkMetric.custom("ps per allocation", useScalingFactor: false)

/// Runs `kernel` once per iteration inside the measured region and records ns per allocation.
func allocationBenchmark(_ name: String, _ kernel: @escaping () -> UInt) {
    Benchmark(name) { benchmark in
        benchmark.startMeasurement()
        let start = monotonicSeconds()
        blackHole(kernel())
        let seconds = monotonicSeconds() - start
        benchmark.stopMeasurement()
        benchmark.measurement(picosecondsPerAllocation,
                              Int((seconds * 1e12 / Double(allocationsPerIteration)).rounded()))
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident,
                  picosecondsPerAllocation],
        warmupIterations: 3,
        scalingFactor: .mega,
        maxDuration: .seconds(2),
        maxIterations: 200)

    let (heap, pair) = AllocationKernels.makeHeap()
    let arena = BumpArena()
    let zeroingArena = BumpArena(zeroesOnRefill: true)
    let n = allocationsPerIteration

    allocationBenchmark("Tenure allocate (24 B, default nursery)") {
        AllocationKernels.tenure(heap: heap, type: pair, count: n)
    }
    allocationBenchmark("bump arena (24 B, 4 MiB reused)") {
        AllocationKernels.arena(arena, count: n)
    }
    allocationBenchmark("bump arena zeroing on reuse (24 B, 4 MiB)") {
        AllocationKernels.arena(zeroingArena, count: n)
    }
    allocationBenchmark("malloc + free (24 B)") {
        AllocationKernels.mallocFree(count: n)
    }
    allocationBenchmark("Swift final class alloc + release (2 refs)") {
        AllocationKernels.swiftClass(count: n)
    }

    // Batches of 1000: allocate, keep in a buffer, drop together.
    let batch = 1000
    let batches = n / batch
    let slots = AllocationKernels.makeBatchSlots(heap: heap, batch: batch)
    let rawSlots = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: batch)
    rawSlots.initialize(repeating: nil, count: batch)
    let swiftSlots = UnsafeMutablePointer<SwiftPair?>.allocate(capacity: batch)
    swiftSlots.initialize(repeating: nil, count: batch)
    let batchArena = BumpArena()
    allocationBenchmark("batch of 1000: Tenure allocate into a rooted array (24 B)") {
        AllocationKernels.tenureBatch(heap: heap, type: pair, slots: slots, batch: batch, batches: batches)
    }
    allocationBenchmark("batch of 1000: malloc, then free all (24 B)") {
        AllocationKernels.mallocBatch(slots: rawSlots, batch: batch, batches: batches)
    }
    allocationBenchmark("batch of 1000: Swift final class, then release all") {
        AllocationKernels.swiftClassBatch(slots: swiftSlots, batch: batch, batches: batches)
    }
    allocationBenchmark("batch of 1000: bump arena, reset after each batch") {
        AllocationKernels.arenaBatch(batchArena, slots: rawSlots, batch: batch, batches: batches)
    }
}
