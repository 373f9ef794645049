// package-benchmark suite for collection throughput: minor collections at 0,
// 10 and 50 % survival, and major collections of live heaps of 16, 64 and
// 256 MiB.
//
// Minor: each iteration runs the survival loop (BenchKernels.SurvivalKernels)
// over ten nurseries' worth of 24-byte objects on a heap kept from one
// iteration to the next, keeping none, every 10th or every 2nd object
// reachable until the next minor collection; beside it the same loop with
// malloc/free, Swift final class instances and two bump arenas. Custom
// metrics: picoseconds per object, and for Tenure the iteration's minor
// pauses (median and longest, from a collection hook) and the nursery bytes
// reclaimed per second of minor-collection time.
//
// Major: the setup builds a live heap of small linked objects
// (BenchKernels.LiveHeapKernels: binary trees of 24-byte nodes from a rooted
// array); each iteration is one `heap.collect()`, which marks all of it and
// sweeps. Custom metric: MiB marked per second. Beside it, a walk of the same
// trees (the lower bound of marking). The ratios and a same-run comparison
// are in tenure-bench-report (run.sh).
import Benchmark
import BenchKernels
import Tenure

/// Picoseconds per object allocated (the wall-clock metric's whole nanoseconds are too coarse).
let picosecondsPerObject = BenchmarkMetric.custom("ps per object", useScalingFactor: false)
let minorPauseMedian = BenchmarkMetric.custom("minor pause p50 (ns)", useScalingFactor: false)
let minorPauseMax = BenchmarkMetric.custom("minor pause max (ns)", useScalingFactor: false)
let collectionRate = BenchmarkMetric.custom("nursery MiB reclaimed per minor-GC second", useScalingFactor: false)
let markRate = BenchmarkMetric.custom("MiB marked per second", useScalingFactor: false)

/// Minor pauses of the current iteration, recorded by a collection hook.
final class MinorPauses {
    var pauses: [Double] = []
    var seconds: Double { pauses.reduce(0, +) }

    func reset() { pauses.removeAll(keepingCapacity: true) }

    func median() -> Double {
        guard !pauses.isEmpty else { return 0 }
        return BenchKernels.median(pauses)
    }
}

