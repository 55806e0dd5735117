"""Each role's work page: what waits for the person, the nearest deadline first, the action
at hand; and a page whose queries do not grow with the number of waiting items."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from equalfooting.accounts.models import Role
from equalfooting.matchmaking.models import Match
from equalfooting.needs.models import AssistanceRequest
from equalfooting.web.work import PER_KIND
from tests import factories
from tests.factories import login_with_2fa

pytestmark = pytest.mark.django_db


def _page(user: Any, *, two_factor: bool = False) -> str:
    client = Client()
    if two_factor:  # the Secretariat's and reviewers' work shows once 2FA is passed
        login_with_2fa(client, user)
    else:
        client.force_login(user)
    response = client.get(reverse("core:my_work"))
    assert response.status_code == 200
    return response.content.decode()


def test_signing_in_lands_on_my_work(focal_point_ken: Any) -> None:
    client = Client()
    focal_point_ken.set_password("a long enough password 1")
    focal_point_ken.save()
    response = client.post(
        reverse("accounts:login"),
        {"username": focal_point_ken.username, "password": "a long enough password 1"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:my_work")


def test_the_focal_point_answers_a_match_from_the_page(
    match_proposed: Match, focal_point_ken: Any
) -> None:
    page = _page(focal_point_ken)
    assert match_proposed.request.reference in page
    assert reverse("matchmaking:match_state", args=[match_proposed.pk]) in page
    due = re.search(r'<time datetime="([^"]+)">', page)
    assert due is not None  # the answer's deadline, shown
    client = Client()
    client.force_login(focal_point_ken)
    answered = client.post(
        reverse("matchmaking:match_state", args=[match_proposed.pk]),
        {"decision": "accept", "next": reverse("core:my_work")},
    )
    assert answered.status_code == 302 and answered["Location"] == reverse("core:my_work")
    match_proposed.refresh_from_db()
    assert match_proposed.state_decision == Match.StateDecision.ACCEPTED
    assert reverse("matchmaking:match_state", args=[match_proposed.pk]) not in _page(
        focal_point_ken
    )


def test_the_provider_confirms_from_the_page_and_sees_unmet_demand(
    match_proposed: Match, provider_rep: Any
) -> None:
    page = _page(provider_rep)
    assert reverse("matchmaking:match_provider", args=[match_proposed.pk]) in page
    # The offer's row of unmet demand counts the open request it could serve.
    assert match_proposed.offer.reference in page
    assert "Kenya" not in page.split("Unmet demand")[1]  # counts only: no State named


def test_the_reviewer_sees_the_review_to_write(
    focal_point_ken: Any, state_ken: Any, officer: Any, reviewer: Any
) -> None:
    proposal = factories.proposal_under_review(
        focal_point_ken, state_ken, officer=officer, reviewers=[reviewer], title="Kenya CSIRT"
    )
    page = _page(reviewer, two_factor=True)
    assert proposal.reference in page
    assert "Kenya" not in page.split("<main")[1]  # blind: the reference only
    assert '<time datetime="' in page


def test_the_secretariat_sees_nominations_and_requests_to_screen(
    officer: Any, focal_point_ken: Any
) -> None:
    role = factories.nomination(by=officer, email="new@example.org", kind=Role.Kind.REVIEWER)
    request = factories.assistance_request(
        focal_point_ken, status=AssistanceRequest.Status.SUBMITTED
    )
    page = _page(officer, two_factor=True)
    assert role.user.get_username() in page
    assert reverse("accounts:nominations") in page.split("<main")[1]
    assert request.reference in page
    assert reverse("needs:request_detail", args=[request.pk]) in page


def _queries(user: Any) -> int:
    client = Client()
    login_with_2fa(client, user)
    client.get(reverse("core:my_work"))  # warm the session and caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("core:my_work")).status_code == 200
    return len(captured.captured_queries)


def test_the_page_does_not_grow_in_queries_with_the_waiting_items(
    focal_point_ken: Any, officer: Any, provider: Any, provider_rep: Any
) -> None:
    """One waiting item, then fifty: the same number of queries, for each role."""

    def requests(n: int) -> None:
        for _ in range(n):
            factories.assistance_request(
                focal_point_ken, status=AssistanceRequest.Status.OPEN, officer=officer, units=1
            )
            factories.assistance_request(focal_point_ken, status=AssistanceRequest.Status.SUBMITTED)
        factories.published_offer(provider_rep, provider, capacity=1000)
        factories.published_round(officer)

    requests(1)
    one = {
        who: _queries(user)
        for who, user in (
            ("state", focal_point_ken),
            ("provider", provider_rep),
            ("secretariat", officer),
        )
    }
    requests(49)
    assert Match.objects.filter(state_decision=Match.StateDecision.PENDING).count() >= 50
    assert _page(focal_point_ken).count(">Accept the match<") == PER_KIND  # the first of 50
    fifty = {
        who: _queries(user)
        for who, user in (
            ("state", focal_point_ken),
            ("provider", provider_rep),
            ("secretariat", officer),
        )
    }
    assert fifty == one


def test_the_secretariats_work_waits_for_two_factor_authentication(
    secretariat: Any, officer: Any, focal_point_ken: Any
) -> None:
    """Signed in with the password only, an officer sees none of the Secretariat's work (no
    nominee, no request), only the way to pass two-factor authentication."""
    role = factories.nomination(by=officer, email="nominee@example.org", kind=Role.Kind.REVIEWER)
    request = factories.assistance_request(
        focal_point_ken, status=AssistanceRequest.Status.SUBMITTED
    )
    client = Client()
    client.force_login(secretariat)  # no second factor in this session
    page = client.get(reverse("core:my_work")).content.decode()
    assert role.user.get_username() not in page
    assert request.reference not in page
    assert reverse("accounts:otp_verify") in page


def test_each_kind_shows_at_most_its_share_and_says_where_the_rest_are(
    officer: Any, focal_point_ken: Any
) -> None:
    """However much waits, the page lists PER_KIND of each kind, so it costs the same; the
    section then says more are waiting and links to the list that holds them all."""
    for _ in range(PER_KIND):
        factories.assistance_request(focal_point_ken, status=AssistanceRequest.Status.SUBMITTED)
    page = _page(officer, two_factor=True)
    assert page.count(">Screen the request<") == PER_KIND
    assert "More are waiting" not in page
    factories.assistance_request(focal_point_ken, status=AssistanceRequest.Status.SUBMITTED)
    page = _page(officer, two_factor=True)
    assert page.count(">Screen the request<") == PER_KIND
    note = page.split("More are waiting:")[1].split("</p>")[0]
    everything = reverse("needs:request_list") + "?status=submitted"
    assert f'<a href="{everything}">Request to screen</a>' in note
