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
# A State's page lists its latest requests and projects, this many of each, and links to where
# all of them are: years of them would make a page that grows without end.
SHOWN = 20


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
    # The page names the round; its published files (every State's inputs) stay unread.
    return Allocation.objects.filter(
        state=state, round__status=AllocationRound.Status.PUBLISHED
    ).only("pk", "amount", "round_id", "state_id")


def state_projects(*, state: State) -> list[Project]:
    """The State's latest projects, funded from its envelope or the priority queue: one more
    than SHOWN if there are more, to say so."""
    return list(Project.objects.filter(state=state).order_by("-created_at", "-pk")[: SHOWN + 1])


def state_requests_visible(*, user: Any, state: State) -> list[AssistanceRequest]:
    """The State's latest requests this reader may see (public once submitted, drafts for its
    own): one more than SHOWN if there are more, to say so."""
    return list(requests_visible(user).filter(state=state).order_by("-pk")[: SHOWN + 1])


def state_public_record(*, state: State) -> dict[str, Any]:
    """Everything public about the State beyond the registry: its public self-assessment as a
    chart, its envelopes and its projects."""
    latest = state_public_assessment(state=state)
    return {
        "public_assessment": latest,
        "assessment_chart": assessment_chart(assessment=latest) if latest is not None else "",
        "allocations": state_allocations_published(state=state),
        "projects": state_projects(state=state),
        "shown": SHOWN,
    }
