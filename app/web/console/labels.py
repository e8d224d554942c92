"""The console's words for the workflow's codes: states, actions, deadlines, where a search
matched. One table each, read at a glance; the codes are the API's."""

from __future__ import annotations

from app.complaints.workflow import Action, Status
from app.web.i18n import N_

STATUS: dict[str, str] = {
    Status.submitted: N_("Submitted"),
    Status.acknowledged: N_("Acknowledged"),
    Status.under_assessment: N_("Under assessment"),
    Status.inadmissible: N_("Inadmissible"),
    Status.referred: N_("Referred"),
    Status.under_investigation: N_("Under investigation"),
    Status.hearing: N_("Hearing"),
    Status.mediation: N_("Mediation"),
    Status.findings_issued: N_("Findings issued"),
    Status.remedy_follow_up: N_("Remedy follow-up"),
    Status.closed: N_("Closed"),
    Status.withdrawn: N_("Withdrawn"),
}

# The button of each workflow action.
ACTION: dict[str, str] = {
    Action.acknowledge: N_("Acknowledge receipt"),
    Action.start_assessment: N_("Start the assessment"),
    Action.declare_inadmissible: N_("Declare inadmissible"),
    Action.refer: N_("Refer to the competent body"),
    Action.open_investigation: N_("Open an investigation"),
    Action.schedule_hearing: N_("Move to the hearing"),
    Action.conclude_hearing: N_("Conclude the hearing"),
    Action.start_mediation: N_("Start mediation"),
    Action.end_mediation: N_("End mediation"),
    Action.issue_findings: N_("Issue the findings"),
    Action.recommend_remedies: N_("Recommend the remedies"),
    Action.give_feedback: N_("Record feedback given"),
    Action.close: N_("Close the case"),
    Action.close_as_stale: N_("Close as stale"),
    Action.withdraw: N_("Record the withdrawal"),
    Action.reopen: N_("Reopen"),
}

# What each guard of the workflow table asks for, in the console's words (the API's are
# GUARD_DESCRIPTIONS, for programmers).
GUARD: dict[str, str] = {
    "investigation_has_step": N_("at least one investigation step is recorded"),
    "findings_drafted": N_("the findings are written"),
    "remedies_recommended": N_("at least one remedy is drafted"),
    "decision_communicated": N_("the decision was communicated to the complainant"),
    "remedies_assessed": N_("every remedy has the office's final assessment"),
    "hearing_scheduled": N_("a hearing is scheduled"),
    "hearing_held": N_("every hearing was held (with minutes) or cancelled"),
    "mediation_settled": N_("the mediation ended in a settlement"),
    "mediation_failed": N_("the mediation was recorded as failed"),
    "untouched": N_("nothing changed on the case for the configured number of months"),
}

DEADLINE: dict[str, str] = {
    "acknowledgement": N_("Acknowledgement"),
    "feedback": N_("Feedback"),
    "decision": N_("Decision"),
    "information_request": N_("Information request"),
    "remedy_response": N_("Department's response to a remedy"),
    "remedy_implementation": N_("Remedy implementation"),
    "erasure_request": N_("Erasure request"),
    "stale_case": N_("Case without activity"),
}

MATCHED: dict[str, str] = {
    "summary": N_("Summary"),
    "description": N_("Description"),
    "message": N_("Message"),
    "internal_note": N_("Internal note"),
}

TRACK: dict[str, str] = {
    "ombudsperson": N_("Ombudsperson"),
    "anti_corruption": N_("Anti-corruption (confidential)"),
}

# Each kind of timeline entry, for staff (the workflow's actions, and what else is recorded).
ENTRY: dict[str, str] = {
    **ACTION,
    "file": N_("Filed"),
    "assign": N_("Handler assigned"),
    "unassign": N_("Handler removed"),
    "classify": N_("Classification changed"),
    "recuse": N_("Conflict of interest declared"),
    "exclude": N_("Person excluded from the case"),
    "hearing_scheduled": N_("Hearing scheduled"),
    "hearing_rescheduled": N_("Hearing moved"),
    "hearing_cancelled": N_("Hearing cancelled"),
    "hearing_held": N_("Hearing held"),
    "mediation_settled": N_("Mediation settled"),
    "mediation_failed": N_("Mediation failed"),
    "communicate_decision": N_("Decision communicated"),
    "record_shared": N_("Record shared with the reporter"),
    "record_approved": N_("Record approved by the reporter"),
    "record_corrected": N_("Record corrected by the reporter"),
    "legal_hold_set": N_("Legal hold set"),
    "legal_hold_lifted": N_("Legal hold lifted"),
}

