#!/usr/bin/env bash
# Benchmarks/Peers/run.sh: binary-trees and GCBench on Tenure, HotSpot's
# SerialGC and OCaml, the same programs in each language, and the goals that
# compare them (docs/peers.md).
#
#   Benchmarks/Peers/run.sh [report.py options...]
#
# Steps:
#   1. Installs the peers that are missing with apt-get: default-jdk (java,
#      javac) and ocaml-nox (ocamlopt). When apt-get is missing or an install
#      fails, the script says so and goes on without that runtime: report.py
#      notes it as left out. PEERS_SKIP_INSTALL=1 skips this step.
#   2. Builds the peers' programs into .build-peers (never committed):
#      Benchmarks/Peers/java/*.java with javac into .build-peers/java, and
#      Benchmarks/Peers/ocaml/*.ml with ocamlopt (through ocamlfind when it is
#      there; -O3 when the compiler has flambda) into .build-peers/ocaml.
#   3. Builds tenure in release with its own scratch path,
#      .build-peers-tenure, so that it neither shares nor waits on the .build
#      directory other builds use.
#   4. Runs Benchmarks/Peers/report.py with the arguments passed through: it
#      runs every workload on every runtime, one process at a time, pinned to
#      one core, prints the report and writes docs/peers.md (options:
#      --depth N, --reps R, --only binary-trees,gcbench,
#      --runtimes tenure,hotspot,ocaml, --no-variants, --cpu C, --timeout S,
#      --output PATH; see report.py's header).
#
# The default run (depth 21, 3 repetitions, 6 settings, 36 processes) takes
# about 2-3 minutes on a 2-core machine, builds aside. A quick check of the
# whole path (a few seconds):
#
#   Benchmarks/Peers/run.sh --depth 16 --reps 1 --output /tmp/peers.md
#
# Pinning: the timed processes run on CPU 1 by default. When another job is
# pinned there too (`ps -eo pid,psr,pcpu,comm --sort=-pcpu` and `taskset -pc
# PID` show it), take the other core with --cpu 0: the report's "CPU time ÷
# wall time" line says how much of its core the run had (near 100 % is clean).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
scratch="$root/.build-peers"

# 1. Peers.
install_package() {  # package, command it provides
    local package="$1" command="$2"
    command -v "$command" >/dev/null 2>&1 && return 0
    if [[ "${PEERS_SKIP_INSTALL:-0}" == 1 ]]; then
        echo "== $command is not installed and PEERS_SKIP_INSTALL=1: skipping that runtime" >&2
        return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "== apt-get is not available: cannot install $package; skipping that runtime" >&2
        return 0
    fi
    local sudo=()
    if [[ $(id -u) != 0 ]] && command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); fi
    apt() { ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get "$@" >&2; }
    echo "== installing $package with apt-get" >&2
    if ! apt install -y -q "$package"; then
        # A fresh machine may have no package lists yet.
        apt update -q || true
        apt install -y -q "$package" || true
    fi
    if ! command -v "$command" >/dev/null 2>&1; then
        echo "== apt-get could not install $package; skipping that runtime" >&2
    fi
}
install_package default-jdk javac
install_package ocaml-nox ocamlopt

# 2. The peers' programs.
rm -rf "$scratch/java" "$scratch/ocaml"
mkdir -p "$scratch/java" "$scratch/ocaml"
if command -v javac >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
    echo "== javac: Benchmarks/Peers/java -> .build-peers/java" >&2
    javac -d "$scratch/java" "$here/java/BinaryTrees.java" "$here/java/GCBench.java" >&2 \
        || echo "== javac failed; HotSpot is left out" >&2
else
    echo "== java or javac is missing; HotSpot is left out" >&2
fi
if command -v ocamlopt >/dev/null 2>&1; then
    echo "== ocamlopt: Benchmarks/Peers/ocaml -> .build-peers/ocaml" >&2
    work="$scratch/ocaml/src"
    mkdir -p "$work"
    cp "$here/ocaml/binary_trees.ml" "$here/ocaml/gcbench.ml" "$work/"
    flags=()
    if ocamlopt -config 2>/dev/null | grep -q '^flambda: *true'; then flags=(-O3); fi
    (
        cd "$work"
        ocamlopt ${flags[@]+"${flags[@]}"} binary_trees.ml -o "$scratch/ocaml/binary_trees"
        # gcbench times its phases with Unix.gettimeofday.
        if command -v ocamlfind >/dev/null 2>&1; then
            ocamlfind ocamlopt ${flags[@]+"${flags[@]}"} -package unix -linkpkg gcbench.ml -o "$scratch/ocaml/gcbench"
        else
            ocamlopt ${flags[@]+"${flags[@]}"} -I +unix unix.cmxa gcbench.ml -o "$scratch/ocaml/gcbench"
        fi
    ) >&2 || { echo "== ocamlopt failed; OCaml is left out" >&2; rm -f "$scratch/ocaml/binary_trees" "$scratch/ocaml/gcbench"; }
else
    echo "== ocamlopt is missing; OCaml is left out" >&2
fi

# 3. Tenure.
echo "== building tenure (release, scratch path .build-peers-tenure)" >&2
swift build -c release --product tenure --scratch-path .build-peers-tenure >&2

if ! command -v python3 >/dev/null 2>&1; then
    echo "Benchmarks/Peers: python3 is not on PATH; report.py needs it." >&2
    exit 1
fi

command_line="Benchmarks/Peers/run.sh"
for arg in "$@"; do command_line+=" $(printf '%q' "$arg")"; done

# 4. The report.
echo "== report.py" >&2
exec python3 "$here/report.py" \
    --tenure "$root/.build-peers-tenure/release/tenure" \
    --programs "$scratch" \
    --command "$command_line" "$@"
