#!/usr/bin/env python3
"""One command, every peer, one table.

Runs, one after another on this machine: the project's benchmarks (ordo-one/benchmark, release build), the same
scenarios on Python's Mode (mode-streaming 0.7.1 from PyPI, in a virtual environment this script makes) and on
plain Swift concurrency (the PlainSwiftAnchors target), then prints one markdown table.

    python3 Tools/Benchmarks/compare.py            # full sizes (about 10 minutes on 2 cores)
    python3 Tools/Benchmarks/compare.py --quick    # tiny sizes, to check that every benchmark still runs
    python3 Tools/Benchmarks/compare.py --python no

Every benchmark appends JSON lines {"figure", "size", "value", "unit"} to a file named by MODE_BENCH_RECORD; the
sizes come from MODE_BENCH_* variables (see Benchmarks/BenchmarkSupport). Only the standard library is used.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import venv

HERE = os.path.dirname(os.path.abspath(__file__))
MODE_TARGETS = ["ModeCoreBenchmarks", "ModeSignalsBenchmarks", "ModeQueuesBenchmarks", "ModeSupervisorsBenchmarks"]
SCENARIOS = ["tree", "idle", "signals", "queue", "timers", "restart"]
PYTHON_MODE = "mode-streaming==0.7.1"
PEERS = ["swift", "python", "plain"]

# figure key -> (label, size label, lower is better, per-unit cost whose growth is checked)
FIGURES = [
    ("tree_start", "tree start, fan-out 10, µs/service", "N", True, True),
    ("tree_stop", "tree stop, fan-out 10, µs/service", "N", True, True),
    ("timers_cpu", "timers, same total 100k ticks/s, CPU µs/tick", "services", True, True),
    ("timers_delivered", "timers: ticks delivered, %", "services", False, False),
    ("timers_cores", "timers: CPU, cores", "services", True, False),
    ("timers_mean_late", "timers: mean lateness, ms", "services", True, False),
    ("timers_p99_late", "timers: p99 lateness (histogram bucket bound), ms", "services", True, False),
    ("timers_cpu_tolerance_1ms", "timers, 1 ms tolerance, CPU µs/tick", "services", True, True),
    ("timers_mean_late_tolerance_1ms", "timers, 1 ms tolerance: mean lateness, ms", "services", True, False),
    ("signal_async", "Signal.send (async), ns/receiver call", "receivers", True, True),
    ("signal_sync", "SyncSignal.send, ns/receiver call", "receivers", True, True),
    ("signal_async_bound", "Signal.send, bound sender, ns/receiver call", "receivers", True, True),
    ("idle_memory_service_sleep", "idle memory, `service.sleep` loop, B/service", "services", True, False),
    ("idle_memory_task_sleep", "idle memory, `Task.sleep` loop, B/service", "services", True, False),
    ("restart_median", "crash → restarted, one-for-one, median µs", "cycles", True, False),
    ("queue_bounded", "FlowControlQueue(maxsize 1000), 1P/1C, ns/item", "items", True, False),
    ("queue_bounded_for_await", "FlowControlQueue(1000), `for await`, ns/item", "items", True, False),
    ("queue_unbounded", "unbounded queue, 1P/1C, ns/item (plain: mutex + deque)", "items", True, False),
]
GROWTH_LIMIT = 1.5


def log(message):
    print(f"==> {message}", file=sys.stderr, flush=True)


def run(command, env, cwd=HERE, check=True, timeout=3600):
    log(" ".join(command))
    began = time.monotonic()
    result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL if not VERBOSE else None,
                            timeout=timeout)
    log(f"   ({time.monotonic() - began:.1f} s)")
    if check and result.returncode != 0:
        raise SystemExit(f"compare.py: failed ({result.returncode}): {' '.join(command)}")
    return result.returncode


def environment(quick, record):
    env = dict(os.environ)
    env["MODE_BENCH_RECORD"] = record
    if quick:
        env["MODE_BENCH_QUICK"] = "1"
    return env


def run_swift(env, targets):
    for target in targets:
        run(["swift", "package", "--disable-sandbox", "benchmark", "--target", target, "--no-progress"], env)


def run_plain(env, scenarios):
    binary = os.path.join(HERE, ".build", "release", "PlainSwiftAnchors")
    for scenario in scenarios:
        run([binary, scenario], env)


def python_environment(venv_dir):
    """The venv's python with mode-streaming installed, or None with the reason printed."""
    python = os.path.join(venv_dir, "bin", "python")
    try:
        if not os.path.exists(python):
            log(f"creating {venv_dir}")
            venv.EnvBuilder(with_pip=True).create(venv_dir)
        probe = subprocess.run([python, "-c", "import mode"], capture_output=True)
        if probe.returncode != 0:
            run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PYTHON_MODE], os.environ,
                timeout=600)
    except (OSError, SystemExit, subprocess.SubprocessError) as error:
        log(f"Python Mode unavailable: {error}")
        return None
    return python


def run_python(env, python, scenarios):
    script = os.path.join(HERE, "Python", "mode_peer.py")
    for scenario in scenarios:
        run([python, script, scenario], env)


def load(path):
    values = {}
    units = {}
    if not os.path.exists(path):
        return values, units
    with open(path) as records:
        for line in records:
            line = line.strip()
            if not line:
                continue
            item = json.loads(line)
            values.setdefault((item["figure"], item["size"]), []).append(item["value"])
            units[item["figure"]] = item["unit"]
    return {key: statistics.median(samples) for key, samples in values.items()}, units


