"""SQL of the remedies room."""

from __future__ import annotations

from app.outbox.events import complaint_fields, enqueue, remedy_department

_REMEDY_SOURCE = "r JOIN complaints c ON c.id = r.complaint_id"


def _remedy_event(event_type: str, **fields: str) -> str:
    return enqueue(
        "event",
        event_type,
        _REMEDY_SOURCE,
        "c.id",
        {
            **complaint_fields("c"),
            "form": "r.form",
            "remedy_department": remedy_department("r"),
            **fields,
        },
    )


RESPONSE_OVERDUE = "(r.response IS NULL AND r.response_due_at < now())"
IMPLEMENTATION_OVERDUE = (
    "(r.implementation_due_at IS NOT NULL AND r.implementation_due_at < now() "
    "AND r.assessment IS NULL AND NOT EXISTS (SELECT 1 FROM remedy_reports x "
    "WHERE x.remedy_id = r.id AND x.kind = 'implemented'))"
)
REPORTS = (
    "coalesce((SELECT json_agg(json_build_object('kind', x.kind, 'text', x.text, "
    "'evidence', x.evidence, 'reported_at', x.reported_at) ORDER BY x.id) "
    "FROM remedy_reports x WHERE x.remedy_id = r.id), '[]'::json)"
)

FINDINGS_OUTCOME = "SELECT outcome FROM findings WHERE complaint_id = %(id)s"

INSERT = f"""
WITH r AS (
  INSERT INTO remedies (complaint_id, form, department, description, response_due_at,
                        implementation_due_at, created_by)
  VALUES (%(id)s, %(form)s, %(department)s, %(description)s, %(response_due_at)s,
          %(implementation_due_at)s, %(actor_subject)s)
  RETURNING *
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'remedy.recommend', 'remedy', r.id::text FROM r
),
{_remedy_event("remedy.drafted")}
SELECT id FROM r
"""

FOR_COMPLAINT = f"""
SELECT r.*, {RESPONSE_OVERDUE} AS response_overdue,
       {IMPLEMENTATION_OVERDUE} AS implementation_overdue, {REPORTS} AS reports
FROM remedies r WHERE r.complaint_id = %(id)s {{extra}} ORDER BY r.id
"""

# A department's view, only of recommended remedies (the complaint has moved to follow-up).
FOR_DEPARTMENT = f"""
SELECT r.id, CASE WHEN c.track = 'ombudsperson' THEN c.reference END AS complaint_reference,
       r.form, r.description, r.response_due_at, r.implementation_due_at, r.response,
       r.response_reasons, {RESPONSE_OVERDUE} AS response_overdue,
       {IMPLEMENTATION_OVERDUE} AS implementation_overdue, {REPORTS} AS reports, r.assessment
FROM remedies r
JOIN complaints c ON c.id = r.complaint_id
WHERE r.department = %(department)s AND c.status IN ('remedy_follow_up', 'closed') {{extra}}
ORDER BY r.id
LIMIT %(limit)s
"""

RESPOND = f"""
WITH r AS (
  UPDATE remedies SET response = %(response)s, response_reasons = %(reasons)s,
                      responded_at = now(), responded_by = %(actor_subject)s
  WHERE id = %(remedy_id)s AND response IS NULL
  RETURNING *
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'remedy.' || %(response)s, 'remedy', r.id::text
  FROM r
),
{_remedy_event("remedy.responded", response="r.response")}
SELECT id FROM r
"""

REPORT = """
WITH x AS (
  INSERT INTO remedy_reports (remedy_id, kind, text, evidence, reported_by)
  VALUES (%(remedy_id)s, %(kind)s, %(text)s, %(evidence)s, %(actor_subject)s)
  RETURNING remedy_id
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'remedy.report.' || %(kind)s, 'remedy',
         x.remedy_id::text
  FROM x
)
SELECT remedy_id FROM x
"""

ASSESS = f"""
WITH r AS (
  UPDATE remedies SET assessment = %(assessment)s, assessment_note = %(note)s,
                      assessed_at = now(), assessed_by = %(actor_subject)s
  WHERE id = %(remedy_id)s AND complaint_id = %(id)s
  RETURNING *
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'remedy.assess', 'remedy', r.id::text FROM r
),
{_remedy_event("remedy.assessed", assessment="r.assessment")}
SELECT id FROM r
"""
