"""The baseline: the whole schema of ombuds 0.1 in one step.

Revision ID: 0021
Revises: (none)
Create Date: 2026-11-25

The pre-release migrations 0001 to 0021 were squashed into this one before any installation
depended on them. It keeps the id of the last of them, so a database built by them is at this
revision already; a database at an earlier pre-release revision must be built again.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = Path(__file__).with_suffix(".sql")

# Everything the baseline created, whatever it is, except Alembic's own table.
DROP_ALL = """
DO $$
DECLARE object record;
BEGIN
  FOR object IN SELECT tablename FROM pg_tables
                WHERE schemaname = 'public' AND tablename <> 'alembic_version' LOOP
    EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', object.tablename);
  END LOOP;
  FOR object IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'S' LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', object.relname);
  END LOOP;
  FOR object IN SELECT p.oid::regprocedure AS routine, p.prokind FROM pg_proc p
                JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' ORDER BY p.prokind = 'a' DESC LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE',
                   CASE object.prokind WHEN 'a' THEN 'AGGREGATE' ELSE 'ROUTINE' END,
                   object.routine);
  END LOOP;
  FOR object IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = 'public' AND t.typtype = 'd' LOOP
    EXECUTE format('DROP DOMAIN IF EXISTS public.%I CASCADE', object.typname);
  END LOOP;
END
$$
"""


def upgrade() -> None:
    # Functions come before the tables they read: their bodies are checked when first run.
    op.execute("SET LOCAL check_function_bodies = false")
    op.execute(SCHEMA.read_text())


def downgrade() -> None:
    op.execute(DROP_ALL)
