// `tenure run translate`: the synthetic model of PyPy translating itself.
//
// Long runs show a progress line on a terminal (standard error, rewritten in
// place) and nothing when standard error is a pipe or a file. `--plot DIR`
// logs every event to DIR/translate.log and then draws its figures there, as
// `tenure plot` does (the seed's two figures, with the phases as grey bars).
import ArgumentParser
import Foundation
import Tenure
import TenureJIT
import TenureWorkloads

/// `tenure run translate [--scale S] [--longevity N] [--json]`.
struct RunTranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "A compiler pipeline model (annotate ... compile_c): big long-lived graphs, temporaries, JIT loops.")

    @Option(name: .long, help: "Size: 1 takes seconds, 20 minutes (multiplies functions and loops).")
    var scale: Double = 1

    @Option(name: .long, help: ArgumentHelp(
        "JIT loop longevity in generations; 0 never frees (default: TENURE_JIT_LOOP_LONGEVITY, else 1000).",
        valueName: "generations"))
    var longevity: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Log every event to DIR/translate.log and draw the figures there (loops.svg, memory.svg, index.html).",
        valueName: "dir"))
    var plot: String?

    @OptionGroup var heap: HeapOptions

    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard scale > 0, scale <= 10_000, scale.isFinite else {
            throw ValidationError("invalid --scale \(scale): accepted: more than 0, at most 10000")
        }
        if let longevity, longevity < 0 {
            throw ValidationError("invalid --longevity \(longevity): accepted: 0 (never free) or more generations")
        }
    }

    func run() throws {
        let printer = ResultPrinter(json: report.json)
        var parameters = TranslateParameters()
        parameters.scale = scale
        let progress = ProgressLine()
        let resolved = try heap.resolved()
        var configuration = resolved.configuration
        var logPath: String?
        if let plot {
            try PlotCommand.makeDirectory(plot)
            logPath = (plot as NSString).appendingPathComponent("translate.log")
            configuration.log = LogSpecification(categories: ["*"], destination: logPath!)
        }
        let result = try TranslateWorkload.run(
            parameters, configuration: configuration, loopLongevity: longevity ?? JITHost.loopLongevity(in: resolved),
            output: { line in progress.clear(); printer.workloadLine(line) },
            progress: { phase, fraction in progress.show("[translate] \(phase.rawValue) \(Int(fraction * 100))%") })
        progress.clear()
        printer.finish(result)
        if let plot, let logPath {
            // With --json, standard output stays one JSON object: file names go to standard error.
            try PlotCommand.parse([logPath, "--output", plot] + (report.json ? ["--quiet"] : [])).run()
        }
    }
}

/// A progress line on standard error when it is a terminal, rewritten in place.
final class ProgressLine {
    private let enabled = isatty(2) != 0
    private var shown = false
    private var last = ""

    func show(_ text: String) {
        guard enabled, text != last else { return }
        last = text
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        shown = true
    }

    func clear() {
        guard enabled, shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
        last = ""
    }
}
