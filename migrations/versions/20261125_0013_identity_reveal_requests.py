"""identity reveal requests

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25 13:51:14.739113+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(
        "CREATE DOMAIN reveal_status AS text CHECK (VALUE IN ('approved', 'pending', 'refused'))"
    )
    op.create_table(
        "identity_reveal_requests",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("motivation", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column(
            "status",
            postgresql.DOMAIN(
                "reveal_status",
                sa.Text(),
                check="VALUE IN ('approved', 'pending', 'refused')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("no_notice_reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status <> 'approved' OR notified_at IS NOT NULL OR no_notice_reason IS NOT NULL",
            name=op.f("ck_identity_reveal_requests_approved_after_notice_or_reasoned_exception"),
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_identity_reveal_requests_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_reveal_requests")),
    )
    op.create_index(
        "ix_identity_reveal_requests_complaint",
        "identity_reveal_requests",
        ["complaint_id", "id"],
        unique=False,
    )
    op.create_table(
        "identity_disclosures",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("request_id", sa.BigInteger(), nullable=False),
        sa.Column("seen_by", sa.Text(), nullable=False),
        sa.Column("seen_role", sa.Text(), nullable=False),
        sa.Column(
            "seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["identity_reveal_requests.id"],
            name=op.f("fk_identity_disclosures_request_id_identity_reveal_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_disclosures")),
    )
    op.create_index(
        "ix_identity_disclosures_request",
        "identity_disclosures",
        ["request_id", "id"],
        unique=False,
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_identity_disclosures_request", table_name="identity_disclosures")
    op.drop_table("identity_disclosures")
    op.drop_index("ix_identity_reveal_requests_complaint", table_name="identity_reveal_requests")
    op.drop_table("identity_reveal_requests")
    op.execute("DROP DOMAIN reveal_status")
