#!/usr/bin/env bash
# Benchmarks/SOM/run.sh: tenure-som against python3, pypy3, lua5.4 and luajit
# on the Are We Fast Yet benchmarks, the same programs in each language.
#
#   Benchmarks/SOM/run.sh [report.py options...]
#
# Steps:
#   1. Checks that ../shared/third_party (relative to the repository root) is
#      there; without it the benchmarks are skipped, with a message, and the
#      script exits 0. The programs are used in place from that folder, never
#      copied.
#   2. Builds tenure-som in release with its own scratch path,
#      .build-som-bench, so that it does not share (and wait on, or disturb)
#      the .build directory other builds use.
#   3. Installs the peers that are missing (pypy3, lua5.4, luajit) with
#      apt-get. python3 is expected on PATH. When apt-get is missing or an
#      install fails, the script says so and goes on: report.py notes the
#      runtime as not installed and leaves it out.
#   4. Runs Benchmarks/SOM/report.py with the arguments passed through. It
#      runs every benchmark on every runtime, one process at a time, prints
#      the report and writes docs/som-benchmarks.md (see report.py's header
#      for the options: --outer N, --reps R, --only A,B, --runtimes X,Y,
#      --scale F, --timeout S, --output PATH).
#
# The default run (outer 10, reps 1, scale 1) takes about 20-25 minutes on a
# 2-core machine. A quick check of the whole path (about a minute, most of it
# Havlak, whose time --scale hardly changes):
#
#   Benchmarks/SOM/run.sh --scale 0.05 --outer 2 --reps 1 --output /tmp/som-benchmarks.md
#
# Environment: TENURE_* variables configure tenure-som's heap (docs/tuning.md)
# and are recorded in the report when set; SOM_BENCH_SKIP_INSTALL=1 skips
# step 3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
third_party="$(realpath -m "$root/../shared/third_party")"

if [[ ! -d "$third_party/som/Examples/AreWeFastYet" || ! -d "$third_party/awfy/benchmarks" ]]; then
    echo "Benchmarks/SOM: skipped: the Are We Fast Yet programs are not there" \
         "($third_party/som/Examples/AreWeFastYet and $third_party/awfy/benchmarks" \
         "are read in place from ../shared/third_party next to the repository)." >&2
    exit 0
fi

cd "$root"

echo "== building tenure-som (release, scratch path .build-som-bench)" >&2
swift build -c release --product tenure-som --scratch-path .build-som-bench >&2

# Peers: the Debian package names are the command names.
if [[ "${SOM_BENCH_SKIP_INSTALL:-0}" != 1 ]]; then
    missing=()
    for runtime in pypy3 lua5.4 luajit; do
        command -v "$runtime" >/dev/null 2>&1 || missing+=("$runtime")
    done
    if (( ${#missing[@]} > 0 )); then
        if ! command -v apt-get >/dev/null 2>&1; then
            echo "== apt-get is not available: cannot install ${missing[*]}; skipping them" >&2
        else
            sudo=()
            if [[ $(id -u) != 0 ]] && command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); fi
            apt() { ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get "$@" >&2; }
            updated=0
            for runtime in "${missing[@]}"; do
                echo "== installing $runtime with apt-get" >&2
                if ! apt install -y -q "$runtime"; then
                    # A fresh machine may have no package lists yet.
                    if [[ $updated == 0 ]]; then
                        updated=1
                        apt update -q || true
                        apt install -y -q "$runtime" || true
                    fi
                fi
                if ! command -v "$runtime" >/dev/null 2>&1; then
                    echo "== apt-get could not install $runtime; skipping it" >&2
                fi
            done
        fi
    fi
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "Benchmarks/SOM: python3 is not on PATH; report.py needs it (and it is one of the runtimes compared)." >&2
    exit 1
fi

command_line="Benchmarks/SOM/run.sh"
for arg in "$@"; do command_line+=" $(printf '%q' "$arg")"; done

echo "== report.py" >&2
exec python3 "$here/report.py" \
    --tenure-som "$root/.build-som-bench/release/tenure-som" \
    --command "$command_line" "$@"
