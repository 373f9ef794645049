// The command line of tenure-bench-report.
//
//     tenure-bench-report [--depth N] [--workload-reps N] [--gcbench-reps N] [--micro-reps N]
//                         [--survival-reps N] [--major-reps N] [--major-sizes MIB,...] [--jit-reps N]
//                         [--skip SECTION,...] [--skip-workloads] [--nursery BYTES]
//                         [--write PATH] [--command TEXT]
//     tenure-bench-report --child binary-trees|gcbench tenure|arc|arena [--depth N] [--nursery BYTES]
//     tenure-bench-report --child translate|loops default|longevity-0 [--nursery BYTES]
//     tenure-bench-report --child major-gc tenure|arc|malloc|arena --live-mib N [--major-reps N]
//
// --nursery changes the nursery of the Tenure workload runs only (goals (a)
// and (b), the batch, survival, identity-hash and live-heap sections always
// use the default configuration); the goals are stated for the default
// configuration, so a report written with it says so.
//
// --skip leaves out sections (comma-separated): batch, minor, hash, major,
// translate, loops, binary-trees, gcbench; `new` stands for the first six
// (everything but goals a-d), `workloads` for binary-trees and gcbench (as
// --skip-workloads does). Goals (a) and (b) always run.
//
// The later forms are how the report runs each workload and each live heap:
// in a child process of its own, so that each run's peak resident set is its
// own.
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
    /// Runs of each variant of the survival loops (minor collections at 0, 10, 50 % survival).
    var survivalRepetitions = 5
    /// Timed major collections (and walks) per live-heap size, in one child process.
    var majorRepetitions = 5
    /// Live-heap sizes in MiB for the major-collection section.
    var majorSizesMiB = [16, 64, 256]
    /// Runs of each translate and loops variant.
    var jitRepetitions = 5
    /// Sections left out (see `Options.sections`).
    var skipped: Set<String> = []
    /// Child mode of major-gc: the live heap's size in MiB.
    var liveMiB = 16
    /// Where to write the Markdown report; nil: print only.
    var writePath: String?
    /// The command line to record in the report (run.sh passes its own).
    var command: String?
    /// Nursery size for the Tenure workload runs; nil: the default configuration.
    var nurseryBytes: Int?
    /// Child mode: the workload and variant to run once.
    var child: (workload: String, variant: String)?

    /// The sections --skip names.
    static let sections = ["batch", "minor", "hash", "major", "translate", "loops", "binary-trees", "gcbench"]
    /// The sections `new` stands for: everything but goals (a)-(d).
    static let newSections = ["batch", "minor", "hash", "major", "translate", "loops"]

    /// Whether `section` runs.
    func runs(_ section: String) -> Bool { !skipped.contains(section) }

    static let usage = """
        usage: tenure-bench-report [--depth N] [--workload-reps N] [--gcbench-reps N] [--micro-reps N]
                                   [--survival-reps N] [--major-reps N] [--major-sizes MIB,...] [--jit-reps N]
                                   [--skip SECTION,...] [--skip-workloads] [--nursery BYTES]
                                   [--write PATH] [--command TEXT]
               sections for --skip: \(sections.joined(separator: ", ")); new (batch, minor, hash,
                                   major, translate, loops), workloads (binary-trees, gcbench)
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
            case "--survival-reps": options.survivalRepetitions = number("--survival-reps", 1...99)
            case "--major-reps": options.majorRepetitions = number("--major-reps", 1...99)
            case "--jit-reps": options.jitRepetitions = number("--jit-reps", 1...99)
            case "--live-mib": options.liveMiB = number("--live-mib", 1...65536)
            case "--major-sizes":
                let text = value("--major-sizes")
                let sizes = text.split(separator: ",").map { Int($0) }
                guard !sizes.isEmpty, sizes.allSatisfy({ $0.map { (1...65536).contains($0) } ?? false }) else {
                    fail("invalid --major-sizes \(text): accepted: comma-separated MiB, each 1 to 65536")
                }
                options.majorSizesMiB = sizes.map { $0! }
            case "--skip":
                let text = value("--skip")
                for name in text.split(separator: ",").map(String.init) {
                    switch name {
                    case "new": options.skipped.formUnion(newSections)
                    case "workloads": options.skipped.formUnion(["binary-trees", "gcbench"])
                    case _ where sections.contains(name): options.skipped.insert(name)
                    default: fail("invalid --skip \(name): accepted: \(sections.joined(separator: ", ")), new, workloads")
                    }
                }
            case "--skip-workloads": options.skipped.formUnion(["binary-trees", "gcbench"])
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
