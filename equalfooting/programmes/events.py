"""The calendar's writes: events kept by the Secretariat, registrations, private links.

Times are entered as the clock shows them where the event takes place (its time zone, an IANA
name such as Europe/Zurich), stored in UTC, and shown in both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import zoneinfo
from functools import cache
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core import languages
from equalfooting.core.errors import InvalidInput, TransitionNotAllowed
from equalfooting.core.validation import limit
from equalfooting.needs import framework as fw
from equalfooting.notifications.models import Notification
from equalfooting.notifications.services import notify
from equalfooting.registry.models import Region

from . import workflow
from .models import CalendarLink, Event, Registration

EVENT_FIELDS = (
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "time_zone",
    "attendance",
    "venue",
    "interpretation",
    "themes",
    "region",
    "takes_registration",
    "capacity",
    "registration_closes_at",
)


@cache
def time_zones() -> frozenset[str]:
    """The IANA time zones this installation knows (from the tzdata package)."""
    return frozenset(zoneinfo.available_timezones())


def local_time(value: Any, zone: zoneinfo.ZoneInfo | None, field: str, errors: dict) -> Any:
    """A clock time at the event's place (naive, or "YYYY-MM-DDTHH:MM"), as an aware time."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            if len(value) > 32:  # longer than any date and time: not one
                raise ValueError(value)
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            errors[field] = [_("Give a date and time, for example 2027-03-15T10:00.")]
            return None
    if not isinstance(value, dt.datetime):
        errors[field] = [_("Give a date and time, for example 2027-03-15T10:00.")]
        return None
    if zone is None:
        return None  # the time zone's own error says what is wrong
    return value.replace(tzinfo=zone) if timezone.is_naive(value) else value.astimezone(zone)


def clean_event(data: dict[str, Any]) -> dict[str, Any]:
    """The event's fields, checked; InvalidInput names every field that is wrong."""
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = [_("Give the event's title.")]
    elif len(title) > limit(Event, "title"):
        errors["title"] = [_("The title is too long.")]
    if data.get("kind") not in Event.Kind.values:
        errors["kind"] = [_("Choose the kind of event.")]
    zone_name = str(data.get("time_zone") or "")
    zone = zoneinfo.ZoneInfo(zone_name) if zone_name in time_zones() else None
    if zone is None:
        errors["time_zone"] = [_("Choose a time zone, for example Europe/Zurich.")]
    starts = local_time(data.get("starts_at"), zone, "starts_at", errors)
    ends = local_time(data.get("ends_at"), zone, "ends_at", errors)
    closes = local_time(data.get("registration_closes_at"), zone, "registration_closes_at", errors)
    if starts is None and "starts_at" not in errors and zone:
        errors["starts_at"] = [_("Give when the event starts.")]
    if ends is None and "ends_at" not in errors and zone:
        errors["ends_at"] = [_("Give when the event ends.")]
    if starts and ends and ends < starts:
        errors["ends_at"] = [_("The event cannot end before it starts.")]
    attendance = data.get("attendance")
    if attendance not in Event.Attendance.values:
        errors["attendance"] = [_("Choose how people attend.")]
    venue = str(data.get("venue") or "").strip()
    if attendance != Event.Attendance.ONLINE and not venue:
        errors["venue"] = [_("Give the venue of an event people attend in person.")]
    interpretation = list(data.get("interpretation") or [])
    if not set(interpretation) <= set(languages.CODES):
        errors["interpretation"] = [_("Choose among the six languages.")]
    themes = list(data.get("themes") or [])
    if not set(themes) <= {d.code for d in fw.load().dimensions}:
        errors["themes"] = [_("Choose among the framework's themes.")]
    region = None
    if data.get("region"):
        region = Region.objects.filter(m49=data["region"]).first()
        if region is None:
            errors["region"] = [_("Choose a region of the list.")]
    takes = bool(data.get("takes_registration"))
    capacity = data.get("capacity") or None
    if capacity is not None and (not isinstance(capacity, int) or capacity < 1):
        errors["capacity"] = [_("Give the number of places as a whole number, at least 1.")]
    if closes and ends and closes > ends:
        errors["registration_closes_at"] = [_("Registration must close before the event ends.")]
    if errors:
        raise InvalidInput(errors)
    return {
        "title": title,
        "kind": data["kind"],
        "description": str(data.get("description") or "").strip(),
        "starts_at": starts,
        "ends_at": ends,
        "time_zone": zone_name,
        "attendance": attendance,
        "venue": venue,
        "interpretation": [c for c in languages.CODES if c in interpretation],
        "themes": themes,
        "region": region,
        "takes_registration": takes,
        "capacity": capacity if takes else None,
        "registration_closes_at": closes if takes else None,
    }


def _state(event: Event) -> dict[str, Any]:
    return {
        "status": event.status,
        "sequence": event.sequence,
        **{
            name: getattr(event, name)
            for name in EVENT_FIELDS
            if name not in ("starts_at", "ends_at", "registration_closes_at", "region")
        },
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "registration_closes_at": event.registration_closes_at.isoformat()
        if event.registration_closes_at
        else None,
        "region": event.region_id,
    }


