"""The staff directory: who signed in to the console (name and email from the identity
provider's claims, or set from the command line), so pages show people, not subject ids.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0032"
down_revision: str | Sequence[str] | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
CREATE TABLE staff (
    subject text NOT NULL,
    name text,
    email text,
    roles text[] NOT NULL,
    department text,
    pinned boolean DEFAULT false NOT NULL,
    first_seen timestamptz DEFAULT now() NOT NULL,
    last_seen timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_staff PRIMARY KEY (subject)
);
"""
    )


def downgrade() -> None:
    op.execute("DROP TABLE staff")
