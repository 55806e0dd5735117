"""Pseudo-localisation: a French catalogue whose every translation is the English text marked
⟦like this⟧, so a page rendered with it shows, outside the marks, only what did not come
through the catalogues: names, numbers, codes, what people typed (which `mark_typed_text`
marks ⟪like this⟫ in the database) — and any English that escaped translation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import django
import polib  # type: ignore[import-untyped]
from babel import Locale
from django.apps import apps
from django.conf import settings
from django.db.models import JSONField, Model

OPEN, CLOSE = "⟦", "⟧"
TYPED_OPEN, TYPED_CLOSE = "⟪", "⟫"
PSEUDO = "fr"  # the language whose catalogue is replaced: any of the five would do


def catalogues() -> Iterator[Path]:
    """Every French catalogue a page can draw on: Django's, its apps', the project's."""
    roots = [Path(django.__file__).parent]
    for config in apps.get_app_configs():
        roots.append(Path(config.path))
    seen: set[Path] = set()
    for folder in settings.LOCALE_PATHS:  # the project's own, first
        own = Path(folder) / PSEUDO / "LC_MESSAGES" / "django.po"
        if own.exists():
            seen.add(own)
            yield own
    for root in roots:
        for po in root.glob(f"**/locale/{PSEUDO}/LC_MESSAGES/django.po"):
            if po not in seen:
                seen.add(po)
                yield po


def build(into: Path) -> Path:
    """Write the pseudo catalogue as `into/fr/LC_MESSAGES/django.mo`; return `into`, to put
    first in LOCALE_PATHS."""
    pseudo = polib.POFile()
    pseudo.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n > 1);",
    }
    known: set[tuple[str | None, str]] = set()
    for path in catalogues():
        for entry in polib.pofile(str(path)):
            key = (entry.msgctxt, entry.msgid)
            if entry.obsolete or not entry.msgid or key in known:
                continue
            known.add(key)
            marked = polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt)
            if entry.msgid_plural:
                marked.msgid_plural = entry.msgid_plural
                marked.msgstr_plural = {
                    0: OPEN + entry.msgid + CLOSE,
                    1: OPEN + entry.msgid_plural + CLOSE,
                }
            else:
                marked.msgstr = OPEN + entry.msgid + CLOSE
            pseudo.append(marked)
    folder = into / PSEUDO / "LC_MESSAGES"
    folder.mkdir(parents=True)
    pseudo.save_as_mofile(str(folder / "django.mo"))
    return into


# What people typed or imported, model by model: marked in the database before the pages are
# read. Everything else a page shows is the software's own words and must be translated.
TYPED: dict[str, tuple[str, ...]] = {
    "registry.ReferenceSource": ("title", "source", "notes"),
    "registry.Region": ("names",),
    "registry.State": ("short_name", "formal_name"),
    "registry.Organisation": ("names", "programme", "source", "programme_source"),
    "registry.StateProfile": ("summary", "national_cert", "strategy"),
    "offers.Provider": ("name",),
    "offers.Offer": ("title", "description"),
    "accounts.User": ("first_name", "last_name"),
    "accounts.Role": ("reason", "reference"),
    "accounts.ApiToken": ("name",),
    "needs.Assessment": ("answers",),
    "needs.AssistanceRequest": ("title", "description", "principles_note"),
    "needs.RequestTransition": ("reason",),
    "contacts.PointOfContact": ("name", "position", "organisation"),
    "contacts.CheckRound": ("note",),
    "matchmaking.Match": ("state_note", "provider_note"),
    "fund.ExchangeRate": ("source",),
    "fund.Contributor": ("name",),
    "fund.LedgerTransaction": ("memo",),
    "fund.Project": ("title",),
    "programmes.Activity": (
        "title",
        "description",
        "providers",
        "funders",
        "source_detail",
        "curator_note",
    ),
    "programmes.Event": ("title", "description", "venue"),
    "programmes.SearchDocument": ("title", "summary"),
    "programmes.SponsorshipApplication": ("delegate",),
    "programmes.Document": ("source",),
    "programmes.DocumentVersion": ("title",),
    "fund.Indicator": ("source",),
    "fund.Proposal": ("title", "summary", "determination_reason"),
    "fund.ConflictDeclaration": ("reason",),
    "fund.Review": ("comments",),
    "fund.ResultsReport": ("text",),
}


def _marked(value: Any) -> Any:
    """Typed text wrapped in ⟪ ⟫; blanks and anything else as they are."""
    if isinstance(value, str) and value.strip():
        return TYPED_OPEN + value + TYPED_CLOSE
    return value


