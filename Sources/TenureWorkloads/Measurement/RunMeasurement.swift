// The frame every workload run is measured in.
//
// Resets the process's peak resident set, starts the stopwatch, runs the
// workload, and stops both before the result is assembled, so that each
// variant is measured the same way: from its first allocation to the release
// of its last byte.

/// What a run measured around the workload itself.
struct RunMeasurement {
    /// Wall seconds of the run.
    var wallSeconds: Double
    /// Peak and final resident set in bytes.
    var peakRSSBytes: Int
    var finalRSSBytes: Int
    /// Whether the peak was reset before the run.
    var peakRSSIsPerRun: Bool

    /// Measures `body`, which returns what the workload computed.
    static func measure<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> (T, RunMeasurement) {
        let reset = ProcessMemory.resetPeakResidentBytes()
        let stopwatch = Stopwatch()
        let value = try body()
        let seconds = stopwatch.elapsedSeconds
        let measurement = RunMeasurement(
            wallSeconds: seconds, peakRSSBytes: ProcessMemory.peakResidentBytes,
            finalRSSBytes: ProcessMemory.currentResidentBytes, peakRSSIsPerRun: reset)
        return (value, measurement)
    }
}

extension WorkloadResult {
    /// A result from a run's measurement; collector figures are added with `record(_:)`.
    init(workload: String, variant: WorkloadVariant, parameters: [String: Int], measurement: RunMeasurement,
         peakLiveBytes: Int, peakLiveSource: String, checksum: Int) {
        self.init(workload: workload, variant: variant.rawValue, parameters: parameters,
                  wallSeconds: measurement.wallSeconds, peakRSSBytes: measurement.peakRSSBytes,
                  peakRSSIsPerRun: measurement.peakRSSIsPerRun, finalRSSBytes: measurement.finalRSSBytes,
                  peakLiveBytes: peakLiveBytes, peakLiveSource: peakLiveSource, checksum: checksum)
    }

    /// `peakLiveSource` of the Tenure variants.
    static let survivorsSource = "major-collection-survivors"
    /// `peakLiveSource` of the ARC and arena variants.
    static let analyticalSource = "analytical"
}
