"""own-initiative inquiries

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 13:23:52.150781+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(
        "CREATE DOMAIN complaint_origin AS text CHECK (VALUE IN ('complaint', 'own_initiative'))"
    )
    op.add_column(
        "complaints",
        sa.Column(
            "origin",
            postgresql.DOMAIN(
                "complaint_origin",
                sa.Text(),
                check="VALUE IN ('complaint', 'own_initiative')",
                create_type=False,
            ),
            server_default=sa.text("'complaint'"),
            nullable=False,
        ),
    )
    op.alter_column("complaints", "receipt_hash", existing_type=postgresql.BYTEA(), nullable=True)
    op.create_check_constraint(
        "receipt_iff_complaint", "complaints", "(origin = 'complaint') = (receipt_hash IS NOT NULL)"
    )


def downgrade() -> None:
    """Downgrade schema (deletes own-initiative inquiries, which have no receipt)."""
    op.drop_constraint("receipt_iff_complaint", "complaints", type_="check")
    op.execute("DELETE FROM complaints WHERE origin = 'own_initiative'")
    op.alter_column("complaints", "receipt_hash", existing_type=postgresql.BYTEA(), nullable=False)
    op.drop_column("complaints", "origin")
    op.execute("DROP DOMAIN complaint_origin")
