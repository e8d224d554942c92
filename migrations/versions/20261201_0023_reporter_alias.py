"""The confidential track's reporter pseudonym, stored on the case and recorded for the reporter.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01

New anti-corruption cases get their pseudonym at filing (keyed on the case with the receipt key,
which the database never sees); cases filed before this revision get a random one here. The
timeline, messages and attachments of those cases are rewritten to name the reporter by it.
Audit entries already sealed into the hash chain stay as they are (the chain would break).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = """
ALTER TABLE complaints ADD COLUMN reporter_alias text;
UPDATE complaints
   SET reporter_alias = 'Reporter ' || upper(substr(md5(random()::text || id::text), 1, 6))
 WHERE track = 'anti_corruption';
UPDATE timeline_entries t SET actor_subject = c.reporter_alias, actor_role = 'complainant'
  FROM complaints c
 WHERE c.id = t.complaint_id AND c.reporter_alias IS NOT NULL
   AND t.actor_role IN ('complainant', 'resident');
UPDATE messages m SET author_subject = c.reporter_alias, author_role = 'complainant'
  FROM complaints c
 WHERE c.id = m.complaint_id AND c.reporter_alias IS NOT NULL
   AND m.author_role IN ('complainant', 'resident');
UPDATE attachments a SET uploaded_by = c.reporter_alias, uploaded_role = 'complainant'
  FROM complaints c
 WHERE c.id = a.complaint_id AND c.reporter_alias IS NOT NULL
   AND a.uploaded_role IN ('complainant', 'resident');
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute("ALTER TABLE complaints DROP COLUMN reporter_alias")
