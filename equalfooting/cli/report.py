"""`equalfooting report annual`: the annual progress report as PDF or HTML."""

from __future__ import annotations

import argparse
import sys

from .setup import Subcommands, django_setup


def register(commands: Subcommands) -> None:
    report = commands.add_parser("report", help="the annual progress report")
    kinds = report.add_subparsers(dest="report_command", required=True, metavar="KIND")
    annual = kinds.add_parser(
        "annual",
        help="write the annual progress report as PDF (or HTML)",
        description="Write the year's figures, charts, map, fairness statistics and audit head, "
        "in any of the six languages. PDF by WeasyPrint (needs Pango and a font for the "
        "language's script: Debian's fonts-noto-core, and fonts-noto-cjk for Chinese; without "
        "it the PDF is refused, exit 2); an output name ending in .html writes HTML instead.",
    )
    annual.add_argument("--year", type=int, required=True)
    annual.add_argument("--lang", choices=("ar", "zh-hans", "en", "fr", "ru", "es"), default="en")
    annual.add_argument("--out", required=True, help="report.pdf or report.html")
    annual.set_defaults(func=cmd_report_annual)


def cmd_report_annual(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): Django is loaded by the commands that need it only
    from django.template.loader import render_to_string
    from django.utils import translation

    # after django_setup(): the report reads models, which need the app registry
    from equalfooting.transparency import report

    if args.out.endswith(".html"):
        with translation.override(args.lang):
            html = render_to_string(
                "transparency/annual_report_print.html",
                {
                    **report.context(args.year),
                    "LANGUAGE_CODE": args.lang,
                    "text_direction": "rtl" if translation.get_language_bidi() else "ltr",
                },
            )
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(html)
    else:
        try:
            data = report.pdf(args.year, args.lang)
        except OSError as exc:
            print(
                f"error: WeasyPrint cannot run here ({exc}); install Pango "
                "(Debian: libpango-1.0-0) and the Noto fonts, or write HTML with --out report.html",
                file=sys.stderr,
            )
            return 1
        with open(args.out, "wb") as handle:
            handle.write(data)
    print(f"Wrote the {args.year} annual report in {args.lang} to {args.out}.", file=sys.stderr)
    return 0
