"""API routes for matching rounds and decisions on proposed matches."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from equalfooting import permissions
from equalfooting.accounts.api_auth import write_auth
from equalfooting.core.validation import limit

from . import selectors, services
from .explanations import worded
from .models import Match
from .selectors import match_from_id

router = Router(tags=["matchmaking"])


class Error(Schema):
    detail: str


class MatchOut(Schema):
    id: int
    round: int
    request: str
    state: str
    offer: str
    units: int
    state_decision: str
    state_decline_reason: str
    provider_decision: str
    decline_reason: str
    explanation: str


class RoundOut(Schema):
    id: int
    status: str
    fairness: str
    problem: dict[str, Any]
    solution: dict[str, Any]
    parameters: dict[str, Any]
    matches: list[MatchOut]


class StateDecisionIn(Schema):
    accept: bool
    # Required to decline: one of Match.StateDeclineReason (no_longer_needed, met_elsewhere,
    # does_not_fit, timing, other).
    reason: str = Field("", max_length=40)
    note: str = Field("", max_length=limit(Match, "state_note"))


class ProviderDecisionIn(Schema):
    confirm: bool
    reason: str = Field("", max_length=40)
    note: str = Field("", max_length=limit(Match, "provider_note"))


def _match(m: Match) -> dict[str, Any]:
    return {
        "id": m.pk,
        "round": m.round_id,
        "request": m.request.reference,
        "state": m.request.state.iso3,
        "offer": m.offer.reference,
        "units": m.units,
        "state_decision": m.state_decision,
        "state_decline_reason": m.state_decline_reason,
        "provider_decision": m.provider_decision,
        "decline_reason": m.decline_reason,
        # Worded in the request's language (Accept-Language), as the round's page words it.
        "explanation": worded(
            (m.round.solution.get("reasons") or {}).get(m.request.reference), m.explanation
        ).text,
    }


@router.get("/rounds", response=list[RoundOut])
def rounds(request: HttpRequest) -> list[dict[str, Any]]:
    """Published rounds with their input and output files."""
    return [
        {
            "id": r.pk,
            "status": r.status,
            "fairness": r.fairness,
            "problem": r.problem,
            "solution": r.solution,
            "parameters": r.parameters,
            "matches": [_match(m) for m in selectors.round_matches(round_=r)],
        }
        for r in selectors.matching_rounds_visible(user=request.user)
    ]


@router.post(
    "/matches/{match_id}/state-decision",
    auth=write_auth,
    response={200: MatchOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def state_decision(request: HttpRequest, match_id: int, payload: StateDecisionIn) -> dict[str, Any]:
    """Accept, or decline with a reason; 409 once the provider has declined."""
    match = match_from_id(match_id=match_id)
    permissions.require(request.user, "match.state_decide", match)
    return _match(
        services.match_state_decide(
            actor=request.user,
            match=match,
            accept=payload.accept,
            reason=payload.reason,
            note=payload.note,
        )
    )


@router.post(
    "/matches/{match_id}/provider-decision",
    auth=write_auth,
    response={200: MatchOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def provider_decision(
    request: HttpRequest, match_id: int, payload: ProviderDecisionIn
) -> dict[str, Any]:
    """Confirm, or decline with a reason; 409 once the State has declined."""
    match = match_from_id(match_id=match_id)
    permissions.require(request.user, "match.provider_decide", match)
    return _match(
        services.match_provider_decide(
            actor=request.user,
            match=match,
            confirm=payload.confirm,
            reason=payload.reason,
            note=payload.note,
        )
    )
