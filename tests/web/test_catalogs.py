"""The shipped translations (fr, es, ar) against the texts the code uses.

The texts are extracted here as `make catalogs` extracts them: Babel's extractor, with the method
map and options of babel.cfg and the keywords of the Makefile's `catalogs` target (read from the
Makefile, so a keyword added there counts here too). Each shipped catalog must then hold every
text, translated in every plural form, nothing fuzzy, with the English's placeholders and markup,
and compile as `pybabel compile` (the set-up's .mo) compiles it. No database.
"""

from __future__ import annotations

import io
import re
import shlex
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from babel.messages import catalog as babel_catalog
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.web.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, translations

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [lang for lang in LANGUAGES if lang != "en"]

# Texts in which Babel reads a `%` as a positional placeholder ("90% reached" holds `% r`): it
# flags them python-format, and `pybabel compile` then refuses every translation that lacks that
# same `% r`, that is every real one. None may be (the English is reworded: "9 in 10").
MISREAD: set[str] = set()

# The number of a plural text: a form may spell it out instead of showing it ("يومان", two days).
COUNTERS = {"num", "count"}

NAMED = re.compile(r"%\((\w+)\)[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]")
BRACED = re.compile(r"\{(\w*)(?:[!:][^{}]*)?\}")
TAG = re.compile(r"<\s*/?\s*([A-Za-z][\w-]*)")
HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""")


# The texts the code uses.


def _make_variables(makefile: str) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z_]\w*)\s*(?::=|\?=|=)\s*(.*)$", makefile, re.MULTILINE)
    return {name: value.strip() for name, value in found}


def _expand(text: str, variables: dict[str, str]) -> str:
    """Make's `$(addprefix p,$(VAR))` and `$(VAR)`, as much of Make as the target uses."""

    def addprefix(match: re.Match[str]) -> str:
        return " ".join(match[1] + word for word in _expand(match[2], variables).split())

    text = re.sub(r"\$\(addprefix ([^,]*),(\$\(\w+\)|[^()]*)\)", addprefix, text)
    for _ in range(5):
        text = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m[1], ""), text)
    return text


