"""Rate limits shared by every process and replica: token buckets in PostgreSQL.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06

UNLOGGED: a bucket is worth nothing after a crash (the server empties the table on recovery,
which forgives every client at once), and its updates then write no WAL. A low fill factor keeps
the updates HOT (no index change), so a busy bucket does not bloat its index.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0029"
down_revision: str | Sequence[str] | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
CREATE UNLOGGED TABLE rate_buckets (
    scope text NOT NULL,
    key text NOT NULL,
    tokens double precision NOT NULL,
    allowed boolean NOT NULL,
    at timestamptz NOT NULL,
    CONSTRAINT pk_rate_buckets PRIMARY KEY (scope, key)
) WITH (fillfactor = 50)
"""
    )


def downgrade() -> None:
    op.execute("DROP TABLE rate_buckets")
