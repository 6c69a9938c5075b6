"""Pix Automático renewal benchmark (issue 26): the engine `creatorflix jobs` runs
(domain.payments.pix_renewing.run_due), sending each cycle's cobr to the PSP.

    .venv/bin/python bench/pix_renewals_bench.py [--subscriptions 2000]
        [--pg-url postgresql://postgres@127.0.0.1:5432/postgres] [--json OUT]

The app is built as in production with CREATORFLIX_GATEWAY=pix (entrypoints.bootstrap,
from a Config naming the PSP and the receiving account) on a scratch database (a
temporary SQLite file, or a scratch PostgreSQL database made and dropped through
--pg-url), against the local API Pix of the tests (tests.support.pix_api_server: real
mutual TLS on loopback, served by a thread of this process; its calendar day is today
in São Paulo, our clock the system's). It answers in HTTP/1.0, so every call opens a
connection and does a TLS handshake: a PSP keeping connections alive would make round
trips cheaper and the first run's ratio lower.

Seeded, timed apart and not a figure: N approved recurrences at the PSP — one made
through the real adapter (journey 3: a cob and the rec it activates, approved by the
PSP's control), N-1 copies of it with their own idRec put straight into the PSP's
`recs` (set-up only: a POST /rec needs a cob of its own each) — and, through the
repositories in one unit of work, N members, one 30-day plan that renews automatically
and N subscriptions as domain.payments.pix_recurrences.renew_by_pix leaves them once
approved, each cycle due 5 days from today (every send window open).

It measures (time.perf_counter):
  1. bare scan: one unit of work loading the auto-renew subscriptions and nothing
     else, the floor of any run (median of 5, after a warm-up);
  2. round trip: GET /cobr/{txid} through the same adapter the engine uses
     (RecurringPixGateway.get_charge), the median of 50;
  3. first run: run_due sending the N cobrs (one PUT /cobr/{txid} each); cobrs per
     second, and the ratio round trip / cost per cobr. Target 0.3: a cobr needs its
     PUT (about one round trip) and three short transactions of the engine (its
     renewal row made, the subscription and plan read back before the call, the
     answer recorded); none should cost more than a TLS call on loopback, so a cobr
     may cost up to ~3 round trips plus bookkeeping — beyond 3.3 the engine does
     more than that per cobr;
  4. steady-state run: run_due again once every cycle is sent (median of 3), which
     must send nothing and make no PUT at the PSP; ratio bare scan / steady run.
     Target 0.2 (at most 5x the bare scan): such a run reads the N subscriptions (the
     bare scan), the N renewal rows awaiting their settlement, the N cycles'
     references in chunks of 500, and claims the retries due — a few scans of tables
     as large, about 3 bare scans; beyond 5 it does work per subscription;
  5. a check: exactly N cobrs at the PSP and N renewal rows (and the sends above as
     said), else it exits 1 after printing and writing the figures.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run_all import table  # noqa: E402
from bench.scratch_db import ScratchDatabase  # noqa: E402

SP = ZoneInfo("America/Sao_Paulo")
ACCOUNT = "0001/123456-7"
PRICE, DURATION = 2990, 30
DUE_IN_DAYS = 5  # within every cycle's send window (10 to 2 days before its due date)
SECRET = "bench-secret-key-" + "x" * 32
ROUND_TRIPS = 50
TARGETS = {"first run": 0.3, "steady-state run": 0.2}


def build(db: ScratchDatabase, server, pki, workdir: Path):
    """The app's dependencies for the PIX gateway over `db` (entrypoints.bootstrap)."""
    import attrs

    from entrypoints.bootstrap import build_deps
    from entrypoints.config import Config
    from tests.support.pix import pix_settings

    config = Config(
        secret_key=SECRET,
        storage_url=f"file://{workdir / 'media'}",
        mail_url=f"file://{workdir / 'outbox'}",
        gateway="pix",
        pix=attrs.evolve(pix_settings(pki, server), account=ACCOUNT),
        age_gate=False,
    )
    return build_deps(config, database=db.pdb)


