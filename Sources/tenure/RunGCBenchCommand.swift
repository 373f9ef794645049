// `tenure run gcbench`: the Ellis-Kovac-Boehm GCBench at its standard sizes.
import ArgumentParser
import Tenure
import TenureWorkloads

/// The memory managers GCBench is written for.
enum GCBenchVariantArgument: String, CaseIterable, ExpressibleByArgument {
    case tenure, arc

    var variant: WorkloadVariant {
        switch self {
        case .tenure: return .tenure
        case .arc: return .arc
        }
    }
}

/// `tenure run gcbench [--variant tenure|arc] [--json]`.
struct RunGCBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gcbench",
        abstract: "GCBench: trees built top-down (the write barrier's test) and bottom-up beside long-lived data.")

    @Option(name: .long, help: "Memory manager: tenure (the collector) or arc (Swift classes).")
    var variant: GCBenchVariantArgument = .tenure

    @OptionGroup var heap: HeapOptions

    @OptionGroup var report: ReportOptions

    func run() throws {
        let printer = ResultPrinter(json: report.json)
        let result = try GCBench.run(variant.variant, size: .standard, configuration: try heap.configuration, output: printer.workloadLine)
        printer.finish(result)
    }
}
