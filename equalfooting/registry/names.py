"""How State names appear in running text, for the checks that must find them there.

Used by the offer eligibility check (an offer may not name a State) and by blind review (a
reviewer must not see which State a proposal comes from).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, TypeVar

from equalfooting.core.i18n import fold

from .models import State

T = TypeVar("T")

CJK = re.compile(r"[\u3400-\u9fff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


# Built from the reference data once per process, and built again after a reference-data load.
_reference_caches: list[Any] = []


def reference_cache(build: Callable[[], T]) -> Callable[[], T]:
    """Keep what `build` makes of the reference data until the data is next loaded."""
    cached = cache(build)
    _reference_caches.append(cached)
    return cached


def forget() -> None:
    """Reference data changed: every reference cache is built again on next use."""
    for cached in _reference_caches:
        cached.cache_clear()


def state_name_forms() -> Iterator[tuple[str, Any]]:
    """Each folded everyday form of each State's short and formal names, in every language,
    with the State it names."""
    for state in State.objects.all():
        for name in [*state.short_name.values(), *state.formal_name.values()]:
            for form in everyday_forms(name):
                yield fold(form), state


def everyday_forms(name: str) -> list[str]:
    """The official name and the shorter forms people write: "Iran" for "Iran (Islamic
    Republic of)", "United States" for "United States of America"."""
    forms = [name]
    head = name.split("(")[0].strip()
    if head != name and len(head) >= 4:
        forms.append(head)
    before_of = name.split(" of ")[0]
    if before_of != name and len(before_of.split()) >= 2 and "Republic" not in before_of:
        forms.append(before_of)
    return forms


def pattern(name: str) -> str:
    """A regular expression for a folded name. Russian declines names ("Франция",
    "Франции", "Российской Федерации"): each word matches its stem and a short ending."""
    if not CYRILLIC.search(name):
        return re.escape(name)
    words = []
    for word in re.escape(name).split(r"\ "):
        if len(word) > 5 and word[-2:] in ("ая", "ий", "ый", "ое", "ой", "яя"):
            stem = word[:-2]  # adjectives: Российская, Российской
        elif len(word) > 4 and word[-1] in "аяйьоеыи":
            stem = word[:-1]
        else:
            stem = word
        words.append(stem + r"\w{0,3}")
    return r"\s+".join(words)
