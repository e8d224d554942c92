"""SQL for the complaint routes. Filing and transitions are one statement each (a CTE that writes
the complaint or its new state, the timeline entry and the audit entry together): few round trips
on the hot paths. Visibility is part of every query that loads complaints.
"""

from __future__ import annotations

from functools import cache

from app.kit.notify import complainant_cte, department_sql, recipients_cte, staff_sql
from app.kit.sql import compose, identifier
from app.kit.trail import audit_cte, timeline_cte
from app.statistics.changes import changed

# The validated body travels as ONE JSON parameter, unpacked by PostgreSQL into typed columns:
# dumping some thirty Python values one by one cost more CPU than everything else on this path.
_FILE_HEAD = """
WITH b AS MATERIALIZED (
  SELECT x.*, nextval('complaint_reference_seq') AS n
  FROM jsonb_to_record(%(body)s::jsonb) AS x(
    track text, summary text, description text, rights_affected text[],
    discrimination_grounds text[], respondent text, incident jsonb, remedy_sought text,
    language text)
),
c AS (
  INSERT INTO complaints (
    id, reference, receipt_hash, track, status, summary, description, rights_affected,
    discrimination_grounds, respondent, department, incident_from, incident_to, incident_location,
    remedy_sought, language, anonymous, email_updates, complainant_subject, reporter_alias,
    acknowledge_by, feedback_by)
  SELECT
    %(id)s, %(prefix)s || '-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-'
      || lpad(b.n::text, greatest(6, length(b.n::text)), '0'),
    %(receipt_hash)s, b.track, 'submitted', b.summary, b.description, b.rights_affected,
    b.discrimination_grounds, b.respondent, %(department)s, (b.incident->>'date_from')::date,
    (b.incident->>'date_to')::date, b.incident->>'location', b.remedy_sought, b.language,
    %(anonymous)s, %(email_updates)s, %(complainant_subject)s, %(reporter_alias)s,
    now() + make_interval(days => %(ack_days)s),
    now() + make_interval(days => %(ack_days)s) + make_interval(months => %(feedback_months)s)
  FROM b
  RETURNING id, reference, track, status, received_at, acknowledge_by, feedback_by, origin,
            rights_affected, department, respondent
),
"""
_FILE_CONTACT = """contact AS (
  -- Sealed by the service before the statement: the contact never reaches the database in clear.
  INSERT INTO complainant_contacts (complaint_id, key_id, sealed)
  SELECT c.id, %(contact_key)s::text, %(contact_sealed)s::bytea FROM c
),
"""
_FILE_NAMED = """named AS (
  INSERT INTO named_persons (complaint_id, key_id, sealed)
  SELECT c.id, %(named_key)s::text, %(named_sealed)s::bytea FROM c
),
"""
_FILE_TRAITS = """traits AS (
  -- Special-category data, sealed by the service like the contact: never in clear here.
  INSERT INTO complainant_characteristics (complaint_id, key_id, sealed)
  SELECT c.id, %(traits_key)s::text, %(traits_sealed)s::bytea FROM c
),
"""
# The complainant is told the complaint was received (an email that never holds the receipt),
# when they gave an email and chose it, and the office sends that kind.
_FILE_TOLD = """told AS (
  INSERT INTO notifications (kind, complaint_id, recipient, language)
  SELECT 'filing_received', c.id, 'complainant', %(told_language)s FROM c
),
"""
_FILED_TRAIL = ",\n".join(
    (
        timeline_cte("c", "id", "'file'", "NULL", "status"),
        audit_cte("c", "'complaint.file'", "complaint", "id"),
        changed("event", "complaint.filed", "c", "c.id"),
    )
)
_FILE_TAIL = """{trail}
SELECT c.id, c.reference, c.track, c.status, c.received_at, c.acknowledge_by, c.feedback_by
FROM c
"""


@cache
def file_sql(contact: bool, named: bool, traits: bool, told: bool = False) -> str:
    """The filing statement, with a CTE only for the parts this complaint has: a table the
    statement does not touch costs PostgreSQL nothing (an unused CTE still opens it)."""
    parts = (
        (_FILE_CONTACT if contact else "")
        + (_FILE_NAMED if named else "")
        + (_FILE_TRAITS if traits else "")
        + (_FILE_TOLD if told else "")
    )
    return compose(_FILE_HEAD + "{parts}" + _FILE_TAIL, parts=parts, trail=_FILED_TRAIL)


