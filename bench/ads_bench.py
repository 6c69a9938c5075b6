"""Ads benchmark: what pages do, measured with wrk against gunicorn on PostgreSQL.

    .venv/bin/python bench/ads_bench.py [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
                                        [--duration 8] [--connections 8] [--rounds 3]

Creates a scratch database (dropped at the end), migrates it, seeds 10 active ads in 5
placements, then measures, alternating for --rounds rounds (the machine is shared; the
medians are compared):
  1. the read path: a bare Falcon route answering the same JSON from memory, vs
     GET /api/ads for the 5 placements with track=false — what pages call (target: at
     least 0.5 of the bare route);
  2. the write path: impressions recorded per second through the batched beacon
     POST /api/ads/events (one page view: the 10 ads it showed), vs the single beacon
     POST /api/ads/{id}/impressions, one event per request (target: at least 5 times);
  3. the click redirect GET /r/ads/{id}?placement=&t= with its serve token, vs the same
     transaction — the very statements the Pony adapter runs (lock the ad, look up a
     repeat, record the counted click), then COMMIT — driven through psycopg2 by as many
     threads as wrk has connections (target: at least 0.8);
  4. secondary: GET /api/ads with tracking on (an impression recorded per served ad),
     as a ratio of the bare route.
Every request comes from another visitor (X-Forwarded-For through a trusted proxy, a
browser's user agent), so the events are counted, not filtered as repeats or bots. Both
servers run with the options of `creatorflix serve` (gunicorn, gthread) minus the
access log. At the end, every counter is checked against its counted rows.
Needs `wrk` (Debian/Ubuntu: apt-get install -y wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLACEMENTS = ("home_top", "home_middle", "home_bottom", "sidebar", "login")
ADS = [  # (type, placement): two ads per placement
    ("hero", "home_top"),
    ("banner", "home_top"),
    ("diamond_block", "home_middle"),
    ("diamond_block", "home_middle"),
    ("banner", "home_bottom"),
    ("banner", "home_bottom"),
    ("spot", "sidebar"),
    ("spot", "sidebar"),
    ("banner", "login"),
    ("banner", "login"),
]
SECRET = "bench-secret-key-" + "x" * 32
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)

# One wrk request per call of request(): each from a new visitor (X-Forwarded-For; the
# API server trusts 127.0.0.1 as its proxy). The first octet tells the runs apart.
VISITORS_LUA = """local n = 0
local first = %(first)d
request = function()
  n = n + 1
  local ip = string.format("%%d.%%d.%%d.%%d", first, math.floor(n / 65536) %% 256,
                           math.floor(n / 256) %% 256, n %% 256)
  return wrk.format(%(method)s, %(path)s, {["X-Forwarded-For"] = ip,
    ["User-Agent"] = %(agent)s, ["Content-Type"] = "application/json"}, %(body)s)
