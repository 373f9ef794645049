#!/usr/bin/env python3
# The GC_NURSERY and GC_MAJOR_COLLECT sweep behind docs/tuning.md.
#
# Runs binary-trees (depth 21) and GCBench with each nursery size and each
# major-collection factor, interleaved, REPS times, plus the ARC baselines,
# and prints the two markdown tables of docs/tuning.md. Time is the child's
# CPU time (user + system), which other load on a shared machine disturbs
# far less than wall time; RSS and collection counts come from --json.
#
#   swift build -c release --product tenure
#   python3 Benchmarks/tuning_sweep.py [.build/release/tenure] [REPS]
#
# With --tradeoff OUT.jsonl [--scale S] it sweeps `tenure run translate` over GC_NURSERY
# and GC_MAJOR_COLLECT instead and writes one JSON result per setting (medians
# of REPS runs, labelled "NURSERY / FACTOR"), which `tenure plot --tradeoff OUT.jsonl
# --output DIR` draws as the space/time trade-off figure.
import json, resource, statistics, subprocess, sys
from collections import defaultdict

args = [a for a in sys.argv[1:] if not a.startswith("--")]
TRADEOFF = sys.argv[sys.argv.index("--tradeoff") + 1] if "--tradeoff" in sys.argv else None
if TRADEOFF: args.remove(TRADEOFF)
SCALE = sys.argv[sys.argv.index("--scale") + 1] if "--scale" in sys.argv else "1"
if "--scale" in sys.argv: args.remove(SCALE)
TENURE = args[0] if len(args) > 0 else ".build/release/tenure"
REPS = int(args[1]) if len(args) > 1 else 3
NURSERIES = ["256K", "512K", "1M", "2M", "4M", "8M", "16M", "32M", "64M", "128M", "256M"]
FACTORS = ["1.3", "1.5", "1.82", "2.5", "3.0"]
BT = ["binary-trees", "--depth", "21"]
GC = ["gcbench"]
runs = defaultdict(list)

def run(args, key):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([TENURE, "run"] + args + ["--json"], capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    runs[key].append((cpu, json.loads(out)))

if TRADEOFF:
    settings = [(n, f) for n in ["1M", "4M", "16M", "64M"] for f in ["1.3", "1.82", "3.0"]]
    samples = defaultdict(list)
    for rep in range(REPS):
        for n, f in settings:
            out = subprocess.run([TENURE, "run", "translate", "--scale", SCALE, "--nursery-size", n, "--major-collect-factor", f, "--json"],
                                 capture_output=True, text=True, check=True).stdout
            samples[(n, f)].append(json.loads(out))
    with open(TRADEOFF, "w") as file:
        for n, f in settings:
            runs_ = samples[(n, f)]
            best = sorted(runs_, key=lambda r: r["wall_seconds"])[len(runs_) // 2]
            best = dict(best, label=f"{n} / {f}",
                        wall_seconds=statistics.median(r["wall_seconds"] for r in runs_),
                        peak_rss_bytes=statistics.median(r["peak_rss_bytes"] for r in runs_))
            file.write(json.dumps(best) + "\n")
    sys.exit(0)

for rep in range(REPS):
    for n in NURSERIES:
        run(BT + ["--nursery-size", n], ("nursery", n, "bt"))
        for _ in range(3): run(GC + ["--nursery-size", n], ("nursery", n, "gc"))
    for f in FACTORS:
        run(BT + ["--major-collect-factor", f], ("major", f, "bt"))
        for _ in range(3): run(GC + ["--major-collect-factor", f], ("major", f, "gc"))
    run(BT + ["--variant", "arc"], ("arc", "-", "bt"))
    for _ in range(3): run(GC + ["--variant", "arc"], ("arc", "-", "gc"))

def med(key, f): return statistics.median(f(c, r) for c, r in runs[key])
cpu = lambda c, r: c
gcs = lambda c, r: r["gc_seconds"]
rss = lambda c, r: r["peak_rss_bytes"] / 2**20
pause = lambda c, r: r["max_pause_seconds"] * 1000
def counts(key): r = runs[key][0][1]; return f'{r["minor_collections"]} / {r["major_collections"]}'

print("| GC_NURSERY | binary-trees 21: CPU s | GC s | minor / major GCs | peak RSS MiB | max pause ms | GCBench: CPU s | peak RSS MiB | minor / major GCs |")
print("|---|---|---|---|---|---|---|---|---|")
for n in NURSERIES:
    b, g = ("nursery", n, "bt"), ("nursery", n, "gc")
    print(f"| {n} | {med(b, cpu):.1f} | {med(b, gcs):.1f} | {counts(b)} | {med(b, rss):.0f} | {med(b, pause):.0f} | {med(g, cpu):.2f} | {med(g, rss):.0f} | {counts(g)} |")
print()
print("| GC_MAJOR_COLLECT | binary-trees 21: CPU s | GC s | major GCs | peak RSS MiB | GCBench: CPU s | peak RSS MiB | major GCs |")
print("|---|---|---|---|---|---|---|---|")
for f in FACTORS:
    b, g = ("major", f, "bt"), ("major", f, "gc")
    print(f"| {f} | {med(b, cpu):.1f} | {med(b, gcs):.1f} | {runs[b][0][1]['major_collections']} | {med(b, rss):.0f} | {med(g, cpu):.2f} | {med(g, rss):.0f} | {runs[g][0][1]['major_collections']} |")
print()
print(f"ARC baselines in the same run: binary-trees 21 {med(('arc', '-', 'bt'), cpu):.1f} s CPU, {med(('arc', '-', 'bt'), rss):.0f} MiB; "
      f"GCBench {med(('arc', '-', 'gc'), cpu):.2f} s CPU, {med(('arc', '-', 'gc'), rss):.0f} MiB.")
