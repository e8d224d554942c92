"""Identities sealed at rest (AES-256-GCM), bound to their complaint, with key rotation; the
confidential track shows handlers a pseudonym."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
from typing import Any
from uuid import UUID

import httpx

from app.config import Settings
from app.crypto import CHARACTERISTICS, CONTACT, Sealer
from tests.conftest import TEST_SECRETS, fold_all, tables_holding

CONTACT_BODY = {"name": "Amina", "email": "amina@example.org", "phone": "+33 1 23 45 67"}


async def test_staff_read_opens_the_seal(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint(contact=CONTACT_BODY)
    view = await client.get(f"/v1/complaints/{filed['id']}", headers=auth("ombudsperson_staff"))
    assert view.json()["contact"] == {
        **CONTACT_BODY,
        "postal_address": None,
        "preferred_channel": None,
    }
    assert view.json()["reporter"] is None


async def test_confidential_track_shows_a_pseudonym(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint(track="anti_corruption", contact=CONTACT_BODY)
    officer = auth("oversight_officer")
    first = (await client.get(f"/v1/complaints/{filed['id']}", headers=officer)).json()
    again = (
        await client.get(f"/v1/complaints/{filed['id']}", headers=auth("oversight_head"))
    ).json()
    assert first["contact"] is None and "Amina" not in str(first)
    assert first["reporter"] == again["reporter"]
    # Keyed: without the receipt key nobody can tell which complaint a pseudonym stands for.
    # "Reporter " and the first six hex digits, in capitals, of HMAC-SHA256(receipt key,
    # "pseudonym:" + the complaint id's 16 bytes).
    key = TEST_SECRETS["receipt_key"].encode()
    digest = hmac.new(key, b"pseudonym:" + UUID(filed["id"]).bytes, hashlib.sha256).hexdigest()
    assert first["reporter"] == "Reporter " + digest[:6].upper()
    other = await file_complaint(track="anti_corruption")
    assert (await client.get(f"/v1/complaints/{other['id']}", headers=officer)).json()[
        "reporter"
    ] != first["reporter"]
    audited = db.execute(
        "SELECT count(*) AS n FROM audit_entries WHERE action = 'complaint.read_contact'"
    ).fetchone()["n"]
    assert audited == 0  # nothing was opened


async def test_a_seal_moved_to_another_complaint_does_not_open(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    victim = await file_complaint(contact=CONTACT_BODY)
    other = await file_complaint(contact={"email": "other@example.org"})
    db.execute(
        "UPDATE complainant_contacts SET sealed = (SELECT sealed FROM complainant_contacts "
        "WHERE complaint_id = %s) WHERE complaint_id = %s",
        (victim["id"], other["id"]),
    )
    response = await client.get(f"/v1/complaints/{other['id']}", headers=auth("ombudsperson_staff"))
    assert response.status_code == 500
    assert "amina" not in response.text.lower()


async def test_rotation_reseals_under_the_active_key(
    client: httpx.AsyncClient,
    auth: Any,
    file_complaint: Any,
    db: Any,
    settings: Settings,
    database_url: str,
) -> None:
    filed = await file_complaint(
        contact=CONTACT_BODY, characteristics={"ethnicity": "indigenous", "age_band": "75_plus"}
    )
    await fold_all(database_url)  # the statistics keep a sealed copy of the characteristics
    # Seal it as an older deployment would have, under the retiring key `test1`.
    _, keys = settings.identity_keyring()
    old = Sealer("test1", keys)
    cid = UUID(filed["id"])
    key_id, sealed = old.seal(b'{"name": "Amina", "email": "amina@example.org"}', cid, CONTACT)
    db.execute("UPDATE complainant_contacts SET key_id = %s, sealed = %s", (key_id, sealed))
    traits = b'{"ethnicity": "indigenous", "age_band": "75_plus"}'
    for table, columns in (
        ("complainant_characteristics", "key_id = %s, sealed = %s"),
        ("stat_facts", "traits_key = %s, traits_sealed = %s"),
    ):
        db.execute(
            f"UPDATE {table} SET {columns}",  # noqa: S608 (names written above)
            old.seal(traits, cid, CHARACTERISTICS),
        )
    staff = auth("ombudsperson_staff")
    assert (await client.get(f"/v1/complaints/{filed['id']}", headers=staff)).json()["contact"][
        "name"
    ] == "Amina"  # an old key still opens
    env = {
        "DATABASE_URL": database_url,
        "PATH": "",
        **{f"OMBUDS_{k.upper()}": v for k, v in TEST_SECRETS.items()},
        "OMBUDS_ENVIRONMENT": "test",
    }
    out = subprocess.run(  # noqa: ASYNC221 (a one-off CLI run)
        [sys.executable, "-m", "app.cli", "rotate-identity-keys"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert "re-sealed 3 identity records under key test2" in out.stdout
    assert db.execute("SELECT key_id FROM complainant_contacts").fetchone()["key_id"] == "test2"
    # Once re-sealed, the old key can be retired.
    only_new = Sealer("test2", {"test2": keys["test2"]})
    row = db.execute("SELECT key_id, sealed FROM complainant_contacts").fetchone()
    assert b"Amina" in only_new.open(row["key_id"], row["sealed"], cid, CONTACT)
    for query in (
        "SELECT key_id, sealed FROM complainant_characteristics",
        "SELECT traits_key AS key_id, traits_sealed AS sealed FROM stat_facts",
    ):
        row = db.execute(query).fetchone()
        assert row["key_id"] == "test2"
        assert b"indigenous" in only_new.open(row["key_id"], row["sealed"], cid, CHARACTERISTICS)


async def test_named_persons_are_sealed_and_seen_by_staff_of_the_track(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    named = [
        {"name": "Deputy Mayor K. Orban", "role_in_report": "official concerned"},
        {"name": "P. Lind", "role_in_report": "witness"},
    ]
    filed = await file_complaint(track="anti_corruption", named_persons=named)
    stored = db.execute("SELECT key_id, sealed FROM named_persons").fetchone()
    assert stored["key_id"] == "test2" and b"Orban" not in stored["sealed"]
    assert "Orban" not in str(db.execute("SELECT * FROM complaints").fetchone())
    officer = (
        await client.get(f"/v1/complaints/{filed['id']}", headers=auth("oversight_officer"))
    ).json()
    assert officer["named_persons"] == named
    reporter = (
        await client.get(f"/v1/complaints/{filed['id']}", headers=await receipt_headers(filed))
    ).json()
    assert reporter["named_persons"] is None
    assert (
        await client.get(f"/v1/complaints/{filed['id']}", headers=auth("ombudsperson_staff"))
    ).status_code == 404
    audited = db.execute(
        "SELECT actor_role, object_type, object_id FROM audit_entries "
        "WHERE action = 'complaint.read_named_persons'"
    ).fetchall()
    assert audited == [
        {"actor_role": "oversight_officer", "object_type": "complaint", "object_id": filed["id"]}
    ]


async def test_special_categories_are_in_clear_in_no_table_about_a_person(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any, database_url: str
) -> None:
    """GDPR art. 9: after filing, folding into the statistics and a read by staff, no table that
    holds rows about a complaint (every table with a complaint id, and the complaints) has the
    characteristics in clear; only the aggregate counts name the values, with no person."""
    values = ("non_binary", "75_plus", "refugee_or_asylum_seeker", "indigenous")
    filed = await file_complaint(
        characteristics={
            "sex_gender": values[0],
            "age_band": values[1],
            "migration_status": values[2],
            "ethnicity": values[3],
            "disability": "yes",
        }
    )
    await fold_all(database_url)
    staff = auth("ombudsperson_staff")
    case = await client.get(f"/v1/complaints/{filed['id']}", headers=staff)
    assert case.status_code == 200 and "indigenous" not in case.text
    about_people = {
        r["table_name"]
        for r in db.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND column_name = 'complaint_id'"
        )
    } | {"complaints"}
    for value in values:
        found = set(tables_holding(db, value))
        assert found & about_people == set(), value
        # The scan does see a value where it stands in clear: in the counts per value.
        assert found == {"stat_cells"}, value
