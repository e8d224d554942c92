"""Public reference data: the taxonomy and the workflow table, served as they are in the code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from app.complaints.workflow import (
    GUARD_DESCRIPTIONS,
    STATE_DESCRIPTIONS,
    TERMINAL,
    TRANSITIONS,
    Status,
)
from app.kit.permissions import Role, roles_holding
from app.taxonomy import (
    CHARACTERISTICS,
    DISCRIMINATION_GROUNDS,
    GROUND_DESCRIPTIONS,
    LANGUAGES,
    RIGHTS,
    TRACK_LABELS,
)

router = APIRouter(prefix="/v1", tags=["reference"])


class Coded(BaseModel):
    code: str
    label: str


class Described(Coded):
    description: str = Field(
        description="One plain sentence for residents deciding what to name.",
        examples=[
            "A safe, affordable home, protection from forced eviction and from being left homeless."
        ],
    )


class RightOut(Described):
    udhr_articles: list[int] = Field(description="Universal Declaration of Human Rights articles.")
    sdg_targets: list[str] = Field(description="Sustainable Development Goal targets it touches.")


class CharacteristicOut(BaseModel):
    code: str
    options: list[Coded]


class TaxonomyOut(BaseModel):
    tracks: list[Coded]
    rights: list[RightOut]
    discrimination_grounds: list[Described]
    characteristics: list[CharacteristicOut]
    languages: list[Coded]
    departments: list[str] = Field(
        description="The municipal departments a complaint can name as respondent "
        "(OMBUDS_DEPARTMENTS): statistics count these, and any other respondent as `other`."
    )


_TAXONOMY = TaxonomyOut(
    tracks=[Coded(code=t.value, label=label) for t, label in TRACK_LABELS.items()],
    rights=[
        RightOut(
            code=r.code,
            label=r.label,
            udhr_articles=list(r.udhr_articles),
            sdg_targets=list(r.sdg_targets),
            description=r.description,
        )
        for r in RIGHTS
    ],
    discrimination_grounds=[
        Described(code=c, label=lbl, description=GROUND_DESCRIPTIONS[c])
        for c, lbl in DISCRIMINATION_GROUNDS.items()
    ],
    characteristics=[
        CharacteristicOut(code=name, options=[Coded(code=c, label=lbl) for c, lbl in opts.items()])
        for name, opts in CHARACTERISTICS.items()
    ],
    languages=[Coded(code=c, label=lbl) for c, lbl in LANGUAGES.items()],
    departments=[],
)


def _translated(gettext: Callable[[str], str]) -> TaxonomyOut:
    """The taxonomy with its labels and explanations in another language (codes unchanged)."""

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: gettext(v) if k in ("label", "description") and v else walk(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    document = _TAXONOMY.model_dump()
    languages = document.pop("languages")  # each language's name as its speakers write it
    return TaxonomyOut.model_validate({**walk(document), "languages": languages})


_IN_LANGUAGE: dict[str, TaxonomyOut] = {}


@router.get(
    "/taxonomy",
    summary="Codes for tracks, rights, discrimination grounds, characteristics",
    description=(
        "Labels and explanations are in the language `Accept-Language` asks for among those the "
        "service ships (English, French, Spanish, Arabic; `Content-Language` says which), "
        "English otherwise. Codes never change."
    ),
)
async def taxonomy(request: Request, response: Response) -> TaxonomyOut:
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Vary"] = "Accept-Language"
    document = _TAXONOMY
    # The language hook of the app (app.web.i18n.api_language), when the caller names one.
    language = getattr(request.app.state, "api_language", None)
    chosen = language(request) if language is not None else None
    if chosen is not None:
        lang, gettext = chosen
        found = _IN_LANGUAGE.get(lang)
        if found is None:
            found = _IN_LANGUAGE[lang] = _translated(gettext)
        document = found
        response.headers["Content-Language"] = lang
    else:
        response.headers["Content-Language"] = "en"
    return document.model_copy(update={"departments": request.app.state.settings.departments})


class StateOut(BaseModel):
    code: Status
    description: str
    terminal: bool


class GuardOut(BaseModel):
    code: str
    description: str


class TransitionRow(BaseModel):
    source: Status
    action: str
    target: Status
    permission: str
    roles: list[Role] = Field(description="Roles holding the permission.")
    reason_required: bool
    visible_to_complainant: bool
    acknowledges: bool
    gives_feedback: bool
    decides: bool
    names_competent_body: bool = Field(description="`referred_to` is required.")
    guards: list[GuardOut] = Field(description="Conditions checked beyond the state (409).")


class WorkflowOut(BaseModel):
    initial: Status
    states: list[StateOut]
    actions: list[str]
    transitions: list[TransitionRow]


_WORKFLOW = WorkflowOut(
    initial=Status.submitted,
    states=[
        StateOut(code=s, description=STATE_DESCRIPTIONS[s], terminal=s in TERMINAL) for s in Status
    ],
    actions=sorted({t.action.value for t in TRANSITIONS.values()}),
    transitions=[
        TransitionRow(
            source=t.source,
            action=t.action.value,
            target=t.target,
            permission=t.permission,
            roles=roles_holding(t.permission),
            reason_required=t.reason_required,
            visible_to_complainant=t.visible_to_complainant,
            acknowledges=t.acknowledges,
            gives_feedback=t.gives_feedback,
            decides=t.decides,
            names_competent_body=t.names_competent_body,
            guards=[GuardOut(code=g.value, description=GUARD_DESCRIPTIONS[g]) for g in t.guards],
        )
        for t in TRANSITIONS.values()
    ],
)


@router.get("/workflow", summary="The complaint workflow: states, actions and who may take them")
async def workflow(response: Response) -> WorkflowOut:
    response.headers["Cache-Control"] = "public, max-age=3600"
    return _WORKFLOW
