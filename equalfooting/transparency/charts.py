"""Charts as Vega-Lite specifications, rendered to SVG on the server (vl-convert).

No JavaScript runs in the browser and nothing is fetched: the SVG is part of the page, and
every chart has a table of the same data beside it. Rendered SVGs are cached by the hash of
their specification, so a chart is drawn once per change of its data or language.

Each chart is built for the reader's language and its direction (`language_config`): the
fonts of its script, numbers written as the language writes them (Babel's symbols, Western
digits), and in Arabic the whole chart mirrored: categories on the right, bars growing
leftwards, title and legend on the right. No label is ever shortened: long ones wrap onto
several lines (`wrap`). Colours are keyed on stable codes (a request's status), never on the
translated label, so a status has the same colour in every language.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import html
import json
import math
import re
import unicodedata
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_skeleton
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from equalfooting.core import numbers
from equalfooting.needs.models import AssistanceRequest

from .svg_paths import simplify_paths

GEO = Path(__file__).resolve().parent / "geo"
# The world map keeps the outline points that move a shape by half a pixel or more.
MAP_OUTLINE_PIXELS = 0.5
ACCENT = "#00558c"

# The first family is the one vl-convert measures text with, so it must be installed on the
# server (fonts-noto-core, fonts-noto-cjk) and be the one the reader most likely sees.
FONTS = {
    "ar": "'Noto Sans Arabic', 'Noto Sans', 'Segoe UI', Tahoma, Arial, sans-serif",
    "zh-hans": "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif",
}
FONT = "'Noto Sans', 'Segoe UI', Arial, sans-serif"
# The PDF's charts are drawn by vl-convert itself, whose fallback for a Latin letter or a
# percent sign missing from Noto Sans Arabic is a bold italic face: DejaVu Sans has both.
PRINT_FONTS = {"ar": "'DejaVu Sans', 'Noto Sans Arabic', sans-serif"}
FONT_SIZE = 12
TITLE_SIZE = 15

# Sizes in pixels. Category labels wrap within LABEL_WIDTH, so a chart is never wider than
# LABEL_WIDTH + PLOT_WIDTH (and a little padding) whatever the language; on a narrow screen
# the SVG scales down with its column (site.css).
LABEL_WIDTH = 150
PLOT_WIDTH = 240
LEGEND_WIDTH = LABEL_WIDTH + PLOT_WIDTH
LINE_HEIGHT = 15
BAR_SIZE = 24  # at most: a bar beside a label of one line fills most of its row

BIDI_MARKS = re.compile("[\u200e\u200f\u061c]")

# One colour per request status, the same in every language: keyed on the status code, in the
# order of the workflow (the order of the stacks and of the legend).
Status = AssistanceRequest.Status
STATUS_COLOURS: dict[str, str] = {
    Status.DRAFT: "#bab0ac",
    Status.SUBMITTED: "#9ecae9",
    Status.SCREENING: "#4c78a8",
    Status.RETURNED: "#b279a2",
    Status.OPEN: "#f58518",
    Status.PARTLY_MATCHED: "#eeca3b",
    Status.MATCHED: "#72b7b2",
    Status.IN_DELIVERY: "#54a24b",
    Status.COMPLETED: "#2b6a2f",
    Status.WITHDRAWN: "#9d755d",
    Status.CLOSED_UNMET: "#e45756",
}
# Who declined a proposed match.
SIDE_COLOURS = {"provider": "#4c78a8", "state": "#f58518"}


def is_rtl(language: str) -> bool:
    try:
        return bool(get_language_info(language)["bidi"])
    except KeyError:
        return False


def _language(language: str | None) -> str:
    return language or get_language() or settings.LANGUAGE_CODE


@cache
def number_locale(language: str) -> dict[str, Any]:
    """d3-format's locale (Vega's `config.locale.number`) from Babel's symbols for the language,
    with Western digits, so an axis reads like the page around it ("1 000", "50 %")."""
    locale = numbers.babel_locale(language)
    pattern = locale.percent_formats[None]
    percent_sign = locale.number_symbols[numbers.DIGITS].get("percentSign", "%")
    # The currency's place and spelling as the pages write it ("$0", "0 $US", "0 دولار").
    zero = numbers.money(0, decimals=0, language=language)
    at = zero.index("0")
    symbols = {
        "decimal": get_decimal_symbol(locale, numbering_system=numbers.DIGITS),
        "thousands": get_group_symbol(locale, numbering_system=numbers.DIGITS),
        "currency": [zero[:at], zero[at + 1 :]],
        "percent": pattern.suffix[0].replace("%", percent_sign),
        "minus": get_minus_sign_symbol(locale, numbering_system=numbers.DIGITS),
    }
    # CLDR's Arabic symbols carry direction marks ("\u200e%\u200e") for running text; a
    # chart's text has a direction of its own (`_right_to_left`), so they are left out.
    return {
        "grouping": [pattern.grouping[0]],
        **{
            key: [BIDI_MARKS.sub("", v) for v in value]
            if isinstance(value, list)
            else BIDI_MARKS.sub("", value)
            for key, value in symbols.items()
        },
    }


def language_config(language: str | None = None, fmt: str = "svg") -> dict[str, Any]:
    """Vega-Lite's `config` for a language: its fonts, its way of writing numbers, and titles and
    legends on the side where its lines begin (the right in Arabic). `fmt`: "png" for the PDF."""
    language = _language(language)
    font = FONTS.get(language, FONT)
    if fmt == "png":
        font = PRINT_FONTS.get(language, font)
    side = "end" if is_rtl(language) else "start"
    return {
        "font": font,
        "locale": {"number": number_locale(language)},
        "view": {"stroke": None},
        # The page describes the chart (role="img" and its label, below) and gives its data as
        # a table; Vega's own descriptions of each mark are English, so they stay out.
        "aria": False,
        "axis": {
            "labelFont": font,
            "titleFont": font,
            "labelFontSize": FONT_SIZE,
            "titleFontSize": FONT_SIZE,
            "labelLimit": 0,  # never an ellipsis: long labels wrap instead (`wrap`)
            "titleLimit": 0,
            "labelLineHeight": LINE_HEIGHT,
        },
        "legend": {
            "labelFont": font,
            "titleFont": font,
            "labelFontSize": FONT_SIZE,
            "titleFontSize": FONT_SIZE,
            "labelLimit": 0,
            "titleLimit": 0,
            "titleAnchor": side,
            "layout": {orient: {"anchor": side} for orient in ("top", "bottom")},
        },
        "title": {
            "font": font,
            "fontSize": TITLE_SIZE,
            "anchor": side,
            "frame": "bounds",
            "limit": 0,
            "lineHeight": TITLE_SIZE + 4,
        },
        # Arabic and Chinese faces rise higher above the line than Vega allows for a title.
        "padding": {"top": 12, "bottom": 8, "left": 8, "right": 8},
    }


# --- Wrapping ------------------------------------------------------------------------------

# Punctuation that must not begin a line (it stays with what precedes) or end one.
NO_BREAK_BEFORE = set("，。、；：？！）」』】〉》”’,.;:!?)»")
NO_BREAK_AFTER = set("（「『【〈《“‘(«")


def _em(ch: str) -> float:
    """A character's width in ems, roughly, in the sans-serif faces above."""
    if unicodedata.combining(ch) or unicodedata.category(ch) == "Cf":
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    return 0.68 if ch.isupper() or ch in "—mwMW%" else 0.56


