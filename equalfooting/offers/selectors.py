"""Reads of offers and providers, filtered by what the reader may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.core.errors import NotFound

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
