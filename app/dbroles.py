"""Two database roles: the owner, which migrates (and backs up and restores), and the service's
role, which reads and writes rows but can neither change the schema nor switch off the audit
trail's guard.

The append-only trigger on `audit_entries` (and the insert-only ones on `audit_anchors` and
`statistics_releases`) binds every role but those that can step around it: the tables' owner
(`ALTER TABLE ... DISABLE TRIGGER`, `DROP TABLE`) and a superuser (also
`SET session_replication_role = replica`, under which triggers do not fire). So the service must
run as neither. With `OMBUDS_MIGRATION_DATABASE_URL` set (the owner), `ombuds migrate` grants the
role of `DATABASE_URL` what the service needs after each migration, under the migration lock;
`ombuds db-roles --print` shows the whole set-up as SQL, and `ombuds db-roles --check` says what
the service's role could do that it should not.
"""

from __future__ import annotations

from typing import Any, LiteralString

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from app.config import Settings

# Tables whose rows only grow: the service inserts and reads them; the trigger refuses the rest
# anyway, the missing privilege says so before it. Audit entries are sealed once (seq, hash).
_INSERT_ONLY = ("audit_anchors", "statistics_releases")

_GRANTS = """\
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role};
REVOKE UPDATE, DELETE ON {insert_only} FROM {role};
REVOKE UPDATE ON audit_entries FROM {role};
GRANT UPDATE (seq, hash) ON audit_entries TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role};"""


def grants(role: str) -> sql.Composed:
    """What the service's role is granted, run by the owner in the database (idempotent)."""
    return sql.SQL(_GRANTS).format(
        role=sql.Identifier(role),
        insert_only=sql.SQL(", ").join(sql.Identifier(t) for t in _INSERT_ONLY),
    )


def grant(owner_conn: psycopg.Connection[Any], role: str) -> None:
    """Grant the service's role its privileges (after migrating, as the owner)."""
    owner_conn.execute(grants(role))


def script(runtime_role: str, owner_role: str, database: str) -> str:
    """The whole set-up as SQL, for an operator to read and run (`ombuds db-roles --print`)."""
    names = {
        "runtime": sql.Identifier(runtime_role),
        "owner": sql.Identifier(owner_role),
        "database": sql.Identifier(database),
    }
    setup = sql.SQL(
        """\
-- 1. Once, as a superuser (or a role with CREATEROLE and CREATEDB); then give both roles
--    passwords with psql's \\password, which keeps them out of the shell's history.
CREATE ROLE {owner} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE {runtime} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
CREATE DATABASE {database} OWNER {owner};
REVOKE ALL ON DATABASE {database} FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {runtime};

-- 2. In the database {database} as {owner}, after each migration: `ombuds migrate` does
--    it when OMBUDS_MIGRATION_DATABASE_URL is {owner}'s and DATABASE_URL {runtime}'s.
"""
    ).format(**names)
    return setup.as_string() + grants(runtime_role).as_string() + "\n"


def role_of(url: str) -> str:
    """The role a URL connects as (asking the server when the URL names none)."""
    named = conninfo_to_dict(url).get("user")
    if named:
        return str(named)
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT current_user").fetchone()
    return str(row[0]) if row else ""


def owner_url(settings: Settings, service_url: str) -> str:
    """Where migrations, backups and restores connect: the owner's URL when one is set."""
    from app.db import libpq_url

    return libpq_url(settings.migration_database_url or service_url)


def service_role(settings: Settings, service_url: str) -> str | None:
    """The role to grant after migrating: DATABASE_URL's, when the owner's URL is another role."""
    from app.db import libpq_url

    if not settings.migration_database_url:
        return None
    runtime = role_of(libpq_url(service_url))
    owner = role_of(libpq_url(settings.migration_database_url))
    return runtime if runtime != owner else None


_CHECKS: list[tuple[LiteralString, str]] = [
    (
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
        "is a superuser: it can switch every trigger off (session_replication_role)",
    ),
    (
        "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public'"
        " AND pg_has_role(current_user, tableowner, 'USAGE'))",
        "owns tables of the schema (or is a member of their owner): it can alter and drop them"
        " and disable the audit trail's append-only trigger; migrate as another role",
    ),
    (
        "SELECT has_schema_privilege('public', 'CREATE')",
        "may create objects in the schema public",
    ),
    (
        "SELECT to_regclass('audit_entries') IS NOT NULL"
        " AND has_table_privilege('audit_entries', 'TRUNCATE')",
        "may TRUNCATE the audit trail",
    ),
    (
        "SELECT to_regclass('audit_entries') IS NOT NULL"
        " AND has_column_privilege('audit_entries', 'action', 'UPDATE')",
        "may UPDATE audit entries beyond sealing them (seq, hash)",
    ),
]


def check(service_url: str) -> list[str]:
    """What the service's role could do that it should not (nothing: an empty list)."""
    problems = []
    with psycopg.connect(service_url, autocommit=True) as conn:
        role = conn.execute("SELECT current_user").fetchone()
        for query, problem in _CHECKS:
            row = conn.execute(sql.SQL(query)).fetchone()
            if row and row[0]:
                problems.append(f"the role {role[0] if role else '?'} {problem}")
    return problems
