// binary-trees on a Tenure heap, written as a language runtime would write it.
//
// A node is a 24-byte object: the header word and two reference fields. A
// tree is built bottom-up: the left subtree is built and held in a
// shadow-stack slot, then the right one, then the parent is allocated. Any
// allocation may run a minor collection that moves young objects, so both
// children are read back from their slots after the parent's allocation.
// The parent was just allocated in the nursery, so storing its children
// never takes the write barrier's slow path; it still goes through
// `storeReference`, as every store of a reference into an object must.
//
// Counting nodes allocates nothing, so it follows raw references. The
// long-lived tree is held in a slot pushed at the start and kept to the end.
//
// The recursion is a plain method on a struct holding the heap: no closures
// or generics in the hot path, so the allocation fast path, the root pushes
// and the barrier inline into it and the heap is never retained there.

import Tenure

/// The Tenure heap's trees.
struct TenureTrees: BinaryTreesStore {
    /// Byte offsets of the two children.
    static let leftOffset = ObjectLayout.fieldOffset(0)
    static let rightOffset = ObjectLayout.fieldOffset(1)

    let heap: Heap
    let node: ObjectType
    /// The slot holding the long-lived tree.
    let longLived: Root

    /// Registers the node type and pushes the long-lived tree's slot.
    init(heap: Heap) throws {
        self.heap = heap
        node = try heap.register(.object("Node", references: 2))
        longLived = heap.pushRoot(nil)
    }

    /// Builds a complete tree of `depth` bottom-up; the result is not rooted.
    func bottomUp(_ depth: Int) throws(HeapError) -> ObjectRef {
        if depth <= 0 {
            return try heap.allocate(node)
        }
        heap.pushRoot(try bottomUp(depth - 1))
        let right = heap.pushRoot(try bottomUp(depth - 1))
        let parent = try heap.allocate(node)
        // The children may have moved: read them back from their slots.
        heap.storeReference(right.slot[-1], into: parent, at: TenureTrees.leftOffset)
        heap.storeReference(right.slot[0], into: parent, at: TenureTrees.rightOffset)
        heap.popRoots(2)
        return parent
    }

    /// Counts the nodes of the tree `root`.
    static func check(_ root: ObjectRef) -> Int {
        guard let left = root.loadReference(at: leftOffset) else { return 1 }
        return 1 &+ check(left) &+ check(root.loadReference(at: rightOffset).unsafelyUnwrapped)
    }

    func checkTemporaryTree(depth: Int) throws(HeapError) -> Int {
        TenureTrees.check(try bottomUp(depth))
    }

    func buildLongLivedTree(depth: Int) throws(HeapError) {
        longLived.value = try bottomUp(depth)
    }

    func checkLongLivedTree() -> Int {
        TenureTrees.check(longLived.object)
    }
}
