#!/usr/bin/env python3
"""Benchmarks/Peers/report.py: binary-trees and GCBench on Tenure, HotSpot's
SerialGC and OCaml, and the goals that compare them, in docs/peers.md.

Usually started by Benchmarks/Peers/run.sh, which installs the peers that
are missing, builds the Java and OCaml programs and tenure, then runs this:

    Benchmarks/Peers/run.sh [options]
    python3 Benchmarks/Peers/report.py [options]

Options:
    --depth N        binary-trees depth (default 21, the depth the goals name)
    --reps R         processes per workload and runtime setting; tables show
                     the median (default 3)
    --only A,B       workloads, of binary-trees, gcbench (default both)
    --runtimes X,Y   runtimes, of tenure, hotspot, ocaml (default all three)
    --no-variants    only each runtime's defaults: leaves out Tenure with
                     TENURE_GC_NURSERY=32M and OCaml with OCAMLRUNPARAM s=4M
    --cpu C          pin every timed process to CPU C with `taskset -c C`
                     (default 1, when this process may run there; "none":
                     no pinning)
    --timeout S      seconds before a process is killed (default 600)
    --output PATH    the report (default docs/peers.md; "-" only prints it)
    --tenure P       the tenure binary (default .build-peers-tenure/release/tenure)
    --programs DIR   where run.sh put the peers' programs: DIR/java holds
                     BinaryTrees.class and GCBench.class, DIR/ocaml holds
                     binary_trees and gcbench (default .build-peers)
    --command TEXT   the command line recorded in the report (run.sh passes
                     its own)

What runs (each a child process of this script, one at a time, never two at
once; within each repetition every workload runs every setting once, in an
order rotated from one repetition to the next, so that a burst of load from
elsewhere falls on all of them alike):

  tenure               tenure run binary-trees --depth D --json
                       tenure run gcbench --json
                       with every TENURE_* variable removed (the defaults)
  tenure, nursery 32M  the same with TENURE_GC_NURSERY=32M
  hotspot              java -XX:+UseSerialGC -cp DIR/java BinaryTrees D
                       java -XX:+UseSerialGC -cp DIR/java GCBench
                       (JAVA_TOOL_OPTIONS, _JAVA_OPTIONS and JDK_JAVA_OPTIONS
                       removed: the JVM's defaults for this machine)
  hotspot, GC log      the same with -Xlog:gc:file=LOG: the pauses. Logging
                       is the only change; this run gives the pauses and the
                       collection counts, the unlogged one the time and RSS
  ocaml                DIR/ocaml/binary_trees D, DIR/ocaml/gcbench, with
                       OCAMLRUNPARAM=v=0x400 (the GC's counters printed at
                       exit; no GC setting changed: the defaults)
  ocaml, s=4M          OCAMLRUNPARAM=s=4M,v=0x400: a minor heap of 4 Mi
                       words (32 MiB) instead of 256 Ki words (2 MiB)

Per process: wall time (time.monotonic just before the start and just after
the exit: start-up included, for every runtime alike), peak RSS (ru_maxrss of
the child from os.wait4), and whether the output is right: a peer must print
exactly the lines the schedule implies (GCBench's times aside) and the
checksum Tenure's --json reports; Tenure must report that checksum. Tenure's
figures come from its JSON (collections, GC time, pauses, peak live bytes);
HotSpot's pauses from its GC log (every "Pause" line: young collections'
maximum and 99th percentile, full collections' maximum); OCaml's collection
counts from its exit statistics. A setting's figures are the medians of its
processes' wall time and RSS; its collector figures are those of the process
with the median wall time, except the max pause, which is the maximum over
all its processes (the goal is a bound on every pause).
"""

import argparse
import datetime
import json
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

WORKLOADS = ["binary-trees", "gcbench"]
RUNTIMES = ["tenure", "hotspot", "ocaml"]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# binary-trees' node on Tenure: the header word and two references.
TENURE_TREE_NODE_BYTES = 24

# The goals of the issue, checked at the end of the report.
GOAL_BT_TIME = 0.75      # binary-trees 21: Tenure wall ≤ 0.75 × HotSpot SerialGC
GOAL_BT_RSS = 1.8        # binary-trees 21: Tenure peak RSS ≤ 1.8 × peak live bytes
GOAL_GCBENCH_TIME = 0.8  # GCBench: Tenure wall ≤ 0.8 × HotSpot SerialGC
GOAL_MINOR_PAUSE_MS = 10.0
GOAL_DEPTH = 21

# GCBench's standard sizes (Sources/TenureWorkloads/GCBench: GCBenchSize.standard).
GCB_STRETCH, GCB_LONG_LIVED, GCB_ARRAY, GCB_MIN, GCB_MAX = 18, 16, 500_000, 4, 16
GCB_NODE_BYTES = 40



# ---------------------------------------------------------------- options


def depth_value(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 28:
        raise argparse.ArgumentTypeError(f"'{text}' is not accepted: give a depth from 0 to 28")
    return value


def positive_float(text):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"'{text}' is not accepted: give a number of seconds above 0")
    return value


def name_list(accepted, what):
    def parse(text):
        names = [part.strip().lower() for part in text.split(",") if part.strip()]
        if not names:
            raise argparse.ArgumentTypeError(
                f"'{text}' names no {what}; accepted (comma-separated): {', '.join(accepted)}")
        for name in names:
            if name not in accepted:
                raise argparse.ArgumentTypeError(
                    f"unknown {what} '{name}'; accepted (comma-separated): {', '.join(accepted)}")
        return [name for name in accepted if name in names]
    return parse


