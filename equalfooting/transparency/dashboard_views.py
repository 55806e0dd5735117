from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from equalfooting.core.errors import NotFound
from equalfooting.domain.coverage import UNMET
from equalfooting.fund.figures import Flow
from equalfooting.needs import framework as fw
from equalfooting.needs.labels import theme_label
from equalfooting.needs.principles import PRINCIPLES
from equalfooting.programmes import coverage
from equalfooting.programmes.labels import STATUS as COVERAGE_STATUS

from . import charts, file_views, published, report, statistics

MAP_METRICS = ("coverage", "requests", "allocations", "unmet")


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    rows = statistics.requests_by_theme_and_status()
    chart = charts.requests_by_theme(rows)
    months = statistics.over_time()
    return render(
        request,
        "transparency/dashboard.html",
        {
            "figures": statistics.overview(),
            "as_of": timezone.now(),
            "Flow": Flow,
            "report_year": published.report_years()[-1],
            "rows": rows,
            "chart": chart,
            "months": months,
            "months_chart": charts.requests_by_month(months),
        },
    )


@require_safe
def fairness(request: HttpRequest) -> HttpResponse:
    data = statistics.fairness()
    sections = []
    for key, title in (
        ("region", _("By region")),
        ("income", _("By World Bank income group")),
        ("group", _("By LDC, LLDC and SIDS membership")),
    ):
        rows = data[key]
        chart = charts.share_served(rows, title)
        sections.append({"key": key, "title": title, "rows": rows, "chart": chart})
    declines = data["declines"]
    decline_chart = charts.declines_by_reason(declines)
    return render(
        request,
        "transparency/fairness.html",
        {
            "sections": sections,
            "declines": declines,
            "decline_chart": decline_chart,
        },
    )


@require_safe
def world_map(request: HttpRequest) -> HttpResponse:
    metric = request.GET.get("metric", "coverage")
    if metric not in MAP_METRICS:
        metric = "coverage"
    titles = {
        "coverage": _("Regional ICT-security capacity-building programmes reaching each State"),
        "requests": _("Requests for assistance by State"),
        "allocations": _("Allocations from the fund by State (USD)"),
        "unmet": _("Unmet need by theme"),
    }
    legends = {"coverage": _("Programmes"), "requests": _("Requests"), "allocations": _("USD")}
    themes = [d.code for d in fw.load().dimensions]
    theme = request.GET.get("theme", "")
    theme = theme if theme in themes else themes[0]
    title = titles[metric]
    if metric == "unmet":
        # Need without activity (the coverage matrix's cells), one theme at a time.
        values = coverage.unmet_map_values(theme)
        title = _("Unmet need: %(theme)s") % {"theme": theme_label(theme)}
        legend = str(COVERAGE_STATUS[UNMET])
    else:
        values = statistics.map_values(metric)
        legend = legends[metric]
    svg = charts.world_map(title=title, values=values, value_title=legend)
    return render(
        request,
        "transparency/map.html",
        {
            "svg": svg,
            "metric": metric,
            "metrics": [(m, titles[m]) for m in MAP_METRICS],
            "themes": [(t, theme_label(t)) for t in themes] if metric == "unmet" else [],
            "theme": theme,
            "rows": sorted(values, key=lambda v: (-float(v["value"]), str(v["name"]))),
            "title": title,
        },
    )


@require_safe
def annual_report(request: HttpRequest, year: int) -> HttpResponse:
    if year not in published.report_years():
        raise NotFound(_("There is no annual report for this year."))
    return render(request, "transparency/annual_report.html", report.context(year))


@require_safe
def annual_report_pdf(request: HttpRequest, year: int) -> HttpResponseBase:
    """The PDF in the page's language, prepared by a job and served from disk."""
    lang = translation.get_language() or settings.LANGUAGE_CODE
    return file_views.serve(request, published.annual_report_spec(year, lang))


@require_safe
def principles(request: HttpRequest) -> HttpResponse:
    """How many requests, offers and projects affirm each capacity-building principle."""
    stats = statistics.principles_affirmed()

    def share(name: str, code: str) -> int:
        total = stats[name]["total"]
        return round(100 * stats[name]["counts"][code] / total) if total else 0

    rows = [
        {
            "label": label,
            "requests": share("requests", code),
            "offers": share("offers", code),
            "projects": share("projects", code),
        }
        for code, label in PRINCIPLES.items()
    ]
    totals = {name: stats[name]["total"] for name in stats}
    return render(
        request,
        "transparency/principles.html",
        {"rows": rows, "totals": totals, "total": totals["requests"]},
    )
