"""Plain-language names of the codes a release publishes (tables, dimensions, values, figures).

A release speaks in stable codes (`complaints_by_right`, `adequate_housing`); a page speaks to
people. Every name here is English marked for extraction (`N_`) and translated where it is shown;
the taxonomy's own labels (rights, grounds, characteristics) are reused as they are. A code with no
name here (a department the office configured, a code added later) is shown as it is.
"""

from __future__ import annotations

from app.taxonomy import CHARACTERISTICS, DISCRIMINATION_GROUNDS, RIGHTS
from app.web.i18n import N_, Texts

TRACKS: dict[str, str] = {
    "all": N_("All tracks"),
    "ombudsperson": N_("Ombudsperson"),
    "anti_corruption": N_("Anti-corruption"),
}
UNITS: dict[str, str] = {
    "year": N_("Year"),
    "quarter": N_("Quarter"),
    "month": N_("Month"),
}
MONTHS = [
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
]
QUARTERS = [
    N_("First quarter of %(year)s"),
    N_("Second quarter of %(year)s"),
    N_("Third quarter of %(year)s"),
    N_("Fourth quarter of %(year)s"),
]

POPULATIONS: dict[str, str] = {
    "complaints": N_("Complaints"),
    "remedies": N_("Remedies recommended"),
    "finishes": N_("Cases finished"),
}
# The zero-dimension tables: one count each.
TOTALS: dict[str, str] = {
    "complaints_total": N_("Complaints and own-initiative inquiries received"),
    "remedies_total": N_("Remedies recommended for them"),
    "finishes_total": N_("Cases finished in the year, whenever received"),
}
# What a table counts, as the heading of its value column.
MEASURES: dict[str, str] = {
    "complaints": N_("Complaints"),
    "remedies": N_("Remedies"),
    "finishes": N_("Cases"),
}
# A dimension as a column heading.
DIMENSIONS: dict[str, str] = {
    "origin": N_("How the case started"),
    "right": N_("Right concerned"),
    "department": N_("Department"),
    "ground": N_("Ground of discrimination"),
    "sex_gender": N_("Sex or gender"),
    "age_band": N_("Age group"),
    "disability": N_("Disability"),
    "migration_status": N_("Migration background"),
    "ethnicity": N_("Ethnicity"),
    "status": N_("Status when computed"),
    "outcome": N_("Outcome"),
    "mandate": N_("Mandate"),
    "investigation": N_("Investigation"),
    "acknowledgement": N_("Acknowledgement"),
    "feedback": N_("Feedback"),
    "decision": N_("Decision"),
    "finish": N_("Finished"),
    "remedy_response": N_("Department's response"),
    "remedy_implementation": N_("Implementation"),
}
# A dimension inside a sentence ("Complaints by ...").
DIMENSION_PHRASES: dict[str, str] = {
    "origin": N_("how the case started"),
    "right": N_("right concerned"),
    "department": N_("department"),
    "ground": N_("ground of discrimination"),
    "sex_gender": N_("sex or gender (self-identified)"),
    "age_band": N_("age group (self-identified)"),
    "disability": N_("disability (self-identified)"),
    "migration_status": N_("migration background (self-identified)"),
    "ethnicity": N_("ethnicity (self-identified)"),
    "status": N_("status when computed"),
    "outcome": N_("outcome"),
    "mandate": N_("mandate"),
    "investigation": N_("investigation"),
    "acknowledgement": N_("acknowledgement within the deadline"),
    "feedback": N_("feedback within the deadline"),
    "decision": N_("decision within the target"),
    "finish": N_("whether finished"),
    "remedy_response": N_("the department's response"),
    "remedy_implementation": N_("implementation"),
}

_ON_TIME = {"on_time": N_("On time"), "late": N_("Late"), "none": N_("Not yet")}
VALUES: dict[str, dict[str, str]] = {
    "origin": {
        "complaint": N_("Complaint from a person"),
        "own_initiative": N_("Own-initiative inquiry"),
    },
    "right": {**{r.code: r.label for r in RIGHTS}, "none": N_("No right named")},
    "ground": {**DISCRIMINATION_GROUNDS, "none": N_("No ground named")},
    "department": {"other": N_("Another body"), "not_stated": N_("Not stated")},
    **{dim: {**values, "not_stated": N_("Not stated")} for dim, values in CHARACTERISTICS.items()},
    "status": {
        "submitted": N_("Submitted"),
        "acknowledged": N_("Acknowledged"),
        "under_assessment": N_("Under assessment"),
        "inadmissible": N_("Declared inadmissible"),
        "referred": N_("Referred to another body"),
        "under_investigation": N_("Under investigation"),
        "hearing": N_("At a hearing"),
        "mediation": N_("In mediation"),
        "findings_issued": N_("Findings issued"),
        "remedy_follow_up": N_("Remedies followed up"),
        "closed": N_("Closed"),
        "withdrawn": N_("Withdrawn"),
    },
    "outcome": {
        "violation_found": N_("Violation found"),
        "partially_founded": N_("Partly founded"),
        "no_violation": N_("No violation"),
        "not_substantiated": N_("Not substantiated"),
        "settled": N_("Friendly settlement"),
        "none": N_("No finding yet"),
    },
    "mandate": {"within": N_("Within the mandate"), "outside": N_("Outside the mandate")},
    "investigation": {
        "investigated": N_("Investigated"),
        "not_investigated": N_("Not investigated"),
    },
    "acknowledgement": _ON_TIME,
    "feedback": _ON_TIME,
    "decision": _ON_TIME,
    "finish": {"finished": N_("Finished"), "open": N_("Still open")},
    "remedy_response": {
        "responded": N_("The department responded"),
        "awaiting": N_("Awaiting a response"),
    },
    "remedy_implementation": {
        "implemented": N_("Implemented"),
        "not_implemented": N_("Not implemented (yet)"),
    },
}