def mark_typed_text() -> None:
    """Wrap every typed or imported text in the database in ⟪ ⟫ (written directly: this is
    test scaffolding, not a change anyone makes)."""
    for label, fields in TYPED.items():
        model: type[Model] = apps.get_model(label)
        for row in model._default_manager.all():
            for name in fields:
                value = getattr(row, name)
                if isinstance(model._meta.get_field(name), JSONField):
                    value = _marked_json(value, label)
                else:
                    value = _marked(value)
                setattr(row, name, value)
            model._default_manager.filter(pk=row.pk).update(
                **{name: getattr(row, name) for name in fields}
            )


def _marked_json(value: Any, label: str) -> Any:
    if label == "needs.Assessment":  # {code: {"stage": n, "note": "…"}}
        return {
            code: {**answer, "note": _marked(answer.get("note", ""))}
            if isinstance(answer, dict)
            else answer
            for code, answer in (value or {}).items()
        }
    if isinstance(value, list):  # names of organisations: [name, …]
        return [_marked(v) for v in value]
    return {k: _marked(v) for k, v in (value or {}).items()}  # names: {language: name}


class _Text(HTMLParser):
    """The text a reader sees or hears: text nodes and the attributes read aloud, without
    scripts, styles, code samples, typed-in form values, and anything marked as being in
    another language (`lang` other than the page's) or not to translate."""

    SKIPPED = {"script", "style", "code", "kbd", "samp", "textarea"}
    READ = ("alt", "title", "aria-label", "placeholder")
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[bool] = []  # per open element: is its content skipped?
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        lang = found.get("lang")
        skipped = bool(self.stack and self.stack[-1]) or (
            tag in self.SKIPPED
            or found.get("translate") == "no"
            or (lang is not None and lang.split("-")[0] != self.language.split("-")[0])
        )
        if not skipped:
            for name in self.READ:
                if found.get(name):
                    self.pieces.append(str(found[name]))
            if tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
                self.pieces.append(str(found["value"]))
        if tag not in self.VOID:
            self.stack.append(skipped)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]) and data.strip():
            self.pieces.append(data)


MARKED = re.compile(
    f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}|{TYPED_OPEN}[^{TYPED_OPEN}{TYPED_CLOSE}]*{TYPED_CLOSE}"
)
WORD = re.compile(r"[^\W\d_]{2,}")


def unmarked(html: str, allowed: set[str], language: str = PSEUDO) -> list[str]:
    """The words a reader of `html` would see that no catalogue or typist supplied."""
    reader = _Text(language)
    reader.feed(html)
    found = []
    # One text for the page: a translation split over elements (a link inside a sentence, a
    # chart label wrapped onto lines) keeps its marks around the whole.
    for piece in [" ".join(reader.pieces)]:
        text = piece
        while True:  # marks nest (a translated phrase inside a translated sentence)
            stripped = MARKED.sub(" ", text)
            if stripped == text:
                break
            text = stripped
        for token in text.split():
            if _is_code(token):
                continue
            for word in WORD.findall(token):
                if word not in allowed:
                    found.append(word)
    return found


CODE = re.compile(r".*(\d|[A-Z]{2,}|[_:/@.#=-]\w).*")


def _is_code(token: str) -> bool:
    """References, ISO codes, file names, user names, addresses, hashes: "REQ-00012", "KEN",
    "demo-provider", "inputs.json", "sha256:…"."""
    return bool(CODE.fullmatch(token))


def locale_words(language: str = PSEUDO) -> set[str]:
    """Words Babel writes in dates, amounts and language names (CLDR's, not the catalogue's)."""
    locale = Locale.parse(language)
    words: set[str] = set()
    for names in (
        locale.months["format"]["wide"],
        locale.months["format"]["abbreviated"],
        locale.days["format"]["wide"],
        locale.languages,
    ):
        for value in names.values():
            words.update(WORD.findall(str(value)))
    words.update(WORD.findall(locale.currency_symbols.get("USD", "")))
    return words


def data_words(language: str = PSEUDO) -> set[str]:
    """Words of the reference data shipped in six languages (the assessment framework's names
    and stages): data, not the catalogue's."""
    words: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            if language in value and isinstance(value[language], str):
                words.update(WORD.findall(value[language]))
            for inner in value.values():
                collect(inner)
        elif isinstance(value, list):
            for inner in value:
                collect(inner)

    for path in (Path(__file__).parent.parent / "equalfooting" / "needs" / "data").glob("*.json"):
        collect(json.loads(path.read_text(encoding="utf-8")))
    return words
