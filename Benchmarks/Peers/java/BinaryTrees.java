// binary-trees for HotSpot: the same work as Tenure's `tenure run binary-trees`
// (Sources/TenureWorkloads/BinaryTrees), for Benchmarks/Peers/report.py.
//
//   java -XX:+UseSerialGC -cp DIR BinaryTrees [N]     (N defaults to 21)
//
// The schedule is Tenure's, step for step: with maxDepth = max(6, N), build a
// stretch tree of depth maxDepth + 1 bottom-up, count its nodes and drop it;
// build a long-lived tree of depth maxDepth and keep it; then for
// d = 4, 6, ..., maxDepth build 2^(maxDepth - d + 4) trees of depth d one
// after the other, count each and drop it; finally count the long-lived tree.
// One thread, no pools, no parallel streams: Tenure's workload is
// single-threaded, so this one is too.
//
// A node holds two references and nothing else. With compressed references
// (the default below 32 GiB of heap) it takes 12 bytes of header and 2 x 4 of
// fields, rounded to 24 bytes: the size of Tenure's node (header word and two
// references). A leaf is a node whose children are null, as in Tenure.
//
// Output: the lines Tenure prints, tab for tab, then "checksum: S", where S is
// the sum of every check (what `tenure run binary-trees --json` reports as
// "checksum"). report.py compares both with the figures the schedule implies.
public final class BinaryTrees {
    static final int MINIMUM_DEPTH = 4;

    static final class Node {
        final Node left;
        final Node right;

        Node(Node left, Node right) {
            this.left = left;
            this.right = right;
        }
    }

    /** A complete tree of depth (a single node has depth 0), children first. */
    static Node bottomUp(int depth) {
        if (depth <= 0) {
            return new Node(null, null);
        }
        Node left = bottomUp(depth - 1);
        Node right = bottomUp(depth - 1);
        return new Node(left, right);
    }

    /** The number of nodes of the tree root. */
    static long count(Node root) {
        if (root.left == null) {
            return 1;
        }
        return 1 + count(root.left) + count(root.right);
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        if (n < 0 || n > 28) {
            System.err.println("BinaryTrees: depth " + n + " is not accepted: 0 to 28");
            System.exit(2);
        }
        int maxDepth = Math.max(MINIMUM_DEPTH + 2, n);

        int stretchDepth = maxDepth + 1;
        long stretchCheck = count(bottomUp(stretchDepth));
        System.out.println("stretch tree of depth " + stretchDepth + "\t check: " + stretchCheck);
        long checksum = stretchCheck;

        Node longLived = bottomUp(maxDepth);
        for (int d = MINIMUM_DEPTH; d <= maxDepth; d += 2) {
            int iterations = 1 << (maxDepth - d + MINIMUM_DEPTH);
            long check = 0;
            for (int i = 0; i < iterations; i++) {
                check += count(bottomUp(d));
            }
            System.out.println(iterations + "\t trees of depth " + d + "\t check: " + check);
            checksum += check;
        }
        long longLivedCheck = count(longLived);
        System.out.println("long lived tree of depth " + maxDepth + "\t check: " + longLivedCheck);
        checksum += longLivedCheck;
        System.out.println("checksum: " + checksum);
    }
}
