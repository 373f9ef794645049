// Pause percentiles from the histogram are within a bucket (6%) of the exact
// ones, the maximum is exact, and a heap's statistics record every pause.
import SeededRandom
import Testing
@testable import Tenure

@Suite struct PauseHistogramTests {
    @Test func percentilesAreWithinABucketOfTheExactOnes() {
        var random = SplitMix64(seed: 7)
        var histogram = PauseHistogram()
        var exact: [Double] = []
        for _ in 0..<10_000 {
            let pause = 1e-6 * Double(1 + random.below(100_000))   // 1 µs to 100 ms
            histogram.record(pause)
            exact.append(pause)
        }
        exact.sort()
        for p in [0.5, 0.9, 0.99] {
            let truth = exact[Int((p * Double(exact.count)).rounded(.up)) - 1]
            let estimate = histogram.percentile(p)
            #expect(estimate >= truth * 0.999 && estimate <= truth * 1.07, "p\(p): \(estimate) vs \(truth)")
        }
        #expect(histogram.maximum == exact.last)
        #expect(histogram.percentile(1.0) == exact.last)
        #expect(PauseHistogram().percentile(0.5) == 0)
    }

    @Test func heapStatisticsCountEveryPause() throws {
        var c = HeapConfiguration()
        c.nurserySize = 4096
        let heap = try Heap(configuration: c)
        let leaf = try heap.register(.object("Leaf", references: 0, words: 1))
        for _ in 0..<10_000 { _ = try heap.allocate(leaf) }
        heap.collect()
        let s = heap.statistics
        #expect(s.minorPauses.count == s.minorCollections)
        #expect(s.majorPauses.count == s.majorCollections)
        #expect(s.pauses.count == s.minorCollections + s.majorCollections)
        #expect(s.pauses.maximum == s.maxPause)
        #expect(s.pauses.percentile(0.5) <= s.pauses.percentile(0.99))
    }
}
