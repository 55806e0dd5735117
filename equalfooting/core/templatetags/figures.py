"""Template filters for figures in the reader's language: `{% load figures %}`, then
`{{ amount|money }}`, `{{ amount|money:0 }}`, `{{ count|number }}`, `{{ value|number:2 }}`,
`{{ share|percent }}`, `{{ date|day }}`, `{{ due|moment }}`. All go through `core.numbers`."""

from __future__ import annotations

import datetime

from django import template

from equalfooting.core import numbers

register = template.Library()


@register.filter
def number(value: numbers.Number | None, decimals: int | None = None) -> str:
    return numbers.number(value, decimals)


@register.filter
def money(value: numbers.Number | None, decimals: int = 2) -> str:
    return numbers.money(value, decimals=decimals)


@register.filter
def percent(value: numbers.Number | None, decimals: int = 0) -> str:
    return numbers.percent(value, decimals)


@register.filter
def day(value: datetime.date | str | None) -> str:
    return numbers.day(value)


@register.filter
def moment(value: datetime.datetime | str | None) -> str:
    return numbers.moment(value)


@register.filter
def money_in(value: numbers.Number | None, currency: str) -> str:
    """An amount in a currency other than the fund's (a pledge in EUR, say)."""
    return numbers.money(value, currency=currency)
