"""Candidate duplicates in the register: two records that may describe one activity.

A pair is a candidate when the records share a provider or a funder (names compared without
case or accents), reach at least one beneficiary in common (a State, or the same region or
group), have a theme in common (records on different themes are not one activity), and have
dates that overlap (an open end overlaps everything); and, where both titles
are written in the same language, when the titles are alike (RapidFuzz's token-set ratio of at
least SIMILAR, on folded text). Titles in two languages are not compared: a Spanish and an
English record of one programme are a candidate on the other tests alone. The curator decides;
this only finds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz import fuzz

from .text import fold

# Token-set ratio (0 to 100) from which two titles in one language count as alike.
SIMILAR = 80


@dataclass(frozen=True)
class Record:
    key: int
    names: frozenset[str]  # providers and funders, as given
    reach: frozenset[str]  # beneficiary ISO codes, and "region:…" or "group:…"
    themes: frozenset[str]
    start: dt.date | None
    end: dt.date | None
    title: str
    language: str


@dataclass(frozen=True)
class Candidate:
    first: int  # the smaller key
    second: int
    names: tuple[str, ...]  # the providers or funders they share (folded)
    reach: tuple[str, ...]  # the beneficiaries they share
    title_similarity: int | None  # None where the titles are in two languages


def _overlap(a: Record, b: Record) -> bool:
    if a.start and b.end and a.start > b.end:
        return False
    return not (b.start and a.end and b.start > a.end)


def similarity(a: str, b: str) -> int:
    return round(fuzz.token_set_ratio(fold(a), fold(b)))


def candidates(records: Iterable[Record], kept_apart: set[tuple[int, int]]) -> list[Candidate]:
    """Every candidate pair, smaller key first, in key order; pairs kept apart are left out.

    Only records that share a name are compared (they are grouped by name first), so the work
    grows with the pairs under one provider, not with the square of the register."""
    records = list(records)
    by_key = {r.key: r for r in records}
    folded = {r.key: {fold(n) for n in r.names if n.strip()} for r in records}
    under: dict[str, list[int]] = defaultdict(list)
    for key, names in folded.items():
        for name in names:
            under[name].append(key)
    pairs: set[tuple[int, int]] = set()
    for keys in under.values():
        pairs.update(combinations(sorted(keys), 2))
    found = []
    for first, second in sorted(pairs - kept_apart):
        a, b = by_key[first], by_key[second]
        shared_reach = a.reach & b.reach
        if not shared_reach or not (a.themes & b.themes) or not _overlap(a, b):
            continue
        score = similarity(a.title, b.title) if a.language == b.language else None
        if score is not None and score < SIMILAR:
            continue
        found.append(
            Candidate(
                first,
                second,
                tuple(sorted(folded[first] & folded[second])),
                tuple(sorted(shared_reach)),
                score,
            )
        )
    return found
