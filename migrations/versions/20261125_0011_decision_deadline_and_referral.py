"""decision deadline and referral

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 13:31:45.809331+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("complaints", sa.Column("decide_by", sa.DateTime(timezone=True), nullable=True))
    op.add_column("complaints", sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("complaints", sa.Column("referred_to", sa.Text(), nullable=True))
    op.create_index(
        "ix_complaints_decision_pending",
        "complaints",
        ["track", "decide_by"],
        unique=False,
        postgresql_where=sa.text("decided_at IS NULL AND decide_by IS NOT NULL"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(
        "ix_complaints_decision_pending",
        table_name="complaints",
        postgresql_where=sa.text("decided_at IS NULL AND decide_by IS NOT NULL"),
    )
    op.drop_column("complaints", "referred_to")
    op.drop_column("complaints", "decided_at")
    op.drop_column("complaints", "decide_by")