end
"""


def lua_string(text: str | None) -> str:
    return "nil" if text is None else json.dumps(text)


def sql_for_psycopg2(sql: str) -> str:
    return re.sub(r"\$(\w+)", r"%(\1)s", sql)


def click_statements() -> tuple[str, str, str]:
    """The click transaction's statements as the Pony adapter runs them on PostgreSQL
    (domain.ads.tracking.follow_click), with psycopg2 placeholders."""
    from adapters.pony.repositories.ads import COUNTED_SINCE_SQL, LOCK_SQL, RECORD_ONE_SQL

    return (
        sql_for_psycopg2(LOCK_SQL),
        sql_for_psycopg2(COUNTED_SINCE_SQL["clicks"]),
        sql_for_psycopg2(RECORD_ONE_SQL["clicks", True]),
    )


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
    from domain.ads.admin import ADS as AD_RESOURCE
    from domain.common import crud
    from domain.common.fields import parse_fields
    from entrypoints.bootstrap import build_deps
    from entrypoints.config import Config

    def record(data: dict) -> crud.CreateRecord:
        return crud.CreateRecord(parse_fields(AD_RESOURCE.fields, data, partial=False))

    migrator.migrate(db_url)
    deps = build_deps(Config(database_url=db_url, secret_key=SECRET))
    ids = [
        crud.create_item(
            AD_RESOURCE,
            deps.uow,
            deps.clock,
            record(
                {
                    "name": f"Bench {i}",
                    "title": f"Anúncio {i}",
                    "type": kind,
                    "placement": where,
                    "status": "active",
                    "priority": i % 3,
                    "link": f"https://example.com/ad/{i}",
                    "image_url": f"https://picsum.photos/seed/ad{i}/600/200",
                    "cta_text": "Saiba mais",
                }
            ),
        ).id
        for i, (kind, where) in enumerate(ADS)
    ]
    deps.database.close()
    return ids


class Server:
    """`ads_bench.py --serve MODE` in a child process, on a free loopback port."""

    def __init__(self, mode: str, args, env: dict, body_file: str = ""):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve",
                mode,
                "--port",
                str(self.port),
                "--workers",
                str(args.workers),
                "--worker-threads",
                str(args.worker_threads),
                "--body-file",
                body_file,
            ],
            env=env,
            cwd=str(ROOT),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        probe = self.base + ("/ads" if mode == "bare" else "/health")
        for _ in range(100):
            try:
                urllib.request.urlopen(probe, timeout=1).read()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"server failed: {self.proc.stderr.read().decode()}") from None
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


class Wrk:
    """wrk runs; each run with a script gets its own range of visitor addresses."""

    def __init__(self, args, tmp: str):
        self.args, self.tmp, self.runs = args, tmp, 0
        self.bad = 0

    def script(self, method: str, path: str, body: str | None) -> str:
        self.runs += 1
        script = os.path.join(self.tmp, f"run{self.runs}.lua")
        Path(script).write_text(
            VISITORS_LUA
            % {
                "first": 10 + self.runs % 200,
                "method": lua_string(method),
                "path": lua_string(path),
                "agent": lua_string(BROWSER),
                "body": lua_string(body),
            }
        )
        return script

    def rate(
        self,
        base: str,
        method: str = "GET",
        path: str = "/",
        body: str | None = None,
        visitors: bool = True,
    ) -> float:
        """Requests per second (responses other than 2xx/3xx are counted in `bad`)."""
        args = self.args
        cmd = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{args.duration}s"]
        if visitors:
            cmd += ["-s", self.script(method, path, body)]
        out = subprocess.run(
            cmd + [base + path], capture_output=True, text=True, timeout=args.duration + 60
        ).stdout
        rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
        if rate is None:
            raise SystemExit(f"could not read wrk's output:\n{out}")
        failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        self.bad += int(failed.group(1)) if failed else 0
        errors = re.search(r"Socket errors:.*", out)
        if errors:
            print(f"    wrk: {errors.group(0)}")
        return float(rate.group(1))


def direct_clicks(
    db_url: str, ad_id: int, token_placement: str, threads: int, duration: float
) -> float:
    """Transactions per second of the click's statements + COMMIT through psycopg2, one
    connection per thread, each click from a new visitor (as the wrk runs)."""
    import psycopg2

    from domain.ads.counting import ip_group

    lock, lookup, record = click_statements()
    done = [0] * threads
    start = threading.Barrier(threads + 1)
    stop_at = [0.0]

    def run(slot: int) -> None:
        conn = psycopg2.connect(db_url)
        cur = conn.cursor()
        start.wait()
        n = 0
        while time.monotonic() < stop_at[0]:
            n += 1
            ip = f"250.{slot}.{n // 256 % 256}.{n % 256}"
            now = datetime.now(UTC).replace(tzinfo=None)
            cur.execute(lock, {"ids": [ad_id], "visitor": f"{ip} {BROWSER}"})
            cur.fetchall()
            cur.execute(
                lookup,
                {
                    "ad_ids": [ad_id],
                    "placements": [token_placement],
                    "ips": [ip],
                    "user_agents": [BROWSER],
                    "since": now - timedelta(seconds=30),
                },
            )
            cur.fetchall()
            cur.execute(
                record,
                {
                    "ad_id": ad_id,
                    "placement": token_placement,
                    "user_agent": BROWSER,
                    "ip": ip,
                    "created_at": now,
                    "counted": True,
                    "filter_reason": None,
                    "ip_group": ip_group(ip),
                },
            )
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


def consistency(db_url: str) -> tuple[bool, str]:
    """Whether every ad's counters equal its counted rows, and the totals."""
    rows = run_sql(
        db_url,
        """
        SELECT a.id, a.impressions, a.clicks,
               (SELECT count(*) FROM impressions i WHERE i.ad_id = a.id AND i.counted),
               (SELECT count(*) FROM clicks c WHERE c.ad_id = a.id AND c.counted),
               (SELECT count(*) FROM impressions i WHERE i.ad_id = a.id AND NOT i.counted),
               (SELECT count(*) FROM clicks c WHERE c.ad_id = a.id AND NOT c.counted)
        FROM ads a""",
    )
    ok = all(
        shown == counted_shown and clicked == counted_clicked
        for _, shown, clicked, counted_shown, counted_clicked, _, _ in rows
    )
    totals = [sum(r[i] for r in rows) for i in range(1, 7)]
    return ok, (
        f"impressions counter {totals[0]} = counted rows {totals[2]} (+ {totals[4]} "
        f"filtered); clicks counter {totals[1]} = counted rows {totals[3]} "
        f"(+ {totals[5]} filtered)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "CREATORFLIX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server where a scratch database may be created",
    )
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument(
        "--connections", type=int, default=8, help="wrk connections (and psycopg2 threads)"
    )
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-threads", type=int, default=4)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="alternating measurement rounds (the medians are compared)",
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=len(ADS),
        help="events per batched beacon (default: the 10 ads of a page)",
    )
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
        print(
            "wrk is not installed. On Debian/Ubuntu: sudo apt-get install -y wrk", file=sys.stderr
        )
        return 2

    name = f"creatorflix_bench_{os.getpid()}"
    db_url = with_database(args.pg_url, name)
    run_sql(args.pg_url, f'CREATE DATABASE "{name}"')
    tmp = tempfile.mkdtemp(prefix="ads_bench_")
    servers: list[Server] = []
    keys = ("bare", "serve", "single", "batch", "click", "direct", "tracked")
    rates: dict[str, list[float]] = {key: [] for key in keys}
    wrk = Wrk(args, tmp)
    try:
        seed(db_url)
        env = {
            **os.environ,
            "CREATORFLIX_DATABASE_URL": db_url,
            "CREATORFLIX_SECRET_KEY": SECRET,
            "CREATORFLIX_STORAGE_URL": f"file://{tmp}",
            "CREATORFLIX_TRUSTED_PROXIES": "127.0.0.1",
        }
        query = "placements=" + ",".join(PLACEMENTS)
        print(
            f"ads_bench: {os.cpu_count()} CPUs shared by wrk, gunicorn and PostgreSQL "
            f"(load average {os.getloadavg()[0]:.2f} before the run); "
            f"wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration}s; gunicorn "
            f"{args.workers} workers x {args.worker_threads} threads; {args.rounds} rounds; "
            f"batches of {args.batch} events"
        )
        api = Server("api", args, env)
        servers.append(api)
        body = urllib.request.urlopen(f"{api.base}/api/ads?{query}&track=false").read()
        page = json.loads(body)
        body_file = os.path.join(tmp, "ads.json")
        Path(body_file).write_bytes(body)
        bare = Server("bare", args, env, body_file)
        servers.append(bare)
        shown = [(ad["id"], placement) for placement in PLACEMENTS for ad in page[placement]]
        batch = json.dumps(
            {
                "events": [
                    {"ad_id": ad_id, "placement": placement, "type": "impression"}
                    for ad_id, placement in (shown * args.batch)[: args.batch]
                ]
            }
        )
        click_ad, click_placement = shown[0]
        click_path = urlsplit(page[click_placement][0]["click_url"])
        click_path_text = f"{click_path.path}?{click_path.query}"
        single = json.dumps({"placement": click_placement})
        for round_no in range(1, args.rounds + 1):
            for key, run in (
                ("bare", lambda: wrk.rate(bare.base, path="/ads", visitors=False)),
                (
                    "serve",
                    lambda: wrk.rate(
                        api.base, path=f"/api/ads?{query}&track=false", visitors=False
                    ),
                ),
                (
                    "single",
                    lambda: wrk.rate(api.base, "POST", f"/api/ads/{click_ad}/impressions", single),
                ),
                ("batch", lambda: wrk.rate(api.base, "POST", "/api/ads/events", batch)),
                ("click", lambda: wrk.rate(api.base, path=click_path_text)),
                (
                    "direct",
                    lambda: direct_clicks(
                        db_url, click_ad, click_placement, args.connections, args.duration
                    ),
                ),
                ("tracked", lambda: wrk.rate(api.base, path=f"/api/ads?{query}")),
            ):
                rates[key].append(run())
            last = {key: values[-1] for key, values in rates.items()}
            print(
                f"  round {round_no}: bare {last['bare']:.0f}, GET /api/ads "
                f"{last['serve']:.0f}, single beacons {last['single']:.0f}, batches "
                f"{last['batch']:.0f} (x{args.batch} events), clicks {last['click']:.0f}, "
                f"psycopg2 {last['direct']:.0f}, tracked GET {last['tracked']:.0f} per "
                "second"
            )
        consistent, totals = consistency(db_url)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        if not args.keep_db:
            run_sql(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    med = {key: statistics.median(values) for key, values in rates.items()}
    batch_events = med["batch"] * args.batch
    figures = [  # key, label, value, unit, (ratio, of, target)
        ("bare", "bare Falcon route, same JSON from memory", med["bare"], "req/s", None),
        (
            "serve",
            "GET /api/ads, 5 placements, track=false (pages)",
            med["serve"],
            "req/s",
            (med["serve"] / med["bare"], "bare route", 0.5),
        ),
        (
            "single",
            "POST /api/ads/{id}/impressions, 1 event/request",
            med["single"],
            "events/s",
            None,
        ),
        (
            "batch",
            f"POST /api/ads/events, {args.batch} events/request",
            batch_events,
            "events/s",
            (batch_events / med["single"], "single", 5.0),
        ),
        (
            "click",
            "GET /r/ads/{id}?t= (counted click, redirect)",
            med["click"],
            "req/s",
            (med["click"] / med["direct"], "psycopg2", 0.8),
        ),
        (
            "direct",
            f"same click transaction via psycopg2 ({args.connections} threads)",
            med["direct"],
            "tx/s",
            None,
        ),
        (
            "tracked",
            "GET /api/ads, 5 placements, tracking on (secondary)",
            med["tracked"],
            "req/s",
            (med["tracked"] / med["bare"], "bare route", None),
        ),
    ]
    rows = []
    print("medians:")
    for _, label, value, unit, ratio in figures:
        print(f"  {label:58s} {value:8.0f} {unit}")
        rows.append(
            {
                "bench": "ads",
                "figure": label,
                "value": round(value),
                "unit": unit,
                "ratio": None if ratio is None else round(ratio[0], 2),
                "ratio_of": None if ratio is None else ratio[1],
                "target": None if ratio is None else ratio[2],
            }
        )
    for _, label, _, _, ratio in figures:
        if ratio is not None:
            ratio_value, of, target = ratio
            verdict = (
                ""
                if target is None
                else (f"  (target >= {target}: {'meets' if ratio_value >= target else 'MISSES'})")
            )
            print(f"  ratio {label[:40]:40s} / {of:10s} = {ratio_value:5.2f}{verdict}")
    print(f"  responses other than 2xx/3xx: {wrk.bad}")
    print(f"  counters = counted rows for every ad: {consistent} — {totals}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0 if consistent and wrk.bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
