"""What the residents' pages offer and say: the form's choices from the taxonomy, the error
summary, and a case's state in plain words with what comes next and by when.

Codes come from the taxonomy and the workflow table (never restated); the words are English,
marked for extraction and translated where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.complaints.schemas import ComplaintOut, Timeline
from app.complaints.workflow import TERMINAL, Status
from app.config import Settings
from app.retaliation.models import Measure
from app.taxonomy import (
    CHARACTERISTICS,
    DISCRIMINATION_GROUNDS,
    GROUND_DESCRIPTIONS,
    PREFER_NOT_TO_SAY,
    RIGHTS,
)
from app.taxonomy import LANGUAGES as ANSWER_LANGUAGES
from app.web.forms import PERSON_ROWS, FormErrors
from app.web.i18n import N_, Texts

FINISHED = TERMINAL

# The filing form's fields in the order it shows them: the error summary follows this order.
FORM_ORDER = [
    "track",
    "summary",
    "description",
    "incident_date_from",
    "incident_date_to",
    "incident_location",
    "respondent",
    "respondent_other",
    "rights",
    "grounds",
    "remedy_sought",
    *(f"person_{i}_{part}" for i in range(PERSON_ROWS) for part in ("name", "role_in_report")),
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_postal_address",
    "contact_preferred_channel",
    "language",
    *(f"char_{name}" for name in CHARACTERISTICS),
    "files",
]

# Each field as the error summary names it.
FIELD_NAMES: dict[str, str] = {
    "track": N_("Who should handle it"),
    "summary": N_("In a sentence"),
    "description": N_("What happened"),
    "incident_date_from": N_("When it happened (from)"),
    "incident_date_to": N_("When it happened (until)"),
    "incident_location": N_("Where it happened"),
    "respondent": N_("Who is responsible"),
    "respondent_other": N_("Another body"),
    "rights": N_("Rights affected"),
    "grounds": N_("Discrimination"),
    "remedy_sought": N_("What you want to happen"),
    "contact_name": N_("Your name"),
    "contact_email": N_("Email address"),
    "contact_phone": N_("Phone number"),
    "contact_postal_address": N_("Postal address"),
    "contact_preferred_channel": N_("How we should reach you"),
    "language": N_("Language of our answers"),
    "files": N_("Documents or photos"),
    "reference": N_("Reference"),
    "receipt": N_("Receipt"),
    "body": N_("Your message"),
    "reason": N_("Why you withdraw"),
    "measures": N_("Protection you ask for"),
    **{f"person_{i}_name": N_("Name of a person involved") for i in range(PERSON_ROWS)},
    **{f"person_{i}_role_in_report": N_("Their role") for i in range(PERSON_ROWS)},
}
CHARACTERISTIC_NAMES: dict[str, str] = {
    "sex_gender": N_("Sex or gender"),
    "age_band": N_("Age"),
    "disability": N_("Disability"),
    "migration_status": N_("Migration background"),
    "ethnicity": N_("Ethnicity"),
}
CHANNELS: dict[str, str] = {"email": N_("Email"), "phone": N_("Phone"), "post": N_("Post")}
MEASURES: dict[str, str] = {
    "relocation_support": N_("Support to move to another post or place"),
    "legal_aid": N_("Legal advice and aid"),
    "psychosocial_support": N_("Psychological and social support"),
}
assert set(MEASURES) == set(Measure.__args__)  # type: ignore[attr-defined]

# A state in plain words: what it means for the resident, and what happens next.
STATES: dict[Status, tuple[str, str]] = {
    Status.submitted: (
        N_("Received"),
        N_(
            "We have your complaint. We will confirm that we received it and tell you who "
            "looks at it next."
        ),
    ),
    Status.acknowledged: (
        N_("Receipt confirmed"),
        N_("We confirmed receipt. Next we check whether we can handle it and how urgent it is."),
    ),
    Status.under_assessment: (
        N_("Being assessed"),
        N_(
            "We are checking whether this is within our mandate and how to handle it. We may "
            "ask you questions here."
        ),
    ),
    Status.inadmissible: (
        N_("Not taken up"),
        N_(
            "We cannot handle this complaint. The timeline below says why and where else you "
            "can turn."
        ),
    ),
    Status.referred: (
        N_("Passed to another body"),
        N_("Another body is competent for this. The timeline below says which one."),
    ),
    Status.under_investigation: (
        N_("Being investigated"),
        N_(
            "We are investigating: gathering documents and asking the department concerned "
            "for information."
        ),
    ),
    Status.hearing: (
        N_("Hearing"),
        N_(
            "A hearing is planned or under way. We will tell you the date and send you the "
            "minutes to check."
        ),
    ),
    Status.mediation: (
        N_("Mediation"),
        N_("We are trying to reach an agreement between you and the department concerned."),
    ),
    Status.findings_issued: (
        N_("Decision made"),
        N_("We have reached our findings. They are in your messages and the timeline below."),
    ),
    Status.remedy_follow_up: (
        N_("Following up the remedies"),
        N_(
            "We recommended what the city should do to put things right, and we check that it does."
        ),
    ),
    Status.closed: (N_("Closed"), N_("Your case is closed. Thank you for contacting us.")),
    Status.withdrawn: (
        N_("Withdrawn"),
        N_("You withdrew this complaint. Nothing more will be done on it."),
    ),
}
# What an entry of the public timeline records, in plain words.
ENTRIES: dict[str, str] = {
    "file": N_("You filed the complaint"),
    "acknowledge": N_("We confirmed receipt"),
    "start_assessment": N_("We started assessing it"),
    "declare_inadmissible": N_("We found we cannot take it up"),
    "refer": N_("We passed it to another body"),
    "open_investigation": N_("We opened an investigation"),
    "schedule_hearing": N_("A hearing was planned"),
    "conclude_hearing": N_("The hearing was concluded"),
    "start_mediation": N_("Mediation started"),
    "end_mediation": N_("Mediation ended"),
    "issue_findings": N_("We issued our findings"),
    "recommend_remedies": N_("We recommended remedies"),
    "give_feedback": N_("We told you how the case stands"),
    "communicate_decision": N_("We told you our decision"),
    "close": N_("We closed the case"),
    "close_as_stale": N_("We closed the case after a long time without news"),
    "withdraw": N_("You withdrew the complaint"),
    "reopen": N_("We reopened the case"),
    "classify": N_("We decided which rights the case concerns"),
}
_OTHER_ENTRY = N_("Your case was updated")
NOTICES: dict[str, str] = {
    "message": N_("Your message was sent."),
    "record": N_("Thank you: your answer on the minutes was recorded."),
    "withdrawn": N_("Your complaint was withdrawn."),
    "erasure": N_("Your request to erase your data was recorded. We answer within a month."),
    "emails_on": N_("We will email you when there is an update on your case."),
    "emails_off": N_("We will no longer email you about your case."),
    "emails_detailed": N_(
        "Your emails will name the office, your case's reference and what happened."
    ),
    "emails_neutral": N_("Your emails will say only that there is an update, from the office."),
    "signed_out": N_("You are signed out."),
    "draft_kept": N_("Your message was kept: check it below and send it."),
    "expired": N_(
        "For your safety you were signed out after a time without activity. Sign in again."
    ),
}

# The case's emails turned on when the complaint gave no email address: the API's 409, in the
# resident's words.
EMAILS_UNAVAILABLE = N_(
    "No email address was given with your complaint, so we cannot email you about it."
)
# Asked on the other track's case (the page does not offer it there).
EMAILS_SAY_ALL = N_(
    "Your emails already name the office, your case's reference and what happened: only the "
    "confidential track's emails say less."
)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""


def _options(pairs: dict[str, str], texts: Texts) -> list[Option]:
    return [Option(code, texts(label)) for code, label in pairs.items()]


def filing(settings: Settings, texts: Texts) -> dict[str, Any]:
    """The choices of the filing form, labelled in the reader's language."""
    characteristics = []
    for name, values in CHARACTERISTICS.items():
        options = [
            Option(code, texts(label))
            for code, label in values.items()
            if code != PREFER_NOT_TO_SAY
        ]
        options.append(Option(PREFER_NOT_TO_SAY, texts(values[PREFER_NOT_TO_SAY])))
        characteristics.append(
            {"name": name, "legend": texts(CHARACTERISTIC_NAMES[name]), "options": options}
        )
    return {
        "rights": [Option(r.code, texts(r.label), texts(r.description)) for r in RIGHTS],
        "grounds": [
            Option(
                code,
                texts(label),
                texts(GROUND_DESCRIPTIONS[code]) if code in GROUND_DESCRIPTIONS else "",
            )
            for code, label in DISCRIMINATION_GROUNDS.items()
        ],
        "departments": list(settings.departments),
        "characteristics": characteristics,
        "channels": _options(CHANNELS, texts),
        "languages": [Option(code, name) for code, name in ANSWER_LANGUAGES.items()],
    }


