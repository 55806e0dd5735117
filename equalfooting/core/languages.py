"""Languages in which assistance can be asked for or given, named through Babel's CLDR data
in the interface language, so the names need no catalogue of their own."""

from __future__ import annotations

from babel import Locale
from django.utils.translation import get_language, to_locale

# The six official languages first, then other widely used languages of instruction.
CODES = (
    "ar",
    "zh",
    "en",
    "fr",
    "ru",
    "es",
    "pt",
    "sw",
    "hi",
    "bn",
    "ur",
    "fa",
    "tr",
    "id",
    "ms",
    "vi",
    "th",
    "de",
    "it",
    "ja",
    "ko",
    "uk",
    "ha",
    "am",
    "so",
    "ne",
    "si",
    "my",
    "km",
    "lo",
    "mn",
    "kk",
    "uz",
    "ky",
    "tg",
)


def name(code: str, interface: str | None = None) -> str:
    locale = Locale.parse(to_locale(interface or get_language() or "en"))
    return locale.languages.get(code, code)


def choices(interface: str | None = None) -> list[tuple[str, str]]:
    return [(code, name(code, interface)) for code in CODES]
