// swift-tools-version:6.0
// Tenure: an embeddable, precise, generational garbage collector for language
// runtimes written in Swift.
import PackageDescription

let package = Package(
    name: "Tenure",
    products: [
        .library(name: "Tenure", targets: ["Tenure"]),
        .library(name: "TenureJIT", targets: ["TenureJIT"]),
        .library(name: "TenureWorkloads", targets: ["TenureWorkloads"]),
        .executable(name: "tenure", targets: ["tenure"]),
        .library(name: "TenureSOM", targets: ["TenureSOM"]),
        .executable(name: "tenure-som", targets: ["tenure-som"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "CTenure"),
        .target(name: "SeededRandom"),
        .target(name: "TenureSupport"),
        .target(name: "Tenure", dependencies: ["CTenure", "TenureSupport"]),
        .target(name: "TenureJIT", dependencies: ["Tenure", "CTenure", "TenureSupport"]),
        .target(name: "TenureWorkloads", dependencies: ["Tenure", "TenureJIT", "SeededRandom"]),
        .target(name: "TenurePlot"),
        .target(name: "SOMParser"),
        .target(name: "TenureSOM", dependencies: ["Tenure", "SOMParser", "TenureSupport"]),
        .executableTarget(name: "tenure-som", dependencies: ["TenureSOM", "Tenure"]),
        .executableTarget(
            name: "tenure",
            dependencies: [
                "Tenure", "TenureJIT", "TenureWorkloads", "TenurePlot",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "TenureTests", dependencies: ["Tenure", "SeededRandom", "TenureSupport"]),
        .testTarget(name: "TenureJITTests", dependencies: ["TenureJIT", "Tenure", "SeededRandom"]),
        .testTarget(name: "TenureWorkloadsTests", dependencies: ["TenureWorkloads", "Tenure"]),
        .testTarget(name: "TenurePlotTests", dependencies: ["TenurePlot"]),
        .testTarget(name: "SOMParserTests", dependencies: ["SOMParser"]),
        .testTarget(name: "TenureSOMTests", dependencies: ["TenureSOM", "Tenure", "SeededRandom"]),
    ]
)
