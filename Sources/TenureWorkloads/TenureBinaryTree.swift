// Binary trees of Tenure objects, as both tree workloads build and walk them.
//
// A node is any fixed-size type whose first two reference fields are the
// left and right children (binary-trees' nodes have nothing else, GCBench's
// carry two raw words too). Bottom-up construction holds the left subtree in
// a shadow-stack slot while its sibling is built (that may move it), and the
// parent's allocation takes both children as its initial values.
// Counting nodes allocates nothing, so it follows raw references.

import Tenure

/// Bottom-up construction and node counting for trees of one node type.
struct TenureBinaryTree {
    /// Byte offsets of the two children.
    static let leftOffset = ObjectLayout.fieldOffset(0)
    static let rightOffset = ObjectLayout.fieldOffset(1)

    let heap: Heap
    let node: ObjectType

    /// Builds a complete tree of `depth` bottom-up; the result is not rooted.
    func bottomUp(_ depth: Int) throws(HeapError) -> ObjectRef {
        if depth <= 0 {
            return try heap.allocate(node)
        }
        let left = heap.pushRoot(try bottomUp(depth - 1))
        let right = try bottomUp(depth - 1)
        // Building the right subtree may have moved the left one: read it back.
        let leftNow = left.value
        heap.popRoots(1)
        return try heap.allocate(node, with: leftNow, right)
    }

    /// Counts the nodes of the tree `root`.
    static func count(_ root: ObjectRef) -> Int {
        guard let left = root.loadReference(at: leftOffset) else { return 1 }
        return 1 &+ count(left) &+ count(root.loadReference(at: rightOffset).unsafelyUnwrapped)
    }
}
