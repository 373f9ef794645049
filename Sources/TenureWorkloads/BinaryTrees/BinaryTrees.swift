// binary-trees, the benchmarks game's allocation benchmark (after Boehm's GCBench).
//
// The program: build a "stretch" tree of depth N+1, check it and drop it;
// build a long-lived tree of depth N and keep it; then for d = 4, 6, ..., N
// build 2^(N-d+4) trees of depth d bottom-up, check each (count its nodes)
// and drop it; finally check the long-lived tree. Almost every object dies
// young, while a large tree stays alive the whole time: the nursery does
// nearly all the work and the old generation must not be traced needlessly.
//
// The schedule and the output are shared; each memory manager supplies its
// trees through `BinaryTreesStore`. Output lines match the benchmarks game's
// reference output exactly (tab-separated), e.g. for N = 10:
//
//     stretch tree of depth 11	 check: 4095
//     1024	 trees of depth 4	 check: 31744
//     ...
//     long lived tree of depth 10	 check: 2047

import Tenure

/// The binary-trees workload in each of its variants.
public enum BinaryTrees {
    /// The workload's name in results and on the command line.
    public static let name = "binary-trees"
    /// The depth the benchmarks game measures at.
    public static let standardDepth = 21
    /// The smallest temporary trees built.
    public static let minimumDepth = 4
    /// Depths a run accepts (a tree of depth 28 already holds 512 Mi nodes).
    public static let acceptedDepths = 0...28

    /// Runs the workload on a Tenure heap created with `configuration`.
    public static func runTenure(
        depth: Int, configuration: HeapConfiguration = HeapConfiguration(), output: (String) -> Void
    ) throws -> WorkloadResult {
        try WorkloadError.check("depth", depth, in: acceptedDepths)
        let ((checksum, statistics), measurement) = try RunMeasurement.measure { () throws -> (Int, HeapStatistics) in
            let heap = try Heap(configuration: configuration)
            var trees = try TenureTrees(heap: heap)
            let checksum = try drive(&trees, depth: depth, output: output)
            return (checksum, heap.statistics)
        }
        var result = WorkloadResult(
            workload: name, variant: .tenure, parameters: ["depth": depth], measurement: measurement,
            peakLiveBytes: statistics.peakSurvivingBytes, peakLiveSource: WorkloadResult.survivorsSource,
            checksum: checksum)
        result.record(statistics)
        return result
    }

    /// Runs the workload with Swift `final class` nodes freed by reference counting.
    public static func runARC(depth: Int, output: (String) -> Void) throws -> WorkloadResult {
        try WorkloadError.check("depth", depth, in: acceptedDepths)
        let (checksum, measurement) = try RunMeasurement.measure { () throws(HeapError) -> Int in
            var trees = ARCTrees()
            return try drive(&trees, depth: depth, output: output)
        }
        return WorkloadResult(
            workload: name, variant: .arc, parameters: ["depth": depth], measurement: measurement,
            peakLiveBytes: peakLiveNodes(depth: depth) * ARCTrees.nodeBytes,
            peakLiveSource: WorkloadResult.analyticalSource, checksum: checksum)
    }

    /// Runs the workload with nodes bump-allocated in raw arenas, each released
    /// in one step as soon as its tree is dead: the lower bound.
    public static func runArena(depth: Int, output: (String) -> Void) throws -> WorkloadResult {
        try WorkloadError.check("depth", depth, in: acceptedDepths)
        let (checksum, measurement) = try RunMeasurement.measure { () throws(HeapError) -> Int in
            var trees = ArenaTrees(largestTemporaryTree: nodes(depth: largestTemporaryDepth(depth: depth)))
            defer { trees.release() }
            return try drive(&trees, depth: depth, output: output)
        }
        return WorkloadResult(
            workload: name, variant: .arena, parameters: ["depth": depth], measurement: measurement,
            peakLiveBytes: peakLiveNodes(depth: depth) * ArenaTrees.nodeBytes,
            peakLiveSource: WorkloadResult.analyticalSource, checksum: checksum)
    }

