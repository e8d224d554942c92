"""Attachments: stored outside the database with a checksum, limited in size and type, served
only to those who may see their parent."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest

from app.config import Settings
from tests.conftest import set_status

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
