"""attachments

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 13:27:58.192092+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(
        "CREATE DOMAIN attachment_parent AS text CHECK (VALUE IN ('complaint', 'message', 'step'))"
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column(
            "parent",
            postgresql.DOMAIN(
                "attachment_parent",
                sa.Text(),
                check="VALUE IN ('complaint', 'message', 'step')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.LargeBinary(), nullable=False),
        sa.Column("visible_to_complainant", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by", sa.Text(), nullable=False),
        sa.Column("uploaded_role", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(parent = 'complaint') = (parent_id IS NULL)",
            name=op.f("ck_attachments_parent_id_iff_child"),
        ),
        sa.CheckConstraint("octet_length(sha256) = 32", name=op.f("ck_attachments_sha256_length")),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_attachments_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index(
        "ix_attachments_complaint", "attachments", ["complaint_id", "created_at"], unique=False
    )


def downgrade() -> None:
    """Downgrade schema (the stored files stay where they are)."""
    op.drop_index("ix_attachments_complaint", table_name="attachments")
    op.drop_table("attachments")
    op.execute("DROP DOMAIN attachment_parent")
