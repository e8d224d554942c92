"""Attachments: stored outside the database with a checksum, limited in size and type, served
only to those who may see their parent."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.conftest import complaint_body, refused, set_status

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _files(complaint_id: str) -> str:
    return f"/v1/complaints/{complaint_id}/attachments"


async def _upload(
    client: httpx.AsyncClient,
    complaint_id: str,
    headers: dict[str, str],
    data: bytes = PDF,
    content_type: str = "application/pdf",
    filename: str = "letter.pdf",
    attach_to: str = "complaint",
) -> httpx.Response:
    return await client.post(
        _files(complaint_id),
        content=data,
        params={"filename": filename, "attach_to": attach_to},
        headers={**headers, "content-type": content_type},
    )


async def test_complainant_uploads_and_staff_download(
    client: httpx.AsyncClient,
    auth: Any,
    file_complaint: Any,
    receipt_headers: Any,
    settings: Settings,
    db: Any,
) -> None:
    filed = await file_complaint()
    mine = await receipt_headers(filed)
    up = await _upload(client, filed["id"], mine, filename="Eviction letter é.pdf")
    assert up.status_code == 201, up.text
    meta = up.json()
    assert meta["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert meta["visible_to_complainant"] is True and meta["size_bytes"] == len(PDF)
    assert up.headers["location"] == f"{_files(filed['id'])}/{meta['id']}"
    stored = list(settings.attachments_dir.rglob(meta["id"].replace("-", "")))
    assert len(stored) == 1 and stored[0].read_bytes() == PDF
    staff = auth("ombudsperson_staff")
    got = await client.get(f"{_files(filed['id'])}/{meta['id']}", headers=staff)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert (
        got.headers["content-disposition"]
        == "attachment; filename*=UTF-8''Eviction%20letter%20%C3%A9.pdf"
    )
    audited = db.execute(
        "SELECT action FROM audit_entries WHERE object_type = 'attachment' ORDER BY id"
    ).fetchall()
    assert [a["action"] for a in audited] == ["attachment.upload", "attachment.download"]


async def test_internal_files_stay_internal(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    internal = (
        await _upload(
            client, filed["id"], staff, data=PNG, content_type="image/png", filename="site.png"
        )
    ).json()
    assert internal["visible_to_complainant"] is False
    note = (
        await client.post(
            f"/v1/complaints/{filed['id']}/messages",
            json={"body": "Internal.", "internal": True},
            headers=staff,
        )
    ).json()
    reply = (
        await client.post(
            f"/v1/complaints/{filed['id']}/messages",
            json={"body": "See the attached decision."},
            headers=staff,
        )
    ).json()
    on_note = await _upload(client, filed["id"], staff, attach_to=f"message:{note['id']}")
    on_reply = await _upload(client, filed["id"], staff, attach_to=f"message:{reply['id']}")
    assert on_note.json()["visible_to_complainant"] is False
    assert on_reply.json()["visible_to_complainant"] is True
    mine = await receipt_headers(filed)
    listed = await client.get(_files(filed["id"]), headers=mine)
    assert [a["id"] for a in listed.json()["attachments"]] == [on_reply.json()["id"]]
    assert listed.json()["attachments"][0]["uploaded_by"] is None
    for hidden in (internal["id"], on_note.json()["id"]):
        response = await client.get(f"{_files(filed['id'])}/{hidden}", headers=mine)
        assert response.status_code == 404
    # The complainant cannot attach to the office's messages, nor see internal notes exist.
    assert (
        await _upload(client, filed["id"], mine, attach_to=f"message:{reply['id']}")
    ).status_code == 409
    assert (
        await _upload(client, filed["id"], mine, attach_to=f"message:{note['id']}")
    ).status_code == 404
    assert (await client.get(_files(filed["id"]), headers=auth("ombudsperson_staff"))).json()[
        "attachments"
    ].__len__() == 3


@pytest.mark.parametrize(
    ("data", "content_type", "params", "status"),
    [
        (b"#!/bin/sh\nrm -rf /\n", "application/pdf", {}, 415),
        (PDF, "application/x-msdownload", {}, 415),
        (b"", "application/pdf", {}, 422),
        (PDF, "application/pdf", {"filename": "../../etc/passwd"}, 422),
        (PDF, "application/pdf", {"attach_to": "remedy:1"}, 422),
        (PDF, "application/pdf", {"attach_to": "message:999999"}, 404),
        (PDF, "application/pdf", {"attach_to": "step:999999"}, 404),
        (b"%PDF-" + b"x" * (300 * 1024), "application/pdf", {}, 413),
    ],
)
async def test_refused_uploads_store_nothing(
    data: bytes,
    content_type: str,
    params: dict[str, str],
    status: int,
    client: httpx.AsyncClient,
    auth: Any,
    file_complaint: Any,
    db: Any,
    settings: Settings,
) -> None:
    filed = await file_complaint()
    before = sorted(p.name for p in settings.attachments_dir.rglob("*") if p.is_file())
    response = await client.post(
        _files(filed["id"]),
        content=data,
        params={"filename": "f.pdf", "attach_to": "complaint", **params},
        headers={**auth("ombudsperson_staff"), "content-type": content_type},
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert db.execute("SELECT count(*) AS n FROM attachments").fetchone()["n"] == 0
    after = sorted(p.name for p in settings.attachments_dir.rglob("*") if p.is_file())
    assert after == before


async def test_finished_case_takes_no_more_files_from_the_complainant(
    client: httpx.AsyncClient, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    filed = await file_complaint()
    set_status(db, filed["id"], "closed")
    response = await _upload(client, filed["id"], await receipt_headers(filed))
    assert response.status_code == 409


async def test_tampered_file_is_not_served(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, settings: Settings
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    meta = (await _upload(client, filed["id"], staff)).json()
    [path] = settings.attachments_dir.rglob(meta["id"].replace("-", ""))
    path.write_bytes(PDF + b"tampered")
    response = await client.get(f"{_files(filed['id'])}/{meta['id']}", headers=staff)
    assert response.status_code == 500
    assert b"tampered" not in response.content


async def test_a_file_is_recorded_in_the_role_the_route_needs(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    """Several roles on one token: the upload is recorded in the role that may upload (staff),
    not in the narrowest role the token holds (monitor)."""
    filed = await file_complaint()
    both = auth("ombudsperson_staff", "monitor", sub="lee")
    upload = await _upload(client, filed["id"], both)
    assert upload.status_code == 201, upload.text
    row = db.execute("SELECT uploaded_by, uploaded_role FROM attachments").fetchone()
    assert row == {"uploaded_by": "lee", "uploaded_role": "ombudsperson_staff"}


@pytest.mark.parametrize(
    ("filename", "content_type", "data", "says"),
    [
        ("x.html", "text/plain", b"<script>alert(1)</script>", "must end in .txt"),
        ("evil\u202etxt.exe", "text/plain", b"hello", "invisible characters"),
        ("letter\u2066.pdf", "application/pdf", PDF, "invisible characters"),
        ("photo.pdf.exe", "application/pdf", PDF, "must end in .pdf"),
        ("photo", "image/png", PNG, "must end in .png"),
        ("scan.jpg", "image/png", PNG, "must end in .png"),
    ],
)
async def test_a_name_that_misleads_about_the_file_is_refused(
    client: httpx.AsyncClient,
    file_complaint: Any,
    receipt_headers: Any,
    db: Any,
    filename: str,
    content_type: str,
    data: bytes,
    says: str,
) -> None:
    filed = await file_complaint()
    mine = await receipt_headers(filed)
    response = await _upload(client, filed["id"], mine, data, content_type, filename)
    refused(response, 422, "validation-error", field="query.filename", says=says)
    assert db.execute("SELECT count(*) AS n FROM attachments").fetchone()["n"] == 0


@pytest.mark.parametrize(
    ("filename", "content_type", "data"),
    [
        ("Notes.TXT", "text/plain", b"hello"),
        ("photo.jpeg", "image/jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
        ("\u0631\u0633\u0627\u0644\u0629.pdf", "application/pdf", PDF),  # an Arabic name
    ],
)
async def test_honest_names_are_accepted(
    client: httpx.AsyncClient,
    file_complaint: Any,
    receipt_headers: Any,
    filename: str,
    content_type: str,
    data: bytes,
) -> None:
    filed = await file_complaint()
    mine = await receipt_headers(filed)
    response = await _upload(client, filed["id"], mine, data, content_type, filename)
    assert response.status_code == 201, response.text


async def test_the_complainants_files_per_case_are_limited_in_number_and_size(
    settings: Settings,
    file_complaint: Any,
    receipt_headers: Any,
    auth: Any,
    db: Any,
) -> None:
    app = create_app(
        settings.model_copy(
            update={
                "attachment_max_files_per_case": 3,
                "attachment_max_total_bytes_per_case": 2048,
            }
        )
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            filed = (await c.post("/v1/complaints", json=complaint_body())).json()
            login = await c.post(
                "/v1/auth/receipt",
                json={"reference": filed["reference"], "receipt": filed["receipt"]},
            )
            mine = {"Authorization": f"Bearer {login.json()['access_token']}"}
            small = PDF + b"%" * (500 - len(PDF))
            codes = [
                (await _upload(c, filed["id"], mine, small, filename=f"{i}.pdf")).status_code
                for i in range(3)
            ]
            fourth = await _upload(c, filed["id"], mine, small, filename="3.pdf")
            # Staff files do not count against the complainant's quota.
            staff = await _upload(
                c, filed["id"], auth("ombudsperson_staff"), small, filename="s.pdf"
            )
            other = (await c.post("/v1/complaints", json=complaint_body())).json()
            login = await c.post(
                "/v1/auth/receipt",
                json={"reference": other["reference"], "receipt": other["receipt"]},
            )
            theirs = {"Authorization": f"Bearer {login.json()['access_token']}"}
            big = PDF + b"%" * (1600 - len(PDF))
            first_big = await _upload(c, other["id"], theirs, big, filename="a.pdf")
            second_big = await _upload(c, other["id"], theirs, big, filename="b.pdf")
    assert codes == [201, 201, 201]
    refused(fourth, 409, "conflict", says="at most 3 files")
    assert staff.status_code == 201
    assert first_big.status_code == 201
    refused(second_big, 409, "conflict", says="would go beyond it")
    counts = db.execute(
        "SELECT complaint_id::text AS id, count(*) AS n FROM attachments GROUP BY 1"
    ).fetchall()
    assert {row["id"]: row["n"] for row in counts} == {filed["id"]: 4, other["id"]: 1}