def cpu_value(text):
    if text.lower() == "none":
        return None
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not accepted: give a CPU number (0, 1, ...) or none")
    return value


def parse_options(argv):
    parser = argparse.ArgumentParser(
        prog="report.py",
        description="binary-trees and GCBench on Tenure, HotSpot SerialGC and OCaml; writes docs/peers.md.")
    parser.add_argument("--depth", type=depth_value, default=GOAL_DEPTH, metavar="N",
                        help="binary-trees depth (default 21)")
    parser.add_argument("--reps", type=positive_int, default=3, metavar="R",
                        help="processes per workload and setting, median shown (default 3)")
    parser.add_argument("--only", type=name_list(WORKLOADS, "workload"), default=list(WORKLOADS),
                        metavar="A,B", help="workloads: " + ", ".join(WORKLOADS))
    parser.add_argument("--runtimes", type=name_list(RUNTIMES, "runtime"), default=list(RUNTIMES),
                        metavar="X,Y", help="runtimes: " + ", ".join(RUNTIMES))
    parser.add_argument("--no-variants", dest="variants", action="store_false",
                        help="only each runtime's defaults (no TENURE_GC_NURSERY=32M, no OCAMLRUNPARAM s=4M)")
    parser.add_argument("--cpu", type=cpu_value, default="1", metavar="C",
                        help="pin each timed process to CPU C with taskset (default 1; none: no pinning)")
    parser.add_argument("--timeout", type=positive_float, default=600.0, metavar="S",
                        help="seconds per process before it is killed (default 600)")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "peers.md"), metavar="PATH",
                        help="report file (default docs/peers.md; '-' only prints it)")
    parser.add_argument("--tenure", default=os.path.join(ROOT, ".build-peers-tenure", "release", "tenure"),
                        metavar="PATH", help="the tenure binary")
    parser.add_argument("--programs", default=os.path.join(ROOT, ".build-peers"), metavar="DIR",
                        help="the built peer programs (DIR/java, DIR/ocaml)")
    parser.add_argument("--command", default=None, metavar="TEXT",
                        help="the command line to record in the report")
    return parser.parse_args(argv)


# ---------------------------------------------------------------- expected output

def tree_nodes(depth):
    return (1 << (depth + 1)) - 1


def binary_trees_expected(depth):
    """The lines binary-trees prints at `depth` and the sum of its checks."""
    max_depth = max(6, depth)
    lines = [f"stretch tree of depth {max_depth + 1}\t check: {tree_nodes(max_depth + 1)}"]
    checksum = tree_nodes(max_depth + 1)
    for d in range(4, max_depth + 1, 2):
        iterations = 1 << (max_depth - d + 4)
        lines.append(f"{iterations}\t trees of depth {d}\t check: {iterations * tree_nodes(d)}")
        checksum += iterations * tree_nodes(d)
    lines.append(f"long lived tree of depth {max_depth}\t check: {tree_nodes(max_depth)}")
    checksum += tree_nodes(max_depth)
    return lines, checksum


def binary_trees_peak_live_nodes(depth):
    """The most nodes alive at once: the stretch tree, or the long-lived tree and the deepest temporary one."""
    max_depth = max(6, depth)
    deepest = max_depth - (max_depth - 4) % 2
    return max(tree_nodes(max_depth + 1), tree_nodes(max_depth) + tree_nodes(deepest))


def gcbench_iterations(depth):
    return 2 * tree_nodes(GCB_STRETCH) // tree_nodes(depth)


def gcbench_expected():
    """GCBench's lines with each time as N, and its checksum."""
    steady = tree_nodes(GCB_LONG_LIVED) + tree_nodes(GCB_MAX)
    peak = max(tree_nodes(GCB_STRETCH), steady) * GCB_NODE_BYTES + 8 * GCB_ARRAY
    lines = ["Garbage Collector Test", f" Live storage will peak at {peak} bytes.", "",
             f" Stretching memory with a binary tree of depth {GCB_STRETCH}",
             f" Creating a long-lived binary tree of depth {GCB_LONG_LIVED}",
             f" Creating a long-lived array of {GCB_ARRAY} doubles"]
    checksum = tree_nodes(GCB_STRETCH) + tree_nodes(GCB_LONG_LIVED) + 1000
    for d in range(GCB_MIN, GCB_MAX + 1, 2):
        lines += [f"Creating {gcbench_iterations(d)} trees of depth {d}",
                  "\tTop down construction took N msec", "\tBottom up construction took N msec"]
        checksum += 2 * tree_nodes(d)
    lines.append("Completed in N msec")
    return lines, checksum


def gcbench_nodes():
    total = tree_nodes(GCB_STRETCH) + tree_nodes(GCB_LONG_LIVED)
    for d in range(GCB_MIN, GCB_MAX + 1, 2):
        total += 2 * gcbench_iterations(d) * tree_nodes(d)
    return total


# ---------------------------------------------------------------- machine and versions


def tenure_source():
    status, commit = capture(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT)
    commit = commit.strip() if status == 0 else "unknown"
    status, changes = capture(["git", "status", "--porcelain", "--", "Sources", "Package.swift"], cwd=ROOT)
    changed = [line[3:] for line in changes.splitlines() if len(line) > 3] if status == 0 else []
    return commit, changed


