(* binary-trees for OCaml: the same work as Tenure's `tenure run binary-trees`
   (Sources/TenureWorkloads/BinaryTrees), for Benchmarks/Peers/report.py.

     binary_trees [N]     (N defaults to 21)

   The schedule is Tenure's, step for step: with max_depth = max(6, N), build
   a stretch tree of depth max_depth + 1 bottom-up, count its nodes and drop
   it; build a long-lived tree of depth max_depth and keep it; then for
   d = 4, 6, ..., max_depth build 2^(max_depth - d + 4) trees of depth d one
   after the other, count each and drop it; finally count the long-lived
   tree. One domain, no forks.

   A node is a block of two fields: a header word and two references, 24
   bytes, the size of Tenure's node. A leaf is a node whose children are the
   constant Empty (an immediate value, not an allocation), as a Tenure leaf is
   a node whose children are nil: every tree of depth d allocates
   2^(d+1) - 1 blocks.

   Output: the lines Tenure prints, tab for tab, then "checksum: S", where S
   is the sum of every check (what `tenure run binary-trees --json` reports as
   "checksum"). report.py compares both with the figures the schedule
   implies. *)

type tree = Empty | Node of tree * tree

let minimum_depth = 4

(* A complete tree of [depth] (a single node has depth 0), children first:
   the left subtree is built before the right one, as in Tenure. *)
let rec bottom_up depth =
  if depth <= 0 then Node (Empty, Empty)
  else
    let left = bottom_up (depth - 1) in
    let right = bottom_up (depth - 1) in
    Node (left, right)

(* The number of nodes of a tree. *)
let rec count = function
  | Node (Empty, _) -> 1
  | Node (left, right) -> 1 + count left + count right
  | Empty -> 0

let () =
  let n = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 21 in
  if n < 0 || n > 28 then begin
    Printf.eprintf "binary_trees: depth %d is not accepted: 0 to 28\n" n;
    exit 2
  end;
  let max_depth = max (minimum_depth + 2) n in
  let stretch_depth = max_depth + 1 in
  let stretch_check = count (bottom_up stretch_depth) in
  Printf.printf "stretch tree of depth %d\t check: %d\n%!" stretch_depth stretch_check;
  let checksum = ref stretch_check in
  let long_lived = bottom_up max_depth in
  let d = ref minimum_depth in
  while !d <= max_depth do
    let iterations = 1 lsl (max_depth - !d + minimum_depth) in
    let check = ref 0 in
    for _ = 1 to iterations do
      check := !check + count (bottom_up !d)
    done;
    Printf.printf "%d\t trees of depth %d\t check: %d\n%!" iterations !d !check;
    checksum := !checksum + !check;
    d := !d + 2
  done;
  let long_lived_check = count long_lived in
  Printf.printf "long lived tree of depth %d\t check: %d\n" max_depth long_lived_check;
  Printf.printf "checksum: %d\n" (!checksum + long_lived_check)
