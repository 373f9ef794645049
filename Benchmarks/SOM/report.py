#!/usr/bin/env python3
"""Benchmarks/SOM/report.py: runs the Are We Fast Yet benchmarks on tenure-som,
python3, pypy3, lua5.4 and luajit, and writes docs/som-benchmarks.md.

Usually started by Benchmarks/SOM/run.sh, which builds tenure-som first and
installs the peers that are missing:

    Benchmarks/SOM/run.sh [options]
    python3 Benchmarks/SOM/report.py [options]

Options:
    --outer N        outer iterations (the harnesses' num-iterations), the same
                     for every runtime; default 10
    --reps R         processes per benchmark and runtime; the table shows the
                     median; default 1
    --only A,B       only these benchmarks (names as in rebench.conf)
    --runtimes X,Y   only these runtimes, of tenure-som, python3, pypy3,
                     lua5.4, luajit; default all five
    --scale F        multiply every inner iteration count by F (rounded, at
                     least 1) for quick runs; default 1. CD, Havlak, Mandelbrot
                     and NBody take an inner count that is a problem size with
                     known results for a few sizes only: they get the largest
                     such size not above the scaled count. Havlak's time
                     hardly depends on its count (it finds the loops of a
                     fixed graph 50 times; the count adds dummy loops), so a
                     scaled run still spends most of its time there
    --timeout S      seconds before a process is killed and counted as timed
                     out; default 600
    --output PATH    where the report goes; default docs/som-benchmarks.md,
                     "-" to only print it
    --tenure-som P   the tenure-som binary; default
                     .build-som-bench/release/tenure-som (run.sh builds it)
    --command TEXT   the command line recorded in the report (run.sh passes
                     its own)

The programs. They are read in place from ../shared/third_party (relative to
the repository root), never copied; without that folder the script says the
benchmarks were skipped and exits 0. Each runtime runs its language's harness
from the harness's folder, as awfy/rebench.conf and awfy/test.conf do:
  tenure-som  som/Examples/AreWeFastYet:
              tenure-som -cp .:Core:CD:DeltaBlue:Havlak:Json:NBody:Richards:../../Smalltalk
                         --gc-statistics Harness.som BENCH OUTER INNER
              (the benchmarks' Core comes before SOM's Smalltalk library)
  python3, pypy3   awfy/benchmarks/Python: harness.py BENCH OUTER INNER
              (PYTHONDONTWRITEBYTECODE=1: nothing is written next to the programs)
  lua5.4, luajit   awfy/benchmarks/Lua: harness.lua BENCH OUTER INNER
              (LUA_PATH=./?.lua;; so that require finds the benchmark files)
python3 and pypy3 are resolved to the interpreter itself (sys.executable), so a
pyenv shim's start-up (about 0.1 s) is not counted.

Iteration counts. The inner counts are the extra_args of rebench.conf's
steady-som suite (read from the file), the same for every runtime, so each
ratio compares identical work. Before choosing the defaults, one outer
iteration of all 14 benchmarks at those counts took on this 2-core machine
about 56 s on tenure-som (0.9 s DeltaBlue to 7.4 s CD), 31 s on python3, 27 s
on lua5.4, 10 s on luajit and 8 s on pypy3: about 130 s in all. Outer 10 makes
the default run about 20-25 minutes, with every process long enough (0.5 s and
up for the fast runtimes) that start-up and timer resolution do not dominate,
and ten iterations let pypy3's and luajit's JITs warm up the way a program that
runs for a while would. rebench's own outer counts (100 for the SOM
interpreters, 3000 for JIT VMs) would take hours here. Use --scale for quick
checks; the report records the scale.

What is measured, per process:
  - wall time: time.monotonic() just before the child starts and just after
    it exits, so it includes start-up, loading and compiling the program, and
    JIT warm-up across the outer iterations;
  - peak RSS: ru_maxrss of the child's resource usage from os.wait4 (KiB on
    Linux), so it is that process's own high-water mark, not ours;
  - success: exit status 0 and the harness's output complete (one
    "BENCH: iterations=1 runtime: ...us" line per outer iteration and the
    "Total Runtime:" line). Every harness stops with an error and a non-zero
    status when a result fails its verification; that shows in the table as
    FAIL, not as a crash of this script;
  - for tenure-som, the heap's figures from --gc-statistics (stderr): minor
    and major collections, GC time (minor + major ms), the longest pause, and
    the GC share = GC time / wall time.
With --reps above 1 the time and RSS are medians over the processes, and the
GC figures are those of the process with the median time. A pair counts as
failed when any of its processes failed.

Processes run one at a time, never two at once, benchmark by benchmark with
every runtime in turn, so a burst of load from elsewhere falls on all runtimes
alike. The load average at start and end goes into the report.
"""

