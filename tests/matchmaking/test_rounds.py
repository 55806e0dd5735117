"""Rounds in the application, end to end: requests and offers, a round run and published, a
State accepts, a provider declines for a legal restriction, and the fund queue takes it up."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from equalfooting.core.errors import TransitionNotAllowed
from equalfooting.fund.models import PriorityEntry
from equalfooting.matchmaking import services
from equalfooting.matchmaking.models import Match, Round
from equalfooting.needs.models import AssistanceRequest
from equalfooting.offers.models import Provider
from equalfooting.registry.models import State
from tests import factories

pytestmark = pytest.mark.django_db


def open_request(focal_point: Any, state: State, officer: Any, **change: Any) -> AssistanceRequest:
    return factories.assistance_request(
        focal_point, state, officer=officer, status=AssistanceRequest.Status.OPEN, **change
    )


def test_a_round_end_to_end(
    client: Client,
    focal_point_ken: Any,
    focal_point_fra: Any,
    state_ken: State,
    state_fra: State,
    officer: Any,
    secretariat: Any,
    provider: Provider,
    provider_rep: Any,
) -> None:
    ken = open_request(focal_point_ken, state_ken, officer, units=8)
    fra = open_request(focal_point_fra, state_fra, officer, units=8)
    other = factories.provider(
        officer=officer, name="Restricted Provider", kind=Provider.Kind.INDUSTRY
    )
    other_rep = factories.provider_representative(other, "other-rep")
    factories.published_offer(provider_rep, provider, capacity=8)
    factories.published_offer(other_rep, other, capacity=8)

    round_ = factories.opened_round(officer, fairness="max-min-state")
    assert round_.status == "proposed"
    assert {r["id"] for r in round_.problem["requests"]} == {ken.reference, fra.reference}
    assert round_.solution["objective"] == pytest.approx(round_.solution["bound"])
    # Before publication, nobody but the Secretariat sees the proposal.
    assert client.get(f"/en/rounds/{round_.pk}/").status_code == 404
    services.round_publish(actor=officer, round_=round_)
    assert client.get(f"/en/rounds/{round_.pk}/").status_code == 200
    problem = client.get(f"/en/rounds/{round_.pk}/problem.json").json()
    assert problem == round_.problem
    # The requesting State sees the matches proposed for its request.
    request_page = client.get(f"/en/requests/{ken.pk}/")
    assert any(m.round_id == round_.pk for m in request_page.context["matches"])

    ken_match = Match.objects.get(round=round_, request=ken)
    fra_match = Match.objects.get(round=round_, request=fra)
    # A State decides only on its own matches; a provider only on its own offers.
    with pytest.raises(PermissionDenied):
        services.match_state_decide(actor=focal_point_fra, match=ken_match, accept=True)
    ken_rep = provider_rep if ken_match.offer.provider_id == provider.pk else other_rep
    stranger = other_rep if ken_rep is provider_rep else provider_rep
    with pytest.raises(PermissionDenied):
        services.match_provider_decide(actor=stranger, match=ken_match, confirm=True)

    services.match_state_decide(actor=focal_point_ken, match=ken_match, accept=True)
    services.match_provider_decide(actor=ken_rep, match=ken_match, confirm=True)
    assert AssistanceRequest.objects.get(pk=ken.pk).status == "matched"
    with pytest.raises(TransitionNotAllowed):
        services.match_state_decide(actor=focal_point_ken, match=ken_match, accept=False)

    fra_rep = provider_rep if fra_match.offer.provider_id == provider.pk else other_rep
    services.match_state_decide(actor=focal_point_fra, match=fra_match, accept=True)
    services.match_provider_decide(
        actor=fra_rep, match=fra_match, confirm=False, reason="legal_restriction"
    )
    entry = PriorityEntry.objects.get()
    assert (entry.request_id, entry.units) == (fra.pk, fra_match.units)
    assert AssistanceRequest.objects.get(pk=fra.pk).status == "open"

    declines = client.get("/en/declines/")
    rows = {row["label"]: row["count"] for row in declines.context["rows"]}
    assert rows["Legal restriction"] == 1 and declines.context["queued"] == 1

    # The Secretariat sees the priority queue (after 2FA); the public does not.
    assert client.get("/en/fund/priority-queue/").status_code == 403
    factories.login_with_2fa(client, secretariat)
    page = client.get("/en/fund/priority-queue/")
    assert page.status_code == 200 and fra.reference in page.content.decode()

    # Delivery is reported by both sides.
    services.match_report(actor=ken_rep, match=ken_match, event="started")
    assert AssistanceRequest.objects.get(pk=ken.pk).status == "in_delivery"
    services.match_report(actor=ken_rep, match=ken_match, event="completed")
    assert AssistanceRequest.objects.get(pk=ken.pk).status == "in_delivery"
    services.match_report(actor=focal_point_ken, match=ken_match, event="completed")
    assert AssistanceRequest.objects.get(pk=ken.pk).status == "completed"


def test_a_round_needs_requests_and_offers(officer: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.round_open(actor=officer)
    assert not Round.objects.exists()


def test_only_the_secretariat_runs_rounds(focal_point_ken: Any, provider_rep: Any) -> None:
    for actor in (focal_point_ken, provider_rep):
        with pytest.raises(PermissionDenied):
            services.round_open(actor=actor)


def test_private_assessments_never_weigh_in_a_published_round(
    focal_point_ken: Any, state_ken: State, officer: Any, provider: Provider, provider_rep: Any
) -> None:
    assessment = factories.submitted_assessment(
        focal_point_ken, state_ken, stage=1, targets={"policy": 5}
    )
    open_request(focal_point_ken, state_ken, officer)
    factories.published_offer(provider_rep, provider)
    problem, parameters = services.build_problem(fairness="none")
    assert parameters["per_request"][problem["requests"][0]["id"]]["gap_share"] == 0.0
    from equalfooting.needs.services import assessment_set_visibility

    assessment_set_visibility(actor=focal_point_ken, assessment=assessment, visibility="public")
    problem, parameters = services.build_problem(fairness="none")
    assert parameters["per_request"][problem["requests"][0]["id"]]["gap_share"] > 0


def test_a_foreign_focal_point_is_refused_on_match_pages(
    client: Client,
    focal_point_ken: Any,
    focal_point_fra: Any,
    state_ken: State,
    officer: Any,
    provider: Provider,
    provider_rep: Any,
) -> None:
    open_request(focal_point_ken, state_ken, officer)
    factories.published_offer(provider_rep, provider)
    round_ = factories.opened_round(officer, fairness="none")
    services.round_publish(actor=officer, round_=round_)
    match = Match.objects.get()
    client.force_login(focal_point_fra)
    for url, data in (
        (f"/en/matches/{match.pk}/state/", {"decision": "accept"}),
        (f"/en/matches/{match.pk}/provider/", {"decision": "confirm"}),
        (f"/en/matches/{match.pk}/report/", {"event": "completed"}),
    ):
        assert client.post(url, data).status_code == 403
    assert Match.objects.get().state_decision == "pending"
