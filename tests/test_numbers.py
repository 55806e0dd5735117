"""Figures written as each of the six languages writes them, with Western digits throughout."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from equalfooting.core import numbers
from tests import factories

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("language", "grouped", "amount"),
    [
        ("en", "5,770,000.50", "$5,770,000.50"),
        ("fr", f"5{NNBSP}770{NNBSP}000,50", f"5{NNBSP}770{NNBSP}000,50{NBSP}$US"),
        ("es", "5.770.000,50", f"5.770.000,50{NBSP}US$"),
        ("ru", f"5{NBSP}770{NBSP}000,50", f"5{NBSP}770{NBSP}000,50{NBSP}долл. США"),
        ("ar", "5,770,000.50", f"5,770,000.50{NBSP}دولار"),
        ("zh-hans", "5,770,000.50", "5,770,000.50美元"),
    ],
)
def test_amounts_are_grouped_with_the_currency_in_every_language(
    language: str, grouped: str, amount: str
) -> None:
    value = Decimal("5770000.5")
    assert numbers.number(value, 2, language) == grouped
    assert numbers.money(value, language=language) == amount


def test_arabic_uses_western_digits_as_un_documents_do() -> None:
    written = numbers.money(Decimal("1234567.89"), language="ar") + numbers.number(42, 0, "ar")
    assert not any("\u0660" <= ch <= "\u0669" for ch in written)
    assert "1,234,567.89" in written


def test_whole_amounts_rounding_and_other_currencies() -> None:
    assert numbers.money("37416.245", decimals=0, language="en") == "$37,416"
    assert numbers.number("0.125", 2, "en") == "0.12"  # half-even, as Babel rounds
    assert numbers.money(-50, language="fr") == f"-50,00{NBSP}$US"
    assert numbers.money(1250, currency="EUR", language="fr") == f"1{NNBSP}250,00{NBSP}€"
    assert numbers.money(1250, currency="EUR", language="en") == "€1,250.00"


def test_percentages_and_dates() -> None:
    assert numbers.percent("0.3456", 1, "en") == "34.6%"
    assert numbers.percent("0.3456", 1, "fr") == f"34,6{NBSP}%"
    assert numbers.percent("0.5", 0, "ru") == f"50{NBSP}%"
    day = datetime.date(2026, 12, 1)
    assert numbers.day(day, language="en") == "1 December 2026"
    assert numbers.day(day, language="fr") == "1 décembre 2026"
    assert numbers.day(day, language="zh-hans") == "2026年12月1日"


def test_blanks_and_text_pass_through_so_a_template_never_fails() -> None:
    assert numbers.number(None) == ""
    assert numbers.money("") == ""
    assert numbers.number("n/a", 2) == "n/a"
    assert numbers.money("NaN") == "NaN"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "$5,770,000.00"),
        ("fr", f"5{NNBSP}770{NNBSP}000,00{NBSP}$US"),
        ("es", f"5.770.000,00{NBSP}US$"),
        ("ru", f"5{NBSP}770{NBSP}000,00{NBSP}долл. США"),
        ("ar", f"5,770,000.00{NBSP}دولار"),
    ],
)
def test_the_fund_page_writes_the_amount_received_in_the_readers_language(
    client: Client, language: str, written: str
) -> None:
    officer = factories.officer()
    factories.contribution_received(officer, amount="5770000")
    page = client.get(f"/{language}/fund/").content.decode()
    assert f'<span class="figure">{written}</span>' in page
    assert "5770000" not in page and "5,770,000,00" not in page


def test_moments_kept_as_text_are_written_out() -> None:
    assert numbers.moment("2026-12-15 14:00", language="en") == "15 December 2026, 14:00"
    assert numbers.moment("2026-12-15 14:00", language="ru") == "15 декабря 2026\u202fг., 14:00"
    assert numbers.day("2026-12-15", language="es") == "15 de diciembre de 2026"
    assert numbers.moment("not a date") == "not a date"
