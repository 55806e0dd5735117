"""API routes of the registry."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from equalfooting import permissions
from equalfooting.accounts.api_auth import write_auth

from . import selectors, services
from .models import State, StateProfile
from .selectors import state_from_iso3

router = Router(tags=["registry"])
# The largest page and offset the API accepts (docs/user-guide.md, the API section).
MAX_PAGE, MAX_OFFSET = 1000, 1_000_000

LanguageNames = dict[str, str]


class StateOut(Schema):
    iso2: str
    iso3: str
    m49: str
    region: str
    subregion: str
    status: str
    short_name: LanguageNames
    formal_name: LanguageNames
    income_group: str | None
    groups: list[str]
    organisations: list[str]


class StatesPage(Schema):
    count: int
    limit: int | None
    offset: int
    results: list[StateOut]


class OrganisationOut(Schema):
    code: str
    kind: str
    name: LanguageNames
    ict_programme: bool
    programme: str
    source: str
    as_of: str
    members: list[str]


class ProfileIn(Schema):
    summary: str = Field("", max_length=4000)
    national_cert: str = Field("", max_length=200)
    strategy: str = Field("", max_length=300)
    website: str = Field("", max_length=200)


class ProfileOut(ProfileIn):
    state: str


class Error(Schema):
    detail: str


def _state_out(state: State) -> StateOut:
    return StateOut(
        iso2=state.iso2,
        iso3=state.iso3,
        m49=state.m49,
        region=state.region.m49,
        subregion=state.subregion.m49,
        status=state.status,
        short_name=state.short_name,
        formal_name=state.formal_name,
        income_group=state.income_group or None,
        groups=sorted(g.code for g in state.groups.all()),
        organisations=sorted(o.code for o in state.organisations.all()),
    )


@router.get("/states", response=StatesPage, summary="List every State")
def states(
    request: HttpRequest,
    # Bounded, so that no page number can reach the database as an integer it cannot hold.
    limit: int | None = Query(None, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> StatesPage:
    """All 193 Member States and 2 Observer States; page with `limit` and `offset`."""
    rows = selectors.state_list()
    count = rows.count()
    page = rows[offset : offset + limit] if limit is not None else rows[offset:]
    return StatesPage(
        count=count, limit=limit, offset=offset, results=[_state_out(s) for s in page]
    )


@router.get("/states/{iso3}", response={200: StateOut, 404: Error}, summary="One State")
def state(request: HttpRequest, iso3: str) -> StateOut:
    return _state_out(state_from_iso3(iso3=iso3))


@router.get("/organisations", response=list[OrganisationOut], summary="Regional organisations")
def organisations(request: HttpRequest) -> list[OrganisationOut]:
    return [
        OrganisationOut(
            code=o.code,
            kind=o.kind,
            name=o.names,
            ict_programme=o.ict_programme,
            programme=o.programme,
            source=o.source,
            as_of=o.as_of.isoformat(),
            members=sorted(s.iso3 for s in o.members.all()),
        )
        for o in selectors.organisation_list().prefetch_related("members")
    ]


@router.get("/states/{iso3}/profile", response={200: ProfileOut, 404: Error})
def profile(request: HttpRequest, iso3: str) -> ProfileOut:
    state = state_from_iso3(iso3=iso3)
    p = selectors.state_profile_get(state=state) or StateProfile(state=state)
    return ProfileOut(
        state=state.iso3,
        summary=p.summary,
        national_cert=p.national_cert,
        strategy=p.strategy,
        website=p.website,
    )


@router.put(
    "/states/{iso3}/profile",
    auth=write_auth,
    response={200: ProfileOut, 403: Error, 404: Error, 422: Error},
    summary="Update a State's public profile (its verified focal points, or the Secretariat)",
)
def profile_update(request: HttpRequest, iso3: str, payload: ProfileIn) -> ProfileOut:
    state = state_from_iso3(iso3=iso3)
    permissions.require(request.user, "state.profile.edit", state)
    services.state_profile_update(actor=request.user, state=state, **payload.dict())
    return profile(request, iso3)
