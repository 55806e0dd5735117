"""How a deadline's status may change: once closed, it stays closed."""

from __future__ import annotations

from .models import Deadline

Status = Deadline.Status

TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (Status.OPEN, Status.MET),  # the person acted in time
        (Status.OPEN, Status.LAPSED),  # the deadline passed first
        (Status.OPEN, Status.CANCELLED),  # the act is no longer needed (the other side declined)
    }
)


def allowed(source: str, target: str) -> bool:
    return (source, target) in TRANSITIONS