# -- seeding (not a figure) ------------------------------------------------------------
def approved_recs(deps, server, n: int, due) -> list[str]:
    """n approved recurrences at the PSP: one through the real adapter (journey 3), the
    others copies of it put straight into its `recs` (set-up only)."""
    from adapters.clock import utcnow
    from domain.payments.checkout import PIX_AUTOMATICO
    from domain.payments.customer import Customer
    from domain.payments.gateways import ChargeItem, ChargeRequest, charge_reference
    from domain.payments.pix_automatico import RecurrenceTerms

    charge = deps.payments.pix(None).create_charge(
        ChargeRequest(
            amount=PRICE,
            payment_method=PIX_AUTOMATICO,
            customer=Customer("Ana Souza", "ana@example.com", "52998224725", "11987654321"),
            items=(ChargeItem("Mensal", PRICE),),
            postback_url="http://127.0.0.1/unused",
            reference=charge_reference(1, utcnow()),
            recurrence=RecurrenceTerms("MENSAL", due, PRICE, "Mensal"),
        )
    )
    first = charge.recurrence_id
    assert first is not None
    server.approve_rec(first)
    ids = [first]
    with server.lock:
        template = server.recs[first]
        for i in range(1, n):
            id_rec = first[:18] + f"B{i:010d}"  # RR + ISPB + date + 11 letters and digits
            server.recs[id_rec] = {**copy.deepcopy(template), "idRec": id_rec}
            ids.append(id_rec)
    return ids


def seed(deps, rec_ids: list[str], due) -> None:
    """Members, a monthly automatic plan and one subscription each renewing by Pix
    Automático, as renew_by_pix leaves them (through the repositories, one unit of
    work)."""
    from domain.accounts.users import User
    from domain.catalog.entities import AUTOMATIC, Plan
    from domain.payments import renewals
    from domain.payments import subscriptions as subs
    from domain.payments.pix_automatico import period_end
    from domain.payments.subscriptions import Subscription

    now = deps.clock.now()
    with deps.uow() as uow:
        plan = uow.plans.add(
            Plan(id=None, name="Mensal", price=PRICE, duration=DURATION, renewal=AUTOMATIC)
        )
        for i, id_rec in enumerate(rec_ids):
            user = uow.users.add(
                User(id=None, email=f"member{i}@bench.example", password="!", created_at=now)
            )
            uow.subscriptions.add(
                Subscription(
                    id=None,
                    user_id=user.id,
                    plan_id=plan.id,
                    external_id=f"bench{i:010d}",
                    start_date=now - timedelta(days=DURATION - DUE_IN_DAYS),
                    end_date=period_end(due, SP),
                    status=subs.ACTIVE,
                    created_at=now,
                    auto_renew=True,
                    renewal_state=renewals.RENEWING,
                    pix_rec_id=id_rec,
                    renewal_anchor=due,
                )
            )
        uow.commit()


# -- measurements -----------------------------------------------------------------------
def timed(fn):
    """(seconds, result)."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def median_of(times: int, fn):
    """The median duration of `times` calls, and their results."""
    runs = [timed(fn) for _ in range(times)]
    return statistics.median(s for s, _ in runs), [result for _, result in runs]


def bare_scan(deps) -> int:
    with deps.uow() as uow:
        return len(uow.subscriptions.find({"auto_renew": True}).items)


def puts(server) -> int:
    with server.lock:
        return sum(1 for method, _ in server.api_calls if method == "PUT")


def measure(deps, server, n: int) -> dict:
    """The phases' durations (seconds) and what they did."""
    from domain.payments import pix_renewing
    from domain.payments.gateways import PIX_GATEWAY

    bare_scan(deps)  # warm-up (connections, Pony's query cache)
    scan_s, scanned = median_of(5, lambda: bare_scan(deps))
    assert scanned[-1] == n, f"the bare scan found {scanned[-1]} subscriptions, not {n}"
    renewal = deps.renewals
    first_s, first = timed(lambda: pix_renewing.run_due(renewal))
    gateway = deps.payments.pix_recurring(None)  # as the engine's (one API Pix client)
    txids = list(server.cobrs)[:ROUND_TRIPS]
    trip_s = statistics.median(timed(lambda t=t: gateway.get_charge(t))[0] for t in txids)
    puts_before, calls_before = puts(server), len(server.api_calls)
    steady_s, steady = median_of(3, lambda: pix_renewing.run_due(renewal))
    with deps.uow() as uow:
        renewal_rows = uow.renewals.count({"gateway": PIX_GATEWAY})
    return {
        "scan": scan_s,
        "trip": trip_s,
        "trips": len(txids),
        "first": first_s,
        "sent first": first.charged,
        "steady": steady_s,
        "sent steady": sum(report.charged for report in steady),
        "steady puts": puts(server) - puts_before,
        "steady calls": len(server.api_calls) - calls_before,
        "cobrs": len(server.cobrs),
        "renewal rows": renewal_rows,
    }


