"""What the benchmarks file: complaints as varied as a city's, so that the statistics fold meets
as many cells as real intake makes it meet (one body filed again and again would fold into the
same few dozen cells)."""

from __future__ import annotations

import random
from typing import Any

from app.taxonomy import CHARACTERISTICS, DISCRIMINATION_GROUNDS, RIGHTS

DEPARTMENTS = [
    "Housing",
    "Police",
    "Social Services",
    "Education",
    "Health",
    "Transport",
    "Planning",
    "Environment",
    "Finance",
    "Culture",
    "Sports",
    "Water",
    "Waste",
    "Parks",
    "Licensing",
    "Registry",
    "Youth",
    "Elderly Care",
    "Employment",
    "Procurement",
]

BODY: dict[str, Any] = {
    "track": "ombudsperson",
    "summary": "Eviction notice served without a hearing",
    "description": "The municipal housing department served an eviction notice on my family "
    "without hearing us, although my son uses a wheelchair and the flat was adapted for him. "
    "We asked for a meeting twice and got no answer.",
    "rights_affected": ["adequate_housing", "good_administration", "accessibility"],
    "discrimination_grounds": ["disability"],
    "respondent": "Municipal Housing Department",
    "incident": {"date_from": "2026-09-14", "location": "Riverside estate, block C"},
    "remedy_sought": "Suspend the eviction and hear us before any decision is taken.",
    "language": "en",
    "contact": {
        "name": "A. Resident",
        "email": "resident@example.org",
        "preferred_channel": "email",
    },
    "characteristics": {
        "sex_gender": "woman",
        "age_band": "35_44",
        "disability": "no",
        "migration_status": "prefer_not_to_say",
    },
}


def _skewed(rng: random.Random, values: list[str], power: float = 2.0) -> str:
    """A value of `values`, the first ones far more often (as complaints are)."""
    return values[int(rng.random() ** power * len(values))]


def filing_bodies(n: int, seed: int = 14) -> list[dict[str, Any]]:
    """`n` complaints like BODY (same texts and size), spread over tracks, rights, grounds,
    departments and characteristics: 12 % on the anti-corruption track, a configured department
    for 80 %, contact details for 60 %, characteristics for 70 %."""
    rng = random.Random(seed)
    rights = [r.code for r in RIGHTS]
    grounds = list(DISCRIMINATION_GROUNDS)
    out = []
    for _ in range(n):
        body = dict(BODY)
        body["track"] = "anti_corruption" if rng.random() < 0.12 else "ombudsperson"
        body["rights_affected"] = sorted({_skewed(rng, rights) for _ in range(rng.randint(1, 3))})
        body["discrimination_grounds"] = sorted(
            {_skewed(rng, grounds) for _ in range(int(rng.random() * rng.random() * 3))}
        )
        u = rng.random()
        body["respondent"] = (
            _skewed(rng, DEPARTMENTS) if u < 0.8 else "A private company" if u < 0.9 else None
        )
        if rng.random() >= 0.6:
            del body["contact"]
        if rng.random() < 0.7:
            body["characteristics"] = {
                name: _skewed(rng, list(values), 1.5)
                for name, values in CHARACTERISTICS.items()
                if rng.random() < 0.8
            }
        else:
            del body["characteristics"]
        out.append(body)
    return out
