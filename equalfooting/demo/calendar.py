"""The demo's calendar: synthetic meetings, trainings, a call and a round deadline, dated
from the day the demo is built so that the calendar always has coming events. Each title says
it is synthetic; the events are marked so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from equalfooting.fund import ledger
from equalfooting.programmes import events, sponsorship
from equalfooting.programmes.models import Event

from .people import ACTOR

# (days from today, local start, hours, kind, title, time zone, attendance, venue,
#  interpretation, themes, region, places: None without registration, 0 for no limit)
EVENTS = [
    (
        12,
        "10:00",
        3,
        Event.Kind.PLENARY,
        "Global Mechanism plenary session (synthetic)",
        "America/New_York",
        Event.Attendance.HYBRID,
        "United Nations Headquarters, New York (synthetic)",
        ["ar", "zh", "en", "fr", "ru", "es"],
        [],
        "",
        None,
    ),
    (
        20,
        "14:00",
        2,
        Event.Kind.THEMATIC_GROUP,
        "Thematic group on incident response, second session (synthetic)",
        "Europe/Zurich",
        Event.Attendance.ONLINE,
        "",
        ["en", "fr", "es"],
        ["incident"],
        "",
        0,
    ),
    (
        27,
        "09:00",
        8,
        Event.Kind.TRAINING,
        "Regional CSIRT analysts' training (synthetic)",
        "Africa/Nairobi",
        Event.Attendance.IN_PERSON,
        "Nairobi (synthetic venue)",
        ["en", "fr", "ar"],
        ["incident", "skills"],
        "002",
        25,
    ),
    (
        34,
        "15:00",
        2,
        Event.Kind.ROUNDTABLE,
        "Roundtable of regional organisations on legal frameworks (synthetic)",
        "America/Santiago",
        Event.Attendance.HYBRID,
        "Santiago (synthetic venue)",
        ["en", "es"],
        ["legal"],
        "019",
        60,
    ),
    (
        41,
        "10:00",
        3,
        Event.Kind.TRAINING,
        "Cyber diplomacy course for Asia-Pacific delegates (synthetic)",
        "Asia/Bangkok",
        Event.Attendance.ONLINE,
        "",
        ["en", "zh", "ru"],
        ["policy", "cooperation"],
        "142",
        0,
    ),
    (
        45,
        "23:59",
        0,
        Event.Kind.CALL,
        "Call for fund proposals closes (synthetic)",
        "UTC",
        Event.Attendance.ONLINE,
        "",
        [],
        [],
        "",
        None,
    ),
    (
        55,
        "17:00",
        0,
        Event.Kind.DEADLINE,
        "Requests for the next matching round are due (synthetic)",
        "UTC",
        Event.Attendance.ONLINE,
        "",
        [],
        [],
        "",
        None,
    ),
]


# The plenary's sponsorship budget, moved from the fund's available money.
SPONSORSHIP = Decimal("25000")


def build() -> None:
    if Event.objects.filter(is_synthetic=True).exists():
        return
    today = timezone.localdate()
    for (
        days,
        start,
        hours,
        kind,
        title,
        zone,
        attendance,
        venue,
        langs,
        themes,
        region,
        places,
    ) in EVENTS:
        day = today + dt.timedelta(days=days)
        starts = dt.datetime.fromisoformat(f"{day.isoformat()}T{start}")
        event = events.event_save(
            actor=ACTOR,
            title=title,
            kind=kind,
            description="Synthetic demo data: a generated event, not a real meeting.",
            time_zone=zone,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=hours),
            attendance=attendance,
            venue=venue,
            interpretation=langs,
            themes=themes,
            region=region,
            takes_registration=places is not None,
            capacity=places or None,
            is_synthetic=True,
        )
        events.event_transition(actor=ACTOR, event=event, target=Event.Status.PUBLISHED)
        if kind == Event.Kind.PLENARY and ledger.balance(ledger.AVAILABLE) >= SPONSORSHIP:
            # Delegates of developing States are sponsored to attend; applications close a
            # week before the session.
            sponsorship.call_open(
                actor=ACTOR,
                event=event,
                budget=f"{SPONSORSHIP:.2f}",
                closes_at=(starts - dt.timedelta(days=7)).isoformat(timespec="minutes"),
            )
