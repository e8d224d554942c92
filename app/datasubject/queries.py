"""SQL of data-subject requests."""

from __future__ import annotations

from app.kit.sql import compose
from app.kit.trail import audit_cte
from app.statistics.changes import changed

RECORD = compose(
    """
WITH r AS (
  INSERT INTO erasure_requests (complaint_id, due_at, channel, recorded_by, recorded_role, status)
  SELECT %(id)s, now() + interval '1 month', %(channel)s, %(actor_subject)s, %(actor_role)s,
         'pending'
  WHERE NOT EXISTS (SELECT 1 FROM erasure_requests
                    WHERE complaint_id = %(id)s AND status = 'pending')
  RETURNING *
),
{audit}
SELECT *, false AS overdue FROM r
""",
    audit=audit_cte("r", "'erasure.record'", "erasure_request", "id"),
)
LIST = """
SELECT *, (status = 'pending' AND due_at < now()) AS overdue FROM erasure_requests
WHERE complaint_id = %(id)s ORDER BY id
"""
PENDING = """
SELECT r.*, c.status AS complaint_status, c.legal_hold_at, c.complainant_subject
FROM erasure_requests r JOIN complaints c ON c.id = r.complaint_id
WHERE r.id = %(rid)s AND r.complaint_id = %(id)s
FOR UPDATE OF r, c
"""
# What the data subject is told, in the case's thread (it survives the erasure it reports).
_NOTICE = """notice AS (
  INSERT INTO messages (complaint_id, kind, body, author_subject, author_role)
  SELECT r.complaint_id, 'to_complainant', %(notice)s::text, %(actor_subject)s, %(actor_role)s
  FROM r
)"""
EXTENDED_DUE = """
SELECT received_at + interval '1 month' + make_interval(months => %(months)s) AS due
FROM erasure_requests WHERE id = %(rid)s
"""
EXTEND = compose(
    """
WITH r AS (
  UPDATE erasure_requests
  SET due_at = received_at + interval '1 month' + make_interval(months => %(months)s),
      extended_at = now(), extended_by = %(actor_subject)s, extension_reason = %(reason)s
  WHERE id = %(rid)s AND status = 'pending' AND extended_at IS NULL
  RETURNING *
),
{notice},
{audit}
SELECT *, (due_at < now()) AS overdue FROM r
""",
    notice=_NOTICE,
    audit=audit_cte("r", "'erasure.extend'", "erasure_request", "id"),
)
DECIDE = compose(
    """
WITH r AS (
  UPDATE erasure_requests
  SET status = %(status)s, ground = %(ground)s, decision_reason = %(reason)s,
      decided_by = %(actor_subject)s, decided_at = now()
  WHERE id = %(rid)s AND status = 'pending'
  RETURNING *
),
{notice},
{audit}
SELECT *, false AS overdue FROM r
""",
    notice=_NOTICE,
    audit=audit_cte("r", "'erasure.' || %(status)s", "erasure_request", "id"),
)
FILES = "SELECT id FROM attachments WHERE complaint_id = %(id)s"
ERASED = "[erased]"


def _blank(table: str, columns: tuple[str, ...], where: str = "complaint_id = %(id)s") -> str:
    """Each column's text replaced, NULL kept NULL (what was not there stays absent)."""
    assignments = ", ".join(
        f"{c} = CASE WHEN {c} IS NULL THEN NULL ELSE %(erased)s END" for c in columns
    )
    return compose(
        "UPDATE {table} SET {set} WHERE {where}", table=table, set=assignments, where=where
    )


def _pseudonymise(table: str, column: str) -> str:
    """The complainant's account, where it names them, replaced by its keyed pseudonym."""
    return compose(
        "UPDATE {table} SET {column} = %(pseudonym)s "
        "WHERE complaint_id = %(id)s AND {column} = %(account)s",
        table=table,
        column=column,
    )


# Irreversible: the personal data of the case goes (every free text, every file, the contact
# details, the people named, the characteristics, and the complainant's account wherever it
# names them, replaced by its keyed pseudonym); its codes, dates and decisions stay (the office's
# record, and the statistics). A test scans every column of every table afterwards.
ERASE = [
    "DELETE FROM complainant_contacts WHERE complaint_id = %(id)s",
    "DELETE FROM named_persons WHERE complaint_id = %(id)s",
    "DELETE FROM complainant_characteristics WHERE complaint_id = %(id)s",
    "DELETE FROM attachments WHERE complaint_id = %(id)s",
    _blank("messages", ("body",)),
    _blank("timeline_entries", ("reason",)),
    _blank("report_records", ("transcript", "reporter_comment")),
    "UPDATE hearings SET participants = '[]' WHERE complaint_id = %(id)s",
    _blank("hearings", ("location", "online_url", "minutes", "outcome")),
    _blank("mediation_attempts", ("terms", "notes")),
    _blank("investigations", ("plan",)),
    "UPDATE investigation_steps SET details = NULL WHERE complaint_id = %(id)s",
    _blank("investigation_steps", ("summary", "answer")),
    _blank("findings", ("public_summary", "internal_reasoning")),
    _blank("remedies", ("description", "response_reasons", "assessment_note")),
    _blank(
        "remedy_reports",
        ("text", "evidence"),
        "remedy_id IN (SELECT id FROM remedies WHERE complaint_id = %(id)s)",
    ),
    _blank("protection_measures", ("note",)),
    _blank("recusals", ("reason",)),
    _blank("redactions", ("reason",)),
    _blank(
        "identity_reveal_requests",
        ("motivation", "legal_basis", "decision_reason", "no_notice_reason"),
    ),
    _pseudonymise("messages", "author_subject"),
    _pseudonymise("timeline_entries", "actor_subject"),
    _pseudonymise("erasure_requests", "recorded_by"),
    # The emails about the case, sent or not: nobody is emailed about an erased case (its
    # contact is gone), and what was emailed to whom about it goes with the rest.
    "DELETE FROM notifications WHERE complaint_id = %(id)s",
]
ERASE_COMPLAINT = compose(
    """
WITH c AS (
  UPDATE complaints SET
    summary = %(erased)s, description = %(erased)s, remedy_sought = %(erased)s,
    respondent = NULL, incident_location = NULL, incident_from = NULL, incident_to = NULL,
    legal_hold_reason = NULL, complainant_subject = NULL, anonymous = true, email_updates = NULL,
    version = version + 1, updated_at = now()
  WHERE id = %(id)s
  RETURNING *
),
{audit},
{event}
SELECT id FROM c
""",
    audit=audit_cte("c", "'complaint.erase'", "complaint", "id"),
    event=changed("event", "complaint.erased", "c", "c.id"),
)
