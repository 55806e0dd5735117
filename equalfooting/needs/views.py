from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from equalfooting import permissions
from equalfooting.core import languages
from equalfooting.core.errors import InvalidInput, NotFound, TransitionNotAllowed
from equalfooting.core.forms import attach_errors
from equalfooting.core.i18n import pick
from equalfooting.core.paging import keyset_page
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.selectors import deadlines_open
from equalfooting.registry.models import State
from equalfooting.registry.selectors import state_from_iso3

from . import framework as fw
from . import scoring, selectors, services, workflow
from .forms import RequestForm, TransitionForm
from .labels import theme_label
from .models import Assessment, AssistanceRequest
from .principles import PRINCIPLES
from .selectors import assessment_from_id, request_from_id

# --- Self-assessment ---------------------------------------------------------------------


def _profile_rows(framework: fw.Framework, assessment: Assessment) -> list[dict[str, Any]]:
    rows = []
    top = max(framework.levels)
    for dim in scoring.profile(framework, assessment.answers, assessment.targets):
        dimension = framework.dimension(dim.code)
        assert dimension is not None
        rows.append(
            {
                "code": dim.code,
                "name": pick(dimension.name),
                "stage": dim.stage,
                "target": dim.target,
                "gap": dim.gap,
                "bar": round(float(dim.stage or 0) / top * 300),
                "marker": round((dim.target or 0) / top * 300),
            }
        )
    return rows


def _questionnaire(
    framework: fw.Framework,
    answers: dict[str, Any],
    targets: dict[str, Any],
    errors: dict[str, list[str]],
) -> list[dict[str, Any]]:
    dimensions = []
    for dimension in framework.dimensions:
        indicators = []
        for indicator in dimension.indicators:
            answer = answers.get(indicator.code) or {}
            indicators.append(
                {
                    "code": indicator.code,
                    "name": pick(indicator.name),
                    "question": pick(indicator.question),
                    "note": answer.get("note", ""),
                    "errors": errors.get(indicator.code, []),
                    "options": [
                        {
                            "level": stage.level,
                            "name": pick(stage.name),
                            "description": pick(indicator.stages[stage.level]),
                            "checked": str(answer.get("stage")) == str(stage.level),
                        }
                        for stage in framework.stages
                    ],
                }
            )
        dimensions.append(
            {
                "code": dimension.code,
                "name": pick(dimension.name),
                "description": pick(dimension.description),
                "indicators": indicators,
                "target": targets.get(dimension.code),
                "target_errors": errors.get(f"target_{dimension.code}", []),
            }
        )
    return dimensions


