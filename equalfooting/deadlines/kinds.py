"""Each kind of deadline: how long it runs, and what its owner does at a reminder and a lapse.

The lengths are settings (`EF_DEADLINE_DAYS`, each read from the environment at start); the
owners (matchmaking, fund, contacts, offers) register their handling from `AppConfig.ready`, so
this part never imports them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .models import Deadline

Kind = Deadline.Kind


@dataclass(frozen=True)
class Handling:
    # Tell the people who must act that `days_left` days remain (a notice, nothing else).
    remind: Callable[[Deadline, int], None]
    # The deadline passed: lock the object, call `services.deadline_lapse`, and if it returns
    # the deadline, make the object's own consequence, all in one transaction.
    lapse: Callable[[Deadline, Any], None]


_HANDLING: dict[str, Handling] = {}


def handles(
    kind: str, *, remind: Callable[[Deadline, int], None], lapse: Callable[[Deadline, Any], None]
) -> None:
    """Register the owner's handling of a kind (once; a second registration replaces it)."""
    if kind not in Kind.values:
        raise ValueError(f"unknown kind of deadline: {kind!r}")
    _HANDLING[kind] = Handling(remind=remind, lapse=lapse)


def handling(kind: str) -> Handling:
    try:
        return _HANDLING[kind]
    except KeyError:
        raise LookupError(f"no part of the mechanism handles deadlines of kind {kind!r}") from None


def length(kind: str) -> dt.timedelta:
    """How long a deadline of this kind runs from its start (`EF_DEADLINE_DAYS`)."""
    return dt.timedelta(days=settings.EF_DEADLINE_DAYS[kind])


def reminder_marks() -> tuple[int, ...]:
    """Days before a deadline when a reminder goes out, the earliest first (7, 2)."""
    return tuple(sorted(set(settings.EF_REMINDER_DAYS), reverse=True))
