"""Reads of deadlines: the open deadline of each object, for the pages that show them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .models import Deadline


def deadlines_open(*, kind: str, object_type: str, ids: Iterable[Any]) -> dict[str, Deadline]:
    """The open deadline of each of these objects, by the object's id as a string (one query)."""
    keys = [str(getattr(i, "pk", i)) for i in ids]
    if not keys:
        return {}
    return {
        d.object_id: d
        for d in Deadline.objects.filter(
            kind=kind, object_type=object_type, object_id__in=keys, status=Deadline.Status.OPEN
        )
    }


def deadline_open(*, kind: str, object_type: str, about: Any) -> Deadline | None:
    """The open deadline of one object, if any."""
    return deadlines_open(kind=kind, object_type=object_type, ids=[about]).get(
        str(getattr(about, "pk", about))
    )
