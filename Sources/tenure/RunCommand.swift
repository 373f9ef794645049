// `tenure run WORKLOAD`: runs one workload in one variant and reports it.
//
// Each workload is a subcommand of its own, since their options differ:
// binary-trees has a depth and an arena variant, GCBench has neither.
import ArgumentParser

/// `tenure run`.
struct RunCommand: ParsableCommand, NamedSubcommands {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a workload and report its time, collections, pauses and memory.",
        subcommands: [RunBinaryTreesCommand.self, RunGCBenchCommand.self, RunLoopsCommand.self, RunTranslateCommand.self])

    static let subcommandKind = "workload"
}

/// Options every workload takes.
struct ReportOptions: ParsableArguments {
    @Flag(name: .long, help: "Print only one JSON object with the figures (no workload output).")
    var json = false
}
