"""Proposals, blind review and determinations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from equalfooting.accounts.models import ApiToken, Role
from equalfooting.accounts.services import api_token_create
from equalfooting.core.errors import TransitionNotAllowed
from equalfooting.fund import ledger, proposals
from equalfooting.fund.models import PriorityEntry, Project, Proposal, Review
from equalfooting.registry.models import State
from tests import factories

pytestmark = pytest.mark.django_db

# The State's names in all six languages, in the text, to prove the reviewer never sees them.
TITLE = "Strengthening the Kenyan national CSIRT (KE-CIRT)"
SUMMARY = (
    "The Republic of Kenya asks for support. Kenya / كينيا / 肯尼亚 / Кения. "
    "The team in KEN will train 40 analysts."
)


@pytest.fixture
def funded_kenya(officer: Any) -> None:
    factories.contribution_received(officer, amount="100000.00")
    ledger.post(
        kind="allocation",
        source=ledger.AVAILABLE,
        target=ledger.envelope("KEN"),
        amount=Decimal("50000.00"),
        actor=officer,
    )


def submitted(focal_point: Any, state: State, **extra: Any) -> Proposal:
    proposal = proposals.proposal_create(
        actor=focal_point,
        state=state,
        title=TITLE,
        summary=SUMMARY,
        theme="incident",
        amount="30000.00",
        **extra,
    )
    return proposals.proposal_transition(actor=focal_point, proposal=proposal, target="submitted")


def test_from_proposal_to_project_with_commitment_and_disbursement(
    focal_point_ken: Any,
    state_ken: State,
    officer: Any,
    reviewer: Any,
    funded_kenya: None,
) -> None:
    proposal = submitted(focal_point_ken, state_ken)
    proposals.reviewers_assign(actor=officer, proposal=proposal, reviewers=[reviewer])
    review = Review.objects.get()
    with pytest.raises(ValidationError) as caught:
        proposals.review_submit(
            actor=reviewer, review=review, scores={"relevance": 9}, recommendation="maybe"
        )
    assert {"score_relevance", "score_feasibility", "recommendation"} <= set(
        caught.value.message_dict
    )
    proposals.review_submit(
        actor=reviewer,
        review=review,
        recommendation="approve",
        scores={"relevance": 5, "feasibility": 4, "sustainability": 4, "value": 3, "principles": 5},
    )
    with pytest.raises(ValidationError):  # a determination gives its reasons
        proposals.proposal_determine(
            actor=officer, proposal=proposal, decision="approved", reason=""
        )
    proposal = proposals.proposal_determine(
        actor=officer, proposal=proposal, decision="approved", reason="Scores 4.2 of 5."
    )
    project = proposal.project
    assert project is not None and project.committed == Decimal("30000.00")
    assert ledger.balance(ledger.envelope("KEN")) == Decimal("20000.00")
    from equalfooting.fund.services import project_disburse

    project_disburse(actor=officer, project=project, amount="10000.00")
    with pytest.raises(ValidationError):
        project_disburse(actor=officer, project=project, amount="20000.01")
    proposals.results_report(actor=focal_point_ken, project=project, text="Forty analysts trained.")
    from equalfooting.fund.services import project_refund

    with pytest.raises(ValidationError):
        project_refund(actor=officer, project=project, amount="10000.01")
    project_refund(actor=officer, project=project, amount="2500.00", memo="unspent")
    assert ledger.balance(ledger.DISBURSED) == Decimal("7500.00")
    assert ledger.balances_agree()


def test_revision_and_resubmission(
    focal_point_ken: Any, state_ken: State, officer: Any, reviewer: Any
) -> None:
    proposal = submitted(focal_point_ken, state_ken)
    proposals.reviewers_assign(actor=officer, proposal=proposal, reviewers=[reviewer])
    proposal = proposals.proposal_determine(
        actor=officer, proposal=proposal, decision="revise", reason="Budget unclear."
    )
    with pytest.raises(TransitionNotAllowed):
        proposals.proposal_determine(
            actor=officer, proposal=proposal, decision="approved", reason="x"
        )
    proposal = proposals.proposal_transition(
        actor=focal_point_ken, proposal=proposal, target="submitted"
    )
    assert proposal.status == "submitted"


def test_an_approval_beyond_the_envelope_is_refused_and_changes_nothing(
    focal_point_ken: Any, state_ken: State, officer: Any, reviewer: Any
) -> None:
    proposal = submitted(focal_point_ken, state_ken)  # no envelope at all
    proposals.reviewers_assign(actor=officer, proposal=proposal, reviewers=[reviewer])
    with pytest.raises(ValidationError):
        proposals.proposal_determine(
            actor=officer, proposal=proposal, decision="approved", reason="ok"
        )
    assert Proposal.objects.get(pk=proposal.pk).status == "under_review"
    assert not Project.objects.exists()


def test_a_priority_proposal_is_paid_from_the_available_funds(
    focal_point_ken: Any, state_ken: State, officer: Any, reviewer: Any, funded_kenya: None
) -> None:
    request = factories.assistance_request(focal_point_ken, state_ken)
    # Written directly: the queue is otherwise filled by a provider's legal-restriction decline.
    entry = PriorityEntry.objects.create(request=request, units=5)
    proposal = submitted(focal_point_ken, state_ken, priority_entry=entry)
    proposals.reviewers_assign(actor=officer, proposal=proposal, reviewers=[reviewer])
    proposals.proposal_determine(
        actor=officer, proposal=proposal, decision="approved", reason="Legal restriction elsewhere."
    )
    assert ledger.balance(ledger.AVAILABLE) == Decimal(
        "20000.00"
    )  # 100,000 − 50,000 envelope − 30,000
    assert ledger.balance(ledger.envelope("KEN")) == Decimal("50000.00")
    assert PriorityEntry.objects.get().status == "taken_up"


def test_reviewers_bound_to_the_state_or_with_a_conflict_are_refused(
    focal_point_ken: Any, state_ken: State, officer: Any, reviewer: Any
) -> None:
    proposal = submitted(focal_point_ken, state_ken)
    bound = factories.reviewer("reviewer-bound")
    factories.role(bound, Role.Kind.FOCAL_POINT, state=state_ken)
    with pytest.raises(ValidationError):
        proposals.reviewers_assign(actor=officer, proposal=proposal, reviewers=[bound])
    proposals.conflict_declare(actor=reviewer, state=state_ken, reason="Former adviser")
    with pytest.raises(ValidationError):
        proposals.reviewers_assign(actor=officer, proposal=proposal, reviewers=[reviewer])
    assert not Review.objects.exists()


def test_only_the_states_own_focal_point_proposes(focal_point_fra: Any, state_ken: State) -> None:
    with pytest.raises(PermissionDenied):
        proposals.proposal_create(
            actor=focal_point_fra,
            state=state_ken,
            title="T",
            summary="S",
            theme="policy",
            amount="1.00",
        )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "x"}, "amount"),
        ({"theme": "astrology"}, "theme"),
        ({"title": " "}, "title"),
    ],
)
def test_bad_proposals_are_refused_naming_the_field(
    focal_point_ken: Any, state_ken: State, change: dict[str, Any], field: str
) -> None:
    data = {"title": "T", "summary": "S", "theme": "policy", "amount": "10.00", **change}
    with pytest.raises(ValidationError) as caught:
        proposals.proposal_create(actor=focal_point_ken, state=state_ken, **data)
    assert field in caught.value.message_dict
    assert not Proposal.objects.exists()


def test_a_reviewers_pages_and_api_never_show_the_state(
    client: Client, focal_point_ken: Any, state_ken: State, officer: Any
) -> None:
    # Assigning a reviewer needs no 2FA of theirs; reading the reviews does, and an API token
    # carries 2FA only when it is taken after passing it.
    reviewer = factories.reviewer("blind-reviewer")
    proposal = submitted(focal_point_ken, state_ken)
    proposals.reviewers_assign(actor=officer, proposal=proposal, reviewers=[reviewer])
    review = Review.objects.get()
    factories.login_with_2fa(client, reviewer)
    _token, key = api_token_create(
        actor=factories.passed_two_factor(reviewer), name="t", scope=ApiToken.Scope.WRITE
    )
    headers = {"Authorization": f"Bearer {key}"}
    bodies = []
    for lang in ("en", "ar", "zh-hans", "fr", "ru", "es"):
        bodies.append(client.get(f"/{lang}/fund/reviews/").content.decode())
        bodies.append(client.get(f"/{lang}/fund/reviews/{review.pk}/").content.decode())
    bodies.append(client.get("/api/v1/reviews", headers=headers).content.decode())
    bodies.append(client.get(f"/api/v1/reviews/{review.pk}", headers=headers).content.decode())
    assert all(proposal.reference in body for body in bodies[:2] + bodies[-2:])
    import re

    forbidden = {*state_ken.short_name.values(), *state_ken.formal_name.values(), "Kenyan"}
    codes = re.compile(rf"\b({state_ken.iso3}|{state_ken.iso2})\b")
    for body in bodies:
        main = body.split('<main id="main"', 1)[-1].split("</main>", 1)[0]
        # The form to declare a conflict lists every State alike; it says nothing of the proposal.
        main = main.split('id="conflicts"', 1)[0]
        for word in forbidden:
            assert word not in main, word
        assert not codes.search(main), codes.search(main)


def test_a_proposal_carries_its_principles_into_the_statistics(
    client: Client,
    focal_point_ken: Any,
    state_ken: State,
    officer: Any,
    reviewer: Any,
    funded_kenya: None,
) -> None:
    proposal = proposals.proposal_create(
        actor=focal_point_ken,
        state=state_ken,
        title="T",
        summary="S",
        theme="policy",
        amount="100.00",
        principles={"universal": True, "gender": True},
    )
    with pytest.raises(ValidationError):
        proposals.proposal_create(
            actor=focal_point_ken,
            state=state_ken,
            title="T",
            summary="S",
            theme="policy",
            amount="1.00",
            principles={"loyalty": True},
        )
    proposals.proposal_transition(actor=focal_point_ken, proposal=proposal, target="submitted")
    proposals.reviewers_assign(actor=officer, proposal=proposal, reviewers=[reviewer])
    proposals.proposal_determine(actor=officer, proposal=proposal, decision="approved", reason="ok")
    rows = {r["label"]: r for r in client.get("/en/requests/principles/").context["rows"]}
    assert rows["Universal and non-discriminatory"]["projects"] == 100
    assert rows["Respects human rights and fundamental freedoms"]["projects"] == 0
