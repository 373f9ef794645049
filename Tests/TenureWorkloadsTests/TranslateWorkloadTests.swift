// The translation model: every phase runs and reports, compiled and
// interpreted JIT loops agree, the heap stays consistent at the strictest
// debug level, and the command line writes the figures with --plot while
// keeping standard output one JSON object and showing no progress on a pipe.
import Foundation
import Testing
@testable import Tenure
@testable import TenureJIT
@testable import TenureWorkloads

@Suite struct TranslateWorkloadTests {
    static var small: TranslateParameters {
        var p = TranslateParameters()
        p.functionsPerScale = 60
        p.loopsPerScale = 10
        p.entriesPerPhase = 50
        p.iterations = 20
        return p
    }

    @Test func everyPhaseRunsAndTheHeapStaysConsistent() throws {
        var c = HeapConfiguration()
        c.nurserySize = 32 << 10
        c.minimumHeapSize = 256 << 10
        c.debugLevel = 1
        var seen: [TranslatePhase] = []
        let result = try TranslateWorkload.run(Self.small, configuration: c, loopLongevity: 15, output: { _ in },
                                               progress: { phase, _ in if seen.last != phase { seen.append(phase) } })
        #expect(seen == TranslatePhase.allCases)
        #expect(result.phases?.map(\.phase) == TranslatePhase.allCases.map(\.rawValue))
        #expect(result.majorCollections > 0 && result.minorCollections > 0)
        let jit = try #require(result.jit)
        #expect(jit.loopsCompiled == 10 * 7 + 20)   // compile_c compiles none; pyjitpl three times as many
        #expect(jit.loopsFreed > 0)
    }

    @Test func compiledAndInterpretedLoopsAgree() throws {
        let native = try TranslateWorkload.run(Self.small, backend: .best, output: { _ in })
        let interpreted = try TranslateWorkload.run(Self.small, backend: .interpreter, output: { _ in })
        #expect(native.checksum == interpreted.checksum)
    }

    @Test func badScaleIsRefused() {
        var p = Self.small
        p.scale = 0
        #expect(throws: WorkloadError.self) { _ = try TranslateWorkload.run(p, output: { _ in }) }
    }

    @Test func commandLinePlotsAndKeepsStandardOutputJSON() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-translate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try TenureExecutable.run(["run", "translate", "--scale", "0.02", "--minimum-heap-size", "1M",
                                                "--nursery-size", "256K", "--plot", directory, "--json"])
        try #require(outcome.status == 0, "exit \(outcome.status): \(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect(object["workload"] as? String == "translate")
        #expect((object["phases"] as? [Any])?.count == 8)
        for file in ["translate.log", "loops.svg", "memory.svg", "index.html"] {
            #expect(FileManager.default.fileExists(atPath: directory + "/" + file), "missing \(file)")
        }
        let log = try String(contentsOfFile: directory + "/translate.log", encoding: .utf8)
        for category in ["gc-minor", "gc-collect", "memory", "jit-mem", "phase"] {
            #expect(log.contains(" \(category) "), "no \(category) line")
        }
        #expect(!outcome.stderr.contains("\r"), "a progress line was written to a file")
        let bad = try TenureExecutable.run(["run", "translate", "--scale", "-1"])
        #expect(bad.status == 2 && bad.stderr.contains("--scale"))
    }
}
