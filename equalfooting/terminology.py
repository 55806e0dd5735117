"""The terminology glossary, and the check that every catalogue follows it.

The glossary is data: ``locale/glossary/terms.csv`` names each key term, the English forms that
signal it in a message, its context and its source; ``locale/<language>/glossary.csv`` gives,
per language, the preferred rendering, the accepted forms (inflections included) and the forms
to avoid. Wherever a message's English text uses a term, its translation must use one of the
accepted forms and none of the forms to avoid. Each language's typographic rules are checked
too: French non-breaking spaces, no tatweel in Arabic running text, no space between Chinese
text and a number or placeholder.

python -m equalfooting.terminology check [--language LANG ...]
python -m equalfooting.terminology table
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from babel.messages.pofile import read_po

from equalfooting.catalogues import LOCALE_DIR

LANGUAGES = ("ar", "zh_Hans", "fr", "ru", "es")

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
TATWEEL = "\u0640"
# Arabic short vowels, shadda, sukun and the dagger alif: optional marks a translator may or may
# not write; the glossary's forms are compared without them.
ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")
ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3]")
# Placeholders and markup are not words of the message: %(name)s, %s, {{ n }}, <span ...>.
NOT_WORDS = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{[^}]*\}\}|\{\w*\}|<[^>]+>")
CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
CHINESE_SPACING = re.compile(
    rf"[{CJK}] +(?=%\(\w+\)[sdif]|%[sdif]|\d)|(?:%\(\w+\)[sdif]|%[sdif]|\d) +(?=[{CJK}])"
)


@dataclass(frozen=True)
class Term:
    key: str
    forms: tuple[str, ...]
    exact: bool
    context: str
    source: str

    def pattern(self) -> re.Pattern[str]:
        alternatives = "|".join(
            re.escape(form) for form in sorted(self.forms, key=len, reverse=True)
        )
        flags = 0 if self.exact else re.IGNORECASE
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", flags)


@dataclass(frozen=True)
class Rendering:
    term: str
    preferred: str
    accepted: tuple[str, ...]
    avoid: tuple[str, ...]
    gender: str
    note: str
    source: str


@dataclass(frozen=True)
class Finding:
    language: str
    msgid: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.language}: {self.msgid[:80]!r}: {self.rule}: {self.detail}"


def _forms(cell: str) -> tuple[str, ...]:
    return tuple(form.strip() for form in cell.split("|") if form.strip())


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def load_terms(path: Path | None = None) -> dict[str, Term]:
    path = path or LOCALE_DIR / "glossary" / "terms.csv"
    terms = {}
    for number, row in enumerate(_rows(path), start=2):
        if row["match"] not in ("word", "exact"):
            raise ValueError(f"{path.name} row {number}: match must be word or exact.")
        forms = _forms(row["forms"])
        if not forms:
            raise ValueError(f"{path.name} row {number}: the term {row['term']!r} has no form.")
        terms[row["term"]] = Term(
            row["term"], forms, row["match"] == "exact", row["context"], row["source"]
        )
    return terms


def glossary_file(language: str) -> Path:
    return LOCALE_DIR / language / "glossary.csv"


def load_renderings(language: str, terms: dict[str, Term]) -> dict[str, Rendering]:
    path = glossary_file(language)
    renderings = {}
    for number, row in enumerate(_rows(path), start=2):
        if row["term"] not in terms:
            raise ValueError(f"{language}/glossary.csv row {number}: unknown term {row['term']!r}.")
        renderings[row["term"]] = Rendering(
            row["term"],
            row["preferred"],
            _forms(row["accepted"]),
            _forms(row["avoid"]),
            row["gender"],
            row["note"],
            row["source"],
        )
    return renderings


def normalise(text: str) -> str:
    """What the comparison sees: no optional Arabic marks or tatweel, one kind of space."""
    text = unicodedata.normalize("NFC", text)
    text = ARABIC_MARKS.sub("", text).replace(TATWEEL, "")
    return text.replace(NBSP, " ").replace(NARROW_NBSP, " ")


def english_words(msgid: str) -> str:
    return NOT_WORDS.sub(" ", msgid)


def term_findings(
    language: str,
    msgid: str,
    translations: Iterable[str],
    terms: dict[str, Term],
    renderings: dict[str, Rendering],
) -> Iterator[Finding]:
    english = english_words(msgid)
    for key, term in terms.items():
        rendering = renderings.get(key)
        if rendering is None or not term.pattern().search(english):
            continue
        for translation in translations:
            text = normalise(translation)
            folded = text.casefold()
            if rendering.accepted and not any(
                normalise(form).casefold() in folded for form in rendering.accepted
            ):
                yield Finding(
                    language,
                    msgid,
                    key,
                    f"uses none of the accepted forms ({' | '.join(rendering.accepted)})",
                )
            for form in rendering.avoid:
                if normalise(form) in text:
                    yield Finding(language, msgid, key, f"uses {form!r}, a form to avoid")


def french_spacing(text: str) -> Iterator[str]:
    """French sets : ; ? ! and the inside of « » apart with a non-breaking space."""
    for index, mark in enumerate(text):
        if mark in ":;?!" and index > 0:
            after = text[index + 1 : index + 2]
            if after and not after.isspace() and after not in "»\"')]":
                continue  # not punctuation of the sentence: a URL, a time, a query string
            before = text[index - 1]
            if before == " ":
                yield f"an ordinary space before {mark!r}: use a non-breaking space"
            elif before not in (NBSP, NARROW_NBSP) and before not in ":;?!":
                yield f"no space before {mark!r}: add a non-breaking space"
        elif mark == "«" and text[index + 1 : index + 2] not in (NBSP, NARROW_NBSP):
            yield "no non-breaking space after '«'"
        elif mark == "»" and index > 0 and text[index - 1] not in (NBSP, NARROW_NBSP):
            yield "no non-breaking space before '»'"


def arabic_tatweel(text: str) -> Iterator[str]:
    """A tatweel may join a prefix to a name in Latin letters or a placeholder (لـ%(name)s),
    never two Arabic letters in running text."""
    for index, char in enumerate(text):
        if char == TATWEEL and ARABIC_LETTER.match(text[index + 1 : index + 2]):
            yield f"a tatweel inside running text: {text[max(0, index - 8) : index + 8]!r}"


def chinese_spacing(text: str) -> Iterator[str]:
    """UN Chinese writes numbers and inserted values against the characters, with no space."""
    for match in CHINESE_SPACING.finditer(text):
        start = match.start()
        yield f"a space between Chinese text and a number or value: {text[start : start + 12]!r}"


TYPOGRAPHY = {"fr": french_spacing, "ar": arabic_tatweel, "zh_Hans": chinese_spacing}


def check_messages(
    language: str,
    messages: Iterable[tuple[str, tuple[str, ...]]],
    terms: dict[str, Term],
    renderings: dict[str, Rendering],
) -> list[Finding]:
    """Every finding for (msgid, translations) pairs of one language."""
    findings: list[Finding] = []
    typography = TYPOGRAPHY.get(language)
    for msgid, translations in messages:
        findings.extend(term_findings(language, msgid, translations, terms, renderings))
        if typography:
            for translation in translations:
                findings.extend(
                    Finding(language, msgid, "typography", detail)
                    for detail in typography(translation)
                )
    return findings


def catalogue_messages(path: Path) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(English text, translations) of every translated entry; a plural entry is checked
    against its plural English form, which holds every term its singular does."""
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        if not message.id:
            continue
        english = str(message.id[-1] if isinstance(message.id, tuple) else message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        yield english, tuple(str(text) for text in strings if text)


def check_language(language: str, terms: dict[str, Term] | None = None) -> list[Finding]:
    terms = terms if terms is not None else load_terms()
    renderings = load_renderings(language, terms)
    catalogue = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    return check_messages(language, catalogue_messages(catalogue), terms, renderings)


def missing_renderings(terms: dict[str, Term]) -> list[str]:
    """Every (language, term) the glossary leaves without a preferred rendering."""
    missing = []
    for language in LANGUAGES:
        renderings = load_renderings(language, terms)
        missing += [
            f"{language}: {key}"
            for key in terms
            if key not in renderings or not renderings[key].preferred
        ]
    return missing


def table(out: TextIO | None = None) -> None:
    """The glossary with the six renderings side by side, for a reviewer's spreadsheet."""
    terms = load_terms()
    per_language = {language: load_renderings(language, terms) for language in LANGUAGES}
    writer = csv.writer(out or sys.stdout)
    writer.writerow(["term", "context", *LANGUAGES, "source"])
    for key, term in terms.items():
        cells = []
        for language in LANGUAGES:
            rendering = per_language[language].get(key)
            cells.append(rendering.preferred if rendering else "")
        writer.writerow([key, term.context, *cells, term.source])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m equalfooting.terminology", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser(
        "check", help="check the catalogues against the glossary; exit 1 on any finding"
    )
    check.add_argument(
        "--language",
        action="append",
        choices=LANGUAGES,
        help="check only this language (repeatable)",
    )
    sub.add_parser("table", help="print the glossary as CSV, one row per term, six renderings")
    args = parser.parse_args(argv)
    try:
        terms = load_terms()
        if args.command == "table":
            table()
            return 0
        problems: list[str] = missing_renderings(terms)
        for gap in problems:
            print(f"{gap}: no rendering in the glossary")
        for language in args.language or LANGUAGES:
            for finding in check_language(language, terms):
                print(finding)
                problems.append(str(finding))
    except (OSError, ValueError, KeyError) as error:
        print(f"The glossary cannot be read: {error}", file=sys.stderr)
        return 2
    print(f"{len(problems)} finding(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
