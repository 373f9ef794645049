// The loops workload: loops stay bounded with loop longevity and grow without
// it, compiled and interpreted runs agree, and the command line reports the
// JIT figures (loops compiled, alive, code bytes) in its JSON.
import Foundation
import Testing
@testable import Tenure
@testable import TenureJIT
@testable import TenureWorkloads

@Suite struct LoopsWorkloadTests {
    static var small: LoopsParameters {
        var p = LoopsParameters()
        p.phases = 16
        p.loopsPerEarlyPhase = 20
        p.loopsPerLatePhase = 4
        p.entriesPerPhase = 40
        p.iterations = 50
        p.listLength = 500
        return p
    }

    static var configuration: HeapConfiguration {
        var c = HeapConfiguration()
        c.nurserySize = 64 << 10
        c.minimumHeapSize = 256 << 10
        return c
    }

    @Test func longevityBoundsLiveLoops() throws {
        let kept = try LoopsWorkload.run(Self.small, configuration: Self.configuration, loopLongevity: 0) { _ in }
        let freed = try LoopsWorkload.run(Self.small, configuration: Self.configuration, loopLongevity: 40) { _ in }
        let keptJIT = try #require(kept.jit)
        let freedJIT = try #require(freed.jit)
        #expect(keptJIT.loopsCompiled == freedJIT.loopsCompiled)
        #expect(keptJIT.loopsFreed == 0)
        #expect(keptJIT.loopsAliveEnd == keptJIT.loopsCompiled)
        #expect(freedJIT.loopsFreed > 0)
        #expect(freedJIT.loopsAliveMax < keptJIT.loopsAliveMax)
        #expect(freedJIT.loopsAliveEnd < freedJIT.loopsAliveMax)
        #expect(freedJIT.codeBytesEnd < freedJIT.codeBytesPeak || JITBackend.best == .interpreter)
        #expect(kept.checksum == freed.checksum)
        #expect(freed.majorCollections > 0)
    }

    @Test func compiledAndInterpretedRunsAgree() throws {
        let native = try LoopsWorkload.run(Self.small, configuration: Self.configuration, backend: .best) { _ in }
        let interpreted = try LoopsWorkload.run(Self.small, configuration: Self.configuration, backend: .interpreter) { _ in }
        #expect(native.checksum == interpreted.checksum)
        #expect(native.jit?.loopsAliveByPhase == interpreted.jit?.loopsAliveByPhase)
    }

    @Test func commandLineReportsTheJITFigures() throws {
        let outcome = try TenureExecutable.run(["run", "loops", "--phases", "2", "--iterations", "20", "--json"])
        try #require(outcome.status == 0, "exit \(outcome.status): \(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        for key in ["loops_compiled", "loops_alive_max", "loops_alive_end", "code_bytes_peak", "code_bytes_end",
                    "workload", "wall_seconds", "peak_rss_bytes", "checksum"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["workload"] as? String == "loops")
        let bad = try TenureExecutable.run(["run", "loops", "--longevity", "-1"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--longevity"))
        let badEnv = try TenureExecutable.run(["run", "loops", "--phases", "1"], environment: ["TENURE_JIT_LOOP_LONGEVITY": "soon"])
        #expect(badEnv.status == 2)
        #expect(badEnv.stderr.contains("TENURE_JIT_LOOP_LONGEVITY"))
    }
}
