"""Schema migrations through Alembic, for the CLI, the app's readiness check and the tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("ombuds.migrate")

# PostgreSQL advisory locks taken by ombuds (per database; the one-key and two-key forms are
# separate spaces): (7215, 0), folding the statistics, one folder at a time (app/statistics/
# folding.py); 7217, sealing the audit trail (app/audit/chain.py); 7218, migrating (here); 7219,
# publishing releases (app/statistics/releases.py: a year's release may take a minute, which must
# not hold up sealing); 72180, the test suite building its template.
MIGRATION_LOCK = 7218


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


@contextmanager
def migration_lock(database_url: str) -> Iterator[None]:
    """Hold the migration lock for the block, on a connection of its own (a session lock, so it
    spans the migrations' own transactions). Replicas that start together (`ombuds serve
    --migrate` in each) migrate one at a time; those after the first find the schema at the
    revision asked for, and Alembic does nothing."""
    from app.db import libpq_url

    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (MIGRATION_LOCK,)).fetchone()
        if not (row and row[0]):
            log.info("another process is migrating this database: waiting for it")
            conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def upgrade(database_url: str, revision: str = "head", *, grant_to: str | None = None) -> None:
    """Migrate (as the schema's owner), then grant the service's role, if another, its
    privileges on what the migrations made (app/dbroles.py), under the same lock."""
    with migration_lock(database_url):
        command.upgrade(alembic_config(database_url), revision)
        if grant_to is not None:
            from app.db import libpq_url
            from app.dbroles import grant

            with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
                grant(conn, grant_to)


def downgrade(database_url: str, revision: str = "base") -> None:
    with migration_lock(database_url):
        command.downgrade(alembic_config(database_url), revision)


def head_revisions(database_url: str) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


def all_revisions(database_url: str) -> set[str]:
    """Every revision the migrations know (a backup from a later one cannot be restored here)."""
    script = ScriptDirectory.from_config(alembic_config(database_url))
    return {revision.revision for revision in script.walk_revisions()}


def current_revisions_sync(connection: object) -> set[str]:
    """Revisions applied to the database (for a SQLAlchemy connection)."""
    # Alembic types it as a SQLAlchemy Connection; callers pass one, through `object`.
    return set(MigrationContext.configure(connection).get_current_heads())  # type: ignore[arg-type]
