// GCBench on a Tenure heap.
//
// A node is a 40-byte object: the header, two references (left, right) and
// two raw words (i, j). The array is a raw array of 8-byte items, too big for
// the nursery, so it is a large object from the start.
//
// Top-down construction (`populate`) is the barrier's test: a parent is
// allocated first, then each child is allocated and stored into it. Once a
// minor collection has promoted the parent, the next store of a young child
// into it takes the barrier's slow path and the parent is remembered. The
// parent is held in a shadow-stack slot and read back after every
// allocation, since an allocation may move it. Bottom-up construction holds
// finished subtrees in slots, with binary-trees' `TenureBinaryTree`.
//
// If an allocation throws, slots pushed by the recursion are not popped: the
// run is abandoned and the heap dropped with them.

import Tenure

/// The Tenure heap's GCBench objects.
struct TenureGCBenchTrees: GCBenchStore {
    static let nodeBytes = 40
    static let leftOffset = TenureBinaryTree.leftOffset
    static let rightOffset = TenureBinaryTree.rightOffset

    let heap: Heap
    let node: ObjectType
    let trees: TenureBinaryTree
    let doubles: ArrayType
    /// Slots holding the long-lived tree and array for the whole run.
    let longLived: Root
    let array: Root

    /// Registers the node and array types and pushes the long-lived slots.
    init(heap: Heap) throws {
        self.heap = heap
        node = try heap.register(.object("Node", references: 2, words: 2))
        trees = TenureBinaryTree(heap: heap, node: node)
        doubles = try heap.registerArray(.array("DoubleArray", of: .raw(itemSize: 8)))
        longLived = heap.pushRoot(nil)
        array = heap.pushRoot(nil)
    }

    /// Gives the node held in `parent` two new children, and each of them a
    /// subtree of `depth - 1`, top-down.
    func populate(_ depth: Int, _ parent: Root) throws(HeapError) {
        if depth <= 0 { return }
        let left = try heap.allocate(node)
        heap.storeReference(left, into: parent.object, at: TenureGCBenchTrees.leftOffset)
        let right = try heap.allocate(node)
        heap.storeReference(right, into: parent.object, at: TenureGCBenchTrees.rightOffset)
        let child = heap.pushRoot(parent.object.loadReference(at: TenureGCBenchTrees.leftOffset))
        try populate(depth - 1, child)
        child.value = parent.object.loadReference(at: TenureGCBenchTrees.rightOffset)
        try populate(depth - 1, child)
        heap.popRoots(1)
    }

    func checkStretchTree(depth: Int) throws(HeapError) -> Int {
        TenureBinaryTree.count(try trees.bottomUp(depth))
    }

    func buildLongLivedTree(depth: Int) throws(HeapError) {
        longLived.value = try heap.allocate(node)
        try populate(depth, longLived)
    }

    func buildLongLivedArray(count: Int) throws(HeapError) {
        let doubles = try heap.allocateArray(self.doubles, count: count)
        array.value = doubles
        let items = doubles.items
        for i in 0..<count / 2 {
            items.storeBytes(of: 1.0 / Double(i), toByteOffset: i &* 8, as: Double.self)
        }
    }

    func buildTopDown(depth: Int, count: Int) throws(HeapError) -> Int {
        let tree = heap.pushRoot(nil)
        defer { heap.popRoots(1) }
        for _ in 0..<count {
            tree.value = try heap.allocate(node)
            try populate(depth, tree)
        }
        return tree.value.map(TenureBinaryTree.count) ?? 0
    }

    func buildBottomUp(depth: Int, count: Int) throws(HeapError) -> Int {
        var last = 0
        for i in 0..<count {
            let tree = try trees.bottomUp(depth)
            if i == count - 1 { last = TenureBinaryTree.count(tree) }
        }
        return last
    }

    func arrayElement(_ index: Int) -> Double {
        array.object.items.load(fromByteOffset: index &* 8, as: Double.self)
    }

    func checkLongLivedTree() -> Int {
        TenureBinaryTree.count(longLived.object)
    }
}
