"""audit chain

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-25 15:32:25.263797+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The audit trail is append-only: an entry may be sealed once (its chain position and HMAC set
# from empty, nothing else changed); every other UPDATE, every DELETE and TRUNCATE is refused.
GUARD = """
CREATE FUNCTION audit_entries_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
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
  RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$
"""
TRIGGERS = [
    "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
    "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()",
]


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("audit_entries", sa.Column("seq", sa.BigInteger(), nullable=True))
    op.add_column("audit_entries", sa.Column("hash", sa.LargeBinary(), nullable=True))
    op.create_index(
        "ix_audit_entries_unsealed",
        "audit_entries",
        ["id"],
        unique=False,
        postgresql_where=sa.text("seq IS NULL"),
    )
    op.create_index(
        "uq_audit_entries_seq",
        "audit_entries",
        ["seq"],
        unique=True,
        postgresql_where=sa.text("seq IS NOT NULL"),
    )
    op.execute(GUARD)
    for ddl in TRIGGERS:
        op.execute(ddl)


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DROP TRIGGER audit_entries_no_truncate ON audit_entries")
    op.execute("DROP TRIGGER audit_entries_append_only ON audit_entries")
    op.execute("DROP FUNCTION audit_entries_append_only()")
    op.drop_index(
        "uq_audit_entries_seq",
        table_name="audit_entries",
        postgresql_where=sa.text("seq IS NOT NULL"),
    )
    op.drop_index(
        "ix_audit_entries_unsealed",
        table_name="audit_entries",
        postgresql_where=sa.text("seq IS NULL"),
    )
    op.drop_column("audit_entries", "hash")
    op.drop_column("audit_entries", "seq")