# An own-initiative inquiry: no complainant, so no receipt, nothing to acknowledge and no feedback
# owed (both recorded as done at opening); it starts at assessment and follows the same workflow.
INQUIRY = compose(
    """
WITH seq AS (SELECT nextval('complaint_reference_seq') AS n),
c AS (
  INSERT INTO complaints (
    id, origin, reference, receipt_hash, track, status, summary, description, rights_affected,
    discrimination_grounds, respondent, department, remedy_sought, language, anonymous,
    acknowledge_by, acknowledged_at, feedback_by, feedback_given_at, handler_subject)
  SELECT %(id)s, 'own_initiative',
    %(prefix)s || '-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-'
      || lpad(seq.n::text, greatest(6, length(seq.n::text)), '0'),
    NULL, %(track)s, 'under_assessment', %(summary)s, %(description)s, %(rights)s, %(grounds)s,
    %(respondent)s, %(department)s, %(purpose)s, %(language)s, true, now(), now(), now(), now(),
    %(handler)s
  FROM seq
  RETURNING id, reference, track, status, received_at, origin, rights_affected, department,
            respondent
),
{trail}
SELECT c.id, c.reference, c.track, c.status, c.received_at FROM c
""",
    trail=",\n".join(
        (
            timeline_cte(
                "c",
                "id",
                "'file'",
                "NULL",
                "status",
                reason="'Own-initiative inquiry'",
                visible="false",
            ),
            audit_cte("c", "'complaint.open_inquiry'", "complaint", "id"),
            changed("event", "inquiry.opened", "c", "c.id"),
        )
    ),
)

RECEIPT_LOOKUP = (
    "SELECT id, receipt_hash FROM complaints "
    "WHERE reference = %(reference)s AND receipt_hash IS NOT NULL"
)

# A complaint's deadlines, as the `deadlines` object of its representations (alias `c`).
DEADLINES = """json_build_object(
    'acknowledge_by', c.acknowledge_by, 'acknowledged_at', c.acknowledged_at,
    'acknowledgement_overdue',
      c.acknowledged_at IS NULL AND c.acknowledge_by < now() AND c.status <> 'withdrawn',
    'feedback_by', c.feedback_by, 'feedback_given_at', c.feedback_given_at,
    'feedback_overdue',
      c.feedback_given_at IS NULL AND c.feedback_by < now() AND c.status <> 'withdrawn',
    'decide_by', c.decide_by, 'decided_at', c.decided_at,
    'decision_overdue',
      coalesce(c.decided_at IS NULL AND c.decide_by < now() AND c.status <> 'withdrawn', false)
  ) AS deadlines"""

# One complaint as its reader sees it: the handler for staff only; contact details for staff of
# the ombudsperson track (a reporter on the confidential anti-corruption track is known to its
# handlers by a pseudonym); the people a report names for staff of the track (sealed all the
# same: the service opens them).
GET = compose(
    """
SELECT c.id, c.reference, c.origin, c.track, c.status, c.version,
  CASE WHEN %(staff)s THEN c.handler_subject END AS handler,
  CASE WHEN %(staff)s THEN c.reporter_alias END AS reporter,
  c.referred_to, c.priority, c.retaliation_against, c.summary, c.description,
  c.rights_affected, c.discrimination_grounds, c.respondent,
  json_build_object('date_from', c.incident_from, 'date_to', c.incident_to,
                    'location', c.incident_location) AS incident,
  c.remedy_sought, c.language, c.anonymous, c.received_at, c.updated_at,
  {deadlines},
  CASE WHEN %(read_contact)s AND c.track = 'ombudsperson' THEN ct.key_id END AS contact_key,
  CASE WHEN %(read_contact)s AND c.track = 'ombudsperson' THEN ct.sealed END AS contact_sealed,
  CASE WHEN %(read_contact)s THEN np.key_id END AS named_key,
  CASE WHEN %(read_contact)s THEN np.sealed END AS named_sealed
FROM complaints c
LEFT JOIN complainant_contacts ct ON ct.complaint_id = c.id
LEFT JOIN named_persons np ON np.complaint_id = c.id
WHERE c.id = %(id)s AND ({{visible}})
""",
    deadlines=DEADLINES,
)

