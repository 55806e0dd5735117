"""Every chart the site draws, in each of the six languages, with the longest labels it really
shows: each label is in the SVG whole (its wrapped lines joined) and nothing is shortened to
an ellipsis; a request's status has the same colour in every language; numbers on the axes
are written as the language writes them; Arabic charts are mirrored.

No database: the rows are made from the real translated labels (the framework's themes, the
M49 regions, the income and country groups, the statuses and reasons), as the statistics
make them. The world map is drawn over one small square, for its legend is what has text.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from hypothesis import given
from hypothesis import strategies as st

import equalfooting
from equalfooting.matchmaking.models import Match
from equalfooting.needs import framework as fw
from equalfooting.needs.labels import theme_label
from equalfooting.needs.models import AssistanceRequest
from equalfooting.registry.models import Group, State
from equalfooting.registry.reference import LANG_CODES
from equalfooting.transparency import charts

PACKAGE = Path(equalfooting.__file__).resolve().parent
SVG = "{http://www.w3.org/2000/svg}"
LANGUAGES = settings.LANGUAGE_CODES
Status = AssistanceRequest.Status
PUBLIC_STATUSES = [code for code in charts.STATUS_COLOURS if code != Status.DRAFT]

# One square of land for the map: its legend, not its geometry, is under test here.
SQUARE = {
    "type": "Topology",
    "arcs": [[[30, -5], [30, 5], [40, 5], [40, -5], [30, -5]]],
    "objects": {
        name: {
            "type": "GeometryCollection",
            "geometries": [{"type": "Polygon", "arcs": [[0]], "id": "404"}],
        }
        for name in ("land", "countries")
    },
}


def squash(text: str) -> str:
    """The text without its spaces: a label wrapped at a space or between two Chinese
    characters reads the same once its lines are joined."""
    return "".join(text.split())


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - the SVG comes from our own renderer


def svg_texts(svg: str) -> list[str]:
    """The text of every <text> element, its lines (<tspan>s) joined."""
    root = parse(svg)
    return ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]


def region_names(language: str) -> list[str]:
    column = "name_" + next(k for k, v in LANG_CODES.items() if v == language)
    with (PACKAGE / "registry" / "data" / "regions.csv").open(encoding="utf-8") as f:
        return [row[column] for row in csv.DictReader(f)]


def themes() -> list[str]:
    return [theme_label(d.code) for d in fw.load().dimensions]


def status_rows() -> list[dict[str, Any]]:
    return [
        {
            "theme": theme,
            "status": str(Status(code).label),
            "status_code": code,
            "requests": 1 + (i * 7 + j) % 5,
        }
        for i, theme in enumerate(themes())
        for j, code in enumerate(PUBLIC_STATUSES)
    ]


# Each chart the site draws: its markup and the labels it must show whole.
Drawn = tuple[str, list[str]]


def by_theme() -> Drawn:
    rows = status_rows()
    labels = [r["theme"] for r in rows] + [r["status"] for r in rows]
    return charts.requests_by_theme(rows), [
        *labels,
        _("Requests by theme and status"),
        _("Status"),
    ]


def by_month() -> Drawn:
    months: list[dict[str, Any]] = [
        {"month": f"2026-{m:02}", "requests": 90 * m} for m in range(1, 13)
    ]
    labels = [charts.month_name(m["month"]) for m in months]
    return charts.requests_by_month(months), [*labels, _("Requests submitted by month")]


def share() -> Drawn:
    # Every group the fairness page shows, in one chart: regions, income groups, LDC/LLDC/SIDS.
    labels = [
        *region_names(translation.get_language()),
        *(str(label) for _code, label in State.IncomeGroup.choices),
        *(str(label) for label in Group.LABELS.values()),
    ]
    rows = [{"label": label, "share": (i % 10) / 10} for i, label in enumerate(labels)]
    group = _("By LDC, LLDC and SIDS membership")
    title = _("Mean share of each request served — %(group)s") % {"group": group}
    return charts.share_served(rows, group), [*labels, title, _("Mean share served")]


def declines() -> Drawn:
    reasons = {"provider": Match.DeclineReason, "state": Match.StateDeclineReason}
    sides = {"provider": _("Provider"), "state": _("State")}
    rows: list[dict[str, Any]] = [
        {"label": str(label), "declines": n, "side": sides[code], "side_code": code}
        for code, choices in reasons.items()
        for n, label in enumerate([*choices.labels, _("Lapsed: no answer in time")])
    ]
    labels = [r["label"] for r in rows] + [r["side"] for r in rows]
    return charts.declines_by_reason(rows), [
        *labels,
        _("Declines by reason"),
        _("Declined by"),
        _("Declines"),
    ]


def assessment() -> Drawn:
    rows: list[dict[str, Any]] = [
        {"dimension": t, "stage": 1 + i % 5} for i, t in enumerate(themes())
    ]
    return charts.assessment_stages(rows, 12), [
        *(r["dimension"] for r in rows),
        _("Public self-assessment, version %(n)s") % {"n": 12},
        _("Stage (1 to 5)"),
    ]


def world_map() -> Drawn:
    legend = _("Allocations from the fund by State (USD)")
    values = [{"m49": "404", "name": "Kenya", "value": 1250000.0}]
    return charts.world_map(title=legend, values=values, value_title=legend), [legend]


CHARTS: dict[str, Callable[[], Drawn]] = {
    "requests_by_theme": by_theme,
    "requests_by_month": by_month,
    "share_served": share,
    "declines_by_reason": declines,
    "assessment_stages": assessment,
    "world_map": world_map,
}


@pytest.fixture(autouse=True)
def small_world(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "_topology", lambda name: SQUARE)


def test_every_chart_the_site_draws_is_tested_here() -> None:
    """Every `charts.<name>(` called outside the charts module is one of CHARTS."""
    drawn = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name != "charts.py":
            drawn |= set(re.findall(r"\bcharts\.(\w+)\(", path.read_text(encoding="utf-8")))
    assert drawn and drawn <= set(CHARTS), drawn - set(CHARTS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_label_is_shortened_in_any_language(language: str) -> None:
    with translation.override(language):
        for name, draw in CHARTS.items():
            svg, labels = draw()
            texts = svg_texts(svg)
            whole = {squash(t) for t in texts}
            for label in labels:
                assert squash(label) in whole, (
                    f"{name} ({language}): {label!r} not whole in {texts}"
                )
            assert not [t for t in texts if "…" in t or t.endswith("...")], (name, language)


def legend_colours(svg: str) -> dict[str, str]:
    """{label: colour of its swatch} from the legend of a rendered chart: its swatches and its
    labels come in the same order, one of each per entry."""
    root = parse(svg)
    legend = next(g for g in root.iter(f"{SVG}g") if "role-legend-entry" in g.get("class", ""))

    def marks(role: str) -> list[ET.Element]:
        return [g for g in legend.iter(f"{SVG}g") if role in g.get("class", "")]

    fills = [str(next(g.iter(f"{SVG}path")).get("fill")) for g in marks("role-legend-symbol")]
    labels = ["".join(next(g.iter(f"{SVG}text")).itertext()) for g in marks("role-legend-label")]
    return dict(zip(labels, fills, strict=True))


def bar_colours(svg: str) -> set[str]:
    root = parse(svg)
    return {
        str(path.get("fill"))
        for g in root.iter(f"{SVG}g")
        if "mark-rect" in g.get("class", "")
        for path in g.iter(f"{SVG}path")
    }


def test_a_status_has_one_colour_in_every_language() -> None:
    expected = {code: charts.STATUS_COLOURS[code] for code in PUBLIC_STATUSES}
    for language in LANGUAGES:
        with translation.override(language):
            svg = charts.requests_by_theme(status_rows())
            shown = {squash(label): colour for label, colour in legend_colours(svg).items()}
            by_code = {code: shown.get(squash(str(Status(code).label))) for code in expected}
        assert by_code == expected, language
        assert bar_colours(svg) == set(expected.values()), language


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "1,250,000"),
        ("fr", "1\u202f250\u202f000"),
        ("ru", "1\u00a0250\u00a0000"),
        ("es", "1.250.000"),
        ("ar", "1,250,000"),
        ("zh-hans", "1,250,000"),
    ],
)
def test_numbers_in_charts_are_written_as_the_language_writes_them(
    language: str, written: str
) -> None:
    with translation.override(language):
        texts = svg_texts(world_map()[0])
        percent = svg_texts(share()[0])
    assert written in texts, texts
    assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", "".join(texts)), "Western digits only"
    symbol = {"fr": "\u00a0%", "ru": "\u00a0%", "es": "\u00a0%"}.get(language, "%")
    assert f"50{symbol}" in percent, percent


def test_arabic_charts_are_mirrored() -> None:
    """Categories on the right, bars growing leftwards, title and legend on the right; every
    text reads right to left where Vega placed it."""
    config = charts.language_config("ar")
    assert config["title"]["anchor"] == config["legend"]["titleAnchor"] == "end"
    assert charts.language_config("en")["title"]["anchor"] == "start"
    with translation.override("ar"):
        svg = by_theme()[0]
    root = parse(svg)
    assert all(t.get("direction") == "rtl" for t in root.iter(f"{SVG}text"))
    # The zero of the value axis is its rightmost tick.
    ticks = {
        "".join(t.itertext()): float(re.findall(r"translate\(([-\d.]+)", t.get("transform", ""))[0])
        for t in root.iter(f"{SVG}text")
        if "".join(t.itertext()).isdigit()
    }
    assert ticks["0"] == max(ticks.values())


@given(st.text(st.sampled_from("ab cd—，。国际合作（CERT）"), max_size=60), st.integers(20, 200))
def test_wrapping_keeps_every_character(text: str, width: int) -> None:
    lines = charts.wrap(text, width)
    assert squash("".join(lines)) == squash(text)
    assert all(line == line.strip() for line in lines)
