"""`equalfooting search`: the search index, rebuilt."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .setup import Subcommands, django_setup


def register(commands: Subcommands) -> None:
    search = commands.add_parser(
        "search",
        help="rebuild the search index",
        description="The search index is derived from the public register, requests and "
        "offers, and kept up to date by the scheduler. Rebuild it after an upgrade that "
        "changes how text is read, or to check it: every public text is read again.",
    )
    actions = search.add_subparsers(dest="action", required=True, metavar="ACTION")
    rebuild = actions.add_parser(
        "rebuild", help="read every public text again", description="Read every public text again."
    )
    rebuild.set_defaults(func=cmd_rebuild)


def cmd_rebuild(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): the index reads models, which need the app registry
    from equalfooting.programmes.search import search_rebuild

    def progress(kind: str, done: dict[str, Any]) -> None:
        print(f"{kind}: {done['read']} read, {done['forgotten']} forgotten", file=sys.stderr)

    search_rebuild(progress=progress)
    return 0
