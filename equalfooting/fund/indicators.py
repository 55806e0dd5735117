"""Importing indicators: the World Bank's CSV download, or a plain long layout.

    World Bank:  Country Name, Country Code, Indicator Name, Indicator Code, 1960, 1961, …
                 (the download has a few lines of preamble before this header)
    long:        iso3, indicator, year, value, source

Everything is parsed and checked first; a bad row stops the import with its line number and
nothing is written. Rows for aggregates the World Bank publishes (regions, income groups) are
skipped: they are not States.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction

from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidFile
from equalfooting.core.validation import limit
from equalfooting.domain.text import has_control_characters
from equalfooting.registry.models import State

from .models import Indicator

LONG_HEADER = ["iso3", "indicator", "year", "value", "source"]


class IndicatorFileError(InvalidFile):
    """A file of indicators that cannot be imported; the message names the line."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


CODE_LENGTH, SOURCE_LENGTH = limit(Indicator, "code"), limit(Indicator, "source")


@dataclass
class ImportSummary:
    layout: str
    values: int
    skipped_rows: int


# What the value column can hold (24 digits, 6 of them decimals): below 10^18 in size.
MAX_VALUE = Decimal(10) ** 18


def _number(text: str, line: int, column: str) -> Decimal:
    shown = text if len(text) <= 40 else text[:40] + "…"
    if len(text) > 60:
        raise IndicatorFileError(line, f"{column}: {shown!r} is not a number")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise IndicatorFileError(line, f"{column}: {shown!r} is not a number") from None
    if not value.is_finite():
        raise IndicatorFileError(line, f"{column}: {shown!r} is not a finite number")
    if abs(value) >= MAX_VALUE:
        raise IndicatorFileError(line, f"{column}: {shown!r} is too large (the limit is 10^18)")
    return value.quantize(Decimal("0.000001"))


def _text(text: str, line: int, column: str, longest: int) -> str:
    """A code or a source: one line, no control characters, within the column's length."""
    if len(text) > longest:
        raise IndicatorFileError(line, f"{column}: longer than {longest} characters")
    if has_control_characters(text):
        raise IndicatorFileError(line, f"{column}: holds a control character")
    return text


def parse(path: Path) -> tuple[str, list[tuple[str, str, int, Decimal, str]], int]:
    """(layout, rows as (iso3, code, year, value, source), skipped rows)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise IndicatorFileError(None, f"{path} does not exist") from None
    except OSError as exc:  # a folder, no permission
        raise IndicatorFileError(None, f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise IndicatorFileError(None, f"{path} is not UTF-8 text") from None
    reader = csv.reader(text.splitlines())
    lines: list[list[str]] = []
    try:
        for row in reader:
            lines.append(row)
    except csv.Error as exc:  # a field beyond the csv module's 128 KB limit, a stray quote
        raise IndicatorFileError(reader.line_num, f"not a CSV row ({exc})") from None
    known = set(State.objects.values_list("iso3", flat=True))
    rows: list[tuple[str, str, int, Decimal, str]] = []
    skipped = 0
    header_at = next(
        (
            i
            for i, r in enumerate(lines)
            if r[:4] == ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
        ),
        None,
    )
    if header_at is not None:
        header = lines[header_at]
        years = {}
        for position, label in enumerate(header[4:], start=4):
            if label.strip().isdigit():
                years[position] = int(label)
        source = f"World Bank, World Development Indicators ({path.name})"
        for number, row in enumerate(lines[header_at + 1 :], start=header_at + 2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < 4:
                raise IndicatorFileError(number, "expected at least 4 columns")
            iso3, code = row[1].strip(), row[3].strip()
            if iso3 not in known:
                skipped += 1  # an aggregate (a region, an income group) or a territory
                continue
            if not code:
                raise IndicatorFileError(number, "Indicator Code is empty")
            code = _text(code, number, "Indicator Code", CODE_LENGTH)
            for position, year in years.items():
                cell = row[position] if position < len(row) else ""
                if cell.strip():
                    rows.append((iso3, code, year, _number(cell, number, str(year)), source))
        return "world-bank", rows, skipped
    if not lines or [c.strip() for c in lines[0]] != LONG_HEADER:
        raise IndicatorFileError(
            1, "expected the World Bank layout or the columns " + ", ".join(LONG_HEADER)
        )
    for number, row in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 5:
            raise IndicatorFileError(number, f"expected 5 columns, found {len(row)}")
        iso3, code, year_text, value, source = (c.strip() for c in row)
        if iso3 not in known:
            raise IndicatorFileError(number, f"iso3: unknown State {iso3!r}")
        if not code:
            raise IndicatorFileError(number, "indicator is empty")
        if not year_text.isdigit() or not 1900 <= int(year_text) <= 2100:
            raise IndicatorFileError(number, f"year: {year_text!r} is not a year")
        if not source:
            raise IndicatorFileError(number, "source is empty: every value needs one")
        code = _text(code, number, "indicator", CODE_LENGTH)
        source = _text(source, number, "source", SOURCE_LENGTH)
        rows.append((iso3, code, int(year_text), _number(value, number, "value"), source))
    return "long", rows, skipped


@transaction.atomic
def import_file(*, path: Path, actor: Any, synthetic: bool = False) -> ImportSummary:
    layout, rows, skipped = parse(path)
    states = {s.iso3: s for s in State.objects.all()}
    for iso3, code, year, value, source in rows:
        Indicator.objects.update_or_create(
            state=states[iso3],
            code=code,
            year=year,
            defaults={"value": value, "source": source, "is_synthetic": synthetic},
        )
    audit_append(
        actor=actor,
        action="fund.indicators.import",
        object_type="indicator_file",
        object_id=path.name,
        state={
            "layout": layout,
            "values": len(rows),
            "skipped_rows": skipped,
            "synthetic": synthetic,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        },
        public=True,
    )
    return ImportSummary(layout, len(rows), skipped)


def latest(state: State, code: str) -> Indicator | None:
    return Indicator.objects.filter(state=state, code=code).order_by("-year").first()
