"""The `ombuds` command: serve, migrate, worker, token, openapi, and operations."""

from __future__ import annotations

import argparse
import json
import os
import sys

from app.config import Settings, get_settings


def _serve(args: argparse.Namespace) -> int:
    import logging.config

    import uvicorn

    from app.accesslog import log_config
    from app.db import resolve_database_url
    from app.dbroles import owner_url, service_role
    from app.metrics_dir import clear_stale, use_metrics_dir
    from app.migrate import upgrade

    if args.with_worker:
        os.environ["OMBUDS_EMBEDDED_WORKER"] = "true"  # read by the app factory's settings
        get_settings.cache_clear()
    if args.access_log:
        os.environ["OMBUDS_LOG_CLIENT_ADDRESSES"] = "true"  # on request lines, truncated
        get_settings.cache_clear()
    settings = get_settings()
    # JSON lines on stdout from here on (uvicorn applies the same in each of its processes).
    logging.config.dictConfig(log_config(args.log_level))
    # Where every process of this server counts (app.metrics_dir); cleared by this one only.
    clear_stale(use_metrics_dir(settings))
    # Resolve once here, so the embedded PostgreSQL lives exactly as long as this process.
    url = resolve_database_url(settings)
    if args.migrate:
        owner = owner_url(settings, url)  # the schema's owner, when OMBUDS_MIGRATION_DATABASE_URL
        upgrade(owner, grant_to=service_role(settings, url))
        _count_existing(owner)
    port = args.port or int(os.environ.get("PORT", "8000"))
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips(),
        # Limits on request heads and read deadlines (uvicorn's own protocol has none).
        http="app.server:GuardedHttpToolsProtocol",
        log_level=args.log_level,
        access_log=False,  # the request lines are the app's own (app/observability.py)
        server_header=False,  # do not advertise the stack
        log_config=log_config(args.log_level),
    )
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from app.db import resolve_database_url
    from app.dbroles import owner_url, service_role
    from app.migrate import downgrade, upgrade

    settings = get_settings()
    url = resolve_database_url(settings)
    owner = owner_url(settings, url)  # the schema's owner, when OMBUDS_MIGRATION_DATABASE_URL
    if args.downgrade:
        downgrade(owner, args.downgrade)
    else:
        upgrade(owner, args.revision, grant_to=service_role(settings, url))
        if args.revision == "head":
            _count_existing(owner)
    print(f"migrated to {args.downgrade or args.revision}")
    return 0


def _count_existing(url: str) -> None:
    """After an upgrade that empties the statistics, count the complaints already there."""
    from app.crypto import Sealer
    from app.statistics.folding import needs_rebuild, rebuild

    if needs_rebuild(url):
        counted = rebuild(url, Sealer.from_settings(get_settings()))
        print(f"statistics: counted {counted} complaints")


def _worker(args: argparse.Namespace) -> int:
    import asyncio
    import logging.config

    from app.accesslog import log_config
    from app.metrics_dir import process_identifier, use_metrics_dir

    settings = get_settings()
    if args.probe:
        return _probe_worker(settings, args.max_age)
    logging.config.dictConfig(log_config(args.log_level))
    use_metrics_dir(settings)  # before the first metric is made: app.worker imports them

    from prometheus_client.multiprocess import mark_process_dead

    from app.db import libpq_url, resolve_database_url
    from app.worker import run

    url = libpq_url(resolve_database_url(settings))
    try:
        return asyncio.run(run(settings, url, once=args.once))
    finally:
        mark_process_dead(process_identifier())  # type: ignore[no-untyped-call]


def _probe_worker(settings: Settings, max_age: float | None) -> int:
    """`ombuds worker --probe`: 0 when a worker on this host beat recently, else 1; one line."""
    from app.heartbeat import default_max_age, heartbeat_path, probe

    alive, reason = probe(heartbeat_path(settings), max_age or default_max_age(settings))
    print(reason, file=sys.stdout if alive else sys.stderr)
    return 0 if alive else 1


