"""The public figures of the mechanism, each defined once and asked for with a period.

The dashboard's tiles, its by-month table, the annual report, the API and the fund's page all
read their figures here (the money ones from `fund.figures`), so the same question never gets
two answers: a request counts from the day it was submitted, an agreement from the day the
second side said yes, money from the day it moved.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from equalfooting.core.periods import Period
from equalfooting.fund.figures import FLOWS, money_figures, money_figures_by_month, month_start
from equalfooting.matchmaking.models import Match
from equalfooting.needs.models import AssistanceRequest

# The counted figures: the rows each counts, and the date that places a row in a period.
COUNTED: dict[str, tuple[Callable[[], QuerySet[Any]], str]] = {
    "requests": (lambda: AssistanceRequest.objects.public(), "submitted_at"),
    "matches": (lambda: Match.objects.agreed(), "agreed_at"),
}
NAMES = (*COUNTED, *FLOWS)


def requests_submitted(period: Period) -> int:
    """Requests for assistance submitted in the period (withdrawn ones included: they were
    asked for)."""
    return _count("requests", period)


def matches_agreed(period: Period) -> int:
    """Matches agreed by both sides in the period."""
    return _count("matches", period)


def public_figures(period: Period) -> dict[str, int | Decimal]:
    """Every public figure over the period: requests, matches and the money figures."""
    return {name: _count(name, period) for name in COUNTED} | money_figures(period)


def public_figures_by_month(period: Period) -> list[dict[str, Any]]:
    """The same figures month by month, for every month in which anything moved; each
    figure's months add up to `public_figures` over the same period."""
    months: dict[datetime.date, dict[str, Any]] = {}

    def month(day: datetime.date) -> dict[str, Any]:
        return months.setdefault(day, {name: 0 for name in COUNTED} | dict.fromkeys(FLOWS, 0))

    for name, (rows, field) in COUNTED.items():
        for row in (
            rows()
            .filter(period.q(field))
            .annotate(month=TruncMonth(field))
            .values("month")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            month(month_start(row["month"]))[name] = row["n"]
    for day, amounts in money_figures_by_month(period).items():
        month(day).update(amounts)
    return [{"month": day, **values} for day, values in sorted(months.items())]


def _count(name: str, period: Period) -> int:
    rows, field = COUNTED[name]
    return int(rows().filter(period.q(field)).count())
