// GCBench, the Ellis-Kovac-Boehm collector benchmark.
//
// The program: build a stretch tree of depth 18 and drop it; build a
// long-lived tree of depth 16 top-down and an array of 500,000 doubles (half
// filled with 1/i) and keep both; then for depths 4, 6, ..., 16 build
// 2 x nodes(18) / nodes(d) temporary trees twice: top-down (`Populate`:
// children are allocated and stored into an existing, possibly older, node,
// which is what the write barrier is for) and bottom-up (`MakeTree`). A node
// holds two references and two integers.
//
// The schedule and output are shared; each memory manager supplies its
// trees through `GCBenchStore`. Output lines follow the C version's (times in
// msec vary from run to run). The checksum is the node count of the stretch
// tree, of the last tree of each depth built each way, and of the long-lived
// tree at the end, plus 1000 when array[1000] still holds 1/1000.

import Tenure

/// The sizes of a GCBench run.
public struct GCBenchSize: Sendable, Equatable {
    /// Depth of the tree built first and dropped.
    public var stretchTreeDepth: Int
    /// Depth of the tree kept for the whole run.
    public var longLivedTreeDepth: Int
    /// Doubles in the long-lived array.
    public var arraySize: Int
    /// Depth of the smallest temporary trees (depths go from it to the maximum, step 2).
    public var minimumTreeDepth: Int
    /// Depth of the largest temporary trees.
    public var maximumTreeDepth: Int

    /// A size with every figure given.
    public init(stretchTreeDepth: Int, longLivedTreeDepth: Int, arraySize: Int,
                minimumTreeDepth: Int, maximumTreeDepth: Int) {
        self.stretchTreeDepth = stretchTreeDepth
        self.longLivedTreeDepth = longLivedTreeDepth
        self.arraySize = arraySize
        self.minimumTreeDepth = minimumTreeDepth
        self.maximumTreeDepth = maximumTreeDepth
    }

    /// The benchmark's own sizes: 18, 16, 500,000 doubles, depths 4 to 16.
    public static let standard = GCBenchSize(
        stretchTreeDepth: 18, longLivedTreeDepth: 16, arraySize: 500_000, minimumTreeDepth: 4, maximumTreeDepth: 16)

    /// A small run for tests: 10, 8, 2,000 doubles, depths 4 to 8.
    public static let small = GCBenchSize(
        stretchTreeDepth: 10, longLivedTreeDepth: 8, arraySize: 2_000, minimumTreeDepth: 4, maximumTreeDepth: 8)

    /// The index of the array element checked at the end.
    var checkedIndex: Int { min(1000, arraySize / 2 - 1) }

    /// Throws unless every figure is in range.
    func validate() throws(WorkloadError) {
        try WorkloadError.check("stretch tree depth", stretchTreeDepth, in: 0...26)
        try WorkloadError.check("long-lived tree depth", longLivedTreeDepth, in: 0...26)
        try WorkloadError.check("array size", arraySize, in: 4...(1 << 30))
        try WorkloadError.check("minimum tree depth", minimumTreeDepth, in: 0...stretchTreeDepth)
        try WorkloadError.check("maximum tree depth", maximumTreeDepth, in: minimumTreeDepth...stretchTreeDepth)
    }

    /// The parameters recorded in a result.
    var parameters: [String: Int] {
        ["stretch_tree_depth": stretchTreeDepth, "long_lived_tree_depth": longLivedTreeDepth,
         "array_size": arraySize, "min_tree_depth": minimumTreeDepth, "max_tree_depth": maximumTreeDepth]
    }
}

/// The GCBench workload in each of its variants.
public enum GCBench {
    /// The workload's name in results and on the command line.
    public static let name = "gcbench"

    /// Runs the benchmark on a Tenure heap created with `configuration`.
    public static func runTenure(
        size: GCBenchSize = .standard, configuration: HeapConfiguration = HeapConfiguration(),
        output: (String) -> Void
    ) throws -> WorkloadResult {
        try size.validate()
        let ((checksum, statistics), measurement) = try RunMeasurement.measure { () throws -> (Int, HeapStatistics) in
            let heap = try Heap(configuration: configuration)
            var trees = try TenureGCBenchTrees(heap: heap)
            let checksum = try drive(&trees, size: size, output: output)
            return (checksum, heap.statistics)
        }
        var result = WorkloadResult(
            workload: name, variant: .tenure, parameters: size.parameters, measurement: measurement,
            peakLiveBytes: statistics.peakSurvivingBytes, peakLiveSource: WorkloadResult.survivorsSource,
            checksum: checksum)
        result.record(statistics)
        return result
    }

    /// Runs the benchmark with Swift `final class` nodes and a Swift array.
    public static func runARC(size: GCBenchSize = .standard, output: (String) -> Void) throws -> WorkloadResult {
        try size.validate()
        let (checksum, measurement) = try RunMeasurement.measure { () throws -> Int in
            var trees = ARCGCBenchTrees()
            return try drive(&trees, size: size, output: output)
        }
        return WorkloadResult(
            workload: name, variant: .arc, parameters: size.parameters, measurement: measurement,
            peakLiveBytes: peakLiveBytes(size: size, nodeBytes: ARCGCBenchTrees.nodeBytes),
            peakLiveSource: WorkloadResult.analyticalSource, checksum: checksum)
    }