def _queue(args: argparse.Namespace, replay: str, status: str, noun: str) -> int:
    """`status` (rows per state, the oldest of each) or `replay` (dead rows back to pending) of a
    queue the worker works through: the outbox's events, the notifications' emails."""
    import psycopg
    from psycopg.rows import dict_row

    from app.db import libpq_url, resolve_database_url

    url = libpq_url(resolve_database_url(get_settings()))
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        if args.action == "replay":
            ids = args.id or None
            if ids is None and not args.all:
                print(f"name the dead {noun} to replay with --id, or --all", file=sys.stderr)
                return 2
            replayed = conn.execute(replay, {"ids": ids}).fetchall()
            print(f"replaying {len(replayed)} dead {noun}")
            return 0
        for row in conn.execute(status).fetchall():
            oldest = row["oldest"].isoformat() if row["oldest"] else "-"
            print(f"{row['status']:<10} {row['rows']:>8}  oldest {oldest}")
    return 0


def _outbox(args: argparse.Namespace) -> int:
    from app.outbox.relay import REPLAY, STATUS

    return _queue(args, REPLAY, STATUS, "events")


def _notifications(args: argparse.Namespace) -> int:
    from app.notifications.queries import REPLAY, STATUS

    return _queue(args, REPLAY, STATUS, "notifications")


def _audit(args: argparse.Namespace) -> int:
    """seal | verify [--checkpoint FILE] | checkpoint; verify exits 1 when the chain is broken."""
    import asyncio
    from pathlib import Path

    import psycopg
    from psycopg.rows import dict_row

    from app.audit.chain import Checkpoint, seal, verify
    from app.db import libpq_url, resolve_database_url

    settings = get_settings()
    url = libpq_url(resolve_database_url(settings))
    key = settings.audit_key.get_secret_value().encode()
    checkpoint = None
    if args.checkpoint:
        try:
            checkpoint = Checkpoint.parse(json.loads(Path(args.checkpoint).read_text()))
        except (OSError, ValueError) as exc:
            print(f"cannot read the checkpoint: {exc}", file=sys.stderr)
            return 2

    async def run() -> int:
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)
        async with conn:
            if args.action == "seal":
                total = 0
                while n := await seal(conn, key, 5000):
                    total += n
                print(f"sealed {total} audit entries")
                return 0
            result = await verify(conn, key, checkpoint)
        if args.action == "checkpoint":
            if not result.intact:
                print(f"BROKEN: {result.problem}", file=sys.stderr)
                return 1
            print(json.dumps({"position": result.head_position, "hash": result.head_hash}))
            return 0
        if result.intact:
            print(
                f"intact: {result.checked} entries, head at position {result.head_position}"
                f" ({result.head_hash}); {result.unsealed} not sealed yet"
                + (f"; matches the checkpoint at {checkpoint.position}" if checkpoint else "")
            )
            return 0
        print(f"BROKEN at position {result.broken_at}: {result.problem}")
        return 1

    return asyncio.run(run())


def _purge(_: argparse.Namespace) -> int:
    """Remove every case past its retention date (and not held) now."""
    import asyncio
    from datetime import UTC, datetime

    import psycopg
    from psycopg.rows import dict_row

    from app.attachments.storage import LocalStorage
    from app.audit.chain import roll_up
    from app.db import libpq_url, resolve_database_url
    from app.retention.service import purge, sweep_orphans

    settings = get_settings()
    url = libpq_url(resolve_database_url(settings))
    storage = LocalStorage(settings.attachments_dir)

    async def run() -> tuple[int, int, int, int]:
        complaints = files = 0
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)
        async with conn:
            while (done := await purge(conn, storage)).complaints:
                complaints += len(done.complaints)
                files += done.files
            orphans = await sweep_orphans(conn, storage)
            key = settings.audit_key.get_secret_value().encode()
            rolled = await roll_up(conn, key, settings.audit_cutoff(datetime.now(UTC)))
        return complaints, files, orphans, rolled

    complaints, files, orphans, rolled = asyncio.run(run())
    print(f"purged {complaints} cases past their retention date ({files} files)")
    print(f"removed {orphans} orphaned files (stored, but no attachment refers to them)")
    print(f"rolled {rolled} audit entries past the longest retention into an anchor")
    return 0


