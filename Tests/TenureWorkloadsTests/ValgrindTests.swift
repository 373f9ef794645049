// The built `tenure` executable under Valgrind's Memcheck: no error at all.
//
// A runtime that embeds Tenure must be able to run its own programs under
// `valgrind --error-exitcode=1`; one report from the collector (reading a
// directory entry's name past its terminator gave dozens in the first heap,
// from the cache sizes in sysfs) makes every such run fail. `tenure info`
// reads every machine fact; `tenure run binary-trees` creates heaps, collects
// and tears them down. Without the `--suppressions` of docs/testing.md:
// a plain executable needs none. Where Valgrind is not installed the test
// says so and passes.
import Foundation
import Testing

@Suite struct ValgrindTests {
    /// valgrind's path on PATH, if it is installed.
    static var valgrind: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { $0 + "/valgrind" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test(arguments: [["info"], ["info", "--json"], ["run", "binary-trees", "--depth", "4"]])
    func memcheckFindsNothing(arguments: [String]) throws {
        guard let valgrind = Self.valgrind else {
            print("ValgrindTests: skipped `tenure \(arguments.joined(separator: " "))` under Memcheck: valgrind is not installed (not on PATH)")
            return
        }
        let outcome = try Self.run(valgrind, ["--error-exitcode=1", "--quiet", TenureExecutable.path] + arguments)
        #expect(outcome.status == 0, "valgrind exit \(outcome.status):\n\(outcome.stderr.prefix(4000))")
        #expect(!outcome.stderr.contains("=="), "Memcheck reported:\n\(outcome.stderr.prefix(4000))")
        #expect(!outcome.stdout.isEmpty)
    }

    /// Runs `executable arguments...` with a TENURE_-free copy of this environment, output to files.
    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 300) throws -> TenureExecutable.Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TENURE_") }
        let directory = FileManager.default.temporaryDirectory
        let out = directory.appendingPathComponent("tenure-valgrind-\(UUID().uuidString).out")
        let err = directory.appendingPathComponent("tenure-valgrind-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            Issue.record("valgrind tenure \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
        }
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return TenureExecutable.Outcome(status: process.terminationStatus,
                                        stdout: try String(contentsOf: out, encoding: .utf8),
                                        stderr: try String(contentsOf: err, encoding: .utf8))
    }
}
