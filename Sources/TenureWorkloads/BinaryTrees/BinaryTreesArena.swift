// binary-trees with hand-managed arenas: the lower bound for any memory manager.
//
// A node is a plain 16-byte struct of two pointers, with no header. Nodes are
// bump-allocated in raw memory sized in advance for the whole tree (the
// program knows every tree's size), with no limit check and no zeroing. A
// temporary tree's arena is simply reused for the next tree; the stretch
// tree gets an arena of its own, released as soon as it is checked; the
// long-lived tree's arena is released at the end. This is what a program
// with perfect knowledge of lifetimes does, and what the benchmarks game
// forbids: it is the floor a collector is measured against.

/// A binary-trees node in an arena.
struct ArenaTreeNode {
    var left: UnsafeMutablePointer<ArenaTreeNode>?
    var right: UnsafeMutablePointer<ArenaTreeNode>?
}

/// Raw memory for a known number of nodes.
struct TreeArena {
    let base: UnsafeMutablePointer<ArenaTreeNode>
    let capacity: Int

    /// Reserves room for `capacity` nodes (untouched pages cost no memory).
    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: max(capacity, 1))
    }

    /// Gives the memory back.
    func release() { base.deallocate() }

    /// Builds a complete tree of `depth` at the start of the arena.
    func build(depth: Int) -> UnsafeMutablePointer<ArenaTreeNode> {
        if BinaryTrees.nodes(depth: depth) > capacity { fatalError("arena too small for a tree of depth \(depth)") }
        var next = base
        return TreeArena.bottomUp(depth, &next)
    }

    /// Builds a complete tree of `depth` bottom-up from `next` on.
    static func bottomUp(_ depth: Int, _ next: inout UnsafeMutablePointer<ArenaTreeNode>) -> UnsafeMutablePointer<ArenaTreeNode> {
        if depth <= 0 {
            let leaf = next
            next += 1
            leaf.initialize(to: ArenaTreeNode(left: nil, right: nil))
            return leaf
        }
        let left = bottomUp(depth - 1, &next)
        let right = bottomUp(depth - 1, &next)
        let parent = next
        next += 1
        parent.initialize(to: ArenaTreeNode(left: left, right: right))
        return parent
    }

    /// Counts the nodes of `root`.
    static func check(_ root: UnsafeMutablePointer<ArenaTreeNode>) -> Int {
        guard let left = root.pointee.left else { return 1 }
        return 1 &+ check(left) &+ check(root.pointee.right.unsafelyUnwrapped)
    }
}

/// The arena-managed trees.
struct ArenaTrees: BinaryTreesStore {
    /// Bytes of one node: two pointers.
    static let nodeBytes = MemoryLayout<ArenaTreeNode>.stride

    /// Reused by every temporary tree that fits.
    private let temporary: TreeArena
    private var longLived: TreeArena?
    private var longLivedRoot: UnsafeMutablePointer<ArenaTreeNode>?

    /// Arenas for temporary trees of up to `largestTemporaryTree` nodes.
    init(largestTemporaryTree: Int) {
        temporary = TreeArena(capacity: largestTemporaryTree)
    }

    func checkTemporaryTree(depth: Int) -> Int {
        let size = BinaryTrees.nodes(depth: depth)
        if size <= temporary.capacity {
            return TreeArena.check(temporary.build(depth: depth))
        }
        // The stretch tree: an arena of its own, released at once.
        let arena = TreeArena(capacity: size)
        defer { arena.release() }
        return TreeArena.check(arena.build(depth: depth))
    }

    mutating func buildLongLivedTree(depth: Int) {
        let arena = TreeArena(capacity: BinaryTrees.nodes(depth: depth))
        longLived = arena
        longLivedRoot = arena.build(depth: depth)
    }

    func checkLongLivedTree() -> Int {
        longLivedRoot.map(TreeArena.check) ?? 0
    }

    /// Releases every arena.
    func release() {
        temporary.release()
        longLived?.release()
    }
}
