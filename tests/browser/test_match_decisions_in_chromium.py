"""A State answers a proposed match from its request page, in Chromium without JavaScript:
declining goes through a confirmation page of its own, with the reason and a way back."""

from __future__ import annotations

from typing import Any

import pytest

from equalfooting.matchmaking.models import Match
from equalfooting.needs.models import AssistanceRequest
from equalfooting.offers.models import Provider
from equalfooting.registry.models import State
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_focal_point_declines_a_match_on_its_confirmation_page(
    browser: Any,
    live_server: Any,
    focal_point_ken: Any,
    state_ken: State,
    officer: Any,
    provider: Provider,
    provider_rep: Any,
) -> None:
    request = factories.assistance_request(
        focal_point_ken, state_ken, officer=officer, status=AssistanceRequest.Status.OPEN
    )
    factories.published_offer(provider_rep, provider)
    factories.published_round(officer)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(live_server.url + "/en/account/login/")
    page.fill("input[name=username]", focal_point_ken.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")

    page.goto(f"{live_server.url}/en/requests/{request.pk}/")
    assert page.get_by_role("button", name="Accept the match").is_visible()
    page.get_by_role("link", name="Decline the match").click()
    assert page.locator("h1").inner_text() == "Decline the match"
    # Cancel goes back to the request, and nothing was decided.
    page.get_by_role("link", name="Cancel").click()
    assert page.url.endswith(f"/en/requests/{request.pk}/")
    assert Match.objects.get().state_decision == Match.StateDecision.PENDING

    page.get_by_role("link", name="Decline the match").click()
    page.select_option("select[name=reason]", Match.StateDeclineReason.MET_ELSEWHERE)
    page.fill("textarea[name=note]", "Another programme covers it.")
    page.get_by_role("button", name="Decline the match").click()
    assert page.url.endswith(f"/en/requests/{request.pk}/")
    assert "Declined by the State: Met by other assistance" in page.content()
    match = Match.objects.get()
    assert match.state_decline_reason == Match.StateDeclineReason.MET_ELSEWHERE
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()
