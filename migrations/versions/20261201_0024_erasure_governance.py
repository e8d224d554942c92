"""Erasure requests: who recorded them in which role (four eyes), and the extension of art. 12(3).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
ALTER TABLE erasure_requests
  ADD COLUMN recorded_role text NOT NULL DEFAULT 'ombudsperson_staff',
  ADD COLUMN extended_at timestamptz,
  ADD COLUMN extended_by text,
  ADD COLUMN extension_reason text;
ALTER TABLE erasure_requests ALTER COLUMN recorded_role DROP DEFAULT;
UPDATE erasure_requests r SET recorded_role = 'oversight_officer'
  FROM complaints c WHERE c.id = r.complaint_id AND c.track = 'anti_corruption';
"""
    )


def downgrade() -> None:
    op.execute(
        "ALTER TABLE erasure_requests DROP COLUMN recorded_role, DROP COLUMN extended_at, "
        "DROP COLUMN extended_by, DROP COLUMN extension_reason"
    )
