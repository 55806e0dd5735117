"""A State's public record, gathered from every part of the mechanism for its page.

The registry knows the State; the needs, the fund and the requests sit above it, so the page
that shows them all lives here, where reading every part is allowed (docs/transparency.md).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from equalfooting.core.i18n import pick
from equalfooting.fund.models import Allocation, AllocationRound, Project
from equalfooting.needs import framework as fw
from equalfooting.needs import scoring
from equalfooting.needs.models import Assessment, AssistanceRequest
from equalfooting.needs.selectors import requests_visible
from equalfooting.registry.models import State

from . import charts

# The State page lists at most this many requests; the list of requests pages through all.
REQUESTS_SHOWN = 50


def state_public_assessment(*, state: State) -> Assessment | None:
    """The State's latest submitted self-assessment, if it chose to make it public."""
    return (
        Assessment.objects.filter(
            state=state,
            status=Assessment.Status.SUBMITTED,
            visibility=Assessment.Visibility.PUBLIC,
        )
        .order_by("-version")
        .first()
    )


def assessment_chart(*, assessment: Assessment) -> str:
    """The stage reached in each dimension of the framework, as bars (SVG)."""
    framework = fw.load(assessment.framework_version)
    rows = [
        {"dimension": pick(framework.dimension(p.code).name), "stage": float(p.stage or 0)}  # type: ignore[union-attr]
        for p in scoring.profile(framework, assessment.answers, assessment.targets)
    ]
    return charts.assessment_stages(rows, assessment.version)


def state_allocations_published(*, state: State) -> QuerySet[Allocation]:
    """The State's envelopes in published allocation rounds."""
    return Allocation.objects.filter(
        state=state, round__status=AllocationRound.Status.PUBLISHED
    ).select_related("round")


def state_projects(*, state: State) -> QuerySet[Project]:
    """The State's approved projects, funded from its envelope or the priority queue."""
    return Project.objects.filter(state=state)


def state_requests_visible(*, user: Any, state: State) -> QuerySet[AssistanceRequest]:
    """The State's requests this reader may see: public once submitted, drafts for its own."""
    return requests_visible(user).filter(state=state)[:REQUESTS_SHOWN]


def state_public_record(*, state: State) -> dict[str, Any]:
    """Everything public about the State beyond the registry: its public self-assessment as a
    chart, its envelopes and its projects."""
    latest = state_public_assessment(state=state)
    return {
        "public_assessment": latest,
        "assessment_chart": assessment_chart(assessment=latest) if latest is not None else "",
        "allocations": state_allocations_published(state=state),
        "projects": state_projects(state=state),
    }
