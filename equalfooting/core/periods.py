"""The period a public figure covers: every figure is asked for with one, so a tile, a row of a
by-month table and the annual report count the same things over the same dates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class Period:
    """From `start` (included) to `end` (excluded), in UTC; `None` leaves that side open."""

    start: datetime.datetime | None = None
    end: datetime.datetime | None = None

    @classmethod
    def ever(cls) -> Period:
        """Everything recorded so far."""
        return cls()

    @classmethod
    def year(cls, year: int) -> Period:
        """A calendar year, as the annual report covers it."""
        return cls(_utc(year, 1), _utc(year + 1, 1))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        following = (year + 1, 1) if month == 12 else (year, month + 1)
        return cls(_utc(year, month), _utc(*following))

    def q(self, field: str) -> Q:
        """The filter that keeps rows whose `field` falls in the period (and is set)."""
        condition = Q(**{f"{field}__isnull": False})
        if self.start is not None:
            condition &= Q(**{f"{field}__gte": self.start})
        if self.end is not None:
            condition &= Q(**{f"{field}__lt": self.end})
        return condition


def _utc(year: int, month: int) -> datetime.datetime:
    return datetime.datetime(year, month, 1, tzinfo=datetime.UTC)
