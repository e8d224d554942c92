"""redactions

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-25 13:55:59.688918+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(
        "CREATE DOMAIN redactable_field AS text CHECK "
        "(VALUE IN ('description', 'incident_location', 'remedy_sought', 'summary'))"
    )
    op.create_table(
        "redactions",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column(
            "field",
            postgresql.DOMAIN(
                "redactable_field",
                sa.Text(),
                check="VALUE IN ('description', 'incident_location', 'remedy_sought', 'summary')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("redacted_by", sa.Text(), nullable=False),
        sa.Column(
            "redacted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_redactions_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redactions")),
    )
    op.create_index("ix_redactions_complaint", "redactions", ["complaint_id", "id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_redactions_complaint", table_name="redactions")
    op.drop_table("redactions")
    op.execute("DROP DOMAIN redactable_field")
