"""Writes to needs: self-assessments and requests for assistance.

Every function checks its permission, validates everything before it writes, and appends to
the audit chain in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.accounts.selectors import focal_points_of
from equalfooting.audit.services import audit_append
from equalfooting.core import languages
from equalfooting.core.errors import InvalidInput, TransitionNotAllowed
from equalfooting.core.numbers import number
from equalfooting.core.validation import clean_choices, clean_date
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.services import deadlines_cancel
from equalfooting.domain.matching import MAX_UNITS
from equalfooting.notifications.services import notify

from . import framework as fw
from . import principles, selectors, workflow
from .models import Assessment, AssistanceRequest, RequestTransition

# --- Self-assessment ---------------------------------------------------------------------


def _clean_answers(
    framework: fw.Framework, answers: dict[str, Any], targets: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, int]]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for code, answer in answers.items():
        if framework.indicator(code) is None:
            errors.setdefault(code, []).append(_("Unknown indicator."))
            continue
        stage = answer.get("stage") if isinstance(answer, dict) else None
        note = str(answer.get("note", "") if isinstance(answer, dict) else "").strip()
        if stage in (None, ""):
            if note:
                clean[code] = {"stage": None, "note": note[:1000]}
            continue
        try:
            stage = int(str(stage))
        except ValueError:
            stage = -1
        if stage not in framework.levels:
            errors.setdefault(code, []).append(
                _("Choose a stage from 1 to %(n)s.") % {"n": len(framework.levels)}
            )
            continue
        if len(note) > 1000:
            errors.setdefault(code, []).append(_("Keep the note under 1,000 characters."))
            continue
        clean[code] = {"stage": stage, "note": note}
    clean_targets: dict[str, int] = {}
    for code, target in targets.items():
        if framework.dimension(code) is None:
            errors.setdefault(f"target_{code}", []).append(_("Unknown dimension."))
            continue
        if target in (None, ""):
            continue
        try:
            value = int(target)
        except (TypeError, ValueError):
            value = -1
        if value not in framework.levels:
            errors.setdefault(f"target_{code}", []).append(
                _("Choose a stage from 1 to %(n)s.") % {"n": len(framework.levels)}
            )
            continue
        clean_targets[code] = value
    if errors:
        raise InvalidInput(errors)
    return clean, clean_targets


def _assessment_state(a: Assessment) -> dict[str, Any]:
    return {
        "state": a.state.iso3,
        "framework_version": a.framework_version,
        "status": a.status,
        "version": a.version,
        "visibility": a.visibility,
        "answers": a.answers,
        "targets": a.targets,
    }


@transaction.atomic
def assessment_save_draft(
    *, actor: Any, state: Any, answers: dict[str, Any], targets: dict[str, Any]
) -> Assessment:
    """Create or update the State's one draft. A new draft starts from the latest version."""
    permissions.require(actor, "assessment.edit", state)
    framework = fw.load()
    clean, clean_targets = _clean_answers(framework, answers, targets)
    draft = (
        Assessment.objects.select_for_update()
        .filter(state=state, status=Assessment.Status.DRAFT)
        .first()
    )
    if draft is None:
        draft = Assessment(state=state, framework_version=framework.version, created_by=actor)
    draft.answers, draft.targets = clean, clean_targets
    draft.save()
    audit_append(
        actor=actor,
        action="needs.assessment.save",
        object_type="assessment",
        object_id=str(draft.pk),
        state=_assessment_state(draft),
        # A draft self-assessment is the State's alone.
        public=False,
    )
    return draft


@transaction.atomic
def assessment_submit(*, actor: Any, assessment: Assessment, visibility: str) -> Assessment:
    """Freeze the draft as the State's next version. Every indicator must be answered."""
    permissions.require(actor, "assessment.manage", assessment)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.DRAFT:
        raise TransitionNotAllowed(_("Only a draft can be submitted."))
    if visibility not in Assessment.Visibility.values:
        raise InvalidInput({"visibility": _("Choose who may see the assessment.")})
    framework = fw.load(assessment.framework_version)
    missing = [
        i.code
        for i in framework.indicators
        if not (assessment.answers.get(i.code) or {}).get("stage")
    ]
    if missing:
        raise InvalidInput({code: _("Choose a stage before submitting.") for code in missing})
    latest = Assessment.objects.filter(state=assessment.state).aggregate(n=Max("version"))["n"] or 0
    assessment.version = latest + 1
    assessment.status = Assessment.Status.SUBMITTED
    assessment.visibility = visibility
    assessment.submitted_by = actor
    assessment.submitted_at = timezone.now()
    assessment.save()
    audit_append(
        actor=actor,
        action="needs.assessment.submit",
        object_type="assessment",
        object_id=str(assessment.pk),
        state=_assessment_state(assessment),
        public=assessment.is_shared_with({Assessment.Visibility.PUBLIC}),
    )
    return assessment