TRANSITION = compose(
    """
WITH c AS (
  UPDATE complaints SET
    status = %(target)s,
    version = version + 1,
    updated_at = now(),
    acknowledged_at = CASE WHEN %(acknowledges)s THEN now() ELSE acknowledged_at END,
    feedback_by = CASE WHEN %(acknowledges)s
                       THEN now() + make_interval(months => %(feedback_months)s)
                       ELSE feedback_by END,
    feedback_given_at = CASE WHEN %(gives_feedback)s AND feedback_given_at IS NULL
                             THEN now() ELSE feedback_given_at END,
    decide_by = CASE WHEN %(acknowledges)s
                     THEN now() + make_interval(months => %(decision_months)s)
                     ELSE decide_by END,
    decided_at = CASE WHEN %(decides)s THEN now() ELSE decided_at END,
    investigated_at = CASE WHEN %(investigates)s THEN coalesce(investigated_at, now())
                           ELSE investigated_at END,
    finished_at = CASE WHEN %(finishes)s THEN now() END,
    retention_until = CASE WHEN %(finishes)s
                           THEN now() + make_interval(years => %(retention_years)s) END,
    referred_to = coalesce(%(referred_to)s, referred_to)
  WHERE id = %(id)s AND version = %(version)s
  RETURNING *
),
{trail}
SELECT c.id, c.reference, c.status, c.version, c.updated_at, {deadlines},
       entry.entry_id, entry.entry_at
FROM c AS c, entry
""",
    deadlines=DEADLINES,
    trail=",\n".join(
        (
            timeline_cte(
                "c",
                "id",
                "%(action)s",
                "%(source)s",
                "%(target)s",
                reason="%(reason)s",
                visible="%(visible)s",
                returning=True,
            ),
            audit_cte("c", "'complaint.' || %(action)s", "complaint", "id"),
            changed("event", "complaint.transitioned", "c", "c.id"),
            # The complainant is told of an acknowledgement or feedback (`told` names the kind,
            # NULL for neither); each department a remedy is addressed to, once, when the
            # remedies are recommended (it sees them from then on).
            complainant_cte("c", "%(told)s", when="%(told)s::text IS NOT NULL"),
            recipients_cte(
                "departments_told",
                "'remedy_recommended'",
                "c JOIN remedies r ON r.complaint_id = c.id",
                "c.id",
                department_sql("r.department"),
                when="%(tells_departments)s",
            ),
        )
    ),
)

TIMELINE = """
SELECT t.id, t.at, t.action, t.from_status, t.to_status, t.reason, t.actor_role,
       CASE WHEN %(staff)s THEN t.actor_subject END AS actor_subject,
       t.visible_to_complainant,
       CASE WHEN %(staff)s THEN t.about_subject END AS about_subject
FROM timeline_entries t
WHERE t.complaint_id = %(id)s AND (t.visible_to_complainant OR %(staff)s)
ORDER BY t.id
"""

LIST = compose(
    """
SELECT c.id, c.reference, c.track, c.status,
  CASE WHEN %(staff)s THEN c.handler_subject END AS handler, c.priority, c.summary,
  c.received_at, {deadlines}
FROM complaints c
WHERE ({{visible}}) {{filters}}
ORDER BY c.received_at DESC, c.id DESC
LIMIT %(limit)s
""",
    deadlines=DEADLINES,
)
# The filters of the list, each a constant condition.
LIST_FILTERS = {
    "statuses": "c.status = ANY(%(statuses)s)",
    "track": "c.track = %(track)s",
    "overdue_acknowledgement": (
        "c.acknowledged_at IS NULL AND c.acknowledge_by < now() AND c.status <> 'withdrawn'"
    ),
    "overdue_feedback": (
        "c.feedback_given_at IS NULL AND c.feedback_by < now() AND c.status <> 'withdrawn'"
    ),
    "handler": "c.handler_subject = %(handler)s",
    "unassigned": "c.handler_subject IS NULL",
    "priority": "c.priority",
    "received_from": "c.received_at >= %(received_from)s",
    "received_to": "c.received_at < %(received_to)s",
    "cursor": "(c.received_at, c.id) < (%(cursor_at)s, %(cursor_id)s)",
    "reference": "c.reference = %(reference)s",
    "department": "c.department = %(department)s",
}

