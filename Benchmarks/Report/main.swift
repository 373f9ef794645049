// tenure-bench-report: measures each of Tenure's performance goals against its
// baseline in one run and writes the figures and ratios as Markdown.
//
// Goals (a) allocation and (b) write barrier run in this process; goals (c)
// binary-trees and (d) GCBench run each variant in a child process (this
// program with `--child`). See Options.swift for the command line and
// Benchmarks/run.sh for the usual way to run it.
import BenchKernels
import Foundation

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))

if let child = options.child {
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

var binaryTrees: WorkloadFigures?
var gcBench: WorkloadFigures?
if !options.skipWorkloads {
    log("(c) binary-trees depth \(options.depth), \(options.workloadRepetitions) repetitions")
    binaryTrees = measureWorkload("binary-trees", variants: ["arena", "tenure", "arc"], depth: options.depth,
                                  nurseryBytes: options.nurseryBytes, repetitions: options.workloadRepetitions, log: log)
    log("(d) GCBench, \(options.gcbenchRepetitions) repetitions")
    gcBench = measureWorkload("gcbench", variants: ["tenure", "arc"], depth: options.depth,
                              nurseryBytes: options.nurseryBytes, repetitions: options.gcbenchRepetitions, log: log)
}

let report = ReportData(options: options, machine: machine, date: date, allocation: allocation, barrier: barrier,
                        binaryTrees: binaryTrees, gcBench: gcBench, totalSeconds: monotonicSeconds() - started)
print(report.goalsTable)
if let path = options.writePath {
    do {
        try report.markdown.write(toFile: path, atomically: true, encoding: .utf8)
        log("wrote \(path)")
    } catch {
        Options.fail("cannot write \(path): \(error)")
    }
}
let outputsWrong = [binaryTrees, gcBench].compactMap { $0 }.contains { !$0.allOutputsCorrect }
if outputsWrong {
    log("a workload printed wrong output: see the report")
    exit(1)
}