def _statistics(args: argparse.Namespace) -> int:
    from app.crypto import Sealer
    from app.db import resolve_database_url
    from app.dbroles import owner_url
    from app.statistics.folding import rebuild

    settings = get_settings()
    url = owner_url(settings, resolve_database_url(settings))  # CLUSTER needs the owner
    print(f"statistics: counted {rebuild(url, Sealer.from_settings(settings))} complaints")
    return 0


def _staff(args: argparse.Namespace) -> int:
    """The staff directory: set a person's name and email (kept over the provider's claims), or
    list who is in it."""
    import asyncio

    import psycopg
    from psycopg.rows import dict_row

    from app.db import libpq_url, resolve_database_url
    from app.kit.permissions import Role
    from app.staff import service as staff

    roles = args.role or []
    unknown = [r for r in roles if r not in {x.value for x in Role} - {"complainant", "resident"}]
    if unknown:
        print(f"ombuds staff: not a staff role: {', '.join(unknown)}", file=sys.stderr)
        return 2
    url = libpq_url(resolve_database_url(get_settings()))

    async def run() -> int:
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)
        async with conn:
            if args.action == "list":
                for m in await staff.with_roles(conn, [r.value for r in Role]):
                    print(f"{m.subject}\t{m.name or ''}\t{m.email or ''}\t{','.join(m.roles)}")
                return 0
            if not args.sub:
                print("ombuds staff set: name the person with --sub", file=sys.stderr)
                return 2
            member = await staff.set_member(
                conn, subject=args.sub, name=args.name, email=args.email, roles=roles
            )
            print(f"{member.subject}: {member.name or '-'} <{member.email or '-'}>")
            return 0

    return asyncio.run(run())