def measures(texts: Texts) -> list[Option]:
    return _options(MEASURES, texts)


def in_form_order(fields: dict[str, str]) -> dict[str, str]:
    rank = {name: i for i, name in enumerate(FORM_ORDER)}
    return dict(sorted(fields.items(), key=lambda item: rank.get(item[0], len(rank))))


def error_summary(errors: FormErrors, texts: Texts) -> list[dict[str, str]]:
    """The error summary's entries: each links to its field and says what to do."""
    entries = [{"href": "", "text": message} for message in errors.general]
    for name, message in in_form_order(errors.fields).items():
        label = FIELD_NAMES.get(name)
        if label is None and name.startswith("char_"):
            label = CHARACTERISTIC_NAMES.get(name[5:], "")
        if label is None and name.startswith("corrections-"):
            label = N_("What should be corrected")
        text = f"{texts(label)}: {message}" if label else message
        entries.append({"href": f"#{field_id(name)}", "text": text})
    return entries


def field_id(name: str) -> str:
    """The id of a field's first control (a group's first option), as the summary links it."""
    groups = {"rights": "rights-0", "grounds": "grounds-0", "track": "track-0", "files": "files"}
    if name in groups:
        return groups[name]
    if name.startswith("char_"):
        return f"{name}-0"
    return name


