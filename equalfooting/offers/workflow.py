"""The offer workflow: which status may follow which."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Offer

Status = Offer.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.PUBLISHED, Status.WITHDRAWN}),
    Status.PUBLISHED: frozenset({Status.FULLY_BOOKED, Status.CLOSED, Status.WITHDRAWN}),
    Status.FULLY_BOOKED: frozenset({Status.PUBLISHED, Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
# Steps into a status nothing follows cannot be undone: they ask for confirmation first.
FINAL = frozenset(s for s, following in TRANSITIONS.items() if not following)
# Each step's button is named after the action it takes, not the status it leads to.
ACTIONS: dict[str, Promise] = {
    Status.PUBLISHED: _("Publish the offer"),
    Status.FULLY_BOOKED: _("Mark the offer as fully booked"),
    Status.CLOSED: _("Close the offer"),
    Status.WITHDRAWN: _("Withdraw the offer"),
}
# Statuses that end an offer: its matches no longer await an answer.
ENDED = frozenset({Status.CLOSED, Status.WITHDRAWN})
# An offer can be edited until it is fully booked, closed or withdrawn.
EDITABLE = frozenset({Status.DRAFT, Status.PUBLISHED})


def allowed(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())
