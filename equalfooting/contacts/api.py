"""API routes of the Points of Contact directory, with the same rules as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from equalfooting import permissions
from equalfooting.accounts.api_auth import write_auth
from equalfooting.core.validation import limit
from equalfooting.registry.selectors import state_from_iso3

from . import selectors, services
from .models import PointOfContact

router = Router(tags=["contacts"])


class Error(Schema):
    detail: str


class ContactIn(Schema):
    kind: str = Field("", max_length=limit(PointOfContact, "kind"))
    name: str = Field("", max_length=limit(PointOfContact, "name"))
    position: str = Field("", max_length=limit(PointOfContact, "position"))
    organisation: str = Field("", max_length=limit(PointOfContact, "organisation"))
    email: str = Field("", max_length=limit(PointOfContact, "email"))
    phone: str = Field("", max_length=limit(PointOfContact, "phone"))


class ContactOut(ContactIn):
    id: int
    state: str
    status: str


class CheckRoundOut(Schema):
    round: int
    contacts: int
    answered: int
    within_24h: int
    within_72h: int
    share_24h: float
    share_72h: float


class DirectoryFiguresOut(Schema):
    states_total: int
    states_nominated: int
    states_verified: int
    rounds: list[CheckRoundOut]


def _out(c: PointOfContact) -> dict[str, Any]:
    return {
        "id": c.pk,
        "state": c.state.iso3,
        "status": c.status,
        "kind": c.kind,
        "name": c.name,
        "position": c.position,
        "organisation": c.organisation,
        "email": c.email,
        "phone": c.phone,
    }


@router.get("/contacts", auth=write_auth, response={200: list[ContactOut], 403: Error})
def contacts(request: HttpRequest) -> list[dict[str, Any]]:
    """The verified contacts: for verified contacts (focal points) and the Secretariat only."""
    permissions.require(request.user, "contact.directory")
    return [_out(c) for c in selectors.directory()]


@router.post(
    "/states/{iso3}/contacts",
    auth=write_auth,
    response={201: ContactOut, 403: Error, 404: Error, 422: Error},
)
def contact_nominate(request: HttpRequest, iso3: str, payload: ContactIn) -> Status[dict[str, Any]]:
    state = state_from_iso3(iso3=iso3)
    permissions.require(request.user, "contact.nominate", state)
    return Status(
        201, _out(services.contact_nominate(actor=request.user, state=state, **payload.dict()))
    )


@router.get("/contacts/figures", response=DirectoryFiguresOut)
def figures(request: HttpRequest) -> dict[str, Any]:
    """Public aggregate figures: how many States nominated, and how fast contacts answer."""
    data = selectors.public_figures()
    data["rounds"] = [
        {
            "round": r.round_id,
            "contacts": r.contacts,
            "answered": r.answered,
            "within_24h": r.within_24h,
            "within_72h": r.within_72h,
            "share_24h": r.share_24h,
            "share_72h": r.share_72h,
        }
        for r in data["rounds"]  # type: ignore[attr-defined]
    ]
    return data
