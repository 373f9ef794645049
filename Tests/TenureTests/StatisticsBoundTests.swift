// A long-running runtime must not leak through its statistics: millions of
// major collections of a small heap used to add a record each, forever
// (77 MiB of RSS after two million). Only the last records are kept; the
// totals, pause histograms and the last surviving bytes stay exact.
import Testing
@testable import Tenure

@Suite struct StatisticsBoundTests {
    @Test func majorRecordsKeepAWindow() throws {
        let heap = try Heap(configuration: Configs.everyAllocation())
        let types = try CommonTypes(heap)
        let kept = heap.pushRoot(try heap.node(types, id: 1))
        let majors = 3 * HeapStatistics.recentMajorLimit + 17
        for _ in 0..<majors { heap.collect() }
        let s = heap.statistics
        #expect(s.majorCollections == majors)
        #expect(s.majorRecords.count == HeapStatistics.recentMajorLimit)
        #expect(s.majorPauses.count == majors)
        #expect(s.lastSurvivingBytes == 40 && s.majorRecords.last?.bytesAfter == 40)
        // The window is the newest records, oldest first.
        let stamps = s.majorRecords.map(\.timestamp)
        #expect(stamps == stamps.sorted())
        // The internal buffer is bounded too (at most twice the window between trims).
        #expect(heap.state.pointee.statistics.majorRecords.count < 2 * HeapStatistics.recentMajorLimit)
        #expect(kept.object.nodeID == 1)
        heap.popRoots()
    }
}