def number(value):
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def ratio(mode, peer, lower_is_better):
    if mode is None or peer is None or mode <= 0 or peer <= 0:
        return "—"
    value = peer / mode if lower_is_better else mode / peer
    return f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def table(results):
    lines = [
        "| figure | size | Mode for Swift | Python Mode | plain Swift | ratio vs Python | ratio vs plain Swift |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    growth = []
    for key, label, size_name, lower, per_unit in FIGURES:
        sizes = sorted({size for peer in PEERS for (figure, size) in results[peer] if figure == key})
        for size in sizes:
            mode, python, plain = (results[peer].get((key, size)) for peer in PEERS)
            lines.append(
                f"| {label} | {size_name} {size:,} | {number(mode)} | {number(python)} | {number(plain)} "
                f"| {ratio(mode, python, lower)} | {ratio(mode, plain, lower)} |"
            )
        if per_unit and len(sizes) > 1:
            for peer, name in zip(PEERS, ["Mode for Swift", "Python Mode", "plain Swift"]):
                first, last = results[peer].get((key, sizes[0])), results[peer].get((key, sizes[-1]))
                if first and last:
                    factor = last / first
                    flag = f"  ⚠ above {GROWTH_LIMIT}×" if factor > GROWTH_LIMIT else ""
                    growth.append(
                        f"- {label}, {name}: {size_name} {sizes[-1]:,} costs {factor:.2f}× per unit "
                        f"what {size_name} {sizes[0]:,} costs{flag}"
                    )
    return "\n".join(lines), "\n".join(growth)


def main():
    global VERBOSE
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (seconds each), for CI")
    parser.add_argument("--python", choices=["yes", "no", "auto"], default="yes",
                        help="run Python's Mode: yes (fail if pip fails), auto (skip if it fails), no")
    parser.add_argument("--skip-build", action="store_true", help="use the release build already there")
    parser.add_argument("--only", choices=["swift", "python", "plain"], action="append",
                        help="run only these peers (repeatable)")
    parser.add_argument("--venv", default=os.path.join(HERE, ".venv"), help="where to make the virtual environment")
    parser.add_argument("--out", help="folder for the JSON-line records and the table (default .build/compare-TIME)")
    parser.add_argument("--verbose", action="store_true", help="show every benchmark's own output")
    parser.add_argument("--report", metavar="FOLDER", help="run nothing: print the table of the records in FOLDER")
    options = parser.parse_args()
    VERBOSE = options.verbose
    peers = options.only or PEERS
    if options.python == "no" and "python" in peers:
        peers = [peer for peer in peers if peer != "python"]

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    out = options.report or options.out or os.path.join(HERE, ".build", f"compare-{stamp}")
    os.makedirs(out, exist_ok=True)
    record = {peer: os.path.join(out, f"{peer}.jsonl") for peer in PEERS}
    if options.report:
        peers = []
    for peer in peers:  # a run replaces the records of the peers it runs and keeps the others
        if os.path.exists(record[peer]):
            os.remove(record[peer])

    meta_path = os.path.join(out, "meta.json")
    if options.report and os.path.exists(meta_path):
        with open(meta_path) as file:
            meta = json.load(file)
        stamp, options.quick = meta["stamp"], meta["quick"]
    elif not options.report:
        with open(meta_path, "w") as file:
            json.dump({"stamp": stamp, "quick": options.quick}, file)

    if not options.skip_build and ("swift" in peers or "plain" in peers):
        run(["swift", "build", "-c", "release"], os.environ)
    if "swift" in peers:
        run_swift(environment(options.quick, record["swift"]), MODE_TARGETS)
    if "plain" in peers:
        run_plain(environment(options.quick, record["plain"]), SCENARIOS)
    skipped_python = None
    if "python" in peers:
        python = python_environment(options.venv)
        if python is None:
            if options.python == "yes":
                raise SystemExit("compare.py: could not install Python's Mode (use --python auto or no to skip it)")
            skipped_python = "Python Mode skipped: the virtual environment or pip failed"
        else:
            run_python(environment(options.quick, record["python"]), python, SCENARIOS)

    results = {}
    for peer in PEERS:
        results[peer], _ = load(record[peer])
    rows, growth = table(results)
    header = (
        f"Measured {stamp} on {platform.node() or 'this machine'} ({os.cpu_count()} cores, "
        f"{platform.machine()}), {'quick sizes' if options.quick else 'full sizes'}, one run of compare.py. "
        "Ratios above 1 mean Mode for Swift is cheaper (or delivers more)."
    )
    report = f"{header}\n\n{rows}\n\nGrowth (per-unit cost at the largest size over the smallest):\n\n{growth}\n"
    if skipped_python:
        report += f"\n{skipped_python}\n"
    with open(os.path.join(out, "table.md"), "w") as file:
        file.write(report)
    print(report)
    log(f"records and table in {out}")
    missing = [key for key, *_ in FIGURES if not any(f == key for f, _ in results["swift"])]
    if "swift" in peers and missing:
        raise SystemExit(f"compare.py: no Mode for Swift figures for {', '.join(missing)}")


VERBOSE = False

if __name__ == "__main__":
    main()
