from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from equalfooting import permissions
from equalfooting.needs.selectors import requests_visible

from . import selectors, services
from .forms import StateFilterForm, StateProfileForm
from .models import State, StateProfile
from .selectors import state_from_iso3


def _filter_choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "region": [(r.m49, r.name) for r in selectors.regions()],
        "subregion": [(r.m49, r.name) for r in selectors.subregions()],
        "group": [(g.code, g.label) for g in selectors.groups()],
        "organisation": [(o.code, o.name) for o in selectors.organisation_list()],
    }


@require_safe
def state_list(request: HttpRequest) -> HttpResponse:
    form = StateFilterForm(request.GET or None, choices=_filter_choices())
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    states = sorted(selectors.state_list(**filters), key=lambda s: s.name)
    return render(
        request,
        "registry/state_list.html",
        {"form": form, "states": states, "filtered": any(filters.values())},
    )


@require_safe
def state_detail(request: HttpRequest, iso3: str) -> HttpResponse:
    state = state_from_iso3(iso3=iso3)
    profile = StateProfile.objects.filter(state=state).first()
    return render(
        request,
        "registry/state_detail.html",
        {
            "state": state,
            "profile": profile,
            "covering": selectors.covering_organisations(state),
            "can_edit": permissions.can(request.user, "state.profile.edit", state),
            "can_nominate": permissions.can(request.user, "role.nominate.focal_point", state),
            "can_request": permissions.can(request.user, "request.create", state),
            "requests": requests_visible(request.user).filter(state=state)[:50],
            "income_label": State.IncomeGroup(state.income_group).label
            if state.income_group
            else "",
            "income_source": selectors.sources().filter(file="income_groups.csv").first(),
            **_public_record(state),
        },
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("state.profile.edit", load=state_from_iso3)
def state_profile_edit(request: HttpRequest, iso3: str, obj: State) -> HttpResponse:
    profile = StateProfile.objects.filter(state=obj).first() or StateProfile(state=obj)
    form = StateProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.state_profile_update(actor=request.user, state=obj, **form.cleaned_data)
        messages.success(request, _("The profile was saved."))
        return redirect("registry:state_detail", iso3=obj.iso3)
    return render(request, "registry/state_profile_edit.html", {"state": obj, "form": form})


def _public_record(state: State) -> dict[str, Any]:
    """Everything public about the State beyond the registry: its public self-assessment as
    a chart, its envelopes and projects."""
    from equalfooting.core.i18n import pick
    from equalfooting.fund.models import Allocation, Project
    from equalfooting.needs import framework as fw
    from equalfooting.needs import scoring
    from equalfooting.needs.models import Assessment
    from equalfooting.transparency import charts

    latest = (
        Assessment.objects.filter(state=state, status="submitted", visibility="public")
        .order_by("-version")
        .first()
    )
    chart = ""
    if latest is not None:
        framework = fw.load(latest.framework_version)
        rows = [
            {"dimension": pick(framework.dimension(p.code).name), "stage": float(p.stage or 0)}  # type: ignore[union-attr]
            for p in scoring.profile(framework, latest.answers, latest.targets)
        ]
        chart = charts.bars(
            title=_("Public self-assessment, version %(n)s") % {"n": latest.version},
            rows=rows,
            category="dimension",
            value="stage",
            value_title=_("Stage (1 to 5)"),
            category_title=_("Dimension"),
        )
    return {
        "public_assessment": latest,
        "assessment_chart": chart,
        "allocations": Allocation.objects.filter(
            state=state, round__status="published"
        ).select_related("round"),
        "projects": Project.objects.filter(state=state),
    }


@require_safe
def organisation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/organisation_list.html",
        {"organisations": sorted(selectors.organisation_list(), key=lambda o: o.name)},
    )


@require_safe
def organisation_detail(request: HttpRequest, code: str) -> HttpResponse:
    org = selectors.organisation_get(code=code)
    if org is None:
        raise Http404(_("No organisation has the code “%(code)s”.") % {"code": code})
    members = sorted(org.members.all(), key=lambda s: s.name)
    return render(request, "registry/organisation_detail.html", {"org": org, "members": members})


@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    uncovered = sorted(selectors.uncovered_states(), key=lambda s: (s.subregion.name, s.name))
    programmes = sorted(
        (o for o in selectors.organisation_list() if o.ict_programme), key=lambda o: o.name
    )
    return render(
        request,
        "registry/coverage.html",
        {"uncovered": uncovered, "programmes": programmes, "total": State.objects.count()},
    )


@require_safe
def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/sources.html", {"sources": selectors.sources()})