def text_width(text: str, size: int = FONT_SIZE) -> float:
    return sum(_em(ch) for ch in text) * size


def _tokens(text: str) -> list[tuple[str, bool]]:
    """The text cut where a line may break: at spaces, and between Chinese characters (not
    before closing nor after opening punctuation); each piece with whether a space precedes."""
    tokens: list[list[Any]] = []  # [text, space before, last character is wide]
    space = False
    for ch in text:
        if ch.isspace():
            space = True
            continue
        wide = unicodedata.east_asian_width(ch) in ("W", "F")
        if tokens and not space:
            last = tokens[-1]
            joins = (
                ch in NO_BREAK_BEFORE or last[0][-1] in NO_BREAK_AFTER or (not wide and not last[2])
            )
            if joins:
                last[0] += ch
                last[2] = wide
                continue
        tokens.append([ch, space, wide])
        space = False
    return [(t[0], t[1]) for t in tokens]


def wrap(text: str, width: float, size: int = FONT_SIZE) -> list[str]:
    """The text as lines no wider than `width` pixels where it can be broken (a single word
    longer than that keeps its own line: nothing is ever cut)."""
    lines: list[str] = []
    line, used = "", 0.0
    for token, space in _tokens(str(text)):
        gap = " " if space and line else ""
        needed = text_width(gap + token, size)
        if line and used + needed > width:
            lines.append(line)
            line, used = token, text_width(token, size)
        else:
            line, used = line + gap + token, used + needed
    if line or not lines:
        lines.append(line)
    return lines


