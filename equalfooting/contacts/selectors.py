"""Reads of the directory. The public sees only aggregate figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from equalfooting.core.errors import NotFound
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.selectors import deadlines_open
from equalfooting.registry.models import State

from .models import CheckRound, ContactCheck, PointOfContact

# A check's deadline: the contact acknowledges within EF_CONTACT_CHECK_DAYS of its sending.
CHECK_KIND = Deadline.Kind.CONTACT_CHECK
# How the audit log and the deadlines name a check.
CHECK_OBJECT = "contact_check"


def directory() -> QuerySet[PointOfContact]:
    return PointOfContact.objects.filter(status=PointOfContact.Status.VERIFIED).select_related(
        "state"
    )


def pending() -> QuerySet[PointOfContact]:
    return PointOfContact.objects.filter(status=PointOfContact.Status.NOMINATED).select_related(
        "state"
    )


def contact_from_id(*, contact_id: int, **_ignored: Any) -> PointOfContact:
    """The contact a URL names (`permissions.guard(load=...)`)."""
    contact = PointOfContact.objects.select_related("state").filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(_("No such contact."))
    return contact


def contact_check_from_token(*, token: str) -> ContactCheck:
    """The check a one-time link belongs to; only the token's hash is stored."""
    check = (
        ContactCheck.objects.select_related("contact__state")
        .filter(token_hash=ContactCheck.hash_token(token))
        .first()
    )
    if check is None:
        raise NotFound(_("This link is not valid."))
    return check


@dataclass(frozen=True)
class RoundFigures:
    round_id: int
    launched_at: object
    contacts: int
    answered: int
    within_24h: int
    within_72h: int
    # Sent and not (yet) acknowledged; of those and the late ones, how many lapsed.
    unacknowledged: int = 0
    lapsed: int = 0
    # When the round's checks are due (the latest of their deadlines), if known.
    due_at: dt.datetime | None = None

    def share(self, n: int) -> float:
        return round(100 * n / self.contacts, 1) if self.contacts else 0.0

    @property
    def share_24h(self) -> float:
        return self.share(self.within_24h)

    @property
    def share_72h(self) -> float:
        return self.share(self.within_72h)


def round_figures(*, check_round: CheckRound, due_at: dt.datetime | None = None) -> RoundFigures:
    """A round's figures, counting only the checks that were sent."""
    checks = [c for c in check_round.checks.all() if c.sent_at is not None]
    hours = [c.response_hours for c in checks if c.response_hours is not None]
    return RoundFigures(
        round_id=check_round.pk,
        launched_at=check_round.launched_at,
        contacts=len(checks),
        answered=len(hours),
        within_24h=sum(1 for h in hours if h <= 24),
        within_72h=sum(1 for h in hours if h <= 72),
        unacknowledged=sum(1 for c in checks if c.acknowledged_at is None),
        lapsed=sum(1 for c in checks if c.lapsed_at is not None),
        due_at=due_at,
    )


def _rounds_due(rounds: list[CheckRound]) -> dict[int, dt.datetime]:
    """The latest deadline of each round's sent checks (one query; cancelled ones left out)."""
    round_of = {str(c.pk): r.pk for r in rounds for c in r.checks.all() if c.sent_at is not None}
    if not round_of:
        return {}
    keys = (
        ContactCheck.objects.filter(round__in=[r.pk for r in rounds], sent_at__isnull=False)
        .annotate(key=Cast("pk", output_field=CharField()))
        .values("key")
    )
    due: dict[int, dt.datetime] = {}
    for object_id, due_at in (
        Deadline.objects.filter(kind=CHECK_KIND, object_type=CHECK_OBJECT, object_id__in=keys)
        .exclude(status=Deadline.Status.CANCELLED)
        .values_list("object_id", "due_at")
    ):
        round_id = round_of.get(object_id)
        if round_id is not None and (round_id not in due or due_at > due[round_id]):
            due[round_id] = due_at
    return due