@transaction.atomic
def assessment_set_visibility(*, actor: Any, assessment: Assessment, visibility: str) -> Assessment:
    permissions.require(actor, "assessment.manage", assessment)
    if visibility not in Assessment.Visibility.values:
        raise InvalidInput({"visibility": _("Choose who may see the assessment.")})
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    assessment.visibility = visibility
    assessment.save(update_fields=["visibility", "updated_at"])
    audit_append(
        actor=actor,
        action="needs.assessment.visibility",
        object_type="assessment",
        object_id=str(assessment.pk),
        state=_assessment_state(assessment),
        # Made private again, it is sealed from now on; what was public stays public.
        public=assessment.is_shared_with({Assessment.Visibility.PUBLIC}),
    )
    return assessment


# --- Requests for assistance -------------------------------------------------------------

REQUEST_FIELDS = (
    "title",
    "theme",
    "kind",
    "units",
    "unit",
    "languages",
    "modalities",
    "desired_start",
    "desired_end",
    "urgency",
    "description",
    "gaps",
    "principles",
    "principles_note",
)


def clean_request(fields: dict[str, Any]) -> dict[str, Any]:
    """Check every field of a request; raise InvalidInput naming each bad field."""
    framework = fw.load()
    errors: dict[str, list[str]] = {}
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise InvalidInput({name: _("Unknown field.") for name in sorted(unknown)})
    data = dict(fields)
    if not str(data.get("title", "")).strip():
        errors.setdefault("title", []).append(_("Give the request a title."))
    if framework.dimension(str(data.get("theme", ""))) is None:
        errors.setdefault("theme", []).append(_("Choose a theme from the framework."))
    if data.get("kind") not in AssistanceRequest.Kind.values:
        errors.setdefault("kind", []).append(_("Choose a kind of assistance."))
    if data.get("unit") not in AssistanceRequest.Unit.values:
        errors.setdefault("unit", []).append(_("Choose a unit."))
    raw = data.get("units")
    if isinstance(raw, int) and not isinstance(raw, bool):
        units = raw
    elif isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        # More digits than any allowed count: too large, without converting a huge string.
        units = int(raw) if len(raw.strip()) <= 12 else MAX_UNITS + 1
    else:
        units = 0
    if units <= 0:
        errors.setdefault("units", []).append(_("Units must be a whole number greater than zero."))
    elif units > MAX_UNITS:
        errors.setdefault("units", []).append(
            _("Units must not exceed %(maximum)s.") % {"maximum": number(MAX_UNITS)}
        )
    data["units"] = units
    for name, allowed, message in (
        ("languages", languages.CODES, _("Choose at least one language.")),
        ("modalities", AssistanceRequest.Modality.values, _("Choose at least one modality.")),
    ):
        chosen = clean_choices(data.get(name), allowed)
        if chosen is None:
            errors.setdefault(name, []).append(message)
        else:
            data[name] = chosen
    start = clean_date(data.get("desired_start"), "desired_start", errors)
    end = clean_date(data.get("desired_end"), "desired_end", errors)
    if start and end and start > end:
        errors.setdefault("desired_end", []).append(
            _("The end date must not be before the start date.")
        )
    data["desired_start"], data["desired_end"] = start, end
    if (
        data.get("urgency", AssistanceRequest.Urgency.MEDIUM)
        not in AssistanceRequest.Urgency.values
    ):
        errors.setdefault("urgency", []).append(_("Choose an urgency."))
    if not str(data.get("description", "")).strip():
        errors.setdefault("description", []).append(_("Describe the assistance needed."))
    gaps = data.get("gaps") or []
    if not isinstance(gaps, list) or any(framework.indicator(str(g)) is None for g in gaps):
        errors.setdefault("gaps", []).append(_("Gaps must be indicators of the framework."))
    try:
        data["principles"] = principles.clean(data.get("principles") or {})
    except InvalidInput as exc:
        errors.setdefault("principles", []).extend(exc.message_dict["principles"])
    if errors:
        raise InvalidInput(errors)
    return data


