"""`equalfooting sponsorship select`: re-run a sponsorship selection from its published file.

Pure: no database, so anyone can check who was sponsored, and why, with the package alone.
"""

from __future__ import annotations

import argparse
import sys

from equalfooting.domain import sponsorship
from equalfooting.domain.errors import InvalidFile

from .files import check_output, json_text, read_json, write_text
from .setup import Subcommands


def register(commands: Subcommands) -> None:
    group = commands.add_parser(
        "sponsorship", help="the sponsorship of delegates to attend the mechanism's meetings"
    )
    actions = group.add_subparsers(dest="sponsorship_command", required=True, metavar="ACTION")
    select = actions.add_parser(
        "select",
        help="select the sponsored delegates from a call's published file",
        description="Read a call's published selection file ({budget, applicants}: opaque keys, "
        "tier, need, rank, gender and cost of each applicant) and write the decisions by the "
        "published rule: least developed, landlocked developing and small island developing "
        "States first, each tier by need, ties by key; one place per State before any second; "
        "a second place to a delegate of another gender where one applied; places until the "
        "budget is spent. Needs no database. Exit 2 names the field at fault in bad input. "
        "The rule is in docs/methodology-sponsorship.md.",
    )
    select.add_argument("--input", required=True, help="the call's selection file (JSON)")
    select.add_argument("--output", required=True, help="decisions file to write, or - for stdout")
    select.set_defaults(func=cmd_select)


def cmd_select(args: argparse.Namespace) -> int:
    check_output(args.output)
    data = read_json(args.input)
    try:
        budget, applicants = sponsorship.parse(data)
    except sponsorship.SelectionError as exc:  # the pure domain knows no files; name this one
        raise InvalidFile(f"{args.input}: {exc}") from exc
    result = sponsorship.result_json(budget, applicants)
    write_text(args.output, json_text(result, levels=2))
    print(
        f"{result['places']} places of {len(applicants)} applicants; "
        f"spent {result['spent']} of {result['budget']}",
        file=sys.stderr,
    )
    return 0