import argparse
import datetime
import math
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from reportkit import (capture, duration, fail, last_lines, load_average, load_one, machine,  # noqa: E402
                       positive_int, read_text, seconds)

BENCHMARKS = [
    "DeltaBlue", "Richards", "Json", "CD", "Havlak",
    "Bounce", "List", "Mandelbrot", "NBody", "Permute",
    "Queens", "Sieve", "Storage", "Towers",
]
RUNTIMES = ["tenure-som", "python3", "pypy3", "lua5.4", "luajit"]
# For these four the inner count is a problem size (aircraft, dummy loops,
# image size, steps), and every language's verify method knows the result for
# these sizes only (CD.som, Havlak.som, Mandelbrot.som, NBody.som and their
# Python and Lua ports): --scale picks the largest of them not above the
# scaled count.
VERIFIED_SIZES = {
    "CD": [2, 10, 100, 200, 250, 500, 1000],
    "Havlak": [1, 15, 150, 1500, 15000],
    "Mandelbrot": [1, 500, 750],
    "NBody": [1, 250000],
}
SOM_CLASSPATH = ".:Core:CD:DeltaBlue:Havlak:Json:NBody:Richards:../../Smalltalk"

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
THIRD_PARTY = os.path.normpath(os.path.join(ROOT, "..", "shared", "third_party"))
SOM_DIR = os.path.join(THIRD_PARTY, "som", "Examples", "AreWeFastYet")
PYTHON_DIR = os.path.join(THIRD_PARTY, "awfy", "benchmarks", "Python")
LUA_DIR = os.path.join(THIRD_PARTY, "awfy", "benchmarks", "Lua")
REBENCH_CONF = os.path.join(THIRD_PARTY, "awfy", "rebench.conf")



# ---------------------------------------------------------------- options


def positive_float(text):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"'{text}' is not accepted: give a number above 0 (e.g. 0.05 or 1)")
    return value


def name_list(accepted, what):
    by_lower = {name.lower(): name for name in accepted}

    def parse(text):
        names = [part.strip() for part in text.split(",") if part.strip()]
        if not names:
            raise argparse.ArgumentTypeError(
                f"'{text}' names no {what}; accepted (comma-separated): {', '.join(accepted)}")
        chosen = []
        for name in names:
            canonical = by_lower.get(name.lower())
            if canonical is None:
                raise argparse.ArgumentTypeError(
                    f"unknown {what} '{name}'; accepted (comma-separated): {', '.join(accepted)}")
            if canonical not in chosen:
                chosen.append(canonical)
        # Table order stays the canonical one.
        return [name for name in accepted if name in chosen]
    return parse


