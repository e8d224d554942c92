"""SQL of the remedies room."""

from __future__ import annotations

from app.kit.sql import compose
from app.kit.trail import audit_cte
from app.statistics.changes import changed

_REMEDY_SOURCE = "r JOIN complaints c ON c.id = r.complaint_id"


def _remedy_event(kind: str) -> str:
    return changed("event", kind, _REMEDY_SOURCE, "c.id")


def _audit(action: str) -> str:
    return audit_cte("r", action, "remedy", "r.id")


RESPONSE_OVERDUE = "(r.response IS NULL AND r.response_due_at < now())"
# A remedy the department rejected will not be implemented: it is not overdue, it is answered
# (the office assesses it as not implemented).
IMPLEMENTATION_OVERDUE = (
    "(r.implementation_due_at IS NOT NULL AND r.implementation_due_at < now() "
    "AND r.assessment IS NULL AND r.response IS DISTINCT FROM 'rejected' "
    "AND NOT EXISTS (SELECT 1 FROM remedy_reports x "
    "WHERE x.remedy_id = r.id AND x.kind = 'implemented'))"
)
REPORTS = (
    "coalesce((SELECT json_agg(json_build_object('kind', x.kind, 'text', x.text, "
    "'evidence', x.evidence, 'reported_at', x.reported_at) ORDER BY x.id) "
    "FROM remedy_reports x WHERE x.remedy_id = r.id), '[]'::json)"
)

FINDINGS_OUTCOME = "SELECT outcome FROM findings WHERE complaint_id = %(id)s"

INSERT = compose(
    """
WITH r AS (
  INSERT INTO remedies (complaint_id, form, department, description, response_due_at,
                        implementation_due_at, created_by)
  VALUES (%(id)s, %(form)s, %(department)s, %(description)s, %(response_due_at)s,
          %(implementation_due_at)s, %(actor_subject)s)
  RETURNING *
),
{audit},
{event}
SELECT id FROM r
""",
    audit=_audit("'remedy.recommend'"),
    event=_remedy_event("remedy.drafted"),
)

# The office's and the complainant's view; the office's note on its assessment, staff only.
FOR_COMPLAINT = compose(
    """
SELECT r.id, r.complaint_id, r.form, r.department, r.description, r.response_due_at,
       r.implementation_due_at, r.response, r.response_reasons, r.responded_at,
       {response_overdue} AS response_overdue,
       {implementation_overdue} AS implementation_overdue, {reports} AS reports, r.assessment,
       CASE WHEN %(staff)s THEN r.assessment_note END AS assessment_note, r.assessed_at
FROM remedies r WHERE r.complaint_id = %(id)s {{extra}} ORDER BY r.id
""",
    response_overdue=RESPONSE_OVERDUE,
    implementation_overdue=IMPLEMENTATION_OVERDUE,
    reports=REPORTS,
)
ONE_REMEDY = "AND r.id = %(remedy_id)s"

# A department's view, only of recommended remedies (the complaint has moved to follow-up).
FOR_DEPARTMENT = compose(
    """
SELECT r.id, CASE WHEN c.track = 'ombudsperson' THEN c.reference END AS complaint_reference,
       r.form, r.description, r.response_due_at, r.implementation_due_at, r.response,
       r.response_reasons, {response_overdue} AS response_overdue,
       {implementation_overdue} AS implementation_overdue, {reports} AS reports, r.assessment
FROM remedies r
JOIN complaints c ON c.id = r.complaint_id
WHERE r.department = %(department)s AND c.status IN ('remedy_follow_up', 'closed') {{extra}}
ORDER BY r.id
LIMIT %(limit)s
""",
    response_overdue=RESPONSE_OVERDUE,
    implementation_overdue=IMPLEMENTATION_OVERDUE,
    reports=REPORTS,
)
AFTER = "AND r.id > %(after)s"
OPEN_ONLY = "AND r.assessment IS NULL"

RESPOND = compose(
    """
WITH r AS (
  UPDATE remedies SET response = %(response)s, response_reasons = %(reasons)s,
                      responded_at = now(), responded_by = %(actor_subject)s
  WHERE id = %(remedy_id)s AND response IS NULL
  RETURNING *
),
{audit},
{event}
SELECT id FROM r
""",
    audit=_audit("'remedy.' || %(response)s"),
    event=_remedy_event("remedy.responded"),
)

REPORT = compose(
    """
WITH x AS (
  INSERT INTO remedy_reports (remedy_id, kind, text, evidence, reported_by)
  VALUES (%(remedy_id)s, %(kind)s, %(text)s, %(evidence)s, %(actor_subject)s)
  RETURNING remedy_id
),
{audit}
SELECT remedy_id FROM x
""",
    audit=audit_cte("x", "'remedy.report.' || %(kind)s", "remedy", "x.remedy_id"),
)

ASSESS = compose(
    """
WITH r AS (
  UPDATE remedies SET assessment = %(assessment)s, assessment_note = %(note)s,
                      assessed_at = now(), assessed_by = %(actor_subject)s
  WHERE id = %(remedy_id)s AND complaint_id = %(id)s
  RETURNING *
),
{audit},
{event}
SELECT id FROM r
""",
    audit=_audit("'remedy.assess'"),
    event=_remedy_event("remedy.assessed"),
)
