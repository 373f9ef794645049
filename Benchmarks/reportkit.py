"""Benchmarks/reportkit.py: what the benchmark reports of Benchmarks/SOM and
Benchmarks/Peers share: errors for bad options, running a helper command,
the machine's description and load, and the formats of times.

Both report.py scripts put this folder on sys.path and import it; standard
library only, like them.
"""
import argparse
import os
import platform
import re
import subprocess
import sys

def fail(message):
    print(f"report.py: {message}", file=sys.stderr)
    sys.exit(2)


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not accepted: give a whole number, 1 or more")
    return value


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def capture(argv, cwd=None, env=None, timeout=120):
    """Runs `argv` to completion: (exit status or None, its output with stderr)."""
    try:
        done = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout)
        return done.returncode, done.stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError) as error:
        return None, str(error)


def machine():
    cpuinfo = read_text("/proc/cpuinfo")
    models = re.findall(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
    model = models[0].strip() if models else (platform.processor() or platform.machine())
    processors = len(re.findall(r"^processor\s*:", cpuinfo, re.M)) or os.cpu_count()
    mem = re.search(r"^MemTotal:\s*(\d+) kB", read_text("/proc/meminfo"), re.M)
    ram = f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB RAM" if mem else "RAM unknown"
    return f"{model}, {processors} cores, {ram}; {platform.system()} {platform.release()} ({platform.machine()})"


def load_average():
    fields = read_text("/proc/loadavg").split()
    if len(fields) >= 3:
        return " ".join(fields[:3])
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def load_one():
    try:
        return float(read_text("/proc/loadavg").split()[0])
    except (IndexError, ValueError):
        return None


def last_lines(text, count=2):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " / ".join(lines[-count:])[:300]


def seconds(value):
    if value is None:
        return "—"
    return f"{value:.2f}" if value >= 1 else f"{value:.3f}"


def duration(total):
    minutes, secs = divmod(int(round(total)), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
