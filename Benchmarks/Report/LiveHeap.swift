// Major-collection throughput: live heaps of several sizes, each variant in a
// child process of its own (`--child major-gc VARIANT --live-mib N`), so that
// each one's peak resident set is its own.
//
// The Tenure child builds the trees (LiveHeapKernels), runs one major
// collection to settle, then `--major-reps` times, alternately, a timed
// `heap.collect()` (everything is alive: it marks the whole live heap and
// sweeps) and a timed walk of the same trees (the lower bound of marking).
// The baseline children (Swift final class, malloc, one bump arena) build the
// same trees and report the build time and their peak resident set: they
// have nothing to collect.
import BenchKernels
import Foundation
import Tenure
import TenureWorkloads

/// What one live-heap child reports.
struct LiveHeapReport: Codable {
    var variant: String
    var liveMiB: Int
    var trees: Int
    var nodes: Int
    /// Nodes times 24 bytes (Tenure's node size): the live data.
    var nodeBytes: Int
    var buildCPUSeconds: Double
    var buildWallSeconds: Double
    /// VmHWM since the child's start (reset then), VmRSS at start and at the end.
    var peakRSSBytes: Int
    var startRSSBytes: Int
    var finalRSSBytes: Int
    // Tenure only:
    /// Each timed collection: thread CPU seconds and its pause (wall clock, from the heap's record).
    var collectCPUSeconds: [Double] = []
    var collectPauseSeconds: [Double] = []
    /// Old-generation bytes that survived (were marked by) the last collection.
    var markedBytes = 0
    /// Each timed walk of the trees, thread CPU seconds.
    var walkCPUSeconds: [Double] = []
    /// Collections during the build, and their pauses.
    var buildMinorCollections = 0
    var buildMajorCollections = 0
    var buildPauseP50Seconds = 0.0
    var buildPauseP99Seconds = 0.0
    var buildMaxPauseSeconds = 0.0
    /// Old-space arenas and large objects mapped at the end.
    var oldSpaceMappedBytes = 0
}

/// Child mode: builds one live heap and prints a `LiveHeapReport` as JSON on one line.
func runLiveHeapChild(variant: String, liveMiB: Int, repetitions: Int) -> Never {
    ProcessMemory.resetPeakResidentBytes()
    let startRSS = ProcessMemory.currentResidentBytes
    let treeCount = LiveHeapKernels.treeCount(liveBytes: liveMiB << 20)
    let nodes = treeCount * LiveHeapKernels.nodesPerTree
    var report = LiveHeapReport(variant: variant, liveMiB: liveMiB, trees: treeCount, nodes: nodes,
                                nodeBytes: nodes * AllocationKernels.objectSize, buildCPUSeconds: 0, buildWallSeconds: 0,
                                peakRSSBytes: 0, startRSSBytes: startRSS, finalRSSBytes: 0)
    var keep: [AnyObject] = []
    let wallStart = monotonicSeconds()
    switch variant {
    case "tenure":
        var live: TenureLiveHeap?
        report.buildCPUSeconds = timedCPU { live = TenureLiveHeap(treeCount: treeCount) }
        report.buildWallSeconds = monotonicSeconds() - wallStart
        let heap = live!.heap
        let built = heap.statistics
        report.buildMinorCollections = built.minorCollections
        report.buildMajorCollections = built.majorCollections
        report.buildPauseP50Seconds = built.pauses.percentile(0.5)
        report.buildPauseP99Seconds = built.pauses.percentile(0.99)
        report.buildMaxPauseSeconds = built.maxPause
        heap.collect()
        var walked = 0
        for repetition in 0..<repetitions {
            for step in 0..<2 {
                if (step + repetition) % 2 == 0 {
                    let seconds = timedCPU { heap.collect() }
                    report.collectCPUSeconds.append(seconds)
                    let record = heap.statistics.majorRecords.last!
                    report.collectPauseSeconds.append(record.seconds)
                    report.markedBytes = record.bytesAfter
                } else {
                    report.walkCPUSeconds.append(timedCPU { walked = live!.walk() })
                    precondition(walked == nodes, "walked \(walked) nodes of \(nodes)")
                }
            }
        }
        let final = heap.statistics
        report.oldSpaceMappedBytes = final.arenaBytes + final.largeObjectBytes
        keep.append(live!)
    case "arc":
        var live: SwiftLiveHeap?
        report.buildCPUSeconds = timedCPU { live = SwiftLiveHeap(treeCount: treeCount) }
        keep.append(live!)
    case "malloc":
        var live: MallocLiveHeap?
        report.buildCPUSeconds = timedCPU { live = MallocLiveHeap(treeCount: treeCount) }
        keep.append(live!)
    case "arena":
        var live: ArenaLiveHeap?
        report.buildCPUSeconds = timedCPU { live = ArenaLiveHeap(treeCount: treeCount) }
        keep.append(live!)
    default:
        Options.fail("unknown live-heap variant \(variant)")
    }
    if variant != "tenure" { report.buildWallSeconds = monotonicSeconds() - wallStart }
    report.peakRSSBytes = ProcessMemory.peakResidentBytes
    report.finalRSSBytes = ProcessMemory.currentResidentBytes
    withExtendedLifetime(keep) {}
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try! encoder.encode(report), as: UTF8.self))
    exit(0)
}

/// The live-heap variants, Tenure first.
let liveHeapVariants = ["tenure", "arc", "malloc", "arena"]

/// The children of one live-heap size, by variant.
struct LiveHeapFigures {
    var liveMiB: Int
    var reports: [String: LiveHeapReport] = [:]

    var tenure: LiveHeapReport? { reports["tenure"] }
    /// Median collection: CPU seconds and pause.
    var collectCPU: Series { Series(name: "collect", values: tenure?.collectCPUSeconds ?? []) }
    var collectPause: Series { Series(name: "pause", values: tenure?.collectPauseSeconds ?? []) }
    var walkCPU: Series { Series(name: "walk", values: tenure?.walkCPUSeconds ?? []) }
    /// The `fraction` percentile of the timed collections' pauses, by nearest rank (exact:
    /// there are only a few; with fewer than 100, p99 is the longest).
    func collectPausePercentile(_ fraction: Double) -> Double {
        let sorted = (tenure?.collectPauseSeconds ?? []).sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = max(1, Int((fraction * Double(sorted.count)).rounded(.up)))
        return sorted[min(sorted.count, rank) - 1]
    }
}

/// Runs one child per variant and size.
func measureLiveHeaps(sizesMiB: [Int], repetitions: Int, log: (String) -> Void) -> [LiveHeapFigures] {
    var results: [LiveHeapFigures] = []
    for (index, size) in sizesMiB.enumerated() {
        var figures = LiveHeapFigures(liveMiB: size)
        for step in 0..<liveHeapVariants.count {
            let variant = liveHeapVariants[(step + index) % liveHeapVariants.count]
            let report: LiveHeapReport = runChildProcess(
                arguments: ["--child", "major-gc", variant, "--live-mib", "\(size)", "--major-reps", "\(repetitions)"],
                what: "major-gc \(variant) \(size) MiB")
            figures.reports[variant] = report
            var line = "  live heap \(size) MiB \(variant): build \(fixed(report.buildCPUSeconds, 3)) s CPU, "
                + "peak RSS \(mebibytes(report.peakRSSBytes)) MiB"
            if variant == "tenure" {
                line += ", collect \(fixed(median(report.collectPauseSeconds) * 1000, 1)) ms, "
                    + "walk \(fixed(median(report.walkCPUSeconds) * 1000, 1)) ms"
            }
            log(line)
        }
        results.append(figures)
    }
    return results
}
