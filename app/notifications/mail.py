"""The email itself, and how it leaves: content-free plain text, and an SMTP or mailbox transport.

An email says only that something of a given kind happened on a case and how to open it: never
the case's text, names or findings, never a receipt. The complainant of the confidential
(anti-corruption) track is written to as by "the office", with no reference: nothing in the
email or its headers tells which track or function the case is with, unless the reporter asked
for emails that say more (`complaints.email_detailed`). Each notification keeps
one Message-ID across attempts, so a copy sent twice (a worker that died between sending and
recording) is one message to the reader's mail program.

The transports raise `Temporary` (tried again later: a 4xx answer, a refused connection, a
timeout) or `Permanent` (a 5xx answer: the notification is dead until replayed). Their error
text names the SMTP code and enhanced status only, never what the server echoed (an address).
"""

from __future__ import annotations

import email.policy
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol
from uuid import UUID

import aiosmtplib

from app.config import Settings
from app.deadlines.reminders import DIGEST_LINES, Overdue
from app.notifications.links import unsubscribe_token
from app.web.console.labels import DEADLINE
from app.web.i18n import N_, Texts, texts_in

ANTI_CORRUPTION = "anti_corruption"

# What happened, by kind and by whom it is told to, as a line of the email. A kind not listed
# here is told as "an update": a kind's name never reaches an email as such (it could say more
# than the email may). The complainant of the confidential track is only ever told "an update".
_COMPLAINANT_WHAT: dict[str, str] = {
    "filing_received": N_("The office received your case."),
    "acknowledged": N_("The office acknowledged receipt of your case."),
    "feedback_given": N_("The office has news on how your case is handled."),
    "decision_communicated": N_("The office has communicated a decision on your case."),
    "erasure_answered": N_("The office answered your request about your personal data."),
    "hearing_scheduled": N_("A hearing was scheduled."),
    "hearing_changed": N_("A hearing was changed."),
    "hearing_cancelled": N_("A hearing was cancelled."),
    "message_from_office": N_("The office sent you a message."),
    "remedy_outcome": N_("The office recorded the outcome of a remedy on your case."),
}
_STAFF_WHAT: dict[str, str] = {
    "assigned": N_("A case was assigned to you."),
    "message_from_complainant": N_("The complainant sent a message on the case."),
}
_DEPARTMENT_WHAT: dict[str, str] = {
    "information_request": N_("The office asks your department for information on a case."),
    "remedy_recommended": N_("The office recommends a remedy to your department."),
}
# Reminders: which deadline (the console's own names for them) and when it is due.
_STAFF_REMINDER = N_("A deadline on the case is due on %(day)s: %(deadline)s.")
_DEPARTMENT_REMINDER = N_(
    "Something the office asked of your department is due on %(day)s: %(deadline)s."
)
# The heads' digest: the overdue deadlines of their track, each with its case's reference.
_DIGEST_SUBJECT = N_("Overdue deadlines on the cases of your office")
_DIGEST_INTRO = N_("These deadlines have passed on cases you may see:")
_DIGEST_LINE = N_("%(reference)s: %(deadline)s, due on %(day)s. %(link)s")
_DIGEST_MORE = N_("There are more. The deadlines board lists them all: %(link)s")
_STOP = N_("To stop these emails, open: %(link)s")
_UPDATE = N_("There is an update on the case.")

# The complainant's subject is the residents' pages' own words (already in the catalogs).
_COMPLAINANT_SUBJECT = N_("Your case was updated")
_STAFF_SUBJECT = N_("Case %(reference)s: an update")
_DEPARTMENT_SUBJECT = N_("A case for your department: an update")
_DEPARTMENT_SUBJECT_REF = N_("Case %(reference)s for your department: an update")

