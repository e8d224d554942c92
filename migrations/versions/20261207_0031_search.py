"""Full-text search: a tsvector per complaint (summary and description, generated) and per message
(body, kept by a trigger), each in the complaint's language, with GIN indexes.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0031"
down_revision: str | Sequence[str] | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As app/search/models.py writes it in 2026-12 (a migration keeps its own copy).
CONFIG = (
    "CASE {language} WHEN 'en' THEN 'english'::regconfig WHEN 'fr' THEN 'french'::regconfig "
    "WHEN 'es' THEN 'spanish'::regconfig WHEN 'ar' THEN 'arabic'::regconfig "
    "ELSE 'simple'::regconfig END"
)


def upgrade() -> None:
    complaint_config = CONFIG.format(language="language")
    message_config = CONFIG.format(language="c.language")
    op.execute(
        f"""
ALTER TABLE complaints ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector({complaint_config}, summary || ' ' || description)) STORED;
CREATE INDEX ix_complaints_search ON complaints USING gin (search);

ALTER TABLE messages ADD COLUMN search tsvector;
CREATE FUNCTION messages_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search := (SELECT to_tsvector({message_config}, NEW.body)
                   FROM complaints c WHERE c.id = NEW.complaint_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER messages_search BEFORE INSERT OR UPDATE OF body, complaint_id ON messages
    FOR EACH ROW EXECUTE FUNCTION messages_search();
UPDATE messages m SET search = to_tsvector({message_config}, m.body)
    FROM complaints c WHERE c.id = m.complaint_id;
CREATE INDEX ix_messages_search ON messages USING gin (search);
"""
    )


def downgrade() -> None:
    op.execute(
        """
DROP TRIGGER messages_search ON messages;
DROP FUNCTION messages_search();
ALTER TABLE messages DROP COLUMN search;
ALTER TABLE complaints DROP COLUMN search;
"""
    )
