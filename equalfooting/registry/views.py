from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from equalfooting import permissions
from equalfooting.core.errors import InvalidInput, NotFound
from equalfooting.core.forms import attach_errors

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


@require_http_methods(["GET", "POST"])
@permissions.guard("state.profile.edit", load=state_from_iso3)
def state_profile_edit(request: HttpRequest, iso3: str, obj: State) -> HttpResponse:
    profile = selectors.state_profile_get(state=obj) or StateProfile(state=obj)
    form = StateProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.state_profile_update(actor=request.user, state=obj, **form.cleaned_data)
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The profile was saved."))
            return redirect("registry:state_detail", iso3=obj.iso3)
    return render(request, "registry/state_profile_edit.html", {"state": obj, "form": form})


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
        raise NotFound(_("No organisation has the code “%(code)s”.") % {"code": code})
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
