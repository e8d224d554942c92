"""Who may do what: one table from role to permissions, plus the tracks each role works on.

Routes declare the permission they need (`app.kit.access.allow`); object rules (own complaint,
same track, not recused) are applied in SQL by `app.kit.access.visibility`, so a row outside a
principal's reach is never loaded and answers 404.
"""

from __future__ import annotations

from enum import StrEnum

from app.taxonomy import Track


class Role(StrEnum):
    complainant = "complainant"  # holder of a receipt token: one complaint
    resident = "resident"  # signed-in resident: the complaints they filed
    ombudsperson_staff = "ombudsperson_staff"
    ombudsperson = "ombudsperson"  # head of office
    oversight_officer = "oversight_officer"  # anti-corruption track
    oversight_head = "oversight_head"  # heads the anti-corruption track; identity custodian
    respondent = "respondent"  # municipal department, with a `department` claim
    monitor = "monitor"  # anonymized statistics only
    auditor = "auditor"  # the audit trail and its verification, never case content
    admin = "admin"  # runs the service; no access to case content


class Permission(StrEnum):
    # The case itself.
    complaint_list = "complaint.list"
    complaint_read = "complaint.read"  # the case and what hangs off it, as the role sees it
    complaint_search = "complaint.search"  # full-text search over the cases of one's track
    complaint_read_contact = "complaint.read_contact"  # contact details and named persons
    complaint_acknowledge = "complaint.acknowledge"
    complaint_assess = "complaint.assess"
    # The rights affected and discrimination grounds a case concerns, as staff classify them.
    complaint_classify = "complaint.classify"
    complaint_investigate = "complaint.investigate"  # also hearings and mediation
    complaint_decide = "complaint.decide"  # findings, remedies, protection measures
    complaint_feedback = "complaint.feedback"
    complaint_close = "complaint.close"
    complaint_withdraw = "complaint.withdraw"
    complaint_recuse = "complaint.recuse"  # declare one's own conflict of interest
    complaint_redact = "complaint.redact"  # remove manifestly irrelevant personal data (art. 17)
    complaint_assign = "complaint.assign"
    complaint_exclude = "complaint.exclude"  # keep a named person away from a case
    complaint_reopen = "complaint.reopen"
    complaint_hold = "complaint.hold"  # set and lift legal holds, which block the purge
    inquiry_open = "inquiry.open"  # own-initiative inquiries (Venice Principles)
    # Around the case.
    message_read = "message.read"
    message_write = "message.write"
    message_internal = "message.internal"  # internal notes, never shown to the complainant
    attachment_read = "attachment.read"
    attachment_write = "attachment.write"
    investigation_read = "investigation.read"
    investigation_write = "investigation.write"
    record_read = "record.read"
    record_write = "record.write"  # minutes of oral reports and meetings
    record_respond = "record.respond"  # the reporter approves or corrects them
    retaliation_report = "retaliation.report"
    deadline_read = "deadline.read"
    retention_read = "retention.read"  # when a case may be purged, and its legal hold
    erasure_handle = "erasure.handle"  # record an erasure request, extend its deadline
    erasure_request = "erasure.request"  # ask for the erasure of one's own data, see the answer
    erasure_decide = "erasure.decide"  # execute or refuse it (not whoever recorded it)
    data_export = "data.export"  # one's own data on a case (GDPR art. 15 and 20)
    account_export = "account.export"  # one's own data on every case of one's account
    identity_request = "identity.request"
    identity_decide = "identity.decide"  # the identity custodian
    # Departments, monitors, auditors.
    information_request_read = "information_request.read"
    information_request_answer = "information_request.answer"
    remedy_read = "remedy.read"
    remedy_respond = "remedy.respond"
    statistics_read = "statistics.read"
    statistics_publish = "statistics.publish"  # revise a statistics release
    audit_read = "audit.read"
    # Emails (app/notifications).
    email_case = "email.case"  # stop or restart the emails about one's own case
    email_preferences = "email.preferences"  # staff: the kinds of email one receives


P = Permission

