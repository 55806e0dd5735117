"""Charts as Vega-Lite specifications, rendered to SVG on the server (vl-convert).

No JavaScript runs in the browser and nothing is fetched: the SVG is part of the page, and
every chart has a table of the same data beside it. Rendered SVGs are cached by the hash of
their specification, so a chart is drawn once per change of its data.
"""

from __future__ import annotations

import base64
import hashlib
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.core.cache import cache as django_cache
from django.utils.translation import gettext as _

GEO = Path(__file__).resolve().parent / "geo"
ACCENT = "#00558c"
FONT = "system-ui, 'Noto Sans', 'Noto Sans Arabic', 'Noto Sans CJK SC', Arial, sans-serif"


def render(spec: dict[str, Any], fmt: str = "svg") -> str:
    """Markup for the chart: inline SVG for pages (the browser shapes every script), or a PNG
    image for the PDF report (vl-convert shapes Arabic itself; the PDF renderer's SVG does not)."""
    import vl_convert  # heavy (a JavaScript engine): loaded on the first chart drawn

    # Plain JSON for the renderer: money (Decimal) becomes a number, dates become text.
    spec = json.loads(
        json.dumps(spec, default=lambda v: float(v) if isinstance(v, Decimal) else str(v))
    )
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    key = f"chart:{fmt}:{digest}"
    markup = django_cache.get(key)
    if markup is None:
        if fmt == "png":
            data = base64.b64encode(vl_convert.vegalite_to_png(spec, scale=2)).decode()
            markup = f'<img src="data:image/png;base64,{data}" alt="{spec.get("description", "")}">'
        else:
            markup = vl_convert.vegalite_to_svg(spec)
        django_cache.set(key, markup, 60 * 60)
    return str(markup)


def _base(title: str, description: str) -> dict[str, Any]:
    return {
        "title": {"text": title, "anchor": "start", "font": FONT, "fontSize": 14},
        "description": description,
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFont": FONT, "titleFont": FONT},
            "legend": {"labelFont": FONT, "titleFont": FONT},
        },
        "background": "white",
    }


def bars(
    *,
    title: str,
    rows: list[dict[str, Any]],
    category: str,
    value: str,
    value_title: str,
    category_title: str,
    colour: str | None = None,
    colour_title: str = "",
    percent: bool = False,
    fmt: str = "svg",
) -> str:
    """Horizontal bars (long labels in any script read best that way), optionally stacked."""
    spec = {
        **_base(title, f"{title}: {value_title} by {category_title}"),
        "width": 520,
        "data": {"values": rows},
        "mark": {"type": "bar", "color": ACCENT} if not colour else {"type": "bar"},
        "encoding": {
            "y": {
                "field": category,
                "type": "nominal",
                "title": None,  # the figure's caption and table name the categories
                "sort": "-x",
                "axis": {"labelLimit": 260},
            },
            "x": {
                "field": value,
                "type": "quantitative",
                "title": value_title,
                **({"axis": {"format": ".0%"}, "scale": {"domain": [0, 1]}} if percent else {}),
            },
            **(
                {"color": {"field": colour, "type": "nominal", "title": colour_title}}
                if colour
                else {}
            ),
        },
    }
    return render(spec, fmt)


@cache
def _topology(name: str) -> dict[str, Any]:
    return json.loads((GEO / f"{name}-50m.json").read_text(encoding="utf-8"))


def world_map(
    *, title: str, values: list[dict[str, Any]], value_title: str, fmt: str = "svg"
) -> str:
    """A choropleth of the States (by M49 code) over plain land; no tiles, no borders elsewhere."""
    base = _base(title, f"{title}: {value_title} by State")
    del base["title"]  # the page gives the title, in the reading direction of its language
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
                        "title": value_title,
                        "scale": {"scheme": "blues"},
                    }
                },
            },
        ],
    }
    return render(spec, fmt)


# The charts the dashboards and the annual report share.


def requests_by_theme(rows: list[dict[str, Any]], fmt: str = "svg") -> str:
    if not rows:
        return ""
    return bars(
        title=_("Requests by theme and status"),
        rows=rows,
        category="theme",
        value="requests",
        value_title=_("Requests"),
        category_title=_("Theme"),
        colour="status",
        colour_title=_("Status"),
        fmt=fmt,
    )


def share_served(rows: list[dict[str, Any]], group_title: str, fmt: str = "svg") -> str:
    if not rows:
        return ""
    return bars(
        title=_("Mean share of each request served — %(group)s") % {"group": group_title},
        rows=rows,
        category="label",
        value="share",
        value_title=_("Mean share served"),
        category_title=group_title,
        percent=True,
        fmt=fmt,
    )