def _tell_registered(event: Event) -> None:
    """Those registered for a published event hear of its change or cancellation (inside the
    caller's transaction: the notice goes only if the change is made)."""
    registered = [
        r.person
        for r in event.registrations.filter(status=Registration.Status.REGISTERED).select_related(
            "person"
        )
    ]
    notify(
        kind=Notification.Kind.EVENT_CHANGED,
        recipients=registered,
        about=event,
        context={
            "event": event.reference,
            "title": event.title,
            "is_cancelled": event.is_cancelled,
        },
        link=reverse("programmes:event_detail", kwargs={"event_id": event.pk}),
    )


def _audit(actor: Any, event: Event, action: str) -> None:
    audit_append(
        actor=actor,
        action=f"programmes.event.{action}",
        object_type="event",
        object_id=str(event.pk),
        state=_state(event),
        public=event.is_public,
    )


@transaction.atomic
def event_save(*, actor: Any, event: Event | None = None, **data: Any) -> Event:
    """Add an event (a draft) or change one; a published event's change reaches the calendar
    programs that subscribed (its sequence rises)."""
    permissions.require(actor, "event.manage", event)
    fields = clean_event(data)
    if event is None:
        event = Event(created_by=actor if getattr(actor, "pk", None) else None)
        action = "created"
    else:
        event = Event.objects.select_for_update().get(pk=event.pk)
        event.sequence += 1
        action = "changed"
    for name, value in fields.items():
        setattr(event, name, value)
    event.is_synthetic = bool(data.get("is_synthetic", event.is_synthetic))
    event.save()
    _audit(actor, event, action)
    if action == "changed" and event.is_public:
        _tell_registered(event)
    return event


@transaction.atomic
def event_transition(*, actor: Any, event: Event, target: str) -> Event:
    """Publish or cancel an event, as the table in `workflow` allows."""
    permissions.require(actor, "event.manage", event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if target not in workflow.EVENT_TRANSITIONS.get(event.status, frozenset()):
        raise TransitionNotAllowed(_("The event cannot take this step."))
    event.status = target
    event.sequence += 1
    event.save(update_fields=["status", "sequence", "updated_at"])
    _audit(actor, event, target)
    if event.is_cancelled:
        _tell_registered(event)
    return event


def registration_open(event: Event, now: dt.datetime | None = None) -> bool:
    """Whether registration is open now: a published event that takes it, before it closes
    (or, without a closing time, before the event starts)."""
    now = now or timezone.now()
    closes = event.registration_closes_at or event.starts_at
    return event.takes_registration and event.status == Event.Status.PUBLISHED and now < closes


def places_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    taken = event.registrations.filter(status=Registration.Status.REGISTERED).count()
    return max(0, event.capacity - taken)


def _audit_registration(actor: Any, registration: Registration) -> None:
    audit_append(
        actor=actor,
        action=f"programmes.registration.{registration.status}",
        object_type="registration",
        object_id=str(registration.pk),
        state={
            "event": registration.event_id,
            "person": registration.person_id,
            "status": registration.status,
        },
        public=False,  # who registers for what is theirs and the Secretariat's
    )


@transaction.atomic
def registration_create(*, actor: Any, event: Event) -> Registration:
    """Register the person for the event, while registration is open and places are left."""
    permissions.require(actor, "event.register", event)
    event = Event.objects.select_for_update().get(pk=event.pk)  # one place, one person
    if not registration_open(event):
        raise InvalidInput({"event": _("Registration for this event is not open.")})
    found = Registration.objects.filter(event=event, person=actor).first()
    if found is not None and found.is_registered:
        raise InvalidInput({"event": _("You are already registered for this event.")})
    if places_left(event) == 0:
        raise InvalidInput({"event": _("No place is left at this event.")})
    registration = found or Registration(event=event, person=actor)
    registration.status = Registration.Status.REGISTERED
    registration.save()
    _audit_registration(actor, registration)
    return registration


@transaction.atomic
def registration_cancel(*, actor: Any, event: Event) -> Registration:
    """Withdraw the person's own registration (their place goes back to the others)."""
    permissions.require(actor, "event.register", event)
    registration = (
        Registration.objects.select_for_update()
        .filter(event=event, person=actor, status=Registration.Status.REGISTERED)
        .first()
    )
    if registration is None:
        raise InvalidInput({"event": _("You are not registered for this event.")})
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    _audit_registration(actor, registration)
    return registration


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def calendar_link_make(*, actor: Any) -> str:
    """A new private link for the person's calendar feed; any earlier link stops working.
    Returns the link's secret, which is not kept (only its digest is)."""
    permissions.require(actor, "calendar.link")
    secret = secrets.token_urlsafe(32)
    link, _created = CalendarLink.objects.update_or_create(
        person=actor, defaults={"digest": _digest(secret)}
    )
    audit_append(
        actor=actor,
        action="programmes.calendar_link.made",
        object_type="calendar_link",
        object_id=str(link.pk),
        state={"person": actor.pk, "created_at": timezone.now().isoformat()},
    )
    return secret


def calendar_link_owner(secret: str) -> Any:
    """Whose private link this is, or None (an unknown or replaced link)."""
    if not secret or len(secret) > 100:
        return None
    found = CalendarLink.objects.select_related("person").filter(digest=_digest(secret)).first()
    return found.person if found and found.person.is_active else None
