"""Run every benchmark in bench/ and print one table: each figure, its ratio, the
target, and the machine.

    .venv/bin/python bench/run_all.py [--quick] [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]

(`make bench` runs this.) The ads benchmark needs `wrk`: when it is missing and we are
root on Debian/Ubuntu, it is installed with apt-get; otherwise that benchmark is skipped
with the reason. --quick runs smaller and shorter (a smoke run, not a measurement).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_PG = os.environ.get(
    "CREATORFLIX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs{memory}"
        f"{', ' + cpu if cpu else ''}; Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.2f} at start"
    )


def ensure_wrk() -> str | None:
    """None when wrk is available (installing it if we can), else why not."""
    if shutil.which("wrk"):
        return None
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk with apt-get ...", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
    return None if shutil.which("wrk") else "wrk is not installed (apt-get install -y wrk)"


def run(script: str, args: list[str]) -> tuple[list[dict], str | None]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        print(f"\n=== {script} {' '.join(args)}", flush=True)
        done = subprocess.run([sys.executable, str(HERE / script), *args, "--json", str(out)])
        if not out.exists():
            return [], f"{script} exited {done.returncode} without figures"
        return json.loads(out.read_text()), (
            None if done.returncode == 0 else f"{script} exited {done.returncode}"
        )


def table(rows: list[dict]) -> str:
    lines = [f"{'benchmark':<6} {'figure':<64} {'value':>10} {'ratio':>7} {'of':<12} {'target':>7}"]
    for r in rows:
        ratio = "" if r.get("ratio") is None else f"{r['ratio']:.2f}"
        target = "" if r.get("target") is None else f">= {r['target']}"
        if r.get("target") is not None and r.get("ratio") is not None:
            target += " ok" if r["ratio"] >= r["target"] else " MISS"
        lines.append(
            f"{r['bench']:<6} {r['figure'][:64]:<64} "
            f"{str(r['value']) + ' ' + r['unit']:>10} {ratio:>7} "
            f"{(r.get('ratio_of') or ''):<12} {target:>7}"
            + (f"  {r['notes']}" if r.get("notes") else "")
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    header = machine()
    rows: list[dict] = []
    problems: list[str] = []

    # The white-label sync, and Pix Automático's renewal engine (issue 26), on each database.
    sync_args = ["--local-objects", "5000", "--s3-objects", "1000"] if args.quick else []
    pix_args = ["--subscriptions", "200"] if args.quick else []
    for script, script_args in (("sync_bench.py", sync_args), ("pix_renewals_bench.py", pix_args)):
        for database in ([], ["--pg-url", args.pg_url]):
            found, problem = run(script, script_args + database)
            rows += [{**r, "figure": r["figure"].replace(" (temporary file)", "")} for r in found]
            problems += [problem] if problem else []

    why_not = ensure_wrk()
    if why_not:
        problems.append(f"ads benchmark skipped: {why_not}")
    else:
        ads_args = ["--pg-url", args.pg_url] + (
            ["--duration", "3", "--rounds", "1"] if args.quick else []
        )
        found, problem = run("ads_bench.py", ads_args)
        rows += found
        problems += [problem] if problem else []

    # Serving under attack and faults (issues 20 and 21): /health with 16 stalled large
    # bodies; logins with the rate-limit Redis stopped.
    found, problem = run("slow_bodies_bench.py", [])
    rows += found
    problems += [problem] if problem else []
    if shutil.which("redis-server"):
        found, problem = run("redis_hung_bench.py", ["--seconds", "3" if args.quick else "8"])
        rows += found
        problems += [problem] if problem else []
    else:
        problems.append("hung-Redis benchmark skipped: redis-server is not installed")

    print(f"\n=== all benchmarks — {header}")
    print(table(rows))
    for problem in problems:
        print(f"! {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
