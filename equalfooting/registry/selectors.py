"""Reads of the registry."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from equalfooting.core.errors import NotFound
from equalfooting.core.i18n import fold

from .models import Group, Organisation, ReferenceSource, Region, State, StateProfile


def state_get(*, iso3: str) -> State | None:
    return (
        State.objects.select_related("region", "subregion")
        .prefetch_related(
            Prefetch("groups", queryset=Group.objects.select_related("source_file")),
            "organisations",
        )
        .filter(iso3=iso3.upper())
        .first()
    )


def state_from_iso3(*, iso3: str, **_ignored: object) -> State:
    """The State a URL names, for views and API routes (`permissions.guard(load=...)`)."""
    state = state_get(iso3=iso3)
    if state is None:
        raise NotFound(_("No State has the ISO 3166 alpha-3 code “%(code)s”.") % {"code": iso3})
    return state


def state_list(
    *, region: str = "", subregion: str = "", group: str = "", organisation: str = "", q: str = ""
) -> QuerySet[State]:
    """States filtered by M49 region or sub-region, group, organisation, and name search.

    The search matches any of the twelve names (short and formal, six languages), ignoring
    case and accents, and the ISO codes.
    """
    states = State.objects.select_related("region", "subregion").prefetch_related(
        "groups", Prefetch("organisations", queryset=Organisation.objects.only("code"))
    )
    if region:
        states = states.filter(region_id=region)
    if subregion:
        states = states.filter(subregion_id=subregion)
    if group:
        states = states.filter(groups__code=group)
    if organisation:
        states = states.filter(organisations__code=organisation)
    if q.strip():
        states = states.filter(search_text__contains=fold(q.strip()))
    return states.distinct()


def uncovered_states() -> QuerySet[State]:
    """States that no regional ICT-security capacity-building programme reaches."""
    return (
        State.objects.select_related("region", "subregion")
        .prefetch_related("groups", "organisations")
        .exclude(organisations__ict_programme=True)
    )


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(member_count=Count("members"))


def organisation_get(*, code: str) -> Organisation | None:
    return (
        Organisation.objects.prefetch_related(
            Prefetch("members", queryset=State.objects.select_related("subregion"))
        )
        .filter(code=code.upper())
        .first()
    )


def regions() -> QuerySet[Region]:
    return Region.objects.filter(parent__isnull=True)


def subregions() -> QuerySet[Region]:
    return Region.objects.filter(parent__isnull=False)


def groups() -> QuerySet[Group]:
    return Group.objects.select_related("source_file")


def sources() -> QuerySet[ReferenceSource]:
    return ReferenceSource.objects.all()


def reference_source_get(*, file: str) -> ReferenceSource | None:
    """Where one reference-data file comes from (its title and date), if it was loaded."""
    return sources().filter(file=file).first()


def state_profile_get(*, state: State) -> StateProfile | None:
    """The State's public profile, if its focal points wrote one."""
    return StateProfile.objects.filter(state=state).first()


def registry_counts() -> dict[str, int]:
    return {
        "members": State.objects.filter(status=State.Status.MEMBER).count(),
        "observers": State.objects.filter(status=State.Status.OBSERVER).count(),
        "organisations": Organisation.objects.count(),
        "programmes": Organisation.objects.filter(ict_programme=True).count(),
        "uncovered": uncovered_states().count(),
    }


def covering_organisations(*, state: State) -> list[Organisation]:
    """The State's organisations that run an ICT-security capacity-building programme."""
    return [o for o in state.organisations.all() if o.ict_programme]
