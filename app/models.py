"""Every table of the schema, gathered from the rooms that own them: what Alembic compares the
migrations with (migrations/env.py). Each table lives with its domain, in app/<room>/models.py.
"""

from __future__ import annotations

from sqlmodel import SQLModel

from app.attachments.models import Attachment
from app.audit.models import AuditEntry
from app.complaints.models import (
    Classification,
    ComplainantCharacteristics,
    ComplainantContact,
    Complaint,
    NamedPersons,
    Recusal,
    Redaction,
    TimelineEntry,
)
from app.datasubject.models import ErasureRequest
from app.findings.models import Finding
from app.hearings.models import Hearing
from app.identity.models import IdentityDisclosure, IdentityRevealRequest
from app.investigations.models import Investigation, InvestigationStep
from app.mediation.models import MediationAttempt
from app.messages.models import Message
from app.notifications.models import Notification
from app.outbox.models import OutboxEvent
from app.ratelimit import RateBucket
from app.records.models import ReportRecord
from app.remedies.models import Remedy, RemedyReport
from app.staff.models import StaffMember
from app.statistics.models import (
    PrivacyBudget,
    StatCell,
    StatChange,
    StatFact,
    StatHistRollup,
    StatisticsRelease,
)

metadata = SQLModel.metadata

__all__ = [
    "Attachment",
    "AuditEntry",
    "Classification",
    "ComplainantCharacteristics",
    "ComplainantContact",
    "Complaint",
    "ErasureRequest",
    "Finding",
    "Hearing",
    "IdentityDisclosure",
    "IdentityRevealRequest",
    "Investigation",
    "InvestigationStep",
    "MediationAttempt",
    "Message",
    "NamedPersons",
    "Notification",
    "OutboxEvent",
    "PrivacyBudget",
    "RateBucket",
    "Recusal",
    "Redaction",
    "Remedy",
    "RemedyReport",
    "ReportRecord",
    "StaffMember",
    "StatCell",
    "StatChange",
    "StatFact",
    "StatHistRollup",
    "StatisticsRelease",
    "TimelineEntry",
    "metadata",
]
