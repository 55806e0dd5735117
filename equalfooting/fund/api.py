"""API routes of the fund: public figures, and blind review for reviewers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from equalfooting import permissions
from equalfooting.accounts.api_auth import write_auth
from equalfooting.core.validation import limit

from . import ledger, proposals, selectors
from .models import Review
from .review import blind

router = Router(tags=["fund"])


class Error(Schema):
    detail: str


class BalancesOut(Schema):
    pledged: Decimal
    available: Decimal
    disbursed: Decimal


class AllocationRoundOut(Schema):
    id: int
    status: str
    inputs: dict[str, Any]
    result: dict[str, Any]
    keys: dict[str, str]


class BlindProposalOut(Schema):
    review: int
    status: str
    reference: str
    title: str
    summary: str
    theme: str
    amount: Decimal
    basis: str


class ReviewIn(Schema):
    scores: dict[str, int]
    recommendation: str = Field(max_length=40)
    comments: str = Field("", max_length=limit(Review, "comments"))


@router.get("/fund/balances", response=BalancesOut)
def balances(request: HttpRequest) -> BalancesOut:
    return BalancesOut(
        pledged=ledger.balance(ledger.PLEDGED),
        available=ledger.balance(ledger.AVAILABLE),
        disbursed=ledger.balance(ledger.DISBURSED),
    )


@router.get("/fund/rounds", response=list[AllocationRoundOut])
def allocation_rounds(request: HttpRequest) -> list[dict[str, Any]]:
    """Published allocation rounds: inputs (opaque keys), results and the key table."""
    return [
        {"id": r.pk, "status": r.status, "inputs": r.inputs, "result": r.result, "keys": r.keys}
        for r in selectors.allocation_rounds_published()
    ]


def _out(review: Review) -> dict[str, Any]:
    return {"review": review.pk, "status": review.status, **blind(review.proposal)}


@router.get("/reviews", auth=write_auth, response={200: list[BlindProposalOut], 403: Error})
def reviews(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's assigned reviews, anonymised: no State name, flag or code."""
    permissions.require(request.user, "review.submit")
    return [_out(r) for r in selectors.reviews_assigned(reviewer=request.user)]


@router.get(
    "/reviews/{review_id}",
    auth=write_auth,
    response={200: BlindProposalOut, 403: Error, 404: Error},
)
def review(request: HttpRequest, review_id: int) -> dict[str, Any]:
    permissions.require(request.user, "review.submit")
    return _out(selectors.review_assigned(reviewer=request.user, review_id=review_id))


@router.post(
    "/reviews/{review_id}",
    auth=write_auth,
    response={200: BlindProposalOut, 403: Error, 404: Error, 422: Error},
)
def review_submit(request: HttpRequest, review_id: int, payload: ReviewIn) -> dict[str, Any]:
    permissions.require(request.user, "review.submit")
    found = selectors.review_assigned(reviewer=request.user, review_id=review_id)
    return _out(
        proposals.review_submit(
            actor=request.user,
            review=found,
            scores=payload.scores,
            recommendation=payload.recommendation,
            comments=payload.comments,
        )
    )