# The decision, its follow-up and the records (findings, remedies, files, retention sections).
OUTCOME: dict[str, str] = {
    "violation_found": N_("Violation found"),
    "partially_founded": N_("Partly founded"),
    "no_violation": N_("No violation"),
    "not_substantiated": N_("Not substantiated"),
    "settled": N_("Settled (friendly settlement)"),
}

# How the decision reached the complainant (POST .../findings/communication).
CHANNEL: dict[str, str] = {
    "portal": N_("On their case page"),
    "email": N_("By email"),
    "post": N_("By post"),
    "phone": N_("By phone"),
    "in_person": N_("In person"),
}

# The five forms of reparation of the UN Basic Principles (2005).
REMEDY_FORM: dict[str, str] = {
    "restitution": N_("Restitution"),
    "compensation": N_("Compensation"),
    "rehabilitation": N_("Rehabilitation"),
    "satisfaction": N_("Satisfaction"),
    "guarantee_of_non_repetition": N_("Guarantee of non-repetition"),
}

REMEDY_RESPONSE: dict[str, str] = {
    "accepted": N_("Accepted by the department"),
    "rejected": N_("Rejected by the department"),
}

REMEDY_ASSESSMENT: dict[str, str] = {
    "implemented": N_("Implemented"),
    "partially_implemented": N_("Partly implemented"),
    "not_implemented": N_("Not implemented"),
}

REPORT_KIND: dict[str, str] = {
    "progress": N_("Progress"),
    "implemented": N_("Implemented"),
}

# How an erasure request reached the office.
ERASURE_CHANNEL: dict[str, str] = {
    "written": N_("In writing"),
    "email": N_("By email"),
    "online": N_("Online"),
    "in_person": N_("In person"),
    "phone": N_("By phone"),
}

ERASURE_STATUS: dict[str, str] = {
    "pending": N_("Pending"),
    "executed": N_("Erased"),
    "refused": N_("Refused"),
}

# The grounds of GDPR art. 17(3) on which the office keeps the data.
ERASURE_GROUND: dict[str, str] = {
    "legal_obligation": N_("A legal obligation (art. 17(3)(b))"),
    "public_interest": N_("A task in the public interest (art. 17(3)(b))"),
    "archiving_or_statistics": N_("Archiving or statistics (art. 17(3)(d))"),
    "legal_claims": N_("Establishing or defending legal claims (art. 17(3)(e))"),
}

# The fields of a case from which a text may be removed (POST .../redactions).
REDACTABLE: dict[str, str] = {
    "summary": N_("Summary"),
    "description": N_("What happened"),
    "remedy_sought": N_("What the complainant asks for"),
    "incident_location": N_("Where it happened"),
}

# The investigation's steps, hearings, mediation and records (the investigation sections).
STEP_KIND: dict[str, str] = {
    "information_request": N_("Information request to a department"),
    "interview": N_("Interview"),
    "site_visit": N_("Site visit"),
    "evidence": N_("Evidence collected"),
}

HEARING_MODE: dict[str, str] = {
    "in_person": N_("In person"),
    "online": N_("Online"),
    "hybrid": N_("In person and online"),
}

HEARING_STATUS: dict[str, str] = {
    "scheduled": N_("Scheduled"),
    "held": N_("Held"),
    "cancelled": N_("Cancelled"),
}

# Who takes part in a hearing, as what.
PARTICIPANT: dict[str, str] = {
    "complainant": N_("Complainant"),
    "respondent": N_("Department concerned"),
    "witness": N_("Witness"),
    "interpreter": N_("Interpreter"),
    "staff": N_("Office staff"),
    "representative": N_("Representative"),
}

MEDIATION_RESULT: dict[str, str] = {
    "settled": N_("Settled"),
    "failed": N_("No settlement"),
}

RECORD_KIND: dict[str, str] = {
    "oral_report": N_("Oral report"),
    "meeting": N_("Meeting"),
}

RECORD_STATUS: dict[str, str] = {
    "awaiting_reporter": N_("Awaiting the reporter"),
    "approved": N_("Approved by the reporter"),
    "corrected": N_("Corrected by the reporter"),
}

# The confidential track: identity requests, and protection measures against retaliation.
REVEAL_STATUS: dict[str, str] = {
    "pending": N_("Waiting for the custodian's decision"),
    "approved": N_("Disclosure granted"),
    "refused": N_("Disclosure refused"),
}

MEASURE_STATUS: dict[str, str] = {
    "requested": N_("Asked for, not decided yet"),
    "granted": N_("Granted"),
    "refused": N_("Refused"),
}

# The kinds of email a staff member may turn off for themselves (their email preferences).
EMAIL_KIND: dict[str, str] = {
    "assigned": N_("A case is assigned to me"),
    "message_from_complainant": N_("The complainant writes on my case"),
    "deadline_reminder": N_("A deadline on my case is due in a few days"),
    "overdue_digest": N_("Daily digest of overdue deadlines (heads of office)"),
}
