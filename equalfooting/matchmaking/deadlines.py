"""What a match's deadlines mean: the reminders before, and the lapse after.

A State answers a proposed match within `EF_MATCH_ANSWER_DAYS` of the round's publication; a
provider answers within `EF_MATCH_CONFIRM_DAYS` of the State's acceptance. A match whose side
did not answer in time lapses: its units go back to the offer (a lapsed match holds none), the
lapse is audited and counted on the public decline statistics, and the pair is never proposed
again. Registered with the deadlines part from `MatchmakingConfig.ready`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from equalfooting import permissions
from equalfooting.accounts.selectors import focal_points_of, representatives_of
from equalfooting.audit.services import audit_append
from equalfooting.deadlines import kinds
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.services import deadline_cancel, deadline_lapse
from equalfooting.needs.workflow import ENDED as REQUEST_ENDED
from equalfooting.notifications.models import Notification
from equalfooting.notifications.services import notify
from equalfooting.offers.workflow import ENDED as OFFER_ENDED

from .models import Match
from .services import match_path, match_snapshot

SCHEDULER = permissions.SYSTEM_SCHEDULER


def _match(deadline: Deadline, *, lock: bool = False) -> Match | None:
    found = Match.objects.select_related("round", "request", "offer")
    if lock:
        found = found.select_for_update(of=("self",))
    return found.filter(pk=int(deadline.object_id)).first()


def _people(match: Match, kind: str) -> list[Any]:
    """Who must act before this deadline: the State's focal points, or the provider's people."""
    if kind == Deadline.Kind.MATCH_STATE_ANSWER:
        return list(focal_points_of(state=match.request.state_id))
    return list(representatives_of(provider=match.offer.provider_id))


def _still_awaited(match: Match) -> bool:
    """The match's request and offer are both still live."""
    return match.request.status not in REQUEST_ENDED and match.offer.status not in OFFER_ENDED


def remind(deadline: Deadline, days_left: int) -> None:
    match = _match(deadline)
    if match is None or not _still_awaited(match):
        return
    notify(
        kind=Notification.Kind.DEADLINE_REMINDER,
        recipients=_people(match, deadline.kind),
        about=deadline,
        context={
            "what": Deadline.Kind(deadline.kind).label,
            "reference": f"{match.request.reference} ↔ {match.offer.reference}",
            "due": deadline.due_at.strftime("%Y-%m-%d %H:%M"),
            "days": days_left,
        },
        link=match_path(match),
    )


def lapse(deadline: Deadline, now: dt.datetime) -> None:
    """The side that did not answer in time: the match lapses and its units return."""
    match = _match(deadline, lock=True)
    if match is None or not _still_awaited(match):
        # Nothing to answer any more (the match is gone, or its request or offer has ended):
        # the deadline is cancelled, never lapsed, so nobody is counted as not answering.
        deadline_cancel(actor=SCHEDULER, deadline=deadline)
        return
    if deadline_lapse(actor=SCHEDULER, deadline=deadline, now=now) is None:
        return
    if deadline.kind == Deadline.Kind.MATCH_STATE_ANSWER:
        if match.state_decision != Match.StateDecision.PENDING:
            return
        match.state_decision = Match.StateDecision.LAPSED
        consequence = _("The match lapsed: the State did not answer in time.")
    else:
        if match.provider_decision != Match.ProviderDecision.PENDING:
            return
        match.provider_decision = Match.ProviderDecision.LAPSED
        consequence = _("The match lapsed: the provider did not answer in time.")
    match.save()
    side = "state" if deadline.kind == Deadline.Kind.MATCH_STATE_ANSWER else "provider"
    audit_append(
        actor=SCHEDULER,
        action=f"matchmaking.match.{side}_lapsed",
        object_type="match",
        object_id=str(match.pk),
        state={**match_snapshot(match), "deadline": deadline.pk},
        public=match.is_public,
    )
    notify(
        kind=Notification.Kind.DEADLINE_LAPSED,
        recipients=[
            *focal_points_of(state=match.request.state_id),
            *representatives_of(provider=match.offer.provider_id),
        ],
        about=deadline,
        context={
            "what": Deadline.Kind(deadline.kind).label,
            "reference": f"{match.request.reference} ↔ {match.offer.reference}",
            "consequence": consequence,
        },
        link=match_path(match),
    )


def register() -> None:
    for kind in Deadline.MATCH_KINDS:
        kinds.handles(kind, remind=remind, lapse=lapse)