def notice(code: str, texts: Texts) -> str:
    return texts(NOTICES[code]) if code in NOTICES else ""


@dataclass(frozen=True)
class Deadline:
    label: str
    when: str
    met: bool


def case_view(complaint: ComplaintOut, timeline: Timeline, texts: Texts) -> dict[str, Any]:
    """A case as its page tells it: the state, what happens next, the dates, the timeline."""
    status = Status(complaint.status)
    state, next_step = STATES[status]
    d = complaint.deadlines
    dates: list[Deadline] = []
    if status not in FINISHED:
        dates.append(
            Deadline(
                texts("We confirm receipt by"),
                texts.day(d.acknowledged_at or d.acknowledge_by),
                d.acknowledged_at is not None,
            )
        )
        dates.append(
            Deadline(
                texts("We tell you how the case stands by"),
                texts.day(d.feedback_given_at or d.feedback_by),
                d.feedback_given_at is not None,
            )
        )
        if d.decide_by is not None:
            dates.append(
                Deadline(
                    texts("We aim to decide by"),
                    texts.day(d.decided_at or d.decide_by),
                    d.decided_at is not None,
                )
            )
    entries = [
        {
            "when": texts.day(entry.at),
            "what": texts(ENTRIES.get(entry.action, _OTHER_ENTRY)),
            "reason": entry.reason,
        }
        for entry in timeline.entries
        if entry.visible_to_complainant
    ]
    return {
        "state": texts(state),
        "next": texts(next_step),
        "dates": dates,
        "received": texts.day(complaint.received_at),
        "timeline": list(reversed(entries)),
        "rights": [texts(r.label) for r in RIGHTS if r.code in complaint.rights_affected],
    }