_NEUTRAL_OFFICE = N_("the office")
_COMPLAINANT_UPDATE = N_("There is an update on your case with %(office)s.")
_COMPLAINANT_UPDATE_REF = N_("There is an update on your case %(reference)s with %(office)s.")
_COMPLAINANT_HOW = N_(
    "To see it, open %(link)s and sign in with the receipt you were given when you filed."
)
_COMPLAINANT_SAFE = N_("For your privacy, this email says nothing about the content of your case.")
_STAFF_HOW = N_("Open the case %(reference)s in the console: %(link)s")
_DEPARTMENT_HOW = N_("Open the departments' portal to see it: %(link)s")
_AUTOMATIC = N_("This email was sent automatically; replies are not read.")


@dataclass(frozen=True)
class Notice:
    """What an email is composed from: the row, and what the worker looked up for it."""

    id: int
    kind: str
    recipient: str  # complainant | staff:<subject> | department:<name>
    language: str
    complaint_id: UUID | None
    reference: str | None
    track: str | None
    detailed: bool = False  # the confidential track's reporter asked for emails that say more
    deadline: str | None = None  # a reminder's deadline (its kind)
    due_at: datetime | None = None
    overdue: tuple[Overdue, ...] = ()  # a digest's lines, read at send time

    @property
    def role(self) -> str:
        return self.recipient.partition(":")[0]


def message_id(settings: Settings, notification_id: int) -> str:
    """The same for every attempt at one notification."""
    domain = settings.mail_from.rpartition("@")[2].strip(" >") or "localhost"
    return f"<ombuds-notification-{notification_id}@{domain}>"


def _link(settings: Settings, path: str) -> str:
    return settings.public_url.rstrip("/") + path


def _what(texts: Texts, kinds: dict[str, str], kind: str) -> str:
    return texts(kinds.get(kind, _UPDATE))


def _complainant(settings: Settings, texts: Texts, notice: Notice) -> tuple[str, list[str]]:
    # Unless the reporter asked for emails that say more (their case page, or the API).
    confidential = notice.track in (ANTI_CORRUPTION, None) and not notice.detailed
    office = texts(_NEUTRAL_OFFICE) if confidential else settings.office_name
    if confidential or not notice.reference:
        update = texts(_COMPLAINANT_UPDATE, office=office)
    else:
        update = texts(_COMPLAINANT_UPDATE_REF, reference=notice.reference, office=office)
    lines = [update]
    if not confidential and notice.kind in _COMPLAINANT_WHAT:
        lines.append(texts(_COMPLAINANT_WHAT[notice.kind]))
    lines.append(texts(_COMPLAINANT_HOW, link=_link(settings, "/follow")))
    return texts(_COMPLAINANT_SUBJECT), [*lines, texts(_COMPLAINANT_SAFE)]


def _deadline(texts: Texts, notice: Notice) -> dict[str, str]:
    name = DEADLINE.get(notice.deadline or "")
    return {
        "day": texts.day(notice.due_at) if notice.due_at else "-",
        "deadline": texts(name).lower() if name else "-",
    }


def _staff(settings: Settings, texts: Texts, notice: Notice) -> tuple[str, list[str]]:
    if notice.kind == "overdue_digest":
        return _digest(settings, texts, notice)
    reference = notice.reference or "-"
    path = f"/console/cases/{notice.complaint_id}" if notice.complaint_id else "/console"
    how = texts(_STAFF_HOW, reference=reference, link=_link(settings, path))
    if notice.kind == "deadline_reminder":
        what = texts(_STAFF_REMINDER, **_deadline(texts, notice))
    else:
        what = _what(texts, _STAFF_WHAT, notice.kind)
    return texts(_STAFF_SUBJECT, reference=reference), [what, how]


def _digest(settings: Settings, texts: Texts, notice: Notice) -> tuple[str, list[str]]:
    lines = [
        texts(
            _DIGEST_LINE,
            reference=item.reference,
            deadline=texts(DEADLINE.get(item.deadline, item.deadline)).lower(),
            day=texts.day(item.due_at),
            link=_link(settings, f"/console/cases/{item.complaint_id}"),
        )
        for item in notice.overdue[:DIGEST_LINES]
    ]
    paragraphs = [texts(_DIGEST_INTRO), "\n".join(lines)]
    if len(notice.overdue) > DIGEST_LINES:
        paragraphs.append(texts(_DIGEST_MORE, link=_link(settings, "/console/deadlines")))
    return texts(_DIGEST_SUBJECT), paragraphs


