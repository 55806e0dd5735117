"""Each role signs in, lands on its work page and acts on its first waiting item, in English
and in Arabic, in Chromium: the focal point accepts a match, the provider confirms one, the
reviewer writes a review, the Secretariat screens a request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from equalfooting.fund.models import Review
from equalfooting.matchmaking.models import Match
from equalfooting.needs.models import AssistanceRequest
from tests import factories
from tests.factories import PASSWORD, current_code, totp_device

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _sign_in(page: Any, base: str, lang: str, user: Any, *, two_factor: bool = False) -> None:
    page.goto(f"{base}/{lang}/account/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    if two_factor:
        page.fill("input[name=token]", current_code(totp_device(user)))
        page.click("form.stacked button[type=submit]")
    # Signing in lands on the person's work, in the language they signed in with.
    assert page.url == f"{base}/{lang}/my-work/", page.url
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")


def _first_row(page: Any) -> Any:
    return page.locator("table.work tbody tr").first


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def proposed(focal_point_ken: Any, officer: Any, provider: Any, provider_rep: Any) -> Match:
    factories.assistance_request(
        focal_point_ken, status=AssistanceRequest.Status.OPEN, officer=officer
    )
    factories.published_offer(provider_rep, provider)
    factories.published_round(officer)
    return Match.objects.get()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_focal_point_accepts_its_first_match_from_its_work(
    page: Any, live_server: Any, lang: str, proposed: Match, focal_point_ken: Any
) -> None:
    _sign_in(page, live_server.url, lang, focal_point_ken)
    row = _first_row(page)
    assert proposed.request.reference in row.inner_text()
    assert row.locator("time").count() == 1  # the date to answer by
    _shot(page, f"my-work-focal-point-{lang}")
    row.locator("button[name=decision][value=accept]").click()
    assert page.url == f"{live_server.url}/{lang}/my-work/"
    proposed.refresh_from_db()
    assert proposed.state_decision == Match.StateDecision.ACCEPTED
    assert page.locator("button[name=decision][value=accept]").count() == 0
    assert not page.console_errors


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_provider_confirms_its_first_match_from_its_work(
    page: Any, live_server: Any, lang: str, proposed: Match, provider_rep: Any
) -> None:
    _sign_in(page, live_server.url, lang, provider_rep)
    row = _first_row(page)
    assert proposed.offer.reference in row.inner_text()
    _shot(page, f"my-work-provider-{lang}")
    row.locator("button[name=decision][value=confirm]").click()
    assert page.url == f"{live_server.url}/{lang}/my-work/"
    proposed.refresh_from_db()
    assert proposed.provider_decision == Match.ProviderDecision.CONFIRMED
    assert not page.console_errors


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_reviewer_writes_its_first_review_from_its_work(
    page: Any,
    live_server: Any,
    lang: str,
    focal_point_ken: Any,
    state_ken: Any,
    officer: Any,
    reviewer: Any,
) -> None:
    proposal = factories.proposal_under_review(
        focal_point_ken, state_ken, officer=officer, reviewers=[reviewer], title="A national CSIRT"
    )
    _sign_in(page, live_server.url, lang, reviewer, two_factor=True)
    row = _first_row(page)
    assert proposal.reference in row.inner_text()
    _shot(page, f"my-work-reviewer-{lang}")
    row.locator("td:last-child a").click()
    assert "time" not in page.url  # on the review's own page
    for select in page.locator("form.stacked select[name^=score_]").all():
        select.select_option("4")
    page.select_option("select[name=recommendation]", Review.Recommendation.APPROVE)
    page.click("form.stacked button[type=submit]")
    assert Review.objects.get().status == Review.Status.SUBMITTED
    assert not page.console_errors


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_secretariat_screens_its_first_request_from_its_work(
    page: Any, live_server: Any, lang: str, officer: Any, focal_point_ken: Any
) -> None:
    request = factories.assistance_request(
        focal_point_ken, status=AssistanceRequest.Status.SUBMITTED
    )
    _sign_in(page, live_server.url, lang, officer, two_factor=True)
    row = _first_row(page)
    assert request.reference in row.inner_text()
    _shot(page, f"my-work-secretariat-{lang}")
    row.locator("td:last-child a").click()
    assert page.url == f"{live_server.url}/{lang}/requests/{request.pk}/"
    page.locator(
        f"form.step input[name=target][value={AssistanceRequest.Status.SCREENING}] ~ button"
    ).click()
    request.refresh_from_db()
    assert request.status == AssistanceRequest.Status.SCREENING
    assert not page.console_errors
