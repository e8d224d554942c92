"""A complainant exports everything held about them; nobody else can."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import complaint_body


async def test_a_complainant_exports_what_is_held_about_them(
    client: httpx.AsyncClient, auth: Any, receipt_headers: Any, db: Any
) -> None:
    filed = (
        await client.post(
            "/v1/complaints",
            json=complaint_body(
                contact={"name": "Amina Yusuf", "email": "amina@example.org"},
                characteristics={"sex_gender": "woman", "age_band": "35_44"},
                named_persons=[{"name": "Officer Brandt", "role_in_report": "inspector"}],
            ),
        )
    ).json()
    mine = await receipt_headers(filed)
    staff = auth("ombudsperson_staff")
    path = f"/v1/complaints/{filed['id']}"
    await client.post(f"{path}/messages", json={"body": "Here is the letter."}, headers=mine)
    await client.post(f"{path}/messages", json={"body": "Thank you."}, headers=staff)
    await client.post(
        f"{path}/messages", json={"body": "Check with housing.", "internal": True}, headers=staff
    )
    upload = await client.post(
        f"{path}/attachments",
        content=b"The eviction letter.",
        params={"filename": "letter.txt", "attach_to": "complaint"},
        headers={**mine, "content-type": "text/plain"},
    )
    assert upload.status_code == 201

    response = await client.get(f"{path}/export", headers=mine)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    data = response.json()
    assert data["complaint"]["reference"] == filed["reference"]
    assert data["complaint"]["description"].startswith("The housing department")
    assert data["contact"] == {
        "name": "Amina Yusuf",
        "email": "amina@example.org",
        **{k: v for k, v in data["contact"].items() if k not in ("name", "email")},
    }
    assert data["characteristics"]["sex_gender"] == "woman"
    assert [m["body"] for m in data["messages"]] == ["Here is the letter.", "Thank you."]
    assert [a["filename"] for a in data["attachments"]["attachments"]] == ["letter.txt"]
    assert data["timeline"]["entries"][0]["action"] == "file"
    assert data["findings"] is None
    # Other people's data is not the complainant's to export (art. 15(4)).
    assert "Brandt" not in response.text and "Check with housing" not in response.text
    assert data["not_included"]
    audit = db.execute(
        "SELECT actor_role FROM audit_entries WHERE action = 'complaint.export' AND object_id = %s",
        (filed["id"],),
    ).fetchall()
    assert audit == [{"actor_role": "complainant"}]

    # Staff, another complainant, a monitor: not theirs to export.
    other = await receipt_headers(
        (await client.post("/v1/complaints", json=complaint_body())).json()
    )
    assert (await client.get(f"{path}/export", headers=staff)).status_code == 403
    assert (await client.get(f"{path}/export", headers=other)).status_code == 404
    assert (await client.get(f"{path}/export", headers=auth("monitor"))).status_code == 403


async def test_a_resident_exports_a_complaint_they_filed(
    client: httpx.AsyncClient, auth: Any
) -> None:
    resident = auth("resident", sub="resident-7")
    filed = (await client.post("/v1/complaints", json=complaint_body(), headers=resident)).json()
    response = await client.get(f"/v1/complaints/{filed['id']}/export", headers=resident)
    assert response.status_code == 200
    assert response.json()["contact"] is None
    someone_else = auth("resident", sub="resident-8")
    assert (
        await client.get(f"/v1/complaints/{filed['id']}/export", headers=someone_else)
    ).status_code == 404