def parse_options(argv):
    parser = argparse.ArgumentParser(
        prog="report.py",
        description="Are We Fast Yet: tenure-som against python3, pypy3, lua5.4 and luajit.")
    parser.add_argument("--outer", type=positive_int, default=10, metavar="N",
                        help="outer iterations, the same for every runtime (default 10)")
    parser.add_argument("--reps", type=positive_int, default=1, metavar="R",
                        help="processes per benchmark and runtime, median shown (default 1)")
    parser.add_argument("--only", type=name_list(BENCHMARKS, "benchmark"), default=list(BENCHMARKS),
                        metavar="A,B", help="only these benchmarks")
    parser.add_argument("--runtimes", type=name_list(RUNTIMES, "runtime"), default=list(RUNTIMES),
                        metavar="X,Y", help="only these runtimes: " + ", ".join(RUNTIMES))
    parser.add_argument("--scale", type=positive_float, default=1.0, metavar="F",
                        help="multiply the inner iteration counts by F (default 1)")
    parser.add_argument("--timeout", type=positive_float, default=600.0, metavar="S",
                        help="seconds per process before it is killed (default 600)")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "som-benchmarks.md"), metavar="PATH",
                        help="report file (default docs/som-benchmarks.md; '-' only prints it)")
    parser.add_argument("--tenure-som", dest="tenure_som",
                        default=os.path.join(ROOT, ".build-som-bench", "release", "tenure-som"),
                        metavar="PATH", help="the tenure-som binary")
    parser.add_argument("--command", default=None, metavar="TEXT",
                        help="the command line to record in the report")
    return parser.parse_args(argv)


# ---------------------------------------------------------------- inputs

