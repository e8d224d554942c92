"""Search by period: each message carries its case's received_at (`complaint_received_at`, kept
by the search trigger, as `search` is), with a btree index, so the words' GIN index and a period
of receipt can be asked for the same messages together (a BitmapAnd).

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-09
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0033"
down_revision: str | Sequence[str] | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As migration 0031 wrote it (a migration keeps its own copy).
CONFIG = (
    "CASE c.language WHEN 'en' THEN 'english'::regconfig WHEN 'fr' THEN 'french'::regconfig "
    "WHEN 'es' THEN 'spanish'::regconfig WHEN 'ar' THEN 'arabic'::regconfig "
    "ELSE 'simple'::regconfig END"
)


def upgrade() -> None:
    op.execute(
        f"""
ALTER TABLE messages ADD COLUMN complaint_received_at timestamptz;
CREATE OR REPLACE FUNCTION messages_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT to_tsvector({CONFIG}, NEW.body), c.received_at
    INTO NEW.search, NEW.complaint_received_at
    FROM complaints c WHERE c.id = NEW.complaint_id;
    RETURN NEW;
END
$$;
UPDATE messages m SET complaint_received_at = c.received_at
    FROM complaints c WHERE c.id = m.complaint_id;
ALTER TABLE messages ALTER COLUMN complaint_received_at SET NOT NULL;
-- A case's received_at is written once, at filing; should it ever change, its messages follow.
CREATE FUNCTION complaints_received_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE messages SET complaint_received_at = NEW.received_at WHERE complaint_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER complaints_received_messages AFTER UPDATE OF received_at ON complaints
    FOR EACH ROW WHEN (OLD.received_at IS DISTINCT FROM NEW.received_at)
    EXECUTE FUNCTION complaints_received_messages();
CREATE INDEX ix_messages_complaint_received ON messages (complaint_received_at);
"""
    )


def downgrade() -> None:
    op.execute(
        f"""
DROP TRIGGER complaints_received_messages ON complaints;
DROP FUNCTION complaints_received_messages();
DROP INDEX ix_messages_complaint_received;
CREATE OR REPLACE FUNCTION messages_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search := (SELECT to_tsvector({CONFIG}, NEW.body)
                   FROM complaints c WHERE c.id = NEW.complaint_id);
    RETURN NEW;
END
$$;
ALTER TABLE messages DROP COLUMN complaint_received_at;
"""
    )