def _backup(args: argparse.Namespace) -> int:
    """The database, the attachments and a manifest in one tar (app/backup.py)."""
    import time
    from pathlib import Path

    from app.backup import BackupError, backup
    from app.db import resolve_database_url
    from app.dbroles import owner_url

    settings = get_settings()
    url = owner_url(settings, resolve_database_url(settings))
    started = time.monotonic()
    try:
        done = backup(settings, url, Path(args.output), embedded=not settings.database_url)
    except BackupError as exc:
        print(f"ombuds backup: {exc}", file=sys.stderr)
        return 1
    print(
        f"{done.path}: {done.size} bytes, the database and {done.attachments} attachment files,"
        f" in {time.monotonic() - started:.1f} s"
    )
    for missing in done.missing:
        print(f"warning: attachment {missing} was not backed up", file=sys.stderr)
    print("the keys are not in it: keep them apart (its manifest names them by fingerprint)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    """Check a backup whole, then restore it into an empty database and attachments directory."""
    from pathlib import Path

    from app.backup import BackupError, restore, verify_trail
    from app.db import resolve_database_url
    from app.dbroles import owner_url, service_role

    settings = get_settings()
    service = resolve_database_url(settings)
    url = owner_url(settings, service)
    try:
        done = restore(
            settings,
            url,
            Path(args.backup),
            embedded=not settings.database_url,
            replace=args.replace,
            ignore_keys=args.ignore_key_mismatch,
            grant_to=None if args.verify else service_role(settings, service),
            verify_only=args.verify,
        )
    except BackupError as exc:
        print(f"ombuds restore: {exc}", file=sys.stderr)
        return 1
    for problem in done.key_problems:
        print(f"WARNING: {problem} (restored anyway, as asked)", file=sys.stderr)
    made = f"made {done.manifest['created_at']} by ombuds {done.manifest['app_version']}"
    if args.verify:
        print(f"{args.backup} is whole ({made}, {done.attachments} attachment files)")
        return 1 if done.key_problems else 0
    print(f"restored the database and {done.attachments} attachment files ({made})")
    _count_existing(url)
    intact, said = verify_trail(settings, url)
    print(f"audit trail: {said}", file=sys.stdout if intact else sys.stderr)
    return 0 if intact else 1


def _db_roles(args: argparse.Namespace) -> int:
    """--print: the roles' set-up as SQL; --check: what the service's role should not be able to
    do (exit 1 when it can)."""
    from app import dbroles
    from app.db import libpq_url, resolve_database_url

    if args.print:
        print(dbroles.script(args.runtime_role, args.owner_role, args.database), end="")
        return 0
    problems = dbroles.check(libpq_url(resolve_database_url(get_settings())))
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("the service's role can neither alter the schema nor switch the audit trail off")
    return 1 if problems else 0


def _token(args: argparse.Namespace) -> int:
    from app.auth.tokens import issue
    from app.kit.permissions import MINTABLE_ROLES, Role

    settings = get_settings()
    try:
        roles = [Role(r) for r in args.role]
    except ValueError:
        print(f"unknown role; choose from: {', '.join(sorted(MINTABLE_ROLES))}", file=sys.stderr)
        return 2
    if any(r not in MINTABLE_ROLES for r in roles):
        print("complainant tokens come from POST /v1/auth/receipt", file=sys.stderr)
        return 2
    if Role.respondent in roles and not args.department:
        print("a respondent token needs --department", file=sys.stderr)
        return 2
    ttl = args.ttl or settings.access_token_ttl_seconds
    print(
        issue(settings, subject=args.sub, roles=roles, ttl_seconds=ttl, department=args.department)
    )
    return 0


def _openapi(_: argparse.Namespace) -> int:
    from app.main import create_app

    print(json.dumps(create_app().openapi(), indent=2, ensure_ascii=False, sort_keys=False))
    return 0


def _rotate(_: argparse.Namespace) -> int:
    from app.crypto import Sealer, rotate_contacts
    from app.db import resolve_database_url

    settings = get_settings()
    count = rotate_contacts(resolve_database_url(settings), Sealer.from_settings(settings))
    print(f"re-sealed {count} identity records under key {settings.identity_keyring()[0]}")
    return 0


def _workflow(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.complaints.workflow import mermaid

    if not args.update:
        print(mermaid())
        return 0
    path = Path(args.update)
    start, end = "<!-- workflow:start -->", "<!-- workflow:end -->"
    text = path.read_text()
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{start}\n```mermaid\n{mermaid()}\n```\n{end}{tail}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ombuds", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the API with uvicorn")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--migrate", action="store_true", help="apply migrations first")
    serve.add_argument(
        "--with-worker", action="store_true", help="also run the worker in the server process"
    )
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="log each request, client addresses truncated to /24 (IPv4) or /48 (IPv6); "
        "off by default",
    )
    serve.add_argument("--no-access-log", dest="access_log", action="store_false")
    serve.set_defaults(func=_serve)

    mig = sub.add_parser("migrate", help="apply database migrations")
    mig.add_argument("--revision", default="head")
    mig.add_argument("--downgrade", metavar="REVISION", help="downgrade to REVISION instead")
    mig.set_defaults(func=_migrate)

    work = sub.add_parser(
        "worker", help="fold statistics, deliver events to the monitoring module, snapshots"
    )
    work.add_argument("--once", action="store_true", help="drain what is due now, then stop")
    work.add_argument("--log-level", default="info")
    work.add_argument(
        "--probe",
        action="store_true",
        help="exit 0 if a worker on this host ran within --max-age, else 1 (a liveness probe)",
    )
    work.add_argument(
        "--max-age",
        type=float,
        metavar="SECONDS",
        help="for --probe: default ten OMBUDS_WORKER_INTERVAL_SECONDS, at least 180",
    )
    work.set_defaults(func=_worker)

    outbox = sub.add_parser("outbox", help="the event outbox: status, or replay dead events")
    outbox.add_argument("action", choices=["status", "replay"])
    outbox.add_argument("--id", type=int, action="append", help="a dead event to replay")
    outbox.add_argument("--all", action="store_true", help="replay every dead event")
    outbox.set_defaults(func=_outbox)

    mails = sub.add_parser(
        "notifications", help="the email notifications: status, or replay dead ones"
    )
    mails.add_argument("action", choices=["status", "replay"])
    mails.add_argument("--id", type=int, action="append", help="a dead notification to replay")
    mails.add_argument("--all", action="store_true", help="replay every dead notification")
    mails.set_defaults(func=_notifications)

    audit = sub.add_parser(
        "audit", help="the audit trail: seal new entries, verify the chain, export a checkpoint"
    )
    audit.add_argument("action", choices=["seal", "verify", "checkpoint"])
    audit.add_argument("--checkpoint", metavar="FILE", help="verify against an exported checkpoint")
    audit.set_defaults(func=_audit)

    purge = sub.add_parser(
        "purge",
        help="remove the cases past their retention date (not those under legal hold), and roll "
        "audit entries past the longest retention into an anchor",
    )
    purge.set_defaults(func=_purge)

    stats = sub.add_parser("statistics", help="recount the statistics aggregate from the records")
    stats.add_argument("action", choices=["rebuild"])
    stats.set_defaults(func=_statistics)

    token = sub.add_parser("token", help="print a signed access token for local use and tests")
    token.add_argument("--sub", required=True, help="subject (user id)")
    token.add_argument("--role", required=True, action="append", help="role; repeat for several")
    token.add_argument("--department", help="department, for respondents")
    token.add_argument("--ttl", type=int, help="lifetime in seconds")
    token.set_defaults(func=_token)

    people = sub.add_parser(
        "staff",
        help="the staff directory: set a person's name and email (for cases, timelines and "
        "notifications), or list it",
    )
    people.add_argument("action", choices=["set", "list"])
    people.add_argument("--sub", help="subject (user id), as the identity provider names them")
    people.add_argument("--name", help="the name shown on cases and timelines")
    people.add_argument("--email", help="where the service writes to them")
    people.add_argument("--role", action="append", help="a role they hold; repeat for several")
    people.set_defaults(func=_staff)

    api = sub.add_parser("openapi", help="print the OpenAPI document")
    api.set_defaults(func=_openapi)

    rotate = sub.add_parser(
        "rotate-identity-keys", help="re-seal identities under the first OMBUDS_IDENTITY_KEYS key"
    )
    rotate.set_defaults(func=_rotate)

    flow = sub.add_parser("workflow", help="print the workflow as a mermaid state diagram")
    flow.add_argument("--update", metavar="README", help="rewrite the diagram block in README")
    flow.set_defaults(func=_workflow)

    roles = sub.add_parser(
        "db-roles",
        help="the database roles: print their set-up as SQL, or check the service's role",
    )
    what = roles.add_mutually_exclusive_group(required=True)
    what.add_argument("--print", action="store_true", help="print the SQL that sets them up")
    what.add_argument(
        "--check",
        action="store_true",
        help="check DATABASE_URL's role is neither superuser nor owner (exit 1 if it is)",
    )
    roles.add_argument("--runtime-role", default="ombuds_app", help="the service's role")
    roles.add_argument("--owner-role", default="ombuds_owner", help="the role that migrates")
    roles.add_argument("--database", default="ombuds")
    roles.set_defaults(func=_db_roles)

    save = sub.add_parser(
        "backup", help="back up the database and the attachments into one tar (no keys)"
    )
    save.add_argument(
        "--output", default=".", help="a directory (a dated file is made there) or a file name"
    )
    save.set_defaults(func=_backup)

    load = sub.add_parser(
        "restore",
        help="restore a backup into an empty database and attachments directory, after checking "
        "every file and the keys",
    )
    load.add_argument("backup", help="the .tar that `ombuds backup` wrote")
    load.add_argument(
        "--replace", action="store_true", help="remove what the database and directory hold first"
    )
    load.add_argument(
        "--ignore-key-mismatch",
        action="store_true",
        help="restore even though the keys configured are not those the backup's data needs",
    )
    load.add_argument(
        "--verify", action="store_true", help="only check the backup and the keys; change nothing"
    )
    load.set_defaults(func=_restore)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