RECUSED = "SELECT 1 FROM recusals WHERE complaint_id = %(id)s AND subject = %(subject)s"

# Assignment: the new handler, a staff-only timeline entry and the audit entry, in one statement.
ASSIGN = compose(
    """
WITH c AS (
  UPDATE complaints
  SET handler_subject = %(handler)s, version = version + 1, updated_at = now()
  WHERE id = %(id)s AND version = %(version)s
  RETURNING id, status, version, handler_subject, updated_at
),
{trail}
SELECT c.*, entry.entry_id, entry.entry_at FROM c, entry
""",
    trail=",\n".join(
        (
            timeline_cte(
                "c",
                "id",
                "%(event)s",
                "status",
                reason="%(reason)s",
                visible="false",
                about="%(about)s",
                returning=True,
            ),
            audit_cte("c", "'complaint.' || %(event)s", "complaint", "id"),
            # The new handler is told (nothing when the complaint is unassigned).
            recipients_cte(
                "told",
                "'assigned'",
                "c",
                "c.id",
                staff_sql("c.handler_subject"),
                when="c.handler_subject IS NOT NULL",
            ),
        )
    ),
)

# The case's classification as it stands (read under the lock the service holds).
CLASSIFICATION = "SELECT rights_affected, discrimination_grounds FROM complaints WHERE id = %(id)s"

# Classification by staff: the new codes, the change kept with the codes it replaced, the
# timeline entry (the complainant's too: the codes are shown to them on the case), the audit
# entry, and the note for the statistics fold, which recounts the case under its new rights.
CLASSIFY = compose(
    """
WITH c AS (
  UPDATE complaints
  SET rights_affected = %(rights)s::text[], discrimination_grounds = %(grounds)s::text[],
      version = version + 1, updated_at = now()
  WHERE id = %(id)s AND version = %(version)s
  RETURNING id, status, version, updated_at, rights_affected, discrimination_grounds
),
k AS (
  INSERT INTO classifications (complaint_id, rights_before, rights_after, grounds_before,
                               grounds_after, classified_by)
  SELECT c.id, %(rights_before)s::text[], c.rights_affected, %(grounds_before)s::text[],
         c.discrimination_grounds, %(actor_subject)s
  FROM c
  RETURNING complaint_id
),
{trail}
SELECT c.*, entry.entry_id, entry.entry_at FROM c, entry
""",
    trail=",\n".join(
        (
            timeline_cte("c", "id", "'classify'", "status", returning=True),
            audit_cte("k", "'complaint.classify'", "complaint", "k.complaint_id"),
            changed("event", "complaint.classified", "c", "c.id"),
        )
    ),
)

# Recusal: record it; if the person handles the complaint, unassign them; staff-only timeline
# entries and the audit entry. No row back means the person was already recused.
RECUSE = compose(
    """
WITH r AS (
  INSERT INTO recusals (complaint_id, subject, kind, reason, recorded_by)
  VALUES (%(id)s, %(subject)s, %(kind)s, %(reason)s, %(actor_subject)s)
  ON CONFLICT (complaint_id, subject) DO NOTHING
  RETURNING complaint_id, subject, kind, reason, recorded_by, recorded_at
),
c AS (
  UPDATE complaints
  SET handler_subject = NULL, version = version + 1, updated_at = now()
  WHERE id = %(id)s AND handler_subject = %(subject)s AND EXISTS (SELECT 1 FROM r)
  RETURNING id, status
),
-- The entries, in the order the timeline reads them: excluded (or recused), then unassigned.
e AS (
  SELECT 1 AS ord, r.complaint_id, %(event)s AS action, r.reason FROM r
  UNION ALL
  SELECT 2, c.id, 'unassign', 'recused' FROM c
),
{trail}
SELECT r.subject, r.kind, r.reason, r.recorded_by, r.recorded_at,
       EXISTS (SELECT 1 FROM c) AS unassigned
FROM r
""",
    trail=",\n".join(
        (
            timeline_cte(
                "e",
                "e.complaint_id",
                "e.action",
                "%(status)s",
                reason="e.reason",
                visible="false",
                about="%(subject)s",
                order_by="e.ord",
            ),
            audit_cte("r", "'complaint.' || %(event)s", "complaint", "r.complaint_id"),
        )
    ),
)

