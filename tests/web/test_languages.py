"""The API in the caller's language: the taxonomy's labels and the problem documents follow
Accept-Language among the shipped languages; codes, problem types and field paths never change.
The expected words are the catalogs' (app/locale), written here by hand."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import TokenFactory, complaint_body, refused


def _label(document: dict[str, Any], code: str) -> str:
    return next(r["label"] for r in document["rights"] if r["code"] == code)


async def test_the_taxonomy_speaks_the_language_asked_for(client: httpx.AsyncClient) -> None:
    english = await client.get("/v1/taxonomy")
    assert english.headers["content-language"] == "en"
    assert english.headers["vary"] == "Accept-Language"
    assert _label(english.json(), "adequate_housing") == "Adequate housing"
    french = await client.get("/v1/taxonomy", headers={"Accept-Language": "fr-BE, en;q=0.5"})
    assert french.headers["content-language"] == "fr"
    assert _label(french.json(), "adequate_housing") == "Logement convenable"
    sexes = next(c for c in french.json()["characteristics"] if c["code"] == "sex_gender")
    options = {o["code"]: o["label"] for o in sexes["options"]}
    assert options["prefer_not_to_say"] == "Je préfère ne pas répondre"
    spanish = await client.get("/v1/taxonomy", headers={"Accept-Language": "es"})
    assert _label(spanish.json(), "adequate_housing") == "Vivienda adecuada"

    # The codes are the same in every language, and each language keeps its own name.
    def codes(doc: dict[str, Any]) -> list[str]:
        return [r["code"] for r in doc["rights"]] + [
            g["code"] for g in doc["discrimination_grounds"]
        ]

    assert codes(french.json()) == codes(english.json()) == codes(spanish.json())
    assert french.json()["languages"] == english.json()["languages"]


async def test_an_unshipped_language_gets_english(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/taxonomy", headers={"Accept-Language": "de-DE"})
    assert response.headers["content-language"] == "en"
    assert _label(response.json(), "adequate_housing") == "Adequate housing"


async def test_a_problem_speaks_the_language_asked_for(
    client: httpx.AsyncClient, auth: TokenFactory
) -> None:
    missing = f"/v1/complaints/{uuid.uuid4()}"
    french = await client.get(
        missing, headers={**auth("ombudsperson_staff"), "Accept-Language": "fr"}
    )
    body = refused(french, 404, "not-found")
    assert body["title"] == "Introuvable"
    assert french.headers["content-language"] == "fr"
    spanish = await client.get(missing, headers={"Accept-Language": "es"})
    body = refused(spanish, 401, "unauthorized")
    assert (body["title"], body["detail"]) == (
        "Se requiere autenticación",
        "Esta ruta requiere un token de tipo Bearer.",
    )


async def test_field_errors_speak_the_language_asked_for(client: httpx.AsyncClient) -> None:
    body = complaint_body()
    del body["summary"]
    response = await client.post("/v1/complaints", json=body, headers={"Accept-Language": "fr"})
    problem = refused(response, 422, "validation-error", field="body.summary")
    assert problem["title"] == "La requête n'est pas valide"
    assert problem["detail"] == "Champs non valides\xa0: body.summary."
    assert problem["errors"] == [
        {"field": "body.summary", "message": "Remplissez ce champ.", "type": "missing"}
    ]


async def test_without_accept_language_problems_are_english_and_unchanged(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(f"/v1/complaints/{uuid.uuid4()}")
    assert "content-language" not in response.headers
    assert refused(response, 401, "unauthorized")["title"] == "Authentication required"


@pytest.mark.parametrize("header", ["en", "en-GB,fr;q=0.1", "*"])
async def test_english_asked_for_is_english(client: httpx.AsyncClient, header: str) -> None:
    response = await client.get(
        f"/v1/complaints/{uuid.uuid4()}", headers={"Accept-Language": header}
    )
    assert refused(response, 401, "unauthorized")["title"] == "Authentication required"
