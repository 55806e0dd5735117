"""The calendar in Chromium, in English and in Arabic: the Secretariat (with its second
factor) adds an event on its own clock and publishes it, a focal point finds it by its theme
and registers for it, and the public feed carries it."""

from __future__ import annotations

import urllib.request
from typing import Any

import icalendar
import pytest
from django.utils import timezone

from equalfooting.programmes.models import Event, Registration
from tests.browser.conftest import keep_screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_an_event_is_added_published_found_and_registered_for(
    browser: Any, live_server: Any, lang: str, officer: Any, focal_point_ken: Any, settings: Any
) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0
    base = live_server.url
    year = timezone.now().year + 1
    title = {"en": "Regional incident-handling training", "ar": "تدريب إقليمي على معالجة الحوادث"}[
        lang
    ]
    secretariat, focal_point = browser.new_context(), browser.new_context()
    sign_in(secretariat, base, officer.username)
    sign_in(focal_point, base, focal_point_ken.username)

    page = secretariat.new_page()
    page.goto(f"{base}/{lang}/calendar/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    page.click("a[href$='/calendar/new/']")
    page.fill("input[name=title]", title)
    page.select_option("select[name=kind]", "training")
    page.fill("input[name=time_zone]", "Africa/Nairobi")
    page.fill("input[name=starts_at]", f"{year}-03-15T10:00")
    page.fill("input[name=ends_at]", f"{year}-03-17T17:00")
    page.select_option("select[name=attendance]", "hybrid")
    page.fill("input[name=venue]", "Nairobi")
    page.check("input[name=interpretation][value=ar]")
    page.check("input[name=interpretation][value=en]")
    page.check("input[name=themes][value=incident]")
    page.check("input[name=takes_registration]")
    page.fill("input[name=capacity]", "20")
    page.click("form.stacked button[type=submit]")
    assert page.locator("h1").inner_text().startswith(title)
    event = Event.objects.get()
    # Ten in the morning in Nairobi is seven in UTC.
    assert event.starts_at.hour == 7 and event.status == Event.Status.DRAFT
    page.click("button[name=target][value=published]")
    assert Event.objects.get().status == Event.Status.PUBLISHED
    keep_screenshot(page, f"calendar-event-published-{lang}")

    page = focal_point.new_page()
    page.goto(f"{base}/{lang}/calendar/")
    page.select_option("select[name=theme]", "incident")
    page.click("form.filters button[type=submit]")
    keep_screenshot(page, f"calendar-by-theme-{lang}")
    page.get_by_role("link", name=title).click()
    page.click(f"form[action$='/calendar/{event.pk}/register/'] button[type=submit]")
    assert Registration.objects.get(event=event).person == focal_point_ken
    assert page.locator("button[name=cancel]").is_visible()
    keep_screenshot(page, f"calendar-registered-{lang}")

    with urllib.request.urlopen(f"{base}/{lang}/calendar.ics?theme=incident") as answer:  # noqa: S310 - the test's own server
        (entry,) = icalendar.Calendar.from_ical(answer.read()).walk("VEVENT")
    assert entry["SUMMARY"] == title
    assert entry["DTSTART"].params["TZID"] == "Africa/Nairobi"