def _department(settings: Settings, texts: Texts, notice: Notice) -> tuple[str, list[str]]:
    # The portal withholds the reference of a confidential case; so does its email.
    if notice.reference and notice.track not in (ANTI_CORRUPTION, None):
        subject = texts(_DEPARTMENT_SUBJECT_REF, reference=notice.reference)
    else:
        subject = texts(_DEPARTMENT_SUBJECT)
    how = texts(_DEPARTMENT_HOW, link=_link(settings, "/portal"))
    if notice.kind == "department_reminder":
        what = texts(_DEPARTMENT_REMINDER, **_deadline(texts, notice))
    else:
        what = _what(texts, _DEPARTMENT_WHAT, notice.kind)
    return subject, [what, how]


class _Headers(HeaderRegistry):
    """The standard header classes, each made once: the registry makes a new class for every
    header it is asked for, a third of the time composing an email took."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


# email.policy.default, its headers' classes made once (the same headers, the same bytes).
_POLICY = email.policy.default.clone(header_factory=_Headers())


def compose(settings: Settings, notice: Notice, to: list[str]) -> EmailMessage:
    """The email of one notification to `to`, in the notification's language."""
    texts = texts_in(notice.language)
    if notice.role == "complainant":
        subject, paragraphs = _complainant(settings, texts, notice)
    elif notice.role == "staff":
        subject, paragraphs = _staff(settings, texts, notice)
    else:
        subject, paragraphs = _department(settings, texts, notice)
    message = EmailMessage(policy=_POLICY)
    message["From"] = settings.mail_from
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(settings, notice.id)
    message["Auto-Submitted"] = "auto-generated"
    closing = [texts(_AUTOMATIC)]
    if notice.role in ("complainant", "staff"):
        # One click stops them (RFC 8058): the complainant's emails about this case, or this
        # kind for a staff member. A department's requests are the office's, not a list.
        stop = _link(settings, f"/unsubscribe/{unsubscribe_token(settings, notice.id)}")
        message["List-Unsubscribe"] = f"<{stop}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        closing.append(texts(_STOP, link=stop))
    message.set_content("\n\n".join([*paragraphs, *closing]) + "\n")
    message["Content-Language"] = texts.lang  # after the content: set_content clears Content-*
    return message


# Transports ------------------------------------------------------------------------------------


class Temporary(Exception):
    """Not sent this time; try again later."""


class Permanent(Exception):
    """Refused for good: the notification is dead until replayed."""


class Transport(Protocol):
    async def send(self, message: EmailMessage, to: list[str]) -> None: ...

    def describe(self) -> str: ...


_ENHANCED = re.compile(r"^[245]\.\d{1,3}\.\d{1,3}\b")


def _smtp_error(code: int, text: str) -> str:
    """The code and enhanced status only: servers echo addresses in their text."""
    enhanced = _ENHANCED.match(text.strip())
    return f"SMTP {code}" + (f" {enhanced.group(0)}" if enhanced else "")


def tls_context() -> ssl.SSLContext:
    """The system's trusted authorities, the server's name checked."""
    return ssl.create_default_context()


