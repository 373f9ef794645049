// SOM's own conformance suite, in place, every test class: once with the
// default heap, once under a stress configuration that collects every few
// kilobytes with checked mode on (every store checked, the emptied nursery
// poisoned), so that each SOM test runs across many collections.
import Testing
@testable import TenureSOM

@Suite(.serialized) struct TestSuiteTests {
    static func check(_ run: SOMRun) {
        #expect(run.status == 0, "exit status \(run.status); errors:\n\(run.errors)\noutput tail:\n\(run.output.suffix(2000))")
        #expect(run.output.contains("Number of unsupported optionals: 0"), "\(run.output.suffix(1500))")
        // Every test passes: the harness prints failures by suite, and the successful count equals the total.
        let lines = run.output.split(separator: "\n")
        func figure(_ prefix: String) -> String? {
            lines.first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: " ").last.map(String.init) }
        }
        let total = figure("Total number of tests:")
        let passed = figure("Number of successful tests:")
        #expect(total != nil && total == passed, "total \(String(describing: total)), passed \(String(describing: passed))")
        #expect(!run.output.contains("Failures:"), "\(run.output)")
    }

    @Test func theWholeSuitePasses() {
        guard SOMMaterial.isPresent else {
            print(SOMMaterial.skipMessage)
            return
        }
        let run = SOMRunner.run([SOMMaterial.testSuite + "/TestHarness.som"], classPath: [SOMMaterial.smalltalk])
        Self.check(run)
        print("SOM TestSuite: \(run.output.split(separator: "\n").suffix(4).joined(separator: "; "))")
    }

    @Test func theWholeSuitePassesUnderStress() {
        guard SOMMaterial.isPresent else {
            print(SOMMaterial.skipMessage)
            return
        }
        let run = SOMRunner.run([SOMMaterial.testSuite + "/TestHarness.som"], classPath: [SOMMaterial.smalltalk],
                                configuration: SOMRunner.stress)
        Self.check(run)
        #expect(run.statistics.minorCollections > 100, "only \(run.statistics.minorCollections) minor collections")
        print("SOM TestSuite under stress: \(run.statistics.minorCollections) minor and \(run.statistics.majorCollections) major collections")
    }
}
