"""Reads of needs, filtered by what the reader may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.core.errors import NotFound
from equalfooting.registry.models import State

from .models import Assessment, AssistanceRequest


def assessment_from_id(*, assessment_id: int, **_ignored: Any) -> Assessment:
    """The assessment a URL names, for views and API routes (`permissions.guard(load=...)`)."""
    assessment = Assessment.objects.select_related("state").filter(pk=assessment_id).first()
    if assessment is None:
        raise NotFound(_("No such assessment."))
    return assessment


def assessments_visible(user: Any, *, state: Any = None) -> QuerySet[Assessment]:
    """Assessments this user may read; confidential ones only by their State and the Secretariat."""
    rows = Assessment.objects.select_related("state")
    if state is not None:
        rows = rows.filter(state=state)
    if permissions.has_role(user, permissions.SECRETARIAT):
        return rows
    shared = [Assessment.Visibility.PUBLIC]
    if permissions.has_role(user, permissions.PROVIDER):
        shared.append(Assessment.Visibility.PROVIDERS)
    visible = Q(status=Assessment.Status.SUBMITTED, visibility__in=shared)
    own = permissions.focal_point_states(user)
    if own:
        visible |= Q(state_id__in=own)
    return rows.filter(visible)


def assessment_draft(state: Any) -> Assessment | None:
    return Assessment.objects.filter(state=state, status=Assessment.Status.DRAFT).first()


def assessment_latest(state: Any, *, public: bool = False) -> Assessment | None:
    """The State's latest submitted version; with `public`, its latest public one."""
    rows = Assessment.objects.filter(state=state, status=Assessment.Status.SUBMITTED)
    if public:
        rows = rows.filter(visibility=Assessment.Visibility.PUBLIC)
    return rows.order_by("-version").first()


def request_from_id(*, request_id: int, **_ignored: Any) -> AssistanceRequest:
    """The request a URL names, for views and API routes (`permissions.guard(load=...)`)."""
    found = AssistanceRequest.objects.select_related("state").filter(pk=request_id).first()
    if found is None:
        raise NotFound(_("No such request."))
    return found


def requests_visible(
    user: Any, *, theme: str = "", status: str = "", iso3: str = ""
) -> QuerySet[AssistanceRequest]:
    """Requests are public once submitted; the others only for their State and the Secretariat.

    Narrowed, when given, to one theme, one status and one State (by its ISO code).
    """
    rows = AssistanceRequest.objects.select_related("state")
    if not permissions.has_role(user, permissions.SECRETARIAT):
        visible = Q(submitted_at__isnull=False)  # as AssistanceRequestQuerySet.public
        own = permissions.focal_point_states(user)
        if own:
            visible |= Q(state_id__in=own)
        rows = rows.filter(visible)
    if theme:
        rows = rows.filter(theme=theme)
    if status:
        rows = rows.filter(status=status)
    if iso3:
        rows = rows.filter(state__iso3=iso3.upper())
    return rows


def request_matches_published(*, request: AssistanceRequest) -> QuerySet[Any]:
    """The request's matches in published rounds (matchmaking's `MatchQuerySet.published`)."""
    return request.matches.published().select_related("offer__provider")


def requests_in_status(*, statuses: Any, state_ids: Any = None) -> QuerySet[AssistanceRequest]:
    """Requests in these statuses (of these States, when given), oldest submitted first."""
    rows = AssistanceRequest.objects.select_related("state").filter(status__in=statuses)
    if state_ids is not None:
        rows = rows.filter(state_id__in=state_ids)
    return rows.order_by("submitted_at", "pk")


def assessments_stale(*, state_ids: Any, older_than: Any) -> list[tuple[Any, Any]]:
    """(State, date of its latest submitted self-assessment or None) for each of these States
    whose latest is older than `older_than`, or that has none: time to assess again."""
    if not state_ids:
        return []
    latest = dict(
        Assessment.objects.filter(state_id__in=state_ids, status=Assessment.Status.SUBMITTED)
        .values_list("state_id")
        .annotate(at=Max("submitted_at"))
    )
    states = State.objects.filter(pk__in=state_ids).order_by("pk")
    return [
        (state, latest.get(state.pk))
        for state in states
        if latest.get(state.pk) is None or latest[state.pk] < older_than
    ]
