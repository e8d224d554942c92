"""Audit anchors: entries past the longest retention are rolled into a sealed anchor.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01

The append-only trigger now lets go exactly the entries an anchor stands for (at or before the
newest anchor's position); anchors themselves are insert-only.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTION = """
CREATE OR REPLACE FUNCTION public.audit_entries_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD.seq IS NULL AND OLD.hash IS NULL
     AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
     AND (NEW.id, NEW.at, NEW.actor_subject, NEW.actor_role, NEW.action, NEW.object_type,
          NEW.object_id, NEW.outcome)
         IS NOT DISTINCT FROM
         (OLD.id, OLD.at, OLD.actor_subject, OLD.actor_role, OLD.action, OLD.object_type,
          OLD.object_id, OLD.outcome)
  THEN
    RETURN NEW;
  END IF;
  {delete}
  RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
"""
_DELETE = """IF TG_OP = 'DELETE' AND OLD.seq IS NOT NULL
     AND OLD.seq <= (SELECT coalesce(max(seq), 0) FROM audit_anchors)
  THEN
    RETURN OLD;
  END IF;"""


def upgrade() -> None:
    op.execute(
        """
CREATE TABLE audit_anchors (
    seq bigint PRIMARY KEY,
    hash bytea NOT NULL,
    entries bigint NOT NULL,
    through_at timestamptz NOT NULL,
    seal bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION public.audit_anchors_insert_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  RAISE EXCEPTION 'audit anchors are insert-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_anchors_insert_only BEFORE DELETE OR UPDATE ON audit_anchors
    FOR EACH ROW EXECUTE FUNCTION audit_anchors_insert_only();
CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_anchors
    FOR EACH STATEMENT EXECUTE FUNCTION audit_anchors_insert_only();
"""
    )
    op.execute(_FUNCTION.replace("{delete}", _DELETE))


def downgrade() -> None:
    op.execute(_FUNCTION.replace("{delete}", ""))
    op.execute("DROP TABLE audit_anchors")
    op.execute("DROP FUNCTION public.audit_anchors_insert_only()")
