"""`equalfooting load-reference-data`: States, regions, groups and organisations."""

from __future__ import annotations

import argparse
from pathlib import Path

from .setup import Subcommands, django_setup


def register(commands: Subcommands) -> None:
    load = commands.add_parser(
        "load-reference-data",
        help="load the packaged reference data (idempotent, audited)",
        description="Load States, regions, groups and organisations from the data files in the "
        "package. A second run changes nothing; changed files update rows and are audited. A "
        "malformed file stops the load, names the file and line, and changes nothing.",
    )
    load.add_argument("--data-dir", help="read the files from this folder instead of the package")
    load.set_defaults(func=cmd_load_reference_data)


def cmd_load_reference_data(args: argparse.Namespace) -> int:
    django_setup()
    load_reference_data(data_dir=args.data_dir)
    return 0


def load_reference_data(*, data_dir: str | None = None) -> None:
    """Load and print what changed; a malformed file raises InvalidFile (the demo uses it too)."""
    # after django_setup(): the loader writes models, which need the app registry
    from equalfooting.registry.services import reference_data_load

    print("Loading reference data (States, regions, groups, organisations)…", flush=True)
    summary = reference_data_load(
        actor="system:load-reference-data", data_dir=Path(data_dir) if data_dir else None
    )
    kinds = sorted(set(summary.created) | set(summary.updated) | set(summary.unchanged))
    for kind in kinds:
        print(
            f"  {kind:<13} {summary.created.get(kind, 0):>4} created"
            f" {summary.updated.get(kind, 0):>4} updated"
            f" {summary.unchanged.get(kind, 0):>4} unchanged"
        )
    print(
        "Reference data are up to date."
        if not summary.changed
        else f"{summary.changed} change(s) audited."
    )
