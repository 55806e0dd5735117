"""The offer workflow: which status may follow which."""

from __future__ import annotations

from .models import Offer

Status = Offer.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.PUBLISHED, Status.WITHDRAWN}),
    Status.PUBLISHED: frozenset({Status.FULLY_BOOKED, Status.CLOSED, Status.WITHDRAWN}),
    Status.FULLY_BOOKED: frozenset({Status.PUBLISHED, Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
# An offer can be edited until it is fully booked, closed or withdrawn.
EDITABLE = frozenset({Status.DRAFT, Status.PUBLISHED})


def allowed(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())
