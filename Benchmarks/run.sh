#!/usr/bin/env bash
# Builds Tenure's benchmarks in release and measures every performance goal
# and every suite against its baselines in one run: tenure-bench-report prints
# the goals table and the ratios to each baseline, and writes
# docs/benchmarks.md (about 3-5 minutes on a 2-core machine, depending on
# what else runs; binary-trees takes most of it).
#
#   Benchmarks/run.sh [--suites] [report options...]
#
#   --suites   afterwards, also run the package-benchmark suites
#              (swift package benchmark; several more minutes)
#   report options: --depth N, --workload-reps N, --gcbench-reps N, --micro-reps N,
#              --survival-reps N, --major-reps N, --major-sizes MIB,..., --jit-reps N,
#              --skip SECTION,... (batch, minor, hash, major, translate, loops, binary-trees,
#              gcbench; new = the first six, workloads = the last two),
#              --skip-workloads, --nursery BYTES (see Report/Options.swift)
#
# A run with report options other than the defaults still writes
# docs/benchmarks.md, and the file records the exact command.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

suites=0
args=()
for arg in "$@"; do
    if [[ "$arg" == "--suites" ]]; then suites=1; else args+=("$arg"); fi
done

echo "== building (release)" >&2
swift build -c release --product tenure-bench-report >&2

echo "== tenure-bench-report" >&2
./.build/release/tenure-bench-report --write "$here/../docs/benchmarks.md" \
    --command "$(echo "Benchmarks/run.sh $*" | sed 's/ *$//')" ${args[@]+"${args[@]}"}

if [[ $suites == 1 ]]; then
    echo "== package-benchmark suites" >&2
    swift package benchmark --no-progress </dev/null
fi