# One-way tables whose title says more than "<population> by <dimension>".
TABLE_TITLES: dict[str, str] = {
    "complaints_by_mandate": N_("Complaints within and outside the mandate"),
    "complaints_by_investigation": N_("Complaints investigated"),
    "complaints_by_acknowledgement": N_("Complaints acknowledged within the deadline"),
    "complaints_by_feedback": N_("Complaints given feedback within the deadline"),
    "complaints_by_decision": N_("Complaints decided within the target"),
    "complaints_by_finish": N_("Complaints finished, of those received"),
    "remedies_by_remedy_response": N_("Remedies recommended: the department's response"),
    "remedies_by_remedy_implementation": N_("Remedies recommended: implementation"),
}

ANNUAL_SECTIONS: dict[str, str] = {
    "caseload": N_("Caseload"),
    "mandate": N_("Mandate"),
    "duration": N_("Duration"),
    "outcomes": N_("Outcomes"),
    "remedies": N_("Remedies"),
    "deadlines": N_("Deadlines"),
}
ANNUAL_ITEMS: dict[str, str] = {
    "received": N_("Complaints and inquiries received"),
    "complaints": N_("Complaints from people"),
    "own_initiative_inquiries": N_("Own-initiative inquiries"),
    "within_mandate": N_("Within the mandate"),
    "outside_mandate": N_("Outside the mandate"),
    "finished_of_received": N_("Finished, of those received in the year"),
    "finished_in_year": N_("Cases finished in the year"),
    "recommended": N_("Remedies recommended"),
    "response_rate": N_("Remedies the department responded to"),
    "compliance_rate": N_("Remedies implemented"),
    **VALUES["outcome"],
}
SHARES: dict[str, str] = {
    "investigated_share": N_("Investigated, of those received"),
    "acknowledged_on_time_share": N_("Acknowledged on time, of those acknowledged"),
    "feedback_on_time_share": N_("Given feedback on time, of those given feedback"),
    "decided_on_time_share": N_("Decided within the target, of those decided"),
    "violation_found_share": N_("Findings establishing a violation, of findings issued"),
    "remedy_response_rate": N_("Remedies the department responded to"),
    "remedy_compliance_rate": N_("Remedies implemented"),
}
DURATIONS: dict[str, str] = {
    "median_days_to_acknowledgement": N_("Median days to acknowledgement"),
    "p90_days_to_acknowledgement": N_("Days within which 9 in 10 were acknowledged"),
    "median_days_to_findings": N_("Median days to findings"),
    "p90_days_to_findings": N_("Days within which 9 in 10 had findings"),
    "median_days_to_finish": N_("Median days to a final state"),
    "p90_days_to_finish": N_("Days within which 9 in 10 reached a final state"),
}
ANNUAL_ITEMS.update(DURATIONS)
ANNUAL_ITEMS.update(SHARES)
INDICATOR_KINDS: dict[str, str] = {
    "structural": N_("Structural"),
    "process": N_("Process"),
    "outcome": N_("Outcome"),
}


def name(names: dict[str, str], code: str, t: Texts) -> str:
    """The translated name of `code`, or the code itself when it has none."""
    return t(names[code]) if code in names else code


def value_name(dimension: str, value: str, t: Texts) -> str:
    """The name of one value of a dimension (a department's configured name stays as it is)."""
    return name(VALUES.get(dimension, {}), value, t)


def table_title(table_id: str, population: str, dimensions: list[str], t: Texts) -> str:
    """A table's heading, e.g. "Complaints by right concerned"."""
    if table_id in TABLE_TITLES:
        return t(TABLE_TITLES[table_id])
    who = name(POPULATIONS, population, t)
    phrases = [name(DIMENSION_PHRASES, d, t) for d in dimensions]
    if not phrases:
        return who
    if len(phrases) == 1:
        return t("%(population)s by %(dimension)s", population=who, dimension=phrases[0])
    return t(
        "%(population)s by %(first)s and %(second)s",
        population=who,
        first=phrases[0],
        second=phrases[1],
    )