def _lines(text: str, width: float, size: int = FONT_SIZE) -> str | list[str]:
    """Vega's text: a string, or a list of lines (one <tspan> each in the SVG)."""
    lines = wrap(text, width, size)
    return lines[0] if len(lines) == 1 else lines


def _lookup(labels: dict[str, str | list[str]]) -> str:
    """A Vega expression giving each value's text (its lines) from a table, for `labelExpr`."""
    table = json.dumps(labels, ensure_ascii=True, sort_keys=True)
    return f"{table}[datum.value] || datum.label"


def _centring(labels: dict[str, str | list[str]]) -> str:
    """A Vega expression moving each label of several lines up by half its extra lines."""
    shifts = {
        value: -(len(lines) - 1) * LINE_HEIGHT / 2
        for value, lines in labels.items()
        if isinstance(lines, list)
    }
    return f"{json.dumps(shifts, ensure_ascii=True, sort_keys=True)}[datum.value] || 0"


# --- Rendering -----------------------------------------------------------------------------


def _right_to_left(svg: str) -> str:
    """Every text of the SVG read right to left, where it stands: Vega lays text out with
    left-to-right anchors, so each anchor is swapped as the direction turns. A label beginning
    with a Latin word ("CERT …") then still reads from the right, as the Arabic around it."""

    def turn(match: re.Match[str]) -> str:
        tag = match.group(0)
        anchor = re.search(r' text-anchor="(\w+)"', tag)
        was = anchor.group(1) if anchor else "start"
        now = {"start": "end", "end": "start"}.get(was, was)
        tag = tag.replace(anchor.group(0), "") if anchor else tag
        return tag.replace("<text", f'<text direction="rtl" text-anchor="{now}"', 1)

    return re.sub(r"<text\b[^>]*>", turn, svg)


def _lines_apart(svg: str) -> str:
    """Each line of a label of several lines as a text of its own, for vl-convert's PNG: it
    orders right-to-left script over the whole label at once, mixing up its lines."""

    def apart(match: re.Match[str]) -> str:
        attributes, body = match.group(1), match.group(2)
        texts, shift = [], 0.0
        for tspan, line in re.findall(r"<tspan([^>]*)>(.*?)</tspan>", body):
            dy = re.search(r' dy="([-\d.]+)"', tspan)
            shift += float(dy.group(1)) if dy else 0.0
            moved = re.sub(
                r'transform="([^"]*)"', rf'transform="\1 translate(0,{shift:g})"', attributes
            )
            texts.append(f"<text{moved}>{line}</text>")
        return "".join(texts)

    return re.sub(r"<text([^>]*)>((?:<tspan[^>]*>.*?</tspan>)+)</text>", apart, svg)


