"""The annual progress report, in any of the six languages: HTML on the site, PDF by WeasyPrint.

The PDF is made from the same template as the page, with a print stylesheet shipped in the
package and system fonts that cover every script (Noto). Nothing is fetched while rendering.
A language whose script no installed font covers is refused before rendering (`fonts`), with
the package to install, rather than printed as empty boxes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from equalfooting.audit.selectors import audit_head
from equalfooting.fund.figures import Flow

from . import charts, fonts, statistics

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "ef" / "report-print.css"


def context(year: int, fmt: str = "svg") -> dict[str, Any]:
    """The year's figures, charts, map and fairness statistics, in the active language."""
    figures = statistics.year_figures(year)
    themes = statistics.requests_by_theme_and_status()
    fairness = statistics.fairness()
    seq, head = audit_head()
    return {
        "year": year,
        "figures": figures,
        "Flow": Flow,
        "fairness": fairness,
        "theme_chart": charts.requests_by_theme(themes, fmt),
        "region_chart": charts.share_served(fairness["region"], _("By region"), fmt),
        "map": charts.world_map(
            title=_("Regional ICT-security capacity-building programmes reaching each State"),
            values=statistics.map_values("coverage"),
            value_title=_("Programmes"),
            fmt=fmt,
        ),
        "audit_seq": seq,
        "audit_head": head,
    }


def pdf(year: int, lang: str) -> bytes:
    """The report as PDF; Unavailable where no installed font covers the language's script
    (the PDF would come out with empty boxes)."""
    fonts.font_check(lang)
    from weasyprint import CSS, HTML  # loads Pango and its fonts: heavy, only a PDF needs it
    from weasyprint.urls import URLFetcher  # part of the same heavy library

    with translation.override(lang):
        html = render_to_string(
            "transparency/annual_report_print.html",
            {
                **context(year, fmt="png"),
                "LANGUAGE_CODE": lang,
                "text_direction": "rtl" if translation.get_language_bidi() else "ltr",
            },
        )
    # Rendered air-gapped: only the images the report carries inline (data: URIs) are read.
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}), base_url=None)
    return bytes(document.write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))]))
