"""Reads of the directory. The public sees only aggregate figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from equalfooting.core.errors import NotFound
from equalfooting.registry.models import State

from .models import CheckRound, ContactCheck, PointOfContact


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

    def share(self, n: int) -> float:
        return round(100 * n / self.contacts, 1) if self.contacts else 0.0

    @property
    def share_24h(self) -> float:
        return self.share(self.within_24h)

    @property
    def share_72h(self) -> float:
        return self.share(self.within_72h)


def round_figures(*, check_round: CheckRound) -> RoundFigures:
    checks = list(check_round.checks.all())
    hours = [c.response_hours for c in checks if c.response_hours is not None]
    return RoundFigures(
        round_id=check_round.pk,
        launched_at=check_round.launched_at,
        contacts=len(checks),
        answered=len(hours),
        within_24h=sum(1 for h in hours if h <= 24),
        within_72h=sum(1 for h in hours if h <= 72),
    )


def check_rounds_figures(*, limit: int | None = None) -> list[RoundFigures]:
    """The figures of each check round, newest first; the `limit` latest if given."""
    rounds = CheckRound.objects.prefetch_related("checks")
    return [round_figures(check_round=r) for r in (rounds[:limit] if limit is not None else rounds)]


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