    /// Runs the workload in `variant`; `configuration` is used by the Tenure variant only.
    public static func run(
        _ variant: WorkloadVariant, depth: Int, configuration: HeapConfiguration = HeapConfiguration(),
        output: (String) -> Void
    ) throws -> WorkloadResult {
        switch variant {
        case .tenure: return try runTenure(depth: depth, configuration: configuration, output: output)
        case .arc: return try runARC(depth: depth, output: output)
        case .arena: return try runArena(depth: depth, output: output)
        }
    }

    // MARK: The schedule

    /// The depth of the long-lived tree and of the deepest temporary trees for `depth` N.
    public static func maximumDepth(depth: Int) -> Int { max(minimumDepth + 2, depth) }

    /// Nodes in a complete tree of `depth` (a single node has depth 0).
    public static func nodes(depth: Int) -> Int { (1 << (depth + 1)) - 1 }

    /// The deepest temporary tree built after the long-lived one.
    static func largestTemporaryDepth(depth: Int) -> Int {
        let maxDepth = maximumDepth(depth: depth)
        return maxDepth - (maxDepth - minimumDepth) % 2
    }

    /// The most nodes alive at once: the stretch tree, or the long-lived tree
    /// with the deepest temporary tree.
    public static func peakLiveNodes(depth: Int) -> Int {
        let maxDepth = maximumDepth(depth: depth)
        return max(nodes(depth: maxDepth + 1), nodes(depth: maxDepth) + nodes(depth: largestTemporaryDepth(depth: depth)))
    }

    /// The output lines and checksum every variant must produce (computed, not run).
    public static func expectedOutput(depth: Int) -> (lines: [String], checksum: Int) {
        let maxDepth = maximumDepth(depth: depth)
        var lines = ["stretch tree of depth \(maxDepth + 1)\t check: \(nodes(depth: maxDepth + 1))"]
        var checksum = nodes(depth: maxDepth + 1)
        for d in stride(from: minimumDepth, through: maxDepth, by: 2) {
            let iterations = 1 << (maxDepth - d + minimumDepth)
            lines.append("\(iterations)\t trees of depth \(d)\t check: \(iterations * nodes(depth: d))")
            checksum += iterations * nodes(depth: d)
        }
        lines.append("long lived tree of depth \(maxDepth)\t check: \(nodes(depth: maxDepth))")
        checksum += nodes(depth: maxDepth)
        return (lines, checksum)
    }

    /// Runs the benchmark's schedule on `trees`, printing its lines; returns the sum of all checks.
    static func drive<Store: BinaryTreesStore>(
        _ trees: inout Store, depth: Int, output: (String) -> Void
    ) throws(HeapError) -> Int {
        let maxDepth = maximumDepth(depth: depth)
        let stretchDepth = maxDepth + 1
        let stretchCheck = try trees.checkTemporaryTree(depth: stretchDepth)
        output("stretch tree of depth \(stretchDepth)\t check: \(stretchCheck)")
        var checksum = stretchCheck

        try trees.buildLongLivedTree(depth: maxDepth)
        for d in stride(from: minimumDepth, through: maxDepth, by: 2) {
            let iterations = 1 << (maxDepth - d + minimumDepth)
            var check = 0
            for _ in 0..<iterations {
                check &+= try trees.checkTemporaryTree(depth: d)
            }
            output("\(iterations)\t trees of depth \(d)\t check: \(check)")
            checksum &+= check
        }
        let longLivedCheck = trees.checkLongLivedTree()
        output("long lived tree of depth \(maxDepth)\t check: \(longLivedCheck)")
        return checksum &+ longLivedCheck
    }
}

/// One memory manager's trees, as the shared schedule uses them.
protocol BinaryTreesStore {
    /// Builds a tree of `depth` bottom-up, counts its nodes, and lets it die.
    mutating func checkTemporaryTree(depth: Int) throws(HeapError) -> Int
    /// Builds the long-lived tree of `depth` and keeps it until the end.
    mutating func buildLongLivedTree(depth: Int) throws(HeapError)
    /// Counts the nodes of the long-lived tree.
    func checkLongLivedTree() -> Int
}