def render(
    spec: dict[str, Any], fmt: str = "svg", *, rtl: bool = False, outlines: float = 0.0
) -> str:
    """Markup for the chart: inline SVG for pages (the browser shapes every script), or a PNG
    image for the PDF report (vl-convert shapes Arabic itself; the PDF renderer's SVG does not).
    `rtl`: the chart's text reads right to left (its geometry is already mirrored). `outlines`:
    in SVG, drop the outline points that move a shape by less than this many pixels (maps)."""
    import vl_convert  # heavy (a JavaScript engine): loaded on the first chart drawn

    # Plain JSON for the renderer: money (Decimal) becomes a number, dates become text.
    spec = json.loads(
        json.dumps(spec, default=lambda v: float(v) if isinstance(v, Decimal) else str(v))
    )
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    key = f"chart:{fmt}:{'rtl' if rtl else 'ltr'}:{outlines}:{digest}"
    markup = django_cache.get(key)
    if markup is None:
        label = html.escape(str(spec.get("description", "")))
        if fmt == "png":
            # vl-convert's own text layout orders each label by its script: no turning round.
            svg = _lines_apart(vl_convert.vegalite_to_svg(spec))
            data = base64.b64encode(vl_convert.svg_to_png(svg, scale=2)).decode()
            markup = f'<img src="data:image/png;base64,{data}" alt="{label}">'
        else:
            svg = vl_convert.vegalite_to_svg(spec)
            svg = _right_to_left(svg) if rtl else svg
            # One image with one description, in the page's language: Vega's own roles and
            # descriptions of its parts ("Title text …", "rect mark container") are English.
            svg = re.sub(r' (?:aria-[a-z]+|role)="[^"]*"', "", svg)
            svg = simplify_paths(svg, outlines) if outlines else svg
            markup = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
        django_cache.set(key, markup, 60 * 60)
    return str(markup)


def _base(title: str | None, description: str, language: str, fmt: str) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "description": description,
        "config": language_config(language, fmt),
        "background": "white",
    }
    if title:
        spec["title"] = {"text": _lines(title, LABEL_WIDTH + PLOT_WIDTH, TITLE_SIZE)}
    return spec


def bars(
    *,
    title: str,
    rows: list[dict[str, Any]],
    category: str,
    value: str,
    value_title: str,
    colour: str | None = None,
    colour_label: str | None = None,
    colours: dict[str, str] | None = None,
    colour_title: str = "",
    percent: bool = False,
    whole: bool = False,
    domain: tuple[float, float] | None = None,
    chronological: bool = False,
    fmt: str = "svg",
) -> str:
    """Horizontal bars (long labels in any script read best that way), optionally stacked.

    `colour` names the field holding a stable code (a status), `colour_label` the field with its
    label in the reader's language, `colours` the colour of every code: the scale's domain and
    range are fixed, so a code has its colour whatever the language or the data. `whole`: the
    values are counts (ticks on whole numbers). `chronological`: categories in the rows' order
    rather than by size.
    """
    language = _language(None)
    rtl = is_rtl(language)
    categories = list(dict.fromkeys(str(row[category]) for row in rows))
    labels = {c: _lines(c, LABEL_WIDTH) for c in categories}
    most_lines = max((len(v) if isinstance(v, list) else 1 for v in labels.values()), default=1)
    step = max(22, most_lines * LINE_HEIGHT + 8)
    x_axis: dict[str, Any] = {}  # Vega's own number format, in the language's locale
    x_scale: dict[str, Any] = {"reverse": rtl}  # in Arabic bars grow leftwards from the right
    if percent:
        x_axis.update(format=".0%", values=[0, 0.25, 0.5, 0.75, 1])
        x_scale["domain"] = [0, 1]
    elif whole:
        totals: dict[str, float] = {}
        for row in rows:
            totals[str(row[category])] = totals.get(str(row[category]), 0) + float(row[value])
        ticks = _whole_ticks(max(totals.values(), default=0))
        x_axis.update(format=",d", values=ticks)
        x_scale["domain"] = [0, ticks[-1]]
    elif domain:
        x_scale["domain"] = list(domain)
        x_axis["values"] = list(range(math.ceil(domain[0]), math.floor(domain[1]) + 1))
    encoding: dict[str, Any] = {
        "y": {
            "field": category,
            "type": "nominal",
            "title": None,  # the figure's caption and table name the categories
            "sort": None if chronological else "-x",
            "axis": {
                "orient": "right" if rtl else "left",
                "labelExpr": _lookup(labels),
                # Vega sets a label's first line beside its bar: the lines are centred on it.
                "labelOffset": {"expr": _centring(labels)},
                "ticks": False,
                "labelPadding": 6,
            },
        },
        "x": {
            "field": value,
            "type": "quantitative",
            "title": _lines(value_title, PLOT_WIDTH),
            "axis": x_axis,
            "scale": x_scale,
        },
    }
    if colour:
        encoding.update(_colour(rows, colour, colour_label or colour, colours or {}, colour_title))
    spec = {
        **_base(title, title, language, fmt),
        "width": PLOT_WIDTH,
        "height": {"step": step},
        "data": {"values": rows},
        "mark": {
            "type": "bar",
            "size": min(BAR_SIZE, step * 0.9),
            **({} if colour else {"color": ACCENT}),
        },
        "encoding": encoding,
    }
    return render(spec, fmt, rtl=rtl)


