"""Reads of offers and providers, filtered by what the reader may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.core.errors import NotFound
from equalfooting.needs.models import AssistanceRequest

from .models import Offer, Provider


def offer_from_id(*, offer_id: int, **_ignored: Any) -> Offer:
    """The offer a URL names, for views and API routes (`permissions.guard(load=...)`)."""
    found = Offer.objects.select_related("provider").filter(pk=offer_id).first()
    if found is None:
        raise NotFound(_("No such offer."))
    return found


def provider_from_id(*, provider_id: int, **_ignored: Any) -> Provider:
    """The provider a URL names, for views and API routes (`permissions.guard(load=...)`)."""
    found = Provider.objects.filter(pk=provider_id).first()
    if found is None:
        raise NotFound(_("No such provider."))
    return found


def offers_public() -> QuerySet[Offer]:
    """Every offer that left its draft, with its provider: the public list."""
    return Offer.objects.exclude(status=Offer.Status.DRAFT).select_related("provider")


def offer_matches_published(*, offer: Offer) -> QuerySet[Any]:
    """The offer's matches in published rounds (matchmaking's `MatchQuerySet.published`)."""
    return offer.matches.published().select_related("request__state", "offer__provider")


def offers_visible(user: Any, *, provider: Provider | None = None) -> list[Offer]:
    """The offers this user may see (public ones, and the drafts of its own provider)."""
    rows = Offer.objects.select_related("provider")
    if provider is not None:
        rows = rows.filter(provider=provider)
    return [o for o in rows if permissions.can(user, "offer.view", o)]


def offers_of_providers(*, provider_ids: Any) -> list[Offer]:
    """The published (or fully booked) offers of these providers."""
    return list(
        Offer.objects.filter(
            provider_id__in=provider_ids or [],
            status__in=[Offer.Status.PUBLISHED, Offer.Status.FULLY_BOOKED],
        ).order_by("pk")
    )


def unmet_demand(*, offers: list[Offer]) -> dict[int, dict[str, int]]:
    """For each offer: how many requests open for matching, across all States, it could serve
    by theme (in its unit), and of those how many share a language, and also a modality, with
    it. Counts only, no State named: the provider shapes its offers; the matching still
    chooses.

    One query, whatever the number of offers.
    """
    if not offers:
        return {}
    themes = {t for o in offers for t in o.themes}
    # Counted by kind of request (theme, unit, languages, modalities): the kinds are few,
    # however many requests are open, so the rows read do not grow with them.
    kinds = list(
        AssistanceRequest.objects.filter(
            status__in=[
                AssistanceRequest.Status.OPEN,
                AssistanceRequest.Status.PARTLY_MATCHED,
            ],
            theme__in=themes,
        )
        .values_list("theme", "languages", "modalities", "unit")
        .annotate(n=Count("pk"))
        .order_by()
    )
    demand = {}
    for o in offers:
        # Units are commensurable only within one unit (places, expert days, amounts).
        same_theme = [k for k in kinds if k[0] in o.themes and k[3] == o.unit]
        languages = [k for k in same_theme if set(k[1]) & set(o.languages)]
        demand[o.pk] = {
            "theme": sum(k[4] for k in same_theme),
            "language": sum(k[4] for k in languages),
            "modality": sum(k[4] for k in languages if set(k[2]) & set(o.modalities)),
        }
    return demand
