// The live heaps behind the major-collection figures.
//
// A live heap of a given size is made of complete binary trees of small
// linked objects (24 bytes: a header and two references), each of depth 12
// (8191 nodes, 192 KiB), built bottom-up and held from one rooted array, so
// that everything stays reachable: a major collection marks all of it. The
// same trees are built with each baseline (Swift `final class` instances,
// malloc'd nodes, one bump arena) for the memory they take and the time the
// build takes. `walk` visits every node of the Tenure trees with an explicit
// stack, reading both fields: the lower bound of marking, which does that
// and also sets mark bits and then sweeps.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tenure

/// Trees of 24-byte nodes in each memory manager.
public enum LiveHeapKernels {
    /// The depth of each tree (a single node has depth 0).
    public static let treeDepth = 12
    /// Nodes in one tree.
    public static let nodesPerTree = (1 << (treeDepth + 1)) - 1

    /// Trees for about `liveBytes` bytes of 24-byte nodes (at least one).
    public static func treeCount(liveBytes: Int) -> Int {
        max(1, liveBytes / (nodesPerTree * AllocationKernels.objectSize))
    }
}

/// Trees on a Tenure heap, held from a rooted array.
public final class TenureLiveHeap {
    public let heap: Heap
    public let pair: ObjectType
    /// The rooted array of tree roots.
    public let trees: Root
    public let treeCount: Int

    /// Builds `treeCount` trees on a new heap with `configuration`.
    public init(treeCount: Int, configuration: HeapConfiguration = HeapConfiguration()) {
        do {
            heap = try Heap(configuration: configuration)
            pair = try heap.register(.object("Pair", references: 2))
            let arrayType = try heap.registerArray(.array("Trees", of: .references))
            trees = heap.pushRoot(try heap.allocateArray(arrayType, count: treeCount))
            self.treeCount = treeCount
            for i in 0..<treeCount {
                let tree = try build(depth: LiveHeapKernels.treeDepth)
                heap.storeItem(tree, into: trees.object, at: i)
            }
        } catch {
            fatalError("TenureLiveHeap: \(error)")
        }
    }

    @inline(never)
    private func build(depth: Int) throws(HeapError) -> ObjectRef {
        if depth == 0 { return try heap.allocate(pair) }
        let left = heap.pushRoot(try build(depth: depth - 1))
        let right = heap.pushRoot(try build(depth: depth - 1))
        let node = try heap.allocate(pair)
        heap.storeReference(left.value, into: node, at: ObjectLayout.fieldOffset(0))
        heap.storeReference(right.value, into: node, at: ObjectLayout.fieldOffset(1))
        heap.popRoots(2)
        return node
    }

    /// Visits every node depth-first, reading both fields; returns the node count.
    @inline(never)
    public func walk() -> Int {
        let stack = UnsafeMutablePointer<ObjectRef>.allocate(capacity: 2 * LiveHeapKernels.treeDepth + 4)
        defer { stack.deallocate() }
        var nodes = 0
        let array = trees.object
        for i in 0..<treeCount {
            guard let root = array.loadItem(i) else { continue }
            var top = 0
            stack[top] = root
            top += 1
            while top > 0 {
                top -= 1
                let node = stack[top]
                nodes += 1
                if let left = node.loadReference(at: ObjectLayout.fieldOffset(0)) {
                    stack[top] = left
                    top += 1
                }
                if let right = node.loadReference(at: ObjectLayout.fieldOffset(1)) {
                    stack[top] = right
                    top += 1
                }
            }
        }
        return nodes
    }
}

/// The same trees as Swift `final class` instances.
public final class SwiftLiveHeap {
    public private(set) var trees: [SwiftPair] = []

    public init(treeCount: Int) {
        trees.reserveCapacity(treeCount)
        for _ in 0..<treeCount { trees.append(SwiftLiveHeap.build(depth: LiveHeapKernels.treeDepth)) }
    }

    @inline(never)
    static func build(depth: Int) -> SwiftPair {
        let node = SwiftPair()
        if depth > 0 {
            node.left = build(depth: depth - 1)
            node.right = build(depth: depth - 1)
        }
        return node
    }
}

/// The same trees as malloc'd 24-byte nodes (a header word and two pointers).
public final class MallocLiveHeap {
    public let trees: UnsafeMutablePointer<UnsafeMutableRawPointer>
    public let treeCount: Int

    public init(treeCount: Int) {
        self.treeCount = treeCount
        trees = .allocate(capacity: treeCount)
        for i in 0..<treeCount { trees[i] = MallocLiveHeap.build(depth: LiveHeapKernels.treeDepth) }
    }

    @inline(never)
    static func build(depth: Int) -> UnsafeMutableRawPointer {
        guard let node = malloc(AllocationKernels.objectSize) else { fatalError("malloc failed") }
        node.storeBytes(of: 1, as: UInt64.self)
        node.storeBytes(of: depth > 0 ? build(depth: depth - 1) : nil, toByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        node.storeBytes(of: depth > 0 ? build(depth: depth - 1) : nil, toByteOffset: 16, as: UnsafeMutableRawPointer?.self)
        return node
    }
}

/// The same trees bump-allocated in one arena, which would be released in one step.
public final class ArenaLiveHeap {
    public let arena: BumpArena
    public let trees: UnsafeMutablePointer<UnsafeMutableRawPointer>
    public let treeCount: Int

    public init(treeCount: Int) {
        self.treeCount = treeCount
        let bytes = treeCount * LiveHeapKernels.nodesPerTree * AllocationKernels.objectSize
        // Whole pages: the arena maps and touches its region up front.
        arena = BumpArena(size: (bytes + 4095) & ~4095)
        trees = .allocate(capacity: treeCount)
        for i in 0..<treeCount { trees[i] = build(depth: LiveHeapKernels.treeDepth) }
        precondition(arena.refills == 0, "ArenaLiveHeap: the arena overflowed")
    }

    @inline(never)
    private func build(depth: Int) -> UnsafeMutableRawPointer {
        let left = depth > 0 ? build(depth: depth - 1) : nil
        let right = depth > 0 ? build(depth: depth - 1) : nil
        let node = arena.allocate(AllocationKernels.objectSize, header: 1)
        node.storeBytes(of: left, toByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        node.storeBytes(of: right, toByteOffset: 16, as: UnsafeMutableRawPointer?.self)
        return node
    }
}
