// `tenure run binary-trees`: the benchmarks game's binary-trees.
import ArgumentParser
import Tenure
import TenureWorkloads

/// The memory managers binary-trees is written for.
enum BinaryTreesVariantArgument: String, CaseIterable, ExpressibleByArgument {
    case tenure, arc, arena

    var variant: WorkloadVariant {
        switch self {
        case .tenure: return .tenure
        case .arc: return .arc
        case .arena: return .arena
        }
    }
}

/// `tenure run binary-trees [--depth N] [--variant tenure|arc|arena] [--json]`.
struct RunBinaryTreesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "binary-trees",
        abstract: "Build and check binary trees: most die young, one lives long.")

    @Option(name: .long, help: "Depth N of the long-lived tree (the benchmarks game uses 21).")
    var depth: Int = BinaryTrees.standardDepth

    @Option(name: .long, help: "Memory manager: tenure (the collector), arc (Swift classes) or arena (hand-managed lower bound).")
    var variant: BinaryTreesVariantArgument = .tenure

    @OptionGroup var heap: HeapOptions

    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard BinaryTrees.acceptedDepths.contains(depth) else {
            throw ValidationError("invalid --depth \(depth): accepted: \(BinaryTrees.acceptedDepths.lowerBound) to \(BinaryTrees.acceptedDepths.upperBound)")
        }
    }

    func run() throws {
        let printer = ResultPrinter(json: report.json)
        let result = try BinaryTrees.run(variant.variant, depth: depth, configuration: try heap.configuration, output: printer.workloadLine)
        printer.finish(result)
    }
}
