"""The search room's code list: which PostgreSQL text-search configuration reads which language.

The tsvectors themselves are columns of the tables they index (`complaints.search`, generated;
`messages.search`, kept by a trigger from the complaint's language: migration 0031).
"""

from __future__ import annotations

# The languages the service ships (app/locale) get their own stemming; every other language is
# indexed word for word (`simple`), which still finds the exact word.
CONFIGS: dict[str, str] = {"en": "english", "fr": "french", "es": "spanish", "ar": "arabic"}
FALLBACK = "simple"


def config_of(language: str) -> str:
    """SQL: the `regconfig` for the language code held in the column or expression `language`.

    Constant casts (`'english'::regconfig`) resolve once, when the expression is parsed, so the
    expression is immutable and may define a generated column.
    """
    whens = " ".join(f"WHEN '{code}' THEN '{cfg}'::regconfig" for code, cfg in CONFIGS.items())
    return f"CASE {language} {whens} ELSE '{FALLBACK}'::regconfig END"