def _whole_ticks(top: float) -> list[int]:
    """Ticks on whole numbers from 0 to `top` or just past it, at most eight steps of 1, 2 or
    5 × 10ⁿ (Vega's own ticks would put 0.5 between 0 and 1, and write it "1")."""
    steps = (f * 10**n for n in range(20) for f in (1, 2, 5))
    step = next(s for s in steps if math.ceil(top / s) <= 8)
    return [i * step for i in range(max(1, math.ceil(top / step)) + 1)]


def _colour(
    rows: list[dict[str, Any]], code: str, label: str, colours: dict[str, str], title: str
) -> dict[str, Any]:
    """The colour and stacking order of a stacked bar, keyed on the code, with the legend
    naming each code present by its label in the reader's language."""
    order = list(colours)
    present = [c for c in order if any(str(row[code]) == c for row in rows)]
    names = {str(row[code]): str(row[label]) for row in rows}
    width = max((text_width(names[c]) for c in present), default=0) + 30
    rtl = is_rtl(_language(None))
    # As many columns as fit; in Arabic only as many as fill every row, for Vega starts each
    # row on the left (the rows are turned round below, so each begins on the right).
    columns = next(
        (
            n
            for n in (4, 3, 2)
            if n * width <= LEGEND_WIDTH and n <= len(present) and not (rtl and len(present) % n)
        ),
        1,
    )
    lines = {c: _lines(names[c], LEGEND_WIDTH / columns - 30) for c in present}
    entries = present
    if rtl:  # the first entry on the right of the first row: each row read from the right
        entries = [
            c for i in range(0, len(present), columns) for c in present[i : i + columns][::-1]
        ]
    legend: dict[str, Any] = {
        "orient": "bottom",
        "direction": "horizontal",
        "columns": columns,
        "values": entries,
        "labelExpr": _lookup(lines),
        "title": _lines(title, LEGEND_WIDTH),
    }
    if rtl:  # the swatch on the right of its label (Vega always puts it on the left)
        legend["encode"] = {"labels": {"update": {"align": {"value": "right"}, "x": {"value": -6}}}}
    return {
        "color": {
            "field": code,
            "type": "nominal",
            "scale": {"domain": order, "range": [colours[c] for c in order]},
            "legend": legend,
        },
        # Stacks follow the codes' order (the workflow's), the same in every language.
        "order": {"field": "_order", "type": "quantitative"},
    }


@cache
def _topology(name: str) -> dict[str, Any]:
    return json.loads((GEO / f"{name}-50m.json").read_text(encoding="utf-8"))


