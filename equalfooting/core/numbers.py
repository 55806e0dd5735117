"""Numbers, money and dates written as the reader's language writes them (Babel, CLDR).

One place decides how a figure reads, so a page, a chart, a PDF and an e-mail agree:
"5,770,000.00" in English, "5 770 000,00" in French, "5.770.000,00" in Spanish. Digits are
always Western (CLDR's "latn" numbering system), as the United Nations' Arabic documents
write them. Amounts carry their currency: "$5,770,000" in English, "5 770 000 $US" in French.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from django.conf import settings
from django.utils.translation import get_language, to_locale

Number = int | float | Decimal | str

# UN documents write Arabic with Western digits; every locale of the six is asked for "latn".
DIGITS = "latn"
FUND_CURRENCY = "USD"
# Where the UN's own documents name the dollar otherwise than CLDR's symbol does, their
# usage wins, after the figure: "5 770 000 долл. США", "5,770,000美元", "5,770,000 دولار".
UN_DOLLAR = {"ru": "\u00a0долл. США", "zh": "美元", "ar": "\u00a0دولار"}


@cache
def babel_locale(language: str) -> Locale:
    """The CLDR locale of a Django language code ("zh-hans" -> zh_Hans), English if unknown."""
    try:
        return Locale.parse(to_locale(language))
    except (ValueError, LookupError):
        return Locale.parse("en")


def _locale(language: str | None) -> Locale:
    return babel_locale(language or get_language() or settings.LANGUAGE_CODE)


def _decimal(value: Number | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _fixed(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def number(value: Number | None, decimals: int | None = None, language: str | None = None) -> str:
    """A grouped number; with `decimals`, exactly that many places (rounded half-even, as
    Babel does), otherwise as many as the value has. Text that is not a number is returned
    as it is, so a template never fails on a blank."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    locale = _locale(language)
    if decimals is None:
        return format_decimal(amount, locale=locale, numbering_system=DIGITS)
    return format_decimal(
        amount,
        format=_fixed(decimals),
        locale=locale,
        decimal_quantization=True,
        numbering_system=DIGITS,
    )


@cache
def _currency_pattern(locale: Locale, decimals: int) -> str:
    """The locale's currency pattern with `decimals` places (CLDR gives it with two)."""
    pattern = locale.currency_formats["standard"].pattern
    places = "." + "0" * decimals if decimals > 0 else ""
    return re.sub(r"\.0+", places, pattern)


def money(
    value: Number | None,
    currency: str = FUND_CURRENCY,
    decimals: int = 2,
    language: str | None = None,
) -> str:
    """An amount with its currency and grouping, in the locale's order ("$1,250.00",
    "1 250,00 $US", "1.250,00 US$")."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    locale = _locale(language)
    if currency == FUND_CURRENCY and locale.language in UN_DOLLAR:
        return number(amount, decimals, language) + UN_DOLLAR[locale.language]
    return format_currency(
        amount,
        currency,
        format=_currency_pattern(locale, decimals),
        locale=locale,
        currency_digits=False,
        numbering_system=DIGITS,
    )


def percent(value: Number | None, decimals: int = 0, language: str | None = None) -> str:
    """A share (0.345) as a percentage in the locale's way ("34 %" in French)."""
    share = _decimal(value)
    if share is None:
        return "" if value is None else str(value)
    locale = _locale(language)
    pattern = locale.percent_formats[None].pattern
    if decimals > 0:
        pattern = re.sub(r"0(?=\s*%)", "0." + "0" * decimals, pattern, count=1)
    return format_percent(
        share, format=pattern, locale=locale, decimal_quantization=True, numbering_system=DIGITS
    )


def _when(value: datetime.date | str | None) -> datetime.date | None:
    """A date or a moment, from itself or from ISO text ("2026-12-01 14:00")."""
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value


def moment(value: datetime.datetime | str | None, language: str | None = None) -> str:
    """A date and a time of day (UTC, as the mechanism keeps its deadlines):
    "15 December 2026, 14:00"; text that is not a moment is returned as it is."""
    when = _when(value)
    if not isinstance(when, datetime.datetime):
        return "" if value is None else str(value)
    return f"{day(when, language=language)}, {when:%H:%M}"


def day(
    value: datetime.date | str | None, length: str = "long", language: str | None = None
) -> str:
    """A date written out ("1 December 2026", "1 décembre 2026", "2026年12月1日")."""
    if isinstance(value, str):
        parsed = _when(value)
        if parsed is None:
            return value
        value = parsed
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    locale = _locale(language)
    # The UN's English writes the day first ("1 December 2026"), as British English does.
    if locale.language == "en":
        locale = babel_locale("en-gb")
    return format_date(value, format=length, locale=locale)
