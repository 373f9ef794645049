// The result record: its JSON keys, a round trip, and /proc parsing.
import Foundation
import Testing
import Tenure
@testable import TenureWorkloads

@Suite struct WorkloadResultTests {
    @Test func jsonHasTheDocumentedKeys() throws {
        let result = try BinaryTrees.runTenure(depth: 6) { _ in }
        let object = result.jsonObject
        for key in ["workload", "variant", "wall_seconds", "peak_rss_bytes", "peak_live_bytes",
                    "minor_collections", "major_collections", "gc_seconds", "max_pause_seconds", "checksum"] {
            #expect(object[key] != nil, "missing key \(key)")
        }
        #expect(object["workload"] as? String == "binary-trees")
        #expect(object["variant"] as? String == "tenure")
        #expect((object["checksum"] as? NSNumber)?.intValue == BinaryTrees.expectedOutput(depth: 6).checksum)
        #expect(!result.jsonString().contains("\n"))
    }

    @Test func jsonRoundTrips() throws {
        let result = try BinaryTrees.runArena(depth: 6) { _ in }
        let decoded = try JSONDecoder().decode(WorkloadResult.self, from: Data(result.jsonString().utf8))
        #expect(decoded == result)
    }

    /// Tests run in parallel, so the per-run peak may include other tests' memory: only presence is checked.
    @Test func residentSetIsMeasured() throws {
        let result = try BinaryTrees.runARC(depth: 8) { _ in }
        #if os(Linux)
        #expect(result.peakRSSBytes > 0)
        #expect(result.finalRSSBytes > 0)
        #endif
    }

    @Test func statusLinesAreParsedInBytes() {
        let status = "Name:\ttenure\nVmHWM:\t  123456 kB\nVmRSS:\t    2048 kB\n"
        #expect(ProcessMemory.parseStatusField("VmHWM:", in: status) == 123456 * 1024)
        #expect(ProcessMemory.parseStatusField("VmRSS:", in: status) == 2048 * 1024)
        #expect(ProcessMemory.parseStatusField("VmSwap:", in: status) == nil)
    }
}
