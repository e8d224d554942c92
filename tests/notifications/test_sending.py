"""Sending the notifications: a real SMTP server in the test process (aiosmtpd), each email at
the right address in the right language, content-free, retried through 4xx answers and outages,
dead on a 5xx until replayed, and one Message-ID however often a row is sent."""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.config import ConfigurationError, Settings, get_settings, load_settings
from app.crypto import Sealer
from app.kit.notify import COMPLAINANT, department, notify, staff
from app.notifications import mail, service
from app.staff.service import set_member
from app.worker import Round, Worker, http_client, make_pool
from tests.conftest import act, complaint_body, free_port

CONTACT = {"name": "Amina Haddad", "email": "resident-7@example.org"}
PUBLIC = "https://ombuds.city.example"
HOUSING = ["housing@city.example", "housing-desk@city.example"]


class Died(Exception):
    pass


@dataclass
class Inbox:
    """An SMTP server's handler: keeps what it accepts, or answers `refuse_data` to DATA and
    `refuse_rcpt` to RCPT TO."""

    received: list[tuple[list[str], bytes]] = field(default_factory=list)
    refuse_data: str | None = None
    refuse_rcpt: str | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_data:
            return self.refuse_data
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[misc]
            for _, raw in self.received
        ]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()  # type: ignore[no-untyped-call]
    yield inbox, port
    controller.stop()  # type: ignore[no-untyped-call]


def mailing(settings: Settings, **overrides: Any) -> Settings:
    values = {
        **settings.model_dump(),
        "mail_from": "ombuds@city.example",
        "public_url": PUBLIC,
        "smtp_security": "none",
        "smtp_timeout_seconds": 5.0,
        "department_emails": {"Housing": HOUSING},
        "notification_backoff_base_seconds": 0.05,
        "notification_backoff_max_seconds": 0.2,
        "worker_lease_seconds": 2.0,
        **overrides,
    }
    return Settings(**values)


def via(settings: Settings, port: int, **overrides: Any) -> Settings:
    return mailing(settings, smtp_host="127.0.0.1", smtp_port=port, **overrides)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[Any]:
    made = make_pool(database_url)
    await made.open()
    yield made
    await made.close()


async def send(pool: Any, settings: Settings) -> service.Outcome:
    return await service.send_batch(
        pool, settings, Sealer.from_settings(settings), mail.transport_for(settings)
    )


async def file(client: httpx.AsyncClient, db: Any, **overrides: Any) -> dict[str, Any]:
    """A complaint with a contact; whatever rows filing wrote are cleared (the sending is under
    test, not who is told)."""
    response = await client.post(
        "/v1/complaints", json=complaint_body(contact=CONTACT, **overrides)
    )
    assert response.status_code == 201, response.text
    db.execute("DELETE FROM notifications")
    filed: dict[str, Any] = response.json()
    return filed


async def queue(pool: Any, kind: str, complaint_id: str, recipient: str, lang: str = "en") -> int:
    async with pool.connection() as conn:
        await notify(conn, kind, UUID(complaint_id), recipient, language=lang)
        row = await (await conn.execute("SELECT max(id) AS id FROM notifications")).fetchone()
    return int(row["id"])


def row(db: Any, notification_id: int) -> dict[str, Any]:
    found: dict[str, Any] = db.execute(
        "SELECT status, attempts, last_error, sent_at, next_attempt_at > now() AS later "
        "FROM notifications WHERE id = %s",
        (notification_id,),
    ).fetchone()
    return found


