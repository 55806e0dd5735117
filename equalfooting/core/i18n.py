"""Small helpers for text held in the six official languages."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from django.conf import settings
from django.utils.translation import get_language


def pick(names: Mapping[str, str], language: str | None = None) -> str:
    """The name in the active language, falling back to English."""
    language = language or get_language() or settings.LANGUAGE_CODE
    return names.get(language) or names.get("en") or next(iter(names.values()), "")


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so "cote" finds "Côte d'Ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
