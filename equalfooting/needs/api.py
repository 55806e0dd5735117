"""API routes for self-assessments and requests, with the same rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from equalfooting import permissions
from equalfooting.accounts.api_auth import write_auth
from equalfooting.core.errors import NotFound
from equalfooting.core.validation import limit
from equalfooting.registry.selectors import state_from_iso3

from . import framework as fw
from . import scoring, selectors, services
from .models import Assessment, AssistanceRequest, RequestTransition
from .selectors import assessment_from_id, request_from_id

router = Router(tags=["needs"])


class Error(Schema):
    detail: str


class AssessmentSummary(Schema):
    id: int
    state: str
    version: int | None
    status: str
    visibility: str
    framework_version: str
    submitted_at: dt.datetime | None


class DimensionOut(Schema):
    dimension: str
    stage: float | None
    target: int | None
    gap: float | None


class AssessmentOut(AssessmentSummary):
    answers: dict[str, Any]
    targets: dict[str, int]
    profile: list[DimensionOut]


class DraftIn(Schema):
    answers: dict[str, Any] = {}
    targets: dict[str, Any] = {}


class VisibilityIn(Schema):
    visibility: str


class RequestIn(Schema):
    title: str | None = Field(None, max_length=limit(AssistanceRequest, "title"))
    theme: str | None = None
    kind: str | None = None
    units: Any = None
    unit: str | None = None
    languages: list[str] | None = None
    modalities: list[str] | None = None
    desired_start: str | None = None
    desired_end: str | None = None
    urgency: str | None = None
    description: str | None = Field(None, max_length=limit(AssistanceRequest, "description"))
    gaps: list[str] | None = Field(None, max_length=200)
    principles: dict[str, bool] | None = None
    principles_note: str | None = Field(
        None, max_length=limit(AssistanceRequest, "principles_note")
    )


class RequestOut(Schema):
    id: int
    reference: str
    state: str
    title: str
    theme: str
    kind: str
    units: int
    unit: str
    languages: list[str]
    modalities: list[str]
    desired_start: dt.date | None
    desired_end: dt.date | None
    urgency: str
    description: str
    gaps: list[str]
    principles: dict[str, bool]
    status: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None


class TransitionIn(Schema):
    target: str = Field(max_length=40)
    reason: str = Field("", max_length=limit(RequestTransition, "reason"))


def _summary(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "state": a.state.iso3,
        "version": a.version,
        "status": a.status,
        "visibility": a.visibility,
        "framework_version": a.framework_version,
        "submitted_at": a.submitted_at,
    }


def _assessment_out(a: Assessment) -> dict[str, Any]:
    framework = fw.load(a.framework_version)
    profile = [
        {
            "dimension": d.code,
            "stage": float(d.stage) if d.stage is not None else None,
            "target": d.target,
            "gap": float(d.gap) if d.gap is not None else None,
        }
        for d in scoring.profile(framework, a.answers, a.targets)
    ]
    return {**_summary(a), "answers": a.answers, "targets": a.targets, "profile": profile}


def _request_out(r: AssistanceRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "reference": r.reference,
        "state": r.state.iso3,
        "title": r.title,
        "theme": r.theme,
        "kind": r.kind,
        "units": r.units,
        "unit": r.unit,
        "languages": r.languages,
        "modalities": r.modalities,
        "desired_start": r.desired_start,
        "desired_end": r.desired_end,
        "urgency": r.urgency,
        "description": r.description,
        "gaps": r.gaps,
        "principles": r.principles,
        "status": r.status,
        "created_at": r.created_at,
        "submitted_at": r.submitted_at,
    }


def _visible_assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    a = assessment_from_id(assessment_id=assessment_id)
    if not permissions.can(request.user, "assessment.view", a):
        raise NotFound("No such assessment.")
    return a


@router.get("/states/{iso3}/assessments", response=list[AssessmentSummary])
def assessments(request: HttpRequest, iso3: str) -> list[dict[str, Any]]:
    """The assessments of a State that the caller may see (public ones for everyone)."""
    state = state_from_iso3(iso3=iso3)
    return [
        _summary(a)
        for a in selectors.assessments_visible(request.user, state=state).order_by("-version")
    ]


@router.get("/assessments/{assessment_id}", response={200: AssessmentOut, 404: Error})
def assessment(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    return _assessment_out(_visible_assessment(request, assessment_id))


@router.put(
    "/states/{iso3}/assessments/draft",
    auth=write_auth,
    response={200: AssessmentOut, 403: Error, 404: Error, 422: Error},
)
def assessment_draft(request: HttpRequest, iso3: str, payload: DraftIn) -> dict[str, Any]:
    """Create or update the State's draft (its verified focal points only)."""
    state = state_from_iso3(iso3=iso3)
    permissions.require(request.user, "assessment.edit", state)
    draft = services.assessment_save_draft(
        actor=request.user, state=state, answers=payload.answers, targets=payload.targets
    )
    return _assessment_out(draft)


