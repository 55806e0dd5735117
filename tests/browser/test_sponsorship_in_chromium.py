"""Sponsorship in Chromium, in English and in Arabic: the Secretariat opens a call on a
published event, a focal point applies for a delegate, and, once applications have closed
and the places are decided, the public sees the totals and the published files."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from equalfooting.fund import ledger
from equalfooting.programmes import events, sponsorship
from equalfooting.programmes.models import Event, SponsorshipApplication, SponsorshipCall
from tests import factories
from tests.browser.conftest import keep_screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_call_is_opened_a_delegate_applied_for_and_the_places_decided(
    browser: Any, live_server: Any, lang: str, officer: Any, focal_point_ken: Any, settings: Any
) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0
    base = live_server.url
    factories.contribution_received(officer, amount="20000.00")
    starts = timezone.now() + dt.timedelta(days=30)
    event = events.event_save(
        actor=officer,
        title="Plenary session",
        kind=Event.Kind.PLENARY,
        time_zone="America/New_York",
        starts_at=starts.strftime("%Y-%m-%dT10:00"),
        ends_at=starts.strftime("%Y-%m-%dT17:00"),
        attendance=Event.Attendance.HYBRID,
        venue="United Nations Headquarters",
    )
    events.event_transition(actor=officer, event=event, target=Event.Status.PUBLISHED)
    secretariat, focal_point, public = (browser.new_context() for _ in range(3))
    sign_in(secretariat, base, officer.username)
    sign_in(focal_point, base, focal_point_ken.username)

    page = secretariat.new_page()
    page.goto(f"{base}/{lang}/calendar/{event.pk}/")
    page.fill("input[name=budget]", "8000")
    closes = (timezone.now() + dt.timedelta(days=10)).strftime("%Y-%m-%dT12:00")
    page.fill("input[name=closes_at]", closes)
    page.click("form[action$='/sponsorship/open/'] button[type=submit]")
    call = SponsorshipCall.objects.get()
    assert ledger.balance(call.account) == 8000
    keep_screenshot(page, f"sponsorship-call-open-{lang}")

    page = focal_point.new_page()
    page.goto(f"{base}/{lang}/calendar/{event.pk}/")
    page.fill("input[name=delegate]", {"en": "Amina Otieno", "ar": "أمينة أوتينو"}[lang])
    page.select_option("select[name=gender]", "female")
    page.fill("input[name=rank]", "1")
    page.fill("input[name=cost]", "2400.50")
    page.click("form[action$='/sponsorship/apply/'] button[type=submit]")
    application = SponsorshipApplication.objects.get()
    assert application.state.iso3 == "KEN" and application.is_submitted
    assert page.locator("form[action$='/withdraw/']").is_visible()
    keep_screenshot(page, f"sponsorship-applied-{lang}")

    # Once applications have closed, the Secretariat decides the places by the rule.
    sponsorship.call_select(actor=officer, call=call, now=call.closes_at)
    page = public.new_page()
    page.goto(f"{base}/{lang}/calendar/{event.pk}/")
    assert page.locator("a[href$='/sponsorship/selection.json']").is_visible()
    assert application.delegate not in page.content()
    keep_screenshot(page, f"sponsorship-decided-{lang}")
    assert SponsorshipApplication.objects.get().is_selected
