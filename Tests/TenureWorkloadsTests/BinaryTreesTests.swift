// binary-trees in every variant: the benchmarks game's exact output and
// equal checksums, on the default heap and on a stress heap that collects
// every few allocations with the verifier on.
import Testing
import Tenure
import TenureWorkloads

@Suite struct BinaryTreesTests {
    /// Runs a variant and returns its output lines with its result.
    func run(_ variant: WorkloadVariant, depth: Int,
             configuration: HeapConfiguration = HeapConfiguration()) throws -> ([String], WorkloadResult) {
        var lines: [String] = []
        let result = try BinaryTrees.run(variant, depth: depth, configuration: configuration) { lines.append($0) }
        return (lines, result)
    }

    @Test func referenceOutputAtDepthTen() {
        // The benchmarks game's published output for N = 10.
        let expected = [
            "stretch tree of depth 11\t check: 4095",
            "1024\t trees of depth 4\t check: 31744",
            "256\t trees of depth 6\t check: 32512",
            "64\t trees of depth 8\t check: 32704",
            "16\t trees of depth 10\t check: 32752",
            "long lived tree of depth 10\t check: 2047",
        ]
        #expect(BinaryTrees.expectedOutput(depth: 10).lines == expected)
    }

    @Test(arguments: [WorkloadVariant.tenure, .arc, .arena], [6, 8, 10])
    func everyVariantPrintsTheReferenceOutput(variant: WorkloadVariant, depth: Int) throws {
        let (lines, result) = try run(variant, depth: depth)
        let expected = BinaryTrees.expectedOutput(depth: depth)
        #expect(lines == expected.lines)
        #expect(result.checksum == expected.checksum)
        #expect(result.workload == "binary-trees")
        #expect(result.variant == variant.rawValue)
        #expect(result.parameters == ["depth": depth])
    }

    @Test func smallDepthsRunAtTheMinimumSchedule() throws {
        // Below 6 the benchmark still builds trees of depth 4 and 6.
        let (lines, result) = try run(.tenure, depth: 2)
        #expect(lines == BinaryTrees.expectedOutput(depth: 6).lines)
        #expect(result.checksum == BinaryTrees.expectedOutput(depth: 6).checksum)
    }

    @Test func stressHeapGivesTheSameOutput() throws {
        let (lines, result) = try run(.tenure, depth: 6, configuration: .stress)
        #expect(lines == BinaryTrees.expectedOutput(depth: 6).lines)
        #expect(result.checksum == BinaryTrees.expectedOutput(depth: 6).checksum)
        #expect(result.minorCollections > 100)
        #expect(result.majorCollections > 0)
        #expect(result.peakLiveBytes > 0)
    }

    @Test func tenureRecordsCollectorFigures() throws {
        var configuration = HeapConfiguration()
        configuration.nurserySize = 64 << 10
        configuration.youngLargeObjectLimit = 16 << 10
        let (_, result) = try run(.tenure, depth: 12, configuration: configuration)
        #expect(result.minorCollections > 0)
        #expect(result.nurseryBytesAllocated > 0)
        #expect(result.bytesPromoted > 0)
        #expect(result.gcSeconds > 0)
        #expect(result.maxPauseSeconds > 0)
        #expect(result.maxPauseSeconds <= result.gcSeconds)
        #expect(result.peakLiveSource == "major-collection-survivors")
    }

    @Test func analyticalPeakLiveOfTheOtherVariants() throws {
        // Depth 10: the stretch tree (4095 nodes) beats the long-lived tree and
        // the largest temporary tree (2047 + 2047 nodes).
        #expect(BinaryTrees.peakLiveNodes(depth: 10) == 4095)
        let (_, arena) = try run(.arena, depth: 10)
        #expect(arena.peakLiveBytes == 4095 * 16)
        #expect(arena.peakLiveSource == "analytical")
        let (_, arc) = try run(.arc, depth: 10)
        #expect(arc.peakLiveBytes == 4095 * 32)
        #expect(arc.minorCollections == 0 && arc.gcSeconds == 0)
    }

    @Test func depthOutOfRangeIsRefused() {
        #expect(throws: WorkloadError.self) { try run(.tenure, depth: 40) }
        #expect(throws: WorkloadError.self) { try run(.arena, depth: -1) }
    }
}
