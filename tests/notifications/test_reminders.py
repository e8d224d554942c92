"""Reminders and the heads' digest: the clock moved across each kind of deadline fires each
reminder once, to the handler (or the heads of the track, not a recused one) and to the
department; workers looking at once write it once; the digest is once a day, lists only what the
head may see, and its email names the overdue deadlines."""

from __future__ import annotations

import asyncio
import email
import email.policy
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from app.config import Settings
from app.deadlines import reminders
from app.staff.service import set_member
from tests.conftest import complaint_body
from tests.notifications.test_sending import Inbox, send, via
from tests.notifications.test_sending import pool as pool
from tests.notifications.test_sending import smtp as smtp

# A day far enough ahead that no deadline of a case filed now falls near it by itself.
D = (datetime.now(UTC) + timedelta(days=60)).replace(microsecond=0)
FAR = D + timedelta(days=400)


async def _file(client: httpx.AsyncClient, db: Any, track: str = "ombudsperson") -> str:
    response = await client.post("/v1/complaints", json=complaint_body(track=track))
    assert response.status_code == 201, response.text
    cid: str = response.json()["id"]
    # Every deadline met or far away; each test brings one to D.
    db.execute(
        "UPDATE complaints SET acknowledge_by = %s, feedback_by = %s, decide_by = NULL "
        "WHERE id = %s",
        (FAR, FAR, cid),
    )
    return cid


def _handler(db: Any, cid: str, subject: str | None) -> None:
    db.execute("UPDATE complaints SET handler_subject = %s WHERE id = %s", (subject, cid))


def _step(db: Any, cid: str, due: datetime) -> None:
    db.execute(
        "INSERT INTO investigations (complaint_id, plan, opened_by) VALUES (%s, 'Ask.', 'x') "
        "ON CONFLICT DO NOTHING",
        (cid,),
    )
    db.execute(
        "INSERT INTO investigation_steps (complaint_id, kind, summary, department, due_at, "
        "created_by) VALUES (%s, 'information_request', 'The file, please.', 'Housing', %s, 'x')",
        (cid, due),
    )


def _remedy(db: Any, cid: str, response_due: datetime, implementation_due: datetime) -> None:
    db.execute("UPDATE complaints SET status = 'remedy_follow_up' WHERE id = %s", (cid,))
    db.execute(
        "INSERT INTO remedies (complaint_id, form, department, description, response_due_at, "
        "implementation_due_at, created_by) "
        "VALUES (%s, 'restitution', 'Housing', 'Repair the flat.', %s, %s, 'x')",
        (cid, response_due, implementation_due),
    )


async def _directory(pool: Any) -> None:
    async with pool.connection() as conn:
        for subject, roles in (
            ("hana", ["ombudsperson_staff"]),
            ("olga", ["ombudsperson"]),
            ("rita", ["ombudsperson"]),
            ("ivan", ["oversight_head"]),
        ):
            await set_member(
                conn, subject=subject, name=subject, email=f"{subject}@city.example", roles=roles
            )


async def _remind(pool: Any, settings: Settings, at: datetime) -> int:
    async with pool.connection() as conn:
        return await reminders.remind(conn, settings, at)


