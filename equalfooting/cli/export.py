"""`equalfooting export`: a public dataset as CSV, XLSX or JSON, or the IATI files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .setup import Subcommands, django_setup

# The datasets, listed here so --help works without setting Django up.
EXPORT_DATASETS = (
    "states",
    "organisations",
    "requests",
    "offers",
    "matches",
    "rounds",
    "contributions",
    "ledger",
    "projects",
    "allocations",
    "register",
    "coverage",
    "events",
    "library",
    "audit",
    "iati",
)


def register(commands: Subcommands) -> None:
    export = commands.add_parser(
        "export",
        help="write a public dataset as CSV, XLSX or JSON",
        description="Write one of the public lists with labels in the chosen language. Only "
        "public data: nothing a State keeps confidential is exported.",
    )
    export.add_argument("dataset", choices=EXPORT_DATASETS, help="which list")
    export.add_argument("--format", choices=("csv", "xlsx", "json"), default="csv")
    export.add_argument("--lang", choices=("ar", "zh-hans", "en", "fr", "ru", "es"), default="en")
    export.add_argument(
        "--out", required=True, help="file to write, or - for stdout (for iati: a folder)"
    )
    export.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): both read models, which need the app registry
    from equalfooting.transparency import exports, iati

    if args.dataset == "iati":
        folder = Path(args.out)
        folder.mkdir(parents=True, exist_ok=True)
        count = iati.write_activities(folder / "activities.xml")
        iati.write_organisation(folder / "organisation.xml")
        print(
            f"Wrote {count} IATI activities to {folder / 'activities.xml'} "
            f"and {folder / 'organisation.xml'}.",
            file=sys.stderr,
        )
        return 0

    dataset = exports.DATASETS[args.dataset]
    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")  # noqa: SIM115
    try:
        for block in exports.chunks(dataset, args.format, args.lang):
            out.write(block)
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    print(f"Wrote {args.dataset} as {args.format} ({args.lang}) to {args.out}.", file=sys.stderr)
    return 0