def world_map(
    *, title: str, values: list[dict[str, Any]], value_title: str, fmt: str = "svg"
) -> str:
    """A choropleth of the States (by M49 code) over plain land; no tiles, no borders elsewhere.
    The map is not mirrored in Arabic (geography has no reading direction): its legend stays on
    the right, its title anchored to the right."""
    language = _language(None)
    # No title: the page gives it, in the reading direction of its language.
    base = _base(None, title, language, fmt)
    spec = {
        **base,
        "width": 760,
        "height": 400,
        "projection": {"type": "equalEarth"},
        "layer": [
            {
                "data": {
                    "values": _topology("land"),
                    "format": {"type": "topojson", "feature": "land"},
                },
                "mark": {"type": "geoshape", "fill": "#e5e7eb", "stroke": None},
            },
            {
                "data": {
                    "values": _topology("countries"),
                    "format": {"type": "topojson", "feature": "countries"},
                },
                "transform": [
                    {
                        "lookup": "id",
                        "from": {
                            "data": {"values": values},
                            "key": "m49",
                            "fields": ["value", "name"],
                        },
                    },
                    {"filter": "datum.name != null"},
                ],
                "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.3},
                "encoding": {
                    "color": {
                        "field": "value",
                        "type": "quantitative",
                        "title": _lines(value_title, 200),
                        "scale": {"scheme": "blues"},
                        "legend": {"orient": "right", "labelFontSize": 13, "titleFontSize": 13},
                    }
                },
            },
        ],
    }
    # Natural Earth's 1:50m outlines, drawn this small, carry ten times the points one can see.
    return render(spec, fmt, rtl=is_rtl(language), outlines=MAP_OUTLINE_PIXELS)


# --- The charts the site draws ---------------------------------------------------------------
# Each takes rows as the statistics give them and returns markup ("" without data); the
# chart-label test (tests/transparency/test_chart_labels.py) draws every one of them.


def requests_by_theme(rows: list[dict[str, Any]], fmt: str = "svg") -> str:
    """Rows: theme (label), status (label), status_code, requests."""
    if not rows:
        return ""
    order = list(STATUS_COLOURS)
    return bars(
        title=_("Requests by theme and status"),
        rows=[{**row, "_order": order.index(row["status_code"])} for row in rows],
        category="theme",
        value="requests",
        value_title=_("Requests"),
        colour="status_code",
        colour_label="status",
        colours=STATUS_COLOURS,
        colour_title=_("Status"),
        whole=True,
        fmt=fmt,
    )


def month_name(month: str, language: str | None = None) -> str:
    """A month ("2026-12") as the language names it: "Dec 2026", "déc. 2026", "2026年12月"."""
    try:
        first = datetime.date.fromisoformat(f"{month}-01")
    except ValueError:
        return month
    return format_skeleton("yMMM", first, locale=numbers.babel_locale(_language(language)))


def requests_by_month(months: list[dict[str, Any]], fmt: str = "svg") -> str:
    """Rows: month ("YYYY-MM"), requests; months in order, top to bottom."""
    if not months:
        return ""
    return bars(
        title=_("Requests submitted by month"),
        rows=[{"month": month_name(m["month"]), "requests": m["requests"]} for m in months],
        category="month",
        value="requests",
        value_title=_("Requests"),
        whole=True,
        chronological=True,
        fmt=fmt,
    )


def share_served(rows: list[dict[str, Any]], group_title: str, fmt: str = "svg") -> str:
    """Rows: label (a group of States), share (0 to 1)."""
    if not rows:
        return ""
    return bars(
        title=_("Mean share of each request served — %(group)s") % {"group": group_title},
        rows=rows,
        category="label",
        value="share",
        value_title=_("Mean share served"),
        percent=True,
        fmt=fmt,
    )


def declines_by_reason(rows: list[dict[str, Any]], fmt: str = "svg") -> str:
    """Rows: label (the reason), declines, side (label), side_code ("provider" or "state")."""
    if not rows:
        return ""
    order = list(SIDE_COLOURS)
    return bars(
        title=_("Declines by reason"),
        rows=[{**row, "_order": order.index(row["side_code"])} for row in rows],
        category="label",
        value="declines",
        value_title=_("Declines"),
        colour="side_code",
        colour_label="side",
        colours=SIDE_COLOURS,
        colour_title=_("Declined by"),
        whole=True,
        fmt=fmt,
    )


def assessment_stages(rows: list[dict[str, Any]], version: int | None, fmt: str = "svg") -> str:
    """Rows: dimension (its name), stage (0 to 5): a State's public self-assessment."""
    if not rows:
        return ""
    return bars(
        title=_("Public self-assessment, version %(n)s") % {"n": version},
        rows=rows,
        category="dimension",
        value="stage",
        value_title=_("Stage (1 to 5)"),
        domain=(0, 5),
        fmt=fmt,
    )