def check_rounds_figures(*, limit: int | None = None, with_due: bool = False) -> list[RoundFigures]:
    """The figures of each check round, newest first; the `limit` latest if given.

    With `with_due` (the Secretariat's page), each also carries its due date, from the checks'
    deadlines; the public figures leave it out.
    """
    found = CheckRound.objects.prefetch_related("checks")
    rounds = list(found[:limit] if limit is not None else found)
    due = _rounds_due(rounds) if with_due else {}
    return [round_figures(check_round=r, due_at=due.get(r.pk)) for r in rounds]


@dataclass(frozen=True)
class WaitingCheck:
    """A check sent to a contact, not yet acknowledged, whose deadline is still open."""

    check_id: int
    round_id: int
    contact_id: int
    contact_name: str
    contact_kind: str  # a `PointOfContact.Kind` value
    state_id: int
    sent_at: dt.datetime
    due_at: dt.datetime


def _waiting(checks: QuerySet[ContactCheck]) -> list[WaitingCheck]:
    """These checks, where still waiting for their contact (two queries), soonest due first."""
    rows = list(
        checks.filter(sent_at__isnull=False, acknowledged_at__isnull=True, lapsed_at__isnull=True)
        .select_related("contact")
        .order_by("pk")
    )
    deadlines = deadlines_open(kind=CHECK_KIND, object_type=CHECK_OBJECT, ids=rows)
    waiting = [
        WaitingCheck(
            check_id=c.pk,
            round_id=c.round_id,
            contact_id=c.contact_id,
            contact_name=c.contact.name,
            contact_kind=c.contact.kind,
            state_id=c.contact.state_id,
            sent_at=c.sent_at,  # type: ignore[arg-type]  # filtered: never null here
            due_at=deadlines[str(c.pk)].due_at,
        )
        for c in rows
        if str(c.pk) in deadlines
    ]
    return sorted(waiting, key=lambda w: (w.due_at, w.check_id))


def checks_waiting(*, state_ids: Iterable[int]) -> list[WaitingCheck]:
    """The checks of these States' contacts still waiting for an acknowledgement.

    Returns a list of `WaitingCheck` (frozen dataclass), soonest due first, one per check
    that was sent, is not acknowledged and whose deadline is open (not lapsed):

        WaitingCheck(check_id: int, round_id: int, contact_id: int, contact_name: str,
                     contact_kind: str (a PointOfContact.Kind value), state_id: int,
                     sent_at: datetime, due_at: datetime)

    Two queries whatever the number of States. For a focal point's home page: pass the States
    the person is a focal point of; the contact's name is shown to that State's focal points
    in the directory already. The contact's e-mail address and the token are never in it.
    """
    ids = list(state_ids)
    if not ids:
        return []
    return _waiting(ContactCheck.objects.filter(contact__state_id__in=ids))


@dataclass(frozen=True)
class DirectoryEntry:
    contact: PointOfContact
    # The contact has an open check: the date it must be confirmed by; otherwise None.
    confirmation_due: dt.datetime | None


def directory_entries() -> list[DirectoryEntry]:
    """The verified contacts by State, kind and name, each with its confirmation due date if a
    check waits for it (three queries for the page)."""
    contacts = sorted(directory(), key=lambda c: (c.state.name, c.kind, c.name))
    due: dict[int, dt.datetime] = {}
    for w in _waiting(ContactCheck.objects.filter(contact__status=PointOfContact.Status.VERIFIED)):
        due[w.contact_id] = max(due.get(w.contact_id, w.due_at), w.due_at)
    return [DirectoryEntry(contact=c, confirmation_due=due.get(c.pk)) for c in contacts]


def public_figures() -> dict[str, object]:
    states_total = State.objects.count()
    nominated = (
        PointOfContact.objects.exclude(status=PointOfContact.Status.WITHDRAWN)
        .values("state")
        .distinct()
        .count()
    )
    verified = directory().values("state").distinct().count()
    rounds = check_rounds_figures(limit=10)
    return {
        "states_total": states_total,
        "states_nominated": nominated,
        "states_verified": verified,
        "rounds": rounds,
    }
