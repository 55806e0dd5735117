"""API routes for the register: its public records, page by page, and proposing a record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from equalfooting import permissions
from equalfooting.accounts.api_auth import write_auth
from equalfooting.core.errors import InvalidInput, NotFound
from equalfooting.core.validation import limit

from . import search, selectors, services
from .models import Activity
from .selectors import activity_from_id

router = Router(tags=["register"])
PAGE = 100


class Error(Schema):
    detail: str


class ActivityOut(Schema):
    id: int
    reference: str
    title: str
    title_language: str
    description: str
    providers: list[str]
    funders: list[str]
    provider_kind: str
    beneficiaries: list[str]  # ISO 3166 alpha-3 codes
    beneficiary_region: str | None  # UN M49 code
    beneficiary_group: str | None  # LDC, LLDC, SIDS
    themes: list[str]
    modality: str
    start: dt.date | None
    end: dt.date | None
    budget: str
    currency: str
    phase: str
    languages: list[str]
    source: str
    source_detail: str
    as_of: dt.date
    curation: str
    curator_note: str


class ActivityPage(Schema):
    items: list[ActivityOut]
    # The `before` of the next page (older records), or null on the last page.
    older: int | None


class RegisterFilters(Schema):
    theme: str = Field("", max_length=40)
    state: str = Field("", max_length=3)
    region: str = Field("", max_length=3)
    modality: str = Field("", max_length=30)
    source: str = Field("", max_length=20)
    provider_kind: str = Field("", max_length=20)
    year: int | None = Field(None, ge=1900, le=2200)
    before: int | None = Field(None, ge=1)


class ActivityIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=limit(Activity, "title"))
    title_language: str = Field(max_length=10)
    description: str = Field("", max_length=limit(Activity, "description"))
    providers: list[str] = Field(max_length=50)
    funders: list[str] = Field(default_factory=list, max_length=50)
    provider_kind: str = Field(max_length=20)
    beneficiaries: list[str] = Field(default_factory=list, max_length=200)
    beneficiary_region: str | None = Field(None, max_length=3)
    beneficiary_group: str | None = Field(None, max_length=10)
    themes: list[str] = Field(max_length=50)
    modality: str = Field(max_length=30)
    start: str | None = Field(None, max_length=10)
    end: str | None = Field(None, max_length=10)
    budget: str = Field("unknown", max_length=20)
    currency: str = Field("", max_length=3)
    phase: str = Field(max_length=20)
    languages: list[str] = Field(max_length=50)
    source_detail: str = Field("", max_length=limit(Activity, "source_detail"))
    as_of: str | None = Field(None, max_length=10)


def _out(a: Activity) -> dict[str, Any]:
    return {
        **{name: getattr(a, name) for name in ActivityOut.model_fields if hasattr(a, name)},
        "id": a.pk,
        "beneficiaries": sorted(s.iso3 for s in a.beneficiaries.all()),
        "beneficiary_region": a.beneficiary_region_id,
        "beneficiary_group": a.beneficiary_group.code if a.beneficiary_group else None,
    }


@router.get("/activities", response=ActivityPage)
def activities(request: HttpRequest, filters: Query[RegisterFilters]) -> dict[str, Any]:
    """The register's published records, newest first, a hundred a page (those a beneficiary
    State asked to be shown only in aggregate are not listed)."""
    rows = selectors.register_public(
        theme=filters.theme,
        iso3=filters.state,
        region=filters.region,
        modality=filters.modality,
        source=filters.source,
        provider_kind=filters.provider_kind,
        year=filters.year,
    )
    if filters.before is not None:
        rows = rows.filter(pk__lt=filters.before)
    found = list(rows.order_by("-pk")[: PAGE + 1])
    items = found[:PAGE]
    return {
        "items": [_out(a) for a in items],
        "older": items[-1].pk if len(found) > PAGE else None,
    }


@router.get("/activities/{activity_id}", response={200: ActivityOut, 404: Error})
def activity(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    found = activity_from_id(activity_id=activity_id)
    if not permissions.can(request.user, "activity.view", found):
        raise NotFound("No such record.")
    return _out(found)


@router.post("/activities", auth=write_auth, response={201: ActivityOut, 403: Error, 422: Error})
def activity_propose(request: HttpRequest, payload: ActivityIn) -> Status[dict[str, Any]]:
    """Propose a record for the register; the Secretariat curates it before it is published."""
    permissions.require(request.user, "activity.propose")
    return Status(201, _out(services.activity_propose(actor=request.user, **payload.dict())))


class SearchFilters(Schema):
    q: str = Field("", max_length=200)
    kind: str = Field("", max_length=20)
    theme: str = Field("", max_length=40)
    region: str = Field("", max_length=3)
    group: str = Field("", max_length=10)
    modality: str = Field("", max_length=30)
    year: str = Field("", max_length=4)
    provider_kind: str = Field("", max_length=20)
    source: str = Field("", max_length=20)
    lang: str = Field("en", max_length=10)
    offset: int = Field(0, ge=0, le=search.MOST_MATCHES)


class SearchResult(Schema):
    kind: str  # activity, request, offer
    id: int  # the record's, request's or offer's
    title: str
    language: str  # of the title shown: the reader's (`lang`) where the item has it
    summary: str


class SearchFacetValue(Schema):
    value: str
    count: int


class SearchPage(Schema):
    total: int
    capped: bool  # more texts matched than are ranked: narrow the search
    items: list[SearchResult]
    facets: dict[str, list[SearchFacetValue]]


@router.get("/search", response=SearchPage)
def search_public(request: HttpRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    """Search the public register, requests and offers in any of the six languages: every
    word must be found, accents and case aside. Facets count the results by kind, theme,
    region, group, modality, year, type of provider and source; give one to narrow them."""
    chosen = {name: getattr(filters, name) for name in search.FACETS}
    found = search.search(
        text=filters.q, chosen=chosen, language=filters.lang, offset=filters.offset, limit=PAGE
    )
    return {
        "total": found.total,
        "capped": found.capped,
        "items": [
            {
                "kind": d.kind,
                "id": d.item_id,
                "title": d.title,
                "language": d.language,
                "summary": d.summary,
            }
            for d in found.items
        ],
        "facets": {
            name: [{"value": v, "count": n} for v, n in values]
            for name, values in found.facets.items()
        },
    }


class EventFilters(Schema):
    theme: str = Field("", max_length=40)
    region: str = Field("", max_length=3)
    kind: str = Field("", max_length=20)
    since: dt.datetime | None = None  # events not over before this (default: now)


class EventOut(Schema):
    id: int
    reference: str
    title: str
    kind: str
    status: str  # published or cancelled
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime
    time_zone: str  # IANA name of the event's own clock
    attendance: str
    venue: str
    interpretation: list[str]
    themes: list[str]
    region: str | None  # UN M49 code
    takes_registration: bool
    capacity: int | None


def _in_utc(moment: dt.datetime) -> dt.datetime:
    """A time as UTC (naive: taken as UTC). Any offset Python reads is converted here, since
    PostgreSQL refuses offsets beyond ±15:59 in a query."""
    try:
        return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    except OverflowError:
        raise InvalidInput(
            {"since": [_("Give a date and time, for example 2027-03-15T10:00.")]}
        ) from None


@router.get("/events", response=list[EventOut])
def events_public(request: HttpRequest, filters: Query[EventFilters]) -> list[dict[str, Any]]:
    """The calendar's published (and cancelled) events not over before `since`, soonest first,
    at most five hundred."""
    rows = selectors.calendar_events(
        theme=filters.theme,
        region=filters.region,
        kind=filters.kind,
        since=_in_utc(filters.since) if filters.since else timezone.now(),
    )
    return [
        {
            **{name: getattr(e, name) for name in EventOut.model_fields if hasattr(e, name)},
            "region": e.region_id,
        }
        for e in rows[:500]
    ]


class VersionOut(Schema):
    language: str
    title: str
    media_type: str
    size: int
    sha256: str
    file: str  # the download's path


class DocumentOut(Schema):
    id: int
    reference: str
    kind: str
    licence: str
    source: str
    published_on: dt.date | None
    themes: list[str]
    state: str | None  # ISO 3166 alpha-3
    versions: list[VersionOut]


@router.get("/documents", response=list[DocumentOut])
def documents_public(request: HttpRequest, kind: str = "", theme: str = "") -> list[dict[str, Any]]:
    """The library's documents, newest first, with their language versions (at most five
    hundred; `kind` and `theme` narrow them)."""
    rows = selectors.library_documents(theme=theme[:40], kind=kind[:20])
    return [
        {
            **{name: getattr(d, name) for name in DocumentOut.model_fields if hasattr(d, name)},
            "id": d.pk,
            "state": d.state.iso3 if d.state else None,
            "versions": [
                {
                    **{n: getattr(v, n) for n in VersionOut.model_fields if hasattr(v, n)},
                    "file": reverse(
                        "programmes:version_file",
                        kwargs={"document_id": d.pk, "language": v.language},
                    ),
                }
                for v in d.versions.all()
            ],
        }
        for d in rows[:500]
    ]
