"""Ads benchmark: wrk against gunicorn on PostgreSQL.

    .venv/bin/python bench/ads_bench.py [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
                                        [--duration 10] [--connections 8]

Creates a scratch database (dropped at the end), migrates it, seeds 10 active ads in 5
placements, then measures:
  1. a bare Falcon route answering the same JSON from memory, vs GET /api/ads for the 5
     placements with tracking on (one impression recorded per served ad);
  2. POST /api/ads/{id}/clicks, vs the same SQL transaction — the very statement the
     Pony adapter runs (raise the counter of the ad if it is servable, insert the event,
     return the ad), then COMMIT —
     driven directly through psycopg2 by as many threads as wrk has connections.
Both servers run with the options of `creatorflix serve` (gunicorn, gthread) minus the
access log. The machine is shared, so the measurements alternate for --rounds rounds
and the medians are compared. Targets: ratio 1 >= 0.5, ratio 2 >= 0.8.
Needs `wrk` (Debian/Ubuntu: apt-get install -y wrk).
"""
from __future__ import annotations

import argparse
import json
import statistics
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLACEMENTS = ("home_top", "home_middle", "home_bottom", "sidebar", "login")
ADS = [  # (type, placement): two ads per placement
    ("hero", "home_top"), ("banner", "home_top"),
    ("diamond_block", "home_middle"), ("diamond_block", "home_middle"),
    ("banner", "home_bottom"), ("banner", "home_bottom"),
    ("spot", "sidebar"), ("spot", "sidebar"),
    ("banner", "login"), ("banner", "login"),
]
SECRET = "bench-secret-key-" + "x" * 32


def click_sql() -> str:
    """The statement the API runs for a click (record it if the ad is servable, return
    the ad), with psycopg2 placeholders."""
    from adapters.pony.repositories.ads import RECORD_IF_SERVABLE_SQL
    return re.sub(r"\$(\w+)", r"%(\1)s", RECORD_IF_SERVABLE_SQL["clicks"])


# -- servers (run in a child process: `ads_bench.py --serve api|bare`) -----------------
def _bare_app(body_file: str):
    import falcon
    body = json.loads(Path(body_file).read_text())

    class Ads:
        def on_get(self, req, resp):
            resp.media = body

    app = falcon.App()
    app.add_route("/ads", Ads())
    return app


def serve(mode: str, port: int, workers: int, threads: int, body_file: str) -> None:
    from gunicorn.app.base import BaseApplication

    from entrypoints.server import gunicorn_options

    class Server(BaseApplication):
        def load_config(self):
            options = gunicorn_options("127.0.0.1", port, workers, threads)
            options["accesslog"] = None  # the same for both servers; wrk counts for us
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            if mode == "bare":
                return _bare_app(body_file)
            from entrypoints.http.app import get_app
            return get_app()

    Server().run()


# -- set-up --------------------------------------------------------------------------
def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def run_sql(url: str, statement: str, params: tuple = ()) -> list:
    """Run one statement in autocommit mode (CREATE/DROP DATABASE need it)."""
    import psycopg2
    conn = psycopg2.connect(url, connect_timeout=5)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(statement, params)
        rows = cur.fetchall() if cur.description else []
    conn.close()
    return rows


def seed(db_url: str) -> list[int]:
    from adapters import migrator
    from domain.common import crud
    from domain.ads.admin import ADS as AD_RESOURCE
    from domain.common.fields import parse_fields

    def record(data: dict) -> crud.CreateRecord:
        return crud.CreateRecord(parse_fields(AD_RESOURCE.fields, data, partial=False))
    from entrypoints.bootstrap import build_deps
    from entrypoints.config import Config

    migrator.migrate(db_url)
    deps = build_deps(Config(database_url=db_url, secret_key=SECRET))
    ids = [crud.create_item(AD_RESOURCE, deps.uow, deps.clock, record({
        "name": f"Bench {i}", "title": f"Anúncio {i}", "type": kind, "placement": where,
        "status": "active", "priority": i % 3, "link": f"https://example.com/ad/{i}",
        "image_url": f"https://picsum.photos/seed/ad{i}/600/200", "cta_text": "Saiba mais",
    })).id for i, (kind, where) in enumerate(ADS)]
    deps.database.close()
    return ids


class Server:
    """`ads_bench.py --serve MODE` in a child process, on a free loopback port."""

    def __init__(self, mode: str, args, env: dict, body_file: str = ""):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", mode, "--port", str(self.port),
             "--workers", str(args.workers), "--worker-threads", str(args.worker_threads),
             "--body-file", body_file],
            env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.base = f"http://127.0.0.1:{self.port}"
        probe = self.base + ("/ads" if mode == "bare" else "/health")
        for _ in range(100):
            try:
                urllib.request.urlopen(probe, timeout=1).read()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"server failed: {self.proc.stderr.read().decode()}")
                time.sleep(0.1)
        self.stop()
        raise SystemExit("server did not start in 10 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def wrk(url: str, args, script: str | None = None) -> tuple[float, int]:
    """(requests per second, responses that were not 2xx/3xx)."""
    cmd = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True,
                         timeout=args.duration + 60).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rate is None:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    if errors:
        print(f"    wrk: {errors.group(0)}")
    return float(rate.group(1)), int(bad.group(1)) if bad else 0


