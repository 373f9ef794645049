// binary-trees with Swift classes: what a Swift program gets without a collector.
//
// Each node is a `final class` instance: a malloc'd block with Swift's
// 16-byte object header (isa and reference counts) and two references, 32
// bytes. A tree dies when its root's last reference goes, and its nodes are
// released one by one, recursively.

/// A binary-trees node freed by reference counting.
final class ARCTreeNode {
    let left: ARCTreeNode?
    let right: ARCTreeNode?

    init(left: ARCTreeNode?, right: ARCTreeNode?) {
        self.left = left
        self.right = right
    }
}

/// The reference-counted trees.
struct ARCTrees: BinaryTreesStore {
    /// Bytes of one node: Swift's object header and two references.
    static let nodeBytes = 32

    private var longLived: ARCTreeNode?

    /// Builds a complete tree of `depth` bottom-up.
    static func bottomUp(_ depth: Int) -> ARCTreeNode {
        if depth <= 0 { return ARCTreeNode(left: nil, right: nil) }
        return ARCTreeNode(left: bottomUp(depth - 1), right: bottomUp(depth - 1))
    }

    /// Counts the nodes of `root`.
    static func check(_ root: ARCTreeNode) -> Int {
        guard let left = root.left else { return 1 }
        return 1 &+ check(left) &+ check(root.right.unsafelyUnwrapped)
    }

    func checkTemporaryTree(depth: Int) -> Int {
        ARCTrees.check(ARCTrees.bottomUp(depth))
    }

    mutating func buildLongLivedTree(depth: Int) {
        longLived = ARCTrees.bottomUp(depth)
    }

    func checkLongLivedTree() -> Int {
        longLived.map(ARCTrees.check) ?? 0
    }
}
