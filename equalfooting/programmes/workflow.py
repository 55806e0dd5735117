"""Curation: which status of a register record may follow which."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Activity, Event

Curation = Activity.Curation

TRANSITIONS: dict[str, frozenset[str]] = {
    Curation.SUBMITTED: frozenset({Curation.UNDER_CURATION, Curation.DECLINED}),
    Curation.UNDER_CURATION: frozenset({Curation.PUBLISHED, Curation.DECLINED}),
    # A published record can be taken back for curation (a correction, a doubt).
    Curation.PUBLISHED: frozenset({Curation.UNDER_CURATION}),
    Curation.DECLINED: frozenset({Curation.UNDER_CURATION}),
}
# Each step's button is named after the action it takes.
ACTIONS: dict[str, Promise] = {
    Curation.UNDER_CURATION: _("Take up for curation"),
    Curation.PUBLISHED: _("Publish the record"),
    Curation.DECLINED: _("Decline the record"),
}
# The steps that need the curator to say why, in the note the proposer and the public read.
NOTE_REQUIRED = frozenset({Curation.DECLINED})
# Where the Secretariat's queue looks.
AWAITING = frozenset({Curation.SUBMITTED, Curation.UNDER_CURATION})


def allowed(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())


# The calendar: an event is prepared as a draft, published, and perhaps cancelled (it then stays
# in the calendar, marked cancelled, so that no one travels to it).
EventStatus = Event.Status
EVENT_TRANSITIONS: dict[str, frozenset[str]] = {
    EventStatus.DRAFT: frozenset({EventStatus.PUBLISHED, EventStatus.CANCELLED}),
    EventStatus.PUBLISHED: frozenset({EventStatus.CANCELLED}),
    EventStatus.CANCELLED: frozenset(),
}
EVENT_ACTIONS: dict[str, Promise] = {
    EventStatus.PUBLISHED: _("Publish the event"),
    EventStatus.CANCELLED: _("Cancel the event"),
}