    /// Runs the benchmark in `variant` (tenure or arc); `configuration` is used by the Tenure variant only.
    public static func run(
        _ variant: WorkloadVariant, size: GCBenchSize = .standard,
        configuration: HeapConfiguration = HeapConfiguration(), output: (String) -> Void
    ) throws -> WorkloadResult {
        switch variant {
        case .tenure: return try runTenure(size: size, configuration: configuration, output: output)
        case .arc: return try runARC(size: size, output: output)
        case .arena:
            throw WorkloadError(parameter: "variant", value: variant.rawValue,
                                accepted: variants.map(\.rawValue).joined(separator: " or "))
        }
    }

    /// The variants GCBench is written for.
    public static let variants: [WorkloadVariant] = [.tenure, .arc]

    // MARK: The schedule

    /// Nodes in a complete tree of `depth`.
    public static func treeSize(_ depth: Int) -> Int { (1 << (depth + 1)) - 1 }

    /// Temporary trees built each way at `depth`.
    public static func iterations(_ depth: Int, size: GCBenchSize) -> Int {
        2 * treeSize(size.stretchTreeDepth) / treeSize(depth)
    }

    /// The checksum every variant must compute for `size`.
    public static func expectedChecksum(size: GCBenchSize) -> Int {
        var sum = treeSize(size.stretchTreeDepth) + treeSize(size.longLivedTreeDepth) + 1000
        for d in stride(from: size.minimumTreeDepth, through: size.maximumTreeDepth, by: 2) {
            sum += 2 * treeSize(d)
        }
        return sum
    }

    /// The most bytes alive at once if a node takes `nodeBytes` (doubles take 8):
    /// the stretch tree, or the long-lived tree and array with the largest temporary tree.
    static func peakLiveBytes(size: GCBenchSize, nodeBytes: Int) -> Int {
        let steady = treeSize(size.longLivedTreeDepth) + treeSize(size.maximumTreeDepth)
        return max(treeSize(size.stretchTreeDepth), steady) * nodeBytes + 8 * size.arraySize
    }

    /// Runs the benchmark's schedule on `trees`, printing its lines; returns the checksum.
    static func drive<Store: GCBenchStore>(
        _ trees: inout Store, size: GCBenchSize, output: (String) -> Void
    ) throws(HeapError) -> Int {
        output("Garbage Collector Test")
        output(" Live storage will peak at \(peakLiveBytes(size: size, nodeBytes: Store.nodeBytes)) bytes.")
        output("")
        output(" Stretching memory with a binary tree of depth \(size.stretchTreeDepth)")
        let total = Stopwatch()
        var checksum = try trees.checkStretchTree(depth: size.stretchTreeDepth)

        output(" Creating a long-lived binary tree of depth \(size.longLivedTreeDepth)")
        try trees.buildLongLivedTree(depth: size.longLivedTreeDepth)
        output(" Creating a long-lived array of \(size.arraySize) doubles")
        try trees.buildLongLivedArray(count: size.arraySize)

        for depth in stride(from: size.minimumTreeDepth, through: size.maximumTreeDepth, by: 2) {
            let count = iterations(depth, size: size)
            output("Creating \(count) trees of depth \(depth)")
            var phase = Stopwatch()
            checksum &+= try trees.buildTopDown(depth: depth, count: count)
            output("\tTop down construction took \(phase.elapsedMilliseconds) msec")
            phase = Stopwatch()
            checksum &+= try trees.buildBottomUp(depth: depth, count: count)
            output("\tBottom up construction took \(phase.elapsedMilliseconds) msec")
        }

        let element = trees.arrayElement(size.checkedIndex)
        let longLivedCheck = trees.checkLongLivedTree()
        if longLivedCheck != treeSize(size.longLivedTreeDepth) || element != 1.0 / Double(size.checkedIndex) {
            output("Failed")
        } else {
            checksum &+= 1000
        }
        checksum &+= longLivedCheck
        output("Completed in \(total.elapsedMilliseconds) msec")
        return checksum
    }
}

/// One memory manager's GCBench objects, as the shared schedule uses them.
protocol GCBenchStore {
    /// Bytes of one node, for the live-storage line.
    static var nodeBytes: Int { get }
    /// Builds the stretch tree bottom-up, counts its nodes and lets it die.
    mutating func checkStretchTree(depth: Int) throws(HeapError) -> Int
    /// Builds the long-lived tree top-down and keeps it.
    mutating func buildLongLivedTree(depth: Int) throws(HeapError)
    /// Allocates the long-lived array of doubles, fills its first half with 1/i, and keeps it.
    mutating func buildLongLivedArray(count: Int) throws(HeapError)
    /// Builds `count` trees top-down; returns the node count of the last one.
    mutating func buildTopDown(depth: Int, count: Int) throws(HeapError) -> Int
    /// Builds `count` trees bottom-up; returns the node count of the last one.
    mutating func buildBottomUp(depth: Int, count: Int) throws(HeapError) -> Int
    /// Element `index` of the long-lived array.
    func arrayElement(_ index: Int) -> Double
    /// Counts the nodes of the long-lived tree.
    func checkLongLivedTree() -> Int
}
