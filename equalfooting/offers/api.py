"""API routes for offers. The input schema forbids unknown fields: no way to name a State."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from equalfooting import permissions
from equalfooting.accounts.api_auth import write_auth
from equalfooting.core.errors import NotFound
from equalfooting.core.validation import limit

from . import selectors, services
from .models import Offer
from .selectors import offer_from_id, provider_from_id

router = Router(tags=["offers"])


class Error(Schema):
    detail: str


class OfferIn(Schema):
    # Unknown fields are refused, not ignored: "excluded_states" cannot slip through.
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, max_length=limit(Offer, "title"))
    themes: list[str] | None = Field(None, max_length=50)
    kind: str | None = None
    languages: list[str] | None = None
    modalities: list[str] | None = None
    capacity: Any = None
    unit: str | None = None
    available_from: str | None = None
    available_until: str | None = None
    description: str | None = Field(None, max_length=limit(Offer, "description"))
    principles: dict[str, bool] | None = None


class OfferOut(Schema):
    id: int
    reference: str
    provider: int
    provider_name: str
    title: str
    themes: list[str]
    kind: str
    languages: list[str]
    modalities: list[str]
    capacity: int
    unit: str
    available_from: dt.date | None
    available_until: dt.date | None
    description: str
    principles: dict[str, bool]
    status: str


class TargetIn(Schema):
    target: str = Field(max_length=40)


def _out(o: Offer) -> dict[str, Any]:
    return {
        "id": o.pk,
        "reference": o.reference,
        "provider": o.provider_id,
        "provider_name": o.provider.name,
        "title": o.title,
        "themes": o.themes,
        "kind": o.kind,
        "languages": o.languages,
        "modalities": o.modalities,
        "capacity": o.capacity,
        "unit": o.unit,
        "available_from": o.available_from,
        "available_until": o.available_until,
        "description": o.description,
        "principles": o.principles,
        "status": o.status,
    }


@router.get("/offers", response=list[OfferOut])
def offers(request: HttpRequest) -> list[dict[str, Any]]:
    """Published offers (and the caller's own drafts)."""
    return [_out(o) for o in selectors.offers_visible(request.user)]


@router.get("/offers/{offer_id}", response={200: OfferOut, 404: Error})
def offer(request: HttpRequest, offer_id: int) -> dict[str, Any]:
    found = offer_from_id(offer_id=offer_id)
    if not permissions.can(request.user, "offer.view", found):
        raise NotFound("No such offer.")
    return _out(found)


@router.post(
    "/providers/{provider_id}/offers",
    auth=write_auth,
    response={201: OfferOut, 403: Error, 404: Error, 422: Error},
)
def offer_create(
    request: HttpRequest, provider_id: int, payload: OfferIn
) -> Status[dict[str, Any]]:
    provider = provider_from_id(provider_id=provider_id)
    permissions.require(request.user, "offer.create", provider)
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    return Status(201, _out(services.offer_create(actor=request.user, provider=provider, **fields)))


@router.put(
    "/offers/{offer_id}",
    auth=write_auth,
    response={200: OfferOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def offer_update(request: HttpRequest, offer_id: int, payload: OfferIn) -> dict[str, Any]:
    found = offer_from_id(offer_id=offer_id)
    permissions.require(request.user, "offer.edit", found)
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    return _out(services.offer_update(actor=request.user, offer=found, **fields))


@router.post(
    "/offers/{offer_id}/transition",
    auth=write_auth,
    response={200: OfferOut, 403: Error, 404: Error, 409: Error},
)
def offer_transition(request: HttpRequest, offer_id: int, payload: TargetIn) -> dict[str, Any]:
    found = offer_from_id(offer_id=offer_id)
    permissions.require(request.user, "offer.edit", found)
    return _out(services.offer_transition(actor=request.user, offer=found, target=payload.target))
