// The command line of tenure-bench-report.
//
//     tenure-bench-report [--depth N] [--workload-reps N] [--gcbench-reps N] [--micro-reps N]
//                         [--skip-workloads] [--nursery BYTES] [--write PATH] [--command TEXT]
//     tenure-bench-report --child binary-trees|gcbench tenure|arc|arena [--depth N] [--nursery BYTES]
//
// --nursery changes the nursery of the Tenure workload runs only (goals (a)
// and (b) always use the default configuration); the goals are stated for
// the default configuration, so a report written with it says so.
//
// The second form is how the report runs each workload: in a child process
// of its own, so that each run's peak resident set is its own.
import Foundation

/// What the report was asked to do.
struct Options {
    /// binary-trees depth (the goal is stated at 21).
    var depth = 21
    /// Runs of each binary-trees variant (the median is reported).
    var workloadRepetitions = 3
    /// Runs of each GCBench variant: a run takes a fraction of a second, so
    /// more of them keep its median steady on a shared machine.
    var gcbenchRepetitions = 11
    /// Runs of each micro-benchmark loop (the median is reported).
    var microRepetitions = 9
    /// Skip binary-trees and GCBench (goals c and d).
    var skipWorkloads = false
    /// Where to write the Markdown report; nil: print only.
    var writePath: String?
    /// The command line to record in the report (run.sh passes its own).
    var command: String?
    /// Nursery size for the Tenure workload runs; nil: the default configuration.
    var nurseryBytes: Int?
    /// Child mode: the workload and variant to run once.
    var child: (workload: String, variant: String)?

    static let usage = """
        usage: tenure-bench-report [--depth N] [--workload-reps N] [--gcbench-reps N] [--micro-reps N]
                                   [--skip-workloads] [--nursery BYTES] [--write PATH] [--command TEXT]
        """

    /// Parses `arguments` (without the program name); exits with a message on a bad one.
    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var rest = arguments[...]
        func value(_ name: String) -> String {
            guard let v = rest.popFirst() else { fail("\(name) needs a value") }
            return v
        }
        func number(_ name: String, _ range: ClosedRange<Int>) -> Int {
            let text = value(name)
            guard let n = Int(text), range.contains(n) else {
                fail("invalid \(name) \(text): accepted: \(range.lowerBound) to \(range.upperBound)")
            }
            return n
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--depth": options.depth = number("--depth", 4...24)
            case "--workload-reps": options.workloadRepetitions = number("--workload-reps", 1...99)
            case "--gcbench-reps": options.gcbenchRepetitions = number("--gcbench-reps", 1...99)
            case "--micro-reps": options.microRepetitions = number("--micro-reps", 1...999)
            case "--skip-workloads": options.skipWorkloads = true
            case "--nursery": options.nurseryBytes = number("--nursery", 64...(1 << 36))
            case "--write": options.writePath = value("--write")
            case "--command": options.command = value("--command")
            case "--child":
                let workload = value("--child")
                options.child = (workload, value("--child"))
            case "--help", "-h":
                print(usage)
                exit(0)
            default: fail("unknown argument \(argument)")
            }
        }
        return options
    }

    static func fail(_ message: String) -> Never {
        var standardError = StandardError()
        print("tenure-bench-report: \(message)\n\(usage)", to: &standardError)
        exit(2)
    }
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
