"""The emails' choices: a complainant stops or restarts the emails about their case, a staff
member turns kinds of email off for themselves."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter

from app.kit.access import allow, allow_on_case
from app.kit.errors import CASE_READ, CASE_WRITE, LIST_READ, problem_responses
from app.kit.http import Tx
from app.kit.permissions import Permission as P
from app.kit.principals import Principal
from app.notifications import choices
from app.notifications.schemas import CaseEmails, CaseEmailsIn, EmailPreferences, EmailPreferencesIn

router = APIRouter(tags=["notifications"])

CaseChooser = Annotated[Principal, allow_on_case(P.email_case)]
Staff = Annotated[Principal, allow(P.email_preferences)]


@router.get(
    "/v1/complaints/{complaint_id}/email-updates",
    summary="Whether the complainant is emailed about this case",
    responses=CASE_READ,
)
async def get_case_emails(complaint_id: UUID, tx: Tx, principal: CaseChooser) -> CaseEmails:
    return await choices.case_emails(tx, principal, complaint_id)


@router.put(
    "/v1/complaints/{complaint_id}/email-updates",
    summary="Stop, or restart, the emails about this case",
    description=(
        "For the complainant. The emails never hold the case's content. They can be restarted "
        "only when an email address was given with the complaint (409 otherwise). The one-click "
        "link in every email stops them too (RFC 8058). On the confidential track the emails "
        "say only that there is an update, from 'the office'; `detailed: true` asks for emails "
        "that name the office, the reference and what happened (409 on the other track)."
    ),
    responses=CASE_WRITE,
)
async def put_case_emails(
    complaint_id: UUID, body: CaseEmailsIn, tx: Tx, principal: CaseChooser
) -> CaseEmails:
    return await choices.set_case_emails(tx, principal, complaint_id, body.emails, body.detailed)


@router.get(
    "/v1/me/email-preferences",
    summary="The kinds of email you receive as staff",
    responses=LIST_READ,
)
async def get_preferences(tx: Tx, principal: Staff) -> EmailPreferences:
    return await choices.preferences(tx, principal)


@router.put(
    "/v1/me/email-preferences",
    summary="Turn kinds of email off, or back on, for yourself",
    description=(
        "`off` lists the kinds you do not want: assignments, the complainant's messages on your "
        "cases, deadline reminders, and (heads of office) the daily digest of overdue deadlines."
    ),
    responses=problem_responses(400, 401, 403, 413, 422, 503),
)
async def put_preferences(body: EmailPreferencesIn, tx: Tx, principal: Staff) -> EmailPreferences:
    return await choices.set_preferences(tx, principal, body.off)
