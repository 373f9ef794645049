// GCBench for HotSpot: the same work as Tenure's `tenure run gcbench`
// (Sources/TenureWorkloads/GCBench), for Benchmarks/Peers/report.py.
//
//   java -XX:+UseSerialGC -cp DIR GCBench
//
// The sizes are Tenure's standard ones (GCBenchSize.standard): a stretch tree
// of depth 18, a long-lived tree of depth 16, a long-lived array of 500,000
// doubles, temporary trees of depths 4, 6, ..., 16. The schedule is Tenure's:
//   1. build the stretch tree bottom-up, count its nodes, drop it;
//   2. build the long-lived tree top-down and keep it;
//   3. allocate the array and set element i to 1/i for i below 250,000;
//   4. for each depth d, build 2 x nodes(18) / nodes(d) trees top-down
//      (a node is allocated, then its two children are allocated and stored
//      into it, then each child is populated in turn: stores of young nodes
//      into older ones), keeping only the last, whose nodes are counted;
//      then as many bottom-up (children first), counting the last one;
//   5. count the long-lived tree and read array[1000].
// nodes(d) = 2^(d+1) - 1. One thread.
//
// A node holds two references and two 8-byte integers, as Tenure's node holds
// two references and two raw words: with compressed references it takes
// 12 + 2 x 4 + 2 x 8 bytes, rounded to 40, the size of Tenure's node.
//
// Output: Tenure's lines (the times in msec differ from run to run), then
// "checksum: S": the stretch tree's count, the counts of the last tree built
// each way at each depth, the long-lived tree's count, and 1000 more when the
// long-lived tree and array[1000] are intact (what `tenure run gcbench --json`
// reports as "checksum"). On a wrong result the program prints "Failed".
public final class GCBench {
    static final int STRETCH_TREE_DEPTH = 18;
    static final int LONG_LIVED_TREE_DEPTH = 16;
    static final int ARRAY_SIZE = 500_000;
    static final int MIN_TREE_DEPTH = 4;
    static final int MAX_TREE_DEPTH = 16;
    /** Bytes of one node, for the live-storage line (Tenure's figure; also this node's). */
    static final long NODE_BYTES = 40;

    static final class Node {
        Node left;
        Node right;
        long i;
        long j;

        Node() {}

        Node(Node left, Node right) {
            this.left = left;
            this.right = right;
        }
    }

    static long treeSize(int depth) {
        return (1L << (depth + 1)) - 1;
    }

    static int iterations(int depth) {
        return (int) (2 * treeSize(STRETCH_TREE_DEPTH) / treeSize(depth));
    }

    /** Gives parent two new children, and each of them a subtree of depth - 1, top-down. */
    static void populate(int depth, Node parent) {
        if (depth <= 0) {
            return;
        }
        parent.left = new Node();
        parent.right = new Node();
        populate(depth - 1, parent.left);
        populate(depth - 1, parent.right);
    }

    /** A complete tree of depth, children first. */
    static Node makeTree(int depth) {
        if (depth <= 0) {
            return new Node();
        }
        Node left = makeTree(depth - 1);
        Node right = makeTree(depth - 1);
        return new Node(left, right);
    }

    static long count(Node root) {
        if (root.left == null) {
            return 1;
        }
        return 1 + count(root.left) + count(root.right);
    }

    static long milliseconds(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    public static void main(String[] args) {
        long steady = treeSize(LONG_LIVED_TREE_DEPTH) + treeSize(MAX_TREE_DEPTH);
        long peakLive = Math.max(treeSize(STRETCH_TREE_DEPTH), steady) * NODE_BYTES + 8L * ARRAY_SIZE;
        System.out.println("Garbage Collector Test");
        System.out.println(" Live storage will peak at " + peakLive + " bytes.");
        System.out.println();
        System.out.println(" Stretching memory with a binary tree of depth " + STRETCH_TREE_DEPTH);
        long total = System.nanoTime();
        long checksum = count(makeTree(STRETCH_TREE_DEPTH));

        System.out.println(" Creating a long-lived binary tree of depth " + LONG_LIVED_TREE_DEPTH);
        Node longLived = new Node();
        populate(LONG_LIVED_TREE_DEPTH, longLived);
        System.out.println(" Creating a long-lived array of " + ARRAY_SIZE + " doubles");
        double[] array = new double[ARRAY_SIZE];
        for (int i = 0; i < ARRAY_SIZE / 2; i++) {
            array[i] = 1.0 / i;
        }

        for (int depth = MIN_TREE_DEPTH; depth <= MAX_TREE_DEPTH; depth += 2) {
            int count = iterations(depth);
            System.out.println("Creating " + count + " trees of depth " + depth);
            long phase = System.nanoTime();
            Node tree = null;
            for (int i = 0; i < count; i++) {
                tree = new Node();
                populate(depth, tree);
            }
            checksum += count(tree);
            System.out.println("\tTop down construction took " + milliseconds(phase) + " msec");
            phase = System.nanoTime();
            long last = 0;
            for (int i = 0; i < count; i++) {
                Node built = makeTree(depth);
                if (i == count - 1) {
                    last = count(built);
                }
            }
            checksum += last;
            System.out.println("\tBottom up construction took " + milliseconds(phase) + " msec");
        }

        int checked = Math.min(1000, ARRAY_SIZE / 2 - 1);
        long longLivedCheck = count(longLived);
        if (longLivedCheck != treeSize(LONG_LIVED_TREE_DEPTH) || array[checked] != 1.0 / checked) {
            System.out.println("Failed");
        } else {
            checksum += 1000;
        }
        checksum += longLivedCheck;
        System.out.println("Completed in " + milliseconds(total) + " msec");
        System.out.println("checksum: " + checksum);
    }
}
