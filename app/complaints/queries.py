"""SQL for the complaint routes. Filing and transitions are one statement each (a CTE that writes
the complaint or its new state, the timeline entry and the audit entry together): few round trips
on the hot paths. Visibility is part of every query that loads complaints.
"""

from __future__ import annotations

from typing import Any

from app.auth.policy import Role
from app.auth.principals import Principal

# The validated body travels as ONE JSON parameter, unpacked by PostgreSQL into typed columns:
# dumping some thirty Python values one by one cost more CPU than everything else on this path.
FILE = """
WITH b AS MATERIALIZED (
  SELECT x.*, nextval('complaint_reference_seq') AS n
  FROM jsonb_to_record(%(body)s::jsonb) AS x(
    track text, summary text, description text, rights_affected text[],
    discrimination_grounds text[], respondent text, incident jsonb, remedy_sought text,
    language text, contact jsonb, characteristics jsonb)
),
c AS (
  INSERT INTO complaints (
    id, reference, receipt_hash, track, status, summary, description, rights_affected,
    discrimination_grounds, respondent, incident_from, incident_to, incident_location,
    remedy_sought, language, anonymous, complainant_subject, acknowledge_by, feedback_by)
  SELECT
    %(id)s, %(prefix)s || '-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-'
      || lpad(b.n::text, greatest(6, length(b.n::text)), '0'),
    %(receipt_hash)s, b.track, 'submitted', b.summary, b.description, b.rights_affected,
    b.discrimination_grounds, b.respondent, (b.incident->>'date_from')::date,
    (b.incident->>'date_to')::date, b.incident->>'location', b.remedy_sought, b.language,
    %(anonymous)s, %(complainant_subject)s,
    now() + make_interval(days => %(ack_days)s),
    now() + make_interval(days => %(ack_days)s) + make_interval(months => %(feedback_months)s)
  FROM b
  RETURNING id, reference, track, status, received_at, acknowledge_by, feedback_by
),
contact AS (
  INSERT INTO complainant_contacts (complaint_id, name, email, phone, postal_address,
                                    preferred_channel)
  SELECT c.id, k.name, k.email, k.phone, k.postal_address, k.preferred_channel
  FROM c, b, jsonb_to_record(b.contact) AS k(name text, email text, phone text,
                                             postal_address text, preferred_channel text)
  WHERE jsonb_typeof(b.contact) = 'object'
),
traits AS (
  INSERT INTO complainant_characteristics (complaint_id, sex_gender, age_band, disability,
                                           migration_status, ethnicity)
  SELECT c.id, t.sex_gender, t.age_band, t.disability, t.migration_status, t.ethnicity
  FROM c, b, jsonb_to_record(b.characteristics) AS t(sex_gender text, age_band text,
                                                     disability text, migration_status text,
                                                     ethnicity text)
  WHERE jsonb_typeof(b.characteristics) = 'object'
),
timeline AS (
  INSERT INTO timeline_entries (complaint_id, actor_subject, actor_role, action, from_status,
                                to_status, visible_to_complainant)
  SELECT id, %(actor_subject)s, %(actor_role)s, 'file', NULL, 'submitted', true FROM c
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'complaint.file', 'complaint', id::text FROM c
)
SELECT * FROM c
"""

RECEIPT_LOOKUP = "SELECT id, receipt_hash FROM complaints WHERE reference = %(reference)s"

_DEADLINE_COLUMNS = """
  c.acknowledge_by, c.acknowledged_at, c.feedback_by, c.feedback_given_at,
  (c.acknowledged_at IS NULL AND c.acknowledge_by < now() AND c.status <> 'withdrawn')
    AS acknowledgement_overdue,
  (c.feedback_given_at IS NULL AND c.feedback_by < now() AND c.status <> 'withdrawn')
    AS feedback_overdue
"""

GET = f"""
SELECT c.id, c.reference, c.track, c.status, c.version, c.summary, c.description,
  c.rights_affected, c.discrimination_grounds, c.respondent, c.incident_from, c.incident_to,
  c.incident_location, c.remedy_sought, c.language, c.anonymous, c.received_at, c.updated_at,
  {_DEADLINE_COLUMNS},
  ct.complaint_id IS NOT NULL AND %(read_contact)s AS has_contact,
  CASE WHEN %(read_contact)s THEN ct.name END AS contact_name,
  CASE WHEN %(read_contact)s THEN ct.email END AS contact_email,
  CASE WHEN %(read_contact)s THEN ct.phone END AS contact_phone,
  CASE WHEN %(read_contact)s THEN ct.postal_address END AS contact_postal_address,
  CASE WHEN %(read_contact)s THEN ct.preferred_channel END AS contact_preferred_channel
FROM complaints c
LEFT JOIN complainant_contacts ct ON ct.complaint_id = c.id
WHERE c.id = %(id)s AND ({{visible}})
"""

LOCK_FOR_TRANSITION = """
SELECT c.id, c.track, c.status, c.version FROM complaints c
WHERE c.id = %(id)s AND ({visible})
FOR NO KEY UPDATE
"""

TRANSITION = f"""
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
                             THEN now() ELSE feedback_given_at END
  WHERE id = %(id)s AND version = %(version)s
  RETURNING *
),
entry AS (
  INSERT INTO timeline_entries (complaint_id, actor_subject, actor_role, action, from_status,
                                to_status, reason, visible_to_complainant)
  SELECT id, %(actor_subject)s, %(actor_role)s, %(action)s, %(source)s, %(target)s, %(reason)s,
         %(visible)s
  FROM c
  RETURNING id AS entry_id, at AS entry_at
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'complaint.' || %(action)s, 'complaint', id::text
  FROM c
)
SELECT c.id, c.reference, c.status, c.version, c.updated_at, {_DEADLINE_COLUMNS},
       entry.entry_id, entry.entry_at
FROM c AS c, entry
"""

TIMELINE = """
SELECT t.id, t.at, t.action, t.from_status, t.to_status, t.reason, t.actor_role,
       t.actor_subject, t.visible_to_complainant
FROM timeline_entries t
WHERE t.complaint_id = %(id)s AND (t.visible_to_complainant OR %(staff)s)
ORDER BY t.id
"""

VISIBLE_ID = "SELECT c.id FROM complaints c WHERE c.id = %(id)s AND ({visible})"

LIST = f"""
SELECT c.id, c.reference, c.track, c.status, c.summary, c.received_at, {_DEADLINE_COLUMNS}
FROM complaints c
WHERE ({{visible}}) {{filters}}
ORDER BY c.received_at DESC, c.id DESC
LIMIT %(limit)s
"""

AUDIT = """
INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
VALUES (%(actor_subject)s, %(actor_role)s, %(action)s, %(object_type)s, %(object_id)s)
"""


def visibility(principal: Principal) -> tuple[str, dict[str, Any]]:
    """The SQL condition (over alias `c`) for the complaints this principal may see at all."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if principal.tracks:
        clauses.append("c.track = ANY(%(vis_tracks)s)")
        params["vis_tracks"] = sorted(principal.tracks)
    if Role.complainant in principal.roles and principal.complaint_id is not None:
        clauses.append("c.id = %(vis_complaint)s")
        params["vis_complaint"] = principal.complaint_id
    if Role.resident in principal.roles:
        clauses.append("c.complainant_subject = %(vis_subject)s")
        params["vis_subject"] = principal.subject
    return (" OR ".join(clauses) or "false"), params