_HANDLING = frozenset(
    {
        P.complaint_list,
        P.complaint_read,
        P.complaint_search,
        P.complaint_read_contact,
        P.complaint_acknowledge,
        P.complaint_assess,
        # Who assesses a case classifies it: the same roles, on their own track.
        P.complaint_classify,
        P.complaint_investigate,
        P.complaint_decide,
        P.complaint_feedback,
        P.complaint_close,
        P.complaint_withdraw,
        P.complaint_recuse,
        P.complaint_redact,
        P.inquiry_open,
        P.message_read,
        P.message_write,
        P.message_internal,
        P.investigation_read,
        P.investigation_write,
        P.deadline_read,
        P.attachment_read,
        P.attachment_write,
        P.record_read,
        P.record_write,
        P.retention_read,
        P.erasure_handle,
        P.email_preferences,
    }
)
# What the head of an office adds: decide who handles a case, keep a named person away from it,
# reopen finished cases, set legal holds, decide erasure requests, ask the live statistics
# (with differential privacy) and revise a statistics release.
_HEAD = frozenset(
    {
        P.complaint_assign,
        P.complaint_exclude,
        P.complaint_reopen,
        P.complaint_hold,
        P.statistics_read,
        P.statistics_publish,
        P.erasure_decide,
    }
)

# What a complainant does on their own case, with a receipt or a resident account.
_COMPLAINANT = frozenset(
    {
        P.complaint_read,
        P.complaint_withdraw,
        P.message_read,
        P.message_write,
        P.attachment_read,
        P.attachment_write,
        P.retaliation_report,
        P.email_case,
        P.record_read,
        P.record_respond,
        P.data_export,
        P.erasure_request,
    }
)

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.complainant: _COMPLAINANT,
    Role.resident: _COMPLAINANT | {P.complaint_list, P.account_export},
    Role.ombudsperson_staff: _HANDLING,
    Role.ombudsperson: _HANDLING | _HEAD,
    Role.oversight_officer: _HANDLING | {P.identity_request},
    # The identity custodian decides who may see a reporter's identity.
    Role.oversight_head: _HANDLING | _HEAD | {P.identity_request, P.identity_decide},
    # A department sees only what is addressed to it, never the complainant's identity.
    Role.respondent: frozenset(
        {
            P.information_request_read,
            P.information_request_answer,
            P.remedy_read,
            P.remedy_respond,
        }
    ),
    # Anonymized, suppressed statistics only: never a complaint, a person or a free text.
    Role.monitor: frozenset({P.statistics_read}),
    Role.auditor: frozenset({P.audit_read}),
    Role.admin: frozenset(),
}

# Staff roles see every complaint of their track(s) and none of the other's.
STAFF_TRACKS: dict[Role, frozenset[Track]] = {
    Role.ombudsperson_staff: frozenset({Track.ombudsperson}),
    Role.ombudsperson: frozenset({Track.ombudsperson}),
    Role.oversight_officer: frozenset({Track.anti_corruption}),
    Role.oversight_head: frozenset({Track.anti_corruption}),
}

# The role a timeline or audit entry names when a token carries several roles: the narrowest one
# that grants what was done (a head who acknowledges a complaint acts as its handler would).
# Narrowest first; every role appears once (a test checks it).
ACTING_ORDER: tuple[Role, ...] = (
    Role.complainant,
    Role.resident,
    Role.respondent,
    Role.monitor,
    Role.auditor,
    Role.ombudsperson_staff,
    Role.oversight_officer,
    Role.ombudsperson,
    Role.oversight_head,
    Role.admin,
)

# Roles that ombuds itself mints tokens for with `ombuds token`; `complainant` comes from a receipt.
MINTABLE_ROLES: frozenset[Role] = frozenset(Role) - {Role.complainant}


def permissions_of(roles: frozenset[Role]) -> frozenset[Permission]:
    granted: frozenset[Permission] = frozenset()
    for role in roles:
        granted |= PERMISSIONS[role]
    return granted


def tracks_of(roles: frozenset[Role]) -> frozenset[Track]:
    tracks: frozenset[Track] = frozenset()
    for role in roles:
        tracks |= STAFF_TRACKS.get(role, frozenset())
    return tracks


def roles_holding(permission: Permission) -> list[Role]:
    return [role for role in Role if permission in PERMISSIONS[role]]


def acting_role(roles: frozenset[Role], permissions: frozenset[Permission]) -> Role | None:
    """The narrowest held role that grants one of `permissions` (any held role if none is
    asked for); None when the roles grant none of them."""
    for role in ACTING_ORDER:
        if role in roles and (not permissions or permissions & PERMISSIONS[role]):
            return role
    return None