/// A lazily built live heap, released by the teardown.
final class LiveHeapBox {
    var live: TenureLiveHeap?
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, picosecondsPerObject],
        warmupIterations: 2,
        scalingFactor: .mega,
        maxDuration: .seconds(3),
        maxIterations: 100)

    let nurseryBytes = HeapConfiguration().nurserySize
    let perNursery = SurvivalKernels.nurseryCapacity(nurseryBytes: nurseryBytes)
    let count = 10 * perNursery

    for keepEvery in [0, 10, 2] {
        let percent = keepEvery == 0 ? 0 : 100 / keepEvery
        let ringCount = SurvivalKernels.ringCount(nurseryBytes: nurseryBytes, keepEvery: keepEvery)

        // Tenure, with its pauses.
        let (heap, pair) = AllocationKernels.makeHeap()
        let ring = SurvivalKernels.makeRing(heap: heap, count: ringCount)
        let pauses = MinorPauses()
        _ = heap.addCollectionHook { event in
            if event.kind == .minor { pauses.pauses.append(event.seconds) }
        }
        var tenurePosition = 0
        Benchmark("minor GC, \(percent) % survival: Tenure",
                  configuration: .init(metrics: [.wallClock, .throughput, picosecondsPerObject,
                                                 minorPauseMedian, minorPauseMax, collectionRate],
                                       warmupIterations: 2, scalingFactor: .mega,
                                       maxDuration: .seconds(3), maxIterations: 100)) { benchmark in
            pauses.reset()
            let before = heap.statistics.nurseryBytesAllocated
            benchmark.startMeasurement()
            let start = monotonicSeconds()
            blackHole(SurvivalKernels.tenure(heap: heap, type: pair, ring: ring, ringCount: ringCount,
                                             keepEvery: keepEvery, count: count, position: &tenurePosition))
            let seconds = monotonicSeconds() - start
            benchmark.stopMeasurement()
            let reclaimed = heap.statistics.nurseryBytesAllocated - before
            benchmark.measurement(picosecondsPerObject, Int((seconds * 1e12 / Double(count)).rounded()))
            benchmark.measurement(minorPauseMedian, Int((pauses.median() * 1e9).rounded()))
            benchmark.measurement(minorPauseMax, Int(((pauses.pauses.max() ?? 0) * 1e9).rounded()))
            if pauses.seconds > 0 {
                benchmark.measurement(collectionRate, Int((Double(reclaimed) / pauses.seconds / 1_048_576).rounded()))
            }
        }

        // malloc/free.
        let mallocRing = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: ringCount)
        mallocRing.initialize(repeating: nil, count: ringCount)
        var mallocPosition = 0
        Benchmark("minor GC, \(percent) % survival: malloc + free") { benchmark in
            benchmark.startMeasurement()
            let start = monotonicSeconds()
            blackHole(SurvivalKernels.mallocFree(ring: mallocRing, ringCount: ringCount, keepEvery: keepEvery,
                                                 count: count, position: &mallocPosition))
            let seconds = monotonicSeconds() - start
            benchmark.stopMeasurement()
            benchmark.measurement(picosecondsPerObject, Int((seconds * 1e12 / Double(count)).rounded()))
        }

        // ARC.
        let arcRing = UnsafeMutablePointer<SwiftPair?>.allocate(capacity: ringCount)
        arcRing.initialize(repeating: nil, count: ringCount)
        var arcPosition = 0
        Benchmark("minor GC, \(percent) % survival: Swift final class (ARC)") { benchmark in
            benchmark.startMeasurement()
            let start = monotonicSeconds()
            blackHole(SurvivalKernels.swiftClass(ring: arcRing, ringCount: ringCount, keepEvery: keepEvery,
                                                 count: count, position: &arcPosition))
            let seconds = monotonicSeconds() - start
            benchmark.stopMeasurement()
            benchmark.measurement(picosecondsPerObject, Int((seconds * 1e12 / Double(count)).rounded()))
        }

        // Two bump arenas, each released in one piece: the lower bound.
        let arenas = ArenaPair(bytes: nurseryBytes)
        let arenaRing = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: ringCount)
        arenaRing.initialize(repeating: nil, count: ringCount)
        var arenaPosition = 0
        Benchmark("minor GC, \(percent) % survival: two bump arenas") { benchmark in
            benchmark.startMeasurement()
            let start = monotonicSeconds()
            blackHole(SurvivalKernels.arena(arenas, ring: arenaRing, ringCount: ringCount, keepEvery: keepEvery,
                                            count: count, position: &arenaPosition))
            let seconds = monotonicSeconds() - start
            benchmark.stopMeasurement()
            benchmark.measurement(picosecondsPerObject, Int((seconds * 1e12 / Double(count)).rounded()))
        }
    }

    for liveMiB in [16, 64, 256] {
        let treeCount = LiveHeapKernels.treeCount(liveBytes: liveMiB << 20)
        let box = LiveHeapBox()
        let majorConfiguration = Benchmark.Configuration(
            metrics: [.wallClock, .peakMemoryResident, markRate],
            warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 20)
        Benchmark("major GC, \(liveMiB) MiB live: heap.collect()", configuration: majorConfiguration,
                  closure: { benchmark in
                      guard let live = box.live else { return }
                      benchmark.startMeasurement()
                      live.heap.collect()
                      benchmark.stopMeasurement()
                      let record = live.heap.statistics.majorRecords.last!
                      benchmark.measurement(markRate, Int((Double(record.bytesAfter) / record.seconds / 1_048_576).rounded()))
                  },
                  setup: { box.live = TenureLiveHeap(treeCount: treeCount) },
                  teardown: { box.live = nil })
        let walkBox = LiveHeapBox()
        Benchmark("major GC, \(liveMiB) MiB live: walk (lower bound of marking)",
                  configuration: .init(metrics: [.wallClock], warmupIterations: 1,
                                       maxDuration: .seconds(5), maxIterations: 20),
                  closure: { benchmark in
                      guard let live = walkBox.live else { return }
                      benchmark.startMeasurement()
                      blackHole(live.walk())
                      benchmark.stopMeasurement()
                  },
                  setup: { walkBox.live = TenureLiveHeap(treeCount: treeCount) },
                  teardown: { walkBox.live = nil })
    }
}