@require_safe
def assessment_list(request: HttpRequest, iso3: str) -> HttpResponse:
    state = state_from_iso3(iso3=iso3)
    visible = selectors.assessments_visible(request.user, state=state).order_by("-version")
    return render(
        request,
        "needs/assessment_list.html",
        {
            "state": state,
            "assessments": visible,
            "can_edit": permissions.can(request.user, "assessment.edit", state),
        },
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("assessment.edit", load=state_from_iso3)
def assessment_edit(request: HttpRequest, iso3: str, obj: State) -> HttpResponse:
    """The questionnaire: save a draft, resume it later, or submit it as a new version."""
    framework = fw.load()
    draft = selectors.assessment_draft(obj)
    base = draft or selectors.assessment_latest(obj)
    answers: dict[str, Any] = dict(base.answers) if base else {}
    targets: dict[str, Any] = dict(base.targets) if base else {}
    errors: dict[str, list[str]] = {}
    visibility = draft.visibility if draft else Assessment.Visibility.PRIVATE
    if request.method == "POST":
        answers = {
            i.code: {
                "stage": request.POST.get(f"stage_{i.code}", ""),
                "note": request.POST.get(f"note_{i.code}", ""),
            }
            for i in framework.indicators
        }
        targets = {d.code: request.POST.get(f"target_{d.code}", "") for d in framework.dimensions}
        visibility = request.POST.get("visibility", Assessment.Visibility.PRIVATE)
        try:
            draft = services.assessment_save_draft(
                actor=request.user, state=obj, answers=answers, targets=targets
            )
            if request.POST.get("action") == "submit":
                submitted = services.assessment_submit(
                    actor=request.user, assessment=draft, visibility=visibility
                )
                messages.success(
                    request,
                    _("The assessment was submitted as version %(n)s.") % {"n": submitted.version},
                )
                return redirect("needs:assessment_detail", assessment_id=submitted.pk)
            messages.success(
                request, _("The draft was saved. You can come back to it at any time.")
            )
            return redirect("needs:assessment_edit", iso3=obj.iso3)
        except InvalidInput as exc:
            errors = exc.message_dict
            messages.error(request, _("Some answers need attention; see the marked questions."))
    return render(
        request,
        "needs/assessment_edit.html",
        {
            "state": obj,
            "framework": framework,
            "title": pick(framework.title),
            "dimensions": _questionnaire(framework, answers, targets, errors),
            "levels": [(s.level, pick(s.name)) for s in framework.stages],
            "visibility_choices": Assessment.Visibility.choices,
            "visibility": visibility,
            "saved_draft": draft,
        },
        status=422 if errors else 200,
    )


@require_safe
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = assessment_from_id(assessment_id=assessment_id)
    if not permissions.can(request.user, "assessment.view", assessment):
        # Not 403: a confidential assessment's existence is itself not public.
        raise NotFound(_("No such assessment."))
    framework = fw.load(assessment.framework_version)
    return render(
        request,
        "needs/assessment_detail.html",
        {
            "assessment": assessment,
            "state": assessment.state,
            "rows": _profile_rows(framework, assessment),
            "gaps": [
                pick(indicator.name)
                for code in scoring.indicator_gaps(
                    framework, assessment.answers, assessment.targets
                )
                if (indicator := framework.indicator(code))
            ],
            "dimensions": _questionnaire(framework, assessment.answers, assessment.targets, {}),
            "can_manage": permissions.can(request.user, "assessment.manage", assessment),
            "visibility_choices": Assessment.Visibility.choices,
        },
    )


@require_POST
@permissions.guard("assessment.manage", load=assessment_from_id)
def assessment_visibility(
    request: HttpRequest, assessment_id: int, obj: Assessment
) -> HttpResponse:
    try:
        services.assessment_set_visibility(
            actor=request.user, assessment=obj, visibility=request.POST.get("visibility", "")
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Who may see the assessment was updated."))
    return redirect("needs:assessment_detail", assessment_id=obj.pk)


# --- Requests ----------------------------------------------------------------------------


def _request_labels(r: AssistanceRequest) -> dict[str, Any]:
    framework = fw.load()
    return {
        "theme": theme_label(r.theme),
        "languages": [languages.name(code) for code in r.languages],
        "modalities": [AssistanceRequest.Modality(m).label for m in r.modalities],
        "gaps": [pick(i.name) for code in r.gaps if (i := framework.indicator(code))],
    }


@require_safe
def request_list(request: HttpRequest) -> HttpResponse:
    framework = fw.load()
    theme, status, iso3 = (request.GET.get(k, "") for k in ("theme", "status", "state"))
    rows = selectors.requests_visible(request.user, theme=theme, status=status, iso3=iso3)
    themes = {d.code: pick(d.name) for d in framework.dimensions}
    page = keyset_page(rows, request)
    return render(
        request,
        "needs/request_list.html",
        {
            "requests": page,
            "themes": themes,
            "theme": theme,
            "status": status,
            "statuses": AssistanceRequest.Status.choices,
            "state_filter": iso3,
        },
    )


@require_safe
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    found = request_from_id(request_id=request_id)
    if not permissions.can(request.user, "request.view", found):
        raise NotFound(_("No such request."))
    return _render_request(request, found)


def _render_request(
    request: HttpRequest,
    found: AssistanceRequest,
    *,
    status: int = 200,
    form: TransitionForm | None = None,
) -> HttpResponse:
    steps = _steps(request, found)
    # Matches of published rounds only: a proposal under review is not yet public.
    matches = list(selectors.request_matches_published(request=found))
    due = deadlines_open(kind=Deadline.Kind.MATCH_STATE_ANSWER, object_type="match", ids=matches)
    for m in matches:
        m.state_due = due.get(str(m.pk))  # shown beside the answer buttons
    return render(
        request,
        "needs/request_detail.html",
        {
            "req": found,
            "labels": _request_labels(found),
            "steps": steps,
            "principles": [
                (label, bool((found.principles or {}).get(code)))
                for code, label in PRINCIPLES.items()
            ],
            "transitions": found.transitions.all(),
            "matches": matches,
            # The State's focal points answer a proposed match here as on the round page.
            "answerable": {
                m.pk
                for m in matches
                if m.awaits_state and permissions.can(request.user, "match.state_decide", m)
            },
            "can_edit": found.status in workflow.EDITABLE
            and permissions.can(request.user, "request.edit", found),
            "form": form,
        },
        status=status,
    )


def _steps(request: HttpRequest, found: AssistanceRequest) -> list[dict[str, Any]]:
    """The next steps this person may take, each named after its action; a step that ends the
    request (it needs a reason) asks for confirmation on a page of its own."""
    return [
        {"target": target, "label": workflow.ACTIONS[target], "needs_reason": step.needs_reason}
        for target, step in workflow.next_steps(found.status)
        if permissions.can(request.user, f"request.step.{step.role}", found)
    ]


# The guard comes first, so that a foreign focal point is refused (403) whatever the method.
@permissions.guard("request.act", load=request_from_id)
@require_safe
def request_step_confirm(
    request: HttpRequest, request_id: int, target: str, obj: AssistanceRequest
) -> HttpResponse:
    """The confirmation page of a step that ends the request: its reason, and a way back."""
    step = next((s for s in _steps(request, obj) if s["target"] == target), None)
    if step is None or not step["needs_reason"]:
        raise TransitionNotAllowed(_("This step is not open to you on this request."))
    return render(request, "needs/request_step_confirm.html", {"req": obj, "step": step})


@require_http_methods(["GET", "POST"])
@permissions.guard("request.create", load=state_from_iso3)
def request_create(request: HttpRequest, iso3: str, obj: State) -> HttpResponse:
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(
                actor=request.user, state=obj, **form.service_fields()
            )
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("The request was saved as a draft. Submit it when it is ready.")
            )
            return redirect("needs:request_detail", request_id=created.pk)
    return render(
        request,
        "needs/request_form.html",
        {"state": obj, "form": form},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("request.edit", load=request_from_id)
def request_edit(request: HttpRequest, request_id: int, obj: AssistanceRequest) -> HttpResponse:
    form = RequestForm(request.POST or None, initial=RequestForm.initial_from(obj))
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(actor=request.user, request=obj, **form.service_fields())
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return _render_request(request, obj, status=409)
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The request was saved."))
            return redirect("needs:request_detail", request_id=obj.pk)
    return render(
        request,
        "needs/request_form.html",
        {"state": obj.state, "form": form, "req": obj},
        status=422 if form.errors else 200,
    )


@require_POST
@permissions.guard("request.act", load=request_from_id)
def request_transition(
    request: HttpRequest, request_id: int, obj: AssistanceRequest
) -> HttpResponse:
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid next step."))
        return _render_request(request, obj, status=409, form=form)
    try:
        services.request_transition(
            actor=request.user,
            request=obj,
            target=form.cleaned_data["target"],
            reason=form.cleaned_data["reason"],
        )
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return _render_request(request, obj, status=409, form=form)
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.messages))
        return _render_request(request, obj, status=422, form=form)
    messages.success(
        request,
        _("The request is now %(status)s.")
        % {"status": AssistanceRequest.Status(form.cleaned_data["target"]).label},
    )
    return redirect("needs:request_detail", request_id=obj.pk)
