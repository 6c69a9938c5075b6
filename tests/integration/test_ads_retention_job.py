"""`creatorflix jobs`: every periodic job once — among them, ad events older than
CREATORFLIX_EVENT_RETENTION_DAYS lose their IP and user agent; counters and daily
statistics are unchanged."""

from __future__ import annotations

from datetime import timedelta

from adapters.clock import utcnow
from adapters.pony.unit_of_work import PonyUnitOfWorkFactory
from domain.ads.rules import Ad, AdEvent
from entrypoints import cli
from entrypoints.jobs import PERIODIC_JOBS
from tests.support.cli_database import database_file  # noqa: F401  (fixture)


def test_the_jobs_command_runs_every_periodic_job_and_forgets_old_visitors(
    database_file, capsys, monkeypatch
):  # noqa: F811
    monkeypatch.setenv("CREATORFLIX_EVENT_RETENTION_DAYS", "30")
    now = utcnow()
    uow_factory = PonyUnitOfWorkFactory(database_file)
    with uow_factory() as uow:
        ad = uow.ads.add(
            Ad(
                id=None,
                name="n",
                title="t",
                link="https://example.com/",
                status="active",
                created_at=now - timedelta(days=60),
            )
        )
        events = {
            kind: [
                AdEvent(
                    id=None,
                    ad_id=ad.id,
                    placement="home_top",
                    user_agent="UA",
                    ip="203.0.113.4",
                    created_at=now - timedelta(days=days),
                )
                for days in (45, 31, 2)
            ]
            for kind in ("impressions", "clicks")
        }
        uow.ads.record_all(events)
        uow.commit()
    assert cli.main(["jobs"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == [name for name, _, _ in PERIODIC_JOBS]
    assert "expire-subscriptions: 0 subscription(s) marked expired" in out
    assert "forget-event-visitors: 4 ad event(s) cleared of IP and user agent" in out
    with uow_factory() as uow:
        for kind in ("impressions", "clicks"):
            kept = [
                (e.ip, e.user_agent)
                for e in getattr(uow, kind).find({"ad_id": ad.id}, order_by=["created_at"]).items
            ]
            assert kept == [(None, None), (None, None), ("203.0.113.4", "UA")]
        stored = uow.ads.get(ad.id)
        assert (stored.impressions, stored.clicks) == (3, 3)
        days = uow.clicks.outcomes_by_day(ad.id, now - timedelta(days=90), now)
        assert sum(by_reason[None] for by_reason in days.values()) == 3
    assert cli.main(["jobs"]) == 0
    assert "forget-event-visitors: 0 ad event(s)" in capsys.readouterr().out
    # The former command still does its part alone.
    assert cli.main(["expire-subscriptions"]) == 0
