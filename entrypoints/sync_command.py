"""`creatorflix sync [--dry-run] [--allow-mass-delete]`: the white-label sync from the
command line, with a progress counter on stderr and the report on stdout."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from domain.common.errors import DomainError
from domain.whitelabel.entities import SyncRun
from domain.whitelabel.sync import SyncCommand, SyncRefused, sync_catalogue


class ProgressLine:
    """A one-line counter rewritten in place with \\r (stdlib only)."""

    def __init__(self, out: TextIO):
        self.out = out
        self.shown = False

    def __call__(self, phase: str, count: int) -> None:
        what = "objects listed" if phase == "listing" else "rows written"
        self.out.write(f"\r{phase}: {count:,} {what}".ljust(50))
        self.out.flush()
        self.shown = True

    def end(self) -> None:
        if self.shown:
            self.out.write("\n")
            self.out.flush()


def format_report(run: SyncRun) -> str:
    """The run as people read it: a summary line, then the report as JSON."""
    head = f"sync #{run.id} {run.status}" + (" (dry run: nothing written)" if run.dry_run else "")
    if run.error:
        head += f": {run.error}"
    return head + "\n" + json.dumps(run.report, indent=2, sort_keys=True, ensure_ascii=False)


def run_sync(
    deps,
    dry_run: bool = False,
    allow_mass_delete: bool = False,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run one sync; 0 on success, 1 on refusal or error (the reason on stderr). A dry
    run that a real run's mass-delete guard would refuse succeeds, with a warning."""
    out, err = out or sys.stdout, err or sys.stderr
    progress = ProgressLine(err)
    command = SyncCommand(dry_run=dry_run, allow_mass_delete=allow_mass_delete)
    try:
        run = sync_catalogue(
            command, deps.uow, deps.storage, deps.sync_lock, deps.clock, progress=progress
        )
    except SyncRefused as exc:
        progress.end()
        print(format_report(exc.run), file=out)
        print(f"refused: {exc.run.error}; run again with --allow-mass-delete to proceed", file=err)
        return 1
    except DomainError as exc:
        progress.end()
        print(f"sync failed: {exc.message}", file=err)
        return 1
    progress.end()
    print(format_report(run), file=out)
    if run.dry_run and run.report.get("refusal"):
        print(
            f"a real run would be refused: {run.report['refusal']}; run it with "
            "--allow-mass-delete to proceed",
            file=err,
        )
    return 0