def direct_clicks(db_url: str, ad_id: int, threads: int, duration: float) -> float:
    """Transactions per second of `click_sql()` + COMMIT through psycopg2, one
    connection per thread."""
    import psycopg2
    sql = click_sql()
    done = [0] * threads
    start = threading.Barrier(threads + 1)
    stop_at = [0.0]

    def run(slot: int) -> None:
        conn = psycopg2.connect(db_url)
        cur = conn.cursor()
        start.wait()
        while time.monotonic() < stop_at[0]:
            now = datetime.now(timezone.utc).replace(tzinfo=None)
            cur.execute(sql, {"ad_id": ad_id, "placement": None, "user_agent": "bench/1.0",
                              "ip": "127.0.0.1", "created_at": now, "now": now})
            cur.fetchall()
            conn.commit()
            done[slot] += 1
        conn.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    stop_at[0] = time.monotonic() + duration
    began = time.monotonic()
    start.wait()
    for worker in workers:
        worker.join()
    return sum(done) / (time.monotonic() - began)


def counts(db_url: str, ad_id: int) -> tuple[int, int]:
    """The ad's clicks counter and its number of click rows."""
    return run_sql(db_url, "SELECT clicks, (SELECT count(*) FROM clicks WHERE ad_id = %s) "
                   "FROM ads WHERE id = %s", (ad_id, ad_id))[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default=os.environ.get(
        "CREATORFLIX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server where a scratch database may be created")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections "
                        "(and psycopg2 threads)")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="alternating measurement "
                        "rounds (the medians are compared)")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--serve", choices=("api", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--body-file", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.workers, args.worker_threads, args.body_file)
        return 0
    if not shutil.which("wrk"):
        print("wrk is not installed. On Debian/Ubuntu: sudo apt-get install -y wrk",
              file=sys.stderr)
        return 2

    name = f"creatorflix_bench_{os.getpid()}"
    db_url = with_database(args.pg_url, name)
    run_sql(args.pg_url, f'CREATE DATABASE "{name}"')
    tmp = tempfile.mkdtemp(prefix="ads_bench_")
    servers: list[Server] = []
    rates: dict[str, list[float]] = {"bare": [], "serve": [], "click": [], "direct": []}
    bad = 0
    try:
        ids = seed(db_url)
        click_ad = ids[0]
        env = {**os.environ, "CREATORFLIX_DATABASE_URL": db_url,
               "CREATORFLIX_SECRET_KEY": SECRET, "CREATORFLIX_STORAGE_URL": f"file://{tmp}"}
        query = "placements=" + ",".join(PLACEMENTS)
        print(f"ads_bench: {os.cpu_count()} CPUs shared by wrk, gunicorn and PostgreSQL "
              f"(load average {os.getloadavg()[0]:.2f} before the run); "
              f"wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration}s; gunicorn "
              f"{args.workers} workers x {args.worker_threads} threads; {args.rounds} rounds")
        api = Server("api", args, env)
        servers.append(api)
        body = urllib.request.urlopen(f"{api.base}/api/ads?{query}&track=false").read()
        body_file = os.path.join(tmp, "ads.json")
        Path(body_file).write_bytes(body)
        bare = Server("bare", args, env, body_file)
        servers.append(bare)
        script = os.path.join(tmp, "click.lua")
        Path(script).write_text('wrk.method = "POST"\nwrk.body = \'{"placement": "home_top"}\'\n'
                                'wrk.headers["Content-Type"] = "application/json"\n')
        for round_no in range(1, args.rounds + 1):
            for key, run in (
                    ("bare", lambda: wrk(f"{bare.base}/ads", args)),
                    ("serve", lambda: wrk(f"{api.base}/api/ads?{query}", args)),
                    ("click", lambda: wrk(f"{api.base}/api/ads/{click_ad}/clicks", args, script)),
                    ("direct", lambda: (direct_clicks(db_url, click_ad, args.connections,
                                                      args.duration), 0))):
                rate, failed = run()
                rates[key].append(rate)
                bad += failed
            print(f"  round {round_no}: bare {rates['bare'][-1]:.0f}, GET /api/ads "
                  f"{rates['serve'][-1]:.0f}, clicks {rates['click'][-1]:.0f}, "
                  f"psycopg2 {rates['direct'][-1]:.0f} per second")
        final = counts(db_url, click_ad)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        if not args.keep_db:
            run_sql(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    med = {key: statistics.median(values) for key, values in rates.items()}
    ratios = {"serve": (med["serve"] / med["bare"], "bare route", 0.5),
              "click": (med["click"] / med["direct"], "psycopg2", 0.8)}
    rows = []
    print("medians:")
    for key, label, unit in (
            ("bare", "bare Falcon route, same JSON from memory", "req/s"),
            ("serve", "GET /api/ads, 5 placements, tracking on", "req/s"),
            ("click", "POST /api/ads/{id}/clicks", "req/s"),
            ("direct", f"same transaction through psycopg2 ({args.connections} threads)",
             "tx/s")):
        print(f"  {label:55s} {med[key]:8.0f} {unit}")
        ratio, of, target = ratios.get(key, (None, None, None))
        rows.append({"bench": "ads", "figure": label, "value": round(med[key]), "unit": unit,
                     "ratio": None if ratio is None else round(ratio, 2), "ratio_of": of,
                     "target": target})
    for name, ratio, target in (("GET /api/ads / bare", med["serve"] / med["bare"], 0.5),
                                ("clicks / psycopg2", med["click"] / med["direct"], 0.8)):
        print(f"  ratio {name:20s} = {ratio:.2f}  (target >= {target}: "
              f"{'meets' if ratio >= target else 'MISSES'})")
    print(f"  responses other than 2xx/3xx: {bad}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    print(f"  nothing lost: clicks counter {final[0]} == click rows {final[1]}: "
          f"{final[0] == final[1]}")
    return 0 if final[0] == final[1] and bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