def inner_counts():
    """The extra_args (inner iterations) of rebench.conf's steady-som suite."""
    try:
        with open(REBENCH_CONF, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as error:
        fail(f"cannot read {REBENCH_CONF}: {error}")
    start = None
    for i, line in enumerate(lines):
        if re.match(r"^    steady-som:\s*$", line):
            start = i + 1
            break
    if start is None:
        fail(f"{REBENCH_CONF} has no steady-som suite to take the inner iteration counts from")
    block = []
    for line in lines[start:]:
        if re.match(r"^ {0,4}[\w.-]+:\s*$", line):
            break
        block.append(line)
    counts = dict((name, int(n)) for name, n in
                  re.findall(r"-\s+(\w+):\s*\n\s+extra_args:\s*(\d+)", "\n".join(block)))
    missing = [b for b in BENCHMARKS if b not in counts]
    if missing:
        fail(f"{REBENCH_CONF}: the steady-som suite gives no extra_args for {', '.join(missing)}")
    return counts


def scaled(bench, count, scale):
    value = max(1, round(count * scale))
    sizes = VERIFIED_SIZES.get(bench)
    if sizes:
        value = max([size for size in sizes if size <= value] or [sizes[0]])
    return value



def third_party_commits():
    """The upstream commits third_party/README.md records, by folder."""
    text = read_text(os.path.join(THIRD_PARTY, "README.md"))
    found = {}
    for folder, commit in re.findall(r"^- (\w+)/ :.*?at\s+commit\s+([0-9a-f]{7,40})", text, re.M | re.S):
        found.setdefault(folder, commit[:10])
    return found


class Runtime:
    def __init__(self, name, executable, version, cwd, script, env):
        self.name = name
        self.executable = executable
        self.version = version
        self.cwd = cwd
        self.script = script
        self.env = env

    def argv(self, bench, outer, inner):
        if self.name == "tenure-som":
            return [self.executable, "-cp", SOM_CLASSPATH, "--gc-statistics", "Harness.som",
                    bench, str(outer), str(inner)]
        return [self.executable, self.script, bench, str(outer), str(inner)]

    def shown_command(self):
        if self.name == "tenure-som":
            return f"tenure-som -cp {SOM_CLASSPATH} --gc-statistics Harness.som BENCH OUTER INNER"
        return f"{self.name} {self.script} BENCH OUTER INNER"


def locate_runtimes(names, tenure_som):
    """The runtimes to run, and for the others why they are not run."""
    found, missing = [], {}
    base_env = dict(os.environ)
    for name in names:
        if name == "tenure-som":
            if not (os.path.isfile(tenure_som) and os.access(tenure_som, os.X_OK)):
                fail(f"--tenure-som: {tenure_som} is not an executable file; build it with "
                     "`swift build -c release --product tenure-som --scratch-path .build-som-bench` "
                     "or run Benchmarks/SOM/run.sh")
            found.append(Runtime(name, os.path.abspath(tenure_som), None, SOM_DIR, "Harness.som", base_env))
            continue
        path = shutil.which(name)
        if path is None:
            missing[name] = "not installed (not on PATH)"
            continue
        if name in ("python3", "pypy3"):
            status, text = capture([path, "-c", "import sys; print(sys.executable)"])
            text = text.strip()
            executable = text.splitlines()[-1] if status == 0 and text else os.path.realpath(path)
            status, version = capture([executable, "--version"])
            env = dict(base_env, PYTHONDONTWRITEBYTECODE="1")
            found.append(Runtime(name, executable, " ".join(version.split()), PYTHON_DIR, "harness.py", env))
        else:
            executable = os.path.realpath(path)
            status, version = capture([executable, "-v"])
            env = dict(base_env, LUA_PATH="./?.lua;;", LUA_PATH_5_4="./?.lua;;")
            env.pop("LUA_INIT", None)
            env.pop("LUA_INIT_5_4", None)
            found.append(Runtime(name, executable, " ".join(version.split()), LUA_DIR, "harness.lua", env))
        if status != 0:
            missing[name] = f"does not start: {last_lines(version)}"
            found.pop()
    return found, missing


def tenure_som_source():
    status, commit = capture(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT)
    commit = commit.strip() if status == 0 else "unknown"
    status, changes = capture(["git", "status", "--porcelain", "--", "Sources", "Package.swift"], cwd=ROOT)
    changed = [line[3:] for line in changes.splitlines() if len(line) > 3] if status == 0 else []
    return commit, changed


# ---------------------------------------------------------------- running

class Result:
    def __init__(self, status, wall=None, rss_kib=None, reason="", gc=None):
        self.status = status      # "ok", "failed", "timeout", "error"
        self.wall = wall          # seconds
        self.rss_kib = rss_kib
        self.reason = reason
        self.gc = gc              # dict for tenure-som, else None


GC_LINE = re.compile(
    r"Tenure: (\d+) minor collections? \(([\d.]+) ms, longest ([\d.]+) ms\), "
    r"(\d+) majors? \(([\d.]+) ms, longest ([\d.]+) ms\)")


def parse_gc(stderr):
    match = GC_LINE.search(stderr)
    if not match:
        return None
    minor, minor_ms, minor_max, major, major_ms, major_max = match.groups()
    return {
        "minor": int(minor), "major": int(major),
        "ms": float(minor_ms) + float(major_ms),
        "max_pause_ms": max(float(minor_max), float(major_max)),
    }



def run_process(runtime, bench, outer, inner, timeout):
    argv = runtime.argv(bench, outer, inner)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        try:
            child = subprocess.Popen(argv, cwd=runtime.cwd, env=runtime.env, stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=err, start_new_session=True)
        except OSError as error:
            return Result("error", reason=f"cannot start {argv[0]}: {error}")
        lock = threading.Lock()
        state = {"exited": False, "killed": False}

        def kill():
            with lock:
                if not state["exited"]:
                    state["killed"] = True
                    try:
                        os.killpg(child.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        timer = threading.Timer(timeout, kill)
        timer.daemon = True
        timer.start()
        # Wait for the exit without reaping (so the timer cannot signal a reused
        # process group), take the time, then reap with the resource usage.
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
        end = time.monotonic()
        with lock:
            state["exited"] = True
        timer.cancel()
        _, wait_status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(wait_status)
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")

    wall, rss = end - start, usage.ru_maxrss
    gc = parse_gc(stderr) if runtime.name == "tenure-som" else None
    if state["killed"]:
        return Result("timeout", wall, rss, f"killed after {timeout:g} s", gc)
    code = child.returncode
    iterations = len(re.findall(rf"^{re.escape(bench)}: iterations=1 runtime: ", stdout, re.M))
    if code != 0:
        how = f"exit status {code}" if code > 0 else f"killed by signal {-code}"
        return Result("failed", wall, rss, f"{how}: {last_lines(stderr + stdout)}", gc)
    if iterations != outer or "Total Runtime:" not in stdout:
        return Result("failed", wall, rss,
                      f"exit status 0 but {iterations} of {outer} iterations reported: "
                      f"{last_lines(stdout + stderr)}", gc)
    return Result("ok", wall, rss, "", gc)


def summarize(results):
    """One cell of the table from a pair's processes."""
    bad = [r for r in results if r.status != "ok"]
    if bad:
        return bad[0]
    ordered = sorted(results, key=lambda r: r.wall)
    middle = ordered[(len(ordered) - 1) // 2]
    summary = Result("ok", statistics.median(r.wall for r in results),
                     statistics.median(r.rss_kib for r in results), "", middle.gc)
    if middle.gc is not None:
        summary.gc = dict(middle.gc, share=middle.gc["ms"] / (middle.wall * 1000))
    return summary


# ---------------------------------------------------------------- report


def mib(kib):
    return "—" if kib is None else f"{kib / 1024:.0f}"


def geomean(values):
    values = list(values)
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))



FAILED_CELL = {"failed": "FAIL", "timeout": "TIMEOUT", "error": "ERROR"}


def render(options, runtimes, missing, counts, cells, info):
    names = [r.name for r in runtimes]
    som = "tenure-som" in names
    peers = [n for n in names if n != "tenure-som"]
    out = []
    add = out.append

    add("# Are We Fast Yet: tenure-som against python3, pypy3, lua5.4 and luajit")
    add("")
    add("Written by `Benchmarks/SOM/report.py` (do not edit by hand). Produced by")
    add("")
    add(f"    {info['command']}")
    add("")
    add(f"on {info['date']} on {info['host']}.")
    add("")
    add(f"- Machine: {info['machine']}.")
    add(f"- Load average (1, 5, 15 min) at start: {info['load_start']}; at end: {info['load_end']}; "
        f"highest 1-minute figure seen between processes: {info['load_peak']} "
        f"(the benchmarks themselves add about 1). Other builds may have been running beside "
        "the benchmarks, which adds noise.")
    add(f"- Run time: {duration(info['elapsed'])} ({len(options.only)} benchmarks × "
        f"{len(runtimes)} runtimes × {options.reps} process{'es' if options.reps > 1 else ''}).")
    for runtime in runtimes:
        if runtime.name == "tenure-som":
            commit, changed = info["source"]
            text = f"- tenure-som: commit {commit}"
            if changed:
                shown = ", ".join(changed[:6]) + (f" and {len(changed) - 6} more" if len(changed) > 6 else "")
                text += (f", built from the working tree with uncommitted changes in {len(changed)} "
                         f"file{'s' if len(changed) > 1 else ''} ({shown})")
            add(text + f"; `{runtime.executable}`.")
        else:
            add(f"- {runtime.name}: {runtime.version} (`{runtime.executable}`).")
    for name, why in missing.items():
        add(f"- {name}: {why}; left out.")
    commits = info["third_party"]
    add("- Programs: used in place from `../shared/third_party` (SOM-st/SOM "
        f"{commits.get('som', '?')}, smarr/are-we-fast-yet {commits.get('awfy', '?')}).")
    scale = "" if options.scale == 1 else (
        f" × scale {options.scale:g} (rounded, at least 1; CD, Havlak, Mandelbrot and NBody "
        "take the largest size their verification knows that is not above it)")
    add(f"- Iterations: outer {options.outer} for every runtime; inner = the steady-som extra_args of "
        f"`awfy/rebench.conf`{scale}, shown in the table; {options.reps} "
        f"process{'es' if options.reps > 1 else ''} per pair"
        + (", median shown" if options.reps > 1 else "") + f"; timeout {options.timeout:g} s per process.")
    tenure_env = info["tenure_env"]
    add("- tenure-som heap configuration: "
        + (", ".join(f"`{k}={v}`" for k, v in tenure_env) if tenure_env else "defaults (no TENURE_* variables set)")
        + ".")
    add("")
    add("How each runtime runs (from the harness's folder, one process at a time):")
    add("")
    for runtime in runtimes:
        add(f"- {runtime.name}: `{runtime.shown_command()}` in "
            f"`{os.path.relpath(runtime.cwd, os.path.dirname(THIRD_PARTY))}`")
    add("")
    add("Time is the wall time of the whole process in seconds (time.monotonic around the child: "
        "start-up, loading and compiling the program and JIT warm-up included); RSS is the process's "
        "peak resident set (ru_maxrss from wait4) in MiB. For tenure-som, GC % is the heap's own "
        "minor + major collection time (`--gc-statistics`) over the wall time, minor/major the "
        "collections and max pause the longest one. ÷ X is tenure-som's time divided by X's: above 1, "
        "tenure-som is slower.")
    add("")

    # The table.
    header = ["Benchmark", "Inner"]
    if som:
        header += ["tenure-som s", "RSS MiB", "GC %", "minor/major", "max pause ms"]
    for peer in peers:
        header += [f"{peer} s", "RSS MiB"]
    if som:
        header += [f"÷ {peer}" for peer in peers]
    add("| " + " | ".join(header) + " |")
    add("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    for bench in options.only:
        row = [bench, str(counts[bench])]
        if som:
            cell = cells[(bench, "tenure-som")]
            if cell.status == "ok":
                gc = cell.gc
                if gc:
                    row += [seconds(cell.wall), mib(cell.rss_kib), f"{gc['share'] * 100:.1f}",
                            f"{gc['minor']}/{gc['major']}", f"{gc['max_pause_ms']:.2f}"]
                else:
                    row += [seconds(cell.wall), mib(cell.rss_kib), "?", "?", "?"]
            else:
                row += [FAILED_CELL[cell.status], mib(cell.rss_kib), "—", "—", "—"]
        for peer in peers:
            cell = cells[(bench, peer)]
            if cell.status == "ok":
                row += [seconds(cell.wall), mib(cell.rss_kib)]
            else:
                row += [FAILED_CELL[cell.status], mib(cell.rss_kib)]
        if som:
            mine = cells[(bench, "tenure-som")]
            for peer in peers:
                theirs = cells[(bench, peer)]
                if mine.status == "ok" and theirs.status == "ok":
                    row.append(f"{mine.wall / theirs.wall:.2f}")
                else:
                    row.append("—")
        add("| " + " | ".join(row) + " |")
    add("")

    # Geometric means over the benchmarks every runtime completed.
    complete = [b for b in options.only if all(cells[(b, n)].status == "ok" for n in names)]
    add("## Geometric means")
    add("")
    if len(complete) == len(options.only):
        add(f"Over all {len(complete)} benchmarks (every runtime completed each).")
    else:
        left = [b for b in options.only if b not in complete]
        add(f"Over the {len(complete)} benchmarks every runtime completed "
            f"(left out: {', '.join(left)}).")
    add("")
    means = {}
    if complete:
        add("| Runtime | Geometric mean time s | tenure-som ÷ runtime |")
        add("|---|---:|---:|")
        for name in names:
            means[name] = geomean(cells[(b, name)].wall for b in complete)
            ratio = "—"
            if som:
                ratio = f"{geomean(cells[(b, 'tenure-som')].wall / cells[(b, name)].wall for b in complete):.2f}"
            add(f"| {name} | {seconds(means[name])} | {ratio} |")
        add("")
    if som and "python3" in names and complete:
        ratio = means["tenure-som"] / means["python3"]
        verdict = "met" if ratio <= 1 else "not met"
        add(f"Goal: geometric mean time of tenure-som at most CPython's (python3) in the same run: "
            f"**{verdict}** (ratio {ratio:.2f} over {len(complete)} benchmarks).")
    elif som and "python3" in names:
        add("Goal: geometric mean time of tenure-som at most CPython's (python3) in the same run: "
            "not evaluated (no benchmark completed on every runtime).")
    else:
        add("Goal: geometric mean time of tenure-som at most CPython's (python3) in the same run: "
            "not evaluated (this run did not include both tenure-som and python3).")
    add("")

    # Notes.
    add("## Failures and omissions")
    add("")
    notes = []
    for name, why in missing.items():
        notes.append(f"- {name}: {why}; not run.")
    for bench in options.only:
        for name in names:
            cell = cells[(bench, name)]
            if cell.status != "ok":
                what = {"failed": "failed", "timeout": "timed out", "error": "could not run"}[cell.status]
                notes.append(f"- {bench} on {name}: {what} ({cell.reason}).")
            elif name == "tenure-som" and cell.gc is None:
                notes.append(f"- {bench} on tenure-som: no `--gc-statistics` line on stderr; GC figures unknown.")
    out += notes or ["None: every benchmark completed and verified its result on every runtime."]
    add("")
    return "\n".join(out)


# ---------------------------------------------------------------- main

def main(argv):
    options = parse_options(argv)
    if not (os.path.isdir(SOM_DIR) and os.path.isdir(PYTHON_DIR) and os.path.isdir(LUA_DIR)):
        print(f"Benchmarks/SOM: skipped: the Are We Fast Yet programs are not in {THIRD_PARTY} "
              "(som/Examples/AreWeFastYet, awfy/benchmarks/Python and awfy/benchmarks/Lua are read "
              "in place from ../shared/third_party next to the repository).", file=sys.stderr)
        return 0
    counts = {b: scaled(b, n, options.scale) for b, n in inner_counts().items()}
    runtimes, missing = locate_runtimes(options.runtimes, options.tenure_som)
    if not runtimes:
        fail("none of the runtimes asked for is available: "
             + "; ".join(f"{n}: {why}" for n, why in missing.items()))
    for name, why in missing.items():
        print(f"report.py: {name}: {why}; leaving it out", file=sys.stderr)

    command = options.command or ("python3 Benchmarks/SOM/report.py " + shlex.join(argv)).strip()
    info = {
        "command": command,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "host": platform.node() or "unknown host",
        "machine": machine(),
        "load_start": load_average(),
        "source": tenure_som_source() if any(r.name == "tenure-som" for r in runtimes) else None,
        "third_party": third_party_commits(),
        "tenure_env": sorted((k, v) for k, v in os.environ.items() if k.startswith("TENURE_")),
    }
    print(f"report.py: load average at start {info['load_start']}; {len(options.only)} benchmarks, "
          f"runtimes {', '.join(r.name for r in runtimes)}, outer {options.outer}, reps {options.reps}, "
          f"scale {options.scale:g}", file=sys.stderr)

    results = {(b, r.name): [] for b in options.only for r in runtimes}
    total = options.reps * len(options.only) * len(runtimes)
    began = time.monotonic()
    loads = [load_one()]
    step = 0
    for rep in range(options.reps):
        for bench in options.only:
            for runtime in runtimes:
                step += 1
                result = run_process(runtime, bench, options.outer, counts[bench], options.timeout)
                results[(bench, runtime.name)].append(result)
                loads.append(load_one())
                shown = "ok" if result.status == "ok" else f"{result.status.upper()}: {result.reason}"
                extra = ""
                if result.gc:
                    extra = f", GC {result.gc['ms']:.0f} ms"
                wall = "—" if result.wall is None else f"{result.wall:.2f} s"
                print(f"[{step}/{total}] {bench} {runtime.name} (inner {counts[bench]}): {wall}, "
                      f"{mib(result.rss_kib)} MiB{extra}, {shown}   ({duration(time.monotonic() - began)})",
                      file=sys.stderr, flush=True)
    info["elapsed"] = time.monotonic() - began
    info["load_end"] = load_average()
    known = [x for x in loads if x is not None]
    info["load_peak"] = f"{max(known):.2f}" if known else "unknown"

    cells = {key: summarize(value) for key, value in results.items()}
    report = render(options, runtimes, missing, counts, cells, info)
    print(report)
    if options.output != "-":
        path = os.path.abspath(options.output)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(report + "\n")
        os.replace(temporary, path)
        print(f"report.py: wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
