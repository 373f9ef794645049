(* GCBench for OCaml: the same work as Tenure's `tenure run gcbench`
   (Sources/TenureWorkloads/GCBench), for Benchmarks/Peers/report.py.

     gcbench

   The sizes are Tenure's standard ones (GCBenchSize.standard): a stretch
   tree of depth 18, a long-lived tree of depth 16, a long-lived array of
   500,000 doubles, temporary trees of depths 4, 6, ..., 16. The schedule is
   Tenure's:
     1. build the stretch tree bottom-up, count its nodes, drop it;
     2. build the long-lived tree top-down and keep it;
     3. allocate the array and set element i to 1/i for i below 250,000;
     4. for each depth d, build 2 x nodes(18) / nodes(d) trees top-down (a
        node is allocated, then its two children are allocated and stored
        into it, then each child is populated in turn: stores of young nodes
        into older ones, through caml_modify), keeping only the last, whose
        nodes are counted; then as many bottom-up (children first), counting
        the last one;
     5. count the long-lived tree and read array.(1000).
   nodes(d) = 2^(d+1) - 1. One domain.

   A node is a record of four fields, two mutable references and two
   integers: a header word and four words, 40 bytes, the size of Tenure's
   node (header, two references, two raw words). A missing child is the
   sentinel [leaf_mark], a statically allocated node, so that no option box
   is allocated; the array is a flat float array (8 bytes an element).

   Output: Tenure's lines (the times in msec differ from run to run), then
   "checksum: S": the stretch tree's count, the counts of the last tree built
   each way at each depth, the long-lived tree's count, and 1000 more when the
   long-lived tree and array.(1000) are intact (what `tenure run gcbench
   --json` reports as "checksum"). On a wrong result it prints "Failed". *)

let stretch_tree_depth = 18
let long_lived_tree_depth = 16
let array_size = 500_000
let min_tree_depth = 4
let max_tree_depth = 16

(* Bytes of one node, for the live-storage line (Tenure's figure; also this node's). *)
let node_bytes = 40

type node = { mutable left : node; mutable right : node; i : int; j : int }

(* The child of a node that has none. *)
let rec leaf_mark = { left = leaf_mark; right = leaf_mark; i = 0; j = 0 }

let new_node () = { left = leaf_mark; right = leaf_mark; i = 0; j = 0 }

let tree_size depth = (1 lsl (depth + 1)) - 1

let iterations depth = 2 * tree_size stretch_tree_depth / tree_size depth

(* Gives [parent] two new children, and each of them a subtree of
   [depth - 1], top-down. *)
let rec populate depth parent =
  if depth > 0 then begin
    parent.left <- new_node ();
    parent.right <- new_node ();
    populate (depth - 1) parent.left;
    populate (depth - 1) parent.right
  end

(* A complete tree of [depth], children first. *)
let rec make_tree depth =
  if depth <= 0 then new_node ()
  else
    let left = make_tree (depth - 1) in
    let right = make_tree (depth - 1) in
    { left; right; i = 0; j = 0 }

let rec count root =
  if root.left == leaf_mark then 1 else 1 + count root.left + count root.right

let milliseconds since = int_of_float ((Unix.gettimeofday () -. since) *. 1000.)

let () =
  let steady = tree_size long_lived_tree_depth + tree_size max_tree_depth in
  let peak_live = (max (tree_size stretch_tree_depth) steady * node_bytes) + (8 * array_size) in
  print_endline "Garbage Collector Test";
  Printf.printf " Live storage will peak at %d bytes.\n" peak_live;
  print_endline "";
  Printf.printf " Stretching memory with a binary tree of depth %d\n%!" stretch_tree_depth;
  let total = Unix.gettimeofday () in
  let checksum = ref (count (make_tree stretch_tree_depth)) in

  Printf.printf " Creating a long-lived binary tree of depth %d\n%!" long_lived_tree_depth;
  let long_lived = new_node () in
  populate long_lived_tree_depth long_lived;
  Printf.printf " Creating a long-lived array of %d doubles\n%!" array_size;
  let array = Array.make array_size 0.0 in
  for i = 0 to (array_size / 2) - 1 do
    array.(i) <- 1.0 /. float_of_int i
  done;

  let depth = ref min_tree_depth in
  while !depth <= max_tree_depth do
    let d = !depth in
    let n = iterations d in
    Printf.printf "Creating %d trees of depth %d\n%!" n d;
    let phase = Unix.gettimeofday () in
    let tree = ref leaf_mark in
    for _ = 1 to n do
      tree := new_node ();
      populate d !tree
    done;
    checksum := !checksum + count !tree;
    Printf.printf "\tTop down construction took %d msec\n%!" (milliseconds phase);
    let phase = Unix.gettimeofday () in
    let last = ref 0 in
    for k = 1 to n do
      let built = make_tree d in
      if k = n then last := count built
    done;
    checksum := !checksum + !last;
    Printf.printf "\tBottom up construction took %d msec\n%!" (milliseconds phase);
    depth := d + 2
  done;

  let checked = min 1000 ((array_size / 2) - 1) in
  let long_lived_check = count long_lived in
  if long_lived_check <> tree_size long_lived_tree_depth
     || array.(checked) <> 1.0 /. float_of_int checked
  then print_endline "Failed"
  else checksum := !checksum + 1000;
  checksum := !checksum + long_lived_check;
  Printf.printf "Completed in %d msec\n" (milliseconds total);
  Printf.printf "checksum: %d\n" !checksum
