// `tenure run loops`: a JIT compiling loops over phases, with loop longevity.
import ArgumentParser
import Tenure
import TenureJIT
import TenureWorkloads

/// What advances the loop memory manager's generation, as typed on the command line.
enum GenerationClockArgument: String, CaseIterable, ExpressibleByArgument {
    case tracing, major

    var clock: GenerationClock { self == .tracing ? .tracingStarts : .majorCollections }
}

/// The JIT backend, as typed on the command line.
enum BackendArgument: String, CaseIterable, ExpressibleByArgument {
    case native, interpreter

    var backend: JITBackend { self == .native ? .best : .interpreter }
}

/// `tenure run loops [--phases N] [--longevity N] [--generations tracing|major] [--backend native|interpreter] [--json]`.
struct RunLoopsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loops",
        abstract: "Compile and run JIT loops over phases; loops not entered for --longevity generations are freed.")

    @Option(name: .long, help: "Number of phases (each builds data, compiles loops and runs them).")
    var phases: Int = LoopsParameters().phases

    @Option(name: .long, help: "Iterations of each loop entry.")
    var iterations: Int = LoopsParameters().iterations

    @Option(name: .long, help: ArgumentHelp(
        "Generations a loop is kept after its last entry; 0 never frees (default: TENURE_JIT_LOOP_LONGEVITY, else 1000).",
        valueName: "generations"))
    var longevity: Int?

    @Option(name: .long, help: "What a generation is: tracing (each start of tracing, PyPy) or major (each major collection, V8).")
    var generations: GenerationClockArgument = .tracing

    @Option(name: .long, help: "native (x86-64 machine code) or interpreter (the IR interpreter).")
    var backend: BackendArgument = .native

    @OptionGroup var heap: HeapOptions

    @OptionGroup var report: ReportOptions

    func validate() throws {
        if let longevity, longevity < 0 {
            throw ValidationError("invalid --longevity \(longevity): accepted: 0 (never free) or more generations")
        }
        guard (1...100_000).contains(phases) else { throw ValidationError("invalid --phases \(phases): accepted: 1 to 100000") }
        guard (1...100_000_000).contains(iterations) else {
            throw ValidationError("invalid --iterations \(iterations): accepted: 1 to 100000000")
        }
    }

    func run() throws {
        let printer = ResultPrinter(json: report.json)
        var parameters = LoopsParameters()
        parameters.phases = phases
        parameters.iterations = iterations
        let resolved = try heap.resolved()
        let result = try LoopsWorkload.run(parameters, configuration: resolved.configuration,
                                           loopLongevity: longevity ?? JITHost.loopLongevity(in: resolved),
                                           generations: generations.clock, backend: backend.backend,
                                           output: printer.workloadLine)
        printer.finish(result)
    }
}
