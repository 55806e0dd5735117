"""Reads of matchmaking: rounds and matches as the reader may see them, and their figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.core.errors import NotFound
from equalfooting.fund.models import PriorityEntry

from .models import Match, Round


def matching_round_from_id(*, round_id: int, **_ignored: Any) -> Round:
    """The matching round a URL names, for `permissions.guard(load=...)`."""
    found = Round.objects.filter(pk=round_id).first()
    if found is None:
        raise NotFound(_("No such round."))
    return found


def matching_round_visible(*, user: Any, round_id: int) -> Round:
    """A round under review is seen only by those who run rounds; to others it does not exist."""
    round_ = matching_round_from_id(round_id=round_id)
    if round_.status != Round.Status.PUBLISHED and not permissions.can(user, "round.run"):
        raise NotFound(_("No such round."))
    return round_


def matching_rounds_visible(*, user: Any) -> QuerySet[Round]:
    """Published rounds (every round for those who run them), with their match and unit totals."""
    rounds = Round.objects.annotate(n=Count("matches"), units=Sum("matches__units"))
    if not permissions.can(user, "round.run"):
        rounds = rounds.filter(status=Round.Status.PUBLISHED)
    return rounds


def match_from_id(*, match_id: int, **_ignored: Any) -> Match:
    """The match a URL names, for views and API routes (`permissions.guard(load=...)`)."""
    found = (
        Match.objects.select_related("round", "request__state", "offer__provider")
        .filter(pk=match_id)
        .first()
    )
    if found is None:
        raise NotFound(_("No such match."))
    return found


def pairs_excluded() -> set[tuple[int, int]]:
    """(request id, offer id) of every pair declined by either side, or lapsed, in any round:
    such a pair is never proposed again."""
    return set(Match.objects.ended().values_list("request_id", "offer_id"))


def round_matches(*, round_: Round) -> QuerySet[Match]:
    """A round's matches with their request, State, offer and provider."""
    return round_.matches.select_related("request__state", "offer__provider")


def decline_figures() -> dict[str, Any]:
    """Declines by reason, providers' and States' apart, and the totals around them, published
    in aggregate."""
    by_reason = dict(
        Match.objects.filter(provider_decision=Match.ProviderDecision.DECLINED)
        .values_list("decline_reason")
        .annotate(n=Count("pk"))
    )
    state_by_reason = dict(
        Match.objects.filter(state_decision=Match.StateDecision.DECLINED)
        .values_list("state_decline_reason")
        .annotate(n=Count("pk"))
    )
    return {
        "by_reason": by_reason,
        "state_by_reason": state_by_reason,
        # Matches that lapsed, counted apart from declines, by the side that did not answer.
        "state_lapses": Match.objects.filter(state_decision=Match.StateDecision.LAPSED).count(),
        "provider_lapses": Match.objects.filter(
            provider_decision=Match.ProviderDecision.LAPSED
        ).count(),
        "total": Match.objects.published().count(),
        "state_declines": Match.objects.filter(state_decision=Match.StateDecision.DECLINED).count(),
        "queued": PriorityEntry.objects.count(),
        "agreed": Match.objects.filter(
            state_decision=Match.StateDecision.ACCEPTED,
            provider_decision=Match.ProviderDecision.CONFIRMED,
        ).count(),
    }


def priority_entries() -> QuerySet[PriorityEntry]:
    """The fund's priority queue: requests left without help by a provider's legal restriction."""
    return PriorityEntry.objects.select_related("request__state", "match__offer__provider")


# A round's published files (every request and offer it weighed) are large, and a list of
# matches needs only the round's number and status.
ROUND_FILES = ("round__problem", "round__solution", "round__parameters")


def _matches_waiting() -> QuerySet[Match]:
    return (
        Match.objects.published()
        .select_related("round", "request__state", "offer__provider")
        .defer(*ROUND_FILES)
    )


def matches_awaiting_state(*, state_ids: Any) -> list[Match]:
    """Matches these States have yet to answer (the provider has not ended them)."""
    if not state_ids:
        return []
    return [
        m
        for m in _matches_waiting().filter(
            request__state_id__in=state_ids, state_decision=Match.StateDecision.PENDING
        )
        if m.awaits_state
    ]


def matches_awaiting_provider(*, provider_ids: Any) -> list[Match]:
    """Matches these providers have yet to answer (the State has not ended them)."""
    if not provider_ids:
        return []
    return [
        m
        for m in _matches_waiting().filter(
            offer__provider_id__in=provider_ids,
            provider_decision=Match.ProviderDecision.PENDING,
        )
        if m.awaits_provider
    ]


def matches_delivering(*, provider_ids: Any) -> QuerySet[Match]:
    """Agreed matches of these providers whose delivery they have not yet reported complete."""
    return _matches_waiting().filter(
        offer__provider_id__in=provider_ids or [],
        state_decision=Match.StateDecision.ACCEPTED,
        provider_decision=Match.ProviderDecision.CONFIRMED,
        completed_by_provider=False,
    )


def rounds_proposed() -> QuerySet[Round]:
    """Rounds solved and waiting for the Secretariat to publish or discard them."""
    return Round.objects.filter(status=Round.Status.PROPOSED)


def matches_lapsed_since(*, since: Any) -> QuerySet[Match]:
    """Matches that lapsed (on either side) since this moment, newest first."""
    return (
        Match.objects.filter(
            Q(state_decision=Match.StateDecision.LAPSED)
            | Q(provider_decision=Match.ProviderDecision.LAPSED),
            updated_at__gte=since,
        )
        .select_related("round", "request__state", "offer__provider")
        .defer(*ROUND_FILES)
        .order_by("-updated_at")
    )
