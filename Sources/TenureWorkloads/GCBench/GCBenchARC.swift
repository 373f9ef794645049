// GCBench with Swift classes and a Swift array, freed by reference counting.
//
// A node is a `final class` instance: Swift's 16-byte object header, two
// references and two integers, 48 bytes. Top-down construction assigns
// children to an existing node's `var` fields; bottom-up construction passes
// them to the initializer. The array is a `[Double]`.

/// A GCBench node freed by reference counting.
final class ARCGCBenchNode {
    var left: ARCGCBenchNode?
    var right: ARCGCBenchNode?
    var i = 0
    var j = 0

    init(left: ARCGCBenchNode? = nil, right: ARCGCBenchNode? = nil) {
        self.left = left
        self.right = right
    }
}

/// The reference-counted GCBench objects.
struct ARCGCBenchTrees: GCBenchStore {
    static let nodeBytes = 48

    private var longLived: ARCGCBenchNode?
    private var array: [Double] = []

    /// Gives `parent` two new children, and each of them a subtree of `depth - 1`, top-down.
    static func populate(_ depth: Int, _ parent: ARCGCBenchNode) {
        if depth <= 0 { return }
        let left = ARCGCBenchNode()
        let right = ARCGCBenchNode()
        parent.left = left
        parent.right = right
        populate(depth - 1, left)
        populate(depth - 1, right)
    }

    /// Builds a complete tree of `depth` bottom-up.
    static func makeTree(_ depth: Int) -> ARCGCBenchNode {
        if depth <= 0 { return ARCGCBenchNode() }
        return ARCGCBenchNode(left: makeTree(depth - 1), right: makeTree(depth - 1))
    }

    /// Counts the nodes of `root`.
    static func check(_ root: ARCGCBenchNode) -> Int {
        guard let left = root.left else { return 1 }
        return 1 &+ check(left) &+ check(root.right.unsafelyUnwrapped)
    }

    func checkStretchTree(depth: Int) -> Int {
        ARCGCBenchTrees.check(ARCGCBenchTrees.makeTree(depth))
    }

    mutating func buildLongLivedTree(depth: Int) {
        let root = ARCGCBenchNode()
        ARCGCBenchTrees.populate(depth, root)
        longLived = root
    }

    mutating func buildLongLivedArray(count: Int) {
        array = [Double](repeating: 0, count: count)
        for i in 0..<count / 2 { array[i] = 1.0 / Double(i) }
    }

    func buildTopDown(depth: Int, count: Int) -> Int {
        var tree = ARCGCBenchNode()
        for _ in 0..<count {
            tree = ARCGCBenchNode()
            ARCGCBenchTrees.populate(depth, tree)
        }
        return ARCGCBenchTrees.check(tree)
    }

    func buildBottomUp(depth: Int, count: Int) -> Int {
        var last = 0
        for i in 0..<count {
            let tree = ARCGCBenchTrees.makeTree(depth)
            if i == count - 1 { last = ARCGCBenchTrees.check(tree) }
        }
        return last
    }

    func arrayElement(_ index: Int) -> Double { array[index] }

    func checkLongLivedTree() -> Int {
        longLived.map(ARCGCBenchTrees.check) ?? 0
    }
}