@router.post(
    "/assessments/{assessment_id}/submit",
    auth=write_auth,
    response={200: AssessmentOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def assessment_submit(
    request: HttpRequest, assessment_id: int, payload: VisibilityIn
) -> dict[str, Any]:
    a = assessment_from_id(assessment_id=assessment_id)
    permissions.require(request.user, "assessment.manage", a)
    return _assessment_out(
        services.assessment_submit(actor=request.user, assessment=a, visibility=payload.visibility)
    )


@router.put(
    "/assessments/{assessment_id}/visibility",
    auth=write_auth,
    response={200: AssessmentOut, 403: Error, 404: Error, 422: Error},
)
def assessment_visibility(
    request: HttpRequest, assessment_id: int, payload: VisibilityIn
) -> dict[str, Any]:
    a = assessment_from_id(assessment_id=assessment_id)
    permissions.require(request.user, "assessment.manage", a)
    return _assessment_out(
        services.assessment_set_visibility(
            actor=request.user, assessment=a, visibility=payload.visibility
        )
    )


@router.get("/requests", response=list[RequestOut])
def requests(
    request: HttpRequest, state: str = "", status: str = "", theme: str = ""
) -> list[dict[str, Any]]:
    """Requests the caller may see: every submitted request, and its own State's drafts."""
    rows = selectors.requests_visible(request.user, theme=theme, status=status, iso3=state)
    return [_request_out(r) for r in rows]


@router.get("/requests/{request_id}", response={200: RequestOut, 404: Error})
def request_one(request: HttpRequest, request_id: int) -> dict[str, Any]:
    r = request_from_id(request_id=request_id)
    if not permissions.can(request.user, "request.view", r):
        raise NotFound("No such request.")
    return _request_out(r)


def _fields(payload: RequestIn) -> dict[str, Any]:
    return {k: v for k, v in payload.dict().items() if v is not None}


@router.post(
    "/states/{iso3}/requests",
    auth=write_auth,
    response={201: RequestOut, 403: Error, 404: Error, 422: Error},
)
def request_create(request: HttpRequest, iso3: str, payload: RequestIn) -> Status[dict[str, Any]]:
    state = state_from_iso3(iso3=iso3)
    permissions.require(request.user, "request.create", state)
    created = services.request_create(actor=request.user, state=state, **_fields(payload))
    return Status(201, _request_out(created))


@router.put(
    "/requests/{request_id}",
    auth=write_auth,
    response={200: RequestOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def request_update(request: HttpRequest, request_id: int, payload: RequestIn) -> dict[str, Any]:
    r = request_from_id(request_id=request_id)
    permissions.require(request.user, "request.edit", r)
    return _request_out(services.request_update(actor=request.user, request=r, **_fields(payload)))


@router.post(
    "/requests/{request_id}/transition",
    auth=write_auth,
    response={200: RequestOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def request_transition(
    request: HttpRequest, request_id: int, payload: TransitionIn
) -> dict[str, Any]:
    """Move the request one step; a step not in the transition table is refused with 409."""
    r = request_from_id(request_id=request_id)
    permissions.require(request.user, "request.act", r)
    return _request_out(
        services.request_transition(
            actor=request.user, request=r, target=payload.target, reason=payload.reason
        )
    )
