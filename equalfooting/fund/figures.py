"""The fund's public money figures, each defined once: the fund's page, the dashboard, the
annual report and the API all read them from here, for a period they name.

A figure is a signed sum of ledger movements: what was pledged is pledges less cancellations,
what was disbursed is disbursements less refunds, so every page that shows "disbursed" shows
money that actually left the fund.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Case, DecimalField, F, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from equalfooting.core.periods import Period

from .models import LedgerTransaction

Kind = LedgerTransaction.Kind


class Flow(models.TextChoices):
    """The public money figures, by the name pages, files and the API give them."""

    PLEDGED = "pledged", _("pledged in total")
    RECEIVED = "received", _("received")
    ALLOCATED = "allocated", _("allocated to State envelopes")
    COMMITTED = "committed", _("committed to projects")
    DISBURSED = "disbursed", _("disbursed")


# Each public money figure: the ledger movements it adds (+1) and takes away (-1).
FLOWS: dict[str, dict[str, int]] = {
    Flow.PLEDGED.value: {Kind.PLEDGE: 1, Kind.CANCELLATION: -1},
    Flow.RECEIVED.value: {Kind.RECEIPT: 1},
    Flow.ALLOCATED.value: {Kind.ALLOCATION: 1},
    Flow.COMMITTED.value: {Kind.COMMITMENT: 1},
    Flow.DISBURSED.value: {Kind.DISBURSEMENT: 1, Kind.REFUND: -1},
}
ZERO = Decimal("0.00")


def _signed(name: str) -> Sum:
    cases = [
        When(kind=kind, then=F("amount") if sign > 0 else -F("amount"))
        for kind, sign in FLOWS[name].items()
    ]
    return Sum(
        Case(
            *cases, default=Value(ZERO), output_field=DecimalField(max_digits=18, decimal_places=2)
        )
    )


def _kept(name: str, period: Period, compute: Any) -> Any:
    """A figure read from the shared cache while the ledger has not moved since it was
    computed, else computed again. Summing every movement grows with the ledger (a million
    postings after some years); the ledger only ever grows, so its newest movement's number
    says whether anything changed: one read of the primary key index."""
    newest = LedgerTransaction.objects.order_by("-pk").values_list("pk", "at").first()
    number, at = newest if newest else (0, None)
    start = period.start.isoformat() if period.start else "*"
    # A period up to now (or later) holds every movement so far: one key for all its readers.
    end = period.end.isoformat() if period.end and (at is None or at >= period.end) else "*"
    key = f"ef:fund:{name}:{start}:{end}:{number}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.EF_PAGE_CACHE_SECONDS)
    return value


def money_figures(period: Period) -> dict[str, Decimal]:
    """Every money figure over the period, in one query (none while the ledger is unchanged)."""

    def compute() -> dict[str, Decimal]:
        totals = LedgerTransaction.objects.filter(period.q("at")).aggregate(
            **{name: _signed(name) for name in FLOWS}
        )
        return {name: _money(totals[name]) for name in FLOWS}

    return dict(_kept("totals", period, compute))


def money_figures_by_month(period: Period) -> dict[datetime.date, dict[str, Decimal]]:
    """The same figures month by month ({first day of the month: {figure: amount}}); the
    months add up to `money_figures` over the same period."""

    def compute() -> dict[datetime.date, dict[str, Decimal]]:
        rows = (
            LedgerTransaction.objects.filter(period.q("at"))
            .annotate(month=TruncMonth("at"))
            .values("month")
            .annotate(**{name: _signed(name) for name in FLOWS})
            .order_by("month")
        )
        return {
            month_start(row["month"]): {name: _money(row[name]) for name in FLOWS} for row in rows
        }

    return dict(_kept("by-month", period, compute))


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(ZERO)


def month_start(month: datetime.date | datetime.datetime) -> datetime.date:
    """A truncated month as a date, whether the database gave a date or a moment."""
    return month.date() if isinstance(month, datetime.datetime) else month
