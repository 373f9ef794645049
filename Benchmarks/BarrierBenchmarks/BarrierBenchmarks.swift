// package-benchmark suite for goal (b): the write barrier's fast path.
//
// Stores of a reference into the first field of 1024 objects, 1000 passes
// per iteration: through `Heap.storeReference` into young objects, into old
// objects already remembered, and the same stores without a barrier (the
// baseline). A custom metric gives picoseconds per store. The ratios are
// computed by tenure-bench-report (run.sh).
import Benchmark
import BenchKernels
import Tenure

/// Passes over the fixture's objects per iteration.
let rounds = 1000

/// Picoseconds per store (not scaled by the scaling factor).
let picosecondsPerStore = BenchmarkMetric.custom("ps per store", useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, picosecondsPerStore],
        warmupIterations: 3,
        scalingFactor: .mega,
        maxDuration: .seconds(2),
        maxIterations: 500)

    let fixture = BarrierFixture()
    let stores = rounds * fixture.young.count

    func storeBenchmark(_ name: String, _ kernel: @escaping () -> Void) {
        Benchmark(name) { benchmark in
            benchmark.startMeasurement()
            let start = monotonicSeconds()
            kernel()
            let seconds = monotonicSeconds() - start
            benchmark.stopMeasurement()
            benchmark.measurement(picosecondsPerStore, Int((seconds * 1e12 / Double(stores)).rounded()))
        }
    }

    storeBenchmark("storeReference into young objects") {
        BarrierKernels.barrier(heap: fixture.heap, objects: fixture.young, values: fixture.values, rounds: rounds)
    }
    storeBenchmark("storeReference into old remembered objects") {
        BarrierKernels.barrier(heap: fixture.heap, objects: fixture.old, values: fixture.values, rounds: rounds)
    }
    storeBenchmark("plain store (no barrier)") {
        BarrierKernels.plain(objects: fixture.old, values: fixture.values, rounds: rounds)
    }
}