def _request_state(r: AssistanceRequest) -> dict[str, Any]:
    return {
        "state": r.state.iso3,
        "title": r.title,
        "theme": r.theme,
        "kind": r.kind,
        "units": r.units,
        "unit": r.unit,
        "languages": r.languages,
        "modalities": r.modalities,
        "desired_start": r.desired_start.isoformat() if r.desired_start else None,
        "desired_end": r.desired_end.isoformat() if r.desired_end else None,
        "urgency": r.urgency,
        "description": r.description,
        "gaps": r.gaps,
        "principles": r.principles,
        "principles_note": r.principles_note,
        "status": r.status,
    }


@transaction.atomic
def request_create(*, actor: Any, state: Any, **fields: Any) -> AssistanceRequest:
    permissions.require(actor, "request.create", state)
    data = clean_request(fields)
    request = AssistanceRequest.objects.create(
        state=state, created_by=actor, assessment=selectors.assessment_latest(state), **data
    )
    audit_append(
        actor=actor,
        action="needs.request.create",
        object_type="request",
        object_id=str(request.pk),
        state=_request_state(request),
        public=request.is_public,
    )
    return request


@transaction.atomic
def request_update(*, actor: Any, request: AssistanceRequest, **fields: Any) -> AssistanceRequest:
    permissions.require(actor, "request.edit", request)
    request = AssistanceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in workflow.EDITABLE:
        raise TransitionNotAllowed(
            _("Only a draft request, or one returned for information, can be edited.")
        )
    current = {name: getattr(request, name) for name in REQUEST_FIELDS}
    data = clean_request({**current, **fields})
    for name, value in data.items():
        setattr(request, name, value)
    request.save()
    audit_append(
        actor=actor,
        action="needs.request.update",
        object_type="request",
        object_id=str(request.pk),
        state=_request_state(request),
        public=request.is_public,
    )
    return request


@transaction.atomic
def request_transition(
    *, actor: Any, request: AssistanceRequest, target: str, reason: str = ""
) -> AssistanceRequest:
    """Move a request one step, as the transition table allows, by the role it names."""
    request = AssistanceRequest.objects.select_for_update().get(pk=request.pk)
    source = request.status
    step = workflow.step(source, target)
    if step is None:
        raise TransitionNotAllowed(
            _("A request that is %(source)s cannot become %(target)s.")
            % {
                "source": AssistanceRequest.Status(source).label,
                "target": AssistanceRequest.Status(target).label
                if target in AssistanceRequest.Status.values
                else target,
            }
        )
    permissions.require(actor, f"request.step.{step.role}", request)
    if step.needs_reason and not reason.strip():
        raise InvalidInput({"reason": _("Give a reason.")})
    request.status = target
    if target == AssistanceRequest.Status.SUBMITTED:
        request.submitted_at = timezone.now()
    request.save()
    RequestTransition.objects.create(
        request=request,
        source=source,
        target=target,
        actor=permissions.person(actor),
        reason=reason.strip(),
    )
    audit_append(
        actor=actor,
        action=f"needs.request.{target}",
        object_type="request",
        object_id=str(request.pk),
        state={**_request_state(request), "reason": reason.strip()},
        public=request.is_public,
    )
    if target in workflow.ENDED:
        # Its matches no longer await an answer from either side.
        deadlines_cancel(
            actor=actor,
            kinds=list(Deadline.MATCH_KINDS),
            object_type="match",
            ids=request.matches.values_list("pk", flat=True),
        )
    if target in workflow.NOTICES:
        notify(
            kind=workflow.NOTICES[target],
            recipients=focal_points_of(state=request.state),
            about=request,
            context={"request": request.reference, "title": request.title},
            link=reverse("needs:request_detail", kwargs={"request_id": request.pk}),
        )
    return request


@transaction.atomic
def request_advance(*, request: AssistanceRequest, target: str, cause: str) -> AssistanceRequest:
    """A step the mechanism takes itself (`workflow.MECHANISM_TARGETS`), with no user acting."""
    request = AssistanceRequest.objects.select_for_update().get(pk=request.pk)
    source = request.status
    if target not in workflow.MECHANISM_TARGETS or workflow.step(source, target) is None:
        raise TransitionNotAllowed(
            _("A request that is %(source)s cannot become %(target)s.")
            % {"source": AssistanceRequest.Status(source).label, "target": target}
        )
    request.status = target
    request.save()
    RequestTransition.objects.create(
        request=request, source=source, target=target, actor=None, reason=cause
    )
    audit_append(
        actor="system:matchmaking",
        action=f"needs.request.{target}",
        object_type="request",
        object_id=str(request.pk),
        state={**_request_state(request), "reason": cause},
        public=request.is_public,
    )
    return request