def first_line(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else "unknown"



def clean_env(drop_prefixes=(), drop=()):
    env = dict(os.environ)
    for key in list(env):
        if key in drop or any(key.startswith(p) for p in drop_prefixes):
            del env[key]
    return env


JAVA_ENV_DROP = ("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS")
OCAML_ENV_DROP = ("OCAMLRUNPARAM", "CAMLRUNPARAM")


# ---------------------------------------------------------------- settings

class Setting:
    """One runtime with one configuration: a row of the tables."""

    def __init__(self, key, runtime, label, env, is_default, shown_env=""):
        self.key = key
        self.runtime = runtime
        self.label = label
        self.env = env
        self.is_default = is_default
        self.shown_env = shown_env   # the variables as the report shows them

    def argv(self, workload, depth, programs, tenure, log_path=None):
        if self.runtime == "tenure":
            if workload == "binary-trees":
                return [tenure, "run", "binary-trees", "--depth", str(depth), "--json"]
            return [tenure, "run", "gcbench", "--json"]
        if self.runtime == "hotspot":
            argv = [self.java, "-XX:+UseSerialGC"]
            if log_path is not None:
                argv.append(f"-Xlog:gc:file={log_path}")
            argv += ["-cp", os.path.join(programs, "java")]
            return argv + (["BinaryTrees", str(depth)] if workload == "binary-trees" else ["GCBench"])
        name = "binary_trees" if workload == "binary-trees" else "gcbench"
        argv = [os.path.join(programs, "ocaml", name)]
        return argv + ([str(depth)] if workload == "binary-trees" else [])

    @property
    def logs_gc(self):
        return self.key == "hotspot-log"

    def shown(self, workload):
        """The command as the report shows it."""
        if self.runtime == "tenure":
            body = ("tenure run binary-trees --depth D --json" if workload == "binary-trees"
                    else "tenure run gcbench --json")
        elif self.runtime == "hotspot":
            log = " -Xlog:gc:file=LOG" if self.logs_gc else ""
            body = f"java -XX:+UseSerialGC{log} -cp java " + (
                "BinaryTrees D" if workload == "binary-trees" else "GCBench")
        else:
            body = "ocaml/binary_trees D" if workload == "binary-trees" else "ocaml/gcbench"
        return (self.shown_env + " " if self.shown_env else "") + body


def make_settings(options):
    """The settings to run, and for the runtimes left out why."""
    settings, missing = [], {}
    if "tenure" in options.runtimes:
        tenure = options.tenure
        if not (os.path.isfile(tenure) and os.access(tenure, os.X_OK)):
            fail(f"--tenure: {tenure} is not an executable file; build it with "
                 "`swift build -c release --product tenure --scratch-path .build-peers-tenure` "
                 "or run Benchmarks/Peers/run.sh")
        env = clean_env(drop_prefixes=("TENURE_",))
        settings.append(Setting("tenure", "tenure", "Tenure", env, True))
        if options.variants:
            settings.append(Setting("tenure-n32", "tenure", "Tenure, nursery 32M",
                                    dict(env, TENURE_GC_NURSERY="32M"), False, "TENURE_GC_NURSERY=32M"))
    if "hotspot" in options.runtimes:
        java = shutil.which("java")
        classes = [os.path.join(options.programs, "java", f"{c}.class") for c in ("BinaryTrees", "GCBench")]
        if java is None:
            missing["hotspot"] = "`java` is not on PATH (Debian: default-jdk)"
        elif not all(os.path.isfile(c) for c in classes):
            missing["hotspot"] = (f"the compiled programs are not in {os.path.join(options.programs, 'java')} "
                                  "(run.sh builds them with javac)")
        else:
            env = clean_env(drop=JAVA_ENV_DROP)
            for key, label in (("hotspot", "HotSpot SerialGC"), ("hotspot-log", "HotSpot SerialGC, GC log")):
                setting = Setting(key, "hotspot", label, env, key == "hotspot")
                setting.java = os.path.realpath(java)
                settings.append(setting)
    if "ocaml" in options.runtimes:
        binaries = [os.path.join(options.programs, "ocaml", n) for n in ("binary_trees", "gcbench")]
        if not all(os.path.isfile(b) and os.access(b, os.X_OK) for b in binaries):
            missing["ocaml"] = (f"the compiled programs are not in {os.path.join(options.programs, 'ocaml')} "
                                "(run.sh builds them with ocamlopt; Debian: ocaml-nox)")
        else:
            env = clean_env(drop=OCAML_ENV_DROP)
            settings.append(Setting("ocaml", "ocaml", "OCaml", dict(env, OCAMLRUNPARAM="v=0x400"), True,
                                    "OCAMLRUNPARAM=v=0x400"))
            if options.variants:
                settings.append(Setting("ocaml-s4m", "ocaml", "OCaml, s=4M",
                                        dict(env, OCAMLRUNPARAM="s=4M,v=0x400"), False,
                                        "OCAMLRUNPARAM=s=4M,v=0x400"))
    return settings, missing


def runtime_versions(settings, options):
    versions = {}
    runtimes = {s.runtime for s in settings}
    if "tenure" in runtimes:
        commit, changed = tenure_source()
        status, swift = capture(["swift", "--version"])
        versions["tenure"] = (commit, changed, first_line(swift) if status == 0 else "swift: unknown")
    if "hotspot" in runtimes:
        java = next(s.java for s in settings if s.runtime == "hotspot")
        _, text = capture([java, "-version"], env=clean_env(drop=JAVA_ENV_DROP))
        version = " / ".join(line.strip() for line in text.splitlines() if line.strip())
        # The heap the JVM chooses for itself, seen under the same pinning as the runs.
        _, flags = capture(pin(options.cpu) + [java, "-XX:+UseSerialGC", "-XX:+PrintFlagsFinal", "-version"],
                           env=clean_env(drop=JAVA_ENV_DROP))
        found = {}
        for name in ("InitialHeapSize", "MaxHeapSize", "NewSize", "MaxNewSize", "CICompilerCount",
                     "ActiveProcessorCount", "UseCompressedOops"):
            match = re.search(rf"^\s*\S+\s+{name}\s+=\s+(\S+)", flags, re.M)
            if match:
                found[name] = match.group(1)
        versions["hotspot"] = (version, java, found)
    if "ocaml" in runtimes:
        status, text = capture(["ocamlopt", "-version"])
        ocaml = text.strip() if status == 0 else "unknown (ocamlopt not on PATH now)"
        status, config = capture(["ocamlopt", "-config"])
        flambda = re.search(r"^flambda:\s*(\S+)", config, re.M) if status == 0 else None
        versions["ocaml"] = (ocaml, flambda.group(1) if flambda else "unknown")
    return versions


# ---------------------------------------------------------------- running

def pin(cpu):
    return [] if cpu is None else ["taskset", "-c", str(cpu)]


class Result:
    def __init__(self, status, wall=None, rss_kib=None, reason="", figures=None, cpu=None):
        self.status = status       # "ok", "wrong", "failed", "timeout", "error"
        self.wall = wall           # seconds
        self.cpu = cpu             # user + system seconds of the child
        self.rss_kib = rss_kib
        self.reason = reason
        self.figures = figures or {}


HOTSPOT_PAUSE = re.compile(r"GC\(\d+\) Pause (Young|Full)\b.*?([\d.]+)ms\s*$")


def parse_hotspot_log(text):
    young, full = [], []
    for line in text.splitlines():
        match = HOTSPOT_PAUSE.search(line)
        if match:
            (young if match.group(1) == "Young" else full).append(float(match.group(2)))
    return young, full


def percentile(values, fraction):
    """Nearest-rank percentile of `values` (exact, no buckets)."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def parse_ocaml_stats(text):
    found = {}
    for name in ("minor_collections", "major_collections", "compactions", "top_heap_words", "minor_words"):
        match = re.search(rf"^{name}:\s*(\d+)", text, re.M)
        if match:
            found[name] = int(float(match.group(1)))
    return found


def check_output(setting, workload, depth, stdout):
    """None when the output is right, else what is wrong."""
    if setting.runtime == "tenure":
        line = next((l for l in reversed(stdout.splitlines()) if l.startswith("{")), None)
        if line is None:
            return "no JSON object on stdout", {}
        try:
            data = json.loads(line)
        except ValueError as error:
            return f"stdout's JSON does not parse: {error}", {}
        expected = binary_trees_expected(depth)[1] if workload == "binary-trees" else gcbench_expected()[1]
        if data.get("checksum") != expected:
            return f"checksum {data.get('checksum')}, expected {expected}", data
        return None, data
    lines = stdout.splitlines()
    if workload == "binary-trees":
        want, checksum = binary_trees_expected(depth)
        got = lines
    else:
        want, checksum = gcbench_expected()
        got = [re.sub(r"(took|in) \d+ msec$", r"\1 N msec", line) for line in lines]
    want = want + [f"checksum: {checksum}"]
    if got != want:
        for i, (a, b) in enumerate(zip(got + [""] * len(want), want + [""] * len(got))):
            if a != b:
                return f"line {i + 1} is {a!r}, expected {b!r}", {}
    return None, {}


def run_process(setting, workload, options):
    log_dir = tempfile.mkdtemp(prefix="tenure-peers-") if setting.logs_gc else None
    log_path = os.path.join(log_dir, "gc.log") if log_dir else None
    argv = pin(options.cpu) + setting.argv(workload, options.depth, options.programs, options.tenure, log_path)
    try:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            start = time.monotonic()
            try:
                child = subprocess.Popen(argv, cwd=ROOT, env=setting.env, stdin=subprocess.DEVNULL,
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
            timer = threading.Timer(options.timeout, kill)
            timer.daemon = True
            timer.start()
            # Wait for the exit without reaping (so the timer cannot signal a
            # reused process group), take the time, then reap with the usage.
            os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
            end = time.monotonic()
            with lock:
                state["exited"] = True
            timer.cancel()
            _, wait_status, usage = os.wait4(child.pid, 0)
            code = os.waitstatus_to_exitcode(wait_status)
            out.seek(0)
            stdout = out.read().decode("utf-8", "replace")
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
        gc_log = read_text(log_path) if log_path else ""
    finally:
        if log_dir:
            shutil.rmtree(log_dir, ignore_errors=True)

    wall, rss, cpu = end - start, usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    if state["killed"]:
        return Result("timeout", wall, rss, f"killed after {options.timeout:g} s", cpu=cpu)
    if code != 0:
        how = f"exit status {code}" if code > 0 else f"killed by signal {-code}"
        return Result("failed", wall, rss, f"{how}: {last_lines(stderr + stdout)}", cpu=cpu)
    wrong, data = check_output(setting, workload, options.depth, stdout)
    figures = {}
    if setting.runtime == "tenure":
        figures = {k: data.get(k) for k in (
            "wall_seconds", "minor_collections", "major_collections", "gc_seconds", "max_pause_seconds",
            "minor_max_pause_seconds", "major_max_pause_seconds", "pause_p99_seconds", "peak_live_bytes",
            "peak_rss_bytes")}
    elif setting.logs_gc:
        young, full = parse_hotspot_log(gc_log)
        figures = {"young": young, "full": full}
        if not young and not full:
            figures["no_log"] = True
    elif setting.runtime == "ocaml":
        figures = parse_ocaml_stats(stderr)
    if setting.runtime != "tenure" and workload == "gcbench":
        match = re.search(r"^Completed in (\d+) msec$", stdout, re.M)
        if match:
            figures["program_seconds"] = int(match.group(1)) / 1000
    if wrong:
        return Result("wrong", wall, rss, wrong, figures, cpu)
    return Result("ok", wall, rss, "", figures, cpu)


# ---------------------------------------------------------------- summaries

class Cell:
    """A setting's results on one workload."""

    def __init__(self, results):
        self.results = results
        self.ok = [r for r in results if r.status == "ok"]
        self.bad = [r for r in results if r.status != "ok"]
        self.complete = not self.bad and bool(self.ok)
        if self.ok:
            ordered = sorted(self.ok, key=lambda r: r.wall)
            self.median_run = ordered[(len(ordered) - 1) // 2]
            self.wall = statistics.median(r.wall for r in self.ok)
            self.wall_min = ordered[0].wall
            self.wall_max = ordered[-1].wall
            self.rss_kib = statistics.median(r.rss_kib for r in self.ok)
            self.cpu = statistics.median(r.cpu for r in self.ok)
        else:
            self.median_run = None
            self.wall = self.wall_min = self.wall_max = self.rss_kib = self.cpu = None

    def figure(self, key):
        return self.median_run.figures.get(key) if self.median_run else None

    def maximum(self, key):
        values = [r.figures.get(key) for r in self.ok if r.figures.get(key) is not None]
        return max(values) if values else None



def mib(kib):
    return "—" if kib is None else f"{kib / 1024:.1f}"


def ms(value):
    return "—" if value is None else f"{value:.2f}"



def scaled(value, factor):
    return None if value is None else value * factor


def ratio(a, b):
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}"


# ---------------------------------------------------------------- report

STATUS_WORD = {"wrong": "WRONG OUTPUT", "failed": "FAILED", "timeout": "TIMEOUT", "error": "ERROR"}


def render(options, settings, missing, cells, info):
    out = []
    add = out.append
    names = {s.runtime for s in settings}
    add("# binary-trees and GCBench: Tenure, HotSpot SerialGC and OCaml")
    add("")
    add("Written by `Benchmarks/Peers/report.py` (do not edit by hand). Produced by")
    add("")
    add(f"    {info['command']}")
    add("")
    add(f"on {info['date']} on {info['host']}.")
    add("")
    add(f"- Machine: {info['machine']}.")
    add(f"- Load average (1, 5, 15 min) at start: {info['load_start']}; at end: {info['load_end']}; "
        f"highest 1-minute figure seen between processes: {info['load_peak']} (the benchmark itself "
        "adds about 1). Other builds may have been running on the other core, which adds noise.")
    every = [r for c in cells.values() for r in c.results if r.wall and r.cpu is not None]
    if every and options.cpu is not None:
        share = sum(r.cpu for r in every) / sum(r.wall for r in every)
        add(f"- CPU time ÷ wall time over every process: {share * 100:.0f} % (near 100 %: the pinned core "
            "was the benchmark's; well below: other processes took turns on it, and wall times and pauses "
            "grew with them).")
    total = sum(len(c.results) for c in cells.values())
    add(f"- Run time: {duration(info['elapsed'])} ({total} processes: {len(options.only)} "
        f"workload{'s' if len(options.only) > 1 else ''} × {len(settings)} settings × "
        f"{options.reps} repetition{'s' if options.reps > 1 else ''}).")
    if options.cpu is None:
        add("- Pinning: none; each process could use every core.")
    else:
        add(f"- Pinning: every timed process ran under `taskset -c {options.cpu}`, alone on that core as far "
            "as this script goes (one process at a time). Tenure's and OCaml's programs are single-threaded. "
            "HotSpot's JIT compiler threads and its VM threads share that one core with the program: the "
            "JVM sees one processor and sizes itself for it, and background compilation takes time from "
            "the program instead of running on a second core, which counts against HotSpot. SerialGC "
            "collects on one thread in any case.")
    v = info["versions"]
    if "tenure" in v:
        commit, changed, swift = v["tenure"]
        text = f"- Tenure: commit {commit}"
        if changed:
            shown = ", ".join(changed[:6]) + (f" and {len(changed) - 6} more" if len(changed) > 6 else "")
            text += (f", built from the working tree with uncommitted changes in {len(changed)} "
                     f"file{'s' if len(changed) > 1 else ''} ({shown})")
        add(text + f"; release build (`swift build -c release`), {swift}; `{options.tenure}`; "
            "heap configuration: defaults (every TENURE_* variable removed), and "
            "TENURE_GC_NURSERY=32M in the second setting.")
    if "hotspot" in v:
        version, java, flags = v["hotspot"]
        text = f"- HotSpot: {version} (`{java}`), `-XX:+UseSerialGC` and no heap option"
        if flags:
            def size(name):
                value = flags.get(name)
                try:
                    return f"{int(value) / 1048576:.0f} MiB"
                except (TypeError, ValueError):
                    return value or "?"
            text += (f"; the JVM's own choice under the same pinning: initial heap {size('InitialHeapSize')}, "
                     f"maximum {size('MaxHeapSize')}, young generation {size('NewSize')} to "
                     f"{size('MaxNewSize')}, {flags.get('CICompilerCount', '?')} JIT compiler threads, "
                     f"compressed references {flags.get('UseCompressedOops', '?')}")
        add(text + ". Programs: `Benchmarks/Peers/java`, compiled by run.sh with javac.")
    if "ocaml" in v:
        version, flambda = v["ocaml"]
        add(f"- OCaml: ocamlopt {version} (flambda: {flambda}; "
            f"{'-O3' if flambda == 'true' else 'no -O3 without flambda'}). Programs: `Benchmarks/Peers/ocaml`, "
            "compiled by run.sh. Default GC settings: minor heap 256 Ki words (2 MiB); `v=0x400` only "
            "makes the runtime print its counters at exit.")
    for name, why in missing.items():
        add(f"- {name}: {why}; left out.")
    add(f"- Repetitions: {options.reps} process{'es' if options.reps > 1 else ''} per workload and setting"
        + (", median shown" if options.reps > 1 else " (no median: one process each)")
        + f"; order rotated per repetition; timeout {options.timeout:g} s per process.")
    add("")
    add("The programs do the same work in each language: Tenure's schedule (Sources/TenureWorkloads), "
        "its parameters, its node sizes (binary-trees 24 bytes a node: header and two references; GCBench "
        "40 bytes: header, two references, two words; in HotSpot with compressed references and in OCaml "
        "alike) and its output. A run counts only if the program printed exactly the lines the schedule "
        "implies (GCBench's times aside) and the checksum Tenure reports; every run below did unless the "
        "table says otherwise.")
    add("")
    add("Time is the wall time of the whole process (time.monotonic around the child: start-up, JVM "
        "start-up and JIT warm-up included), the figure the goals name; CPU s is the child's user + "
        "system time from wait4 (for HotSpot, its JIT and GC threads included), which leaves out the "
        "time the process waited for its core while other processes held it, so it moves less with "
        "the machine's load; RSS is the process's peak resident set (ru_maxrss from "
        "wait4). Collections are young/old (Tenure minor/major, HotSpot Pause Young/Pause Full, OCaml "
        "minor/major cycles). GC s: Tenure's gc_seconds, HotSpot's pauses summed. Pauses: Tenure's from "
        "its JSON (its minor collections' maximum; its p99 is over all its collections, minor and "
        "major, from its histogram, within 6 %, and it records no p99 of minor ones alone), HotSpot's "
        "from `-Xlog:gc` (every Pause line, exact: young collections' maximum and p99, and the p99 "
        "of all pauses); OCaml's are not measured (its runtime records none without the instrumented "
        "runtime). Max pauses are the maxima over all processes of a setting; the other collector "
        "figures are those of the median process. Pauses are wall-clock time: a collection that "
        "another process preempts is counted whole, so they grow with the load figures above.")
    add("")

    for workload in options.only:
        if workload == "binary-trees":
            add(f"## binary-trees, depth {options.depth}")
            add("")
            live = binary_trees_peak_live_nodes(options.depth)
            add(f"Peak live data: {live} nodes alive at once (the stretch tree, or the long-lived tree with "
                f"the deepest temporary tree) × {TENURE_TREE_NODE_BYTES} bytes = "
                f"{live * TENURE_TREE_NODE_BYTES / 1048576:.1f} MiB; Tenure's \"peak live\" column is its own "
                "figure, the most bytes that survived a major collection.")
        else:
            add("## GCBench (standard size)")
            add("")
            add(f"Stretch tree of depth {GCB_STRETCH}, long-lived tree of depth {GCB_LONG_LIVED} and "
                f"{GCB_ARRAY:,} doubles, trees of depths {GCB_MIN} to {GCB_MAX} built top-down and bottom-up: "
                f"{gcbench_nodes():,} nodes of {GCB_NODE_BYTES} bytes in all. \"In-program s\" is the "
                "program's own \"Completed in\" time (Tenure: its JSON wall_seconds), without process "
                "start-up.")
        add("")
        program_col = workload == "gcbench"
        header = ["setting", "wall s (median)", "min – max", "CPU s (median)"]
        if program_col:
            header.append("in-program s")
        header += ["peak RSS MiB", "peak live MiB", "collections young/old", "GC s",
                   "max young pause ms", "p99 young pause ms", "p99 pause ms (all)", "max pause ms", "output"]
        add("| " + " | ".join(header) + " |")
        add("|" + "|".join(["---"] + ["---:"] * (len(header) - 2) + ["---"]) + "|")
        for s in settings:
            cell = cells[(workload, s.key)]
            row = [s.label]
            if not cell.ok:
                bad = cell.bad[0]
                row += [STATUS_WORD[bad.status]] + ["—"] * (len(header) - 3)
                row.append(bad.reason.replace("|", "\\|")[:120])
                add("| " + " | ".join(row) + " |")
                continue
            row += [seconds(cell.wall), f"{seconds(cell.wall_min)} – {seconds(cell.wall_max)}", seconds(cell.cpu)]
            if program_col:
                key = "wall_seconds" if s.runtime == "tenure" else "program_seconds"
                values = [r.figures.get(key) for r in cell.ok if r.figures.get(key) is not None]
                row.append(seconds(statistics.median(values)) if values else "—")
            row.append(mib(cell.rss_kib))
            if s.runtime == "tenure":
                live = cell.figure("peak_live_bytes")
                # Tenure's figure comes from major collections: none ran, none known.
                row += [mib(live / 1024) if live else "— (no major)",
                        f"{cell.figure('minor_collections')}/{cell.figure('major_collections')}",
                        seconds(cell.figure("gc_seconds")),
                        ms(scaled(cell.maximum("minor_max_pause_seconds"), 1000)), "—",
                        ms(scaled(cell.figure("pause_p99_seconds"), 1000)),
                        ms(scaled(cell.maximum("max_pause_seconds"), 1000))]
            elif s.logs_gc:
                young = cell.figure("young") or []
                full = cell.figure("full") or []
                every_young = [p for r in cell.ok for p in r.figures.get("young", [])]
                every = every_young + [p for r in cell.ok for p in r.figures.get("full", [])]
                row += ["—", f"{len(young)}/{len(full)}", seconds(sum(young + full) / 1000),
                        ms(max(every_young) if every_young else None),
                        ms(percentile(young, 0.99)), ms(percentile(young + full, 0.99)),
                        ms(max(every) if every else None)]
            elif s.runtime == "ocaml":
                minor, major = cell.figure("minor_collections"), cell.figure("major_collections")
                counts = f"{minor}/{major}" if minor is not None else "—"
                row += ["—", counts, "—", "—", "—", "—", "—"]
            else:
                row += ["—"] * 7
            row.append("right" if cell.complete else
                       f"{len(cell.bad)} of {len(cell.results)} {STATUS_WORD[cell.bad[0].status].lower()}: "
                       + cell.bad[0].reason.replace("|", "\\|")[:100])
            add("| " + " | ".join(row) + " |")
        add("")
        hotspot_log = cells.get((workload, "hotspot-log"))
        if hotspot_log and hotspot_log.ok and any(r.figures.get("no_log") for r in hotspot_log.ok):
            add("HotSpot's GC log was empty in at least one run: no collection, or the log could not be "
                "written; its pause columns then count nothing.")
            add("")

        # Ratios.
        tenures = [s for s in settings if s.runtime == "tenure"]
        peers = [s for s in settings if s.runtime != "tenure" and s.key != "hotspot-log"]
        if tenures and peers:
            add("Ratios, Tenure ÷ peer (medians; below 1 Tenure takes less time or memory):")
            add("")
            header = ["Tenure setting"]
            for p in peers:
                header += [f"time ÷ {p.label}", f"CPU ÷ {p.label}", f"RSS ÷ {p.label}"]
            add("| " + " | ".join(header) + " |")
            add("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
            for t in tenures:
                mine = cells[(workload, t.key)]
                row = [t.label]
                for p in peers:
                    theirs = cells[(workload, p.key)]
                    row += [ratio(mine.wall, theirs.wall), ratio(mine.cpu, theirs.cpu),
                            ratio(mine.rss_kib, theirs.rss_kib)]
                add("| " + " | ".join(row) + " |")
            add("")

    add("## Goals")
    add("")
    add("| goal | measured | target | verdict |")
    add("|---|---|---|---|")
    for row in goal_rows(options, cells, names):
        add("| " + " | ".join(row) + " |")
    add("")
    every = [r for c in cells.values() for r in c.results if r.wall and r.cpu is not None]
    share = sum(r.cpu for r in every) / sum(r.wall for r in every) if every else None
    if share is not None and options.cpu is not None and share < 0.9:
        add(f"The processes of this run held their core {share * 100:.0f} % of their wall time: other "
            "processes took turns on it, so the wall times and pauses above are inflated (a pause "
            "preempted midway is counted whole) and a verdict near its target may change on a quieter "
            "machine; the CPU-time ratios move less with the load.")
        add("")

    notes = []
    for name, why in missing.items():
        notes.append(f"- {name}: {why}; not run.")
    for (workload, key), cell in cells.items():
        for r in cell.bad:
            notes.append(f"- {workload} on {key}: {STATUS_WORD[r.status].lower()} ({r.reason}).")
    add("## Failures and omissions")
    add("")
    out += notes or ["None: every process completed and printed the right result."]
    add("")
    return "\n".join(out)


def goal_rows(options, cells, names):
    rows = []

    def cell(workload, key):
        c = cells.get((workload, key))
        return c if c is not None and c.complete else None

    def verdict(value, limit):
        return "**met**" if value <= limit else "**not met**"

    if "binary-trees" in options.only:
        if options.depth != GOAL_DEPTH:
            rows.append([f"binary-trees {GOAL_DEPTH} (time, RSS)", f"this run used depth {options.depth}",
                         "at depth 21", "not evaluated"])
        else:
            t, h = cell("binary-trees", "tenure"), cell("binary-trees", "hotspot")
            name = f"binary-trees {GOAL_DEPTH}, defaults: Tenure wall time ÷ HotSpot SerialGC's"
            if t and h:
                r = t.wall / h.wall
                rows.append([name, f"{r:.2f}x ({seconds(t.wall)} s ÷ {seconds(h.wall)} s; CPU time: "
                             f"{t.cpu / h.cpu:.2f}x, {seconds(t.cpu)} s ÷ {seconds(h.cpu)} s)",
                             f"at most {GOAL_BT_TIME}x", verdict(r, GOAL_BT_TIME)])
            else:
                rows.append([name, "not measured (a runtime is missing or failed)",
                             f"at most {GOAL_BT_TIME}x", "not evaluated"])
            name = f"binary-trees {GOAL_DEPTH}, defaults: Tenure peak RSS ÷ peak live bytes"
            if t:
                live = binary_trees_peak_live_nodes(options.depth) * TENURE_TREE_NODE_BYTES
                r = t.rss_kib * 1024 / live
                own = t.figure("peak_live_bytes")
                extra = (f"; ÷ Tenure's own peak-live figure ({own / 1048576:.1f} MiB): "
                         f"{t.rss_kib * 1024 / own:.2f}x" if own else "")
                rows.append([name, f"{r:.2f}x ({mib(t.rss_kib)} MiB ÷ {live / 1048576:.1f} MiB{extra})",
                             f"at most {GOAL_BT_RSS}x", verdict(r, GOAL_BT_RSS)])
            else:
                rows.append([name, "not measured", f"at most {GOAL_BT_RSS}x", "not evaluated"])
    if "gcbench" in options.only:
        t, h = cell("gcbench", "tenure"), cell("gcbench", "hotspot")
        name = "GCBench, defaults: Tenure wall time ÷ HotSpot SerialGC's"
        if t and h:
            r = t.wall / h.wall
            inside = ""
            mine = [x.figures.get("wall_seconds") for x in t.ok if x.figures.get("wall_seconds")]
            theirs = [x.figures.get("program_seconds") for x in h.ok if x.figures.get("program_seconds")]
            if mine and theirs:
                a, b = statistics.median(mine), statistics.median(theirs)
                inside = (f"; in-program times, without process start-up: {a / b:.2f}x "
                          f"({seconds(a)} s ÷ {seconds(b)} s)")
            rows.append([name, f"{r:.2f}x ({seconds(t.wall)} s ÷ {seconds(h.wall)} s; CPU time: "
                         f"{t.cpu / h.cpu:.2f}x, {seconds(t.cpu)} s ÷ {seconds(h.cpu)} s{inside})",
                         f"at most {GOAL_GCBENCH_TIME}x", verdict(r, GOAL_GCBENCH_TIME)])
        else:
            rows.append([name, "not measured (a runtime is missing or failed)",
                         f"at most {GOAL_GCBENCH_TIME}x", "not evaluated"])
    if "tenure" in names:
        worst, where = None, []
        for workload in options.only:
            c = cell(workload, "tenure")
            if c is None:
                continue
            value = scaled(c.maximum("minor_max_pause_seconds"), 1000)
            if value is None:
                continue
            shown = f"binary-trees {options.depth}" if workload == "binary-trees" else workload
            where.append(f"{shown}: {value:.2f} ms")
            worst = value if worst is None else max(worst, value)
        name = "Tenure, defaults: max minor pause (every process of every workload above)"
        if worst is None:
            rows.append([name, "not measured", f"at most {GOAL_MINOR_PAUSE_MS:g} ms", "not evaluated"])
        else:
            rows.append([name, f"{worst:.2f} ms ({', '.join(where)})",
                         f"at most {GOAL_MINOR_PAUSE_MS:g} ms", verdict(worst, GOAL_MINOR_PAUSE_MS)])
    return rows


# ---------------------------------------------------------------- main

def main(argv):
    options = parse_options(argv)
    if options.cpu is not None:
        if shutil.which("taskset") is None:
            fail("taskset is not on PATH (Debian: util-linux); give --cpu none to run unpinned")
        if options.cpu not in os.sched_getaffinity(0):
            allowed = ",".join(str(c) for c in sorted(os.sched_getaffinity(0)))
            print(f"report.py: CPU {options.cpu} is not one this process may use ({allowed}); "
                  "running unpinned", file=sys.stderr)
            options.cpu = None
    options.tenure = os.path.abspath(options.tenure)
    options.programs = os.path.abspath(options.programs)
    settings, missing = make_settings(options)
    for name, why in missing.items():
        print(f"report.py: {name}: {why}; leaving it out", file=sys.stderr)
    if not settings:
        fail("none of the runtimes asked for is available")

    command = options.command or ("python3 Benchmarks/Peers/report.py " + shlex.join(argv)).strip()
    info = {
        "command": command,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "host": platform.node() or "unknown host",
        "machine": machine(),
        "load_start": load_average(),
        "versions": runtime_versions(settings, options),
    }
    print(f"report.py: load average at start {info['load_start']}; workloads {', '.join(options.only)}, "
          f"depth {options.depth}, {len(settings)} settings, reps {options.reps}, "
          f"cpu {options.cpu if options.cpu is not None else 'unpinned'}", file=sys.stderr)

    results = {(w, s.key): [] for w in options.only for s in settings}
    total = options.reps * len(options.only) * len(settings)
    began = time.monotonic()
    loads = [load_one()]
    step = 0
    for rep in range(options.reps):
        for workload in options.only:
            shift = rep % len(settings)
            for setting in settings[shift:] + settings[:shift]:
                step += 1
                result = run_process(setting, workload, options)
                results[(workload, setting.key)].append(result)
                loads.append(load_one())
                shown = "ok" if result.status == "ok" else f"{result.status.upper()}: {result.reason}"
                wall = "—" if result.wall is None else f"{result.wall:.2f} s"
                print(f"[{step}/{total}] {workload} {setting.label}: {wall}, {mib(result.rss_kib)} MiB, "
                      f"{shown}   ({duration(time.monotonic() - began)})", file=sys.stderr, flush=True)
    info["elapsed"] = time.monotonic() - began
    info["load_end"] = load_average()
    known = [x for x in loads if x is not None]
    info["load_peak"] = f"{max(known):.2f}" if known else "unknown"

    cells = {key: Cell(value) for key, value in results.items()}
    report = render(options, settings, missing, cells, info)
    print(report)
    if options.output != "-":
        os.makedirs(os.path.dirname(os.path.abspath(options.output)), exist_ok=True)
        with open(options.output, "w", encoding="utf-8") as f:
            f.write(report)
        print(f"report.py: wrote {options.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