def problems_of(m: dict, n: int) -> list[str]:
    """What breaks "exactly one cobr per cycle"."""
    problems = []
    if m["sent first"] != n:
        problems.append(f"the first run sent {m['sent first']} cobrs, not {n}")
    if m["sent steady"] or m["steady puts"]:
        problems.append(
            f"the steady-state runs sent {m['sent steady']} cobrs, {m['steady puts']} PUTs"
        )
    if m["cobrs"] != n or m["renewal rows"] != n:
        problems.append(f"{m['cobrs']} cobrs at the PSP, {m['renewal rows']} renewal rows, not {n}")
    return problems


def figures(m: dict, n: int, database: str) -> list[dict]:
    head = f"{database}, {n:,} subscriptions"
    per_cobr = m["first"] / n
    return [
        row(f"{head}: bare scan", m["scan"], "s", None, None, "median of 5"),
        row(
            f"{head}: round trip",
            m["trip"] * 1000,
            "ms",
            None,
            None,
            f"GET /cobr through the adapter, median of {m['trips']}",
        ),
        row(
            f"{head}: first run",
            m["first"],
            "s",
            m["trip"] / per_cobr,
            "round trip",
            f"{n / m['first']:,.0f} cobrs/s, {per_cobr * 1000:.2f} ms per cobr "
            f"({per_cobr / m['trip']:.1f} round trips)",
        ),
        row(
            f"{head}: steady-state run",
            m["steady"],
            "s",
            m["scan"] / m["steady"],
            "bare scan",
            f"median of 3, {m['sent steady']} sent, {m['steady calls']} PSP calls "
            f"({m['steady'] / m['scan']:.1f}x the bare scan)",
        ),
    ]


def bench(n: int, pg_url: str | None, workdir: Path) -> tuple[list[dict], list[str]]:
    from adapters.clock import SystemClock
    from domain.payments.pix_automatico import local_date
    from tests.support.pix_api_server import PixApiServer
    from tests.support.pix_certs import make_pki

    clock = SystemClock()
    pki = make_pki(workdir / "pki")
    server = PixApiServer(pki).start()
    server.today = lambda: local_date(clock.now(), SP)
    db = ScratchDatabase(pg_url, workdir, "creatorflix_pix_bench")
    try:
        deps = build(db, server, pki, workdir)
        due = server.today() + timedelta(days=DUE_IN_DAYS)
        seconds, rec_ids = timed(lambda: approved_recs(deps, server, n, due))
        print(f"(made {n:,} approved recurrences at the PSP in {seconds:.1f}s)")
        seconds, _ = timed(lambda: seed(deps, rec_ids, due))
        print(f"(seeded {n:,} members and subscriptions in {seconds:.1f}s)")
        m = measure(deps, server, n)
    finally:
        db.drop()
        server.stop()
    return figures(m, n, "PostgreSQL" if pg_url else "SQLite"), problems_of(m, n)


def row(figure: str, value: float, unit: str, ratio, ratio_of, notes: str) -> dict:
    phase = figure.rsplit(": ", 1)[1]
    return {
        "bench": "pix",
        "figure": figure,
        "value": round(value, 3),
        "unit": unit,
        "ratio": None if ratio is None else round(ratio, 2),
        "ratio_of": ratio_of,
        "target": TARGETS.get(phase),
        "notes": notes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscriptions", type=int, default=2000)
    parser.add_argument(
        "--pg-url",
        help="PostgreSQL server URL (a scratch database is "
        "created and dropped); default: a SQLite file",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    print(
        f"Pix Automático renewal benchmark: {os.cpu_count()} CPUs (shared with whatever "
        f"else runs), the PSP in this process"
    )
    with tempfile.TemporaryDirectory(prefix="pix-bench-") as tmp:
        rows, problems = bench(args.subscriptions, args.pg_url, Path(tmp))
    print("\n" + table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    for problem in problems:
        print(f"! {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
