"""Writes to offers. An offer is open to every State; nothing here can narrow that."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core import languages
from equalfooting.core.errors import InvalidInput, TransitionNotAllowed
from equalfooting.core.numbers import number
from equalfooting.core.validation import clean_choices, clean_date
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.selectors import deadline_open as deadline_open_of
from equalfooting.deadlines.services import (
    deadline_close,
    deadline_lapse,
    deadline_open,
    deadlines_cancel,
)
from equalfooting.domain.matching import MAX_UNITS
from equalfooting.needs import framework as fw
from equalfooting.needs import principles
from equalfooting.needs.models import AssistanceRequest

from . import eligibility, workflow
from .models import Offer, Provider

OFFER_FIELDS = (
    "title",
    "themes",
    "kind",
    "languages",
    "modalities",
    "capacity",
    "unit",
    "available_from",
    "available_until",
    "description",
    "principles",
)


def clean_offer(fields: dict[str, Any]) -> dict[str, Any]:
    """Check every field; raise InvalidInput naming each bad one. Writes nothing."""
    unknown = set(fields) - set(OFFER_FIELDS)
    if unknown:
        # There is, for instance, no field to exclude States: say so plainly.
        raise InvalidInput(
            {name: _("Unknown field. An offer is open to every State.") for name in sorted(unknown)}
        )
    framework = fw.load()
    errors: dict[str, list[str]] = {}
    data = {name: fields.get(name) for name in OFFER_FIELDS}
    if not str(data["title"] or "").strip():
        errors["title"] = [_("Give the offer a title.")]
    themes = data["themes"] or []
    if (
        not isinstance(themes, list)
        or not themes
        or any(framework.dimension(str(t)) is None for t in themes)
    ):
        errors["themes"] = [_("Choose at least one theme from the framework.")]
    if data["kind"] not in AssistanceRequest.Kind.values:
        errors["kind"] = [_("Choose a kind of assistance.")]
    if data["unit"] not in AssistanceRequest.Unit.values:
        errors["unit"] = [_("Choose a unit.")]
    capacity = data["capacity"]
    if isinstance(capacity, str) and capacity.strip().isdigit():
        # More digits than any allowed capacity: too large, without converting a huge string.
        capacity = int(capacity) if len(capacity.strip()) <= 12 else MAX_UNITS + 1
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity <= 0:
        errors["capacity"] = [_("Capacity must be a whole number greater than zero.")]
    elif capacity > MAX_UNITS:
        errors["capacity"] = [
            _("Capacity must not exceed %(maximum)s.") % {"maximum": number(MAX_UNITS)}
        ]
    data["capacity"] = capacity
    for name, allowed, message in (
        ("languages", languages.CODES, _("Choose at least one language.")),
        ("modalities", AssistanceRequest.Modality.values, _("Choose at least one modality.")),
    ):
        chosen = clean_choices(data[name], allowed)
        if chosen is None:
            errors[name] = [message]
        else:
            data[name] = chosen
    start = clean_date(data["available_from"], "available_from", errors)
    end = clean_date(data["available_until"], "available_until", errors)
    if start and end and start > end:
        errors.setdefault("available_until", []).append(
            _("The end date must not be before the start date.")
        )
    data["available_from"], data["available_until"] = start, end
    if not str(data["description"] or "").strip():
        errors["description"] = [_("Describe what is offered.")]
    for name in ("title", "description"):
        named = eligibility.named_parties(str(data[name] or ""))
        if named:
            errors.setdefault(name, []).append(
                _(
                    "This text names %(names)s. An offer made to the mechanism is open to "
                    "every State: eligibility may depend only on theme, language, modality "
                    "and dates."
                )
                % {"names": ", ".join(named)}
            )
    try:
        data["principles"] = principles.clean(data["principles"] or {})
    except InvalidInput as exc:
        errors["principles"] = exc.message_dict["principles"]
    if errors:
        raise InvalidInput(errors)
    return data


def _offer_state(o: Offer) -> dict[str, Any]:
    return {
        "provider": o.provider_id,
        "title": o.title,
        "themes": o.themes,
        "kind": o.kind,
        "languages": o.languages,
        "modalities": o.modalities,
        "capacity": o.capacity,
        "unit": o.unit,
        "available_from": o.available_from.isoformat() if o.available_from else None,
        "available_until": o.available_until.isoformat() if o.available_until else None,
        "description": o.description,
        "principles": o.principles,
        "status": o.status,
    }


@transaction.atomic
def offer_create(*, actor: Any, provider: Provider, **fields: Any) -> Offer:
    permissions.require(actor, "offer.create", provider)
    offer = Offer.objects.create(provider=provider, created_by=actor, **clean_offer(fields))
    audit_append(
        actor=actor,
        action="offers.offer.create",
        object_type="offer",
        object_id=str(offer.pk),
        state=_offer_state(offer),
        public=offer.is_public,
    )
    return offer


@transaction.atomic
def offer_update(*, actor: Any, offer: Offer, **fields: Any) -> Offer:
    permissions.require(actor, "offer.edit", offer)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status not in workflow.EDITABLE:
        raise TransitionNotAllowed(_("Only a draft or published offer can be edited."))
    current = {name: getattr(offer, name) for name in OFFER_FIELDS}
    for name, value in clean_offer({**current, **fields}).items():
        setattr(offer, name, value)
    offer.save()
    audit_append(
        actor=actor,
        action="offers.offer.update",
        object_type="offer",
        object_id=str(offer.pk),
        state=_offer_state(offer),
        public=offer.is_public,
    )
    availability_deadline_keep(actor=actor, offer=offer)
    return offer


@transaction.atomic
def offer_transition(*, actor: Any, offer: Offer, target: str) -> Offer:
    permissions.require(actor, "offer.edit", offer)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if not workflow.allowed(offer.status, target):
        raise TransitionNotAllowed(
            _("An offer that is %(source)s cannot become %(target)s.")
            % {
                "source": Offer.Status(offer.status).label,
                "target": Offer.Status(target).label if target in Offer.Status.values else target,
            }
        )
    offer.status = target
    offer.save(update_fields=["status", "updated_at"])
    audit_append(
        actor=actor,
        action=f"offers.offer.{target}",
        object_type="offer",
        object_id=str(offer.pk),
        state=_offer_state(offer),
        public=offer.is_public,
    )
    availability_deadline_keep(actor=actor, offer=offer)
    if target in workflow.ENDED:
        _matches_no_longer_awaited(actor=actor, offer=offer)
    return offer


def _matches_no_longer_awaited(*, actor: Any, offer: Offer) -> None:
    """An offer withdrawn or closed ends the answers its matches awaited from either side."""
    deadlines_cancel(
        actor=actor,
        kinds=list(Deadline.MATCH_KINDS),
        object_type="match",
        ids=offer.matches.values_list("pk", flat=True),
    )


def availability_end(offer: Offer) -> dt.datetime | None:
    """When an offer's availability ends: the close of its last day (UTC), if it has one."""
    if offer.available_until is None:
        return None
    return dt.datetime.combine(
        offer.available_until + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC
    )


