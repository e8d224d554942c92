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
    # One plain sentence for residents choosing what to name (English; forms may translate it).
    description: str


RIGHTS: tuple[RightCategory, ...] = (
    RightCategory(
        "life_liberty_security",
        "Life, liberty and security of person",
        (3,),
        ("16.1",),
        (
            "Being safe from violence and threats, and not being locked up or held without a "
            "lawful reason."
        ),
    ),
    RightCategory(
        "freedom_from_ill_treatment",
        "Freedom from torture and ill-treatment",
        (5,),
        ("16.1",),
        (
            "Never being tortured, beaten, humiliated or treated cruelly, including by police, "
            "guards or other officials."
        ),
    ),
    RightCategory(
        "equality_non_discrimination",
        "Equality and non-discrimination",
        (1, 2, 7),
        ("10.3", "16.b"),
        "Being treated as an equal, and not worse than others because of who you are.",
    ),
    RightCategory(
        "protection_from_gender_based_violence",
        "Protection from gender-based violence",
        (3, 5),
        ("5.2",),
        (
            "Protection and help against violence aimed at someone because of their sex or "
            "gender, including violence at home and sexual violence."
        ),
    ),
    RightCategory(
        "access_to_justice",
        "Access to justice and fair procedure",
        (8, 10, 11),
        ("16.3",),
        (
            "Being able to take a matter to a court or another body, be heard fairly and get a "
            "decision in reasonable time."
        ),
    ),
    RightCategory(
        "good_administration",
        "Good administration and public services",
        (8, 21),
        ("16.6", "16.7"),
        (
            "Public offices handling your matter fairly, carefully and in reasonable time, "
            "hearing you and giving reasons for their decisions."
        ),
    ),
    RightCategory(
        "privacy_data_protection",
        "Privacy and data protection",
        (12,),
        ("16.10",),
        (
            "Respect for your private and family life, your home and your letters and messages, "
            "and care with information about you."
        ),
    ),
    RightCategory(
        "freedom_of_movement",
        "Freedom of movement and residence",
        (13,),
        ("10.7",),
        (
            "Moving freely within the country, choosing where to live, and being able to leave "
            "and come back."
        ),
    ),
    RightCategory(
        "asylum_and_migration",
        "Asylum and the rights of migrants",
        (14,),
        ("10.7",),
        (
            "Seeking protection from persecution, and fair treatment for migrants whatever their "
            "papers."
        ),
    ),
    RightCategory(
        "property",
        "Property",
        (17,),
        ("1.4",),
        (
            "Owning things, and not having them taken away without a lawful reason and fair "
            "compensation."
        ),
    ),
    RightCategory(
        "thought_conscience_religion",
        "Thought, conscience and religion",
        (18,),
        ("16.b",),
        (
            "Holding your own beliefs, and practising your religion or belief, or none, alone or "
            "with others."
        ),
    ),
    RightCategory(
        "expression_information",
        "Expression and access to information",
        (19,),
        ("16.10",),
        "Saying what you think, and getting information, including from public bodies.",
    ),
    RightCategory(
        "assembly_association",
        "Peaceful assembly and association",
        (20,),
        ("16.7",),
        (
            "Meeting and demonstrating peacefully, and forming or joining groups such as "
            "associations and trade unions."
        ),
    ),
    RightCategory(
        "participation_public_affairs",
        "Participation in public affairs",
        (21,),
        ("16.7", "5.5"),
        (
            "Taking part in public life: voting, standing for election, being consulted and "
            "having equal access to public jobs."
        ),
    ),
    RightCategory(
        "social_security",
        "Social security and social protection",
        (22,),
        ("1.3",),
        (
            "Support when you cannot earn enough, such as benefits in illness, disability, old "
            "age, unemployment or while raising children."
        ),
    ),
    RightCategory(
        "work",
        "Work and just conditions of work",
        (23,),
        ("8.5", "8.8"),
        (
            "Being able to earn a living, with fair pay, safe conditions and protection from "
            "unfair dismissal."
        ),
    ),
    RightCategory(
        "adequate_housing",
        "Adequate housing",
        (25,),
        ("11.1",),
        "A safe, affordable home, protection from forced eviction and from being left homeless.",
    ),
    RightCategory(
        "health",
        "Health",
        (25,),
        ("3.8",),
        "Access to health care and to what keeps people healthy, without being turned away.",
    ),
    RightCategory(
        "food_water_sanitation",
        "Food, water and sanitation",
        (25,),
        ("2.1", "6.1", "6.2"),
        "Enough safe food, clean drinking water, and toilets and sewage that keep people healthy.",
    ),
    RightCategory(
        "education",
        "Education",
        (26,),
        ("4.1", "4.5", "4.a"),
        "Going to school and learning, free at least in the first years and open to everyone.",
    ),
    RightCategory(
        "cultural_life",
        "Cultural life",
        (27,),
        ("11.4",),
        "Taking part in cultural life, and keeping and using your own culture and language.",
    ),
    RightCategory(
        "rights_of_the_child",
        "Rights of the child",
        (25, 26),
        ("16.2",),
        (
            "Special care and protection for children, whose best interests come first in every "
            "decision about them."
        ),
    ),
    RightCategory(
        "accessibility",
        "Accessibility for persons with disabilities",
        (2, 25),
        ("11.2", "11.7"),
        (
            "Being able to use buildings, transport, information and services on an equal footing "
            "when you have a disability."
        ),
    ),
    RightCategory(
        "healthy_environment",
        "Clean, healthy and sustainable environment",
        (25,),
        ("11.6", "6.3"),
        (
            "Living in a clean and healthy environment, free from pollution and noise that harm "
            "people."
        ),
    ),
    RightCategory(
        "integrity_anti_corruption",
        "Integrity of public office (corruption)",
        (21,),
        ("16.5",),
        (
            "Public officials acting honestly, without bribes, favouritism or abuse of their "
            "position."
        ),
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

# One plain sentence per ground for residents (English; forms may translate it). Kept apart from
# the labels, which statistics and pages read as a plain code -> label mapping.
GROUND_DESCRIPTIONS: dict[str, str] = {
    "race": "Being treated worse because of the race you belong to, or are taken to belong to.",
    "colour": "Being treated worse because of the colour of your skin.",
    "ethnic_origin": "Being treated worse because of your ethnic group, community or ancestry.",
    "sex": (
        "Being treated worse because you are a woman, a man or intersex, or because of pregnancy."
    ),
    "gender_identity": (
        "Being treated worse because of your gender identity or how you express your gender, "
        "for example for being transgender."
    ),
    "sexual_orientation": "Being treated worse because of whom you are attracted to or love.",
    "language": (
        "Being treated worse because of the language you speak, or how well you speak the local "
        "language."
    ),
    "religion_or_belief": (
        "Being treated worse because of your religion or beliefs, or because you have none."
    ),
    "political_or_other_opinion": (
        "Being treated worse because of your political views or other opinions."
    ),
    "national_origin": ("Being treated worse because of the country you or your family come from."),
    "social_origin": (
        "Being treated worse because of the social class or background you were born into."
    ),
    "property": "Being treated worse because of how much or how little you own.",
    "birth_or_descent": (
        "Being treated worse because of your family line or the circumstances of your birth, "
        "such as caste or being born outside marriage."
    ),
    "disability": (
        "Being treated worse because of a physical, mental, intellectual or sensory impairment, "
        "including being refused reasonable adjustments."
    ),
    "age": "Being treated worse because of how old or how young you are.",
    "health_status": (
        "Being treated worse because of an illness or a health condition, such as HIV."
    ),
    "migration_status": (
        "Being treated worse because of your nationality, your residence permit or your "
        "migration status."
    ),
    "economic_and_social_situation": (
        "Being treated worse because you are poor, out of work, homeless or living on benefits."
    ),
    "marital_or_family_status": (
        "Being treated worse because you are single, married, separated or divorced, or because "
        "of your children or other family duties."
    ),
    "other_status": (
        "Being treated worse for another reason to do with who you are that is not listed here."
    ),
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
