"""Small helpers for text held in the six official languages."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.utils.translation import get_language

# Folding is plain text work: the domain core holds it, and the parts above use it from here.
from equalfooting.domain.text import fold as fold


def pick(names: Mapping[str, str], language: str | None = None) -> str:
    """The name in the active language, falling back to English."""
    language = language or get_language() or settings.LANGUAGE_CODE
    return names.get(language) or names.get("en") or next(iter(names.values()), "")
