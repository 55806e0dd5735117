"""Keyset paging for the long lists: the ledger, the audit chain, requests, offers, rounds.

A page is found from the key of the row next to it (`?before=<key>` for older rows,
`?after=<key>` for newer ones), through the key's index, so page 20,000 of a million postings
costs what the first page costs; no page counts the rows (a count reads them all). Rows are
shown newest first, by a unique whole-number key (the primary key, or the chain's number).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .errors import InvalidInput

PER_PAGE = 25


@dataclass
class KeysetPage:
    """One page of rows, with the keys that lead to the pages either side (None at an end)."""

    object_list: list[Any] = field(default_factory=list)
    newer: int | None = None
    older: int | None = None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _key(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise InvalidInput(
            {name: _("%(name)s: a page is named by a whole number.") % {"name": name}}
        )
    return int(raw)


def keyset_page(
    rows: QuerySet[Any], request: HttpRequest, *, key: str = "pk", per_page: int = PER_PAGE
) -> KeysetPage:
    """The page of `rows` the request asks for, newest (highest `key`) first."""
    before, after = _key(request, "before"), _key(request, "after")
    if after is not None:
        # The page above `after`: read upwards from it, then show it newest first.
        found = list(rows.filter(**{f"{key}__gt": after}).order_by(key)[: per_page + 1])
        more_newer = len(found) > per_page
        found = found[:per_page][::-1]
        return KeysetPage(
            found,
            newer=getattr(found[0], key) if found and more_newer else None,
            older=getattr(found[-1], key) if found else None,
        )
    if before is not None:
        rows = rows.filter(**{f"{key}__lt": before})
    found = list(rows.order_by(f"-{key}")[: per_page + 1])
    more_older = len(found) > per_page
    found = found[:per_page]
    return KeysetPage(
        found,
        newer=getattr(found[0], key) if found and before is not None else None,
        older=getattr(found[-1], key) if found and more_older else None,
    )
