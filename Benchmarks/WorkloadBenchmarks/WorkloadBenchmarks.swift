// package-benchmark suite for goals (c) and (d): binary-trees and GCBench.
//
// The workloads come from TenureWorkloads. One run takes seconds (binary-trees
// at depth 21 with ARC: about half a minute on the reference machine), so each
// benchmark does at most a few iterations and no warm-up. Besides wall clock
// and peak resident memory, the Tenure variants record the collector's own
// figures as custom metrics. The ratios the goals are stated in come from
// tenure-bench-report (run.sh), which interleaves the variants in one run.
//
// BINARY_TREES_DEPTH in the environment changes the depth (default 21).
import Benchmark
import Foundation
import Tenure
import TenureWorkloads

let depth = ProcessInfo.processInfo.environment["BINARY_TREES_DEPTH"].flatMap(Int.init) ?? BinaryTrees.standardDepth

/// Records a workload run's collector figures as custom metrics.
func record(_ result: WorkloadResult, in benchmark: Benchmark) {
    benchmark.measurement(.custom("GC ms"), Int((result.gcSeconds * 1000).rounded()))
    benchmark.measurement(.custom("max pause us"), Int((result.maxPauseSeconds * 1e6).rounded()))
    benchmark.measurement(.custom("minor collections", useScalingFactor: false), result.minorCollections)
    benchmark.measurement(.custom("major collections", useScalingFactor: false), result.majorCollections)
}

let benchmarks: @Sendable () -> Void = {
    let collectorMetrics: [BenchmarkMetric] = [
        .custom("GC ms"), .custom("max pause us"),
        .custom("minor collections", useScalingFactor: false), .custom("major collections", useScalingFactor: false),
    ]
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        warmupIterations: 0,
        maxDuration: .seconds(10),
        maxIterations: 3)
    let tenureConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .peakMemoryResident] + collectorMetrics,
        warmupIterations: 0, maxDuration: .seconds(10), maxIterations: 3)
    let discard: (String) -> Void = { _ in }

    for variant in WorkloadVariant.allCases {
        Benchmark("binary-trees depth \(depth) \(variant.rawValue)",
                  configuration: variant == .tenure ? tenureConfiguration : Benchmark.defaultConfiguration) { benchmark in
            let result = try BinaryTrees.run(variant, depth: depth, output: discard)
            blackHole(result.checksum)
            if variant == .tenure { record(result, in: benchmark) }
        }
    }
    for variant in GCBench.variants {
        Benchmark("GCBench \(variant.rawValue)",
                  configuration: variant == .tenure ? tenureConfiguration : Benchmark.defaultConfiguration) { benchmark in
            let result = try GCBench.run(variant, output: discard)
            blackHole(result.checksum)
            if variant == .tenure { record(result, in: benchmark) }
        }
    }
}
