// Goals (c) and (d): binary-trees and GCBench, each variant in a child process.
//
// Every run is a fresh process (this executable with `--child`), so that a
// run's peak resident set is its own and not what an earlier variant left in
// malloc's free lists. The child runs the workload from TenureWorkloads,
// checks its output against what the workload must print, and prints one
// JSON object: the `WorkloadResult`, whether the output was right, and its
// CPU time. Variants are interleaved,
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
    guard let variant = WorkloadVariant(rawValue: name) else { Options.fail("unknown variant \(name)") }
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

/// Runs one child process and decodes its report.
func runChildProcess(workload: String, variant: String, depth: Int, nurseryBytes: Int?) -> ChildReport {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: selfExecutablePath())
    process.arguments = ["--child", workload, variant, "--depth", "\(depth)"]
        + (nurseryBytes.map { ["--nursery", "\($0)"] } ?? [])
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { Options.fail("cannot start a child process: \(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        Options.fail("\(workload) \(variant) exited with status \(process.terminationStatus)")
    }
    let text = String(decoding: data, as: UTF8.self)
    guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
          let report = try? JSONDecoder().decode(ChildReport.self, from: Data(line.utf8)) else {
        Options.fail("\(workload) \(variant): cannot read the child's report from: \(text.prefix(500))")
    }
    return report
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

    /// Every run printed what it must.
    var allOutputsCorrect: Bool { runs.values.allSatisfy { $0.allSatisfy(\.outputCorrect) } }
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
                + "\(report.result.minorCollections) minor / \(report.result.majorCollections) major collections"
                + (report.outputCorrect ? "" : "  OUTPUT WRONG"))
        }
    }
    return figures
}
