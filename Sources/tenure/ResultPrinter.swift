// How `tenure run` shows a result: the workload's lines then a summary, or JSON.
//
// Without --json the workload's own output is printed as it happens, then a
// summary block with each figure human-readable and raw. With --json the
// workload's output is dropped and exactly one JSON object is printed, so
// that the output can be piped straight into a JSON reader.
import Foundation
import TenureWorkloads

/// Prints a workload's lines and its result.
struct ResultPrinter {
    /// Print only the JSON object.
    let json: Bool

    /// Prints one line of the workload's own output (nothing with --json).
    func workloadLine(_ line: String) {
        if !json { print(line) }
    }

    /// Prints the result: the JSON object, or the summary block.
    func finish(_ result: WorkloadResult) {
        if json {
            print(result.jsonString())
        } else {
            print("")
            for line in ResultPrinter.summary(of: result) { print(line) }
        }
    }

    /// The summary block's lines.
    static func summary(of result: WorkloadResult) -> [String] {
        let parameters = result.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let gcShare = result.wallSeconds > 0 ? 100 * result.gcSeconds / result.wallSeconds : 0
        var rows: [(String, String)] = [
            ("workload", "\(result.workload) (\(result.variant))" + (parameters.isEmpty ? "" : " " + parameters.joined(separator: " "))),
            ("wall time", "\(fixed(result.wallSeconds, 3)) s"),
            ("minor collections", "\(result.minorCollections)"),
            ("major collections", "\(result.majorCollections)"),
            ("GC time", "\(fixed(result.gcSeconds, 3)) s (\(fixed(gcShare, 1))% of wall; minor \(fixed(result.minorSeconds, 3)) s, major \(fixed(result.majorSeconds, 3)) s)"),
            ("max pause", "\(fixed(result.maxPauseSeconds * 1000, 3)) ms (minor \(fixed(result.minorMaxPauseSeconds * 1000, 3)) ms, major \(fixed(result.majorMaxPauseSeconds * 1000, 3)) ms)"),
            ("pauses", "p50 \(fixed(result.pauseP50Seconds * 1000, 3)) ms, p99 \(fixed(result.pauseP99Seconds * 1000, 3)) ms"),
            ("peak RSS", bytes(result.peakRSSBytes) + (result.peakRSSIsPerRun ? "" : " (process peak: reset refused)")),
            ("peak live", bytes(result.peakLiveBytes) + " (\(result.peakLiveSource))"),
        ]
        if result.variant == "tenure" {
            rows.append(("promoted", bytes(result.bytesPromoted)))
            rows.append(("old space peak", bytes(result.arenaBytesPeak + result.largeObjectBytesPeak)))
        }
        if let jit = result.jit {
            rows.append(("loops compiled", "\(jit.loopsCompiled) (\(jit.loopsFreed) freed, \(jit.generations) generations)"))
            rows.append(("loops alive", "max \(jit.loopsAliveMax), at end \(jit.loopsAliveEnd)"))
            rows.append(("code bytes", "peak \(bytes(jit.codeBytesPeak)), at end \(bytes(jit.codeBytesEnd))"))
            rows.append(("code mapped", "peak \(bytes(jit.codeBytesMappedPeak)), at end \(bytes(jit.codeBytesMappedEnd))"))
        }
        rows.append(("checksum", "\(result.checksum)"))
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { name, value in
            name + ":" + String(repeating: " ", count: width - name.count + 2) + value
        }
    }

    /// "123.4 MiB (129394688 bytes)".
    static func bytes(_ count: Int) -> String {
        "\(fixed(Double(count) / 1_048_576, 1)) MiB (\(count) bytes)"
    }

    /// `value` with `digits` digits after the point.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
