// The translation workload: a synthetic model of a compiler pipeline.
//
// Honest about being synthetic: it does not translate anything. It reproduces
// the memory behaviour of the run in the seed (PyPy translating itself):
// eight phases named after PyPy's (annotate, rtype, pyjitpl, backendopt,
// stackcheckinsertion, database_c, source_c, compile_c), each building large
// long-lived flow graphs from a seeded pseudo-random program or rewriting
// the previous phase's (which then die one function at a time), allocating
// many short-lived temporaries, and running hot loops through the JIT host.
// `scale` multiplies the number of functions, so the default run takes
// seconds and `--scale 20` minutes. Phases are logged (category phase) so
// `tenure plot` can draw them as the seed's grey bars.
import Tenure
import TenureJIT

/// The sizes of a translate run.
public struct TranslateParameters: Sendable, Equatable {
    /// Multiplies the number of functions and loops.
    public var scale: Double = 1
    /// Functions at scale 1.
    public var functionsPerScale = 10_000
    /// JIT loops compiled per phase at scale 1 (three times as many in pyjitpl).
    public var loopsPerScale = 400
    /// Loop entries per phase, and iterations of each.
    public var entriesPerPhase = 2000
    public var iterations = 100
    /// The seed of the program.
    public var seed: UInt64 = 2010

    /// The default run.
    public init() {}

    var functions: Int { max(1, Int(Double(functionsPerScale) * scale)) }
    var loopsPerPhase: Int { max(1, Int(Double(loopsPerScale) * scale)) }

    func validate() throws(WorkloadError) {
        guard scale > 0, scale <= 10_000, scale.isFinite else {
            throw WorkloadError(parameter: "scale", value: "\(scale)", accepted: "more than 0, at most 10000")
        }
        try WorkloadError.check("functions per scale", functionsPerScale, in: 1...10_000_000)
        try WorkloadError.check("loops per scale", loopsPerScale, in: 0...1_000_000)
        try WorkloadError.check("entries per phase", entriesPerPhase, in: 0...100_000_000)
        try WorkloadError.check("iterations", iterations, in: 1...100_000_000)
    }
}

/// What one phase did, for the report.
public struct TranslatePhaseReport: Sendable, Equatable, Codable {
    public var phase: String
    public var seconds: Double
    public var functions: Int
    public var operations: Int
    public var oldBytesAfter: Int
    public var loopsAlive: Int
}

/// `tenure run translate`.
public enum TranslateWorkload {
    /// Runs the model. `progress` is called with the phase and the fraction of it done.
    public static func run(
        _ parameters: TranslateParameters = TranslateParameters(), configuration: HeapConfiguration = HeapConfiguration(),
        loopLongevity: Int? = nil, backend: JITBackend = .best,
        output: (String) -> Void, progress: (TranslatePhase, Double) -> Void = { _, _ in }
    ) throws -> WorkloadResult {
        try parameters.validate()
        var phases: [TranslatePhaseReport] = []
        var jit = JITFigures()
        var heapStatistics: HeapStatistics?
        let (checksum, measurement) = try RunMeasurement.measure { () throws -> Int in
            let heap = try Heap(configuration: configuration)
            let host = try JITHost(heap: heap, loopLongevity: loopLongevity, backend: backend)
            var run = try TranslateRun(heap: heap, host: host, parameters: parameters)
            let checksum = try run.execute(output: output, progress: progress, reports: &phases)
            heapStatistics = heap.statistics
            let s = host.statistics
            jit = JITFigures(loopsCompiled: s.loopsCompiled, loopsFreed: s.loopsFreed, loopsAliveMax: s.loopsAliveMax,
                             loopsAliveEnd: s.loopsAlive, codeBytesPeak: s.codeBytesPeak, codeBytesEnd: s.codeBytes,
                             codeBytesMappedPeak: s.codeBytesMappedPeak, codeBytesMappedEnd: s.codeBytesMapped,
                             generations: s.generation, loopsAliveByPhase: phases.map(\.loopsAlive))
            return checksum
        }
        var result = WorkloadResult(
            workload: "translate", variant: .tenure,
            parameters: ["functions": parameters.functions, "loops_per_phase": parameters.loopsPerPhase,
                         "entries_per_phase": parameters.entriesPerPhase, "iterations": parameters.iterations,
                         "scale_percent": Int(parameters.scale * 100)],
            measurement: measurement, peakLiveBytes: heapStatistics?.peakSurvivingBytes ?? 0,
            peakLiveSource: WorkloadResult.survivorsSource, checksum: checksum)
        if let heapStatistics { result.record(heapStatistics) }
        result.jit = jit
        result.phases = phases
        return result
    }
}