def _written(db: Any, cids: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(kind, recipient, deadline, case name) of every reminder, in a stable order."""
    names = {v: k for k, v in cids.items()}
    rows = db.execute(
        "SELECT kind, recipient, deadline, complaint_id::text AS cid, due_at FROM notifications "
        "WHERE kind IN ('deadline_reminder', 'department_reminder')"
    ).fetchall()
    return sorted((r["kind"], r["recipient"], r["deadline"], names[r["cid"]]) for r in rows)


async def test_the_clock_moved_across_each_deadline_fires_each_reminder_once(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings
) -> None:
    await _directory(pool)
    cases = {name: await _file(client, db) for name in "ABCDE"}
    # A: the acknowledgement, handled by Hana. B: feedback, nobody assigned (the heads are told;
    # Rita is recused from it). C: the decision. D: an information request to Housing. E: a
    # remedy, the department's response due at D and its implementation 30 days later.
    _handler(db, cases["A"], "hana")
    db.execute("UPDATE complaints SET acknowledge_by = %s WHERE id = %s", (D, cases["A"]))
    db.execute("UPDATE complaints SET feedback_by = %s WHERE id = %s", (D, cases["B"]))
    db.execute(
        "INSERT INTO recusals (complaint_id, subject, kind, reason, recorded_by) "
        "VALUES (%s, 'rita', 'declared', 'Her neighbour.', 'rita')",
        (cases["B"],),
    )
    for name in "CDE":
        _handler(db, cases[name], "hana")
    db.execute("UPDATE complaints SET decide_by = %s WHERE id = %s", (D, cases["C"]))
    _step(db, cases["D"], D)
    _remedy(db, cases["E"], D, D + timedelta(days=30))

    # Three days before: outside the two days' notice.
    assert await _remind(pool, settings, D - timedelta(days=3)) == 0
    # A day before: each deadline's reminder, once per recipient.
    assert await _remind(pool, settings, D - timedelta(days=1)) == 7
    expected = [
        ("deadline_reminder", "staff:hana", "acknowledgement", "A"),
        ("deadline_reminder", "staff:hana", "decision", "C"),
        ("deadline_reminder", "staff:hana", "information_request", "D"),
        ("deadline_reminder", "staff:hana", "remedy_response", "E"),
        ("deadline_reminder", "staff:olga", "feedback", "B"),
        ("department_reminder", "department:Housing", "information_request", "D"),
        ("department_reminder", "department:Housing", "remedy_response", "E"),
    ]
    assert _written(db, cases) == expected
    # Looking again, hours later, and once the deadlines have passed: nothing more.
    assert await _remind(pool, settings, D - timedelta(hours=5)) == 0
    assert await _remind(pool, settings, D + timedelta(hours=1)) == 0
    # The implementation, a month on: only the department is reminded of it.
    assert await _remind(pool, settings, D + timedelta(days=29)) == 1
    assert _written(db, cases) == sorted(
        [*expected, ("department_reminder", "department:Housing", "remedy_implementation", "E")]
    )
    # A deadline that moves is a new deadline: reminded again.
    db.execute("UPDATE investigation_steps SET due_at = %s", (D + timedelta(days=40),))
    assert await _remind(pool, settings, D + timedelta(days=39)) == 2
    # A deadline met is not reminded: the acknowledgement of a new case, acknowledged.
    late = await _file(client, db)
    db.execute(
        "UPDATE complaints SET acknowledge_by = %s, acknowledged_at = now(), handler_subject = "
        "'hana' WHERE id = %s",
        (D + timedelta(days=50), late),
    )
    assert await _remind(pool, settings, D + timedelta(days=49)) == 0


async def test_reminders_written_by_workers_at_once_are_written_once(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings
) -> None:
    await _directory(pool)
    for _ in range(30):
        cid = await _file(client, db)
        _handler(db, cid, "hana")
        db.execute("UPDATE complaints SET acknowledge_by = %s WHERE id = %s", (D, cid))
    at = D - timedelta(days=1)
    counts = await asyncio.gather(*(_remind(pool, settings, at) for _ in range(4)))
    assert sum(counts) == 30
    rows = db.execute(
        "SELECT count(*) AS n, count(DISTINCT complaint_id) AS cases FROM notifications "
        "WHERE kind = 'deadline_reminder'"
    ).fetchone()
    assert (rows["n"], rows["cases"]) == (30, 30)


async def test_reminders_turned_off_are_not_written(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings
) -> None:
    await _directory(pool)
    cid = await _file(client, db)
    _handler(db, cid, "hana")
    _step(db, cid, D)
    quiet = Settings(**{**settings.model_dump(), "notifications_off": ["department_reminder"]})
    assert await _remind(pool, quiet, D - timedelta(days=1)) == 1
    assert db.execute("SELECT kind, recipient FROM notifications").fetchall() == [
        {"kind": "deadline_reminder", "recipient": "staff:hana"}
    ]
    # A longer notice, from the setting: five days ahead is within it.
    early = Settings(**{**quiet.model_dump(), "reminder_days": 7})
    other = await _file(client, db)
    _handler(db, other, "hana")
    db.execute("UPDATE complaints SET decide_by = %s WHERE id = %s", (D + timedelta(days=5), other))
    assert await _remind(pool, quiet, D + timedelta(hours=1)) == 0
    assert await _remind(pool, early, D + timedelta(hours=1)) == 1


async def test_a_reminder_email_says_which_deadline_and_when(
    client: httpx.AsyncClient,
    db: Any,
    pool: Any,
    settings: Settings,
    smtp: tuple[Inbox, int],
) -> None:
    inbox, port = smtp
    await _directory(pool)
    cid = await _file(client, db)
    _handler(db, cid, "hana")
    _step(db, cid, datetime(2031, 3, 14, 12, tzinfo=UTC))
    assert await _remind(pool, settings, datetime(2031, 3, 13, tzinfo=UTC)) == 2
    outcome = await send(
        pool, via(settings, port, department_emails={"Housing": ["h@city.example"]})
    )
    assert outcome.sent == 2
    by_to = {
        tuple(to): email.message_from_bytes(raw, policy=email.policy.default)
        for to, raw in inbox.received
    }
    reference = db.execute("SELECT reference FROM complaints WHERE id = %s", (cid,)).fetchone()[
        "reference"
    ]
    hana = by_to[("hana@city.example",)].get_content()  # type: ignore[attr-defined]
    assert "A deadline on the case is due on March 14, 2031: information request." in hana
    assert f"Open the case {reference} in the console" in hana
    housing = by_to[("h@city.example",)].get_content()  # type: ignore[attr-defined]
    assert (
        "Something the office asked of your department is due on March 14, 2031: "
        "information request." in housing
    )


async def test_the_digest_is_daily_for_each_head_with_what_they_may_see(
    client: httpx.AsyncClient,
    db: Any,
    pool: Any,
    settings: Settings,
    smtp: tuple[Inbox, int],
) -> None:
    inbox, port = smtp
    await _directory(pool)
    mine = await _file(client, db)
    db.execute(
        "UPDATE complaints SET acknowledge_by = %s WHERE id = %s",
        (datetime(2025, 5, 2, tzinfo=UTC), mine),
    )
    recused = await _file(client, db)
    db.execute(
        "UPDATE complaints SET feedback_by = %s WHERE id = %s",
        (datetime(2025, 5, 3, tzinfo=UTC), recused),
    )
    db.execute(
        "INSERT INTO recusals (complaint_id, subject, kind, reason, recorded_by) "
        "VALUES (%s, 'rita', 'declared', 'Her neighbour.', 'rita')",
        (recused,),
    )
    morning = datetime(2030, 6, 1, 8, tzinfo=UTC)
    async with pool.connection() as conn:
        assert await reminders.digest(conn, settings, morning.replace(hour=6)) == 0  # before 7
        # Olga and Rita head the ombudsperson track; Ivan's track has nothing overdue.
        assert await reminders.digest(conn, settings, morning) == 2
        assert await reminders.digest(conn, settings, morning.replace(hour=20)) == 0  # same day
        assert await reminders.digest(conn, settings, morning + timedelta(days=1)) == 2
    rows = db.execute(
        "SELECT recipient, dedupe FROM notifications WHERE kind = 'overdue_digest' ORDER BY id"
    ).fetchall()
    assert [(r["recipient"], r["dedupe"]) for r in rows] == [
        ("staff:olga", "digest:2030-06-01:staff:olga"),
        ("staff:rita", "digest:2030-06-01:staff:rita"),
        ("staff:olga", "digest:2030-06-02:staff:olga"),
        ("staff:rita", "digest:2030-06-02:staff:rita"),
    ]
    db.execute("DELETE FROM notifications WHERE dedupe LIKE 'digest:2030-06-02%'")
    assert (await send(pool, via(settings, port))).sent == 2
    by_to = {
        tuple(to): email.message_from_bytes(raw, policy=email.policy.default)
        for to, raw in inbox.received
    }
    ref = {
        cid: db.execute("SELECT reference FROM complaints WHERE id = %s", (cid,)).fetchone()[
            "reference"
        ]
        for cid in (mine, recused)
    }
    olga = by_to[("olga@city.example",)]
    assert olga["Subject"] == "Overdue deadlines on the cases of your office"
    text = olga.get_content()  # type: ignore[attr-defined]
    assert f"{ref[mine]}: acknowledgement, due on May 2, 2025." in text
    assert f"{ref[recused]}: feedback, due on May 3, 2025." in text
    rita = by_to[("rita@city.example",)].get_content()  # type: ignore[attr-defined]
    assert ref[mine] in rita and ref[recused] not in rita


async def test_a_head_who_turned_the_digest_off_gets_none(
    client: httpx.AsyncClient, db: Any, pool: Any, settings: Settings
) -> None:
    await _directory(pool)
    cid = await _file(client, db)
    db.execute(
        "UPDATE complaints SET acknowledge_by = %s WHERE id = %s",
        (datetime(2025, 5, 2, tzinfo=UTC), cid),
    )
    db.execute("UPDATE staff SET emails_off = '{overdue_digest}' WHERE subject = 'olga'")
    async with pool.connection() as conn:
        assert await reminders.digest(conn, settings, datetime(2030, 6, 1, 8, tzinfo=UTC)) == 1
    rows = db.execute("SELECT recipient FROM notifications").fetchall()
    assert rows == [{"recipient": "staff:rita"}]
