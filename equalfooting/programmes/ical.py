"""The calendar as iCalendar (RFC 5545) feeds, for any calendar program to subscribe to.

Each event keeps one UID for its life and raises its SEQUENCE on every change, so a program
replaces the copy it holds; a cancelled event stays in the feed as STATUS:CANCELLED, so the
programs remove it. Times are written in the event's own time zone, with its definition
(VTIMEZONE) in the file, so no program needs to know the zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from equalfooting.core import languages

from .models import Event

PRODUCT = "-//Equal Footing//Calendar//EN"


@dataclass(frozen=True)
class Due:
    """A deadline in a person's private feed: what is due, by when, and where to act."""

    uid: str
    summary: str
    due_at: dt.datetime
    url: str


def _event(event: Event, *, base: str, domain: str) -> icalendar.Event:
    zone = zoneinfo.ZoneInfo(event.time_zone)
    item = icalendar.Event()
    item.add("uid", f"event-{event.pk}@{domain}")
    item.add("dtstamp", event.updated_at)
    item.add("sequence", event.sequence)
    item.add("dtstart", event.starts_at.astimezone(zone))
    item.add("dtend", event.ends_at.astimezone(zone))
    item.add("summary", event.title)
    details = [event.description] if event.description else []
    if event.interpretation:
        names = ", ".join(languages.name(code) for code in event.interpretation)
        details.append(_("Interpretation: %(languages)s") % {"languages": names})
    if event.takes_registration:
        details.append(_("Registration: %(url)s") % {"url": f"{base}{event.pk}/"})
    item.add("description", "\n\n".join(details))
    item.add("location", event.venue or str(Event.Attendance.ONLINE.label))
    item.add("categories", [str(Event.Kind(event.kind).label)])
    item.add("url", f"{base}{event.pk}/")
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return item


def _due(due: Due) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", due.uid)
    item.add("dtstamp", timezone.now())
    item.add("dtstart", due.due_at)  # no end: a moment, not a span (RFC 5545, 3.6.1)
    item.add("summary", due.summary)
    item.add("url", due.url)
    item.add("transp", "TRANSPARENT")  # a deadline does not make the person busy
    return item


def feed(
    events: Iterable[Event],
    *,
    name: str,
    base: str,
    domain: str,
    dues: Iterable[Due] = (),
) -> bytes:
    """An iCalendar file of the events (and a person's deadlines); `base` is the absolute
    address of the calendar's pages, `domain` the installation's host, for the UIDs."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_event(event, base=base, domain=domain))
    for due in dues:
        calendar.add_component(_due(due))
    calendar.add_missing_timezones()
    return calendar.to_ical()
