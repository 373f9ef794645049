// package-benchmark suite for goals (c) and (d), binary-trees and GCBench,
// and for the JIT workloads translate and loops.
//
// The workloads come from TenureWorkloads. One run takes seconds (binary-trees
// at depth 21 with ARC: about half a minute on the reference machine), so each
// benchmark does at most a few iterations and no warm-up. Besides wall clock
// and peak resident memory, the Tenure variants record the collector's own
// figures as custom metrics. The ratios the goals are stated in come from
// tenure-bench-report (run.sh), which interleaves the variants in one run.
//
// translate and loops run at their default sizes (about a second each) with
// Tenure's default settings and with loop longevity 0 (compiled loops never
// freed), and record the JIT's figures as well. Smaller runs would not show
// the difference: they compile fewer loops than the default longevity's 1000
// generations, so neither variant frees any.
//
// BINARY_TREES_DEPTH in the environment changes the depth (default 21),
// TRANSLATE_SCALE the scale of translate (default 1), LOOPS_PHASES the
// phases of loops (default 60).
import Benchmark
import Foundation
import Tenure
import TenureWorkloads

let environment = ProcessInfo.processInfo.environment
let depth = environment["BINARY_TREES_DEPTH"].flatMap(Int.init) ?? BinaryTrees.standardDepth
let translateScale = environment["TRANSLATE_SCALE"].flatMap(Double.init) ?? TranslateParameters().scale
let loopsPhases = environment["LOOPS_PHASES"].flatMap(Int.init) ?? LoopsParameters().phases

/// Records a workload run's collector figures as custom metrics.
func record(_ result: WorkloadResult, in benchmark: Benchmark) {
    benchmark.measurement(.custom("GC ms"), Int((result.gcSeconds * 1000).rounded()))
    benchmark.measurement(.custom("max pause us"), Int((result.maxPauseSeconds * 1e6).rounded()))
    benchmark.measurement(.custom("pause p50 us", useScalingFactor: false), Int((result.pauseP50Seconds * 1e6).rounded()))
    benchmark.measurement(.custom("pause p99 us", useScalingFactor: false), Int((result.pauseP99Seconds * 1e6).rounded()))
    benchmark.measurement(.custom("minor collections", useScalingFactor: false), result.minorCollections)
    benchmark.measurement(.custom("major collections", useScalingFactor: false), result.majorCollections)
}

let benchmarks: @Sendable () -> Void = {
    let collectorMetrics: [BenchmarkMetric] = [
        .custom("GC ms"), .custom("max pause us"),
        .custom("pause p50 us", useScalingFactor: false), .custom("pause p99 us", useScalingFactor: false),
        .custom("minor collections", useScalingFactor: false), .custom("major collections", useScalingFactor: false),
    ]
    let jitMetrics: [BenchmarkMetric] = [
        .custom("loops alive max", useScalingFactor: false), .custom("loops alive at end", useScalingFactor: false),
        .custom("code KiB at end", useScalingFactor: false),
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

    // The JIT workloads: default settings, and loop longevity 0.
    let jitConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .peakMemoryResident] + collectorMetrics + jitMetrics,
        warmupIterations: 0, maxDuration: .seconds(10), maxIterations: 3)
    func recordJIT(_ result: WorkloadResult, in benchmark: Benchmark) {
        record(result, in: benchmark)
        guard let jit = result.jit else { return }
        benchmark.measurement(.custom("loops alive max", useScalingFactor: false), jit.loopsAliveMax)
        benchmark.measurement(.custom("loops alive at end", useScalingFactor: false), jit.loopsAliveEnd)
        benchmark.measurement(.custom("code KiB at end", useScalingFactor: false), jit.codeBytesEnd / 1024)
    }
    for (label, longevity) in [("default", nil), ("longevity 0", 0)] as [(String, Int?)] {
        Benchmark("translate scale \(translateScale) \(label)", configuration: jitConfiguration) { benchmark in
            var parameters = TranslateParameters()
            parameters.scale = translateScale
            let result = try TranslateWorkload.run(parameters, loopLongevity: longevity, output: discard)
            blackHole(result.checksum)
            recordJIT(result, in: benchmark)
        }
        Benchmark("loops \(loopsPhases) phases \(label)", configuration: jitConfiguration) { benchmark in
            var parameters = LoopsParameters()
            parameters.phases = loopsPhases
            let result = try LoopsWorkload.run(parameters, loopLongevity: longevity, output: discard)
            blackHole(result.checksum)
            recordJIT(result, in: benchmark)
        }
    }
}
