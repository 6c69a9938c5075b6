"""The `creatorflix` command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from domain.common.errors import DomainError
from entrypoints.config import ConfigError, load_config


def _deps():
    from entrypoints.bootstrap import build_deps

    return build_deps(load_config())


def cmd_migrate(args) -> int:
    from adapters import migrator
    from adapters.adoption import AdoptionBlocked, RollbackRefused
    from entrypoints.bootstrap import secret_box_of

    config = load_config()
    url, secrets = config.database_url, secret_box_of(config)
    if args.dry_run:
        for line in migrator.plan(url):
            print(line)
        return 0
    if args.rollback is not None:
        try:
            done = migrator.rollback(url, args.rollback, secrets=secrets)
        except RollbackRefused as refused:
            print(f"refused: {refused}", file=sys.stderr)
            return 1
        print(f"rolled back {len(done)} migration(s)" + (f": {', '.join(done)}" if done else ""))
        return 0
    try:
        done = migrator.migrate(
            url, on_adopt=lambda plan: print("\n".join(plan.lines())), secrets=secrets
        )
    except AdoptionBlocked as blocked:
        print("\n".join(blocked.plan.lines()), file=sys.stderr)
        return 1
    print(
        f"applied {len(done)} migration(s)" + (f": {', '.join(done)}" if done else " (up to date)")
    )
    return 0


def cmd_rotate_secrets(args) -> int:
    from adapters import migrator
    from entrypoints.bootstrap import secret_box_of

    config = load_config()
    changed = migrator.reseal_secrets(config.database_url, secret_box_of(config))
    print(f"re-encrypted {changed} stored secret(s) with the current CREATORFLIX_SECRET_KEY")
    return 0


def cmd_original_triggers(args) -> int:
    from adapters import original_triggers

    url = load_config().database_url
    try:
        lines = (
            original_triggers.status(url)
            if args.action == "status"
            else original_triggers.switch(url, enable=args.action == "enable")
        )
    except original_triggers.NotOnThisDatabase as refused:
        print(f"refused: {refused}", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0


def cmd_serve(args) -> int:
    from entrypoints.server import serve

    config = load_config()  # fail fast, with a clear message, before forking workers
    if config.rate_limit_url.startswith("memory:") and args.workers > 1:
        logging.getLogger("creatorflix.serve").warning(
            "CREATORFLIX_RATE_LIMIT_URL is memory://: each of the %d workers counts rate "
            "limits on its own (up to %d times the limits); use --workers 1, or "
            "redis://… shared by every worker and server",
            args.workers,
            args.workers,
        )
    serve(host=args.host, port=args.port, workers=args.workers, threads=args.threads)
    return 0


def _ask_password() -> str | None:
    """The password typed twice at a prompt that does not echo it; None when the two
    differ (said on stderr)."""
    import getpass

    first = getpass.getpass("New password: ")
    if getpass.getpass("Repeat it: ") != first:
        print("error (password): the two passwords do not match", file=sys.stderr)
        return None
    return first


def cmd_create_admin(args) -> int:
    from domain.accounts.auth import create_admin
    from domain.accounts.commands import CreateAdmin
    from domain.accounts.users import normalize_email

    deps = _deps()
    password = args.password
    if password is None:
        with deps.uow() as uow:
            exists = uow.users.get_by_email(normalize_email(args.email)) is not None
        if not exists:  # only a new account needs one
            password = _ask_password()
            if password is None:
                return 1
    user, created = create_admin(deps.auth, CreateAdmin(args.email, password))
    if created:
        print(f"created admin {user.email} (id {user.id})")
    else:
        print(
            f"promoted admin {user.email} (id {user.id}); the password was not changed "
            "(creatorflix set-password changes it)"
        )
    return 0


def cmd_set_password(args) -> int:
    from domain.accounts.auth import reset_password
    from domain.accounts.commands import ResetPassword

    password = args.password if args.password is not None else _ask_password()
    if password is None:
        return 1
    user = reset_password(_deps().auth, ResetPassword(args.email, password))
    print(
        f"password set for {user.email} (id {user.id}, role {user.role}); "
        "its earlier sessions are signed out"
    )
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


def cmd_jobs(args) -> int:
    from entrypoints.jobs import PERIODIC_JOBS

    deps = _deps()
    for name, job, meaning in PERIODIC_JOBS:
        print(f"{name}: {job(deps)} {meaning}")
    return 0


def cmd_register_pix_webhook(args) -> int:
    from domain.payments.webhooks import register_pix_notices

    if register_pix_notices(_deps().payments_service):
        print("registered our PIX notice URL at the PSP for the key")
        return 0
    print("the PIX notice URL could not be registered (see the log above)", file=sys.stderr)
    return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="creatorflix", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("migrate", help="apply pending database migrations")
    p.add_argument("--rollback", type=int, metavar="N", help="undo the last N migrations")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would be done (adopting an original database included)",
    )
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser(
        "rotate-secrets",
        help="re-encrypt every stored secret with the "
        "current CREATORFLIX_SECRET_KEY (after a key change, with the old "
        "key in CREATORFLIX_SECRET_KEY_PREVIOUS)",
    )
    p.set_defaults(func=cmd_rotate_secrets)

    p = sub.add_parser(
        "original-triggers",
        help="switch off (or back on) the original "
        "CreatorFlix's three notification triggers in a database taken "
        "over (nothing is dropped)",
    )
    p.add_argument("action", choices=("disable", "enable", "status"))
    p.set_defaults(func=cmd_original_triggers)

    p = sub.add_parser("serve", help="serve the API with gunicorn")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "create-admin",
        help="create an administrator, or promote an existing "
        "user (a promotion keeps the user's password)",
        description="Creates an administrator, or promotes an existing user "
        "to administrator. A promotion never changes the password: use "
        "`creatorflix set-password` for that.",
    )
    p.add_argument("--email", required=True)
    p.add_argument(
        "--password",
        help="the new account's password (prompted for when "
        "omitted; ignored when the account exists)",
    )
    p.set_defaults(func=cmd_create_admin)

    p = sub.add_parser(
        "set-password", help="set the password of an existing account (never changes its role)"
    )
    p.add_argument("--email", required=True)
    p.add_argument(
        "--password",
        help="the new password (prompted for, without echo, when "
        "omitted: keeps it out of the shell history)",
    )
    p.set_defaults(func=cmd_set_password)

    p = sub.add_parser("seed-demo", help="load demo plans, order bumps, creators, contacts, ads")
    p.set_defaults(func=cmd_seed_demo)

    p = sub.add_parser("sync", help="sync the white-label catalogue from the storage bucket")
    p.add_argument("--dry-run", action="store_true", help="compute and print, write nothing")
    p.add_argument(
        "--allow-mass-delete",
        action="store_true",
        help="allow deleting more than half of the catalogue",
    )
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser(
        "expire-subscriptions",
        help="mark ended subscriptions expired and unpaid checkouts past their expiry abandoned",
    )
    p.set_defaults(func=cmd_expire)

    p = sub.add_parser(
        "jobs",
        help="run every periodic job once (subscriptions, checkouts, "
        "retention of ad events, renewal reminders and expiry notices, mail "
        "delivery); run it from cron, e.g. hourly",
    )
    p.set_defaults(func=cmd_jobs)

    p = sub.add_parser(
        "register-pix-webhook",
        help="register our PIX notice URL for the "
        "key at the PSP (PUT /webhook/{chave}; each app server also does at "
        "start-up)",
    )
    p.set_defaults(func=cmd_register_pix_webhook)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from entrypoints import log_redaction

    log_redaction.install()
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
