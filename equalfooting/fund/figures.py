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


def money_figures(period: Period) -> dict[str, Decimal]:
    """Every money figure over the period, in one query."""
    totals = LedgerTransaction.objects.filter(period.q("at")).aggregate(
        **{name: _signed(name) for name in FLOWS}
    )
    return {name: _money(totals[name]) for name in FLOWS}


def money_figures_by_month(period: Period) -> dict[datetime.date, dict[str, Decimal]]:
    """The same figures month by month ({first day of the month: {figure: amount}}); the
    months add up to `money_figures` over the same period."""
    rows = (
        LedgerTransaction.objects.filter(period.q("at"))
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(**{name: _signed(name) for name in FLOWS})
        .order_by("month")
    )
    return {month_start(row["month"]): {name: _money(row[name]) for name in FLOWS} for row in rows}


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(ZERO)


def month_start(month: datetime.date | datetime.datetime) -> datetime.date:
    """A truncated month as a date, whether the database gave a date or a moment."""
    return month.date() if isinstance(month, datetime.datetime) else month
