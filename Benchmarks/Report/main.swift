// tenure-bench-report: measures each of Tenure's performance goals against its
// baseline in one run and writes the figures and ratios as Markdown.
//
// Goals (a) allocation and (b) write barrier, the batch pattern against
// malloc/free, the minor-collection survival loops and the identity hash run
// in this process; goals (c) binary-trees and (d) GCBench, the live heaps of
// the major collections, and translate and loops run each variant in a child
// process (this program with `--child`). See Options.swift for the command
// line and Benchmarks/run.sh for the usual way to run it.
import BenchKernels
import Foundation

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))

if let child = options.child {
    if child.workload == "major-gc" {
        runLiveHeapChild(variant: child.variant, liveMiB: options.liveMiB, repetitions: options.majorRepetitions)
    }
    runChild(workload: child.workload, variant: child.variant, depth: options.depth, nurseryBytes: options.nurseryBytes)
}

func log(_ line: String) {
    var standardError = StandardError()
    print(line, to: &standardError)
}

let started = monotonicSeconds()
let date = Date()
let machine = Machine.current()
log("tenure-bench-report: \(machine.cpuModel), \(machine.logicalCores) cores, \(machine.swiftVersion)")

log("(a) allocation, \(options.microRepetitions) repetitions")
let allocation = measureAllocation(repetitions: options.microRepetitions, log: log)
log("(b) write barrier, \(options.microRepetitions) repetitions")
let barrier = measureBarrier(repetitions: options.microRepetitions, log: log)

var batch: BatchFigures?
if options.runs("batch") {
    log("batch allocation against malloc/free, \(options.microRepetitions) repetitions")
    batch = measureBatch(repetitions: options.microRepetitions, log: log)
}
var survival: [SurvivalFigures] = []
if options.runs("minor") {
    log("minor collections at 0, 10, 50 % survival, \(options.survivalRepetitions) repetitions")
    survival = measureSurvival(repetitions: options.survivalRepetitions, log: log)
}
var identityHash: IdentityHashFigures?
if options.runs("hash") {
    log("identity hash: old, young and moved objects, and minor collections of hashed survivors, "
        + "\(options.microRepetitions) repetitions")
    identityHash = measureIdentityHash(repetitions: options.microRepetitions, log: log)
}
var liveHeaps: [LiveHeapFigures] = []
if options.runs("major") {
    log("major collections, live heaps of \(options.majorSizesMiB.map(String.init).joined(separator: ", ")) MiB, "
        + "\(options.majorRepetitions) collections each")
    liveHeaps = measureLiveHeaps(sizesMiB: options.majorSizesMiB, repetitions: options.majorRepetitions, log: log)
}

var binaryTrees: WorkloadFigures?
var gcBench: WorkloadFigures?
if options.runs("binary-trees") {
    log("(c) binary-trees depth \(options.depth), \(options.workloadRepetitions) repetitions")
    binaryTrees = measureWorkload("binary-trees", variants: ["arena", "tenure", "arc"], depth: options.depth,
                                  nurseryBytes: options.nurseryBytes, repetitions: options.workloadRepetitions, log: log)
}
if options.runs("gcbench") {
    log("(d) GCBench, \(options.gcbenchRepetitions) repetitions")
    gcBench = measureWorkload("gcbench", variants: ["tenure", "arc"], depth: options.depth,
                              nurseryBytes: options.nurseryBytes, repetitions: options.gcbenchRepetitions, log: log)
}
var translate: WorkloadFigures?
var loops: WorkloadFigures?
if options.runs("translate") {
    log("translate (scale 1), \(options.jitRepetitions) repetitions")
    translate = measureWorkload("translate", variants: jitVariants, depth: options.depth,
                                nurseryBytes: options.nurseryBytes, repetitions: options.jitRepetitions, log: log)
}
if options.runs("loops") {
    log("loops, \(options.jitRepetitions) repetitions")
    loops = measureWorkload("loops", variants: jitVariants, depth: options.depth,
                            nurseryBytes: options.nurseryBytes, repetitions: options.jitRepetitions, log: log)
}

let figuresDirectory = options.writePath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("figures").path }
let report = ReportData(options: options, machine: machine, date: date, allocation: allocation, barrier: barrier,
                        batch: batch, survival: survival, identityHash: identityHash, liveHeaps: liveHeaps,
                        binaryTrees: binaryTrees, gcBench: gcBench, translate: translate, loops: loops,
                        figuresDirectory: figuresDirectory, totalSeconds: monotonicSeconds() - started)
print(report.goalsTable)
print("")
print(report.baselineSummary)
if let path = options.writePath {
    do {
        try report.markdown.write(toFile: path, atomically: true, encoding: .utf8)
        log("wrote \(path)")
    } catch {
        Options.fail("cannot write \(path): \(error)")
    }
}
let outputsWrong = [binaryTrees, gcBench, translate, loops].compactMap { $0 }.contains { !$0.allOutputsCorrect }
if outputsWrong {
    log("a workload printed wrong output: see the report")
    exit(1)
}