RECUSALS = """
SELECT subject, kind, reason, recorded_by, recorded_at FROM recusals
WHERE complaint_id = %(id)s ORDER BY recorded_at, subject
"""

# Guards of the workflow table, all evaluated in one round trip (only for guarded actions).
# Mediation results count from the latest entry into mediation: an earlier round's failure does
# not end this one.
GUARDS = """
SELECT
  EXISTS (SELECT 1 FROM investigation_steps s WHERE s.complaint_id = %(id)s)
    AS investigation_has_step,
  EXISTS (SELECT 1 FROM findings f WHERE f.complaint_id = %(id)s) AS findings_drafted,
  EXISTS (SELECT 1 FROM remedies r WHERE r.complaint_id = %(id)s) AS remedies_recommended,
  (EXISTS (SELECT 1 FROM findings f WHERE f.complaint_id = %(id)s
           AND f.communicated_at IS NOT NULL)
   OR EXISTS (SELECT 1 FROM complaints c WHERE c.id = %(id)s AND c.origin = 'own_initiative'))
    AS decision_communicated,
  NOT EXISTS (SELECT 1 FROM remedies r WHERE r.complaint_id = %(id)s AND r.assessment IS NULL)
    AS remedies_assessed,
  EXISTS (SELECT 1 FROM hearings h WHERE h.complaint_id = %(id)s AND h.status = 'scheduled')
    AS hearing_scheduled,
  NOT EXISTS (SELECT 1 FROM hearings h WHERE h.complaint_id = %(id)s AND h.status = 'scheduled')
    AS hearing_held,
  (SELECT m.result FROM mediation_attempts m
   WHERE m.complaint_id = %(id)s AND m.recorded_at >= (
     SELECT coalesce(max(t.at), '-infinity') FROM timeline_entries t
     WHERE t.complaint_id = %(id)s AND t.action = 'start_mediation')
   ORDER BY m.id DESC LIMIT 1) IS NOT DISTINCT FROM 'settled' AS mediation_settled,
  (SELECT m.result FROM mediation_attempts m
   WHERE m.complaint_id = %(id)s AND m.recorded_at >= (
     SELECT coalesce(max(t.at), '-infinity') FROM timeline_entries t
     WHERE t.complaint_id = %(id)s AND t.action = 'start_mediation')
   ORDER BY m.id DESC LIMIT 1) IS NOT DISTINCT FROM 'failed' AS mediation_failed,
  (SELECT c.updated_at < now() - make_interval(months => %(stale_months)s)
   FROM complaints c WHERE c.id = %(id)s) AS untouched
"""

MARK_FINDINGS_ISSUED = "UPDATE findings SET issued_at = now() WHERE complaint_id = %(id)s"

REDACTABLE = ("summary", "description", "remedy_sought", "incident_location")

_REDACT = """
WITH c AS (
  UPDATE complaints
  SET {field} = replace({field}, %(remove)s, '[removed]'), version = version + 1,
      updated_at = now()
  WHERE id = %(id)s AND strpos({field}, %(remove)s) > 0
  RETURNING id, version
),
r AS (
  INSERT INTO redactions (complaint_id, field, occurrences, reason, redacted_by)
  SELECT c.id, %(field)s, %(occurrences)s, %(reason)s, %(actor_subject)s FROM c
  RETURNING *
),
{audit}
SELECT r.*, c.version FROM r, c
"""
_REDACT_AUDIT = audit_cte("r", "'complaint.redact'", "complaint", "r.complaint_id")
# One statement per field: the column name comes from this list, never from input.
REDACT = {
    field: compose(_REDACT, field=identifier(field), audit=_REDACT_AUDIT) for field in REDACTABLE
}
FIELD_VALUE = {
    field: compose(
        "SELECT {field} AS value FROM complaints WHERE id = %(id)s", field=identifier(field)
    )
    for field in REDACTABLE
}

# Retaliation against a reporter: a new case linked to the original, flagged as priority, with
# the protection measures asked for.
ORIGINAL = "SELECT track, reference FROM complaints WHERE id = %(id)s"
LINK_RETALIATION = """
UPDATE complaints SET retaliation_against = %(original)s, priority = true
WHERE id = %(id)s
"""
REQUEST_MEASURES = """
INSERT INTO protection_measures (complaint_id, measure, status)
SELECT %(id)s, m, 'requested' FROM unnest(%(measures)s::text[]) AS m
"""