def everything(raw: bytes) -> str:
    """Every header (decoded) and the body of an email, and its raw text."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    headers = "\n".join(f"{k}: {v}" for k, v in message.items())
    body = message.get_content()  # type: ignore[attr-defined]
    return f"{raw.decode()}\n{headers}\n{body}"


def assert_content_free(text: str, filed: dict[str, Any]) -> None:
    body = complaint_body()
    for secret in (
        body["summary"],
        body["description"],
        body["remedy_sought"],
        body["respondent"],
        "Riverside",
        "Amina",
        "Haddad",
        filed["receipt"],
    ):
        assert secret.lower() not in text.lower(), secret


async def test_each_recipient_gets_a_content_free_email_in_their_language(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    filed = await file(client, db, language="fr")
    cid = filed["id"]
    async with pool.connection() as conn:
        await set_member(
            conn,
            subject="alice",
            name="Alice Martin",
            email="alice@city.example",
            roles=["ombudsperson_staff"],
        )
    to_complainant = await queue(pool, "acknowledged", cid, COMPLAINANT, "fr")
    to_staff = await queue(pool, "message_from_complainant", cid, staff("alice"), "en")
    to_housing = await queue(pool, "information_request", cid, department("Housing"), "es")

    outcome = await send(pool, via(settings, port))

    assert (outcome.claimed, outcome.sent, outcome.retried, outcome.dead) == (3, 3, 0, 0)
    by_to = {tuple(rcpt): raw for rcpt, raw in inbox.received}
    assert set(by_to) == {("resident-7@example.org",), ("alice@city.example",), tuple(HOUSING)}

    complainant = email.message_from_bytes(
        by_to[("resident-7@example.org",)], policy=email.policy.default
    )
    assert complainant["From"] == "ombuds@city.example"
    assert complainant["To"] == "resident-7@example.org"
    # The residents' pages' own words, in French from their catalog.
    assert complainant["Subject"] == "Votre dossier a été mis à jour"
    assert complainant["Content-Language"] == "fr"
    assert complainant["Message-ID"] == f"<ombuds-notification-{to_complainant}@city.example>"
    assert complainant["Auto-Submitted"] == "auto-generated"
    # One click stops the case's emails (RFC 8058): a link signed for this notification.
    stop = f"https://ombuds.city.example/unsubscribe/{to_complainant}."
    assert complainant["List-Unsubscribe"].strip().startswith(f"<{stop}")
    assert complainant["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not complainant.is_multipart()
    assert complainant.get_content_type() == "text/plain"
    text = complainant.get_content()  # type: ignore[attr-defined]
    assert "https://ombuds.city.example/follow" in text
    assert filed["reference"] in text  # the ombudsperson track: the reference is no secret
    assert "Human Rights Office" in text
    assert f"Pour ne plus recevoir ces e-mails, ouvrez\u00a0: {stop}" in text

    officer = email.message_from_bytes(by_to[("alice@city.example",)], policy=email.policy.default)
    assert officer["Subject"] == f"Case {filed['reference']}: an update"
    assert officer["Content-Language"] == "en"
    assert officer["Message-ID"] == f"<ombuds-notification-{to_staff}@city.example>"
    assert (
        officer["List-Unsubscribe"]
        .strip()
        .startswith(f"<https://ombuds.city.example/unsubscribe/{to_staff}.")
    )
    text = officer.get_content()  # type: ignore[attr-defined]
    assert f"https://ombuds.city.example/console/cases/{cid}" in text
    assert "The complainant sent a message on the case." in text

    housing = email.message_from_bytes(by_to[tuple(HOUSING)], policy=email.policy.default)
    assert housing["To"] == "housing@city.example, housing-desk@city.example"
    assert housing["Content-Language"] == "es"
    assert housing["Message-ID"] == f"<ombuds-notification-{to_housing}@city.example>"
    assert "https://ombuds.city.example/portal" in housing.get_content()  # type: ignore[attr-defined]
    assert housing["List-Unsubscribe"] is None  # the office's requests are not a mailing list

    for _, raw in inbox.received:
        assert_content_free(everything(raw), filed)
    for notification_id in (to_complainant, to_staff, to_housing):
        sent = row(db, notification_id)
        assert (sent["status"], sent["attempts"], sent["last_error"]) == ("sent", 1, None)
        assert sent["sent_at"] is not None
    assert (await send(pool, via(settings, port))).claimed == 0  # nothing sent twice


async def test_the_confidential_track_is_not_named(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    filed = await file(client, db, track="anti_corruption")
    await queue(pool, "identity_notice", filed["id"], COMPLAINANT)
    await queue(pool, "acknowledged", filed["id"], COMPLAINANT)

    assert (await send(pool, via(settings, port))).sent == 2

    assert len(inbox.received) == 2
    for _, raw in inbox.received:
        text = everything(raw)
        assert_content_free(text, filed)
        for word in ("corruption", "anti", "confidential", "identity", "Human Rights Office"):
            assert word.lower() not in text.lower(), word
        assert filed["reference"] not in text
        assert "the office" in text
        assert "https://ombuds.city.example/follow" in text


async def test_nowhere_to_send_it_is_withheld_not_a_failure(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    response = await client.post("/v1/complaints", json=complaint_body())  # anonymous
    anonymous = response.json()
    db.execute("DELETE FROM notifications")
    by_phone = await file(client, db)
    db.execute(
        "DELETE FROM complainant_contacts WHERE complaint_id = %s", (by_phone["id"],)
    )  # as an erasure leaves it
    ids = [
        await queue(pool, "acknowledged", anonymous["id"], COMPLAINANT),
        await queue(pool, "acknowledged", by_phone["id"], COMPLAINANT),
        await queue(pool, "assigned", by_phone["id"], staff("nobody")),
        await queue(pool, "remedy_recommended", by_phone["id"], department("Police")),
    ]

    outcome = await send(pool, via(settings, port))

    assert (outcome.sent, outcome.dead, outcome.withheld) == (0, 0, 4)
    assert inbox.received == []
    for notification_id in ids:
        withheld = row(db, notification_id)
        assert (withheld["status"], withheld["attempts"], withheld["last_error"]) == (
            "withheld",
            0,
            "no email address",
        )
    async with pool.connection() as conn:  # nothing failed: the case page has nothing to say
        assert await service.dead_of_case(conn, UUID(by_phone["id"])) == []


async def test_what_was_turned_off_or_stopped_is_withheld_even_once_queued(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    stopped, kept = await file(client, db), await file(client, db)
    async with pool.connection() as conn:
        await set_member(
            conn, subject="alice", name="Alice", email="alice@city.example", roles=["ombudsperson"]
        )
    ids = [
        await queue(pool, "acknowledged", stopped["id"], COMPLAINANT),
        await queue(pool, "feedback_given", kept["id"], COMPLAINANT),  # turned off by the office
        await queue(pool, "assigned", kept["id"], staff("alice")),  # turned off by Alice
        await queue(pool, "message_from_complainant", kept["id"], staff("alice")),
        await queue(pool, "acknowledged", kept["id"], COMPLAINANT),
    ]
    # Chosen after the rows were written: the worker looks again when it sends.
    db.execute("UPDATE complaints SET email_updates = false WHERE id = %s", (stopped["id"],))
    db.execute("UPDATE staff SET emails_off = '{assigned}' WHERE subject = 'alice'")

    outcome = await send(pool, via(settings, port, notifications_off=["feedback_given"]))

    assert (outcome.sent, outcome.withheld, outcome.dead) == (2, 3, 0)
    assert [(row(db, i)["status"], row(db, i)["last_error"]) for i in ids] == [
        ("withheld", "the complainant's emails about this case are off"),
        ("withheld", "the office does not send this kind"),
        ("withheld", "the staff member turned this kind off"),
        ("sent", None),
        ("sent", None),
    ]
    assert sorted(to for to, _ in inbox.received) == [
        ["alice@city.example"],
        ["resident-7@example.org"],
    ]


async def test_a_4xx_answer_is_retried_with_backoff_then_delivered(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    filed = await file(client, db)
    notification_id = await queue(pool, "acknowledged", filed["id"], COMPLAINANT)
    inbox.refuse_data = "451 4.3.0 <resident-7@example.org> mailbox busy, try later"
    sending = via(settings, port)

    outcome = await send(pool, sending)
    assert (outcome.sent, outcome.retried, outcome.dead) == (0, 1, 0)
    first = row(db, notification_id)
    # The error names the code, not what the server echoed (an address).
    assert (first["status"], first["attempts"], first["last_error"]) == (
        "pending",
        1,
        "SMTP 451 4.3.0",
    )
    assert first["later"] is True
    assert (await send(pool, sending)).claimed == 0  # not due yet

    await asyncio.sleep(0.1)  # the backoff after one failure: at most 0.05 s
    outcome = await send(pool, sending)
    assert (outcome.sent, outcome.retried) == (0, 1)
    assert row(db, notification_id)["attempts"] == 2

    inbox.refuse_data = None
    await asyncio.sleep(0.2)
    outcome = await send(pool, sending)
    assert outcome.sent == 1
    done = row(db, notification_id)
    assert (done["status"], done["attempts"], done["last_error"]) == ("sent", 3, None)
    assert [rcpt for rcpt, _ in inbox.received] == [["resident-7@example.org"]]


async def test_temporary_failures_end_dead_after_the_last_attempt(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    filed = await file(client, db)
    notification_id = await queue(pool, "acknowledged", filed["id"], COMPLAINANT)
    inbox.refuse_rcpt = "450 4.2.1 try later"
    sending = via(settings, port, notification_max_attempts=2)
    assert (await send(pool, sending)).retried == 1
    await asyncio.sleep(0.1)
    assert (await send(pool, sending)).dead == 1
    dead = row(db, notification_id)
    assert (dead["status"], dead["attempts"], dead["last_error"]) == ("dead", 2, "SMTP 450 4.2.1")


async def test_a_5xx_answer_is_dead_until_replayed(
    client: httpx.AsyncClient,
    db: Any,
    pool: Any,
    settings: Settings,
    smtp: tuple[Inbox, int],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    inbox, port = smtp
    filed = await file(client, db)
    refused_data = await queue(pool, "acknowledged", filed["id"], COMPLAINANT)
    sending = via(settings, port)
    inbox.refuse_data = "550 5.7.1 <resident-7@example.org> rejected"
    assert (await send(pool, sending)).dead == 1
    inbox.refuse_data = None
    inbox.refuse_rcpt = "550 5.1.1 <resident-7@example.org> no such user"
    refused_rcpt = await queue(pool, "hearing_scheduled", filed["id"], COMPLAINANT)
    assert (await send(pool, sending)).dead == 1
    assert [
        (r["status"], r["attempts"], r["last_error"])
        for r in map(lambda i: row(db, i), (refused_data, refused_rcpt))
    ] == [("dead", 1, "SMTP 550 5.7.1"), ("dead", 1, "SMTP 550 5.1.1")]
    inbox.refuse_rcpt = None
    assert (await send(pool, sending)).claimed == 0  # the dead wait for a replay
    async with pool.connection() as conn:
        dead = await service.dead_of_case(conn, UUID(filed["id"]))
    assert [d.id for d in dead] == [refused_data, refused_rcpt]

    async with pool.connection() as conn:
        assert await service.replay(conn, [refused_data]) == [refused_data]
    replayed = row(db, refused_data)
    assert (replayed["status"], replayed["attempts"], replayed["last_error"]) == (
        "pending",
        0,
        None,
    )
    assert (await send(pool, sending)).sent == 1

    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert main(["notifications", "replay"]) == 2  # it must be told which
        assert main(["notifications", "replay", "--all"]) == 0
        assert "replaying 1 dead notifications" in capsys.readouterr().out
        assert main(["notifications", "status"]) == 0
        out = capsys.readouterr().out.split()
        assert out[:2] == ["pending", "1"] and "sent" in out
    finally:
        get_settings.cache_clear()
    assert (await send(pool, sending)).sent == 1
    assert len(inbox.received) == 2


async def test_a_server_that_is_down_is_tried_again(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings
) -> None:
    filed = await file(client, db)
    notification_id = await queue(pool, "acknowledged", filed["id"], COMPLAINANT)
    port = free_port()  # nobody listens there
    outcome = await send(pool, via(settings, port))
    assert (outcome.sent, outcome.retried, outcome.dead) == (0, 1, 0)
    down = row(db, notification_id)
    assert (down["status"], down["attempts"], down["later"]) == ("pending", 1, True)
    assert down["last_error"] == "SMTPConnectError"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()  # type: ignore[no-untyped-call]
    try:
        await asyncio.sleep(0.1)
        assert (await send(pool, via(settings, port))).sent == 1
    finally:
        controller.stop()  # type: ignore[no-untyped-call]
    assert [rcpt for rcpt, _ in inbox.received] == [["resident-7@example.org"]]


async def test_a_row_sent_twice_keeps_its_message_id(
    client: httpx.AsyncClient,
    db: Any,
    pool: Any,
    settings: Settings,
    smtp: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port = smtp
    filed = await file(client, db)
    notification_id = await queue(pool, "acknowledged", filed["id"], COMPLAINANT)

    async def crash(pool: Any, notification_id: int) -> None:
        raise Died("the worker died between sending and recording")

    monkeypatch.setattr(service, "mark_sent", crash)
    with pytest.raises(Died):
        await send(pool, via(settings, port))
    monkeypatch.undo()
    assert row(db, notification_id)["status"] == "pending"
    assert (await send(pool, via(settings, port))).claimed == 0  # leased
    db.execute("UPDATE notifications SET next_attempt_at = now()")  # the lease ran out
    assert (await send(pool, via(settings, port))).sent == 1

    ids = [m["Message-ID"] for m in inbox.messages()]
    assert ids == [f"<ombuds-notification-{notification_id}@city.example>"] * 2
    assert row(db, notification_id)["status"] == "sent"


async def test_without_a_host_the_worker_writes_to_the_mailbox(
    client: httpx.AsyncClient, db: Any, database_url: str, settings: Settings, tmp_path: Path
) -> None:
    filed = await file(client, db, language="es")
    developing = mailing(settings, mailbox_dir=tmp_path / "mail")
    pool = make_pool(database_url)
    await pool.open()
    try:
        notification_id = await queue(pool, "acknowledged", filed["id"], COMPLAINANT, "es")
        async with http_client(developing) as http:
            worker = Worker(developing, pool, http)
            assert "mailbox" in worker.mailer.describe()
            done = await worker.round()
    finally:
        await pool.close()
    assert done.errors == [] and done.mailed == 1
    files = sorted((tmp_path / "mail").iterdir())
    assert [f.name for f in files] == [f"ombuds-notification-{notification_id}@city.example.eml"]
    written = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert written["To"] == "resident-7@example.org"
    assert written["Subject"] == "Su caso se actualizó"
    assert_content_free(everything(files[0].read_bytes()), filed)
    assert row(db, notification_id)["status"] == "sent"


def _only_ombuds(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"ombuds",
        b"mail-secret",
    )
    return AuthResult(success=good, handled=False)  # False: aiosmtpd answers the 535 itself


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
async def test_the_worker_logs_in_and_a_refused_login_is_retried(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings
) -> None:
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_only_ombuds,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()  # type: ignore[no-untyped-call]
    try:
        filed = await file(client, db)
        notification_id = await queue(pool, "acknowledged", filed["id"], COMPLAINANT)
        wrong = via(settings, port, smtp_username="ombuds", smtp_password="not-it")
        assert (await send(pool, wrong)).retried == 1  # the office's set-up, not this email
        failed = row(db, notification_id)
        assert (failed["status"], failed["attempts"]) == ("pending", 1)
        assert failed["last_error"].startswith("SMTPAuthenticationError: SMTP 535")
        await asyncio.sleep(0.1)
        right = via(settings, port, smtp_username="ombuds", smtp_password="mail-secret")
        assert (await send(pool, right)).sent == 1
    finally:
        controller.stop()  # type: ignore[no-untyped-call]
    assert [rcpt for rcpt, _ in inbox.received] == [["resident-7@example.org"]]


async def test_an_acknowledgement_through_the_api_reaches_the_complainant(
    client: httpx.AsyncClient,
    db: Any,
    pool: Any,
    settings: Settings,
    smtp: tuple[Inbox, int],
    auth: Any,
) -> None:
    inbox, port = smtp
    filed = await file(client, db, language="ar")
    await act(client, auth("ombudsperson_staff"), filed["id"], "acknowledge")

    assert (await send(pool, via(settings, port))).sent == 1

    [(rcpt, raw)] = inbox.received
    assert rcpt == ["resident-7@example.org"]
    told = email.message_from_bytes(raw, policy=email.policy.default)
    assert told["Subject"] == "تم تحديث ملفك"  # "Your case was updated", from the catalog
    assert told["Content-Language"] == "ar"
    assert_content_free(everything(raw), filed)


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own authority), and its key."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.mark.parametrize("security", ["starttls", "tls"])
async def test_the_worker_speaks_tls_and_checks_the_certificate(
    client: httpx.AsyncClient,
    db: Any,
    pool: Any,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    security: str,
) -> None:
    cert, key = _certificate(tmp_path)
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    inbox = Inbox()
    port = free_port()
    tls: dict[str, Any] = (
        {"tls_context": server_side, "require_starttls": True}
        if security == "starttls"
        else {"ssl_context": server_side}
    )
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **tls)
    controller.start()  # type: ignore[no-untyped-call]
    try:
        filed = await file(client, db)
        notification_id = await queue(pool, "acknowledged", filed["id"], COMPLAINANT)
        sending = via(settings, port, smtp_security=security)
        # The system's authorities do not know this certificate: not sent, tried again.
        assert (await send(pool, sending)).retried == 1
        refused = row(db, notification_id)
        assert refused["status"] == "pending", refused
        # (aiosmtplib says which for STARTTLS; a failed implicit TLS is a failed connection)
        assert refused["last_error"] == (
            "SSLCertVerificationError" if security == "starttls" else "SMTPConnectError"
        )
        assert inbox.received == []

        def trusting() -> ssl.SSLContext:
            return ssl.create_default_context(cafile=str(cert))

        monkeypatch.setattr(mail, "tls_context", trusting)
        await asyncio.sleep(0.1)
        assert (await send(pool, sending)).sent == 1
    finally:
        controller.stop()  # type: ignore[no-untyped-call]
    assert [rcpt for rcpt, _ in inbox.received] == [["resident-7@example.org"]]


def test_department_addresses_come_from_a_json_object(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMBUDS_DEPARTMENT_EMAILS", '{"Housing": ["housing@city.example"]}')
    configured = load_settings()
    assert configured.department_emails == {"Housing": ["housing@city.example"]}
    assert service.department_addresses(configured, "housing") == ["housing@city.example"]
    assert service.department_addresses(configured, "Police") == []
    monkeypatch.setenv("OMBUDS_DEPARTMENT_EMAILS", '{"Housing": "housing@city.example"')
    with pytest.raises(ConfigurationError) as refused:
        load_settings()
    assert refused.value.problems == ["OMBUDS_DEPARTMENT_EMAILS: is not valid JSON"]


async def test_a_staff_member_is_written_to_in_their_console_language(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    filed = await file(client, db)
    async with pool.connection() as conn:
        await set_member(
            conn, subject="hana", name="Hana", email="hana@city.example", roles=["ombudsperson"]
        )
    db.execute("UPDATE staff SET language = 'es' WHERE subject = 'hana'")
    await queue(pool, "assigned", filed["id"], staff("hana"))  # written in English

    assert (await send(pool, via(settings, port))).sent == 1

    (message,) = inbox.messages()
    assert message["Content-Language"] == "es"
    assert message["Subject"] == f"Caso {filed['reference']}: novedades"


@dataclass
class SlowInbox(Inbox):
    """An SMTP server taking `delay` seconds over each email."""

    delay: float = 0.3

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


async def test_a_batch_slower_than_its_lease_is_not_sent_twice_by_another_worker(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings
) -> None:
    inbox, port = SlowInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()  # type: ignore[no-untyped-call]
    try:
        filed = await file(client, db)
        for _ in range(6):
            await queue(pool, "acknowledged", filed["id"], COMPLAINANT)
        # One email at a time, 0.3 s each: the batch of six outlasts its lease of one second.
        slow = via(settings, port, worker_lease_seconds=1.0, worker_concurrency=1)
        first = asyncio.create_task(send(pool, slow))
        await asyncio.sleep(1.3)  # the rows not yet sent are free for another worker
        second = await send(pool, slow)
        done = await first
    finally:
        controller.stop()  # type: ignore[no-untyped-call]
    ids = [m["Message-ID"] for m in inbox.messages()]
    assert len(ids) == 6 and len(set(ids)) == 6, ids
    assert second.claimed > 0 and done.sent + second.sent == 6
    rows = db.execute("SELECT status, attempts FROM notifications ORDER BY id").fetchall()
    assert [(r["status"], r["attempts"]) for r in rows] == [("sent", 1)] * 6


async def test_a_worker_round_sends_full_batches_until_the_queue_is_empty(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    filed = await file(client, db)
    for _ in range(25):
        await queue(pool, "acknowledged", filed["id"], COMPLAINANT)
    small = via(settings, port, worker_batch_size=10)
    async with http_client(small) as http:
        worker = Worker(small, pool, http)
        done = Round()
        await worker.notify(done)
    # Three batches in one round (10, 10, 5), not one batch a round behind a burst.
    assert (done.mailed, done.mail_failed) == (25, 0)
    assert len(inbox.received) == 25


async def test_emails_sent_or_withheld_are_forgotten_after_the_keep_period_dead_ones_stay(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings
) -> None:
    filed = await file(client, db)
    ids = {
        status: await queue(pool, "acknowledged", filed["id"], COMPLAINANT)
        for status in ("sent", "withheld", "dead", "pending", "recent")
    }
    for status, notification_id in ids.items():
        db.execute(
            "UPDATE notifications SET status = %s, created_at = now() - %s::interval WHERE id = %s",
            (
                "sent" if status == "recent" else status,
                "29 days" if status == "recent" else "31 days",
                notification_id,
            ),
        )
    keep = Settings(**{**settings.model_dump(), "outbox_keep_days": 30})
    async with http_client(keep) as http:
        await Worker(keep, pool, http).forget_if_due(Round())
    left = db.execute("SELECT id FROM notifications ORDER BY id").fetchall()
    assert [r["id"] for r in left] == [ids["dead"], ids["pending"], ids["recent"]]


async def test_a_reporter_who_asked_for_it_is_told_which_office_and_what_happened(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    filed = await file(client, db, track="anti_corruption")
    db.execute("UPDATE complaints SET email_detailed = true WHERE id = %s", (filed["id"],))
    await queue(pool, "hearing_scheduled", filed["id"], COMPLAINANT)

    assert (await send(pool, via(settings, port))).sent == 1

    ((_, raw),) = inbox.received
    text = everything(raw)
    assert_content_free(text, filed)  # still nothing of the case's content
    assert f"There is an update on your case {filed['reference']} with Human Rights Office." in text
    assert "A hearing was scheduled." in text
