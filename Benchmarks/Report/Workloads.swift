// Goals (c) and (d), binary-trees and GCBench, and the JIT workloads
// translate and loops: each variant in a child process.
//
// Every run is a fresh process (this executable with `--child`), so that a
// run's peak resident set is its own and not what an earlier variant left in
// malloc's free lists. The child runs the workload from TenureWorkloads,
// checks its output against what the workload must print, and prints one
// JSON object: the `WorkloadResult` (the object `tenure run ... --json`
// prints, with the same keys), whether the output was right, and its CPU
// time. translate and loops have no output to check: their variants
// (default settings, loop longevity 0) must agree on the checksum, which the
// report checks across all runs. Variants are interleaved,
// in an order rotated per repetition, and the report takes medians.
import Foundation
import Tenure
import TenureWorkloads

/// What one child process reports.
struct ChildReport: Codable {
    var result: WorkloadResult
    /// The workload printed exactly the lines (binary-trees) or checksum (GCBench) it must.
    var outputCorrect: Bool
    /// User plus system CPU seconds the child spent on the run: less sensitive
    /// than wall time to other processes taking the machine's cores.
    var cpuSeconds: Double
}

/// Child mode: runs one workload variant and prints a `ChildReport` as JSON on one line.
func runChild(workload: String, variant name: String, depth: Int, nurseryBytes: Int?) -> Never {
    var configuration = HeapConfiguration()
    if let nurseryBytes { configuration.nurserySize = nurseryBytes }
    let isJIT = workload == "translate" || workload == "loops"
    guard let variant = isJIT ? WorkloadVariant.tenure : WorkloadVariant(rawValue: name) else {
        Options.fail("unknown variant \(name)")
    }
    var lines: [String] = []
    let report: ChildReport
    let cpuAtStart = processCPUSeconds()
    do {
        switch workload {
        case "binary-trees":
            let result = try BinaryTrees.run(variant, depth: depth, configuration: configuration, output: { lines.append($0) })
            let expected = BinaryTrees.expectedOutput(depth: depth)
            report = ChildReport(result: result, outputCorrect: lines == expected.lines && result.checksum == expected.checksum,
                                 cpuSeconds: processCPUSeconds() - cpuAtStart)
        case "gcbench":
            let result = try GCBench.run(variant, configuration: configuration, output: { lines.append($0) })
            report = ChildReport(result: result,
                                 outputCorrect: result.checksum == GCBench.expectedChecksum(size: .standard),
                                 cpuSeconds: processCPUSeconds() - cpuAtStart)
        case "translate":
            let result = try TranslateWorkload.run(TranslateParameters(), configuration: configuration,
                                                   loopLongevity: jitLongevity(name), output: { lines.append($0) })
            report = ChildReport(result: result, outputCorrect: true, cpuSeconds: processCPUSeconds() - cpuAtStart)
        case "loops":
            let result = try LoopsWorkload.run(LoopsParameters(), configuration: configuration,
                                               loopLongevity: jitLongevity(name), output: { lines.append($0) })
            report = ChildReport(result: result, outputCorrect: true, cpuSeconds: processCPUSeconds() - cpuAtStart)
        default:
            Options.fail("unknown workload \(workload)")
        }
    } catch {
        Options.fail("\(workload) \(name) failed: \(error)")
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try! encoder.encode(report), as: UTF8.self))
    exit(0)
}

/// User plus system CPU seconds of this process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// This executable's path, for the child processes.
func selfExecutablePath() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return CommandLine.arguments[0] }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// The variants of translate and loops: Tenure with default settings, and with loop longevity 0 (never free).
let jitVariants = ["default", "longevity-0"]

/// The loop longevity of a translate or loops variant: "default" (nil: the
/// configuration's, 1000 generations) or "longevity-0" (never free).
func jitLongevity(_ variant: String) -> Int? {
    switch variant {
    case "default": return nil
    case "longevity-0": return 0
    default: Options.fail("unknown variant \(variant): accepted: default, longevity-0")
    }
}

/// The `tenure` command line a translate or loops variant corresponds to.
func tenureCommand(workload: String, variant: String) -> String {
    "tenure run \(workload)" + (variant == "longevity-0" ? " --longevity 0" : "") + " --json"
}

/// Runs this executable with `arguments` and decodes the JSON object on the last line it prints.
func runChildProcess<Report: Decodable>(arguments: [String], what: String) -> Report {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: selfExecutablePath())
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { Options.fail("cannot start a child process: \(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        Options.fail("\(what) exited with status \(process.terminationStatus)")
    }
    let text = String(decoding: data, as: UTF8.self)
    guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else {
        Options.fail("\(what): no report in the child's output: \(text.prefix(500))")
    }
    do {
        return try JSONDecoder().decode(Report.self, from: Data(line.utf8))
    } catch {
        Options.fail("\(what): cannot read the child's report (\(error)) from: \(text.prefix(500))")
    }
}

