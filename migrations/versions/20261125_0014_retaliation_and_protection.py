"""retaliation and protection

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25 13:53:24.053260+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(
        "CREATE DOMAIN protection_measure AS text CHECK "
        "(VALUE IN ('legal_aid', 'psychosocial_support', 'relocation_support'))"
    )
    op.execute(
        "CREATE DOMAIN measure_status AS text CHECK (VALUE IN ('granted', 'refused', 'requested'))"
    )
    op.create_table(
        "protection_measures",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column(
            "measure",
            postgresql.DOMAIN(
                "protection_measure",
                sa.Text(),
                check="VALUE IN ('legal_aid', 'psychosocial_support', 'relocation_support')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            postgresql.DOMAIN(
                "measure_status",
                sa.Text(),
                check="VALUE IN ('granted', 'refused', 'requested')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_protection_measures_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_measures")),
    )
    op.create_index(
        "ix_protection_measures_complaint",
        "protection_measures",
        ["complaint_id", "id"],
        unique=False,
    )
    op.add_column("complaints", sa.Column("retaliation_against", sa.UUID(), nullable=True))
    op.add_column(
        "complaints",
        sa.Column("priority", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.create_foreign_key(
        op.f("fk_complaints_retaliation_against_complaints"),
        "complaints",
        "complaints",
        ["retaliation_against"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint(
        op.f("fk_complaints_retaliation_against_complaints"), "complaints", type_="foreignkey"
    )
    op.drop_column("complaints", "priority")
    op.drop_column("complaints", "retaliation_against")
    op.drop_index("ix_protection_measures_complaint", table_name="protection_measures")
    op.drop_table("protection_measures")
    op.execute("DROP DOMAIN measure_status")
    op.execute("DROP DOMAIN protection_measure")
