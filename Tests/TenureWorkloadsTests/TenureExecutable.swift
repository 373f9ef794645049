// The built `tenure` executable, run as a child process by the CLI tests.
//
// The child's environment is this process's without its TENURE_ variables
// (plus what a test adds), so a developer's own settings do not change the
// outcome; output goes to files, so nothing blocks on a full pipe.
import Foundation
import Testing

/// The built `tenure` executable, run as a child process.
enum TenureExecutable {
    /// The test runner is built next to the executable (.build/<triple>/<configuration>/).
    static var path: String {
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return runner.deletingLastPathComponent().appendingPathComponent("tenure").path
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `tenure arguments...` with `environment` added to a TENURE_-free copy of ours.
    static func run(_ arguments: [String], environment: [String: String] = [:],
                    timeout: TimeInterval = 60) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TENURE_") }
        env.merge(environment) { _, new in new }
        process.environment = env
        // Files rather than pipes: nothing can block on a full pipe.
        let directory = FileManager.default.temporaryDirectory
        let out = directory.appendingPathComponent("tenure-info-\(UUID().uuidString).out")
        let err = directory.appendingPathComponent("tenure-info-\(UUID().uuidString).err")
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
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            Issue.record("tenure \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
        }
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return Outcome(status: process.terminationStatus,
                       stdout: try String(contentsOf: out, encoding: .utf8),
                       stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// `tenure info --json ...`, parsed.
    static func info(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> [String: Any] {
        let outcome = try run(["info", "--json"] + arguments, environment: environment)
        try #require(outcome.status == 0, "exit \(outcome.status): \(outcome.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8))
        return try #require(object as? [String: Any])
    }
}

