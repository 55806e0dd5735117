"""The State page: the registry's facts and the State's public record from every part."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from equalfooting import permissions
from equalfooting.needs.labels import theme_label
from equalfooting.programmes import coverage
from equalfooting.programmes.labels import STATUS as COVERAGE_STATUS
from equalfooting.registry import selectors as registry
from equalfooting.registry.models import State
from equalfooting.registry.reference import INCOME_GROUP_FILE

from . import state_record


@require_safe
def state_detail(request: HttpRequest, iso3: str) -> HttpResponse:
    state = registry.state_from_iso3(iso3=iso3)
    return render(
        request,
        "registry/state_detail.html",
        {
            "state": state,
            "profile": registry.state_profile_get(state=state),
            "covering": registry.covering_organisations(state=state),
            "can_edit": permissions.can(request.user, "state.profile.edit", state),
            "can_nominate": permissions.can(request.user, "role.nominate.focal_point", state),
            "can_request": permissions.can(request.user, "request.create", state),
            "requests": state_record.state_requests_visible(user=request.user, state=state),
            "income_label": State.IncomeGroup(state.income_group).label
            if state.income_group
            else "",
            "income_source": registry.reference_source_get(file=INCOME_GROUP_FILE),
            "coverage": [(theme_label(t), cell) for t, cell in coverage.state_row(state).items()],
            "statuses": COVERAGE_STATUS,
            **state_record.state_public_record(state=state),
        },
    )
