"""Reads of needs, filtered by what the reader may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from equalfooting import permissions

from .models import Assessment, AssistanceRequest


def assessments_visible(user: Any, *, state: Any = None) -> QuerySet[Assessment]:
    """Assessments this user may read; confidential ones only by their State and the Secretariat."""
    rows = Assessment.objects.select_related("state")
    if state is not None:
        rows = rows.filter(state=state)
    if permissions.has_role(user, permissions.SECRETARIAT):
        return rows
    shared = ["public"]
    if permissions.has_role(user, permissions.PROVIDER):
        shared.append("providers")
    visible = Q(status="submitted", visibility__in=shared)
    own = permissions.focal_point_states(user)
    if own:
        visible |= Q(state_id__in=own)
    return rows.filter(visible)


def assessment_draft(state: Any) -> Assessment | None:
    return Assessment.objects.filter(state=state, status=Assessment.Status.DRAFT).first()


def assessment_latest(state: Any) -> Assessment | None:
    return (
        Assessment.objects.filter(state=state, status=Assessment.Status.SUBMITTED)
        .order_by("-version")
        .first()
    )


def requests_visible(user: Any) -> QuerySet[AssistanceRequest]:
    """Requests are public once submitted; drafts only for their State and the Secretariat."""
    rows = AssistanceRequest.objects.select_related("state")
    if permissions.has_role(user, permissions.SECRETARIAT):
        return rows
    visible = ~Q(status=AssistanceRequest.Status.DRAFT)
    own = permissions.focal_point_states(user)
    if own:
        visible |= Q(state_id__in=own)
    return rows.filter(visible)


def principles_statistics() -> dict[str, dict[str, Any]]:
    """Share of submitted requests, published offers and funded projects affirming each
    principle."""
    from equalfooting.fund.models import Proposal
    from equalfooting.offers.models import Offer

    from .principles import CODES

    sources = {
        "requests": AssistanceRequest.objects.exclude(status=AssistanceRequest.Status.DRAFT),
        "offers": Offer.objects.exclude(status="draft"),
        "projects": Proposal.objects.filter(status="approved"),
    }
    result = {}
    for name, rows in sources.items():
        held = list(rows.values_list("principles", flat=True))
        result[name] = {
            "total": len(held),
            "counts": {code: sum(1 for p in held if (p or {}).get(code)) for code in CODES},
        }
    return result