def availability_deadline_keep(*, actor: Any, offer: Offer) -> None:
    """Keep the offer's availability deadline in step with its status and last day (inside the
    caller's transaction): an offer that can be matched ends on its last day; any other has no
    such deadline."""
    kind, end = Deadline.Kind.OFFER_AVAILABILITY, availability_end(offer)
    current = deadline_open_of(kind=kind, object_type="offer", about=offer)
    live = offer.status in (Offer.Status.PUBLISHED, Offer.Status.FULLY_BOOKED) and end is not None
    if current is not None and (not live or current.due_at != end):
        deadline_close(actor=actor, kind=kind, object_type="offer", about=offer, met=False)
        current = None
    if live and current is None:
        deadline_open(actor=actor, kind=kind, object_type="offer", about=offer, due_at=end)


@transaction.atomic
def offer_expire(*, actor: Any, offer: Offer, now: dt.datetime) -> Offer | None:
    """The scheduler ends an offer whose last day has passed: it closes, and is no longer
    matched. Returns the offer if this call closed it."""
    permissions.require(actor, "offer.expire")
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    deadline = deadline_open_of(
        kind=Deadline.Kind.OFFER_AVAILABILITY, object_type="offer", about=offer
    )
    if deadline is None or deadline_lapse(actor=actor, deadline=deadline, now=now) is None:
        return None
    if not workflow.allowed(offer.status, Offer.Status.CLOSED):
        return None
    offer.status = Offer.Status.CLOSED
    offer.save(update_fields=["status", "updated_at"])
    audit_append(
        actor=actor,
        action=f"offers.offer.{offer.status}",
        object_type="offer",
        object_id=str(offer.pk),
        state={**_offer_state(offer), "cause": "availability ended"},
        public=offer.is_public,
    )
    _matches_no_longer_awaited(actor=actor, offer=offer)
    return offer


@transaction.atomic
def provider_create(*, actor: Any, name: str, kind: str) -> Provider:
    """The Secretariat registers a provider organisation; its representatives are nominated."""
    permissions.require(actor, "role.nominate.other")
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the provider's name.")]
    elif Provider.objects.filter(name__iexact=name.strip()).exists():
        errors["name"] = [_("A provider with this name exists already.")]
    if kind not in Provider.Kind.values:
        errors["kind"] = [_("Choose the kind of provider.")]
    if errors:
        raise InvalidInput(errors)
    provider = Provider.objects.create(name=name.strip(), kind=kind)
    audit_append(
        actor=actor,
        action="offers.provider.create",
        object_type="provider",
        object_id=str(provider.pk),
        state={"name": provider.name, "kind": provider.kind},
        # Providers are listed publicly.
        public=True,
    )
    return provider
