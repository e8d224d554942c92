"""deadline indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 13:19:43.163569+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(
        "ix_investigation_steps_requests_due",
        "investigation_steps",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text("kind = 'information_request' AND answered_at IS NULL"),
    )
    op.create_index(
        "ix_remedies_implementation_due",
        "remedies",
        ["implementation_due_at"],
        unique=False,
        postgresql_where=sa.text("assessment IS NULL AND implementation_due_at IS NOT NULL"),
    )
    op.create_index(
        "ix_remedies_response_due",
        "remedies",
        ["response_due_at"],
        unique=False,
        postgresql_where=sa.text("response IS NULL"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(
        "ix_remedies_response_due",
        table_name="remedies",
        postgresql_where=sa.text("response IS NULL"),
    )
    op.drop_index(
        "ix_remedies_implementation_due",
        table_name="remedies",
        postgresql_where=sa.text("assessment IS NULL AND implementation_due_at IS NOT NULL"),
    )
    op.drop_index(
        "ix_investigation_steps_requests_due",
        table_name="investigation_steps",
        postgresql_where=sa.text("kind = 'information_request' AND answered_at IS NULL"),
    )
