"""API route of the public figures: the numbers the dashboard and the annual report show."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from equalfooting.core.errors import NotFound
from equalfooting.core.periods import Period

from . import published
from .figures import public_figures

router = Router(tags=["figures"])


class FiguresIn(Schema):
    year: int | None = Field(
        None, ge=1, le=9999, description="A calendar year (UTC); everything so far if absent."
    )


class FiguresOut(Schema):
    year: int | None
    period_start: datetime.datetime | None
    period_end: datetime.datetime
    requests: int = Field(description="Requests for assistance submitted in the period.")
    matches: int = Field(description="Matches agreed by both sides in the period.")
    pledged: Decimal = Field(description="USD pledged, less cancellations.")
    received: Decimal = Field(description="USD received.")
    allocated: Decimal = Field(description="USD allocated to State envelopes.")
    committed: Decimal = Field(description="USD committed to projects.")
    disbursed: Decimal = Field(description="USD disbursed, less refunds.")


class Error(Schema):
    detail: str


@router.get("/figures", response={200: FiguresOut, 404: Error})
def figures(request: HttpRequest, query: Query[FiguresIn]) -> FiguresOut:
    """The public figures over a year, or from the start to now: the same numbers as the
    dashboard (everything so far) and the annual report (a year)."""
    now = timezone.now()
    if query.year is None:
        period = Period(end=now)
    elif query.year in published.report_years():
        period = Period.year(query.year)
    else:
        raise NotFound(_("There are no figures for this year."))
    return FiguresOut.model_validate(
        {
            "year": query.year,
            "period_start": period.start,
            "period_end": period.end or now,
            **public_figures(period),
        }
    )
