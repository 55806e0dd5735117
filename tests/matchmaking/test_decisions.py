"""Decisions made right: a State's decline has a reason, a declined pair is never proposed again,
a decline closes the match for the other side, and irreversible steps ask for confirmation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from equalfooting.accounts.models import ApiToken
from equalfooting.accounts.services import api_token_create
from equalfooting.audit.models import AuditEntry
from equalfooting.cli import main
from equalfooting.core.errors import TransitionNotAllowed
from equalfooting.domain import matching
from equalfooting.matchmaking import services
from equalfooting.matchmaking.models import Match, Round
from equalfooting.needs.models import AssistanceRequest
from equalfooting.offers.models import Offer, Provider
from equalfooting.registry.models import State
from equalfooting.transparency import exports, statistics
from tests import factories

pytestmark = pytest.mark.django_db

Reason = Match.StateDeclineReason
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)")


@pytest.fixture
def match(
    focal_point_ken: Any, state_ken: State, officer: Any, provider: Provider, provider_rep: Any
) -> Match:
    """One match of a published round: Kenya's request and the provider's offer."""
    factories.assistance_request(
        focal_point_ken, state_ken, officer=officer, status=AssistanceRequest.Status.OPEN
    )
    factories.published_offer(provider_rep, provider)
    factories.published_round(officer)
    return Match.objects.select_related("round", "request", "offer").get()


def audit_count() -> int:
    return AuditEntry.objects.count()


# --- A State's decline takes a reason ---------------------------------------------------


def test_a_state_decline_needs_a_reason_and_writes_nothing_without_one(
    match: Match, focal_point_ken: Any
) -> None:
    before = audit_count()
    for reason in ("", "because"):
        with pytest.raises(ValidationError) as caught:
            services.match_state_decide(
                actor=focal_point_ken, match=match, accept=False, reason=reason
            )
        assert "reason" in caught.value.message_dict
    assert Match.objects.get().state_decision == Match.StateDecision.PENDING
    assert audit_count() == before

    declined = services.match_state_decide(
        actor=focal_point_ken, match=match, accept=False, reason=Reason.TIMING, note=" Later. "
    )
    assert (declined.state_decision, declined.state_decline_reason, declined.state_note) == (
        Match.StateDecision.DECLINED,
        Reason.TIMING,
        "Later.",
    )
    entry = AuditEntry.objects.get(action="matchmaking.match.state_declined")
    assert entry.payload is not None
    assert entry.payload["state_decline_reason"] == Reason.TIMING


def test_an_acceptance_needs_no_reason(match: Match, focal_point_ken: Any) -> None:
    accepted = services.match_state_decide(actor=focal_point_ken, match=match, accept=True)
    assert (accepted.state_decision, accepted.state_decline_reason) == (
        Match.StateDecision.ACCEPTED,
        "",
    )


def test_state_declines_are_counted_by_reason_next_to_providers(
    client: Client,
    match: Match,
    focal_point_ken: Any,
    state_fra: State,
    focal_point_fra: Any,
    officer: Any,
    provider_rep: Any,
) -> None:
    services.match_state_decide(
        actor=focal_point_ken, match=match, accept=False, reason=Reason.MET_ELSEWHERE
    )
    page = client.get("/en/declines/")
    state_rows = {row["label"]: row["count"] for row in page.context["state_rows"]}
    assert state_rows["Met by other assistance"] == 1 and sum(state_rows.values()) == 1
    # The providers' figures are as they were: none declined.
    assert sum(row["count"] for row in page.context["rows"]) == 0
    assert page.context["state_declines"] == 1
    assert "Declined by the State" in page.content.decode()

    declines = statistics.fairness()["declines"]
    by_side = {(r["side"], r["label"]): r["declines"] for r in declines}
    assert by_side[("State", "Met by other assistance")] == 1
    assert by_side[("State", "Timing")] == 0
    assert by_side[("Provider", "Legal restriction")] == 0
    # Every reason of each side, and a lapse category on each side.
    assert len(declines) == len(Match.DeclineReason) + len(Reason) + 2
    assert by_side[("State", "Lapsed: no answer in time")] == 0
    # The open-data export of matches carries the State's reason too.
    (row,) = [r for r in exports.DATASETS["matches"].rows() if r["state_decision"] == "declined"]
    assert row["state_decline_reason"] == Reason.MET_ELSEWHERE
    assert row["state_decline_reason_label"] == "Met by other assistance"
    dashboard = client.get("/en/figures/fairness/").content.decode()
    assert "Declined by" in dashboard and "Met by other assistance" in dashboard


# --- A decline closes the match for the other side ----------------------------------------


def test_once_the_state_declines_the_provider_cannot_confirm(
    client: Client, match: Match, focal_point_ken: Any, provider_rep: Any
) -> None:
    services.match_state_decide(
        actor=focal_point_ken, match=match, accept=False, reason=Reason.NO_LONGER_NEEDED
    )
    with pytest.raises(TransitionNotAllowed, match="State has declined this match"):
        services.match_provider_decide(actor=provider_rep, match=match, confirm=True)
    client.force_login(provider_rep)
    page = client.post(f"/en/matches/{match.pk}/provider/", {"decision": "confirm"})
    assert page.status_code == 409
    assert "can no longer be confirmed" in page.content.decode()
    # Nor is the decline page open to it any more.
    assert client.get(f"/en/matches/{match.pk}/provider/decline/").status_code == 409
    _token, key = api_token_create(actor=provider_rep, name="t", scope=ApiToken.Scope.WRITE)
    response = client.post(
        f"/api/v1/matches/{match.pk}/provider-decision",
        {"confirm": True},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 409
    assert "can no longer be confirmed" in response.json()["detail"]
    assert Match.objects.get().provider_decision == Match.ProviderDecision.PENDING
    # The round page offers it nothing to press.
    assert "Confirm the match" not in client.get(f"/en/rounds/{match.round_id}/").content.decode()


def test_once_the_provider_declines_the_state_cannot_accept(
    client: Client, match: Match, focal_point_ken: Any, provider_rep: Any
) -> None:
    services.match_provider_decide(
        actor=provider_rep, match=match, confirm=False, reason=Match.DeclineReason.DATES
    )
    with pytest.raises(TransitionNotAllowed, match="provider has declined this match"):
        services.match_state_decide(actor=focal_point_ken, match=match, accept=True)
    client.force_login(focal_point_ken)
    page = client.post(f"/en/matches/{match.pk}/state/", {"decision": "accept"})
    assert page.status_code == 409 and "can no longer be accepted" in page.content.decode()
    _token, key = api_token_create(actor=focal_point_ken, name="t", scope=ApiToken.Scope.WRITE)
    response = client.post(
        f"/api/v1/matches/{match.pk}/state-decision",
        {"accept": True},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 409
    assert Match.objects.get().state_decision == Match.StateDecision.PENDING


def test_the_api_takes_the_states_reason(
    client: Client, match: Match, focal_point_ken: Any
) -> None:
    _token, key = api_token_create(actor=focal_point_ken, name="t", scope=ApiToken.Scope.WRITE)
    url, auth = f"/api/v1/matches/{match.pk}/state-decision", {"Authorization": f"Bearer {key}"}
    response = client.post(url, {"accept": False}, content_type="application/json", headers=auth)
    assert response.status_code == 422 and "reason" in response.content.decode()
    assert Match.objects.get().state_decision == Match.StateDecision.PENDING
    response = client.post(
        url,
        {"accept": False, "reason": Reason.DOES_NOT_FIT},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 200
    assert response.json()["state_decline_reason"] == Reason.DOES_NOT_FIT


# --- A declined pair is never proposed again ----------------------------------------------


def test_a_declined_pair_is_not_proposed_in_the_next_round(
    client: Client,
    tmp_path: Path,
    focal_point_ken: Any,
    state_ken: State,
    officer: Any,
    provider: Provider,
    provider_rep: Any,
) -> None:
    request = factories.assistance_request(
        focal_point_ken, state_ken, officer=officer, status=AssistanceRequest.Status.OPEN
    )
    first_offer = factories.published_offer(provider_rep, provider)
    round_1 = factories.published_round(officer)
    assert round_1.problem["exclusions"] == []
    declined = Match.objects.get(round=round_1)
    assert (declined.request_id, declined.offer_id) == (request.pk, first_offer.pk)
    services.match_state_decide(
        actor=focal_point_ken, match=declined, accept=False, reason=Reason.DOES_NOT_FIT
    )

    # Round 2, with the same offer and a second one: only the new pair is proposed.
    second_offer = factories.published_offer(provider_rep, provider)
    round_2 = factories.published_round(officer)
    pair = {"request": request.reference, "offer": first_offer.reference}
    assert round_2.problem["exclusions"] == [pair]
    assert [(m.request_id, m.offer_id) for m in Match.objects.filter(round=round_2)] == [
        (request.pk, second_offer.pk)
    ]
    explanation = round_2.solution["explanations"][request.reference]
    assert f"{first_offer.reference}: declined or lapsed in an earlier round" in explanation
    assert Match.objects.get(round=round_2).explanation == explanation

    # The published file says so, and re-solving it from the file alone honours it.
    published = client.get(f"/en/rounds/{round_2.pk}/problem.json").json()
    assert published["exclusions"] == [pair]
    source, target = tmp_path / "problem.json", tmp_path / "solution.json"
    source.write_text(json.dumps(published), encoding="utf-8")
    assert main(["match", "solve", "--input", str(source), "--output", str(target)]) == 0
    solved = json.loads(target.read_text(encoding="utf-8"))
    assert solved["assignments"] == round_2.solution["assignments"]
    assert main(["match", "solve", "--input", str(source), "--output", str(target), "--fairness",
                 "max-min-state"]) == 0  # fmt: skip
    assert pair not in [
        {"request": a["request"], "offer": a["offer"]}
        for a in json.loads(target.read_text(encoding="utf-8"))["assignments"]
    ]
    assert matching.parse_problem(published).exclusions == {
        (request.reference, first_offer.reference)
    }

    # Round 3, with only the declined offer left: nothing to propose for the request.
    Offer.objects.filter(pk=second_offer.pk).update(status=Offer.Status.CLOSED)
    Match.objects.filter(round=round_2).update(
        provider_decision=Match.ProviderDecision.DECLINED,
        decline_reason=Match.DeclineReason.NO_CAPACITY,
    )
    round_3 = factories.opened_round(officer, fairness="none")
    assert not round_3.matches.exists()
    assert round_3.solution["explanations"][request.reference] == (
        f"Not matched: its only compatible offer(s) ({first_offer.reference}) were declined or "
        "lapsed in an earlier round."
    )


# --- Pages: actions named after what they do, and confirmation pages ------------------------


def test_the_round_page_names_the_actions_and_declining_asks_for_confirmation(
    client: Client, match: Match, focal_point_ken: Any
) -> None:
    client.force_login(focal_point_ken)
    round_url = f"/en/rounds/{match.round_id}/"
    html = client.get(round_url).content.decode()
    assert "Accept the match" in html and "Decline the match" in html
    decline_url = f"/en/matches/{match.pk}/state/decline/"
    assert decline_url in html

    page = client.get(f"{decline_url}?next={round_url}")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="reason"' in text and "Met by other assistance" in text
    assert f'href="{round_url}"' in text  # Cancel goes back
    assert not INLINE_SCRIPT.search(text) and "confirm(" not in text

    # Without a reason: the form says so, and nothing is written.
    before = audit_count()
    page = client.post(decline_url, {"reason": "", "next": round_url})
    assert page.status_code == 422 and page.context["form"].errors["reason"]
    assert Match.objects.get().state_decision == Match.StateDecision.PENDING
    assert audit_count() == before
    # A decline button posted straight to the decision route goes to the confirmation page.
    response = client.post(f"/en/matches/{match.pk}/state/", {"decision": "decline"})
    assert response.status_code == 302 and response["Location"].startswith(decline_url)
    assert Match.objects.get().state_decision == Match.StateDecision.PENDING

    response = client.post(decline_url, {"reason": Reason.TIMING, "note": "", "next": round_url})
    assert response.status_code == 302 and response["Location"] == round_url
    assert Match.objects.get().state_decline_reason == Reason.TIMING


def test_the_decline_page_refuses_others_and_foreign_return_addresses(
    client: Client, match: Match, focal_point_fra: Any, focal_point_ken: Any
) -> None:
    client.force_login(focal_point_fra)
    url = f"/en/matches/{match.pk}/state/decline/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": Reason.TIMING}).status_code == 403
    client.force_login(focal_point_ken)
    page = client.get(f"{url}?next=https://elsewhere.example/")
    assert page.context["back"] == f"/en/rounds/{match.round_id}/"
    assert 'value="https://elsewhere.example/"' not in page.content.decode()
    response = client.post(url, {"reason": Reason.TIMING, "next": "https://elsewhere.example/"})
    assert response["Location"] == f"/en/rounds/{match.round_id}/"


def test_a_state_answers_from_its_request_page(
    client: Client, match: Match, focal_point_ken: Any, focal_point_fra: Any
) -> None:
    request_url = f"/en/requests/{match.request_id}/"
    assert "Accept the match" not in client.get(request_url).content.decode()
    client.force_login(focal_point_fra)
    assert "Accept the match" not in client.get(request_url).content.decode()
    client.force_login(focal_point_ken)
    html = client.get(request_url).content.decode()
    assert "Accept the match" in html
    assert f"/en/matches/{match.pk}/state/decline/?next=" in html
    response = client.post(
        f"/en/matches/{match.pk}/state/", {"decision": "accept", "next": request_url}
    )
    assert response.status_code == 302 and response["Location"] == request_url
    assert Match.objects.get().state_decision == Match.StateDecision.ACCEPTED
    html = client.get(request_url).content.decode()
    assert "Accepted by the State" in html and "Accept the match" not in html


def test_a_provider_answers_from_its_offer_page(
    client: Client, match: Match, provider_rep: Any, officer: Any
) -> None:
    offer_url = f"/en/offers/{match.offer_id}/"
    html = client.get(offer_url).content.decode()
    assert match.request.reference in html  # published matches are public
    assert "Confirm the match" not in html
    other = factories.provider_representative(
        factories.provider(officer=officer, name="Other Provider"), "other-rep"
    )
    client.force_login(other)
    assert "Confirm the match" not in client.get(offer_url).content.decode()
    client.force_login(provider_rep)
    html = client.get(offer_url).content.decode()
    assert "Confirm the match" in html
    decline_url = f"/en/matches/{match.pk}/provider/decline/"
    assert decline_url in html
    page = client.get(f"{decline_url}?next={offer_url}")
    assert "Legal restriction" in page.content.decode()
    response = client.post(
        decline_url, {"reason": Match.DeclineReason.NO_CAPACITY, "next": offer_url}
    )
    assert response.status_code == 302 and response["Location"] == offer_url
    assert Match.objects.get().decline_reason == Match.DeclineReason.NO_CAPACITY


def test_discarding_a_round_asks_for_confirmation(
    client: Client,
    secretariat: Any,
    focal_point_ken: Any,
    state_ken: State,
    officer: Any,
    provider: Provider,
    provider_rep: Any,
) -> None:
    factories.assistance_request(
        focal_point_ken, state_ken, officer=officer, status=AssistanceRequest.Status.OPEN
    )
    factories.published_offer(provider_rep, provider)
    round_ = factories.opened_round(officer, fairness="none")
    factories.login_with_2fa(client, secretariat)
    html = client.get(f"/en/rounds/{round_.pk}/").content.decode()
    assert "Publish the round" in html and f"/en/rounds/{round_.pk}/discard/" in html
    # The old discard button no longer discards at once: it leads to the confirmation page.
    response = client.post(f"/en/rounds/{round_.pk}/decide/", {"action": "discard"})
    assert response.status_code == 302 and response["Location"].endswith("/discard/")
    assert Round.objects.get().status == Round.Status.PROPOSED
    page = client.get(f"/en/rounds/{round_.pk}/discard/")
    assert page.status_code == 200 and "Cancel" in page.content.decode()
    client.post(f"/en/rounds/{round_.pk}/discard/")
    assert Round.objects.get().status == Round.Status.DISCARDED
    # Others cannot reach the page.
    client.logout()
    client.force_login(focal_point_ken)
    assert client.get(f"/en/rounds/{round_.pk}/discard/").status_code == 403


def test_request_buttons_name_the_action_and_a_withdrawal_is_confirmed(
    client: Client, focal_point_ken: Any, state_ken: State, focal_point_fra: Any
) -> None:
    request = factories.assistance_request(focal_point_ken, state_ken)
    client.force_login(focal_point_ken)
    url = f"/en/requests/{request.pk}/"
    html = client.get(url).content.decode()
    assert "Submit the request" in html and "Withdraw the request" in html
    confirm = f"/en/requests/{request.pk}/confirm/{AssistanceRequest.Status.WITHDRAWN}/"
    assert confirm in html
    page = client.get(confirm)
    text = page.content.decode()
    assert page.status_code == 200 and "textarea" in text and f'href="{url}"' in text
    assert not INLINE_SCRIPT.search(text) and "confirm(" not in text
    # A step that does not end the request has no confirmation page.
    assert client.get(f"/en/requests/{request.pk}/confirm/submitted/").status_code == 409
    client.force_login(focal_point_fra)
    assert client.get(confirm).status_code in (403, 404)
    client.force_login(focal_point_ken)
    client.post(
        f"/en/requests/{request.pk}/transition/",
        {"target": AssistanceRequest.Status.WITHDRAWN, "reason": "No longer needed."},
    )
    assert AssistanceRequest.objects.get(pk=request.pk).status == AssistanceRequest.Status.WITHDRAWN


def test_offer_buttons_name_the_action_and_a_withdrawal_is_confirmed(
    client: Client, provider: Provider, provider_rep: Any
) -> None:
    offer = factories.published_offer(provider_rep, provider)
    client.force_login(provider_rep)
    html = client.get(f"/en/offers/{offer.pk}/").content.decode()
    assert "Withdraw the offer" in html and "Close the offer" in html
    assert "Mark the offer as fully booked" in html
    confirm = f"/en/offers/{offer.pk}/confirm/{Offer.Status.WITHDRAWN}/"
    assert confirm in html
    page = client.get(confirm)
    assert page.status_code == 200 and "Cancel" in page.content.decode()
    assert (
        client.get(f"/en/offers/{offer.pk}/confirm/{Offer.Status.FULLY_BOOKED}/").status_code == 409
    )
    client.post(f"/en/offers/{offer.pk}/transition/", {"target": Offer.Status.WITHDRAWN})
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.WITHDRAWN


def test_a_stranger_cannot_decide(match: Match, focal_point_fra: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.match_state_decide(
            actor=focal_point_fra, match=match, accept=False, reason=Reason.OTHER
        )
