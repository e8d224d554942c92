"""erasure requests

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-25 15:46:14.489843+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(
        "CREATE DOMAIN erasure_status AS text CHECK (VALUE IN ('executed', 'pending', 'refused'))"
    )
    op.execute(
        "CREATE DOMAIN erasure_ground AS text CHECK (VALUE IN ('archiving_or_statistics', "
        "'legal_claims', 'legal_obligation', 'public_interest'))"
    )
    op.create_table(
        "erasure_requests",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column(
            "status",
            postgresql.DOMAIN(
                "erasure_status",
                sa.Text(),
                check="VALUE IN ('executed', 'pending', 'refused')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "ground",
            postgresql.DOMAIN(
                "erasure_ground",
                sa.Text(),
                check="VALUE IN ('archiving_or_statistics', 'legal_claims', 'legal_obligation', 'public_interest')",
                create_type=False,
            ),
            nullable=True,
        ),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status <> 'refused' OR ground IS NOT NULL",
            name=op.f("ck_erasure_requests_refusal_names_its_ground"),
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_erasure_requests_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_requests")),
    )
    op.create_index(
        "ix_erasure_requests_complaint", "erasure_requests", ["complaint_id", "id"], unique=False
    )
    op.create_index(
        "ix_erasure_requests_pending_due",
        "erasure_requests",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_erasure_requests_pending_due", table_name="erasure_requests")
    op.drop_index("ix_erasure_requests_complaint", table_name="erasure_requests")
    op.drop_table("erasure_requests")
    op.execute("DROP DOMAIN erasure_ground")
    op.execute("DROP DOMAIN erasure_status")
