// The loops workload: a JIT compiling loops over phases, as in the seed.
//
// PyPy's memory grew through a translation because the JIT kept every loop
// it ever compiled. This workload models that life: a program runs in
// phases; each phase builds its own data (a linked list of nodes, which dies
// when the phase ends), compiles its own hot loops (walks that class-guard
// and sum the list, builders that allocate temporaries, updaters that store
// young objects into the old list through the write barrier, and callers
// that enter another loop of the phase), and runs them many times. A few
// core loops compiled at the start are entered in every phase. Early phases
// compile many loops, later ones few, so that with loop longevity the code
// held falls once the early phases' loops are dropped, while with longevity
// 0 (never free) it only grows. Everything is seeded: a run is reproducible.
import Tenure
import TenureJIT

/// The sizes of a loops run.
public struct LoopsParameters: Sendable, Equatable {
    /// Number of phases.
    public var phases: Int = 60
    /// Loops compiled per phase in the first half of the run, and in the second.
    public var loopsPerEarlyPhase: Int = 60
    public var loopsPerLatePhase: Int = 12
    /// Loop entries per phase, and iterations of each entered loop.
    public var entriesPerPhase: Int = 400
    public var iterations: Int = 1000
    /// Nodes in each phase's list.
    public var listLength: Int = 100_000
    /// Core loops entered in every phase.
    public var coreLoops: Int = 4
    /// The seed of the loop mix.
    public var seed: UInt64 = 1

    /// The default run (a few seconds).
    public init() {}

    func validate() throws(WorkloadError) {
        try WorkloadError.check("phases", phases, in: 1...100_000)
        try WorkloadError.check("loops per early phase", loopsPerEarlyPhase, in: 1...100_000)
        try WorkloadError.check("loops per late phase", loopsPerLatePhase, in: 1...100_000)
        try WorkloadError.check("entries per phase", entriesPerPhase, in: 0...100_000_000)
        try WorkloadError.check("iterations", iterations, in: 1...100_000_000)
        try WorkloadError.check("list length", listLength, in: 1...100_000_000)
        try WorkloadError.check("core loops", coreLoops, in: 0...1000)
    }
}

/// `tenure run loops`.
public enum LoopsWorkload {
    /// Runs the workload on a Tenure heap with a JIT host and reports GC and JIT figures.
    public static func run(
        _ parameters: LoopsParameters = LoopsParameters(), configuration: HeapConfiguration = HeapConfiguration(),
        loopLongevity: Int? = nil, generations: GenerationClock = .tracingStarts, backend: JITBackend = .best,
        output: (String) -> Void
    ) throws -> WorkloadResult {
        try parameters.validate()
        var figures = LoopsFigures()
        let (checksum, measurement) = try RunMeasurement.measure { () throws -> Int in
            let heap = try Heap(configuration: configuration)
            let host = try JITHost(heap: heap, loopLongevity: loopLongevity, generations: generations, backend: backend)
            var run = try LoopsRun(heap: heap, host: host, parameters: parameters)
            let checksum = try run.execute(output: output, figures: &figures)
            figures.heap = heap.statistics
            return checksum
        }
        var result = WorkloadResult(
            workload: "loops", variant: .tenure,
            parameters: ["phases": parameters.phases, "loops_per_early_phase": parameters.loopsPerEarlyPhase,
                         "loops_per_late_phase": parameters.loopsPerLatePhase, "entries_per_phase": parameters.entriesPerPhase,
                         "iterations": parameters.iterations, "loop_longevity": figures.longevity],
            measurement: measurement, peakLiveBytes: figures.heap?.peakSurvivingBytes ?? 0,
            peakLiveSource: WorkloadResult.survivorsSource, checksum: checksum)
        if let statistics = figures.heap { result.record(statistics) }
        result.jit = figures.jit
        return result
    }
}

/// What a loops run gathers besides its checksum.
struct LoopsFigures {
    var heap: HeapStatistics?
    var jit = JITFigures()
    var longevity = 0
}

/// The JIT figures of a run, as `tenure run loops --json` reports them.
public struct JITFigures: Codable, Sendable, Equatable {
    public var loopsCompiled = 0
    public var loopsFreed = 0
    public var loopsAliveMax = 0
    public var loopsAliveEnd = 0
    public var codeBytesPeak = 0
    public var codeBytesEnd = 0
    public var codeBytesMappedPeak = 0
    public var codeBytesMappedEnd = 0
    public var generations = 0
    /// Loops alive at the end of each phase.
    public var loopsAliveByPhase: [Int] = []

    enum CodingKeys: String, CodingKey {
        case loopsCompiled = "loops_compiled"
        case loopsFreed = "loops_freed"
        case loopsAliveMax = "loops_alive_max"
        case loopsAliveEnd = "loops_alive_end"
        case codeBytesPeak = "code_bytes_peak"
        case codeBytesEnd = "code_bytes_end"
        case codeBytesMappedPeak = "code_bytes_mapped_peak"
        case codeBytesMappedEnd = "code_bytes_mapped_end"
        case generations
        case loopsAliveByPhase = "loops_alive_by_phase"
    }
}
