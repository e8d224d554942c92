"""Stable codes residents and staff classify complaints with. Pure data, served at /v1/taxonomy.

Codes never change once published (statistics are grouped by them); labels may be translated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING


class Track(StrEnum):
    ombudsperson = "ombudsperson"
    anti_corruption = "anti_corruption"


TRACK_LABELS: dict[Track, str] = {
    Track.ombudsperson: "Ombudsperson / local human rights commission",
    Track.anti_corruption: "Anti-corruption oversight body (confidential reporting channel)",
}


@dataclass(frozen=True, slots=True)
class RightCategory:
    code: str
    label: str
    udhr_articles: tuple[int, ...]
    sdg_targets: tuple[str, ...]


RIGHTS: tuple[RightCategory, ...] = (
    RightCategory("life_liberty_security", "Life, liberty and security of person", (3,), ("16.1",)),
    RightCategory(
        "freedom_from_ill_treatment", "Freedom from torture and ill-treatment", (5,), ("16.1",)
    ),
    RightCategory(
        "equality_non_discrimination",
        "Equality and non-discrimination",
        (1, 2, 7),
        ("10.3", "16.b"),
    ),
    RightCategory(
        "protection_from_gender_based_violence",
        "Protection from gender-based violence",
        (3, 5),
        ("5.2",),
    ),
    RightCategory(
        "access_to_justice", "Access to justice and fair procedure", (8, 10, 11), ("16.3",)
    ),
    RightCategory(
        "good_administration", "Good administration and public services", (8, 21), ("16.6", "16.7")
    ),
    RightCategory("privacy_data_protection", "Privacy and data protection", (12,), ("16.10",)),
    RightCategory("freedom_of_movement", "Freedom of movement and residence", (13,), ("10.7",)),
    RightCategory("asylum_and_migration", "Asylum and the rights of migrants", (14,), ("10.7",)),
    RightCategory("property", "Property", (17,), ("1.4",)),
    RightCategory(
        "thought_conscience_religion", "Thought, conscience and religion", (18,), ("16.b",)
    ),
    RightCategory(
        "expression_information", "Expression and access to information", (19,), ("16.10",)
    ),
    RightCategory("assembly_association", "Peaceful assembly and association", (20,), ("16.7",)),
    RightCategory(
        "participation_public_affairs", "Participation in public affairs", (21,), ("16.7", "5.5")
    ),
    RightCategory("social_security", "Social security and social protection", (22,), ("1.3",)),
    RightCategory("work", "Work and just conditions of work", (23,), ("8.5", "8.8")),
    RightCategory("adequate_housing", "Adequate housing", (25,), ("11.1",)),
    RightCategory("health", "Health", (25,), ("3.8",)),
    RightCategory(
        "food_water_sanitation", "Food, water and sanitation", (25,), ("2.1", "6.1", "6.2")
    ),
    RightCategory("education", "Education", (26,), ("4.1", "4.5", "4.a")),
    RightCategory("cultural_life", "Cultural life", (27,), ("11.4",)),
    RightCategory("rights_of_the_child", "Rights of the child", (25, 26), ("16.2",)),
    RightCategory(
        "accessibility", "Accessibility for persons with disabilities", (2, 25), ("11.2", "11.7")
    ),
    RightCategory(
        "healthy_environment", "Clean, healthy and sustainable environment", (25,), ("11.6", "6.3")
    ),
    RightCategory(
        "integrity_anti_corruption", "Integrity of public office (corruption)", (21,), ("16.5",)
    ),
)

RIGHT_CODES: tuple[str, ...] = tuple(r.code for r in RIGHTS)

# Grounds of ICCPR art. 2(1) and 26, ICESCR art. 2(2), CRPD and later treaty-body practice.
DISCRIMINATION_GROUNDS: dict[str, str] = {
    "race": "Race",
    "colour": "Colour",
    "ethnic_origin": "Ethnic origin",
    "sex": "Sex",
    "gender_identity": "Gender identity or expression",
    "sexual_orientation": "Sexual orientation",
    "language": "Language",
    "religion_or_belief": "Religion or belief",
    "political_or_other_opinion": "Political or other opinion",
    "national_origin": "National origin",
    "social_origin": "Social origin",
    "property": "Property",
    "birth_or_descent": "Birth or descent",
    "disability": "Disability",
    "age": "Age",
    "health_status": "Health status",
    "migration_status": "Nationality or migration status",
    "economic_and_social_situation": "Economic and social situation",
    "marital_or_family_status": "Marital or family status",
    "other_status": "Other status",
}

PREFER_NOT_TO_SAY = "prefer_not_to_say"

# Self-identified characteristics (OHCHR HRBAD): optional, each with "prefer not to say".
# No category asks whether someone is undocumented: a list of that would endanger people.
CHARACTERISTICS: dict[str, dict[str, str]] = {
    "sex_gender": {
        "woman": "Woman",
        "man": "Man",
        "non_binary": "Non-binary",
        "other": "Another identity",
        PREFER_NOT_TO_SAY: "Prefer not to say",
    },
    "age_band": {
        "under_18": "Under 18",
        "18_24": "18-24",
        "25_34": "25-34",
        "35_44": "35-44",
        "45_54": "45-54",
        "55_64": "55-64",
        "65_74": "65-74",
        "75_plus": "75 or over",
        PREFER_NOT_TO_SAY: "Prefer not to say",
    },
    "disability": {
        "yes": "Yes",
        "no": "No",
        PREFER_NOT_TO_SAY: "Prefer not to say",
    },
    "migration_status": {
        "born_in_country": "Born in the country",
        "naturalised_citizen": "Citizen, born abroad",
        "foreign_resident": "Foreign national, resident",
        "refugee_or_asylum_seeker": "Refugee or asylum seeker",
        "other": "Other",
        PREFER_NOT_TO_SAY: "Prefer not to say",
    },
    "ethnicity": {
        "not_minority": "Not part of an ethnic minority",
        "ethnic_minority": "Part of an ethnic or national minority",
        "indigenous": "Indigenous",
        "other": "Other",
        PREFER_NOT_TO_SAY: "Prefer not to say",
    },
}

# Languages the office can answer in (BCP 47 primary tags); an unlisted one gets 422.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "de": "Deutsch",
    "it": "Italiano",
    "pt": "Português",
    "nl": "Nederlands",
    "pl": "Polski",
    "ro": "Română",
    "ar": "العربية",
    "tr": "Türkçe",
    "uk": "Українська",
    "ru": "Русский",
    "sq": "Shqip",
    "sr": "Српски",
    "fa": "فارسی",
}


# The code lists as types for request bodies: each an enum of the codes above, so the OpenAPI
# document lists them. Built from the data at import; the type checker sees an enum whose members
# it cannot know.
if TYPE_CHECKING:

    class RightCode(StrEnum): ...

    class GroundCode(StrEnum): ...

    class Language(StrEnum): ...

    class SexGender(StrEnum): ...

    class AgeBand(StrEnum): ...

    class Disability(StrEnum): ...

    class MigrationStatus(StrEnum): ...

    class Ethnicity(StrEnum): ...

else:

    def _codes(name: str, codes: Iterable[str]) -> type[StrEnum]:
        return StrEnum(name, {code: code for code in codes})

    RightCode = _codes("RightCode", RIGHT_CODES)
    GroundCode = _codes("GroundCode", DISCRIMINATION_GROUNDS)
    Language = _codes("Language", LANGUAGES)
    SexGender = _codes("SexGender", CHARACTERISTICS["sex_gender"])
    AgeBand = _codes("AgeBand", CHARACTERISTICS["age_band"])
    Disability = _codes("Disability", CHARACTERISTICS["disability"])
    MigrationStatus = _codes("MigrationStatus", CHARACTERISTICS["migration_status"])
    Ethnicity = _codes("Ethnicity", CHARACTERISTICS["ethnicity"])
