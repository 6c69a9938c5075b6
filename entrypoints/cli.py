"""The `creatorflix` command."""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Callable

from domain.common.errors import DomainError
from entrypoints.config import ConfigError, load_config


def _deps():
    from entrypoints.bootstrap import build_deps
    return build_deps(load_config())


def cmd_migrate(args) -> int:
    from adapters import migrator
    url = load_config().database_url
    if args.rollback is not None:
        done = migrator.rollback(url, args.rollback)
        print(f"rolled back {len(done)} migration(s)" + (f": {', '.join(done)}" if done else ""))
    else:
        done = migrator.migrate(url)
        print(f"applied {len(done)} migration(s)" + (f": {', '.join(done)}" if done else
                                                      " (up to date)"))
    return 0


def cmd_serve(args) -> int:
    from entrypoints.server import serve
    load_config()  # fail fast, with a clear message, before forking workers
    serve(host=args.host, port=args.port, workers=args.workers, threads=args.threads)
    return 0


def cmd_create_admin(args) -> int:
    from domain.accounts.auth import create_admin
    from domain.accounts.commands import CreateAdmin
    user, created = create_admin(_deps().auth, CreateAdmin(args.email, args.password))
    print(f"{'created' if created else 'promoted'} admin {user.email} (id {user.id})")
    return 0


def cmd_seed_demo(args) -> int:
    from entrypoints.seed import seed_demo
    for line in seed_demo(_deps()):
        print(line)
    return 0


def cmd_sync(args) -> int:
    from entrypoints.sync_command import run_sync
    return run_sync(_deps(), dry_run=args.dry_run, allow_mass_delete=args.allow_mass_delete)


def cmd_expire(args) -> int:
    from entrypoints.jobs import abandon_checkouts, expire_subscriptions
    deps = _deps()
    print(f"marked {expire_subscriptions(deps)} subscription(s) expired")
    print(f"marked {abandon_checkouts(deps)} checkout(s) abandoned")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="creatorflix", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("migrate", help="apply pending database migrations")
    p.add_argument("--rollback", type=int, metavar="N", help="undo the last N migrations")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("serve", help="serve the API with gunicorn")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("create-admin", help="create an administrator or promote a user")
    p.add_argument("--email", required=True)
    p.add_argument("--password", required=True)
    p.set_defaults(func=cmd_create_admin)

    p = sub.add_parser("seed-demo", help="load demo plans, order bumps, creators, contacts, ads")
    p.set_defaults(func=cmd_seed_demo)

    p = sub.add_parser("sync", help="sync the white-label catalogue from the storage bucket")
    p.add_argument("--dry-run", action="store_true", help="compute and print, write nothing")
    p.add_argument("--allow-mass-delete", action="store_true",
                   help="allow deleting more than half of the catalogue")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("expire-subscriptions", help="mark ended subscriptions expired and "
                       "unpaid checkouts past their expiry abandoned")
    p.set_defaults(func=cmd_expire)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    func: Callable = args.func
    try:
        return func(args)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
    except DomainError as exc:
        where = f" ({exc.field})" if exc.field else ""
        print(f"error{where}: {exc.message}", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 1


if __name__ == "__main__":
    sys.exit(main())