@cache
def extract_arguments() -> tuple[str, ...]:
    """The arguments of `pybabel extract` in the Makefile's `catalogs` target, expanded."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    recipe = re.search(r"^catalogs\s*:.*\n((?:\t.*\n?)*)", makefile, re.MULTILINE)
    assert recipe, "the Makefile has no `catalogs` target"
    line = next((line for line in recipe[1].splitlines() if " extract " in line), None)
    assert line, "the `catalogs` target runs no `pybabel extract`"
    args = shlex.split(_expand(line, _make_variables(makefile)))
    return tuple(args[args.index("extract") + 1 :])


@cache
def extracted() -> dict[tuple[object, str | None], Message]:
    """Every text the code marks for translation, extracted as `make catalogs` extracts it."""
    args = extract_arguments()
    keywords = {} if "--no-default-keywords" in args else dict(DEFAULT_KEYWORDS)
    specs: list[str] = []
    mapping = "babel.cfg"
    for arg, value in zip(args, (*args[1:], ""), strict=True):
        if arg in ("-k", "--keyword", "--keywords"):
            specs += value.split()
        elif arg.startswith(("--keyword=", "--keywords=")):
            specs += arg.partition("=")[2].split()
        elif arg.startswith("-k") and len(arg) > 2:
            specs.append(arg[2:])
        elif arg in ("-F", "--mapping-file", "--mapping"):
            mapping = value
    keywords.update(parse_keywords(specs))
    with (ROOT / mapping).open(encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj, filename=mapping)  # type: ignore[no-untyped-call]
    catalog = Catalog(domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return by_key(catalog)


# The catalogs.


def by_key(catalog: Catalog) -> dict[tuple[object, str | None], Message]:
    return {(message.id, message.context): message for message in catalog if message.id}


@cache
def shipped(lang: str) -> Catalog:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as fileobj:
        return read_po(fileobj, locale=lang, domain=DOMAIN)


def english(message: Message) -> list[str]:
    """The msgid, and the msgid_plural of a plural text."""
    return [str(text) for text in message.id] if message.pluralizable else [str(message.id)]


def forms(message: Message) -> list[str]:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return [str(text or "") for text in strings]


def name(message: Message) -> str:
    return repr(english(message)[0])


def misread(message: Message) -> bool:
    """A text Babel takes for a positional format string (this code formats by name only)."""
    return "python-format" in message.flags and any(
        match[1] is None and match[3] != "%"
        for text in english(message)
        for match in babel_catalog.PYTHON_FORMAT.finditer(text)
    )


# What a translation must keep.


def _placeholders(text: str, message: Message) -> Counter[str]:
    found = Counter(NAMED.findall(text))
    if "python-brace-format" in message.flags:
        found.update("{" + field + "}" for field in BRACED.findall(text))
    return found


def _markup(text: str) -> tuple[Counter[str], Counter[str], int]:
    """The tags (by name), the link targets and the `%%` of a text."""
    tags = Counter(tag.lower() for tag in TAG.findall(text))
    hrefs = Counter(double or single for double, single in HREF.findall(text))
    return tags, hrefs, text.count("%%")


def _lone_percent(text: str) -> bool:
    """A `%` that is neither `%%` nor a named placeholder (formatting the text fails on it)."""
    return "%" in NAMED.sub("", text.replace("%%", ""))


def differences(message: Message) -> list[str]:
    """How each form of a translation differs in form from the English."""
    texts = english(message)
    wanted = _placeholders(texts[0], message)
    anywhere = {field for text in texts for field in _placeholders(text, message)}
    markup = _markup(texts[-1])
    out = []
    for string in forms(message):
        if not string:
            continue
        found = _placeholders(string, message)
        if not message.pluralizable and found != wanted:
            out.append(f"placeholders {sorted(found.elements())}, not {sorted(wanted.elements())}")
        if message.pluralizable and (set(found) - anywhere or anywhere - set(found) - COUNTERS):
            out.append(f"placeholders {sorted(found)}, not {sorted(anywhere)}")
        if _markup(string) != markup:
            out.append(f"markup {_markup(string)}, not {markup}")
        if _lone_percent(string) and not any(_lone_percent(text) for text in texts):
            out.append("a lone `%`: write `%%` (the pages format every text)")
    return out


# The tests.


def test_the_template_is_up_to_date() -> None:
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as fileobj:
        template = by_key(read_po(fileobj, domain=DOMAIN))
    code = extracted()
    new = sorted(repr(key[0]) for key in code.keys() - template.keys())
    gone = sorted(repr(key[0]) for key in template.keys() - code.keys())
    assert not new and not gone, (
        f"app/locale/{DOMAIN}.pot is out of date ({len(new)} texts new in the code, "
        f"{len(gone)} no longer used): run `make catalogs`, then translate what arrives empty."
        f"\nnew: {new[:10]}\ngone: {gone[:10]}"
    )


def test_misread_texts_are_the_known_ones() -> None:
    found = {english(message)[0] for message in extracted().values() if misread(message)}
    assert found <= MISREAD, (
        "Babel reads a `%` of these texts as a placeholder, so no translation of them compiles: "
        f"reword the English (no `%` before a space and a letter): {sorted(found - MISREAD)}"
    )
    assert found >= MISREAD, f"no longer in the code, drop from MISREAD: {sorted(MISREAD - found)}"


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_text_is_translated(lang: str) -> None:
    catalog = shipped(lang)
    have = by_key(catalog)
    missing, untranslated = [], []
    for key, message in extracted().items():
        if misread(message):
            continue
        translation = have.get(key)
        if translation is None:
            missing.append(name(message))
            continue
        strings = forms(translation)
        count = catalog.num_plurals if translation.pluralizable else 1
        # A blank English text (a separator, " ") may be translated by a blank one.
        blank = not english(message)[0].strip()
        filled = all(string.strip() or (blank and string) for string in strings)
        if len(strings) != count or not filled:
            untranslated.append(name(message))
    assert not missing, (
        f"{lang}: {len(missing)} texts the code uses are not in the catalog: run `make catalogs`, "
        f"then translate them: {missing[:10]}"
    )
    assert not untranslated, (
        f"{lang}: {len(untranslated)} texts are not translated (in all {catalog.num_plurals} "
        f"forms, if plural): {untranslated[:10]}"
    )


@pytest.mark.parametrize("lang", SHIPPED)
def test_nothing_is_fuzzy(lang: str) -> None:
    catalog = shipped(lang)
    fuzzy = [name(message) for message in catalog if message.id and message.fuzzy]
    assert not catalog.fuzzy, f"{lang}: the header is fuzzy, so `pybabel compile` skips the file"
    assert not fuzzy, f"{lang}: fuzzy translations (check each, then drop the flag): {fuzzy[:10]}"


@pytest.mark.parametrize("lang", SHIPPED)
def test_translations_keep_placeholders_and_markup(lang: str) -> None:
    wrong = {name(m): found for m in shipped(lang) if m.id and (found := differences(m))}
    assert not wrong, f"{lang}: translations that differ from the English in form: {wrong}"


@pytest.mark.parametrize("lang", SHIPPED)
def test_the_catalog_compiles(lang: str) -> None:
    catalog = shipped(lang)
    # `pybabel compile`, which writes the .mo at set-up, exits 1 on any of these.
    refused = [(name(m), [str(error) for error in errors]) for m, errors in catalog.check()]
    assert not refused, f"{lang}: `pybabel compile` refuses: {refused[:10]}"
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert compiled.getvalue()


@pytest.mark.parametrize("lang", SHIPPED)
def test_the_loader_reads_the_catalog(lang: str) -> None:
    entry = shipped(lang).get("File a complaint")
    assert entry is not None and entry.string and entry.string != "File a complaint"
    assert translations(lang).gettext("File a complaint") == entry.string
