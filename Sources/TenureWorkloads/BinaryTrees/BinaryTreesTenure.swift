// binary-trees on a Tenure heap, written as a language runtime would write it.
//
// A node is a 24-byte object: the header word and two reference fields,
// built bottom-up and counted by `TenureBinaryTree`. The parent is always
// just allocated in the nursery, so storing its children never takes the
// write barrier's slow path; it still goes through `storeReference`, as every
// store of a reference into an object must. The long-lived tree is held in a
// slot pushed at the start and kept to the end.
//
// The recursion is a plain method on a struct holding the heap: no closures
// or generics in the hot path, so the allocation fast path, the root pushes
// and the barrier inline into it and the heap is never retained there.

import Tenure

/// The Tenure heap's trees.
struct TenureTrees: BinaryTreesStore {
    let trees: TenureBinaryTree
    /// The slot holding the long-lived tree.
    let longLived: Root

    /// Registers the node type and pushes the long-lived tree's slot.
    init(heap: Heap) throws {
        trees = TenureBinaryTree(heap: heap, node: try heap.register(.object("Node", references: 2)))
        longLived = heap.pushRoot(nil)
    }

    func checkTemporaryTree(depth: Int) throws(HeapError) -> Int {
        TenureBinaryTree.count(try trees.bottomUp(depth))
    }

    func buildLongLivedTree(depth: Int) throws(HeapError) {
        longLived.value = try trees.bottomUp(depth)
    }

    func checkLongLivedTree() -> Int {
        TenureBinaryTree.count(longLived.object)
    }
}