@contextmanager
def _answered() -> Iterator[None]:
    """An SMTP exchange's failure as `Temporary` or `Permanent`."""
    try:
        yield
    except aiosmtplib.SMTPRecipientsRefused as refused:
        codes = [r.code for r in refused.recipients]
        error = _smtp_error(codes[0], refused.recipients[0].message) if codes else "SMTP"
        if codes and all(500 <= c < 600 for c in codes):
            raise Permanent(error) from None
        raise Temporary(error) from None
    except (aiosmtplib.SMTPAuthenticationError, aiosmtplib.SMTPSenderRefused) as exc:
        # The office's own set-up (its login, its sender), not this email: tried again.
        raise Temporary(f"{type(exc).__name__}: {_smtp_error(exc.code, exc.message)}") from None
    except aiosmtplib.SMTPResponseException as exc:
        error = _smtp_error(exc.code, exc.message)
        if 500 <= exc.code < 600:
            raise Permanent(error) from None
        raise Temporary(error) from None
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        raise Temporary(type(exc).__name__) from None


def _client(s: Settings) -> aiosmtplib.SMTP:
    """A client of the office's SMTP server, as `aiosmtplib.send` makes one."""
    password = s.smtp_password.get_secret_value() if s.smtp_password else None
    return aiosmtplib.SMTP(
        hostname=s.smtp_host,
        port=s.smtp_port,
        username=s.smtp_username or None,
        password=password if s.smtp_username else None,
        use_tls=s.smtp_security == "tls",
        start_tls=s.smtp_security == "starttls",
        timeout=s.smtp_timeout_seconds,
        tls_context=tls_context() if s.smtp_security != "none" else None,
    )


@dataclass
class SmtpTransport:
    settings: Settings

    def describe(self) -> str:
        s = self.settings
        return f"SMTP {s.smtp_host}:{s.smtp_port} ({s.smtp_security})"

    async def send(self, message: EmailMessage, to: list[str]) -> None:
        """One email on a connection of its own."""
        s = self.settings
        with _answered():
            async with _client(s) as smtp:
                await smtp.send_message(message, sender=s.mail_from, recipients=to)

    def batch(self) -> SmtpBatch:
        return SmtpBatch(self.settings)


@dataclass
class SmtpBatch:
    """One batch's emails over connections kept open from one email to the next (as many as are
    in flight), closed when the batch is done: a connection (its greeting, EHLO, TLS, login)
    costs more than an email. A connection on which anything failed is closed, never reused; one
    the server closed while it waited is replaced by a new one for that email."""

    settings: Settings
    idle: list[aiosmtplib.SMTP] = field(default_factory=list)

    def describe(self) -> str:
        return SmtpTransport(self.settings).describe()

    async def __aenter__(self) -> SmtpBatch:
        return self

    async def __aexit__(self, *_: object) -> None:
        idle, self.idle = self.idle, []
        for smtp in idle:
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                smtp.close()

    async def send(self, message: EmailMessage, to: list[str]) -> None:
        with _answered():
            while self.idle:
                try:
                    await self._send_on(self.idle.pop(), message, to)
                    return
                except aiosmtplib.SMTPServerDisconnected:
                    pass  # closed by the server since its last email (a timeout?): a new one
            await self._send_on(_client(self.settings), message, to)

    async def _send_on(self, smtp: aiosmtplib.SMTP, message: EmailMessage, to: list[str]) -> None:
        try:
            if not smtp.is_connected:
                await smtp.connect()
            await smtp.send_message(message, sender=self.settings.mail_from, recipients=to)
        except BaseException:
            smtp.close()
            raise
        self.idle.append(smtp)


@dataclass
class MailboxTransport:
    """Development: each email a file `<id>.eml` under the mailbox directory."""

    directory: Path

    def describe(self) -> str:
        return f"the mailbox directory {self.directory.resolve()}"

    async def send(self, message: EmailMessage, to: list[str]) -> None:
        number = re.sub(r"[^A-Za-z0-9@.-]", "", str(message["Message-ID"]))
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"{number or make_msgid()}.eml"
            partial = path.with_suffix(".eml.partial")
            partial.write_bytes(bytes(message))
            partial.replace(path)
        except OSError as exc:
            raise Temporary(type(exc).__name__) from None


def transport_for(settings: Settings) -> Transport:
    if settings.smtp_host:
        return SmtpTransport(settings)
    return MailboxTransport(settings.mailbox_dir)
