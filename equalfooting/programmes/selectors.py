"""Reads of the register, filtered by what the reader may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from equalfooting.core.errors import NotFound

from . import workflow
from .models import Activity, Document, Event


def of_theme(rows: QuerySet[Any], theme: str) -> QuerySet[Any]:
    """Rows whose `themes` hold the code: a JSON list, whose text holds each code in quotes."""
    return rows.filter(themes__icontains=f'"{theme}"')


def activity_from_id(*, activity_id: int, **_ignored: Any) -> Activity:
    """The record a URL names, for views and API routes (`permissions.guard(load=...)`)."""
    found = (
        Activity.objects.select_related("beneficiary_region", "beneficiary_group")
        .prefetch_related("beneficiaries")
        .filter(pk=activity_id)
        .first()
    )
    if found is None:
        raise NotFound(_("No such record."))
    return found


def _listed(rows: QuerySet[Activity]) -> QuerySet[Activity]:
    # A page of records reads its beneficiaries in one more query, however many records.
    return rows.select_related("beneficiary_region", "beneficiary_group").prefetch_related(
        "beneficiaries__subregion"
    )


def register_public(
    *,
    theme: str = "",
    iso3: str = "",
    region: str = "",
    modality: str = "",
    source: str = "",
    provider_kind: str = "",
    year: int | None = None,
) -> QuerySet[Activity]:
    """The published records the public sees (not those kept to aggregates), filtered."""
    rows = Activity.objects.filter(
        curation=Activity.Curation.PUBLISHED, aggregate_only=False, merged_into__isnull=True
    )
    if theme:
        rows = of_theme(rows, theme)
    if iso3:
        rows = rows.filter(beneficiaries__iso3=iso3.upper())
    if region:
        # Named States of the region or its sub-regions, or the region itself as beneficiary.
        rows = rows.filter(
            Q(beneficiary_region__m49=region)
            | Q(beneficiary_region__parent__m49=region)
            | Q(
                pk__in=Activity.beneficiaries.through.objects.filter(
                    Q(state__region__m49=region) | Q(state__subregion__m49=region)
                ).values("activity_id")
            )
        )
    for name, value in (
        ("modality", modality),
        ("source", source),
        ("provider_kind", provider_kind),
    ):
        if value:
            rows = rows.filter(**{name: value})
    if year is not None:
        rows = rows.filter(Q(start__year__lte=year) | Q(start__isnull=True)).filter(
            Q(end__year__gte=year) | Q(end__isnull=True)
        )
    return _listed(rows)


def curation_queue() -> QuerySet[Activity]:
    """The records awaiting the Secretariat: submitted, or taken up and not yet decided."""
    return _listed(
        Activity.objects.filter(curation__in=workflow.AWAITING, merged_into__isnull=True)
    )


def proposed_by(*, provider_id: int | None, state_id: int | None) -> QuerySet[Activity]:
    """What a provider or a State proposed, whatever its curation."""
    if provider_id is None and state_id is None:
        return Activity.objects.none()
    return _listed(
        Activity.objects.filter(
            Q(proposed_for_provider_id=provider_id)
            if provider_id
            else Q(proposed_for_state_id=state_id)
        )
    )


def calendar_events(
    *,
    theme: str = "",
    region: str = "",
    kind: str = "",
    drafts: bool = False,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[Event]:
    """The calendar's events, soonest first: the public ones (and drafts, for the Secretariat),
    those not over before `since` (or over before `until`), of a theme, a region (or its
    sub-regions) or a kind."""
    rows = Event.objects.select_related("region")
    if not drafts:
        rows = rows.exclude(status=Event.Status.DRAFT)
    if since is not None:
        rows = rows.filter(ends_at__gte=since)
    if until is not None:
        rows = rows.filter(ends_at__lt=until)
    if theme:
        rows = of_theme(rows, theme)
    if region:
        rows = rows.filter(Q(region__m49=region) | Q(region__parent__m49=region))
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("starts_at", "pk")


def event_from_id(*, event_id: int, **_ignored: Any) -> Event:
    found = Event.objects.select_related("region").filter(pk=event_id).first()
    if found is None:
        raise NotFound(_("No such event."))
    return found


def library_documents(*, theme: str = "", kind: str = "") -> QuerySet[Document]:
    """The library's documents, newest first, with their versions; of a theme or a kind."""
    rows = Document.objects.select_related("state").prefetch_related("versions")
    if theme:
        rows = of_theme(rows, theme)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-pk")
