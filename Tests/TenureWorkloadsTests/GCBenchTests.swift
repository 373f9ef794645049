// GCBench at a reduced size: the schedule's lines, equal checksums across
// variants, and the stress heap (collections every few allocations, with
// the verifier on) through the top-down construction's barrier stores.
import Testing
import Tenure
import TenureWorkloads

@Suite struct GCBenchTests {
    /// A size small enough for the stress heap.
    static let tiny = GCBenchSize(stretchTreeDepth: 7, longLivedTreeDepth: 6, arraySize: 600,
                                  minimumTreeDepth: 4, maximumTreeDepth: 6)

    /// The output lines with the millisecond figures removed.
    func withoutTimes(_ lines: [String]) -> [String] {
        lines.map { line in
            guard let range = line.range(of: " took ") ?? line.range(of: "Completed in ") else { return line }
            return String(line[..<range.upperBound])
        }
    }

    func run(_ variant: WorkloadVariant, size: GCBenchSize,
             configuration: HeapConfiguration = HeapConfiguration()) throws -> ([String], WorkloadResult) {
        var lines: [String] = []
        let result = try GCBench.run(variant, size: size, configuration: configuration) { lines.append($0) }
        return (lines, result)
    }

    @Test func tenureAndARCAgree() throws {
        let (tenureLines, tenure) = try run(.tenure, size: .small)
        let (arcLines, arc) = try run(.arc, size: .small)
        #expect(tenure.checksum == GCBench.expectedChecksum(size: .small))
        #expect(arc.checksum == tenure.checksum)
        // Only the live-storage line (node sizes differ) and the times differ.
        let comparable = { (lines: [String]) in self.withoutTimes(lines).filter { !$0.contains("Live storage") } }
        #expect(comparable(tenureLines) == comparable(arcLines))
        #expect(!tenureLines.contains("Failed"))
    }

    @Test func scheduleLines() throws {
        let (lines, _) = try run(.tenure, size: .small)
        let expected = [
            "Garbage Collector Test",
            " Stretching memory with a binary tree of depth 10",
            " Creating a long-lived binary tree of depth 8",
            " Creating a long-lived array of 2000 doubles",
            "Creating 132 trees of depth 4",
            "\tTop down construction took ",
            "\tBottom up construction took ",
            "Creating 32 trees of depth 6",
            "\tTop down construction took ",
            "\tBottom up construction took ",
            "Creating 8 trees of depth 8",
            "\tTop down construction took ",
            "\tBottom up construction took ",
            "Completed in ",
        ]
        #expect(withoutTimes(lines).filter { !$0.contains("Live storage") && !$0.isEmpty } == expected)
    }

    @Test func stressHeap() throws {
        let (lines, result) = try run(.tenure, size: GCBenchTests.tiny, configuration: .stress)
        #expect(result.checksum == GCBench.expectedChecksum(size: GCBenchTests.tiny))
        #expect(!lines.contains("Failed"))
        #expect(result.minorCollections > 50)
        #expect(result.majorCollections > 0)
    }

    @Test func arenaIsRefused() {
        #expect(throws: WorkloadError(parameter: "variant", value: "arena", accepted: "tenure or arc")) {
            try run(.arena, size: .small)
        }
        #expect(WorkloadError(parameter: "variant", value: "arena", accepted: "tenure or arc").description
                == "invalid variant arena: accepted: tenure or arc")
    }

    @Test func badSizeIsRefused() {
        var size = GCBenchSize.small
        size.maximumTreeDepth = 30
        #expect(throws: WorkloadError.self) { try run(.arc, size: size) }
    }
}
