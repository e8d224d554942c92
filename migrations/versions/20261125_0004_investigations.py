"""investigations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 13:10:05.190412+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(
        "CREATE DOMAIN step_kind AS text CHECK "
        "(VALUE IN ('evidence', 'information_request', 'interview', 'site_visit'))"
    )
    op.create_table(
        "investigations",
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column(
            "opened_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_investigations_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("complaint_id", name=op.f("pk_investigations")),
    )
    op.create_table(
        "investigation_steps",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column(
            "kind",
            postgresql.DOMAIN(
                "step_kind",
                sa.Text(),
                check="VALUE IN ('evidence', 'information_request', 'interview', 'site_visit')",
                create_type=False,
            ),
            nullable=False,
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind <> 'information_request' OR (department IS NOT NULL AND due_at IS NOT NULL)",
            name=op.f("ck_investigation_steps_information_request_addressed"),
        ),
        sa.CheckConstraint(
            "(answer IS NULL) = (answered_at IS NULL) AND (answer IS NULL) = (answered_by IS NULL)",
            name=op.f("ck_investigation_steps_answer_complete"),
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["investigations.complaint_id"],
            name=op.f("fk_investigation_steps_complaint_id_investigations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigation_steps")),
    )
    op.create_index(
        "ix_investigation_steps_complaint",
        "investigation_steps",
        ["complaint_id", "id"],
        unique=False,
    )
    op.create_index(
        "ix_investigation_steps_open_requests",
        "investigation_steps",
        ["department", "due_at"],
        unique=False,
        postgresql_where=sa.text("kind = 'information_request' AND answered_at IS NULL"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(
        "ix_investigation_steps_open_requests",
        table_name="investigation_steps",
        postgresql_where=sa.text("kind = 'information_request' AND answered_at IS NULL"),
    )
    op.drop_index("ix_investigation_steps_complaint", table_name="investigation_steps")
    op.drop_table("investigation_steps")
    op.drop_table("investigations")
    op.execute("DROP DOMAIN step_kind")