/// Runs one workload child process and decodes its report.
func runChildProcess(workload: String, variant: String, depth: Int, nurseryBytes: Int?) -> ChildReport {
    runChildProcess(arguments: ["--child", workload, variant, "--depth", "\(depth)"]
                        + (nurseryBytes.map { ["--nursery", "\($0)"] } ?? []),
                    what: "\(workload) \(variant)")
}

/// The runs of one workload, by variant, in the order they ran.
struct WorkloadFigures {
    var workload: String
    var variants: [String]
    var runs: [String: [ChildReport]] = [:]

    func wallSeconds(_ variant: String) -> Series {
        Series(name: variant, values: (runs[variant] ?? []).map(\.result.wallSeconds))
    }

    func cpuSeconds(_ variant: String) -> Series {
        Series(name: variant, values: (runs[variant] ?? []).map(\.cpuSeconds))
    }

    func peakRSS(_ variant: String) -> Series {
        Series(name: variant, values: (runs[variant] ?? []).map { Double($0.result.peakRSSBytes) })
    }

    /// The run whose wall time is the median one (for the figures reported with it).
    func medianRun(_ variant: String) -> ChildReport? {
        let sorted = (runs[variant] ?? []).sorted { $0.result.wallSeconds < $1.result.wallSeconds }
        return sorted.isEmpty ? nil : sorted[(sorted.count - 1) / 2]
    }

    /// Every run printed what it must (translate and loops: every run computed the same checksum).
    var allOutputsCorrect: Bool {
        runs.values.allSatisfy { $0.allSatisfy(\.outputCorrect) } && checksumsAgree
    }

    /// Every run of every variant computed the same checksum (what translate and loops are checked by).
    var checksumsAgree: Bool {
        guard workload == "translate" || workload == "loops" else { return true }
        return Set(runs.values.flatMap { $0.map(\.result.checksum) }).count <= 1
    }

    /// Whether every run of `variant` is right.
    func outputCorrect(_ variant: String) -> Bool {
        (runs[variant] ?? []).allSatisfy(\.outputCorrect) && checksumsAgree
    }
}

/// Runs each variant of `workload` `repetitions` times, interleaved.
func measureWorkload(_ workload: String, variants: [String], depth: Int, nurseryBytes: Int?, repetitions: Int,
                     log: (String) -> Void) -> WorkloadFigures {
    var figures = WorkloadFigures(workload: workload, variants: variants)
    for repetition in 0..<repetitions {
        for step in 0..<variants.count {
            let variant = variants[(step + repetition) % variants.count]
            let report = runChildProcess(workload: workload, variant: variant, depth: depth, nurseryBytes: nurseryBytes)
            figures.runs[variant, default: []].append(report)
            log("  \(workload) \(variant) run \(repetition + 1): \(fixed(report.result.wallSeconds, 3)) s "
                + "(CPU \(fixed(report.cpuSeconds, 3)) s), "
                + "peak RSS \(mebibytes(report.result.peakRSSBytes)) MiB, "
                + "\(report.result.minorCollections) minor / \(report.result.majorCollections) major collections, "
                + "pauses p50 \(fixed(report.result.pauseP50Seconds * 1000, 2)) / p99 \(fixed(report.result.pauseP99Seconds * 1000, 2)) / "
                + "max \(fixed(report.result.maxPauseSeconds * 1000, 2)) ms"
                + (report.outputCorrect ? "" : "  OUTPUT WRONG"))
        }
    }
    return figures
}

/// Objects a run of `workload` allocates, for a throughput figure; nil when there is no such count.
/// binary-trees: every node of every tree (the sum of its checks); GCBench: the stretch and
/// long-lived trees and every temporary tree, built twice at each depth.
func allocatedNodes(workload: String, depth: Int) -> Int? {
    switch workload {
    case "binary-trees":
        return BinaryTrees.expectedOutput(depth: depth).checksum
    case "gcbench":
        let size = GCBenchSize.standard
        var nodes = GCBench.treeSize(size.stretchTreeDepth) + GCBench.treeSize(size.longLivedTreeDepth)
        for d in stride(from: size.minimumTreeDepth, through: size.maximumTreeDepth, by: 2) {
            nodes += 2 * GCBench.iterations(d, size: size) * GCBench.treeSize(d)
        }
        return nodes
    default:
        return nil
    }
}
