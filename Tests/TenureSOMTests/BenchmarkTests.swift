// The 14 Are We Fast Yet benchmarks at small iteration counts (each checks its
// own result and the harness stops with an error when it is wrong), and the
// GC-heavy ones once more under the stress configuration.
import Testing
@testable import TenureSOM

struct AWFYCase: Sendable, CustomTestStringConvertible {
    let name: String
    let inner: Int
    var testDescription: String { "\(name) \(inner)" }
}

@Suite struct BenchmarkTests {
    /// The inner iterations of awfy/test.conf (the ones each benchmark can verify).
    static let cases: [AWFYCase] = [
        ("DeltaBlue", 1), ("Richards", 1), ("Json", 1), ("CD", 10), ("Havlak", 1), ("Bounce", 1), ("List", 1),
        ("Mandelbrot", 1), ("NBody", 1), ("Permute", 1), ("Queens", 1), ("Sieve", 1), ("Storage", 1), ("Towers", 1),
    ].map { AWFYCase(name: $0.0, inner: $0.1) }
    static let gcHeavy = cases.filter { ["Storage", "Havlak", "CD", "Json", "DeltaBlue", "List"].contains($0.name) }

    static func run(_ c: AWFYCase, stress: Bool) {
        guard SOMMaterial.isPresent else {
            print(SOMMaterial.skipMessage)
            return
        }
        var configuration = SOMRunner.stress
        configuration.debugLevel = 1     // the verifier around major collections only: these allocate a lot
        configuration.nurserySize = 16 << 10
        configuration.youngLargeObjectLimit = 4 << 10
        let run = SOMRunner.run([SOMMaterial.awfy + "/Harness.som", c.name, "1", "\(c.inner)"],
                                classPath: SOMMaterial.benchmarkClassPath,
                                configuration: stress ? configuration : .init())
        #expect(run.status == 0, "\(c.name): status \(run.status)\n\(run.errors)\n\(run.output.suffix(800))")
        #expect(run.output.contains("\(c.name): iterations=1 runtime:"), "\(run.output.suffix(800))")
        #expect(!run.output.contains("ERROR"), "\(run.output.suffix(800))")
        if stress {
            print("\(c.name) under stress: \(run.statistics.minorCollections) minor, \(run.statistics.majorCollections) major collections")
        }
    }

    @Test(arguments: cases)
    func benchmarkVerifiesItsResult(_ c: AWFYCase) { Self.run(c, stress: false) }

    @Test(arguments: gcHeavy)
    func gcHeavyBenchmarkUnderStress(_ c: AWFYCase) { Self.run(c, stress: true) }
}
