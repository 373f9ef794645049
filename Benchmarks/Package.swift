// swift-tools-version:6.1
// Tenure's benchmarks, in a package of their own so that the main package's
// builds never pay for package-benchmark and its dependencies.
//
// - AllocationBenchmarks, BarrierBenchmarks, CollectionBenchmarks,
//   WorkloadBenchmarks: suites for package-benchmark
//   (`swift package benchmark --no-progress </dev/null`).
// - tenure-bench-report: runs each goal's comparison against its baseline in
//   one process run and writes docs/benchmarks.md (see run.sh).
// - BenchKernels: the measured loops and the baselines (bump arena, Swift
//   class, malloc), shared by both so that both measure the same code. It is
//   a module of its own, as a runtime using Tenure would be. Also the
//   survival loops (minor collections) and live heaps (major collections).
import Foundation
import PackageDescription

/// The main package's identity: the name of the folder it is checked out in
/// (a path dependency is known by its folder's name, whatever the clone is called).
let tenure = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "TenureBenchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "BenchKernels",
            dependencies: [.product(name: "Tenure", package: tenure)],
            path: "Kernels"),
        .executableTarget(
            name: "tenure-bench-report",
            dependencies: [
                "BenchKernels",
                .product(name: "Tenure", package: tenure),
                .product(name: "TenureWorkloads", package: tenure),
            ],
            path: "Report"),
    ]
)

// One executable per suite group, as package-benchmark expects.
for suite in ["AllocationBenchmarks", "BarrierBenchmarks", "CollectionBenchmarks", "WorkloadBenchmarks"] {
    package.targets.append(.executableTarget(
        name: suite,
        dependencies: [
            "BenchKernels",
            .product(name: "Benchmark", package: "benchmark"),
            .product(name: "Tenure", package: tenure),
            .product(name: "TenureWorkloads", package: tenure),
        ],
        path: suite,
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]))
}
