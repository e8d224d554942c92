"""Who may do what: one table from role to permissions, plus the tracks each role works on.

Object rules (own complaint, same track) are applied in SQL by app.complaints.queries, so a row
outside a principal's reach is never loaded and answers 404.
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


_HANDLING = frozenset(
    {
        "complaint.list",
        "complaint.read",
        "complaint.read_contact",
        "complaint.acknowledge",
        "complaint.assess",
        "complaint.investigate",
        "complaint.decide",
        "complaint.feedback",
        "complaint.close",
        "complaint.withdraw",
        "complaint.recuse",  # declare one's own conflict of interest
        "message.read",
        "message.write",
        "message.internal",  # internal notes, never shown to the complainant
        "investigation.read",
        "investigation.write",
        "deadline.read",
        "inquiry.open",  # own-initiative inquiries (Venice Principles)
        "attachment.read",
        "attachment.write",
        "complaint.redact",  # remove manifestly irrelevant personal data (art. 17)
        "record.read",
        "record.write",  # minutes of oral reports and meetings
        "retention.read",  # when a case may be purged, and its legal hold
        "erasure.handle",  # record, execute or refuse a data subject's erasure request
    }
)
# What the head of an office adds: decide who handles a case, keep a named person away from it,
# reopen finished cases, set legal holds, and read the anonymized statistics of the office.
_HEAD = frozenset(
    {
        "complaint.assign",
        "complaint.exclude",
        "complaint.reopen",
        "complaint.hold",  # set and lift legal holds, which block the purge
        "statistics.read",
    }
)

# What a complainant does on their own case, with a receipt or a resident account.
_COMPLAINANT = frozenset(
    {
        "message.read",
        "message.write",
        "attachment.read",
        "attachment.write",
        "retaliation.report",
        "record.read",
        "record.respond",  # approve or correct the minutes of one's oral report
    }
)

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.complainant: frozenset({"complaint.read", "complaint.withdraw", *_COMPLAINANT}),
    Role.resident: frozenset(
        {"complaint.list", "complaint.read", "complaint.withdraw", *_COMPLAINANT}
    ),
    Role.ombudsperson_staff: _HANDLING,
    Role.ombudsperson: _HANDLING | _HEAD,
    Role.oversight_officer: _HANDLING | {"identity.request"},
    # The identity custodian decides who may see a reporter's identity.
    Role.oversight_head: _HANDLING | _HEAD | {"identity.request", "identity.decide"},
    # A department sees only what is addressed to it, never the complainant's identity.
    Role.respondent: frozenset(
        {"information_request.read", "information_request.answer", "remedy.read", "remedy.respond"}
    ),
    # Anonymized, suppressed statistics only: never a complaint, a person or a free text.
    Role.monitor: frozenset({"statistics.read"}),
    Role.auditor: frozenset({"audit.read"}),
    Role.admin: frozenset(),
}

# Staff roles see every complaint of their track(s) and none of the other's.
STAFF_TRACKS: dict[Role, frozenset[Track]] = {
    Role.ombudsperson_staff: frozenset({Track.ombudsperson}),
    Role.ombudsperson: frozenset({Track.ombudsperson}),
    Role.oversight_officer: frozenset({Track.anti_corruption}),
    Role.oversight_head: frozenset({Track.anti_corruption}),
}

# Roles that ombuds itself mints tokens for with `ombuds token`; `complainant` comes from a receipt.
MINTABLE_ROLES: frozenset[Role] = frozenset(Role) - {Role.complainant}


def permissions_of(roles: frozenset[Role]) -> frozenset[str]:
    granted: frozenset[str] = frozenset()
    for role in roles:
        granted |= PERMISSIONS[role]
    return granted


def tracks_of(roles: frozenset[Role]) -> frozenset[Track]:
    tracks: frozenset[Track] = frozenset()
    for role in roles:
        tracks |= STAFF_TRACKS.get(role, frozenset())
    return tracks


def roles_holding(permission: str) -> list[Role]:
    return [role for role in Role if permission in PERMISSIONS[role]]
