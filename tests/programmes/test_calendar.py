"""The calendar: events kept by the Secretariat in their own time zones, registration with
places, the public iCalendar feeds (all, a theme, a region) and a person's private feed of
deadlines and registered events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from equalfooting.audit.models import AuditEntry
from equalfooting.core.errors import InvalidInput, NotAllowed, TransitionNotAllowed
from equalfooting.matchmaking.models import Match
from equalfooting.notifications.models import Notification
from equalfooting.programmes import events
from equalfooting.programmes.models import Event, Registration
from tests import factories

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.now().year + 1
NAIROBI_TRAINING: dict[str, Any] = {
    "title": "Regional incident-handling training",
    "kind": "training",
    "description": "Three days of exercises for CSIRT analysts.",
    "time_zone": "Africa/Nairobi",
    "starts_at": f"{NEXT_YEAR}-03-15T10:00",
    "ends_at": f"{NEXT_YEAR}-03-17T17:00",
    "attendance": "hybrid",
    "venue": "United Nations Office at Nairobi",
    "interpretation": ["en", "fr", "ar"],
    "themes": ["incident"],
    "region": "002",
    "takes_registration": True,
    "capacity": 1,
}


@pytest.fixture(autouse=True)
def pages_not_cached(settings: Any) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def training(officer: Any) -> Event:
    made = events.event_save(actor=officer, **NAIROBI_TRAINING)
    return events.event_transition(actor=officer, event=made, target=Event.Status.PUBLISHED)


def feed_events(client: Client, path: str, **query: str) -> list[Any]:
    response = client.get(path, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_times_are_read_on_the_events_clock_and_kept_in_utc(officer: Any) -> None:
    made = events.event_save(actor=officer, **NAIROBI_TRAINING)
    # Nairobi is three hours ahead of UTC all year.
    assert made.starts_at == dt.datetime(NEXT_YEAR, 3, 15, 7, 0, tzinfo=dt.UTC)
    assert made.status == Event.Status.DRAFT
    assert made.interpretation == ["ar", "en", "fr"]  # in the order of the six
    entry = AuditEntry.objects.filter(object_type="event").get()
    assert entry.action == "programmes.event.created"


def test_bad_input_names_each_field_and_writes_nothing(officer: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        events.event_save(
            actor=officer,
            **{
                **NAIROBI_TRAINING,
                "time_zone": "Mars/Olympus_Mons",
                "attendance": "in_person",
                "venue": "",
            },
        )
    assert {"time_zone", "venue"} <= set(refused.value.message_dict)
    with pytest.raises(InvalidInput) as refused:
        events.event_save(
            actor=officer,
            **{**NAIROBI_TRAINING, "ends_at": f"{NEXT_YEAR}-03-14T10:00", "themes": ["cooking"]},
        )
    assert {"ends_at", "themes"} <= set(refused.value.message_dict)
    with pytest.raises(InvalidInput) as refused:
        events.event_save(actor=officer, **{**NAIROBI_TRAINING, "starts_at": "next Tuesday"})
    assert "starts_at" in refused.value.message_dict
    assert not Event.objects.exists()
    assert not AuditEntry.objects.filter(object_type="event").exists()


def test_only_the_secretariat_keeps_the_calendar(focal_point_ken: Any) -> None:
    with pytest.raises(NotAllowed):
        events.event_save(actor=focal_point_ken, **NAIROBI_TRAINING)


def test_a_draft_is_the_secretariats_and_a_published_event_everyones(
    officer: Any, client: Client
) -> None:
    made = events.event_save(actor=officer, **NAIROBI_TRAINING)
    assert client.get(f"/en/calendar/{made.pk}/").status_code == 404
    assert NAIROBI_TRAINING["title"] not in client.get("/en/calendar/").content.decode()
    assert feed_events(client, "/en/calendar.ics") == []
    events.event_transition(actor=officer, event=made, target=Event.Status.PUBLISHED)
    page = client.get(f"/en/calendar/{made.pk}/").content.decode()
    assert NAIROBI_TRAINING["title"] in page
    assert "Africa/Nairobi" in page
    assert NAIROBI_TRAINING["title"] in client.get("/ar/calendar/").content.decode()


def test_registration_takes_the_places_there_are(
    training: Event, focal_point_ken: Any, provider_rep: Any
) -> None:
    events.registration_create(actor=focal_point_ken, event=training)
    assert events.places_left(training) == 0
    with pytest.raises(InvalidInput, match="No place is left"):
        events.registration_create(actor=provider_rep, event=training)
    with pytest.raises(InvalidInput, match="already registered"):
        events.registration_create(actor=focal_point_ken, event=training)
    events.registration_cancel(actor=focal_point_ken, event=training)
    registration = events.registration_create(actor=provider_rep, event=training)
    assert registration.is_registered
    actions = list(
        AuditEntry.objects.filter(object_type="registration")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "programmes.registration.registered",
        "programmes.registration.cancelled",
        "programmes.registration.registered",
    ]


def test_registration_closes_and_a_cancelled_event_takes_none(
    officer: Any, focal_point_ken: Any, training: Event
) -> None:
    assert not events.registration_open(training, now=training.starts_at)
    events.event_transition(actor=officer, event=training, target=Event.Status.CANCELLED)
    with pytest.raises(InvalidInput, match="not open"):
        events.registration_create(actor=focal_point_ken, event=training)
    with pytest.raises(TransitionNotAllowed):
        events.event_transition(actor=officer, event=training, target=Event.Status.PUBLISHED)


def test_registering_through_the_page(
    client: Client, training: Event, focal_point_ken: Any
) -> None:
    assert client.post(f"/en/calendar/{training.pk}/register/").status_code in (302, 403)
    assert not Registration.objects.exists()
    client.force_login(focal_point_ken)
    response = client.post(f"/en/calendar/{training.pk}/register/")
    assert response.status_code == 302
    assert Registration.objects.get().person == focal_point_ken
    page = client.get(f"/ar/calendar/{training.pk}/").content.decode()
    assert 'name="cancel"' in page


def test_the_public_feed_gives_the_events_time_zone_and_follows_a_cancellation(
    officer: Any, client: Client, training: Event
) -> None:
    (event,) = feed_events(client, "/en/calendar.ics")
    assert event["SUMMARY"] == NAIROBI_TRAINING["title"]
    assert event["DTSTART"].params["TZID"] == "Africa/Nairobi"
    assert event.decoded("DTSTART").hour == 10
    assert event["STATUS"] == "CONFIRMED"
    assert "Arabic" in event["DESCRIPTION"]
    calendar = icalendar.Calendar.from_ical(client.get("/en/calendar.ics").content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Africa/Nairobi"]
    first_sequence = int(event["SEQUENCE"])
    events.event_transition(actor=officer, event=training, target=Event.Status.CANCELLED)
    (event,) = feed_events(client, "/en/calendar.ics")
    assert event["STATUS"] == "CANCELLED"
    assert int(event["SEQUENCE"]) > first_sequence
    assert event["UID"] == f"event-{training.pk}@testserver"


def test_a_feed_for_one_theme_and_one_region(officer: Any, client: Client, training: Event) -> None:
    plenary = events.event_save(
        actor=officer,
        **{
            **NAIROBI_TRAINING,
            "title": "Plenary session",
            "kind": "plenary",
            "time_zone": "America/New_York",
            "venue": "United Nations Headquarters",
            "themes": ["policy"],
            "region": "",
            "takes_registration": False,
        },
    )
    events.event_transition(actor=officer, event=plenary, target=Event.Status.PUBLISHED)

    def titles(**query: str) -> list[str]:
        return sorted(str(e["SUMMARY"]) for e in feed_events(client, "/en/calendar.ics", **query))

    assert titles() == ["Plenary session", NAIROBI_TRAINING["title"]]
    assert titles(theme="policy") == ["Plenary session"]
    # Africa (002) holds the training's region; sub-Saharan Africa (202) is inside Africa.
    assert titles(region="002") == [NAIROBI_TRAINING["title"]]
    assert titles(region="019") == []


def test_a_private_link_gives_the_persons_deadlines_and_registered_events(
    client: Client, match_proposed: Match, focal_point_ken: Any, training: Event
) -> None:
    events.registration_create(actor=focal_point_ken, event=training)
    secret = events.calendar_link_make(actor=focal_point_ken)
    found = feed_events(client, f"/en/calendar/private/{secret}.ics")
    summaries = sorted(str(e["SUMMARY"]) for e in found)
    assert NAIROBI_TRAINING["title"] in summaries
    (due,) = [e for e in found if str(e["SUMMARY"]).startswith("Match to answer")]
    assert due.decoded("DTSTART") > timezone.now()
    # A match's title is not in the link's feed: only its kind and reference.
    assert match_proposed.request.title not in str(due["SUMMARY"])
    # A new link replaces the old one.
    newer = events.calendar_link_make(actor=focal_point_ken)
    assert client.get(f"/en/calendar/private/{secret}.ics").status_code == 404
    assert client.get(f"/en/calendar/private/{newer}.ics").status_code == 200


def test_the_link_page_shows_a_new_link_once(client: Client, focal_point_ken: Any) -> None:
    client.force_login(focal_point_ken)
    assert "/calendar/private/" not in client.get("/en/calendar/link/").content.decode()
    page = client.post("/en/calendar/link/").content.decode()
    assert "/en/calendar/private/" in page
    assert "/calendar/private/" not in client.get("/en/calendar/link/").content.decode()


def test_the_secretariat_adds_an_event_through_its_form(client: Client, officer: Any) -> None:
    factories.login_with_2fa(client, officer)
    form = {**NAIROBI_TRAINING, "capacity": "30"}
    response = client.post("/en/calendar/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Event.objects.get()
    assert made.capacity == 30 and made.region_id == "002"
    bad = client.post("/en/calendar/new/", {**form, "time_zone": "Nowhere"})
    assert bad.status_code == 422
    assert Event.objects.count() == 1


def test_the_api_lists_the_public_events(client: Client, officer: Any, training: Event) -> None:
    events.event_save(actor=officer, **{**NAIROBI_TRAINING, "title": "A draft"})
    answer = client.get("/api/v1/events", {"theme": "incident"}).json()
    assert [e["title"] for e in answer] == [NAIROBI_TRAINING["title"]]
    assert answer[0]["time_zone"] == "Africa/Nairobi" and answer[0]["region"] == "002"
    assert answer[0]["starts_at"].startswith(f"{NEXT_YEAR}-03-15T07:00")
    assert client.get("/api/v1/events", {"since": "not a time"}).status_code == 422
    # An offset PostgreSQL would refuse is read as the moment it names.
    late = client.get("/api/v1/events", {"since": f"{NEXT_YEAR}-03-15T08:00:00+20:14"})
    assert [e["title"] for e in late.json()] == [NAIROBI_TRAINING["title"]]
    assert client.get("/api/v1/events", {"since": "0001-01-01T00:00:00+20:00"}).status_code == 422


def test_past_events_are_shown_apart_latest_first(officer: Any, client: Client) -> None:
    for title, year in (("Earlier", 2020), ("Later", 2021)):
        made = events.event_save(
            actor=officer,
            **{
                **NAIROBI_TRAINING,
                "title": title,
                "starts_at": f"{year}-03-15T10:00",
                "ends_at": f"{year}-03-15T12:00",
            },
        )
        events.event_transition(actor=officer, event=made, target=Event.Status.PUBLISHED)
    coming = client.get("/en/calendar/").content.decode()
    assert "Earlier" not in coming and "Later" not in coming
    past = client.get("/en/calendar/", {"past": "1"}).content.decode()
    assert past.index("Later") < past.index("Earlier")


def test_those_registered_hear_of_a_change_and_of_a_cancellation(
    officer: Any, training: Event, focal_point_ken: Any, provider_rep: Any
) -> None:
    events.registration_create(actor=focal_point_ken, event=training)
    events.event_save(actor=officer, event=training, **{**NAIROBI_TRAINING, "venue": "Mombasa"})
    events.event_transition(actor=officer, event=training, target=Event.Status.CANCELLED)
    notices = list(Notification.objects.filter(kind="event_changed").order_by("pk"))
    assert [n.recipient for n in notices] == [focal_point_ken, focal_point_ken]
    assert [n.params["is_cancelled"] for n in notices] == [False, True]
    assert notices[0].link.endswith(f"/calendar/{training.pk}/")
    # Only those registered: the provider, who did not register, hears nothing.
    assert not Notification.objects.filter(recipient=provider_rep).exists()
